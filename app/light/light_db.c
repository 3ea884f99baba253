/* light_db: clocks follow ticket changes in the change's own transaction; the sweeper only
 * records what the stored instants already say. */
#include "light_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/json.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"
#include "../timeline/timeline.h"
#include "calendar.h"

#define BOARD_WORST     10
#define SWEEP_BATCH     200
#define RECOMPUTE_BATCH 500

enum light_stmt {
	LIGHT_TICKET,            /* priority and status of one ticket */
	LIGHT_ROWS_LOCK,         /* its light rows, locked */
	LIGHT_OPEN_REQUESTS,     /* open supplier requests of a ticket */
	LIGHT_UPSERT,            /* write the three rows */
	LIGHT_BOARD_COUNTS,      /* running cycles, past amber, past red, per level */
	LIGHT_BOARD_COUNTS_TEAM, /* the same over the tickets a by-team user sees */
	LIGHT_BOARD_WORST_TEAM,  /* the longest red among them */
	LIGHT_BOARD_WORST,       /* the longest red */
	LIGHT_SWEEP_RED,         /* red not yet recorded */
	LIGHT_SWEEP_AMBER,       /* amber not yet recorded */
	LIGHT_MARK_RED,          /* claim one red for recording */
	LIGHT_MARK_AMBER,        /* claim one amber for recording */
	LIGHT_BREACH_ADD,        /* the record */
	LIGHT_RECOMPUTE_PAGE,    /* open cycles of a tenant, by ticket */
	LIGHT_NOTIFY_AMBER,      /* amber tells the assignee */
	LIGHT_NOTIFY_RED,        /* red escalates to the pipeline's manager, or every manager */
	LIGHT_STMT__MAX
};

/* The tickets a user sees where the tenant works by team: assigned to them, or in a pipeline of
 * one of their teams or of no team. Parameters: user, tenant, tenant, user. */
/* A ticket's team is its own (a category's or a rule's) or else its pipeline's; none (0): everyone's. */
#define VISIBLE_TO_USER                                                                                       \
	"(t.assignee_id = ? OR COALESCE(t.team_id, (SELECT p.team_id FROM pipelines p WHERE p.tenant_id = ? " \
	"AND p.id = t.pipeline_id), 0) IN (SELECT 0 UNION ALL SELECT m.team_id FROM team_members m WHERE "    \
	"m.tenant_id = ? AND m.user_id = ?))"

#define STATE_COLUMNS                                                                                        \
	"level, COALESCE(UNIX_TIMESTAMP(cycle_started_at), 0), COALESCE(UNIX_TIMESTAMP(running_since), 0), " \
	"accrued_seconds, COALESCE(UNIX_TIMESTAMP(amber_at), 0), COALESCE(UNIX_TIMESTAMP(red_at), 0)"
#define UPSERT_ROW "(?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))"

