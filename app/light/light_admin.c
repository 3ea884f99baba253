/* light_admin: validation of the whole configuration before anything is stored. */
#include "light_admin.h"

#include <string.h>

#include <json-c/json.h>

#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../tenant/tenant.h"
#include "calendar.h"
#include "light.h"

enum light_admin_stmt {
	ADMIN_CALENDAR_GET, /* the stored calendar */
	ADMIN_CALENDAR_SET, /* store it and move both versions */
	ADMIN_THRESHOLDS_CLEAR,
	ADMIN_THRESHOLD_ADD,
	ADMIN_STMT__MAX
};

static const char *const admin_sql[ADMIN_STMT__MAX] = {
        /* ADMIN_CALENDAR_GET */
        [ADMIN_CALENDAR_GET] = "SELECT calendar FROM tenants WHERE id = ?",
        /* ADMIN_CALENDAR_SET */
        [ADMIN_CALENDAR_SET] = "UPDATE tenants SET calendar = ?, config_version = config_version + 1, lights_version = "
                               "lights_version + 1 "
                               "WHERE id = ?",
        /* ADMIN_THRESHOLDS_CLEAR */
        [ADMIN_THRESHOLDS_CLEAR] = "DELETE FROM light_thresholds WHERE tenant_id = ?",
        /* ADMIN_THRESHOLD_ADD */
        [ADMIN_THRESHOLD_ADD] =
                "INSERT INTO light_thresholds (tenant_id, priority, level, enabled, amber_minutes, red_minutes) "
                "VALUES (?, ?, ?, ?, ?, ?)",
};

static const char *const priorities[TENANT_PRIORITIES] = {"low", "normal", "high", "urgent"};

static struct json_object *thresholds_json(const struct light_threshold th[TENANT_PRIORITIES][LEVEL__MAX])
{
	struct json_object *arr = json_object_new_array();

	for (int p = 0; p < TENANT_PRIORITIES; p++)
		for (int l = 0; l < LEVEL__MAX; l++) {
			struct json_object *o = json_object_new_object();

			json_add_str(o, "priority", priorities[p]);
			json_add_int(o, "level", l + 1);
			json_add_bool(o, "enabled", th[p][l].enabled);
			json_add_int(o, "amber_minutes", th[p][l].amber_seconds / 60);
			json_add_int(o, "red_minutes", th[p][l].red_seconds / 60);
			json_object_array_add(arr, o);
		}
	return arr;
}

int light_admin_get(struct request *r)
{
	struct db_rows rows;
	struct json_object *out = json_object_new_object(), *cal = NULL;

	if (db_query(r->db, r->a, admin_sql[ADMIN_CALENDAR_GET], &rows, "i", r->tenant->id) == -1) {
		json_object_put(out);
		return 500;
	}
	if (rows.nrows == 1 && db_cell(&rows, 0, 0) != NULL)
		cal = json_tokener_parse(db_cell(&rows, 0, 0));
	json_object_object_add(out, "calendar", cal);
	json_object_object_add(out, "thresholds", thresholds_json(r->tenant->thresholds));
	return response_json(r, 200, out);
}

static int bad(struct request *r, const char *pointer, const char *msg)
{
	validation_add(&r->invalid, r->a, pointer, "invalid_value", "%s", msg);
	return problem_invalid(r);
}

