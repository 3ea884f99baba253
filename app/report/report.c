/* report: aggregates over the report facts' covering indexes; every statement is scoped by
 * tenant_id. */
#include "report.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"
#include "../light/calendar.h"
#include "csv.h"
#include "scope.h"

enum report_stmt {
	REPORT_BY_STATUS,     /* open tickets per status */
	REPORT_BY_AGENT,      /* open tickets per assignee (0: unassigned) */
	REPORT_BY_AGE,        /* open tickets per age bucket */
	REPORT_BY_TEAM,       /* open tickets per team of their pipeline (0: no team) */
	REPORT_CREATED,       /* tickets created per quarter hour in a range */
	REPORT_RESOLVED,      /* moves into a resolved status per quarter hour in a range: its keys bound */
	REPORT_RESOLVED_MANY, /* the same for a tenant with more resolved keys than bind */
	/* The same over the narrow indexes when nothing is filtered (no scope parameters). */
	REPORT_CREATED_ALL,  /* REPORT_CREATED */
	REPORT_RESOLVED_ALL, /* REPORT_RESOLVED: the resolved statuses' keys bound after the tenant */
	REPORT_STMT__MAX
};

/* Open means a status whose category is neither resolved nor closed; the scope's filter holds
 * an agent to their own tickets and a manager to their teams where the tenant shows by team.
 * The open statuses lead, each reading its range of the facts' (tenant, status, filters) index. */
#define OPEN_FROM                                                                                              \
	"FROM statuses s STRAIGHT_JOIN report_tickets t FORCE INDEX (report_tickets_status) ON t.tenant_id = " \
	"s.tenant_id AND t.status_id = s.id "
#define OPEN_WHERE                                                                                \
	"WHERE s.tenant_id = ? AND t.tenant_id = s.tenant_id AND s.category NOT IN ('resolved', " \
	"'closed')" REPORT_SCOPE_SQL

/* The quarter hour since the epoch an instant falls in (the session is in UTC), as an integer:
 * whole minutes, then quarters, which is the instant's seconds divided by 900, rounded down,
 * without a decimal UNIX_TIMESTAMP per row. */
#define QUARTER_HOUR(column) "TIMESTAMPDIFF(MINUTE, '1970-01-01 00:00:00', " column ") DIV 15"