static const char *const light_sql[LIGHT_STMT__MAX] = {
        /* LIGHT_TICKET */
        [LIGHT_TICKET] = "SELECT priority, status_id, pipeline_id FROM tickets WHERE tenant_id = ? AND id = ?",
        /* LIGHT_ROWS_LOCK */
        [LIGHT_ROWS_LOCK] =
                "SELECT " STATE_COLUMNS " FROM ticket_lights WHERE tenant_id = ? AND ticket_id = ? FOR UPDATE",
        /* LIGHT_OPEN_REQUESTS */
        [LIGHT_OPEN_REQUESTS] =
                "SELECT COUNT(*) FROM supplier_requests WHERE tenant_id = ? AND ticket_id = ? AND answered_at IS NULL",
        /* LIGHT_UPSERT: the recorded flags reset when a new cycle starts, before the cycle changes */
        [LIGHT_UPSERT] =
                "INSERT INTO ticket_lights (tenant_id, ticket_id, level, cycle_started_at, running_since, "
                "accrued_seconds, "
                "amber_at, red_at) VALUES " UPSERT_ROW ", " UPSERT_ROW ", " UPSERT_ROW " ON DUPLICATE KEY UPDATE "
                "amber_recorded = IF(cycle_started_at <=> VALUES(cycle_started_at), amber_recorded, 0), "
                "red_recorded = IF(cycle_started_at <=> VALUES(cycle_started_at), red_recorded, 0), "
                "cycle_started_at = VALUES(cycle_started_at), running_since = VALUES(running_since), "
                "accrued_seconds = VALUES(accrued_seconds), amber_at = VALUES(amber_at), red_at = VALUES(red_at)",
        /* LIGHT_BOARD_COUNTS: per level, each count a range scan on its own index */
        [LIGHT_BOARD_COUNTS] =
                "SELECT 1, (SELECT COUNT(*) FROM ticket_lights WHERE tenant_id = ? AND level = 1 AND cycle_started_at "
                "IS NOT NULL), "
                "(SELECT COUNT(*) FROM ticket_lights WHERE tenant_id = ? AND level = 1 AND amber_at <= "
                "FROM_UNIXTIME(?)), "
                "(SELECT COUNT(*) FROM ticket_lights WHERE tenant_id = ? AND level = 1 AND red_at <= FROM_UNIXTIME(?))"
                " UNION ALL "
                "SELECT 2, (SELECT COUNT(*) FROM ticket_lights WHERE tenant_id = ? AND level = 2 AND cycle_started_at "
                "IS NOT NULL), "
                "(SELECT COUNT(*) FROM ticket_lights WHERE tenant_id = ? AND level = 2 AND amber_at <= "
                "FROM_UNIXTIME(?)), "
                "(SELECT COUNT(*) FROM ticket_lights WHERE tenant_id = ? AND level = 2 AND red_at <= FROM_UNIXTIME(?))"
                " UNION ALL "
                "SELECT 3, (SELECT COUNT(*) FROM ticket_lights WHERE tenant_id = ? AND level = 3 AND cycle_started_at "
                "IS NOT NULL), "
                "(SELECT COUNT(*) FROM ticket_lights WHERE tenant_id = ? AND level = 3 AND amber_at <= "
                "FROM_UNIXTIME(?)), "
                "(SELECT COUNT(*) FROM ticket_lights WHERE tenant_id = ? AND level = 3 AND red_at <= FROM_UNIXTIME(?))",
        [LIGHT_BOARD_COUNTS_TEAM] =
                "SELECT l.level, SUM(l.cycle_started_at IS NOT NULL), SUM(l.amber_at <= FROM_UNIXTIME(?)), "
                "SUM(l.red_at <= FROM_UNIXTIME(?)) FROM ticket_lights l JOIN tickets t FORCE INDEX (PRIMARY) "
                "ON t.id = l.ticket_id AND t.tenant_id = l.tenant_id WHERE l.tenant_id = ? AND " VISIBLE_TO_USER
                " GROUP BY l.level",
        [LIGHT_BOARD_WORST_TEAM] =
                "SELECT STRAIGHT_JOIN t.number, t.subject, l.level, UNIX_TIMESTAMP(l.red_at), a.name FROM "
                "ticket_lights l "
                "JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = l.ticket_id AND t.tenant_id = l.tenant_id "
                "LEFT JOIN users a FORCE INDEX (PRIMARY) ON a.id = t.assignee_id AND a.tenant_id = t.tenant_id "
                "WHERE l.tenant_id = ? AND l.red_at <= FROM_UNIXTIME(?) AND " VISIBLE_TO_USER
                " ORDER BY l.red_at, t.number LIMIT 10",
        /* LIGHT_BOARD_WORST */
        [LIGHT_BOARD_WORST] =
                "SELECT STRAIGHT_JOIN t.number, t.subject, l.level, UNIX_TIMESTAMP(l.red_at), a.name FROM "
                "ticket_lights l FORCE INDEX (ticket_lights_tenant_red) "
                "JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = l.ticket_id AND t.tenant_id = l.tenant_id "
                "LEFT JOIN users a FORCE INDEX (PRIMARY) ON a.id = t.assignee_id AND a.tenant_id = t.tenant_id "
                "WHERE l.tenant_id = ? AND l.red_at <= FROM_UNIXTIME(?) ORDER BY l.red_at, l.ticket_id, l.level LIMIT "
                "10",
        /* LIGHT_SWEEP_RED */
        [LIGHT_SWEEP_RED] =
                "SELECT tenant_id, ticket_id, level, UNIX_TIMESTAMP(cycle_started_at), UNIX_TIMESTAMP(red_at) "
                "FROM ticket_lights WHERE red_recorded = 0 AND red_at <= UTC_TIMESTAMP(6) LIMIT 200",
        /* LIGHT_SWEEP_AMBER */
        [LIGHT_SWEEP_AMBER] =
                "SELECT tenant_id, ticket_id, level, UNIX_TIMESTAMP(cycle_started_at), UNIX_TIMESTAMP(amber_at) "
                "FROM ticket_lights WHERE amber_recorded = 0 AND amber_at <= UTC_TIMESTAMP(6) LIMIT 200",
        /* LIGHT_MARK_RED */
        [LIGHT_MARK_RED] =
                "UPDATE ticket_lights SET red_recorded = 1 WHERE tenant_id = ? AND ticket_id = ? AND level = ? "
                "AND red_recorded = 0 AND cycle_started_at = FROM_UNIXTIME(?) AND red_at <= UTC_TIMESTAMP(6)",
        /* LIGHT_MARK_AMBER */
        [LIGHT_MARK_AMBER] =
                "UPDATE ticket_lights SET amber_recorded = 1 WHERE tenant_id = ? AND ticket_id = ? AND level = ? "
                "AND amber_recorded = 0 AND cycle_started_at = FROM_UNIXTIME(?) AND amber_at <= UTC_TIMESTAMP(6)",
        /* LIGHT_BREACH_ADD */
        [LIGHT_BREACH_ADD] =
                "INSERT IGNORE INTO light_breaches (tenant_id, ticket_id, level, colour, cycle_started_at, turned_at, "
                "assignee_id) SELECT ?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), assignee_id FROM tickets "
                "WHERE tenant_id = ? AND id = ?",
        /* LIGHT_NOTIFY_AMBER */
        [LIGHT_NOTIFY_AMBER] = "INSERT INTO notifications (tenant_id, user_id, ticket_id, kind, message) "
                               "SELECT t.tenant_id, t.assignee_id, t.id, 'amber', CONCAT('Ticket #', t.number, ' "
                               "turned amber on ', ?) "
                               "FROM tickets t WHERE t.tenant_id = ? AND t.id = ? AND t.assignee_id IS NOT NULL",
        /* LIGHT_NOTIFY_RED */
        [LIGHT_NOTIFY_RED] = "INSERT INTO notifications (tenant_id, user_id, ticket_id, kind, message) "
                             "SELECT t.tenant_id, u.id, t.id, 'red', CONCAT('Ticket #', t.number, ' turned red on ', "
                             "?, ': escalated') "
                             "FROM tickets t JOIN pipelines p ON p.id = t.pipeline_id AND p.tenant_id = t.tenant_id "
                             "JOIN users u ON u.tenant_id = t.tenant_id AND u.disabled = 0 "
                             "AND (u.id = p.manager_id OR (p.manager_id IS NULL AND u.role = 'manager')) "
                             "WHERE t.tenant_id = ? AND t.id = ?",
        /* LIGHT_RECOMPUTE_PAGE */
        [LIGHT_RECOMPUTE_PAGE] =
                "SELECT DISTINCT ticket_id FROM ticket_lights WHERE tenant_id = ? AND cycle_started_at IS NOT NULL "
                "AND ticket_id > ? ORDER BY ticket_id LIMIT 500",
};

