/* category: the list every signed-in user picks from when raising a ticket. */
#include "category.h"

#include <json-c/json.h>

#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/json.h"
#include "../core/validate.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"

enum category_stmt {
	CATEGORY_LIST,       /* a tenant's categories by name */
	CATEGORY_ADMIN_LIST, /* the same with ids, pipeline and team */
	CATEGORY_COUNT,      /* how many */
	CATEGORY_SKILL_ID,   /* a skill by name, created when new */
	CATEGORY_TEAM_GET,   /* does the team exist */
	CATEGORY_INSERT,
	CATEGORY_LOCK, /* one category, locked for an edit */
	CATEGORY_UPDATE,
	CATEGORY_BUMP, /* every worker reads the categories again with the tenant's configuration */
	CATEGORY_STMT__MAX
};

static const char *const category_sql[CATEGORY_STMT__MAX] = {
        /* CATEGORY_LIST */
        [CATEGORY_LIST] = "SELECT c.name, COALESCE(c.pipeline_id, 0), s.name FROM categories c "
                          "JOIN skills s ON s.id = c.skill_id AND s.tenant_id = c.tenant_id "
                          "WHERE c.tenant_id = ? ORDER BY c.name LIMIT 500",
        /* CATEGORY_ADMIN_LIST: everyone or (? > 0) one */
        [CATEGORY_ADMIN_LIST] = "SELECT c.id, c.name, COALESCE(c.pipeline_id, 0), COALESCE(c.team_id, 0), t.name, "
                                "s.name FROM categories c JOIN skills s ON s.id = c.skill_id AND s.tenant_id = "
                                "c.tenant_id LEFT JOIN teams t ON t.id = c.team_id AND t.tenant_id = c.tenant_id "
                                "WHERE c.tenant_id = ? AND (? = 0 OR c.id = ?) ORDER BY c.name LIMIT 500",
        /* CATEGORY_COUNT */
        [CATEGORY_COUNT] = "SELECT COUNT(*) FROM categories WHERE tenant_id = ?",
        /* CATEGORY_SKILL_ID: LAST_INSERT_ID(id) hands back the existing row's id too */
        [CATEGORY_SKILL_ID] =
                "INSERT INTO skills (tenant_id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
        /* CATEGORY_TEAM_GET */
        [CATEGORY_TEAM_GET] = "SELECT id FROM teams WHERE tenant_id = ? AND id = ?",
        /* CATEGORY_INSERT */
        [CATEGORY_INSERT] =
                "INSERT INTO categories (tenant_id, name, skill_id, pipeline_id, team_id) VALUES (?, ?, ?, ?, ?)",
        /* CATEGORY_LOCK */
        [CATEGORY_LOCK] = "SELECT id FROM categories WHERE tenant_id = ? AND id = ? FOR UPDATE",
        /* CATEGORY_UPDATE */
        [CATEGORY_UPDATE] = "UPDATE categories SET name = ?, skill_id = ?, pipeline_id = ?, team_id = ? WHERE "
                            "tenant_id = ? AND id = ?",
        /* CATEGORY_BUMP */
        [CATEGORY_BUMP] = "UPDATE tenants SET config_version = config_version + 1 WHERE id = ?",
};

int category_list(struct request *r)
{
	struct db_rows rows;
	struct json_object *out, *data;
	bool staff = role_is_staff(r->user->role);

	if (db_query(r->db, r->a, category_sql[CATEGORY_LIST], &rows, "i", r->tenant->id) == -1)
		return 500;
	out = json_object_new_object();
	data = json_object_new_array();
	for (size_t i = 0; i < rows.nrows; i++) {
		struct json_object *o = json_object_new_object();
		const struct pipeline *p = tenant_pipeline_by_id(r->tenant, db_cell_ll(&rows, i, 1));

		if (p == NULL)
			p = tenant_default_pipeline(r->tenant);
		json_add_str(o, "name", db_cell(&rows, i, 0));
		if (staff) {
			json_add_str(o, "pipeline", p->key);
			json_add_str(o, "skill", db_cell(&rows, i, 2));
		}
		json_object_array_add(data, o);
	}
	json_object_object_add(out, "data", data);
	json_add_null(out, "next_cursor");
	return response_json(r, 200, out);
}

/* The categories (only = 0) or one, as the admin sees them; NULL on database failure. */
static struct json_object *admin_json(struct request *r, long long only)
{
	struct db_rows rows;
	struct json_object *arr;