static const char *const report_sql[REPORT_STMT__MAX] = {
        [REPORT_BY_STATUS] = "SELECT t.status_id, COUNT(*) " OPEN_FROM OPEN_WHERE "GROUP BY t.status_id",
        [REPORT_BY_AGENT] = "SELECT COALESCE(t.assignee_id, 0), COALESCE(MAX(u.name), ''), COUNT(*) " OPEN_FROM
                            "LEFT JOIN users u FORCE INDEX (PRIMARY) ON u.id = t.assignee_id AND u.tenant_id = "
                            "t.tenant_id " OPEN_WHERE
                            "GROUP BY t.assignee_id ORDER BY COUNT(*) DESC, t.assignee_id IS NULL, MAX(u.name)",
        [REPORT_BY_AGE] = "SELECT CASE WHEN t.created_at > FROM_UNIXTIME(?) - INTERVAL 1 DAY THEN 0 "
                          "WHEN t.created_at > FROM_UNIXTIME(?) - INTERVAL 3 DAY THEN 1 "
                          "WHEN t.created_at > FROM_UNIXTIME(?) - INTERVAL 7 DAY THEN 2 "
                          "WHEN t.created_at > FROM_UNIXTIME(?) - INTERVAL 30 DAY THEN 3 ELSE 4 END AS bucket, "
                          "COUNT(*) " OPEN_FROM OPEN_WHERE "GROUP BY bucket",
        /* A ticket's team is its own (from its category or a rule), else its pipeline's. */
        [REPORT_BY_TEAM] =
                "SELECT COALESCE(t.team_id, p.team_id, 0) AS team, COALESCE(MAX(tm.name), ''), COUNT(*) " OPEN_FROM
                "JOIN pipelines p FORCE INDEX (PRIMARY) ON p.id = t.pipeline_id AND p.tenant_id = t.tenant_id "
                "LEFT JOIN teams tm FORCE INDEX (PRIMARY) ON tm.id = COALESCE(t.team_id, p.team_id) AND tm.tenant_id = "
                "p.tenant_id " OPEN_WHERE "GROUP BY team ORDER BY COUNT(*) DESC, team = 0, MAX(tm.name)",
        /* Quarter hours: every time zone's offset is a multiple of 15 minutes, so each slot
         * falls on one local day, which C works out with the tenant's zone. */
        [REPORT_CREATED] = "SELECT " QUARTER_HOUR(
                "t.created_at") ", COUNT(*) FROM report_tickets t FORCE INDEX "
                                "(report_tickets_created) WHERE t.tenant_id = ? AND t.created_at >= FROM_UNIXTIME(?) "
                                "AND t.created_at < FROM_UNIXTIME(?)" REPORT_SCOPE_SQL "GROUP BY 1",
        /* One range of (tenant, key, time) per resolved status key, the filter read in the index. */
        [REPORT_RESOLVED] = "SELECT " QUARTER_HOUR(
                "t.moved_at") ", COUNT(*) FROM report_moves t FORCE INDEX "
                              "(report_moves_key_time) WHERE t.tenant_id = ? AND t.to_key IN " REPORT_RESOLVED_IN
                              " AND t.moved_at >= FROM_UNIXTIME(?) AND t.moved_at < FROM_UNIXTIME(?)" REPORT_SCOPE_SQL
                              "GROUP BY 1",
        /* Every move of the tenant, each looked up: slow on a large tenant, and only for one with
         * more than REPORT_RESOLVED_KEYS resolved statuses' keys. */
        [REPORT_RESOLVED_MANY] = "SELECT " QUARTER_HOUR(
                "t.moved_at") ", COUNT(*) FROM report_moves t FORCE INDEX "
                              "(report_moves_key_time) WHERE t.tenant_id = ? AND t.moved_at >= FROM_UNIXTIME(?) "
                              "AND t.moved_at < FROM_UNIXTIME(?) AND EXISTS (SELECT 1 FROM statuses s WHERE "
                              "s.tenant_id = t.tenant_id AND s.skey = t.to_key AND s.category = "
                              "'resolved')" REPORT_SCOPE_SQL "GROUP BY 1",
        [REPORT_CREATED_ALL] = "SELECT " QUARTER_HOUR(
                "t.created_at") ", COUNT(*) FROM report_tickets t FORCE "
                                "INDEX (report_tickets_created_worst) WHERE t.tenant_id = ? AND t.created_at >= "
                                "FROM_UNIXTIME(?) AND t.created_at < FROM_UNIXTIME(?) GROUP BY 1",
        /* One range of (tenant, key, time) per resolved status key. */
        [REPORT_RESOLVED_ALL] = "SELECT " QUARTER_HOUR(
                "t.moved_at") ", COUNT(*) FROM report_moves t FORCE INDEX "
                              "(report_moves_key_time) WHERE t.tenant_id = ? AND t.to_key IN " REPORT_RESOLVED_IN
                              " AND t.moved_at >= FROM_UNIXTIME(?) AND t.moved_at < FROM_UNIXTIME(?) GROUP BY 1",
};

/* Runs sql with the leading parameters lead[0..nlead) and then the scope's. */
static int scoped_query(struct request *r, const struct report_scope *s, const char *sql, const long long *lead,
                        size_t nlead, struct db_rows *rows)
{
	struct db_param p[8 + REPORT_SCOPE_PARAMS];
	size_t n = 0;

	for (size_t i = 0; i < nlead; i++)
		p[n++] = (struct db_param){.type = 'i', .i = lead[i]};
	n += report_scope_params(s, p + n);
	return db_query_params(r->db, r->a, sql, rows, p, n);
}

