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
#include "../core/jw.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"
#include "../timeline/timeline.h"
#include "calendar.h"

#define BOARD_WORST 10
#define SWEEP_BATCH 200
/* Tickets per recomputation batch, each batch one transaction. */
#define RECOMPUTE_PAGE  500
#define RECOMPUTE_TRIES 3
#define STRINGIFY_(x)   #x
#define STRINGIFY(x)    STRINGIFY_(x)

enum light_stmt {
	LIGHT_TICKET,             /* priority and status of one ticket */
	LIGHT_ROWS_LOCK,          /* its light rows, locked */
	LIGHT_OPEN_REQUESTS,      /* open supplier requests of a ticket */
	LIGHT_UPSERT,             /* write the three rows */
	LIGHT_BOARD_COUNTS,       /* running cycles, past amber, past red, per level */
	LIGHT_BOARD_COUNTS_TEAM,  /* the same over the tickets a by-team user sees */
	LIGHT_BOARD_WORST_TEAM,   /* the longest red among them */
	LIGHT_BOARD_WORST,        /* the longest red */
	LIGHT_BOARD_TEAMS,        /* the tenant's teams */
	LIGHT_BOARD_MY_TEAMS,     /* the teams a by-team user belongs to */
	LIGHT_BOARD_GROUPS,       /* running cycles, past amber, past red, per pipeline, own team, level */
	LIGHT_SUMMARY_TENANTS,    /* active tenants, for the board summary */
	LIGHT_SUMMARY_DELETE,     /* a tenant's summary rows */
	LIGHT_SUMMARY_INSERT,     /* one row */
	LIGHT_SUMMARY_READ,       /* a tenant's summary */
	LIGHT_TURNED_AMBER,       /* turned amber in (as_of, now], per pipeline, own team and level */
	LIGHT_TURNED_RED,         /* turned red in (as_of, now] */
	LIGHT_ASSIGNED_ELSEWHERE, /* a by-team user's tickets of a team they are not in */
	LIGHT_SWEEP_RED,          /* red not yet recorded */
	LIGHT_SWEEP_AMBER,        /* amber not yet recorded */
	LIGHT_MARK_RED,           /* claim one red for recording */
	LIGHT_MARK_AMBER,         /* claim one amber for recording */
	LIGHT_BREACH_ADD,         /* the record */
	LIGHT_RECOMPUTE_PAGE,     /* open cycles of a tenant, by ticket */
	LIGHT_NOTIFY_AMBER,       /* amber tells the assignee */
	LIGHT_NOTIFY_RED,         /* red escalates to the pipeline's manager, or every manager */
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
#define UPSERT_HEAD                                                                                                  \
	"INSERT INTO ticket_lights (tenant_id, ticket_id, level, cycle_started_at, running_since, accrued_seconds, " \
	"amber_at, red_at) VALUES "
#define UPSERT_ROW "(?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))"
/* The recorded flags reset when a new cycle starts, before the cycle changes. */
#define UPSERT_UPDATE                                                                             \
	" ON DUPLICATE KEY UPDATE "                                                               \
	"amber_recorded = IF(cycle_started_at <=> VALUES(cycle_started_at), amber_recorded, 0), " \
	"red_recorded = IF(cycle_started_at <=> VALUES(cycle_started_at), red_recorded, 0), "     \
	"cycle_started_at = VALUES(cycle_started_at), running_since = VALUES(running_since), "    \
	"accrued_seconds = VALUES(accrued_seconds), amber_at = VALUES(amber_at), red_at = VALUES(red_at)"

static const char *const light_sql[LIGHT_STMT__MAX] = {
        /* LIGHT_TICKET */
        [LIGHT_TICKET] = "SELECT priority, status_id, pipeline_id FROM tickets WHERE tenant_id = ? AND id = ?",
        /* LIGHT_ROWS_LOCK */
        [LIGHT_ROWS_LOCK] =
                "SELECT " STATE_COLUMNS " FROM ticket_lights WHERE tenant_id = ? AND ticket_id = ? FOR UPDATE",
        /* LIGHT_OPEN_REQUESTS */
        [LIGHT_OPEN_REQUESTS] =
                "SELECT COUNT(*) FROM supplier_requests WHERE tenant_id = ? AND ticket_id = ? AND answered_at IS NULL",
        /* LIGHT_UPSERT */
        [LIGHT_UPSERT] = UPSERT_HEAD UPSERT_ROW ", " UPSERT_ROW ", " UPSERT_ROW UPSERT_UPDATE,
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
        /* LIGHT_BOARD_TEAMS */
        [LIGHT_BOARD_TEAMS] = "SELECT id, name FROM teams WHERE tenant_id = ? ORDER BY name, id",
        /* LIGHT_BOARD_MY_TEAMS */
        [LIGHT_BOARD_MY_TEAMS] = "SELECT tm.id, tm.name FROM teams tm JOIN team_members m ON m.team_id = tm.id AND "
                                 "m.tenant_id = tm.tenant_id WHERE tm.tenant_id = ? AND m.user_id = ? ORDER BY "
                                 "tm.name, tm.id",
        /* LIGHT_BOARD_GROUPS: a ticket's own team (0: none), else its pipeline's from the tenant's
         * cache, so a pipeline given to another team moves its tickets at once */
        [LIGHT_BOARD_GROUPS] =
                "SELECT t.pipeline_id, COALESCE(t.team_id, 0), l.level, COUNT(*), SUM(l.amber_at <= "
                "FROM_UNIXTIME(?)), SUM(l.red_at <= FROM_UNIXTIME(?)) FROM ticket_lights l FORCE INDEX "
                "(ticket_lights_cycle) JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = l.ticket_id AND t.tenant_id = "
                "l.tenant_id WHERE l.tenant_id = ? AND l.cycle_started_at IS NOT NULL "
                "GROUP BY t.pipeline_id, COALESCE(t.team_id, 0), l.level",
        /* LIGHT_SUMMARY_TENANTS */
        [LIGHT_SUMMARY_TENANTS] = "SELECT id FROM tenants WHERE status = 'active' ORDER BY id",
        /* LIGHT_SUMMARY_DELETE */
        [LIGHT_SUMMARY_DELETE] = "DELETE FROM light_board_summary WHERE tenant_id = ?",
        /* LIGHT_SUMMARY_INSERT */
        [LIGHT_SUMMARY_INSERT] = "INSERT INTO light_board_summary (tenant_id, pipeline_id, team_id, level, running, "
                                 "past_amber, past_red, as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        /* LIGHT_SUMMARY_READ */
        [LIGHT_SUMMARY_READ] = "SELECT pipeline_id, team_id, level, running, past_amber, past_red, as_of FROM "
                               "light_board_summary WHERE tenant_id = ?",
        /* LIGHT_TURNED_AMBER: level IN (...) makes three ranges of the (tenant, level, amber_at) index */
        [LIGHT_TURNED_AMBER] =
                "SELECT t.pipeline_id, COALESCE(t.team_id, 0), l.level, COUNT(*) FROM ticket_lights l FORCE INDEX "
                "(ticket_lights_amber) JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = l.ticket_id AND t.tenant_id = "
                "l.tenant_id WHERE l.tenant_id = ? AND l.level IN (1, 2, 3) AND l.amber_at > FROM_UNIXTIME(?) AND "
                "l.amber_at <= FROM_UNIXTIME(?) GROUP BY t.pipeline_id, COALESCE(t.team_id, 0), l.level",
        /* LIGHT_TURNED_RED */
        [LIGHT_TURNED_RED] =
                "SELECT t.pipeline_id, COALESCE(t.team_id, 0), l.level, COUNT(*) FROM ticket_lights l FORCE INDEX "
                "(ticket_lights_red) JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = l.ticket_id AND t.tenant_id = "
                "l.tenant_id WHERE l.tenant_id = ? AND l.level IN (1, 2, 3) AND l.red_at > FROM_UNIXTIME(?) AND "
                "l.red_at <= FROM_UNIXTIME(?) GROUP BY t.pipeline_id, COALESCE(t.team_id, 0), l.level",
        /* LIGHT_ASSIGNED_ELSEWHERE: the part of VISIBLE_TO_USER the effective teams do not cover */
        [LIGHT_ASSIGNED_ELSEWHERE] =
                "SELECT l.level, COUNT(*), COALESCE(SUM(l.amber_at <= FROM_UNIXTIME(?)), 0), "
                "COALESCE(SUM(l.red_at <= FROM_UNIXTIME(?)), 0) FROM tickets t FORCE INDEX (tickets_tenant_assignee) "
                "JOIN ticket_lights l FORCE INDEX (PRIMARY) ON l.tenant_id = t.tenant_id AND l.ticket_id = t.id "
                "WHERE t.tenant_id = ? AND t.assignee_id = ? AND l.cycle_started_at IS NOT NULL AND "
                "COALESCE(t.team_id, (SELECT p.team_id FROM pipelines p WHERE p.tenant_id = ? AND p.id = "
                "t.pipeline_id), 0) NOT IN (SELECT 0 UNION ALL SELECT m.team_id FROM team_members m WHERE "
                "m.tenant_id = ? AND m.user_id = ?) GROUP BY l.level",
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
                "AND ticket_id > ? ORDER BY ticket_id LIMIT " STRINGIFY(RECOMPUTE_PAGE),
};

/* A recomputation batch: the tickets of one LIGHT_RECOMPUTE_PAGE. Its two reads end in an IN
 * list of exactly RECOMPUTE_PAGE parameters (a short page repeats its last id), so each is one
 * text in the statement cache. */
/* The light rows of the batch, locked; STATE_COLUMNS first, as state_from_row reads them. */
#define RECOMPUTE_LOCK_HEAD \
	"SELECT " STATE_COLUMNS ", ticket_id FROM ticket_lights WHERE tenant_id = ? AND ticket_id IN ("
#define RECOMPUTE_LOCK_TAIL ") FOR UPDATE"
/* Priority, status and pipeline of the batch's tickets, locked shared. */
#define RECOMPUTE_TICKETS_HEAD \
	"SELECT id, priority, status_id, pipeline_id FROM tickets WHERE tenant_id = ? AND id IN ("
#define RECOMPUTE_TICKETS_TAIL ") LOCK IN SHARE MODE"

static void state_from_row(const struct db_rows *r, size_t i, struct light_state *s)
{
	s->cycle_started = (time_t)db_cell_ll(r, i, 1);
	s->running_since = (time_t)db_cell_ll(r, i, 2);
	s->accrued = db_cell_ll(r, i, 3);
	s->amber_at = (time_t)db_cell_ll(r, i, 4);
	s->red_at = (time_t)db_cell_ll(r, i, 5);
}

/* The data of a lights_recomputed event: the state the recomputation left ("levels") and the
 * levels it moved. The replay takes the state as is. Owned by the caller (json_object_put). */
static struct json_object *recomputed_data(const struct light_state before[LEVEL__MAX],
                                           const struct light_state after[LEVEL__MAX])
{
	struct json_object *data = json_object_new_object(), *levels = json_object_new_array();

	json_add_str(data, "reason", "service levels changed");
	for (int l = 0; l < LEVEL__MAX; l++) {
		struct json_object *one = json_object_new_array();

		json_object_array_add(one, json_object_new_int64((int64_t)after[l].cycle_started));
		json_object_array_add(one, json_object_new_int64((int64_t)after[l].running_since));
		json_object_array_add(one, json_object_new_int64(after[l].accrued));
		json_object_array_add(one, json_object_new_int64((int64_t)after[l].amber_at));
		json_object_array_add(one, json_object_new_int64((int64_t)after[l].red_at));
		json_object_array_add(levels, one);
	}
	json_object_object_add(data, "levels", levels);
	levels = json_object_new_array();
	for (int l = 0; l < LEVEL__MAX; l++)
		if (memcmp(&before[l], &after[l], sizeof(after[l])) != 0)
			json_object_array_add(levels, json_object_new_int(l + 1));
	json_object_object_add(data, "moved", levels);
	return data;
}

/* The eight parameters of one UPSERT_ROW. */
static void upsert_params(struct db_param *p, long long tenant_id, long long ticket_id, int level,
                          const struct light_state *s)
{
	const long long vals[8] = {tenant_id,
	                           ticket_id,
	                           level + 1,
	                           (long long)s->cycle_started,
	                           (long long)s->running_since,
	                           s->accrued,
	                           (long long)s->amber_at,
	                           (long long)s->red_at};
	const char types[8] = {'i', 'i', 'i', 'u', 'u', 'i', 'u', 'u'};

	for (int j = 0; j < 8; j++) {
		p[j].type = types[j];
		p[j].i = vals[j];
		p[j].s = NULL;
	}
}

/* Applies one change to a ticket's clocks. */
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
	long long open_requests = 0;

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