static void state_from_row(const struct db_rows *r, size_t i, struct light_state *s)
{
	s->cycle_started = (time_t)db_cell_ll(r, i, 1);
	s->running_since = (time_t)db_cell_ll(r, i, 2);
	s->accrued = db_cell_ll(r, i, 3);
	s->amber_at = (time_t)db_cell_ll(r, i, 4);
	s->red_at = (time_t)db_cell_ll(r, i, 5);
}

/* Applies one change, or (c == NULL) only re-derives running state and instants. */
static int apply(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id,
                 const struct ticket_change *c, time_t now)
{
	struct db_rows tr, lr;
	struct light_state st[LEVEL__MAX];
	const struct pipeline *p;
	const struct pipeline_status *status;
	const struct light_threshold *th;
	struct calendar_zone zone;
	struct db_param params[3 * 8];
	int prio;
	size_t k = 0;

	if (db_query(db, a, light_sql[LIGHT_TICKET], &tr, "ii", t->id, ticket_id) == -1)
		return -1;
	if (tr.nrows == 0)
		return 0;
	prio = tenant_priority_index(db_cell(&tr, 0, 0));
	p = tenant_pipeline_by_id(t, db_cell_ll(&tr, 0, 2));
	status = p ? pipeline_status_by_id(p, db_cell_ll(&tr, 0, 1)) : NULL;
	if (prio < 0 || status == NULL) {
		log_error("ticket %lld: unknown priority or status", ticket_id);
		return -1;
	}
	th = t->thresholds[prio];
	if (db_query(db, a, light_sql[LIGHT_ROWS_LOCK], &lr, "ii", t->id, ticket_id) == -1)
		return -1;
	memset(st, 0, sizeof(st));
	for (size_t i = 0; i < lr.nrows; i++) {
		long long level = db_cell_ll(&lr, i, 0);

		if (level >= 1 && level <= LEVEL__MAX)
			state_from_row(&lr, i, &st[level - 1]);
	}

	calendar_zone_enter(&zone, t->calendar.time_zone);
	if (!status_category_is_open(status->category)) {
		for (int l = 0; l < LEVEL__MAX; l++)
			light_stop(&st[l]);
	} else if (c != NULL) {
		bool run[LEVEL__MAX];

		for (int l = 0; l < LEVEL__MAX; l++)
			run[l] = (status->clocks & LIGHT_CLOCK(l)) != 0;
		switch (c->kind) {
		case EVENT_CREATED:
			light_start(&st[LEVEL_RESPONSE], &t->calendar, &th[LEVEL_RESPONSE], now, run[LEVEL_RESPONSE]);
			light_start(&st[LEVEL_COMMUNICATION], &t->calendar, &th[LEVEL_COMMUNICATION], now,
			            run[LEVEL_COMMUNICATION]);
			break;
		case EVENT_NOTE_ADDED:
			if (!c->public_note)
				break;
			if (c->by_customer) {
				/* The customer wrote: a response is due, counted from the first unanswered message. */
				if (st[LEVEL_RESPONSE].cycle_started == 0)
					light_start(&st[LEVEL_RESPONSE], &t->calendar, &th[LEVEL_RESPONSE], now,
					            run[LEVEL_RESPONSE]);
			} else {
				light_stop(&st[LEVEL_RESPONSE]);
				light_start(&st[LEVEL_COMMUNICATION], &t->calendar, &th[LEVEL_COMMUNICATION], now,
				            run[LEVEL_COMMUNICATION]);
			}
			break;
		case EVENT_STATUS_CHANGED:
			/* A move by staff is an update the customer sees; a reopened ticket is due one too. */
			if (!c->by_customer || st[LEVEL_COMMUNICATION].cycle_started == 0)
				light_start(&st[LEVEL_COMMUNICATION], &t->calendar, &th[LEVEL_COMMUNICATION], now,
				            run[LEVEL_COMMUNICATION]);
			break;
		case EVENT_SUPPLIER_ASKED:
			if (st[LEVEL_SUPPLIER].cycle_started == 0)
				light_start(&st[LEVEL_SUPPLIER], &t->calendar, &th[LEVEL_SUPPLIER], now,
				            run[LEVEL_SUPPLIER]);
			break;
		case EVENT_SUPPLIER_ANSWERED: {
			struct db_rows open;

			if (db_query(db, a, light_sql[LIGHT_OPEN_REQUESTS], &open, "ii", t->id, ticket_id) == -1) {
				calendar_zone_leave(&zone);
				return -1;
			}
			if (db_cell_ll(&open, 0, 0) == 0)
				light_stop(&st[LEVEL_SUPPLIER]);
			break;
		}
		default:
			break;
		}
	}
	for (int l = 0; l < LEVEL__MAX; l++) {
		light_set_running(&st[l], &t->calendar, &th[l], now, (status->clocks & LIGHT_CLOCK(l)) != 0);
		light_recompute(&st[l], &t->calendar, &th[l], now);
	}
	calendar_zone_leave(&zone);

	for (int l = 0; l < LEVEL__MAX; l++) {
		const long long vals[8] = {t->id,
		                           ticket_id,
		                           l + 1,
		                           (long long)st[l].cycle_started,
		                           (long long)st[l].running_since,
		                           st[l].accrued,
		                           (long long)st[l].amber_at,
		                           (long long)st[l].red_at};
		const char types[8] = {'i', 'i', 'i', 'u', 'u', 'i', 'u', 'u'};

		for (int j = 0; j < 8; j++, k++) {
			params[k].type = types[j];
			params[k].i = vals[j];
			params[k].s = NULL;
		}
	}
	return db_query_params(db, a, light_sql[LIGHT_UPSERT], NULL, params, k);
}

