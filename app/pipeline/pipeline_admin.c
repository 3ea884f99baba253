/* pipeline_admin: parse → validate → one transaction that updates statuses in place by key,
 * moves the tickets of removed statuses, and rewrites the allowed moves. */
#include "pipeline_admin.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/json.h"
#include "../core/utf8.h"
#include "../core/validate.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../tenant/tenant.h"

const char *const pipeline_intake_names[INTAKE__MAX + 1] = {"manual", "router", "triage", NULL};
static const char *const clock_names[3] = {"response", "supplier", "communication"};

enum pipeline_admin_stmt {
	PA_LOCK,          /* the pipeline row, locked */
	PA_RENAME,        /* name and intake */
	PA_STATUS_UPDATE, /* a kept status */
	PA_STATUS_INSERT, /* a new status */
	PA_COUNT,         /* tickets per status of the tenant */
	PA_MOVE_EVENTS,   /* the timeline entries of a forced move */
	PA_MOVE,          /* the forced move */
	PA_CLEAR_MOVES,   /* the pipeline's allowed moves */
	PA_ADD_MOVE,
	PA_DELETE_STATUS,
	PA_BUMP,   /* every worker reloads; every open ticket's lights are recomputed */
	PA_INSERT, /* a new pipeline */
	PA_TOTAL,  /* pipelines of the tenant */
	PA_TEAM,   /* does a team exist */
	PA_STMT__MAX
};

static const char *const pa_sql[PA_STMT__MAX] = {
        /* PA_LOCK */
        [PA_LOCK] = "SELECT id FROM pipelines WHERE tenant_id = ? AND id = ? FOR UPDATE",
        /* PA_RENAME */
        [PA_RENAME] = "UPDATE pipelines SET name = ?, intake = ?, team_id = ?, reopen_days = ? WHERE tenant_id = ? "
                      "AND id = ?",
        /* PA_STATUS_UPDATE */
        [PA_STATUS_UPDATE] = "UPDATE statuses SET staff_name = ?, customer_name = ?, category = ?, color = ?, position "
                             "= ?, is_entry = ?, "
                             "clocks = ?, require_note = ? WHERE tenant_id = ? AND id = ?",
        /* PA_STATUS_INSERT */
        [PA_STATUS_INSERT] = "INSERT INTO statuses (tenant_id, pipeline_id, skey, staff_name, customer_name, category, "
                             "color, position, "
                             "is_entry, clocks, require_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        /* PA_COUNT */
        [PA_COUNT] = "SELECT status_id, COUNT(*) FROM tickets WHERE tenant_id = ? GROUP BY status_id",
        /* PA_MOVE_EVENTS */
        [PA_MOVE_EVENTS] = "INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, data, created_at) "
                           "SELECT tenant_id, id, ?, 'status_changed', JSON_OBJECT('from', ?, 'to', ?, 'reason', "
                           "'the status was removed from the pipeline'), UTC_TIMESTAMP(6) FROM tickets WHERE tenant_id "
                           "= ? AND status_id "
                           "= ?",
        /* PA_MOVE */
        [PA_MOVE] = "UPDATE tickets SET status_id = ?, status_since = UTC_TIMESTAMP(6), version = version + 1, "
                    "updated_at = UTC_TIMESTAMP(6) "
                    "WHERE tenant_id = ? AND status_id = ?",
        /* PA_CLEAR_MOVES */
        [PA_CLEAR_MOVES] = "DELETE t FROM status_transitions t JOIN statuses s ON s.id = t.from_status_id AND "
                           "s.tenant_id = t.tenant_id "
                           "WHERE t.tenant_id = ? AND s.pipeline_id = ?",
        /* PA_ADD_MOVE */
        [PA_ADD_MOVE] = "INSERT INTO status_transitions (tenant_id, from_status_id, to_status_id) VALUES (?, ?, ?)",
        /* PA_DELETE_STATUS */
        [PA_DELETE_STATUS] = "DELETE FROM statuses WHERE tenant_id = ? AND id = ?",
        /* PA_BUMP */
        [PA_BUMP] = "UPDATE tenants SET config_version = config_version + 1, lights_version = lights_version + 1 WHERE "
                    "id = ?",
        /* PA_INSERT */
        [PA_INSERT] = "INSERT INTO pipelines (tenant_id, pkey, name, is_default, intake) VALUES (?, ?, ?, 0, ?)",
        /* PA_TOTAL */
        [PA_TOTAL] = "SELECT COUNT(*) FROM pipelines WHERE tenant_id = ?",
        /* PA_TEAM */
        [PA_TEAM] = "SELECT id FROM teams WHERE tenant_id = ? AND id = ?",
};

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool get_bool(struct json_object *o, const char *key, bool fallback, bool *ok)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return fallback;
	if (!json_object_is_type(v, json_type_boolean)) {
		*ok = false;
		return fallback;
	}
	return json_object_get_boolean(v);
}

