/* ticket_db: every statement on tickets; each one is scoped by tenant_id. */
#include <string.h>

#include <json-c/json.h>

#include "../assign/assign.h"
#include "../core/arena.h"
#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../light/light_db.h"
#include "../tenant/tenant.h"
#include "../timeline/timeline.h"
#include "../pipeline/pipeline.h"
#include "ticket.h"
#include "ticket_db.h"

/* The ticket row alone, by its (tenant, number) key; no joins, so FOR UPDATE locks nothing but the
 * ticket. */
#define TICKET_FIND_SQL                                                                                       \
	"SELECT id, status_id, pipeline_id, customer_id, COALESCE(company_id, 0), COALESCE(assignee_id, 0), " \
	"COALESCE(team_id, 0), version, priority FROM tickets WHERE tenant_id = ? AND number = ?"

static const char *const ticket_sql[TICKET_STMT__MAX] = {
        /* TICKET_GET */
        /* TICKET_GET: with its lights packed (column 24), so the ticket view needs no second read */
        [TICKET_GET] = "SELECT STRAIGHT_JOIN " TICKET_COLUMNS ", t.description, " LIGHT_PACKED_COLUMN TICKET_JOINS
                       "WHERE t.tenant_id = ? AND t.number = ?",
        /* TICKET_GET_FOR_UPDATE */
        [TICKET_GET_FOR_UPDATE] = "SELECT STRAIGHT_JOIN " TICKET_COLUMNS ", t.description" TICKET_JOINS
                                  "WHERE t.tenant_id = ? AND t.number = ? FOR UPDATE",
        /* TICKET_FIND */
        [TICKET_FIND] = TICKET_FIND_SQL,
        /* TICKET_FIND_FOR_UPDATE */
        [TICKET_FIND_FOR_UPDATE] = TICKET_FIND_SQL " FOR UPDATE",
        /* TICKET_NEXT_NUMBER */
        [TICKET_NEXT_NUMBER] =
                "UPDATE ticket_counters SET last_number = LAST_INSERT_ID(last_number + 1) WHERE tenant_id = ?",
        /* TICKET_INSERT */
        [TICKET_INSERT] =
                "INSERT INTO tickets (tenant_id, number, pipeline_id, status_id, subject, description, priority, "
                "customer_id, company_id, assignee_id, created_by, category_id, team_id, version, created_at, "
                "updated_at, status_since) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), "
                "UTC_TIMESTAMP(6))",
        /* TICKET_CATEGORY_GET */
        [TICKET_CATEGORY_GET] = "SELECT id, COALESCE(pipeline_id, 0), COALESCE(team_id, 0) FROM categories WHERE "
                                "tenant_id = ? AND name = ?",
        /* TICKET_SET_STATUS */
        [TICKET_SET_STATUS] = "UPDATE tickets SET status_id = ?, status_since = UTC_TIMESTAMP(6), version = version + "
                              "1, updated_at = UTC_TIMESTAMP(6) "
                              "WHERE tenant_id = ? AND id = ?",
        /* TICKET_UPDATE */
        [TICKET_UPDATE] =
                "UPDATE tickets SET subject = ?, priority = ?, assignee_id = ?, queue = IF(assignee_id IS NULL, queue, "
                "NULL), "
                "version = version + 1, updated_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND id = ? AND version = ?",
        /* TICKET_TOUCH */
        [TICKET_TOUCH] = "UPDATE tickets SET updated_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND id = ?",
        /* TICKET_CUSTOMER_GET */
        [TICKET_CUSTOMER_GET] = "SELECT u.name, u.email, COALESCE(u.company_id, 0), co.name FROM users u "
                                "LEFT JOIN companies co ON co.id = u.company_id AND co.tenant_id = u.tenant_id "
                                "WHERE u.tenant_id = ? AND u.id = ? AND u.role = 'customer' AND u.disabled = 0",
        /* TICKET_STAFF_GET */
        [TICKET_STAFF_GET] =
                "SELECT name, role FROM users WHERE tenant_id = ? AND id = ? AND role IN ('admin','manager','agent') "
                "AND disabled = 0",
        [TICKET_TEAM_MEMBER] = "SELECT 1 FROM team_members WHERE tenant_id = ? AND team_id = ? AND user_id = ?",
        /* TICKET_IDEMPOTENCY_GET */
        [TICKET_IDEMPOTENCY_GET] = "SELECT request_hash, status, response, location FROM idempotency_keys "
                                   "WHERE tenant_id = ? AND user_id = ? AND route = ? AND idem_key = ?",
        /* TICKET_IDEMPOTENCY_CLAIM: a concurrent twin waits on this row until the first commits */
        [TICKET_IDEMPOTENCY_CLAIM] =
                "INSERT INTO idempotency_keys (tenant_id, user_id, route, idem_key, request_hash, status, response) "
                "VALUES (?, ?, ?, ?, ?, 0, '')",
        /* TICKET_IDEMPOTENCY_DONE */
        [TICKET_IDEMPOTENCY_DONE] = "UPDATE idempotency_keys SET status = ?, response = ?, location = ? "
                                    "WHERE tenant_id = ? AND user_id = ? AND route = ? AND idem_key = ?",
        /* TICKET_SET_PIPELINE: a ticket that stays closed keeps the instant it closed */
        [TICKET_SET_PIPELINE] =
                "UPDATE tickets SET pipeline_id = ?, status_id = ?, status_since = IF(?, UTC_TIMESTAMP(6), "
                "status_since), version = version + 1, updated_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND id = ?",
        /* TICKET_TAGS_CLEAR */
        [TICKET_TAGS_CLEAR] = "DELETE FROM ticket_tags WHERE tenant_id = ? AND ticket_id = ?",
        /* TICKET_TAG_ADD */
        [TICKET_TAG_ADD] = "INSERT IGNORE INTO ticket_tags (tenant_id, ticket_id, tag) VALUES (?, ?, ?)",
        /* TICKET_WITHIN_DAYS */
        [TICKET_WITHIN_DAYS] = "SELECT status_since >= UTC_TIMESTAMP(6) - INTERVAL ? DAY FROM tickets WHERE "
                               "tenant_id = ? AND id = ?",
        /* TICKET_INSERT_FOLLOW_UP */
        [TICKET_INSERT_FOLLOW_UP] =
                "INSERT INTO tickets (tenant_id, number, pipeline_id, status_id, subject, description, priority, "
                "customer_id, company_id, assignee_id, created_by, category_id, team_id, follows_id, version, "
                "created_at, updated_at, status_since) SELECT tenant_id, ?, pipeline_id, ?, subject, ?, priority, "
                "customer_id, company_id, NULL, ?, category_id, team_id, id, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), "
                "UTC_TIMESTAMP(6) "
                "FROM tickets WHERE tenant_id = ? AND id = ?",
};

