/* team: list, create and edit teams; members are active staff of the same tenant. */
#include "team.h"

#include <string.h>

#include <json-c/json.h>

#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/json.h"
#include "../core/validate.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"

enum team_stmt {
	TEAM_LIST,        /* a tenant's teams */
	TEAM_MEMBER_LIST, /* every member of every team */
	TEAM_COUNT,       /* how many teams */
	TEAM_INSERT,
	TEAM_LOCK, /* one team, locked for an edit */
	TEAM_RENAME,
	TEAM_CLEAR, /* its members */
	TEAM_ADD,   /* one member */
	TEAM_STAFF, /* is this an active staff member */
	TEAM_STMT__MAX
};

static const char *const team_sql[TEAM_STMT__MAX] = {
        /* TEAM_LIST */
        [TEAM_LIST] = "SELECT id, name FROM teams WHERE tenant_id = ? ORDER BY name LIMIT 500",
        /* TEAM_MEMBER_LIST */
        [TEAM_MEMBER_LIST] = "SELECT m.team_id, u.id, u.name FROM team_members m JOIN users u ON u.id = m.user_id "
                             "AND u.tenant_id = m.tenant_id WHERE m.tenant_id = ? ORDER BY u.name, u.id",
        /* TEAM_COUNT */
        [TEAM_COUNT] = "SELECT COUNT(*) FROM teams WHERE tenant_id = ?",
        /* TEAM_INSERT */
        [TEAM_INSERT] = "INSERT INTO teams (tenant_id, name) VALUES (?, ?)",
        /* TEAM_LOCK */
        [TEAM_LOCK] = "SELECT id FROM teams WHERE tenant_id = ? AND id = ? FOR UPDATE",
        /* TEAM_RENAME */
        [TEAM_RENAME] = "UPDATE teams SET name = ? WHERE tenant_id = ? AND id = ?",
        /* TEAM_CLEAR */
        [TEAM_CLEAR] = "DELETE FROM team_members WHERE tenant_id = ? AND team_id = ?",
        /* TEAM_ADD */
        [TEAM_ADD] = "INSERT IGNORE INTO team_members (tenant_id, team_id, user_id) VALUES (?, ?, ?)",
        /* TEAM_STAFF */
        [TEAM_STAFF] = "SELECT 1 FROM users WHERE tenant_id = ? AND id = ? AND role IN ('admin', 'manager', 'agent') "
                       "AND disabled = 0",
};

static struct json_object *team_json(const struct request *r, long long id, const char *name,
                                     const struct db_rows *members)
{
	struct json_object *o = json_object_new_object(), *list = json_object_new_array(),
	                   *owned = json_object_new_array();

	json_add_int(o, "id", id);
	json_add_str(o, "name", name);
	for (size_t i = 0; members != NULL && i < members->nrows; i++) {
		struct json_object *m;

		if (db_cell_ll(members, i, 0) != id)
			continue;
		m = json_object_new_object();
		json_add_int(m, "id", db_cell_ll(members, i, 1));
		json_add_str(m, "name", db_cell(members, i, 2));
		json_object_array_add(list, m);
	}
	json_object_object_add(o, "members", list);
	for (size_t i = 0; i < r->tenant->npipelines; i++)
		if (r->tenant->pipelines[i].team_id == id)
			json_object_array_add(owned, json_object_new_string(r->tenant->pipelines[i].key));
	json_object_object_add(o, "pipelines", owned);
	return o;
}

int team_admin_list(struct request *r)
{
	struct db_rows teams, members;
	struct json_object *out, *data;

	if (db_query(r->db, r->a, team_sql[TEAM_LIST], &teams, "i", r->tenant->id) == -1 ||
	    db_query(r->db, r->a, team_sql[TEAM_MEMBER_LIST], &members, "i", r->tenant->id) == -1)
		return 500;
	out = json_object_new_object();
	data = json_object_new_array();
	for (size_t i = 0; i < teams.nrows; i++)
		json_object_array_add(data, team_json(r, db_cell_ll(&teams, i, 0), db_cell(&teams, i, 1), &members));
	json_object_object_add(out, "data", data);
	json_add_null(out, "next_cursor");
	return response_json(r, 200, out);
}

/* Checks the members list (ids of active staff, at most TEAM_MEMBERS_MAX); inside the
 * transaction. Returns 0, 1 with field errors in r->invalid, or -1 on database failure. */