int pipeline_def_parse(struct arena *a, struct json_object *arr, struct pipeline_def *def, struct validation *v)
{
	static const char *const known[] = {"key",    "staff_name", "customer_name", "category",    "color",
	                                    "clocks", "entry",      "require_note",  "transitions", NULL};
	size_t n = json_object_array_length(arr);

	if (n == 0 || n > PIPELINE_MAX_STATUSES) {
		validation_add(v, a, "statuses", "invalid_value", "a pipeline has 1 to %d statuses",
		               PIPELINE_MAX_STATUSES);
		return -1;
	}
	def->nstatuses = n;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *list;
		struct status_def *s = &def->statuses[i];
		const char *p = arena_printf(a, "statuses/%zu", i), *cat;
		bool ok = true;

		memset(s, 0, sizeof(*s));
		if (!json_object_is_type(o, json_type_object)) {
			validation_add(v, a, p, "invalid_type", "each status is an object");
			return -1;
		}
		json_object_object_foreach(o, key, unused)
		{
			bool found = false;

			(void)unused;
			for (int k = 0; known[k] != NULL && !found; k++)
				found = strcmp(known[k], key) == 0;
			if (!found)
				validation_add(v, a, arena_printf(a, "%s/%s", p, key), "unknown_field",
				               "%s is not a field of a status", key);
		}
		s->key = get_string(o, "key");
		s->staff_name = get_string(o, "staff_name");
		s->customer_name = get_string(o, "customer_name");
		s->color = get_string(o, "color");
		cat = get_string(o, "category");
		s->category = status_category_parse(cat);
		s->entry = get_bool(o, "entry", false, &ok);
		s->require_note = get_bool(o, "require_note", false, &ok);
		if (!ok)
			validation_add(v, a, p, "invalid_type", "entry and require_note are true or false");
		if (s->key == NULL || s->staff_name == NULL || s->customer_name == NULL || s->color == NULL ||
		    cat == NULL)
			validation_add(v, a, p, "required",
			               "a status needs key, staff_name, customer_name, category and color");
		else if (s->category == CATEGORY__MAX)
			validation_add(
			        v, a, arena_printf(a, "%s/category", p), "invalid_value",
			        "category must be one of: new, active, waiting_customer, waiting_supplier, deferred, "
			        "resolved, closed");
		if (json_object_object_get_ex(o, "clocks", &list)) {
			if (!json_object_is_type(list, json_type_array)) {
				validation_add(v, a, arena_printf(a, "%s/clocks", p), "invalid_type",
				               "clocks is a list");
			} else {
				for (size_t k = 0; k < json_object_array_length(list); k++) {
					const char *c = json_object_get_string(json_object_array_get_idx(list, k));
					int bit = -1;

					for (int b = 0; b < 3 && c != NULL; b++)
						if (strcmp(c, clock_names[b]) == 0)
							bit = b;
					if (bit < 0)
						validation_add(v, a, arena_printf(a, "%s/clocks/%zu", p, k),
						               "invalid_value",
						               "clocks are response, supplier and communication");
					else
						s->clocks |= 1u << bit;
				}
			}
		}
		if (json_object_object_get_ex(o, "transitions", &list)) {
			if (!json_object_is_type(list, json_type_array) ||
			    json_object_array_length(list) > PIPELINE_MAX_STATUSES) {
				validation_add(v, a, arena_printf(a, "%s/transitions", p), "invalid_type",
				               "transitions is a list of status keys");
			} else {
				for (size_t k = 0; k < json_object_array_length(list); k++) {
					const char *t = json_object_get_string(json_object_array_get_idx(list, k));

					if (t == NULL ||
					    !json_object_is_type(json_object_array_get_idx(list, k), json_type_string))
						validation_add(v, a, arena_printf(a, "%s/transitions/%zu", p, k),
						               "invalid_type", "transitions are status keys");
					else
						s->next[s->nnext++] = t;
				}
			}
		}
	}
	return v->count ? -1 : 0;
}