static const char *const age_buckets[5] = {"< 1 day", "1-3 days", "3-7 days", "7-30 days", "> 30 days"};

struct report_row {
	const char *dimension; /* status, agent, age */
	const char *key;
	const char *label;
	long long count;
};

static int answer_csv(struct request *r, const struct report_row *rows, size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "dimension,key,label,count\r\n");
	for (size_t i = 0; i < n; i++) {
		char count[24];

		csv_field(&b, rows[i].dimension);
		buf_putc(&b, ',');
		csv_field(&b, rows[i].key);
		buf_putc(&b, ',');
		csv_field(&b, rows[i].label);
		buf_putc(&b, ',');
		snprintf(count, sizeof(count), "%lld", rows[i].count);
		csv_field(&b, count);
		csv_end(&b);
	}
	buf_reset(&r->out_body);
	buf_append(&r->out_body, b.data, b.len);
	buf_release(&b);
	r->out_type = "text/csv";
	response_header(r, "Content-Disposition", "attachment; filename=\"open-tickets.csv\"");
	return 200;
}

int report_open(struct request *r)
{
	struct report_scope sc;
	long long now = (long long)time(NULL), tid = r->tenant->id;
	struct db_rows st, ag, age, team;
	struct report_row *rows;
	size_t n = 0;
	struct json_object *out, *arr;
	int status;

	if ((status = report_scope_read(r, &sc, false)) != 0)
		return status;
	{
		long long lead[] = {now, now, now, now, tid};

		if (scoped_query(r, &sc, report_sql[REPORT_BY_STATUS], lead + 4, 1, &st) == -1 ||
		    scoped_query(r, &sc, report_sql[REPORT_BY_AGENT], lead + 4, 1, &ag) == -1 ||
		    scoped_query(r, &sc, report_sql[REPORT_BY_AGE], lead, 5, &age) == -1 ||
		    scoped_query(r, &sc, report_sql[REPORT_BY_TEAM], lead + 4, 1, &team) == -1)
			return 500;
	}
	{
		size_t statuses = 0;

		for (size_t p = 0; p < r->tenant->npipelines; p++)
			statuses += r->tenant->pipelines[p].nstatuses;
		rows = arena_alloc(r->a, (statuses + ag.nrows + team.nrows + 5) * sizeof(*rows));
	}
	/* Statuses in pipeline order, zero counts included, so charts keep their shape. */
	for (size_t p = 0; p < r->tenant->npipelines; p++)
		for (size_t i = 0; i < r->tenant->pipelines[p].nstatuses; i++) {
			const struct pipeline_status *s = &r->tenant->pipelines[p].statuses[i];
			long long c = 0;

			if (!status_category_is_open(s->category))
				continue;
			for (size_t k = 0; k < st.nrows; k++)
				if (db_cell_ll(&st, k, 0) == s->id)
					c = db_cell_ll(&st, k, 1);
			rows[n++] = (struct report_row){"status", s->key, s->staff_name, c};
		}
	for (size_t k = 0; k < ag.nrows; k++)
		rows[n++] = (struct report_row){"agent", db_cell(&ag, k, 0),
		                                db_cell_ll(&ag, k, 0) == 0 ? "Unassigned" : db_cell(&ag, k, 1),
		                                db_cell_ll(&ag, k, 2)};
	for (size_t k = 0; k < team.nrows; k++)
		rows[n++] = (struct report_row){"team", db_cell(&team, k, 0),
		                                db_cell_ll(&team, k, 0) == 0 ? "No team" : db_cell(&team, k, 1),
		                                db_cell_ll(&team, k, 2)};
	for (int b = 0; b < 5; b++) {
		long long c = 0;

		for (size_t k = 0; k < age.nrows; k++)
			if (db_cell_ll(&age, k, 0) == b)
				c = db_cell_ll(&age, k, 1);
		rows[n++] = (struct report_row){"age", age_buckets[b], age_buckets[b], c};
	}
	if (sc.csv)
		return answer_csv(r, rows, n);
	out = json_object_new_object();
	{
		char asof[32];
		time_t t = (time_t)now;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(asof, sizeof(asof), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_add_str(out, "as_of", asof);
	}
	json_add_str(out, "scope", sc.self_agent ? "mine" : "tenant");
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_add_str(o, "dimension", rows[i].dimension);
		json_add_str(o, "key", rows[i].key);
		json_add_str(o, "label", rows[i].label);
		json_add_int(o, "count", rows[i].count);
		json_object_array_add(arr, o);
	}
	json_object_object_add(out, "data", arr);
	return response_json(r, 200, out);
}