	if (db_query(r->db, r->a, category_sql[CATEGORY_ADMIN_LIST], &rows, "iii", r->tenant->id, only, only) == -1)
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; i < rows.nrows; i++) {
		struct json_object *o = json_object_new_object();
		const struct pipeline *p = tenant_pipeline_by_id(r->tenant, db_cell_ll(&rows, i, 2));

		json_add_int(o, "id", db_cell_ll(&rows, i, 0));
		json_add_str(o, "name", db_cell(&rows, i, 1));
		json_add_str(o, "skill", db_cell(&rows, i, 5));
		json_add_str(o, "pipeline", (p ? p : tenant_default_pipeline(r->tenant))->key);
		if (db_cell_ll(&rows, i, 3) > 0) {
			struct json_object *t = json_object_new_object();

			json_add_int(t, "id", db_cell_ll(&rows, i, 3));
			json_add_str(t, "name", db_cell(&rows, i, 4));
			json_object_object_add(o, "team", t);
		} else {
			json_add_null(o, "team");
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

int category_admin_list(struct request *r)
{
	struct json_object *data = admin_json(r, 0), *out;

	if (data == NULL)
		return 500;
	out = json_object_new_object();
	json_object_object_add(out, "data", data);
	json_add_null(out, "next_cursor");
	return response_json(r, 200, out);
}

/* Checks and stores one category (id 0: a new one), inside a transaction the caller opened and
 * finishes. Returns the HTTP status: 200/201 with *id set, 422 with r->invalid filled, 500. */
static int store(struct request *r, long long *id)
{
	const struct field_value *in = r->input;
	const struct pipeline *p = NULL;
	long long skill_id, team_id = 0, pipeline_id = 0;
	struct db_rows rows;

	if (in[CATEGORY_FIELD_PIPELINE].present && !in[CATEGORY_FIELD_PIPELINE].is_null) {
		if ((p = tenant_pipeline_by_key(r->tenant, in[CATEGORY_FIELD_PIPELINE].str)) == NULL)
			validation_add(&r->invalid, r->a, "pipeline", "not_found",
			               "pipeline is not a pipeline of this tenant");
		else
			pipeline_id = p->id;
	}
	if (in[CATEGORY_FIELD_TEAM_ID].present && !in[CATEGORY_FIELD_TEAM_ID].is_null) {
		if (db_query(r->db, r->a, category_sql[CATEGORY_TEAM_GET], &rows, "ii", r->tenant->id,
		             in[CATEGORY_FIELD_TEAM_ID].id) == -1)
			return 500;
		if (rows.nrows == 0)
			validation_add(&r->invalid, r->a, "team_id", "not_found",
			               "team_id is not a team of this tenant");
		team_id = in[CATEGORY_FIELD_TEAM_ID].id;
	}
	if (r->invalid.count > 0)
		return 422;
	if (db_exec(r->db, category_sql[CATEGORY_SKILL_ID], NULL, &skill_id, "is", r->tenant->id,
	            in[CATEGORY_FIELD_SKILL].str) == -1)
		return 500;
	if (*id == 0 ? db_exec(r->db, category_sql[CATEGORY_INSERT], NULL, id, "isiuu", r->tenant->id,
	                       in[CATEGORY_FIELD_NAME].str, skill_id, pipeline_id, team_id)
	             : db_exec(r->db, category_sql[CATEGORY_UPDATE], NULL, NULL, "siuuii", in[CATEGORY_FIELD_NAME].str,
	                       skill_id, pipeline_id, team_id, r->tenant->id, *id)) {
		if (r->db->last_errno != DB_ER_DUP_ENTRY)
			return 500;
		validation_add(&r->invalid, r->a, "name", "taken", "there is already a category with this name");
		return 422;
	}
	if (db_exec(r->db, category_sql[CATEGORY_BUMP], NULL, NULL, "i", r->tenant->id) == -1 ||
	    audit_add(r, 0, "config_category", "category %s", in[CATEGORY_FIELD_NAME].str) == -1)
		return 500;
	return 200;
}

static int finish(struct request *r, int status, long long id, int ok_status)
{
	struct json_object *one;

	if (status != 200) {
		db_rollback(r->db);
		return status == 422 ? problem_invalid(r) : 500;
	}
	if (db_commit(r->db) == -1)
		return 500;
	if ((one = admin_json(r, id)) == NULL)
		return 500;
	{
		struct json_object *o = json_object_get(json_object_array_get_idx(one, 0));

		json_object_put(one);
		return response_json(r, ok_status, o);
	}
}

int category_admin_create(struct request *r)
{
	struct db_rows rows;
	long long id = 0;

	if (db_begin(r->db) == -1)
		return 500;
	if (db_query(r->db, r->a, category_sql[CATEGORY_COUNT], &rows, "i", r->tenant->id) == -1) {
		db_rollback(r->db);
		return 500;
	}
	if (db_cell_ll(&rows, 0, 0) >= CATEGORY_MAX) {
		validation_add(&r->invalid, r->a, "name", "too_many", "a tenant has at most %d categories",
		               CATEGORY_MAX);
		return finish(r, 422, 0, 201);
	}
	{
		int status = store(r, &id);

		if (status == 200)
			response_headerf(r, "Location", "/api/v1/admin/categories/%lld", id);
		return finish(r, status, id, 201);
	}
}

int category_admin_put(struct request *r)
{
	struct db_rows rows;
	long long id = r->id;

	if (db_begin(r->db) == -1)
		return 500;
	if (db_query(r->db, r->a, category_sql[CATEGORY_LOCK], &rows, "ii", r->tenant->id, id) == -1) {
		db_rollback(r->db);
		return 500;
	}
	if (rows.nrows == 0) {
		db_rollback(r->db);
		return problem(r, 404, "not_found", "There is no such category.");
	}
	return finish(r, store(r, &id), id, 200);
}