	if (c->kind == EVENT_SUPPLIER_ANSWERED) {
		struct db_rows open;

		if (db_query(db, a, light_sql[LIGHT_OPEN_REQUESTS], &open, "ii", t->id, ticket_id) == -1)
			return -1;
		open_requests = db_cell_ll(&open, 0, 0);
	}
	calendar_zone_enter(&zone, t->calendar.time_zone);
	light_step(st, &t->calendar, th, light_trigger_of((int)c->kind, c->by_customer, c->public_note, open_requests),
	           status_category_is_open(status->category), status->clocks, now);
	calendar_zone_leave(&zone);
	for (int l = 0; l < LEVEL__MAX; l++)
		upsert_params(&params[l * 8], t->id, ticket_id, l, &st[l]);
	return db_query_params(db, a, light_sql[LIGHT_UPSERT], NULL, params, 3 * 8);
}

enum light_trigger light_trigger_of(int kind, bool by_customer, bool public_note, long long open_requests)
{
	switch ((enum timeline_kind)kind) {
	case EVENT_CREATED:
		return LIGHT_ON_OPENED;
	case EVENT_NOTE_ADDED:
		if (!public_note)
			return LIGHT_ON_NONE;
		return by_customer ? LIGHT_ON_CUSTOMER_WROTE : LIGHT_ON_WE_WROTE;
	case EVENT_STATUS_CHANGED:
		return by_customer ? LIGHT_ON_MOVED_BY_CUSTOMER : LIGHT_ON_MOVED;
	case EVENT_SUPPLIER_ASKED:
		return LIGHT_ON_SUPPLIER_ASKED;
	case EVENT_SUPPLIER_ANSWERED:
		return open_requests == 0 ? LIGHT_ON_SUPPLIER_ALL_DONE : LIGHT_ON_NONE;
	default:
		return LIGHT_ON_NONE;
	}
}