/* The periods the volume report counts in; a long range defaults to a longer one. */
enum period { PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH, PERIOD__MAX };
static const char *const period_names[PERIOD__MAX] = {
        [PERIOD_DAY] = "day", [PERIOD_WEEK] = "week", [PERIOD_MONTH] = "month"};
#define VOLUME_DAYS_MAX  92  /* longer ranges count by week by default */
#define VOLUME_WEEKS_MAX 366 /* ...and longer still by month */

/* Tickets created (into cr) and resolutions (into rs) per quarter hour of sc's range, as rows of
 * (slot, count): over the narrow indexes when sc filters nothing, else over the facts' covering
 * indexes with the filter; resolutions by the resolved statuses' keys. Returns 0 or -1. */
static int volume_counts(struct request *r, const struct report_scope *sc, struct db_ints *cr, struct db_ints *rs)
{
	struct db_param p[3 + REPORT_RESOLVED_KEYS + REPORT_SCOPE_PARAMS], keys[REPORT_RESOLVED_KEYS],
	        range[3 + REPORT_SCOPE_PARAMS];
	size_t n = 0, nrange = 0;
	int nkeys = report_resolved_keys(r, keys);
	bool all = report_scope_unfiltered(sc);

	if (nkeys == -1)
		return -1;
	range[nrange++] = (struct db_param){.type = 'i', .i = r->tenant->id};
	range[nrange++] = (struct db_param){.type = 'i', .i = sc->from};
	range[nrange++] = (struct db_param){.type = 'i', .i = sc->to};
	if (!all)
		nrange += report_scope_params(sc, range + nrange);
	if (db_query_ints(r->db, r->a, report_sql[all ? REPORT_CREATED_ALL : REPORT_CREATED], cr, range, nrange) == -1)
		return -1;
	if (nkeys > REPORT_RESOLVED_KEYS) {
		if (all)
			nrange += report_scope_params(sc, range + nrange);
		return db_query_ints(r->db, r->a, report_sql[REPORT_RESOLVED_MANY], rs, range, nrange);
	}
	p[n++] = range[0];
	for (size_t k = 0; k < REPORT_RESOLVED_KEYS; k++)
		p[n++] = keys[k];
	for (size_t i = 1; i < nrange; i++)
		p[n++] = range[i];
	return db_query_ints(r->db, r->a, report_sql[all ? REPORT_RESOLVED_ALL : REPORT_RESOLVED], rs, p, n);
}

