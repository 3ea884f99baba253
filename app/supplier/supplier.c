/* supplier: a request is opened and later answered, each change on the ticket's timeline. */
#include "supplier.h"

#include <json-c/json.h>

#include "../core/arena.h"
#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../tenant/tenant.h"
#include "../ticket/ticket.h"
#include "../timeline/timeline.h"

enum supplier_stmt {
	SUPPLIER_ENSURE,   /* the supplier's row, made on first use */
	SUPPLIER_ID,       /* its id */
	SUPPLIER_INSERT,   /* a new request */
	SUPPLIER_LIST,     /* a ticket's requests */
	SUPPLIER_GET_LOCK, /* one request, locked */
	SUPPLIER_ANSWER,   /* mark it answered */
	SUPPLIER_STMT__MAX
};

#define REQUEST_COLUMNS                                                                      \
	"SELECT r.id, s.name, r.question, DATE_FORMAT(r.opened_at, '%Y-%m-%dT%H:%i:%sZ'), "  \
	"DATE_FORMAT(r.answered_at, '%Y-%m-%dT%H:%i:%sZ'), o.name FROM supplier_requests r " \
	"JOIN suppliers s ON s.id = r.supplier_id AND s.tenant_id = r.tenant_id "            \
	"JOIN users o FORCE INDEX (PRIMARY) ON o.id = r.opened_by AND o.tenant_id = r.tenant_id "

static const char *const supplier_sql[SUPPLIER_STMT__MAX] = {
        /* SUPPLIER_ENSURE */
        [SUPPLIER_ENSURE] = "INSERT IGNORE INTO suppliers (tenant_id, name) VALUES (?, ?)",
        /* SUPPLIER_ID */
        [SUPPLIER_ID] = "SELECT id FROM suppliers WHERE tenant_id = ? AND name = ?",
        /* SUPPLIER_INSERT */
        [SUPPLIER_INSERT] =
                "INSERT INTO supplier_requests (tenant_id, ticket_id, supplier_id, question, opened_by, opened_at) "
                "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6))",
        /* SUPPLIER_LIST */
        [SUPPLIER_LIST] = REQUEST_COLUMNS "WHERE r.tenant_id = ? AND r.ticket_id = ? ORDER BY r.id LIMIT 200",
        /* SUPPLIER_GET_LOCK */
        [SUPPLIER_GET_LOCK] = REQUEST_COLUMNS "WHERE r.tenant_id = ? AND r.ticket_id = ? AND r.id = ? FOR UPDATE",
        /* SUPPLIER_ANSWER */
        [SUPPLIER_ANSWER] = "UPDATE supplier_requests SET answered_at = UTC_TIMESTAMP(6), answered_by = ? "
                            "WHERE tenant_id = ? AND id = ? AND answered_at IS NULL",
};

static struct json_object *request_json(const struct db_rows *rows, size_t i)
{
	struct json_object *o = json_object_new_object();

	json_add_int(o, "id", db_cell_ll(rows, i, 0));
	json_add_str(o, "supplier", db_cell(rows, i, 1));
	json_add_str(o, "question", db_cell(rows, i, 2));
	json_add_str(o, "opened_at", db_cell(rows, i, 3));
	json_add_str(o, "answered_at", db_cell(rows, i, 4));
	json_add_str(o, "opened_by", db_cell(rows, i, 5));
	return o;
}

static int not_found(struct request *r)
{
	return problem(r, 404, "not_found", "There is no such ticket or supplier request.");
}

int supplier_request_list(struct request *r)
{
	struct ticket *tk;
	struct db_rows rows;
	struct json_object *out, *data;

	if (ticket_find_visible(r->db, r->a, r->tenant, r->user, r->number, false, &tk) == -1)
		return 500;
	if (tk == NULL)
		return not_found(r);
	if (db_query(r->db, r->a, supplier_sql[SUPPLIER_LIST], &rows, "ii", r->tenant->id, tk->id) == -1)
		return 500;
	out = json_object_new_object();
	data = json_object_new_array();
	for (size_t i = 0; i < rows.nrows; i++)
		json_object_array_add(data, request_json(&rows, i));
	json_object_object_add(out, "data", data);
	json_add_null(out, "next_cursor");
	return response_json(r, 200, out);
}