const char *ticket_db_sql(enum ticket_stmt s)
{
	return ticket_sql[s];
}

void ticket_from_row(struct arena *a, const struct db_rows *rows, size_t i, struct ticket *t, bool with_description)
{
	(void)a;
	memset(t, 0, sizeof(*t));
	t->id = db_cell_ll(rows, i, 0);
	t->number = db_cell_ll(rows, i, 1);
	t->subject = db_cell(rows, i, 2);
	t->priority = db_cell(rows, i, 3);
	t->status_id = db_cell_ll(rows, i, 4);
	t->pipeline_id = db_cell_ll(rows, i, 5);
	t->customer_id = db_cell_ll(rows, i, 6);
	t->customer_name = db_cell(rows, i, 7);
	t->customer_email = db_cell(rows, i, 8);
	t->company_id = db_cell_ll(rows, i, 9);
	t->company_name = db_cell(rows, i, 10);
	t->assignee_id = db_cell_ll(rows, i, 11);
	t->assignee_name = db_cell(rows, i, 12);
	t->version = db_cell_ll(rows, i, 13);
	t->created_at = db_cell(rows, i, 14);
	t->updated_at = db_cell(rows, i, 15);
	t->category = db_cell(rows, i, 16);
	t->queue = db_cell(rows, i, 17);
	t->status_since = db_cell(rows, i, 18);
	t->tags = db_cell(rows, i, 19);
	t->team_id = db_cell_ll(rows, i, 20);
	t->team_name = db_cell(rows, i, 21);
	t->follows = db_cell_ll(rows, i, 22);
	if (with_description)
		t->description = db_cell(rows, i, 23);
	if (with_description && rows->ncols > 24) {
		t->lights_read = true;
		t->lights_packed = db_cell(rows, i, 24);
	}
}

/* Customers see their own tickets, and their company's where the tenant allows it. */
static bool may_see(const struct tenant *t, const struct principal *user, const struct ticket *tk)
{
	if (role_is_staff(user->role)) {
		if (!user->restricted || tk->assignee_id == user->user_id)
			return true;
		if (tk->team_id > 0) {
			for (size_t i = 0; i < user->nteams; i++)
				if (user->teams[i] == tk->team_id)
					return true;
			return false;
		}
		for (size_t i = 0; i < user->npipelines; i++)
			if (user->pipelines[i] == tk->pipeline_id)
				return true;
		return false;
	}
	if (tk->customer_id == user->user_id)
		return true;
	return t->customers_see_company && user->company_id > 0 && tk->company_id == user->company_id;
}