int report_volume(struct request *r)
{
	struct report_scope sc;
	struct calendar_zone zone;
	long long ndays, nperiods = 0;
	long long *created, *resolved, *period_of;
	char(*labels)[11];
	struct db_ints cr, rs;
	int status;
	bool bad = false;
	const char *group = request_query(r, "group", &bad);
	enum period period = PERIOD__MAX;

	if ((status = report_scope_read(r, &sc, true)) != 0)
		return status;
	for (int i = 0; i < PERIOD__MAX && group != NULL; i++)
		if (strcmp(group, period_names[i]) == 0)
			period = (enum period)i;
	if (bad || (group != NULL && period == PERIOD__MAX))
		return problem(r, 400, "invalid_parameter", "group is day, week or month.");
	ndays = sc.ndays;
	if (group == NULL)
		period = ndays <= VOLUME_DAYS_MAX ? PERIOD_DAY : ndays <= VOLUME_WEEKS_MAX ? PERIOD_WEEK : PERIOD_MONTH;
	calendar_zone_enter(&zone, r->tenant->time_zone);
	/* Each local day of the range, and the period it falls in: a week starts on Monday, a
	 * month on its first; the first period starts with the range. */
	created = arena_alloc(r->a, (size_t)ndays * sizeof(*created));
	resolved = arena_alloc(r->a, (size_t)ndays * sizeof(*resolved));
	labels = arena_alloc(r->a, (size_t)ndays * sizeof(*labels));
	period_of = arena_alloc(r->a, (size_t)ndays * sizeof(*period_of));
	for (long long d = 0; d < ndays; d++) {
		struct tm day = sc.first_day;

		day.tm_mday += (int)d;
		day.tm_isdst = -1;
		mktime(&day);
		strftime(labels[d], sizeof(labels[d]), "%Y-%m-%d", &day);
		if (d == 0 || period == PERIOD_DAY || (period == PERIOD_WEEK && day.tm_wday == 1) ||
		    (period == PERIOD_MONTH && day.tm_mday == 1))
			nperiods++;
		period_of[d] = nperiods - 1;
	}
	if (volume_counts(r, &sc, &cr, &rs) == -1)
		status = 500;
	if (status != 0) {
		calendar_zone_leave(&zone);
		return 500;
	}
	for (int which = 0; which < 2; which++) {
		const struct db_ints *rows = which ? &rs : &cr;
		long long *into = which ? resolved : created;

		for (size_t i = 0; i < rows->nrows; i++) {
			time_t slot = (time_t)(rows->v[2 * i] * 900);
			struct tm local;
			char label[11];

			localtime_r(&slot, &local);
			strftime(label, sizeof(label), "%Y-%m-%d", &local);
			/* The labels are in order: find the slot's day by halving. */
			for (long long lo = 0, hi = ndays; lo < hi;) {
				long long mid = lo + (hi - lo) / 2;
				int cmp = strcmp(labels[mid], label);

				if (cmp == 0) {
					into[period_of[mid]] += rows->v[2 * i + 1];
					break;
				}
				if (cmp < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
		}
	}
	calendar_zone_leave(&zone);
	if (sc.csv) {
		struct buf b;

		buf_init(&b);
		buf_printf(&b, "%s,created,resolved\r\n", period_names[period]);
		for (long long d = 0, k = 0; d < ndays; d++)
			if (d == 0 || period_of[d] != period_of[d - 1]) {
				buf_printf(&b, "%s,%lld,%lld\r\n", labels[d], created[k], resolved[k]);
				k++;
			}
		buf_reset(&r->out_body);
		buf_append(&r->out_body, b.data, b.len);
		buf_release(&b);
		r->out_type = "text/csv";
		response_header(r, "Content-Disposition", "attachment; filename=\"created-resolved.csv\"");
		return 200;
	}
	{
		struct json_object *out = json_object_new_object(), *data = json_object_new_array();

		json_add_str(out, "time_zone", r->tenant->time_zone);
		json_add_str(out, "period", period_names[period]);
		for (long long d = 0, k = 0; d < ndays; d++) {
			struct json_object *o;

			if (d > 0 && period_of[d] == period_of[d - 1])
				continue;
			o = json_object_new_object();
			json_add_str(o, "day", labels[d]); /* the period's first day in the range */
			json_add_int(o, "created", created[k]);
			json_add_int(o, "resolved", resolved[k]);
			json_object_array_add(data, o);
			k++;
		}
		json_object_object_add(out, "data", data);
		return response_json(r, 200, out);
	}
}