int light_admin_put(struct request *r)
{
	struct json_object *cal = r->input[LIGHT_ADMIN_CALENDAR].json, *arr = r->input[LIGHT_ADMIN_THRESHOLDS].json;
	struct light_threshold th[TENANT_PRIORITIES][LEVEL__MAX];
	bool seen[TENANT_PRIORITIES][LEVEL__MAX];
	const char *cal_text, *reason = NULL;
	struct calendar parsed;

	cal_text = json_object_to_json_string_ext(cal, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (strlen(cal_text) > 64 * 1024)
		return bad(r, "calendar", "calendar is too large");
	if (calendar_parse(r->a, cal_text, &parsed, &reason) == -1)
		return bad(r, "calendar", arena_printf(r->a, "calendar: %s", reason ? reason : "invalid"));
	cal_text = arena_strdup(r->a, cal_text);

	tenant_default_thresholds(th);
	memset(seen, 0, sizeof(seen));
	if (json_object_array_length(arr) > TENANT_PRIORITIES * LEVEL__MAX)
		return bad(r, "thresholds", "thresholds has more entries than priorities times levels");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *v;
		const char *ptr = arena_printf(r->a, "thresholds/%zu", i);
		int p;
		long long level, amber, red;
		bool enabled = true;

		if (!json_object_is_type(o, json_type_object))
			return bad(r, ptr, "each threshold must be an object");
		json_object_object_foreach(o, key, unused)
		{
			(void)unused;
			if (strcmp(key, "priority") != 0 && strcmp(key, "level") != 0 && strcmp(key, "enabled") != 0 &&
			    strcmp(key, "amber_minutes") != 0 && strcmp(key, "red_minutes") != 0)
				return bad(r, ptr, arena_printf(r->a, "unknown field %.40s", key));
		}
		if (!json_object_object_get_ex(o, "priority", &v) || !json_object_is_type(v, json_type_string) ||
		    (p = tenant_priority_index(json_object_get_string(v))) < 0)
			return bad(r, ptr, "priority must be one of: low, normal, high, urgent");
		if (!json_object_object_get_ex(o, "level", &v) || !json_object_is_type(v, json_type_int) ||
		    (level = json_object_get_int64(v)) < 1 || level > LEVEL__MAX)
			return bad(r, ptr, "level must be 1, 2 or 3");
		if (json_object_object_get_ex(o, "enabled", &v)) {
			if (!json_object_is_type(v, json_type_boolean))
				return bad(r, ptr, "enabled must be true or false");
			enabled = json_object_get_boolean(v);
		}
		if (!json_object_object_get_ex(o, "amber_minutes", &v) || !json_object_is_type(v, json_type_int) ||
		    (amber = json_object_get_int64(v)) < 1 || amber > LIGHT_MAX_MINUTES ||
		    !json_object_object_get_ex(o, "red_minutes", &v) || !json_object_is_type(v, json_type_int) ||
		    (red = json_object_get_int64(v)) < 1 || red > LIGHT_MAX_MINUTES)
			return bad(r, ptr, "amber_minutes and red_minutes must be whole minutes from 1 to 525600");
		if (amber >= red)
			return bad(r, ptr, "amber_minutes must be less than red_minutes");
		if (seen[p][level - 1])
			return bad(r, ptr, "the same priority and level appear twice");
		seen[p][level - 1] = true;
		th[p][level - 1].enabled = enabled;
		th[p][level - 1].amber_seconds = 60 * amber;
		th[p][level - 1].red_seconds = 60 * red;
	}

	if (db_begin(r->db) == -1)
		return 500;
	if (db_exec(r->db, admin_sql[ADMIN_CALENDAR_SET], NULL, NULL, "si", cal_text, r->tenant->id) == -1 ||
	    db_exec(r->db, admin_sql[ADMIN_THRESHOLDS_CLEAR], NULL, NULL, "i", r->tenant->id) == -1)
		goto fail;
	for (int p = 0; p < TENANT_PRIORITIES; p++)
		for (int l = 0; l < LEVEL__MAX; l++)
			if (db_exec(r->db, admin_sql[ADMIN_THRESHOLD_ADD], NULL, NULL, "isiiii", r->tenant->id,
			            priorities[p], (long long)l + 1, (long long)th[p][l].enabled,
			            th[p][l].amber_seconds / 60, th[p][l].red_seconds / 60) == -1)
				goto fail;
	if (audit_add(r, 0, "config_lights", "business calendar and thresholds replaced") == -1)
		goto fail;
	if (db_commit(r->db) == -1)
		return 500;
	{
		struct json_object *out = json_object_new_object();

		json_object_object_add(out, "calendar", json_tokener_parse(cal_text));
		json_object_object_add(out, "thresholds",
		                       thresholds_json((const struct light_threshold(*)[LEVEL__MAX])th));
		return response_json(r, 200, out);
	}
fail:
	db_rollback(r->db);
	return 500;
}