int supplier_request_create(struct request *r)
{
	const char *name = r->input[SUPPLIER_ASK_SUPPLIER].str;
	struct ticket *tk;
	struct db_rows rows;
	long long supplier_id, id;

	if (db_begin(r->db) == -1)
		return 500;
	if (ticket_get_visible(r->db, r->a, r->tenant, r->user, r->number, true, &tk) == -1)
		goto fail;
	if (tk == NULL) {
		db_rollback(r->db);
		return not_found(r);
	}
	if (db_exec(r->db, supplier_sql[SUPPLIER_ENSURE], NULL, NULL, "is", r->tenant->id, name) == -1 ||
	    db_query(r->db, r->a, supplier_sql[SUPPLIER_ID], &rows, "is", r->tenant->id, name) == -1 || rows.nrows != 1)
		goto fail;
	supplier_id = db_cell_ll(&rows, 0, 0);
	if (db_exec(r->db, supplier_sql[SUPPLIER_INSERT], NULL, &id, "iiisi", r->tenant->id, tk->id, supplier_id,
	            r->input[SUPPLIER_ASK_QUESTION].str, r->user->user_id) == -1)
		goto fail;
	{
		struct json_object *data = json_object_new_object();
		struct ticket_change ch = {r->tenant, tk->id, r->user->user_id, false, EVENT_SUPPLIER_ASKED, false};

		json_add_int(data, "request_id", id);
		json_add_str(data, "supplier", name);
		if (timeline_record(r->db, r->a, &ch, data) == -1 || ticket_touch(r->db, r->tenant, tk->id) == -1)
			goto fail;
	}
	if (db_query(r->db, r->a, supplier_sql[SUPPLIER_GET_LOCK], &rows, "iii", r->tenant->id, tk->id, id) == -1 ||
	    rows.nrows != 1)
		goto fail;
	if (db_commit(r->db) == -1)
		return 500;
	return response_json(r, 201, request_json(&rows, 0));
fail:
	db_rollback(r->db);
	return 500;
}

int supplier_request_answer(struct request *r)
{
	struct ticket *tk;
	struct db_rows rows;
	unsigned long long changed = 0;

	if (db_begin(r->db) == -1)
		return 500;
	if (ticket_get_visible(r->db, r->a, r->tenant, r->user, r->number, true, &tk) == -1)
		goto fail;
	if (tk == NULL) {
		db_rollback(r->db);
		return not_found(r);
	}
	if (db_query(r->db, r->a, supplier_sql[SUPPLIER_GET_LOCK], &rows, "iii", r->tenant->id, tk->id, r->id) == -1)
		goto fail;
	if (rows.nrows == 0) {
		db_rollback(r->db);
		return not_found(r);
	}
	if (db_cell(&rows, 0, 4) != NULL) {
		db_rollback(r->db);
		return problem(r, 409, "conflict", "This supplier request was already answered.");
	}
	if (db_exec(r->db, supplier_sql[SUPPLIER_ANSWER], &changed, NULL, "iii", r->user->user_id, r->tenant->id,
	            r->id) == -1 ||
	    changed != 1)
		goto fail;
	{
		struct json_object *data = json_object_new_object();
		struct ticket_change ch = {r->tenant, tk->id, r->user->user_id, false, EVENT_SUPPLIER_ANSWERED, false};

		json_add_int(data, "request_id", r->id);
		json_add_str(data, "supplier", db_cell(&rows, 0, 1));
		if (timeline_record(r->db, r->a, &ch, data) == -1 || ticket_touch(r->db, r->tenant, tk->id) == -1)
			goto fail;
	}
	if (db_query(r->db, r->a, supplier_sql[SUPPLIER_GET_LOCK], &rows, "iii", r->tenant->id, tk->id, r->id) == -1)
		goto fail;
	if (db_commit(r->db) == -1)
		return 500;
	return response_json(r, 200, request_json(&rows, 0));
fail:
	db_rollback(r->db);
	return 500;
}