int light_on_change(struct db *db, struct arena *a, const struct ticket_change *c)
{
	/* The event's own instant, so the clocks can be replayed from the timeline to the second. */
	return apply(db, a, c->tenant, c->ticket_id, c, c->at != 0 ? c->at : time(NULL));
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

/* The integer part of the number at *s; *s moves past the number and its fraction. */
static long long packed_number(const char **s)
{
	char *end;
	long long v = strtoll(*s, &end, 10);

	while (*end != '\0' && *end != ',' && *end != ';')
		end++;
	*s = end;
	return v;
}

void light_states_unpack(const char *packed, struct light_state out[LEVEL__MAX])
{
	const char *s = packed;

	memset(out, 0, LEVEL__MAX * sizeof(*out));
	while (s != NULL && *s != '\0') {
		long long v[6];

		for (int k = 0; k < 6; k++) {
			v[k] = packed_number(&s);
			if (*s == ',')
				s++;
		}
		if (v[0] >= 1 && v[0] <= LEVEL__MAX) {
			struct light_state *st = &out[v[0] - 1];

			st->cycle_started = (time_t)v[1];
			st->running_since = (time_t)v[2];
			st->accrued = v[3];
			st->amber_at = (time_t)v[4];
			st->red_at = (time_t)v[5];
		}
		while (*s != '\0' && *s != ';')
			s++;
		if (*s == ';')
			s++;
	}
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

void light_write(struct jw *w, const struct light_state states[LEVEL__MAX], time_t now)
{
	jw_object(w);
	for (int l = 0; l < LEVEL__MAX; l++) {
		jw_key(w, light_level_name((enum light_level)l));
		jw_object(w);
		jw_kstr(w, "colour", light_colour_name(light_colour_at(&states[l], now)));
		jw_kbool(w, "running", states[l].running_since != 0);
		jw_ktime(w, "started_at", states[l].cycle_started);
		jw_ktime(w, "amber_at", states[l].amber_at);
		jw_ktime(w, "red_at", states[l].red_at);
		jw_object_end(w);
	}
	jw_object_end(w);
}

struct json_object *light_json(const struct light_state states[LEVEL__MAX], time_t now)
{
	struct buf b;
	struct jw w;
	struct json_object *o;

	buf_init(&b);
	jw_init(&w, &b);
	light_write(&w, states, now);
	o = json_tokener_parse(b.data);
	buf_release(&b);
	if (o == NULL)
		BUG("light_write wrote JSON json-c cannot read");
	return o;
}

static int summarise_tenant(struct db *db, struct arena *a, long long id);

/* "head ?, ?, ... tail" with RECOMPUTE_PAGE placeholders, in the arena. */
static const char *recompute_in_list(struct arena *a, const char *head, const char *tail)
{
	struct buf b;
	char *sql;

	buf_init(&b);
	buf_puts(&b, head);
	for (size_t i = 0; i < RECOMPUTE_PAGE; i++)
		buf_puts(&b, i ? ", ?" : "?");
	buf_puts(&b, tail);
	sql = arena_strdup(a, b.data);
	buf_release(&b);
	return sql;
}

/* The index of id in ids[0..n), which is ascending; -1 if absent. */
static long index_of(const long long *ids, size_t n, long long id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] == id)
			return (long)mid;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Recomputes the tickets ids[0..n) (ascending, n <= RECOMPUTE_PAGE) in one transaction: one
 * statement reads the tickets, one their light rows, the changed rows go back in
 * multi-row upserts and the timeline entries in multi-row inserts. Adds the entries written to
 * *recorded. 0 or -1 (rolled back).
 *
 * Against concurrent requests the batch locks before it reads, in the order requests lock: the
 * tickets first (shared), then their light rows (FOR UPDATE). A request moves a ticket's clocks
 * only while it holds the ticket's light rows, and changes the ticket only while it holds the
 * ticket row; so either it committed before the batch's locks were granted, and the batch reads
 * its change, or it waits for the batch to commit and then steps the recomputed lights. Stale
 * recomputed data never overwrites a request's. A version check instead would let the batch
 * lose to a request and redo tickets; the locks keep the batch one pass, and a request waits at
 * most one batch. The shared ticket locks come first because the batch's timeline inserts need
 * them anyway (the foreign key): taken after the light rows, a request holding its ticket and
 * waiting for the lights would deadlock with the batch. Read committed: the locking reads take
 * only the rows they find, no gaps, so tickets created meanwhile are not held up. */
static int recompute_batch(struct db *db, struct arena *a, const struct tenant *t, const long long *ids, size_t n,
                           long long *recorded)
{
	struct db_param *in = arena_alloc(a, (RECOMPUTE_PAGE + 1) * sizeof(*in));
	struct light_state(*st)[LEVEL__MAX] = arena_alloc(a, n * sizeof(*st));
	struct db_param *rows = arena_alloc(a, n * LEVEL__MAX * 8 * sizeof(*rows));
	struct timeline_entry *entries = arena_alloc(a, n * sizeof(*entries));
	size_t nrows = 0, nentries = 0;
	struct calendar_zone zone;
	struct db_rows lr, tr;
	time_t now;

	if (n == 0 || n > RECOMPUTE_PAGE)
		BUG("recompute batch of %zu tickets", n);
	in[0] = (struct db_param){'i', t->id, NULL};
	for (size_t k = 0; k < RECOMPUTE_PAGE; k++)
		in[k + 1] = (struct db_param){'i', ids[k < n ? k : n - 1], NULL};
	if (db_simple(db, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED") == -1 || db_begin(db) == -1)
		return -1;
	if (db_query_params(db, a, recompute_in_list(a, RECOMPUTE_TICKETS_HEAD, RECOMPUTE_TICKETS_TAIL), &tr, in,
	                    RECOMPUTE_PAGE + 1) == -1 ||
	    db_query_params(db, a, recompute_in_list(a, RECOMPUTE_LOCK_HEAD, RECOMPUTE_LOCK_TAIL), &lr, in,
	                    RECOMPUTE_PAGE + 1) == -1)
		goto fail;
	/* The batch's instant, once its rows are ours: the clocks and the entries both use it. */
	now = time(NULL);
	for (size_t i = 0; i < lr.nrows; i++) {
		long k = index_of(ids, n, db_cell_ll(&lr, i, 6));
		long long level = db_cell_ll(&lr, i, 0);

		if (k >= 0 && level >= 1 && level <= LEVEL__MAX)
			state_from_row(&lr, i, &st[k][level - 1]);
	}
	calendar_zone_enter(&zone, t->calendar.time_zone);
	for (size_t i = 0; i < tr.nrows; i++) {
		long long id = db_cell_ll(&tr, i, 0);
		long k = index_of(ids, n, id);
		int prio = tenant_priority_index(db_cell(&tr, i, 1));
		const struct pipeline *p = tenant_pipeline_by_id(t, db_cell_ll(&tr, i, 3));
		const struct pipeline_status *status = p ? pipeline_status_by_id(p, db_cell_ll(&tr, i, 2)) : NULL;
		struct light_state before[LEVEL__MAX];
		bool moved = false;

		if (k < 0)
			continue;
		if (prio < 0 || status == NULL) {
			log_error("ticket %lld: unknown priority or status", id);
			calendar_zone_leave(&zone);
			goto fail;
		}
		memcpy(before, st[k], sizeof(before));
		light_step(st[k], &t->calendar, t->thresholds[prio], LIGHT_ON_NONE,
		           status_category_is_open(status->category), status->clocks, now);
		/* Only the rows that changed are written: one left as it was needs no write. */
		for (int l = 0; l < LEVEL__MAX; l++)
			if (memcmp(&before[l], &st[k][l], sizeof(before[l])) != 0) {
				upsert_params(&rows[nrows++ * 8], t->id, id, l, &st[k][l]);
				moved = true;
			}
		/* A recomputation that moved a ticket's clocks is on its timeline with the state it
		 * left, so a replay of the timeline arrives at the same state. */
		if (moved) {
			struct json_object *data = recomputed_data(before, st[k]);
			struct timeline_entry *e = &entries[nentries++];

			e->ticket_id = id;
			e->priority = db_cell(&tr, i, 1);
			e->status_id = db_cell_ll(&tr, i, 2);
			e->data = arena_strdup(a, json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN));
			json_object_put(data);
		}
	}
	calendar_zone_leave(&zone);
	if (db_exec_rows(db, a, UPSERT_HEAD, UPSERT_ROW, UPSERT_UPDATE, rows, 8, nrows) == -1 ||
	    timeline_record_batch(db, a, t, EVENT_LIGHTS_RECOMPUTED, now, entries, nentries) == -1)
		goto fail;
	if (db_commit(db) == -1)
		return -1;
	*recorded += (long long)nentries;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

long long light_recompute_tenant(struct db *db, struct arena *a, const struct tenant *t, long long *recorded)
{
	long long after = 0, done = 0, entries = 0;
	struct arena page;
	int rc = 0;

	/* Each page's rows in an arena of its own: 100,000 tickets need no more than 500 do. */
	arena_init(&page);
	for (;;) {
		struct db_rows ids;
		long long *id;

		arena_reset(&page);
		if (db_query(db, &page, light_sql[LIGHT_RECOMPUTE_PAGE], &ids, "ii", t->id, after) == -1) {
			rc = -1;
			break;
		}
		if (ids.nrows == 0)
			break;
		id = arena_alloc(&page, ids.nrows * sizeof(*id));
		for (size_t i = 0; i < ids.nrows; i++)
			id[i] = db_cell_ll(&ids, i, 0);
		/* A batch chosen as a deadlock victim, or kept waiting too long, was rolled back
		 * whole: run it again rather than start the tenant over. */
		for (int attempt = 1;; attempt++) {
			db->last_errno = 0;
			rc = recompute_batch(db, &page, t, id, ids.nrows, &entries);
			if (rc == 0 || attempt == RECOMPUTE_TRIES ||
			    (db->last_errno != DB_ER_LOCK_DEADLOCK && db->last_errno != DB_ER_LOCK_WAIT_TIMEOUT))
				break;
			log_warn("tenant %lld: recompute batch after ticket %lld rolled back (%u), again", t->id, after,
			         db->last_errno);
		}
		if (rc == -1)
			break;
		done += (long long)ids.nrows;
		after = id[ids.nrows - 1];
	}
	arena_release(&page);
	if (rc == -1)
		return -1;
	/* The board of a large tenant reads the scheduler's summary: taken again now, so the
	 * moved lights show at once rather than at the next refresh. */
	if (summarise_tenant(db, a, t->id) == -1)
		return -1;
	if (recorded != NULL)
		*recorded = entries;
	return done;
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

/* Counts of running cycles [0], past amber [1] and past red [2] per level. */
typedef long long board_counts[3][LEVEL__MAX];

/* The counts per effective team: a ticket's own team, else its pipeline's; team 0 is nobody's
 * team, so everyone's. Grown in the request's arena; a board has a handful of teams. */
struct board_tally {
	long long *team_ids;
	board_counts *counts;
	size_t n, cap;
};

/* The slot of team team_id in the tally, added (zeroed) when new. Cannot fail (out of memory
 * aborts). */
static size_t tally_slot(struct arena *a, struct board_tally *tally, long long team_id)
{
	for (size_t i = 0; i < tally->n; i++)
		if (tally->team_ids[i] == team_id)
			return i;
	if (tally->n == tally->cap) {
		size_t cap = tally->cap * 2 + 8;
		long long *ids = arena_alloc(a, cap * sizeof(*ids));
		board_counts *counts = arena_alloc(a, cap * sizeof(*counts));

		if (tally->n > 0) {
			memcpy(ids, tally->team_ids, tally->n * sizeof(*ids));
			memcpy(counts, tally->counts, tally->n * sizeof(*counts));
		}
		tally->team_ids = ids;
		tally->counts = counts;
		tally->cap = cap;
	}
	tally->team_ids[tally->n] = team_id;
	memset(tally->counts[tally->n], 0, sizeof(board_counts));
	return tally->n++;
}

/* The effective team of tickets in pipeline_id whose own team is own_team (0: none). A pipeline
 * the cache does not know has no team, as VISIBLE_TO_USER reads it. */
static long long effective_team(const struct tenant *t, long long pipeline_id, long long own_team)
{
	const struct pipeline *p;

	if (own_team > 0)
		return own_team;
	p = tenant_pipeline_by_id(t, pipeline_id);
	return p != NULL ? p->team_id : 0;
}

/* Adds rows of (pipeline_id, own team, level, n0, n1, ...) to column `first` onwards of the
 * tally. */
static void add_rows(struct request *r, struct board_tally *tally, const struct db_rows *rows, int first, int ncounts)
{
	for (size_t i = 0; i < rows->nrows; i++) {
		long long team = effective_team(r->tenant, db_cell_ll(rows, i, 0), db_cell_ll(rows, i, 1));
		long long level = db_cell_ll(rows, i, 2);
		size_t slot;

		if (level < 1 || level > LEVEL__MAX)
			continue;
		slot = tally_slot(r->a, tally, team);
		for (int c = 0; c < ncounts; c++)
			tally->counts[slot][first + c][level - 1] += db_cell_ll(rows, i, (size_t)c + 3);
	}
}

/* The counts per effective team at instant now, from the scheduler's summary plus what turned
 * since it was taken. 1 when used; 0 when the tenant is small or the summary missing or stale
 * (the caller counts live); -1 on failure. *as_of is the summary's instant. */
static int board_from_summary(struct request *r, time_t now, struct board_tally *tally, time_t *as_of)
{
	const struct tenant *t = r->tenant;
	struct db_rows sum, amber, red;
	long long running = 0, taken = 0;

	if (db_query(r->db, r->a, light_sql[LIGHT_SUMMARY_READ], &sum, "i", t->id) == -1)
		return -1;
	for (size_t i = 0; i < sum.nrows; i++) {
		running += db_cell_ll(&sum, i, 3);
		taken = db_cell_ll(&sum, i, 6);
	}
	if (sum.nrows == 0 || running < LIGHT_SUMMARY_MIN || taken > (long long)now ||
	    (long long)now - taken > LIGHT_SUMMARY_FRESH)
		return 0;
	add_rows(r, tally, &sum, 0, 3);
	/* Lights that turned with time since the summary was taken: two short index ranges. */
	if (db_query(r->db, r->a, light_sql[LIGHT_TURNED_AMBER], &amber, "iii", t->id, taken, (long long)now) == -1 ||
	    db_query(r->db, r->a, light_sql[LIGHT_TURNED_RED], &red, "iii", t->id, taken, (long long)now) == -1)
		return -1;
	add_rows(r, tally, &amber, 1, 1);
	add_rows(r, tally, &red, 2, 1);
	*as_of = (time_t)taken;
	return 1;
}

/* Whether the user sees the tickets of effective team team_id: everyone sees nobody's team's;
 * a by-team user their own teams' besides. */
static bool sees_team(const struct request *r, long long team_id)
{
	if (!r->user->restricted || team_id == 0)
		return true;
	for (size_t k = 0; k < r->user->nteams; k++)
		if (r->user->teams[k] == team_id)
			return true;
	return false;
}

/* The tenant-wide counts per level, from the counts per effective team: every team, or for a
 * by-team user the teams they see plus their own tickets of other teams. 0 or -1. */
static int levels_from_teams(struct request *r, time_t now, const struct board_tally *tally, board_counts out)
{
	const struct tenant *t = r->tenant;

	memset(out, 0, sizeof(board_counts));
	for (size_t i = 0; i < tally->n; i++)
		if (sees_team(r, tally->team_ids[i]))
			for (int c = 0; c < 3; c++)
				for (int l = 0; l < LEVEL__MAX; l++)
					out[c][l] += tally->counts[i][c][l];
	if (r->user->restricted) {
		struct db_rows mine;
		long long u = r->user->user_id, n = (long long)now;

		if (db_query(r->db, r->a, light_sql[LIGHT_ASSIGNED_ELSEWHERE], &mine, "iiiiiii", n, n, t->id, u, t->id,
		             t->id, u) == -1)
			return -1;
		for (size_t i = 0; i < mine.nrows; i++) {
			long long level = db_cell_ll(&mine, i, 0);

			if (level >= 1 && level <= LEVEL__MAX)
				for (int c = 0; c < 3; c++)
					out[c][level - 1] += db_cell_ll(&mine, i, (size_t)c + 1);
		}
	}
	return 0;
}

/* [{"level","name","green","amber","red"}] from running, past-amber and past-red counts. */
static struct json_object *levels_json(long long counts[3][LEVEL__MAX])
{
	struct json_object *levels = json_object_new_array();

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
	return levels;
}

/* The board's per-team figures: for each team the user may see (all of them, or their own where
 * the tenant works by team), the counts of the tickets whose effective team it is. A team's
 * members see all of those, so the figures need no further filter. tally holds the counts per
 * effective team, or is NULL to count them here. NULL on failure. */
static struct json_object *board_teams(struct request *r, time_t now, struct board_tally *tally)
{
	const struct tenant *t = r->tenant;
	struct board_tally live = {0};
	struct db_rows teams;
	struct json_object *arr;
	board_counts none;

	if (r->user->restricted) {
		if (db_query(r->db, r->a, light_sql[LIGHT_BOARD_MY_TEAMS], &teams, "ii", t->id, r->user->user_id) == -1)
			return NULL;
	} else if (db_query(r->db, r->a, light_sql[LIGHT_BOARD_TEAMS], &teams, "i", t->id) == -1) {
		return NULL;
	}
	/* A tenant without teams (most) pays nothing for this part of the board. */
	if (tally == NULL && teams.nrows > 0) {
		struct db_rows rows;
		long long n = (long long)now;

		if (db_query(r->db, r->a, light_sql[LIGHT_BOARD_GROUPS], &rows, "iii", n, n, t->id) == -1)
			return NULL;
		add_rows(r, &live, &rows, 0, 3);
		tally = &live;
	}
	memset(none, 0, sizeof(none));
	arr = json_object_new_array();
	for (size_t k = 0; k < teams.nrows; k++) {
		struct json_object *o = json_object_new_object();
		long long id = db_cell_ll(&teams, k, 0);
		long long(*counts)[LEVEL__MAX] = none;

		for (size_t i = 0; i < tally->n; i++)
			if (tally->team_ids[i] == id)
				counts = tally->counts[i];
		json_add_int(o, "id", id);
		json_add_str(o, "name", db_cell(&teams, k, 1));
		json_object_object_add(o, "levels", levels_json(counts));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Takes one tenant's board summary now, or drops it when the tenant is small. 1 when taken, 0
 * when dropped, -1 on failure (rolled back). */
static int summarise_tenant(struct db *db, struct arena *a, long long id)
{
	long long n = (long long)time(NULL), running = 0;
	struct db_rows rows;

	/* A consistent read outside a transaction: no row is locked while the tenant is counted. */
	if (db_query(db, a, light_sql[LIGHT_BOARD_GROUPS], &rows, "iii", n, n, id) == -1)
		return -1;
	for (size_t k = 0; k < rows.nrows; k++)
		running += db_cell_ll(&rows, k, 3);
	if (db_begin(db) == -1)
		return -1;
	if (db_exec(db, light_sql[LIGHT_SUMMARY_DELETE], NULL, NULL, "i", id) == -1)
		goto fail;
	/* Small tenants count live on every request; they need no summary. */
	for (size_t k = 0; running >= LIGHT_SUMMARY_MIN && k < rows.nrows; k++)
		if (db_exec(db, light_sql[LIGHT_SUMMARY_INSERT], NULL, NULL, "iiiiiiii", id, db_cell_ll(&rows, k, 0),
		            db_cell_ll(&rows, k, 1), db_cell_ll(&rows, k, 2), db_cell_ll(&rows, k, 3),
		            db_cell_ll(&rows, k, 4), db_cell_ll(&rows, k, 5), n) == -1)
			goto fail;
	if (db_commit(db) == -1)
		return -1;
	return running >= LIGHT_SUMMARY_MIN;
fail:
	db_rollback(db);
	return -1;
}

long long light_board_summarise(struct db *db, struct arena *a)
{
	struct db_rows tenants;
	long long written = 0;

	if (db_query(db, a, light_sql[LIGHT_SUMMARY_TENANTS], &tenants, "") == -1)
		return -1;
	for (size_t i = 0; i < tenants.nrows; i++) {
		int rc = summarise_tenant(db, a, db_cell_ll(&tenants, i, 0));

		if (rc == -1)
			return -1;
		written += rc;
	}
	return written;
}

int light_board(struct request *r)
{
	time_t now = time(NULL), as_of = 0;
	struct db_rows board, worst;
	long long t = r->tenant->id, n = (long long)now;
	board_counts counts;
	struct board_tally tally = {0};
	struct json_object *out, *list, *teams;
	const char *body;
	size_t len;
	unsigned char h[16];
	char etag[40], hex[33];
	int summary;

	summary = board_from_summary(r, now, &tally, &as_of);
	if (summary == -1)
		return 500;
	if (summary == 1) {
		if (levels_from_teams(r, now, &tally, counts) == -1)
			return 500;
	} else {
		if (r->user->restricted) {
			long long u = r->user->user_id;

			if (db_query(r->db, r->a, light_sql[LIGHT_BOARD_COUNTS_TEAM], &board, "iiiiiii", n, n, t, u, t,
			             t, u) == -1)
				return 500;
		} else if (db_query(r->db, r->a, light_sql[LIGHT_BOARD_COUNTS], &board, "iiiiiiiiiiiiiii", t, t, n, t,
		                    n, t, t, n, t, n, t, t, n, t, n) == -1) {
			return 500;
		}
		memset(counts, 0, sizeof(counts));
		for (size_t i = 0; i < board.nrows; i++) {
			long long level = db_cell_ll(&board, i, 0);

			if (level >= 1 && level <= LEVEL__MAX)
				for (int c = 0; c < 3; c++)
					counts[c][level - 1] = db_cell_ll(&board, i, (size_t)c + 1);
		}
	}
	if (r->user->restricted) {
		long long u = r->user->user_id;

		if (db_query(r->db, r->a, light_sql[LIGHT_BOARD_WORST_TEAM], &worst, "iiiiii", t, n, u, t, t, u) == -1)
			return 500;
	} else if (db_query(r->db, r->a, light_sql[LIGHT_BOARD_WORST], &worst, "ii", t, n) == -1) {
		return 500;
	}
	teams = board_teams(r, now, summary == 1 ? &tally : NULL);
	if (teams == NULL)
		return 500;
	out = json_object_new_object();
	json_object_object_add(out, "levels", levels_json(counts));
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
	json_object_object_add(out, "teams", teams);
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
	/* Where counts come from the scheduler's summary, replies and moves since this instant show
	 * at its next refresh (lights turning with time show at once). */
	if (summary == 1)
		add_time(out, "counts_as_of", as_of);
	else
		json_add_null(out, "counts_as_of");
	return response_json(r, 200, out);
}