int light_on_change(struct db *db, struct arena *a, const struct ticket_change *c)
{
	return apply(db, a, c->tenant, c->ticket_id, c, time(NULL));
}

int light_db_load(struct db *db, struct arena *a, long long tenant_id, const long long *ids, size_t n,
                  struct light_state (*out)[LEVEL__MAX])
{
	struct buf sql;
	struct db_param *params;
	struct db_rows rows;
	int rc;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return 0;
	params = arena_alloc(a, (n + 1) * sizeof(*params));
	buf_init(&sql);
	buf_puts(&sql, "SELECT ticket_id, " STATE_COLUMNS " FROM ticket_lights WHERE tenant_id = ? AND ticket_id IN (");
	params[0].type = 'i';
	params[0].i = tenant_id;
	for (size_t i = 0; i < n; i++) {
		buf_puts(&sql, i ? ", ?" : "?");
		params[i + 1].type = 'i';
		params[i + 1].i = ids[i];
	}
	buf_puts(&sql, ")");
	rc = db_query_params(db, a, sql.data, &rows, params, n + 1);
	buf_release(&sql);
	if (rc == -1)
		return -1;
	for (size_t r = 0; r < rows.nrows; r++) {
		long long id = db_cell_ll(&rows, r, 0), level = db_cell_ll(&rows, r, 1);

		if (level < 1 || level > LEVEL__MAX)
			continue;
		for (size_t i = 0; i < n; i++)
			if (ids[i] == id) {
				struct db_rows one = rows;

				/* The state columns start at 1 in this query; shift the view by one. */
				one.cells = rows.cells + 1;
				one.lens = rows.lens + 1;
				state_from_row(&one, r, &out[i][level - 1]);
			}
	}
	return 0;
}