static int check_members(struct request *r, struct json_object *list)
{
	size_t n = list ? json_object_array_length(list) : 0;

	if (n > TEAM_MEMBERS_MAX) {
		validation_add(&r->invalid, r->a, "members", "too_long", "a team has at most %d members",
		               TEAM_MEMBERS_MAX);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(list, i);
		struct db_rows rows;

		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) <= 0) {
			validation_add(&r->invalid, r->a, arena_printf(r->a, "members/%zu", i), "invalid_type",
			               "members are user ids");
			continue;
		}
		if (db_query(r->db, r->a, team_sql[TEAM_STAFF], &rows, "ii", r->tenant->id, json_object_get_int64(v)) ==
		    -1)
			return -1;
		if (rows.nrows == 0)
			validation_add(&r->invalid, r->a, arena_printf(r->a, "members/%zu", i), "not_found",
			               "user %lld is not an active staff member of this tenant",
			               (long long)json_object_get_int64(v));
	}
	return r->invalid.count > 0 ? 1 : 0;
}

static int store_members(struct request *r, long long team_id, struct json_object *list)
{
	size_t n = list ? json_object_array_length(list) : 0;

	if (db_exec(r->db, team_sql[TEAM_CLEAR], NULL, NULL, "ii", r->tenant->id, team_id) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (db_exec(r->db, team_sql[TEAM_ADD], NULL, NULL, "iii", r->tenant->id, team_id,
		            (long long)json_object_get_int64(json_object_array_get_idx(list, i))) == -1)
			return -1;
	return 0;
}

/* Answers the stored team, as the list shows it. */
static int answer(struct request *r, int status, long long id, const char *name)
{
	struct db_rows members;

	if (db_query(r->db, r->a, team_sql[TEAM_MEMBER_LIST], &members, "i", r->tenant->id) == -1)
		return 500;
	return response_json(r, status, team_json(r, id, name, &members));
}

static int name_taken(struct request *r)
{
	db_rollback(r->db);
	validation_add(&r->invalid, r->a, "name", "taken", "there is already a team with this name");
	return problem_invalid(r);
}

int team_admin_create(struct request *r)
{
	const char *name = r->input[TEAM_NAME].str;
	struct json_object *members = r->input[TEAM_MEMBERS].present ? r->input[TEAM_MEMBERS].json : NULL;
	struct db_rows rows;
	long long id;
	int rc;

	if (db_begin(r->db) == -1)
		return 500;
	if (db_query(r->db, r->a, team_sql[TEAM_COUNT], &rows, "i", r->tenant->id) == -1)
		goto fail;
	if (db_cell_ll(&rows, 0, 0) >= TEAM_MAX) {
		db_rollback(r->db);
		validation_add(&r->invalid, r->a, "name", "too_many", "a tenant has at most %d teams", TEAM_MAX);
		return problem_invalid(r);
	}
	if ((rc = check_members(r, members)) != 0) {
		db_rollback(r->db);
		return rc == -1 ? 500 : problem_invalid(r);
	}
	if (db_exec(r->db, team_sql[TEAM_INSERT], NULL, &id, "is", r->tenant->id, name) == -1) {
		if (r->db->last_errno == DB_ER_DUP_ENTRY)
			return name_taken(r);
		goto fail;
	}
	if (store_members(r, id, members) == -1 || audit_add(r, 0, "config_team", "team %s created", name) == -1 ||
	    db_commit(r->db) == -1)
		goto fail;
	response_headerf(r, "Location", "/api/v1/admin/teams/%lld", id);
	return answer(r, 201, id, name);
fail:
	db_rollback(r->db);
	return 500;
}

int team_admin_put(struct request *r)
{
	const char *name = r->input[TEAM_NAME].str;
	struct json_object *members = r->input[TEAM_MEMBERS].present ? r->input[TEAM_MEMBERS].json : NULL;
	struct db_rows rows;
	int rc;

	if (db_begin(r->db) == -1)
		return 500;
	if (db_query(r->db, r->a, team_sql[TEAM_LOCK], &rows, "ii", r->tenant->id, r->id) == -1)
		goto fail;
	if (rows.nrows == 0) {
		db_rollback(r->db);
		return problem(r, 404, "not_found", "There is no such team.");
	}
	if ((rc = check_members(r, members)) != 0) {
		db_rollback(r->db);
		return rc == -1 ? 500 : problem_invalid(r);
	}
	if (db_exec(r->db, team_sql[TEAM_RENAME], NULL, NULL, "sii", name, r->tenant->id, r->id) == -1) {
		if (r->db->last_errno == DB_ER_DUP_ENTRY)
			return name_taken(r);
		goto fail;
	}
	if ((members != NULL && store_members(r, r->id, members) == -1) ||
	    audit_add(r, 0, "config_team", "team %s edited", name) == -1 || db_commit(r->db) == -1)
		goto fail;
	return answer(r, 200, r->id, name);
fail:
	db_rollback(r->db);
	return 500;
}
