/* audit: one insert per entry; reads for the tenant admin only. */
#include "audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../core/arena.h"
#include "../core/json.h"
#include "../core/utf8.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../tenant/tenant.h"

#define AUDIT_PAGE 100

enum audit_stmt { AUDIT_ADD, AUDIT_LIST, AUDIT_STMT__MAX };

static const char *const audit_sql[AUDIT_STMT__MAX] = {
        [AUDIT_ADD] = "INSERT INTO audit_log (tenant_id, actor_id, action, detail, address) VALUES (?, ?, ?, ?, ?)",
        [AUDIT_LIST] = "SELECT l.id, l.action, l.detail, l.address, COALESCE(l.actor_id, 0), u.name, "
                       "DATE_FORMAT(l.created_at, '%Y-%m-%dT%H:%i:%sZ') FROM audit_log l "
                       "LEFT JOIN users u ON u.id = l.actor_id AND u.tenant_id = l.tenant_id "
                       "WHERE l.tenant_id = ? AND l.id < ? ORDER BY l.id DESC LIMIT ?",
};

int audit_add(struct request *r, long long actor_id, const char *action, const char *fmt, ...)
{
	char detail[500];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* vsnprintf may have cut a character in two: drop the partial one. */
	for (size_t n = strlen(detail); n > 0 && !utf8_valid(detail, n); n--)
		detail[n - 1] = '\0';
	return db_exec(r->db, audit_sql[AUDIT_ADD], NULL, NULL, "iusss", r->tenant->id,
	               r->user ? r->user->user_id : actor_id, action, detail, r->remote_addr);
}

int audit_list(struct request *r)
{
	long long before, limit;
	struct db_rows rows;
	struct json_object *out, *data;
	size_t shown;
	int rc;

	if ((rc = request_paging(r, AUDIT_PAGE, AUDIT_PAGE, &limit, &before)) != 0)
		return rc;
	if (before == 0)
		before = 0x7fffffffffffffffLL; /* no cursor: from the newest */
	if (db_query(r->db, r->a, audit_sql[AUDIT_LIST], &rows, "iii", r->tenant->id, before, limit + 1) == -1)
		return 500;
	out = json_object_new_object();
	data = json_object_new_array();
	shown = rows.nrows > (size_t)limit ? (size_t)limit : rows.nrows;
	for (size_t i = 0; i < shown; i++) {
		struct json_object *o = json_object_new_object();

		json_add_int(o, "id", db_cell_ll(&rows, i, 0));
		json_add_str(o, "action", db_cell(&rows, i, 1));
		json_add_str(o, "detail", db_cell(&rows, i, 2));
		json_add_str(o, "address", db_cell(&rows, i, 3));
		if (db_cell_ll(&rows, i, 4) > 0) {
			struct json_object *who = json_object_new_object();

			json_add_int(who, "id", db_cell_ll(&rows, i, 4));
			json_add_str(who, "name", db_cell(&rows, i, 5));
			json_object_object_add(o, "actor", who);
		} else {
			json_add_null(o, "actor");
		}
		json_add_str(o, "created_at", db_cell(&rows, i, 6));
		json_object_array_add(data, o);
	}
	json_object_object_add(out, "data", data);
	if (rows.nrows > (size_t)limit)
		json_add_str(out, "next_cursor", arena_printf(r->a, "%lld", db_cell_ll(&rows, shown - 1, 0)));
	else
		json_add_null(out, "next_cursor");
	return response_json(r, 200, out);
}