static void add_time(struct json_object *o, const char *key, time_t t)
{
	char s[32];
	struct tm tm;

	if (t == 0) {
		json_add_null(o, key);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_add_str(o, key, s);
}

struct json_object *light_json(const struct light_state states[LEVEL__MAX], time_t now)
{
	struct json_object *o = json_object_new_object();

	for (int l = 0; l < LEVEL__MAX; l++) {
		struct json_object *one = json_object_new_object();

		json_add_str(one, "colour", light_colour_name(light_colour_at(&states[l], now)));
		json_add_bool(one, "running", states[l].running_since != 0);
		add_time(one, "started_at", states[l].cycle_started);
		add_time(one, "amber_at", states[l].amber_at);
		add_time(one, "red_at", states[l].red_at);
		json_object_object_add(o, light_level_name((enum light_level)l), one);
	}
	return o;
}

long long light_recompute_tenant(struct db *db, struct arena *a, const struct tenant *t)
{
	long long after = 0, done = 0;
	time_t now = time(NULL);

	for (;;) {
		struct db_rows page;

		if (db_query(db, a, light_sql[LIGHT_RECOMPUTE_PAGE], &page, "ii", t->id, after) == -1)
			return -1;
		if (page.nrows == 0)
			return done;
		/* Small transactions: requests touching the same tickets wait for one batch at most. */
		for (size_t i = 0; i < page.nrows; i += 50) {
			if (db_begin(db) == -1)
				return -1;
			for (size_t j = i; j < page.nrows && j < i + 50; j++)
				if (apply(db, a, t, db_cell_ll(&page, j, 0), NULL, now) == -1) {
					db_rollback(db);
					return -1;
				}
			if (db_commit(db) == -1)
				return -1;
		}
		done += (long long)page.nrows;
		after = db_cell_ll(&page, page.nrows - 1, 0);
	}
}

/* Records one turned light if nobody has yet; in its own transaction. */
static int record_one(struct db *db, struct arena *a, struct tenant_cache *tenants, const struct db_rows *r, size_t i,
                      bool red)
{
	long long tenant_id = db_cell_ll(r, i, 0), ticket_id = db_cell_ll(r, i, 1), level = db_cell_ll(r, i, 2);
	long long cycle = db_cell_ll(r, i, 3), turned = db_cell_ll(r, i, 4);
	unsigned long long claimed = 0;
	struct tenant *t;
	struct json_object *data;

	/* What reacts to the change (rules) needs the tenant's configuration. */
	if (tenant_by_id(tenants, db, a, tenant_id, &t) != TENANT_FOUND)
		return 0; /* suspended or gone: recorded when it is back */
	if (db_begin(db) == -1)
		return -1;
	if (db_exec(db, light_sql[red ? LIGHT_MARK_RED : LIGHT_MARK_AMBER], &claimed, NULL, "iiii", tenant_id,
	            ticket_id, level, cycle) == -1)
		goto fail;
	if (claimed == 0) { /* another host, or the clock moved: nothing to record */
		db_rollback(db);
		return 0;
	}
	if (db_exec(db, light_sql[LIGHT_BREACH_ADD], NULL, NULL, "iiisiiii", tenant_id, ticket_id, level,
	            red ? "red" : "amber", cycle, turned, tenant_id, ticket_id) == -1)
		goto fail;
	data = json_object_new_object();
	json_add_int(data, "level", level);
	json_add_str(data, "colour", red ? "red" : "amber");
	add_time(data, "at", (time_t)turned);
	{
		struct ticket_change ch = {t, ticket_id, 0, false, EVENT_LIGHT_CHANGED, false, red};

		if (timeline_record(db, a, &ch, data) == -1)
			goto fail;
	}
	/* Amber tells the assignee; red escalates to the manager. */
	if (db_exec(db, light_sql[red ? LIGHT_NOTIFY_RED : LIGHT_NOTIFY_AMBER], NULL, NULL, "sii",
	            light_level_name((enum light_level)(level - 1)), tenant_id, ticket_id) == -1)
		goto fail;
	if (db_commit(db) == -1)
		return -1;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

long long light_sweep(struct db *db, struct arena *a, struct tenant_cache *tenants)
{
	long long recorded = 0;

	/* Amber first, so a ticket that went straight to red records both in order. */
	for (int pass = 0; pass < 2; pass++) {
		struct db_rows rows;
		bool red = pass == 1;

		if (db_query(db, a, light_sql[red ? LIGHT_SWEEP_RED : LIGHT_SWEEP_AMBER], &rows, "") == -1)
			return -1;
		for (size_t i = 0; i < rows.nrows; i++) {
			int rc = record_one(db, a, tenants, &rows, i, red);

			if (rc == -1)
				return -1;
			recorded += rc;
		}
	}
	return recorded;
}

int light_board(struct request *r)
{
	time_t now = time(NULL);
	struct db_rows board, worst;
	long long t = r->tenant->id, n = (long long)now;
	long long counts[3][LEVEL__MAX];
	struct json_object *out, *levels, *list;
	const char *body;
	size_t len;
	unsigned char h[16];
	char etag[40], hex[33];

	if (r->user->restricted) {
		long long u = r->user->user_id;

		if (db_query(r->db, r->a, light_sql[LIGHT_BOARD_COUNTS_TEAM], &board, "iiiiiii", n, n, t, u, t, t, u) ==
		            -1 ||
		    db_query(r->db, r->a, light_sql[LIGHT_BOARD_WORST_TEAM], &worst, "iiiiii", t, n, u, t, t, u) == -1)
			return 500;
	} else if (db_query(r->db, r->a, light_sql[LIGHT_BOARD_COUNTS], &board, "iiiiiiiiiiiiiii", t, t, n, t, n, t, t,
	                    n, t, n, t, t, n, t, n) == -1 ||
	           db_query(r->db, r->a, light_sql[LIGHT_BOARD_WORST], &worst, "ii", t, n) == -1) {
		return 500;
	}
	memset(counts, 0, sizeof(counts));
	for (size_t i = 0; i < board.nrows; i++) {
		long long level = db_cell_ll(&board, i, 0);

		if (level >= 1 && level <= LEVEL__MAX)
			for (int c = 0; c < 3; c++)
				counts[c][level - 1] = db_cell_ll(&board, i, (size_t)c + 1);
	}
	out = json_object_new_object();
	levels = json_object_new_array();
	for (int l = 0; l < LEVEL__MAX; l++) {
		struct json_object *o = json_object_new_object();

		json_add_int(o, "level", l + 1);
		json_add_str(o, "name", light_level_name((enum light_level)l));
		/* Amber counts what is past amber but not red; green the rest of the running cycles. */
		json_add_int(o, "green", counts[0][l] - counts[1][l]);
		json_add_int(o, "amber", counts[1][l] - counts[2][l]);
		json_add_int(o, "red", counts[2][l]);
		json_object_array_add(levels, o);
	}
	json_object_object_add(out, "levels", levels);
	list = json_object_new_array();
	for (size_t i = 0; i < worst.nrows; i++) {
		struct json_object *o = json_object_new_object();

		json_add_int(o, "number", db_cell_ll(&worst, i, 0));
		json_add_str(o, "subject", db_cell(&worst, i, 1));
		json_add_int(o, "level", db_cell_ll(&worst, i, 2));
		add_time(o, "red_since", (time_t)db_cell_ll(&worst, i, 3));
		json_add_str(o, "assignee", db_cell(&worst, i, 4));
		json_object_array_add(list, o);
	}
	json_object_object_add(out, "worst", list);
	/* The ETag covers the content only, so a poll that changes nothing answers 304. */
	body = json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN);
	len = strlen(body);
	crypto_generichash(h, sizeof(h), (const unsigned char *)body, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(etag, sizeof(etag), "\"%s\"", hex);
	response_header(r, "ETag", etag);
	if (r->if_none_match != NULL && strcmp(r->if_none_match, etag) == 0) {
		json_object_put(out);
		return 304;
	}
	add_time(out, "as_of", now);
	return response_json(r, 200, out);
}