static bool key_ok(const char *k)
{
	size_t n = strlen(k);

	return n >= 1 && n <= PIPELINE_KEY_MAX && strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static int index_of(const struct pipeline_def *def, const char *key)
{
	for (size_t i = 0; i < def->nstatuses; i++)
		if (strcmp(def->statuses[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* True when one of the first k moves of s goes to key. */
static bool moves_before(const struct status_def *s, size_t k, const char *key)
{
	for (size_t j = 0; j < k; j++)
		if (strcmp(s->next[j], key) == 0)
			return true;
	return false;
}

int pipeline_def_validate(struct arena *a, const struct pipeline_def *def, struct validation *v)
{
	int entries = 0, entry = -1;
	bool finished = false, reached[PIPELINE_MAX_STATUSES] = {false};
	int queue[PIPELINE_MAX_STATUSES], head = 0, tail = 0;

	for (size_t i = 0; i < def->nstatuses; i++) {
		const struct status_def *s = &def->statuses[i];
		const char *p = arena_printf(a, "statuses/%zu", i);
		size_t ln = strlen(s->staff_name), lc = strlen(s->customer_name);

		if (!key_ok(s->key))
			validation_add(v, a, arena_printf(a, "%s/key", p), "invalid_value",
			               "a key is 1 to 40 of a-z, 0-9 and _");
		else if (index_of(def, s->key) != (int)i)
			validation_add(v, a, arena_printf(a, "%s/key", p), "invalid_value", "the key %s is used twice",
			               s->key);
		if (!utf8_valid(s->staff_name, ln) || ln == 0 || utf8_chars(s->staff_name, ln) > PIPELINE_NAME_MAX ||
		    !utf8_valid(s->customer_name, lc) || lc == 0 ||
		    utf8_chars(s->customer_name, lc) > PIPELINE_NAME_MAX)
			validation_add(v, a, p, "invalid_value", "names are 1 to %d characters", PIPELINE_NAME_MAX);
		if (strlen(s->color) != 7 || s->color[0] != '#' || strspn(s->color + 1, "0123456789abcdefABCDEF") != 6)
			validation_add(v, a, arena_printf(a, "%s/color", p), "invalid_value", "color is #rrggbb");
		if (s->entry) {
			entries++;
			entry = (int)i;
		}
		if (s->category == CATEGORY_RESOLVED || s->category == CATEGORY_CLOSED)
			finished = true;
		for (size_t k = 0; k < s->nnext; k++) {
			int t = index_of(def, s->next[k]);

			if (t < 0)
				validation_add(v, a, arena_printf(a, "%s/transitions/%zu", p, k), "invalid_value",
				               "%s moves to %.40s, which is not a status of this pipeline", s->key,
				               s->next[k]);
			else if (t == (int)i)
				validation_add(v, a, arena_printf(a, "%s/transitions/%zu", p, k), "invalid_value",
				               "%s cannot move to itself", s->key);
			else if (moves_before(s, k, s->next[k]))
				/* Each move is one row of status_transitions: a repeat would fail the insert. */
				validation_add(v, a, arena_printf(a, "%s/transitions/%zu", p, k), "invalid_value",
				               "%s moves to %s twice", s->key, s->next[k]);
		}
	}
	if (entries != 1)
		validation_add(v, a, "statuses", "invalid_value",
		               "exactly one status must be the entry status new tickets start in (found %d)", entries);
	if (!finished)
		validation_add(v, a, "statuses", "invalid_value",
		               "a pipeline needs at least one resolved or closed status");
	if (v->count > 0)
		return -1;
	/* Every status must be reachable from the entry. */
	queue[tail++] = entry;
	reached[entry] = true;
	while (head < tail) {
		const struct status_def *s = &def->statuses[queue[head++]];

		for (size_t k = 0; k < s->nnext; k++) {
			int t = index_of(def, s->next[k]);

			if (!reached[t]) {
				reached[t] = true;
				queue[tail++] = t;
			}
		}
	}
	for (size_t i = 0; i < def->nstatuses; i++)
		if (!reached[i])
			validation_add(v, a, arena_printf(a, "statuses/%zu", i), "invalid_value",
			               "%s cannot be reached from %s", def->statuses[i].key, def->statuses[entry].key);
	return v->count ? -1 : 0;
}

static struct json_object *status_json(const struct pipeline *p, const struct pipeline_status *s, long long tickets)
{
	struct json_object *o = json_object_new_object(), *clocks = json_object_new_array(),
	                   *next = json_object_new_array();

	json_add_str(o, "key", s->key);
	json_add_str(o, "staff_name", s->staff_name);
	json_add_str(o, "customer_name", s->customer_name);
	json_add_str(o, "category", status_category_name(s->category));
	json_add_str(o, "color", s->color);
	for (int b = 0; b < 3; b++)
		if (s->clocks & (1u << b))
			json_object_array_add(clocks, json_object_new_string(clock_names[b]));
	json_object_object_add(o, "clocks", clocks);
	json_add_bool(o, "entry", s->is_entry);
	json_add_bool(o, "require_note", s->require_note);
	for (size_t k = 0; k < s->nnext; k++) {
		const struct pipeline_status *n = pipeline_status_by_id(p, s->next_ids[k]);

		if (n != NULL)
			json_object_array_add(next, json_object_new_string(n->key));
	}
	json_object_object_add(o, "transitions", next);
	json_add_int(o, "tickets", tickets);
	return o;
}

int pipeline_admin_list(struct request *r)
{
	struct db_rows counts;
	struct json_object *out, *data;

	if (db_query(r->db, r->a, pa_sql[PA_COUNT], &counts, "i", r->tenant->id) == -1)
		return 500;
	out = json_object_new_object();
	data = json_object_new_array();
	for (size_t i = 0; i < r->tenant->npipelines; i++) {
		const struct pipeline *p = &r->tenant->pipelines[i];
		struct json_object *o = json_object_new_object(), *sts = json_object_new_array();

		json_add_int(o, "id", p->id);
		json_add_str(o, "key", p->key);
		json_add_str(o, "name", p->name);
		json_add_bool(o, "default", p->is_default);
		json_add_str(o, "intake", pipeline_intake_names[p->intake]);
		if (p->team_id > 0)
			json_add_int(o, "team_id", p->team_id);
		else
			json_add_null(o, "team_id");
		json_add_int(o, "reopen_days", p->reopen_days);
		for (size_t s = 0; s < p->nstatuses; s++) {
			long long n = 0;

			for (size_t c = 0; c < counts.nrows; c++)
				if (db_cell_ll(&counts, c, 0) == p->statuses[s].id)
					n = db_cell_ll(&counts, c, 1);
			json_object_array_add(sts, status_json(p, &p->statuses[s], n));
		}
		json_object_object_add(o, "statuses", sts);
		json_object_array_add(data, o);
	}
	json_object_object_add(out, "data", data);
	return response_json(r, 200, out);
}

static char *clocks_set(struct arena *a, unsigned clocks)
{
	char *s = arena_alloc(a, 48);

	for (int b = 0; b < 3; b++)
		if (clocks & (1u << b)) {
			if (s[0] != '\0')
				strcat(s, ",");
			strcat(s, clock_names[b]);
		}
	return s;
}

/* Stores the statuses of a new pipeline and their moves; inside the caller's transaction. */
static int store_new_statuses(struct request *r, long long pipeline_id, const struct pipeline_def *def)
{
	long long ids[PIPELINE_MAX_STATUSES];

	for (size_t i = 0; i < def->nstatuses; i++) {
		const struct status_def *s = &def->statuses[i];

		if (db_exec(r->db, pa_sql[PA_STATUS_INSERT], NULL, &ids[i], "iisssssiisi", r->tenant->id, pipeline_id,
		            s->key, s->staff_name, s->customer_name, status_category_name(s->category), s->color,
		            (long long)i, (long long)s->entry, clocks_set(r->a, s->clocks),
		            (long long)s->require_note) == -1)
			return -1;
	}
	for (size_t i = 0; i < def->nstatuses; i++)
		for (size_t k = 0; k < def->statuses[i].nnext; k++)
			if (db_exec(r->db, pa_sql[PA_ADD_MOVE], NULL, NULL, "iii", r->tenant->id, ids[i],
			            ids[index_of(def, def->statuses[i].next[k])]) == -1)
				return -1;
	return 0;
}

int pipeline_admin_create(struct request *r)
{
	const struct field_value *in = r->input;
	const char *key = in[PIPELINE_CREATE_KEY].str;
	struct pipeline_def def;
	struct db_rows rows;
	long long id;
	struct json_object *out;

	memset(&def, 0, sizeof(def));
	def.name = in[PIPELINE_CREATE_NAME].str;
	def.intake = in[PIPELINE_CREATE_INTAKE].present ? (enum pipeline_intake)in[PIPELINE_CREATE_INTAKE].choice
	                                                : INTAKE_MANUAL;
	if (!key_ok(key))
		validation_add(&r->invalid, r->a, "key", "invalid_value", "a key is 1 to 40 of a-z, 0-9 and _");
	else if (tenant_pipeline_by_key(r->tenant, key) != NULL)
		validation_add(&r->invalid, r->a, "key", "taken", "there is already a pipeline with the key %s", key);
	if (pipeline_def_parse(r->a, in[PIPELINE_CREATE_STATUSES].json, &def, &r->invalid) == -1 ||
	    pipeline_def_validate(r->a, &def, &r->invalid) == -1 || r->invalid.count > 0)
		return problem_invalid(r);
	if (db_begin(r->db) == -1)
		return 500;
	if (db_query(r->db, r->a, pa_sql[PA_TOTAL], &rows, "i", r->tenant->id) == -1)
		goto fail;
	if (db_cell_ll(&rows, 0, 0) >= PIPELINE_MAX_PER_TENANT) {
		db_rollback(r->db);
		validation_add(&r->invalid, r->a, "key", "too_many", "a tenant has at most %d pipelines",
		               PIPELINE_MAX_PER_TENANT);
		return problem_invalid(r);
	}
	if (db_exec(r->db, pa_sql[PA_INSERT], NULL, &id, "isss", r->tenant->id, key, def.name,
	            pipeline_intake_names[def.intake]) == -1) {
		if (r->db->last_errno != DB_ER_DUP_ENTRY)
			goto fail;
		/* A concurrent create took the key first. */
		db_rollback(r->db);
		validation_add(&r->invalid, r->a, "key", "taken", "there is already a pipeline with the key %s", key);
		return problem_invalid(r);
	}
	if (store_new_statuses(r, id, &def) == -1 ||
	    db_exec(r->db, pa_sql[PA_BUMP], NULL, NULL, "i", r->tenant->id) == -1 ||
	    audit_add(r, 0, "config_pipeline", "pipeline %s created: %zu statuses", key, def.nstatuses) == -1 ||
	    db_commit(r->db) == -1)
		goto fail;
	out = json_object_new_object();
	json_add_int(out, "id", id);
	json_add_str(out, "key", key);
	json_add_int(out, "statuses", (long long)def.nstatuses);
	response_headerf(r, "Location", "/api/v1/admin/pipelines/%lld", id);
	return response_json(r, 201, out);
fail:
	db_rollback(r->db);
	return 500;
}

int pipeline_admin_put(struct request *r)
{
	const struct field_value *in = r->input;
	const struct pipeline *p = tenant_pipeline_by_id(r->tenant, r->id);
	struct json_object *mapping = in[PIPELINE_PUT_MAPPING].present ? in[PIPELINE_PUT_MAPPING].json : NULL;
	struct pipeline_def def;
	long long ids[PIPELINE_MAX_STATUSES], moved = 0;
	struct db_rows rows, counts;
	struct json_object *out;

	if (p == NULL)
		return problem(r, 404, "not_found", "There is no such pipeline.");
	memset(&def, 0, sizeof(def));
	def.name = in[PIPELINE_PUT_NAME].str;
	def.intake = (enum pipeline_intake)in[PIPELINE_PUT_INTAKE].choice;
	if (!in[PIPELINE_PUT_INTAKE].present)
		def.intake = p->intake;
	if (pipeline_def_parse(r->a, in[PIPELINE_PUT_STATUSES].json, &def, &r->invalid) == -1 ||
	    pipeline_def_validate(r->a, &def, &r->invalid) == -1)
		return problem_invalid(r);
	if (mapping != NULL) {
		json_object_object_foreach(mapping, from, target)
		{
			if (pipeline_status_by_key(p, from) == NULL || index_of(&def, from) >= 0 ||
			    !json_object_is_type(target, json_type_string) ||
			    index_of(&def, json_object_get_string(target)) < 0)
				validation_add(&r->invalid, r->a, arena_printf(r->a, "mapping/%s", from),
				               "invalid_value",
				               "mapping takes each removed status to a status of the new pipeline");
		}
	}
	if (r->invalid.count > 0)
		return problem_invalid(r);

	if (db_begin(r->db) == -1)
		return 500;
	if (db_query(r->db, r->a, pa_sql[PA_LOCK], &rows, "ii", r->tenant->id, p->id) == -1 || rows.nrows != 1 ||
	    db_query(r->db, r->a, pa_sql[PA_COUNT], &counts, "i", r->tenant->id) == -1)
		goto fail;
	/* Removed statuses: their tickets need a place to go. */
	for (size_t i = 0; i < p->nstatuses; i++) {
		const struct pipeline_status *old = &p->statuses[i];
		long long n = 0;

		if (index_of(&def, old->key) >= 0)
			continue;
		for (size_t c = 0; c < counts.nrows; c++)
			if (db_cell_ll(&counts, c, 0) == old->id)
				n = db_cell_ll(&counts, c, 1);
		if (n > 0 && (mapping == NULL || json_object_object_get(mapping, old->key) == NULL)) {
			db_rollback(r->db);
			validation_add(&r->invalid, r->a, arena_printf(r->a, "mapping/%s", old->key), "required",
			               "%lld tickets are in %s: map them to another status to remove it", n, old->key);
			return problem_invalid(r);
		}
	}
	if (in[PIPELINE_PUT_TEAM_ID].present && !in[PIPELINE_PUT_TEAM_ID].is_null) {
		struct db_rows team;

		if (db_query(r->db, r->a, pa_sql[PA_TEAM], &team, "ii", r->tenant->id, in[PIPELINE_PUT_TEAM_ID].id) ==
		    -1)
			goto fail;
		if (team.nrows == 0) {
			db_rollback(r->db);
			validation_add(&r->invalid, r->a, "team_id", "not_found",
			               "team_id is not a team of this tenant");
			return problem_invalid(r);
		}
	}
	if (db_exec(r->db, pa_sql[PA_RENAME], NULL, NULL, "ssuiii", def.name ? def.name : p->name,
	            pipeline_intake_names[def.intake],
	            in[PIPELINE_PUT_TEAM_ID].present
	                    ? (in[PIPELINE_PUT_TEAM_ID].is_null ? 0 : in[PIPELINE_PUT_TEAM_ID].id)
	                    : p->team_id,
	            in[PIPELINE_PUT_REOPEN_DAYS].present ? in[PIPELINE_PUT_REOPEN_DAYS].id : (long long)p->reopen_days,
	            r->tenant->id, p->id) == -1)
		goto fail;
	for (size_t i = 0; i < def.nstatuses; i++) {
		const struct status_def *s = &def.statuses[i];
		const struct pipeline_status *old = pipeline_status_by_key(p, s->key);
		const char *clocks = clocks_set(r->a, s->clocks);

		if (old != NULL) {
			ids[i] = old->id;
			if (db_exec(r->db, pa_sql[PA_STATUS_UPDATE], NULL, NULL, "ssssiisiii", s->staff_name,
			            s->customer_name, status_category_name(s->category), s->color, (long long)i,
			            (long long)s->entry, clocks, (long long)s->require_note, r->tenant->id,
			            old->id) == -1)
				goto fail;
		} else if (db_exec(r->db, pa_sql[PA_STATUS_INSERT], NULL, &ids[i], "iisssssiisi", r->tenant->id, p->id,
		                   s->key, s->staff_name, s->customer_name, status_category_name(s->category), s->color,
		                   (long long)i, (long long)s->entry, clocks, (long long)s->require_note) == -1) {
			goto fail;
		}
	}
	if (db_exec(r->db, pa_sql[PA_CLEAR_MOVES], NULL, NULL, "ii", r->tenant->id, p->id) == -1)
		goto fail;
	for (size_t i = 0; i < p->nstatuses; i++) {
		const struct pipeline_status *old = &p->statuses[i];
		unsigned long long n = 0;

		if (index_of(&def, old->key) >= 0)
			continue;
		if (mapping != NULL && json_object_object_get(mapping, old->key) != NULL) {
			const char *to = json_object_get_string(json_object_object_get(mapping, old->key));
			long long to_id = ids[index_of(&def, to)];

			if (db_exec(r->db, pa_sql[PA_MOVE_EVENTS], NULL, NULL, "issii", r->user->user_id, old->key, to,
			            r->tenant->id, old->id) == -1 ||
			    db_exec(r->db, pa_sql[PA_MOVE], &n, NULL, "iii", to_id, r->tenant->id, old->id) == -1)
				goto fail;
			moved += (long long)n;
		}
		if (db_exec(r->db, pa_sql[PA_DELETE_STATUS], NULL, NULL, "ii", r->tenant->id, old->id) == -1)
			goto fail;
	}
	for (size_t i = 0; i < def.nstatuses; i++)
		for (size_t k = 0; k < def.statuses[i].nnext; k++)
			if (db_exec(r->db, pa_sql[PA_ADD_MOVE], NULL, NULL, "iii", r->tenant->id, ids[i],
			            ids[index_of(&def, def.statuses[i].next[k])]) == -1)
				goto fail;
	if (db_exec(r->db, pa_sql[PA_BUMP], NULL, NULL, "i", r->tenant->id) == -1 ||
	    audit_add(r, 0, "config_pipeline", "pipeline %s: %zu statuses, %lld tickets moved", p->key, def.nstatuses,
	              moved) == -1 ||
	    db_commit(r->db) == -1)
		goto fail;
	out = json_object_new_object();
	json_add_int(out, "id", p->id);
	json_add_int(out, "statuses", (long long)def.nstatuses);
	json_add_int(out, "moved_tickets", moved);
	return response_json(r, 200, out);
fail:
	db_rollback(r->db);
	return 500;
}
