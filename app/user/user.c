/* user: the directory staff pick assignees and customers from. */
#include "user.h"

#include <string.h>

#include <json-c/json.h>

#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../tenant/tenant.h"

enum user_stmt {
	USER_LIST_STAFF, /* admins, managers and agents */
	USER_LIST_ROLE,  /* one role */
	USER_STMT__MAX
};

static const char *const user_sql[USER_STMT__MAX] = {
        /* USER_LIST_STAFF */
        [USER_LIST_STAFF] = "SELECT u.id, u.email, u.name, u.role, COALESCE(u.company_id, 0), c.name FROM users u "
                            "LEFT JOIN companies c ON c.id = u.company_id AND c.tenant_id = u.tenant_id "
                            "WHERE u.tenant_id = ? AND u.role IN ('admin','manager','agent') AND u.disabled = 0 ORDER "
                            "BY u.name, u.id "
                            "LIMIT 1000",
        /* USER_LIST_ROLE */
        [USER_LIST_ROLE] = "SELECT u.id, u.email, u.name, u.role, COALESCE(u.company_id, 0), c.name FROM users u "
                           "LEFT JOIN companies c ON c.id = u.company_id AND c.tenant_id = u.tenant_id "
                           "WHERE u.tenant_id = ? AND u.role = ? AND u.disabled = 0 ORDER BY u.name, u.id LIMIT 1000",
};

struct json_object *user_json(long long id, const char *email, const char *name, const char *role, long long company_id,
                              const char *company_name)
{
	struct json_object *o = json_object_new_object();

	json_add_int(o, "id", id);
	json_add_str(o, "email", email);
	json_add_str(o, "name", name);
	json_add_str(o, "role", role);
	if (company_id > 0) {
		struct json_object *c = json_object_new_object();

		json_add_int(c, "id", company_id);
		json_add_str(c, "name", company_name);
		json_object_object_add(o, "company", c);
	} else {
		json_add_null(o, "company");
	}
	return o;
}

int user_list(struct request *r)
{
	bool bad = false;
	const char *role = request_query(r, "role", &bad);
	struct db_rows rows;
	struct json_object *out, *data;
	int rc;

	if (bad)
		return problem(r, 400, "invalid_parameter", "role is malformed or given twice");
	if (role == NULL || strcmp(role, "staff") == 0)
		rc = db_query(r->db, r->a, user_sql[USER_LIST_STAFF], &rows, "i", r->tenant->id);
	else if (strcmp(role, "agent") == 0 || strcmp(role, "customer") == 0 || strcmp(role, "manager") == 0 ||
	         strcmp(role, "admin") == 0)
		rc = db_query(r->db, r->a, user_sql[USER_LIST_ROLE], &rows, "is", r->tenant->id, role);
	else
		return problem(r, 400, "invalid_parameter",
		               "role must be one of: staff, admin, manager, agent, customer");
	if (rc == -1)
		return 500;
	out = json_object_new_object();
	data = json_object_new_array();
	for (size_t i = 0; i < rows.nrows; i++)
		json_object_array_add(data,
		                      user_json(db_cell_ll(&rows, i, 0), db_cell(&rows, i, 1), db_cell(&rows, i, 2),
		                                db_cell(&rows, i, 3), db_cell_ll(&rows, i, 4), db_cell(&rows, i, 5)));
	json_object_object_add(out, "data", data);
	json_add_null(out, "next_cursor");
	return response_json(r, 200, out);
}

const char *const user_availability_names[3] = {"available", "away", NULL};

static const char me_availability_sql[] =
        "UPDATE users SET availability = ?, updated_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND id = ?";
static const char me_get_sql[] = "SELECT availability, capacity FROM users WHERE tenant_id = ? AND id = ?";
static const char notifications_sql[] =
        "SELECT n.id, n.kind, n.message, t.number, DATE_FORMAT(n.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
        "n.read_at IS NOT NULL FROM notifications n "
        "LEFT JOIN tickets t ON t.id = n.ticket_id AND t.tenant_id = n.tenant_id "
        "WHERE n.tenant_id = ? AND n.user_id = ? ORDER BY n.id DESC LIMIT 50";

int user_me_patch(struct request *r)
{
	struct db_rows rows;
	struct json_object *out;

	if (r->input[ME_AVAILABILITY].present &&
	    db_exec(r->db, me_availability_sql, NULL, NULL, "sii",
	            user_availability_names[r->input[ME_AVAILABILITY].choice], r->tenant->id, r->user->user_id) == -1)
		return 500;
	if (db_query(r->db, r->a, me_get_sql, &rows, "ii", r->tenant->id, r->user->user_id) == -1 || rows.nrows != 1)
		return 500;
	out = json_object_new_object();
	json_add_str(out, "availability", db_cell(&rows, 0, 0));
	json_add_int(out, "capacity", db_cell_ll(&rows, 0, 1));
	return response_json(r, 200, out);
}

int user_notifications(struct request *r)
{
	struct db_rows rows;
	struct json_object *out, *data;

	if (db_query(r->db, r->a, notifications_sql, &rows, "ii", r->tenant->id, r->user->user_id) == -1)
		return 500;
	out = json_object_new_object();
	data = json_object_new_array();
	for (size_t i = 0; i < rows.nrows; i++) {
		struct json_object *o = json_object_new_object();

		json_add_int(o, "id", db_cell_ll(&rows, i, 0));
		json_add_str(o, "kind", db_cell(&rows, i, 1));
		json_add_str(o, "message", db_cell(&rows, i, 2));
		if (db_cell(&rows, i, 3) != NULL)
			json_add_int(o, "ticket", db_cell_ll(&rows, i, 3));
		else
			json_add_null(o, "ticket");
		json_add_str(o, "created_at", db_cell(&rows, i, 4));
		json_add_bool(o, "read", db_cell_ll(&rows, i, 5) != 0);
		json_object_array_add(data, o);
	}
	json_object_object_add(out, "data", data);
	json_add_null(out, "next_cursor");
	return response_json(r, 200, out);
}