int ticket_get_visible(struct db *db, struct arena *a, const struct tenant *t, const struct principal *user,
                       long long number, bool lock, struct ticket **out)
{
	struct db_rows rows;
	struct ticket *tk;

	*out = NULL;
	if (db_query(db, a, ticket_sql[lock ? TICKET_GET_FOR_UPDATE : TICKET_GET], &rows, "ii", t->id, number) == -1)
		return -1;
	if (rows.nrows == 0)
		return 0;
	tk = arena_alloc(a, sizeof(*tk));
	ticket_from_row(a, &rows, 0, tk, true);
	if (may_see(t, user, tk))
		*out = tk;
	return 0;
}

int ticket_find_visible(struct db *db, struct arena *a, const struct tenant *t, const struct principal *user,
                        long long number, bool lock, struct ticket **out)
{
	struct db_rows rows;
	struct ticket *tk;

	*out = NULL;
	if (db_query(db, a, ticket_sql[lock ? TICKET_FIND_FOR_UPDATE : TICKET_FIND], &rows, "ii", t->id, number) == -1)
		return -1;
	if (rows.nrows == 0)
		return 0;
	tk = arena_alloc(a, sizeof(*tk));
	memset(tk, 0, sizeof(*tk));
	tk->id = db_cell_ll(&rows, 0, 0);
	tk->number = number;
	tk->status_id = db_cell_ll(&rows, 0, 1);
	tk->pipeline_id = db_cell_ll(&rows, 0, 2);
	tk->customer_id = db_cell_ll(&rows, 0, 3);
	tk->company_id = db_cell_ll(&rows, 0, 4);
	tk->assignee_id = db_cell_ll(&rows, 0, 5);
	tk->team_id = db_cell_ll(&rows, 0, 6);
	tk->version = db_cell_ll(&rows, 0, 7);
	tk->priority = db_cell(&rows, 0, 8);
	if (may_see(t, user, tk))
		*out = tk;
	return 0;
}

int ticket_set_status(struct db *db, struct arena *a, const struct tenant *t, const struct ticket *tk,
                      long long actor_id, bool by_customer, long long to_status_id)
{
	const struct pipeline *p = tenant_pipeline_by_id(t, tk->pipeline_id);
	const struct pipeline_status *from = p ? pipeline_status_by_id(p, tk->status_id) : NULL;
	const struct pipeline_status *to = p ? pipeline_status_by_id(p, to_status_id) : NULL;
	struct json_object *data;

	if (from == NULL || to == NULL)
		return -1;
	if (db_exec(db, ticket_sql[TICKET_SET_STATUS], NULL, NULL, "iii", to_status_id, t->id, tk->id) == -1)
		return -1;
	data = json_object_new_object();
	json_add_str(data, "from", from->key);
	json_add_str(data, "to", to->key);
	{
		struct ticket_change ch = {t, tk->id, actor_id, by_customer, EVENT_STATUS_CHANGED, false};

		return timeline_record(db, a, &ch, data);
	}
}

int ticket_within_days(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, int days,
                       bool *within)
{
	struct db_rows rows;

	if (db_query(db, a, ticket_sql[TICKET_WITHIN_DAYS], &rows, "iii", (long long)days, t->id, ticket_id) == -1)
		return -1;
	*within = rows.nrows == 1 && db_cell_ll(&rows, 0, 0) == 1;
	return 0;
}

int ticket_follow_up(struct db *db, struct arena *a, const struct tenant *t, const struct ticket *old,
                     long long actor_id, const char *body, long long *number)
{
	const struct pipeline *p = tenant_pipeline_by_id(t, old->pipeline_id);
	const struct pipeline_status *entry;
	long long id;
	struct json_object *data;

	if (p == NULL)
		return -1;
	entry = pipeline_entry(p);
	if (db_exec(db, ticket_sql[TICKET_NEXT_NUMBER], NULL, number, "i", t->id) == -1 ||
	    db_exec(db, ticket_sql[TICKET_INSERT_FOLLOW_UP], NULL, &id, "iisiii", *number, entry->id, body, actor_id,
	            t->id, old->id) == -1)
		return -1;
	data = json_object_new_object();
	json_add_str(data, "status", entry->key);
	json_add_str(data, "priority", old->priority);
	json_add_int(data, "follows", old->number);
	{
		struct ticket_change ch = {t, id, actor_id, true, EVENT_CREATED, false};

		if (timeline_record(db, a, &ch, data) == -1)
			return -1;
	}
	data = json_object_new_object();
	json_add_int(data, "ticket", *number);
	{
		struct ticket_change ch = {t, old->id, actor_id, true, EVENT_FOLLOWED_UP, false};

		if (timeline_record(db, a, &ch, data) == -1)
			return -1;
	}
	return assign_new_ticket(db, a, t, id, actor_id);
}

int ticket_touch(struct db *db, const struct tenant *t, long long ticket_id)
{
	return db_exec(db, ticket_sql[TICKET_TOUCH], NULL, NULL, "ii", t->id, ticket_id);
}
