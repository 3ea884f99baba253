/* perf: how well the service performed over a range — response and resolution times, the
 * lights, suppliers and agents. Every statement is scoped by tenant_id and reads one range of a
 * covering index on (tenant_id, time, filters) of the report facts (db/migrations/0025), which
 * triggers keep in the transaction of each change, or, when nothing is filtered, of a narrow
 * index without the filters (db/migrations/0028); durations are gathered per row (as integers,
 * a million of them over two years) and summed up here, where the tenant's business calendar
 * is. */
#include "report.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/json.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../light/calendar.h"
#include "../light/light.h"
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"
#include "csv.h"
#include "scope.h"

enum perf_stmt {
	PERF_FIRST_RESPONSES,  /* first public staff replies made in the range */
	PERF_RESOLUTIONS,      /* moves into a resolved status made in the range: its keys bound */
	PERF_RESOLUTIONS_MANY, /* the same for a tenant with more resolved keys than bind */
	PERF_WORST_LIGHTS,     /* tickets created in the range; per level, how many went red, amber only */
	PERF_BREACH_AGENTS,    /* reds in the range per assignee at the time */
	PERF_BREACH_TEAMS,     /* reds in the range per team of the ticket's pipeline */
	PERF_SUPPLIER_ANSWERS, /* supplier requests answered in the range */
	PERF_STAFF,            /* the staff whose rows the caller may see */
	PERF_MANAGER_TEAMS,    /* does the manager belong to a team */
	PERF_ACTIVITY,         /* per person: tickets written on or moved, public notes, in the range */
	PERF_TEAMS,            /* filter choices: teams */
	PERF_CATEGORIES,       /* filter choices: categories */
	PERF_COMPANIES,        /* filter choices: customer companies */
	PERF_AGENTS,           /* filter choices: staff */
	/* The same over the narrow indexes, when nothing is filtered (no scope parameters). */
	PERF_FIRST_RESPONSES_ALL, /* PERF_FIRST_RESPONSES */
	PERF_RESOLUTIONS_ALL,     /* PERF_RESOLUTIONS: the resolved statuses' keys bound */
	PERF_WORST_LIGHTS_ALL,    /* PERF_WORST_LIGHTS */
	PERF_STMT__MAX
};

/* Every statement reads one range of an index that starts with tenant_id and a time and holds
 * the filter's columns (REPORT_SCOPE_SQL over the facts, aliased t). A ticket's first reply is
 * its first public note by staff (by time, then id); a move's status is looked up at read time,
 * so a status that changes category counts from then on as the timeline would. */
// clang-format off
/* An instant as whole seconds since the epoch (the session is in UTC): an integer, where
 * UNIX_TIMESTAMP of a DATETIME(6) is a decimal with a fraction; the same seconds, truncated. */
#define SECONDS(column) "TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', " column ")"
/* What PERF_ACTIVITY counts per person; see there. Its twelve instants are bound as UTC text
 * (the session's zone): compared as DATETIME once each, where FROM_UNIXTIME(?) is evaluated
 * again on each of a million rows. */
#define ACTIVITY_SELECT \
	"SELECT t.actor_id, " \
	"SUM(CASE WHEN t.first_at >= ? OR t.last_at < ? THEN 1 " \
	"WHEN EXISTS (SELECT 1 FROM notes n WHERE n.tenant_id = t.tenant_id AND n.ticket_id = t.ticket_id " \
	"AND n.author_id = t.actor_id AND n.created_at >= ? AND n.created_at < ?) " \
	"OR EXISTS (SELECT 1 FROM ticket_events e WHERE e.tenant_id = t.tenant_id AND e.ticket_id = t.ticket_id " \
	"AND e.actor_id = t.actor_id AND e.kind = 'status_changed' " \
	"AND e.created_at >= ? AND e.created_at < ?) THEN 1 ELSE 0 END), " \
	"SUM(CASE WHEN t.first_reply_at IS NULL OR t.last_reply_at < ? " \
	"OR t.first_reply_at >= ? THEN 0 " \
	"WHEN t.first_reply_at >= ? AND t.last_reply_at < ? THEN t.replies " \
	"ELSE (SELECT COUNT(*) FROM notes n WHERE n.tenant_id = t.tenant_id AND n.ticket_id = t.ticket_id " \
	"AND n.author_id = t.actor_id AND n.visibility = 'public' " \
	"AND n.created_at >= ? AND n.created_at < ?) END) "
static const char *const perf_sql[PERF_STMT__MAX] = {
	[PERF_FIRST_RESPONSES] =
		"SELECT " SECONDS("t.created_at") ", " SECONDS("t.first_reply_at") ", t.first_reply_by "
		"FROM report_tickets t FORCE INDEX (report_tickets_first_reply) "
		"WHERE t.tenant_id = ? AND t.first_reply_at >= FROM_UNIXTIME(?) AND t.first_reply_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL,
	/* One range of (tenant, key, time) per resolved status key, the filter read in the index. */
	[PERF_RESOLUTIONS] =
		"SELECT " SECONDS("t.created_at") ", " SECONDS("t.moved_at") " "
		"FROM report_moves t FORCE INDEX (report_moves_key_time) "
		"WHERE t.tenant_id = ? AND t.to_key IN " REPORT_RESOLVED_IN " "
		"AND t.moved_at >= FROM_UNIXTIME(?) AND t.moved_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL,
	/* Every move of the tenant, each looked up: slow on a large tenant, and only for one with
	 * more than REPORT_RESOLVED_KEYS resolved statuses' keys. */
	[PERF_RESOLUTIONS_MANY] =
		"SELECT " SECONDS("t.created_at") ", " SECONDS("t.moved_at") " "
		"FROM report_moves t FORCE INDEX (report_moves_key_time) "
		"WHERE t.tenant_id = ? AND t.moved_at >= FROM_UNIXTIME(?) AND t.moved_at < FROM_UNIXTIME(?) "
		"AND EXISTS (SELECT 1 FROM statuses s WHERE s.tenant_id = t.tenant_id AND s.skey = t.to_key "
		"AND s.category = 'resolved')"
		REPORT_SCOPE_SQL,
	[PERF_WORST_LIGHTS] =
		"SELECT COUNT(*), SUM(t.worst_response = 2), SUM(t.worst_response = 1), "
		"SUM(t.worst_supplier = 2), SUM(t.worst_supplier = 1), "
		"SUM(t.worst_communication = 2), SUM(t.worst_communication = 1) "
		"FROM report_tickets t FORCE INDEX (report_tickets_created) "
		"WHERE t.tenant_id = ? AND t.created_at >= FROM_UNIXTIME(?) AND t.created_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL,
	[PERF_BREACH_AGENTS] =
		"SELECT COALESCE(b.assignee_id, 0), COALESCE(MAX(u.name), ''), COUNT(*) "
		"FROM light_breaches b FORCE INDEX (light_breaches_tenant_time) "
		"JOIN report_tickets t FORCE INDEX (PRIMARY) ON t.ticket_id = b.ticket_id AND t.tenant_id = b.tenant_id "
		"LEFT JOIN users u ON u.id = b.assignee_id AND u.tenant_id = b.tenant_id "
		"WHERE b.tenant_id = ? AND b.colour = 'red' "
		"AND b.turned_at >= FROM_UNIXTIME(?) AND b.turned_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL
		"GROUP BY b.assignee_id ORDER BY COUNT(*) DESC, b.assignee_id IS NULL, MAX(u.name)",
	[PERF_BREACH_TEAMS] =
		"SELECT COALESCE(t.team_id, p.team_id, 0) AS team, COALESCE(MAX(tm.name), ''), COUNT(*) "
		"FROM light_breaches b FORCE INDEX (light_breaches_tenant_time) "
		"JOIN report_tickets t FORCE INDEX (PRIMARY) ON t.ticket_id = b.ticket_id AND t.tenant_id = b.tenant_id "
		"JOIN pipelines p ON p.id = t.pipeline_id AND p.tenant_id = t.tenant_id "
		"LEFT JOIN teams tm ON tm.id = COALESCE(t.team_id, p.team_id) AND tm.tenant_id = p.tenant_id "
		"WHERE b.tenant_id = ? AND b.colour = 'red' "
		"AND b.turned_at >= FROM_UNIXTIME(?) AND b.turned_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL
		"GROUP BY team ORDER BY COUNT(*) DESC, team = 0, MAX(tm.name)",
	[PERF_SUPPLIER_ANSWERS] =
		"SELECT r.supplier_id, s.name, UNIX_TIMESTAMP(r.opened_at), UNIX_TIMESTAMP(r.answered_at) "
		"FROM supplier_requests r FORCE INDEX (supplier_requests_tenant_answered) "
		"JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = r.ticket_id AND t.tenant_id = r.tenant_id "
		"JOIN suppliers s ON s.id = r.supplier_id AND s.tenant_id = r.tenant_id "
		"WHERE r.tenant_id = ? AND r.answered_at >= FROM_UNIXTIME(?) AND r.answered_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL_FOR("t.id")
		"ORDER BY s.name, r.supplier_id",
	/* Disabled staff too: their work in the range still counts (the rows of those with none are
	 * left out). */
	[PERF_STAFF] =
		"SELECT u.id, u.name, u.disabled FROM users u WHERE u.tenant_id = ? AND u.role <> 'customer' "
		"AND (? = 0 OR u.id = ?) "
		"AND (? = 0 OR u.id = ? OR u.id IN (SELECT m2.user_id FROM team_members m2 "
		"JOIN team_members m1 ON m1.tenant_id = m2.tenant_id AND m1.team_id = m2.team_id "
		"WHERE m2.tenant_id = ? AND m1.user_id = ?)) "
		"ORDER BY u.name, u.id",
	[PERF_MANAGER_TEAMS] = "SELECT COUNT(*) FROM team_members WHERE tenant_id = ? AND user_id = ?",
	/* One row per person and ticket they wrote on or moved, with the first and last time and
	 * their public notes' count, first and last time. A ticket counts as handled in [from, to)
	 * when the first or last touch is in it; only a person who worked on it both before and
	 * after the range needs a look at the notes and moves. Their public notes all count when
	 * the first and last are in the range, none when neither is; across a bound they are
	 * counted. The parameters: from, to (twice), from, to, from, to, from, to (three times) as
	 * text, then tenant, from, to. */
	[PERF_ACTIVITY] =
		ACTIVITY_SELECT
		"FROM report_touches t FORCE INDEX (report_touches_time) "
		"WHERE t.tenant_id = ? AND t.last_at >= FROM_UNIXTIME(?) AND t.first_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL
		"GROUP BY t.actor_id",
	[PERF_TEAMS] = "SELECT id, name FROM teams WHERE tenant_id = ? ORDER BY name, id",
	[PERF_CATEGORIES] = "SELECT id, name FROM categories WHERE tenant_id = ? ORDER BY name, id",
	[PERF_COMPANIES] = "SELECT id, name FROM companies WHERE tenant_id = ? ORDER BY name, id",
	[PERF_AGENTS] =
		"SELECT id, name FROM users WHERE tenant_id = ? AND role <> 'customer' AND disabled = 0 "
		"AND (? = 0 OR id = ?) ORDER BY name, id",
	[PERF_FIRST_RESPONSES_ALL] =
		"SELECT " SECONDS("t.created_at") ", " SECONDS("t.first_reply_at") ", t.first_reply_by "
		"FROM report_tickets t FORCE INDEX (report_tickets_first_reply_by) "
		"WHERE t.tenant_id = ? AND t.first_reply_at >= FROM_UNIXTIME(?) AND t.first_reply_at < FROM_UNIXTIME(?)",
	/* One range of (tenant, key, time) per resolved status key. */
	[PERF_RESOLUTIONS_ALL] =
		"SELECT " SECONDS("t.created_at") ", " SECONDS("t.moved_at") " "
		"FROM report_moves t FORCE INDEX (report_moves_key_time) "
		"WHERE t.tenant_id = ? AND t.to_key IN " REPORT_RESOLVED_IN " "
		"AND t.moved_at >= FROM_UNIXTIME(?) AND t.moved_at < FROM_UNIXTIME(?)",
	[PERF_WORST_LIGHTS_ALL] =
		"SELECT COUNT(*), SUM(t.worst_response = 2), SUM(t.worst_response = 1), "
		"SUM(t.worst_supplier = 2), SUM(t.worst_supplier = 1), "
		"SUM(t.worst_communication = 2), SUM(t.worst_communication = 1) "
		"FROM report_tickets t FORCE INDEX (report_tickets_created_worst) "
		"WHERE t.tenant_id = ? AND t.created_at >= FROM_UNIXTIME(?) AND t.created_at < FROM_UNIXTIME(?)",
};
// clang-format on

/* The parameters of statement st: lead[0..nlead) and the scope's filter, or, when the scope
 * filters nothing and st_all is given, st_all's; the resolved statuses' keys follow lead[0] when
 * keys is given (see report_resolved_keys; the caller passes none when there are more than
 * bind). Returns the statement to run and sets *n. */
static enum perf_stmt params_for(const struct report_scope *s, enum perf_stmt st, enum perf_stmt st_all,
                                 const long long *lead, size_t nlead, const struct db_param *keys, struct db_param *p,
                                 size_t *n)
{
	bool all = st_all != PERF_STMT__MAX && report_scope_unfiltered(s);

	*n = 0;
	for (size_t i = 0; i < nlead; i++) {
		p[(*n)++] = (struct db_param){.type = 'i', .i = lead[i]};
		if (i == 0 && keys != NULL)
			for (size_t k = 0; k < REPORT_RESOLVED_KEYS; k++)
				p[(*n)++] = keys[k];
	}
	if (all)
		return st_all;
	*n += report_scope_params(s, p + *n);
	return st;
}

/* The room params_for needs. */
#define PERF_PARAMS (16 + REPORT_RESOLVED_KEYS + REPORT_SCOPE_PARAMS)

/* Runs statement st with the leading parameters lead[0..nlead) and the scope's filter. */
static int query(struct request *r, const struct report_scope *s, enum perf_stmt st, const long long *lead,
                 size_t nlead, struct db_rows *rows)
{
	struct db_param p[PERF_PARAMS];
	size_t n;

	st = params_for(s, st, PERF_STMT__MAX, lead, nlead, NULL, p, &n);
	return db_query_params(r->db, r->a, perf_sql[st], rows, p, n);
}

/* Runs statement st, or st_all over the narrow indexes when the scope filters nothing (see
 * params_for). */
static int query_fast(struct request *r, const struct report_scope *s, enum perf_stmt st, enum perf_stmt st_all,
                      const long long *lead, size_t nlead, struct db_rows *rows)
{
	struct db_param p[PERF_PARAMS];
	size_t n;

	st = params_for(s, st, st_all, lead, nlead, NULL, p, &n);
	return db_query_params(r->db, r->a, perf_sql[st], rows, p, n);
}

/* The same for statements of integers only, read as such (db_query_ints). */
static int query_ints(struct request *r, const struct report_scope *s, enum perf_stmt st, enum perf_stmt st_all,
                      const long long *lead, size_t nlead, const struct db_param *keys, struct db_ints *out)
{
	struct db_param p[PERF_PARAMS];
	size_t n;

	st = params_for(s, st, st_all, lead, nlead, keys, p, &n);
	return db_query_ints(r->db, r->a, perf_sql[st], out, p, n);
}

/* Durations of a list of (start, end) pairs: calendar seconds and business seconds. */
struct durations {
	long long *calendar, *business;
	size_t n, nbusiness;
};

/* Widens [*lo, *hi] to hold every (start, end) pair of rows (columns start and start + 1). */
static void span_of(const struct db_ints *rows, size_t start, long long *lo, long long *hi)
{
	for (size_t i = 0; i < rows->nrows; i++) {
		long long a = rows->v[i * rows->ncols + start], b = rows->v[i * rows->ncols + start + 1];

		if (a < *lo)
			*lo = a;
		if ((b > a ? b : a) > *hi)
			*hi = b > a ? b : a;
	}
}

/* Cell col of row i. */
static long long cell(const struct db_ints *rows, size_t i, size_t col)
{
	return rows->v[i * rows->ncols + col];
}

/* The tenant's open hours over [lo, hi]; an empty span leaves every answer to calendar_between. */
static void index_span(struct request *r, struct calendar_index *ix, long long lo, long long hi)
{
	if (lo > hi || calendar_index_build(ix, r->a, &r->tenant->calendar, (time_t)lo, (time_t)hi) == -1) {
		memset(ix, 0, sizeof(*ix));
		ix->c = &r->tenant->calendar;
	}
}

static void durations_init(struct request *r, struct durations *d, size_t cap)
{
	d->calendar = arena_alloc(r->a, (cap + 1) * sizeof(long long));
	d->business = arena_alloc(r->a, (cap + 1) * sizeof(long long));
	d->n = d->nbusiness = 0;
}

/* Adds end - start, business seconds from the tenant's open hours in ix. */
static void durations_add(const struct calendar_index *ix, struct durations *d, long long start, long long end)
{
	long long business;

	if (end < start)
		end = start;
	d->calendar[d->n++] = end - start;
	business = calendar_index_between(ix, (time_t)start, (time_t)end);
	if (business >= 0)
		d->business[d->nbusiness++] = business;
}

static struct json_object *durations_json(struct durations *d)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "calendar", report_stats_json(d->calendar, d->n));
	json_object_object_add(o, "business", report_stats_json(d->business, d->nbusiness));
	return o;
}

int report_times(struct request *r)
{
	struct report_scope s;
	struct db_ints fr, rs;
	struct durations first, resolution;
	struct calendar_index ix;
	long long lo = LLONG_MAX, hi = LLONG_MIN;
	int status;

	if ((status = report_scope_read(r, &s, true)) != 0)
		return status;
	{
		long long lead[] = {s.tenant_id, s.from, s.to};
		struct db_param keys[REPORT_RESOLVED_KEYS];
		int nkeys = 0;

		bool many;

		if ((nkeys = report_resolved_keys(r, keys)) == -1)
			return 500;
		many = nkeys > REPORT_RESOLVED_KEYS;
		if (query_ints(r, &s, PERF_FIRST_RESPONSES, PERF_FIRST_RESPONSES_ALL, lead, 3, NULL, &fr) == -1 ||
		    query_ints(r, &s, many ? PERF_RESOLUTIONS_MANY : PERF_RESOLUTIONS,
		               many ? PERF_STMT__MAX : PERF_RESOLUTIONS_ALL, lead, 3, many ? NULL : keys, &rs) == -1)
			return 500;
	}
	durations_init(r, &first, fr.nrows);
	durations_init(r, &resolution, rs.nrows);
	span_of(&fr, 0, &lo, &hi);
	span_of(&rs, 0, &lo, &hi);
	index_span(r, &ix, lo, hi);
	for (size_t i = 0; i < fr.nrows; i++)
		durations_add(&ix, &first, cell(&fr, i, 0), cell(&fr, i, 1));
	for (size_t i = 0; i < rs.nrows; i++)
		durations_add(&ix, &resolution, cell(&rs, i, 0), cell(&rs, i, 1));
	if (s.csv) {
		struct buf b;

		buf_init(&b);
		buf_puts(&b, "measure,time,count,mean_seconds,median_seconds,p90_seconds\r\n");
		buf_puts(&b, "first_response,calendar,");
		report_stats_csv(&b, first.calendar, first.n);
		buf_puts(&b, "\r\nfirst_response,business,");
		report_stats_csv(&b, first.business, first.nbusiness);
		buf_puts(&b, "\r\nresolution,calendar,");
		report_stats_csv(&b, resolution.calendar, resolution.n);
		buf_puts(&b, "\r\nresolution,business,");
		report_stats_csv(&b, resolution.business, resolution.nbusiness);
		buf_puts(&b, "\r\n");
		return report_send_csv(r, &b, "response-resolution-times.csv");
	}
	{
		struct json_object *out = report_head_json(r, &s);

		json_object_object_add(out, "first_response", durations_json(&first));
		json_object_object_add(out, "resolution", durations_json(&resolution));
		return response_json(r, 200, out);
	}
}

/* One decimal of a percentage, as text, so JSON carries exactly what the table shows. */
static struct json_object *percent_json(struct request *r, long long part, long long whole)
{
	char *text = arena_alloc(r->a, 48);
	long long tenths = whole > 0 ? (part * 1000 + whole / 2) / whole : 0;

	snprintf(text, 48, "%lld.%lld", tenths / 10, tenths % 10);
	return json_object_new_double_s((double)tenths / 10.0, text);
}

int report_lights(struct request *r)
{
	struct report_scope s;
	struct db_rows worst, agents, teams;
	long long tickets, red[LEVEL__MAX] = {0}, amber[LEVEL__MAX] = {0};
	int status;

	if ((status = report_scope_read(r, &s, true)) != 0)
		return status;
	{
		long long lead[] = {s.tenant_id, s.from, s.to};

		if (query_fast(r, &s, PERF_WORST_LIGHTS, PERF_WORST_LIGHTS_ALL, lead, 3, &worst) == -1 ||
		    query(r, &s, PERF_BREACH_AGENTS, lead, 3, &agents) == -1 ||
		    query(r, &s, PERF_BREACH_TEAMS, lead, 3, &teams) == -1)
			return 500;
	}
	/* One row: the count, then red and amber of each level in order (NULL sums are 0). */
	tickets = db_cell_ll(&worst, 0, 0);
	for (int l = 0; l < LEVEL__MAX && l < 3; l++) {
		red[l] = db_cell_ll(&worst, 0, 1 + 2 * l);
		amber[l] = db_cell_ll(&worst, 0, 2 + 2 * l);
	}
	if (s.csv) {
		struct buf b;

		buf_init(&b);
		buf_puts(&b, "dimension,key,label,tickets,green,amber,red\r\n");
		for (int l = 0; l < LEVEL__MAX; l++)
			buf_printf(&b, "level,%d,%s,%lld,%lld,%lld,%lld\r\n", l + 1,
			           light_level_name((enum light_level)l), tickets, tickets - amber[l] - red[l],
			           amber[l], red[l]);
		for (int which = 0; which < 2; which++) {
			const struct db_rows *rows = which ? &teams : &agents;

			for (size_t i = 0; i < rows->nrows; i++) {
				buf_puts(&b, which ? "team_breaches," : "agent_breaches,");
				csv_field(&b, db_cell(rows, i, 0));
				buf_putc(&b, ',');
				csv_field(&b, db_cell_ll(rows, i, 0) == 0 ? (which ? "No team" : "Unassigned")
				                                          : db_cell(rows, i, 1));
				buf_printf(&b, ",,,,%lld\r\n", db_cell_ll(rows, i, 2));
			}
		}
		return report_send_csv(r, &b, "lights.csv");
	}
	{
		struct json_object *out = report_head_json(r, &s), *levels = json_object_new_array();

		json_add_int(out, "tickets", tickets);
		for (int l = 0; l < LEVEL__MAX; l++) {
			struct json_object *o = json_object_new_object();
			long long green = tickets - amber[l] - red[l];

			json_add_int(o, "level", l + 1);
			json_add_str(o, "name", light_level_name((enum light_level)l));
			json_add_int(o, "green", green);
			json_add_int(o, "amber", amber[l]);
			json_add_int(o, "red", red[l]);
			json_object_object_add(o, "green_pct", percent_json(r, green, tickets));
			json_object_object_add(o, "amber_pct", percent_json(r, amber[l], tickets));
			json_object_object_add(o, "red_pct", percent_json(r, red[l], tickets));
			json_object_array_add(levels, o);
		}
		json_object_object_add(out, "levels", levels);
		for (int which = 0; which < 2; which++) {
			const struct db_rows *rows = which ? &teams : &agents;
			struct json_object *arr = json_object_new_array();

			for (size_t i = 0; i < rows->nrows; i++) {
				struct json_object *o = json_object_new_object();

				if (db_cell_ll(rows, i, 0) == 0)
					json_add_null(o, "id");
				else
					json_add_int(o, "id", db_cell_ll(rows, i, 0));
				json_add_str(o, "name",
				             db_cell_ll(rows, i, 0) == 0 ? (which ? "No team" : "Unassigned")
				                                         : db_cell(rows, i, 1));
				json_add_int(o, "red", db_cell_ll(rows, i, 2));
				json_object_array_add(arr, o);
			}
			json_object_object_add(out, which ? "breaches_by_team" : "breaches_by_agent", arr);
		}
		return response_json(r, 200, out);
	}
}

int report_suppliers(struct request *r)
{
	struct report_scope s;
	struct db_rows rows;
	struct calendar_index ix;
	long long lo = LLONG_MAX, hi = LLONG_MIN;
	struct buf b;
	struct json_object *out = NULL, *arr = NULL;
	int status;

	if ((status = report_scope_read(r, &s, true)) != 0)
		return status;
	{
		long long lead[] = {s.tenant_id, s.from, s.to};

		if (query(r, &s, PERF_SUPPLIER_ANSWERS, lead, 3, &rows) == -1)
			return 500;
	}
	buf_init(&b);
	if (s.csv)
		buf_puts(&b, "supplier_id,supplier,answered,mean_seconds,median_seconds,p90_seconds,"
		             "business_mean_seconds,business_median_seconds,business_p90_seconds\r\n");
	else {
		out = report_head_json(r, &s);
		arr = json_object_new_array();
	}
	for (size_t i = 0; i < rows.nrows; i++) {
		long long start = db_cell_ll(&rows, i, 2), end = db_cell_ll(&rows, i, 3);

		if (start < lo)
			lo = start;
		if ((end > start ? end : start) > hi)
			hi = end > start ? end : start;
	}
	index_span(r, &ix, lo, hi);
	/* Rows come grouped by supplier: one run per supplier. */
	for (size_t i = 0, j; i < rows.nrows; i = j) {
		struct durations d;

		for (j = i; j < rows.nrows && db_cell_ll(&rows, j, 0) == db_cell_ll(&rows, i, 0); j++)
			;
		durations_init(r, &d, j - i);
		for (size_t k = i; k < j; k++)
			durations_add(&ix, &d, db_cell_ll(&rows, k, 2), db_cell_ll(&rows, k, 3));
		if (s.csv) {
			csv_field(&b, db_cell(&rows, i, 0));
			buf_putc(&b, ',');
			csv_field(&b, db_cell(&rows, i, 1));
			buf_putc(&b, ',');
			report_stats_csv(&b, d.calendar, d.n);
			/* The count is already in the row once. */
			{
				struct buf tail;
				const char *comma;

				buf_init(&tail);
				report_stats_csv(&tail, d.business, d.nbusiness);
				comma = strchr(tail.data, ',');
				buf_puts(&b, comma != NULL ? comma : ",,,");
				buf_release(&tail);
			}
			csv_end(&b);
		} else {
			struct json_object *o = durations_json(&d);

			json_add_int(o, "supplier_id", db_cell_ll(&rows, i, 0));
			json_add_str(o, "supplier", db_cell(&rows, i, 1));
			json_object_array_add(arr, o);
		}
	}
	if (s.csv)
		return report_send_csv(r, &b, "supplier-response-times.csv");
	buf_release(&b);
	json_object_object_add(out, "data", arr);
	return response_json(r, 200, out);
}

/* Column col for user id in rows that start with the user id; 0 when absent. */
static long long count_for(const struct db_rows *rows, long long id, int col)
{
	for (size_t i = 0; i < rows->nrows; i++)
		if (db_cell_ll(rows, i, 0) == id)
			return db_cell_ll(rows, i, col);
	return 0;
}

/* A duration and whose it is, sorted by person and then by duration so each person's run is
 * in order for their median. */
struct owned {
	long long who, seconds;
};

/* The run of who's durations in v[0..n), sorted as above: *first and the count. */
static size_t owned_run(const struct owned *v, size_t n, long long who, size_t *first)
{
	size_t lo = 0, hi = n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].who < who)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && v[end].who == who; end++)
		;
	*first = lo;
	return end - lo;
}

/* The nearest-rank median of a run of n > 0 sorted durations. */
static long long owned_median(const struct owned *run, size_t n)
{
	size_t rank = (50 * n + 99) / 100;

	return run[rank < 1 ? 0 : rank - 1].seconds;
}

/* The most staff rows whose activity is read by person (activity_of). */
#define ACTIVITY_PEOPLE_MAX 1024

/* The instant t as UTC text, YYYY-MM-DD HH:MM:SS, into out (20 bytes). */
static void utc_text(time_t t, char *out)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Per person shown in staff (its first column): tickets handled and public notes in s's range,
 * PERF_ACTIVITY's rows. It reads the staff's touches only (customers write about half the
 * notes): one range of (tenant, person, last touch) per person, the filter read in the index,
 * in a list as long as the next power of two from 8 (the last id repeated), so a handful of
 * texts serve every tenant; over ACTIVITY_PEOPLE_MAX people, PERF_ACTIVITY. Returns 0 or -1. */
static int activity_of(struct request *r, const struct report_scope *s, const struct db_rows *staff,
                       struct db_rows *activity)
{
	char from[20], to[20];
	size_t width = 8, n = 0;
	bool by_person = staff->nrows <= ACTIVITY_PEOPLE_MAX, filtered = !report_scope_unfiltered(s);
	struct db_param *p;
	struct buf sql;
	int rc;

	if (by_person && staff->nrows == 0) {
		memset(activity, 0, sizeof(*activity));
		return 0;
	}
	while (by_person && width < staff->nrows)
		width *= 2;
	p = arena_alloc(r->a, (width + 15 + REPORT_SCOPE_PARAMS) * sizeof(*p));
	utc_text((time_t)s->from, from);
	utc_text((time_t)s->to, to);
	for (size_t i = 0; i < 12; i++)
		p[n++] = (struct db_param){.type = 's', .s = i % 2 == 0 ? from : to};
	p[n++] = (struct db_param){.type = 'i', .i = s->tenant_id};
	if (!by_person) {
		p[n++] = (struct db_param){.type = 'i', .i = s->from};
		p[n++] = (struct db_param){.type = 'i', .i = s->to};
		n += report_scope_params(s, p + n);
		return db_query_params(r->db, r->a, perf_sql[PERF_ACTIVITY], activity, p, n);
	}
	for (size_t i = 0; i < width; i++)
		p[n++] = (struct db_param){.type = 'i',
		                           .i = db_cell_ll(staff, i < staff->nrows ? i : staff->nrows - 1, 0)};
	p[n++] = (struct db_param){.type = 'i', .i = s->from};
	p[n++] = (struct db_param){.type = 'i', .i = s->to};
	buf_init(&sql);
	buf_puts(&sql, ACTIVITY_SELECT "FROM report_touches t FORCE INDEX (report_touches_actor) "
	                               "WHERE t.tenant_id = ? AND t.actor_id IN (?");
	for (size_t i = 1; i < width; i++)
		buf_puts(&sql, ", ?");
	buf_puts(&sql, ") AND t.last_at >= FROM_UNIXTIME(?) AND t.first_at < FROM_UNIXTIME(?)");
	if (filtered) {
		buf_puts(&sql, REPORT_SCOPE_SQL);
		n += report_scope_params(s, p + n);
	}
	buf_puts(&sql, " GROUP BY t.actor_id");
	rc = db_query_params(r->db, r->a, sql.data, activity, p, n);
	buf_release(&sql);
	return rc;
}

int report_agents(struct request *r)
{
	struct report_scope s, tickets_scope;
	struct db_rows staff, activity, breaches, in_team;
	struct db_ints first;
	long long manager_teams = 0, lo = LLONG_MAX, hi = LLONG_MIN;
	struct calendar_index ix;
	struct owned *calendar, *business;
	size_t ncalendar = 0, nbusiness = 0;
	struct buf b;
	struct json_object *out = NULL, *arr = NULL;
	int status;

	if ((status = report_scope_read(r, &s, true)) != 0)
		return status;
	/* The agent filter picks a row, not tickets: an agent's figures cover every ticket they
	 * worked, whoever holds it now. */
	tickets_scope = s;
	tickets_scope.agent = 0;
	if (r->user->role == ROLE_MANAGER) {
		if (db_query(r->db, r->a, perf_sql[PERF_MANAGER_TEAMS], &in_team, "ii", s.tenant_id, s.user_id) == -1)
			return 500;
		manager_teams = db_cell_ll(&in_team, 0, 0) > 0;
	}
	{
		long long range[] = {s.tenant_id, s.from, s.to};

		/* A manager in teams sees the rows of those teams' members; admins and managers in
		 * no team see every staff member. */
		if (db_query(r->db, r->a, perf_sql[PERF_STAFF], &staff, "iiiiiii", s.tenant_id, s.agent, s.agent,
		             manager_teams, s.user_id, s.tenant_id, s.user_id) == -1 ||
		    activity_of(r, &tickets_scope, &staff, &activity) == -1 ||
		    query_ints(r, &tickets_scope, PERF_FIRST_RESPONSES, PERF_FIRST_RESPONSES_ALL, range, 3, NULL,
		               &first) == -1 ||
		    query(r, &tickets_scope, PERF_BREACH_AGENTS, range, 3, &breaches) == -1)
			return 500;
	}
	buf_init(&b);
	if (s.csv)
		buf_puts(&b, "agent_id,agent,tickets_handled,public_replies,first_responses,"
		             "median_first_response_seconds,median_first_response_business_seconds,breaches\r\n");
	else {
		out = report_head_json(r, &s);
		arr = json_object_new_array();
	}
	/* Every first response once, sorted by who gave it: each person's median is a lookup. */
	span_of(&first, 0, &lo, &hi);
	index_span(r, &ix, lo, hi);
	calendar = arena_alloc(r->a, (first.nrows + 1) * sizeof(*calendar));
	business = arena_alloc(r->a, (first.nrows + 1) * sizeof(*business));
	for (size_t k = 0; k < first.nrows; k++) {
		struct durations one;
		long long c, bs;

		one.calendar = &c;
		one.business = &bs;
		one.n = one.nbusiness = 0;
		durations_add(&ix, &one, cell(&first, k, 0), cell(&first, k, 1));
		calendar[ncalendar++] = (struct owned){cell(&first, k, 2), c};
		if (one.nbusiness == 1)
			business[nbusiness++] = (struct owned){cell(&first, k, 2), bs};
	}
	/* By duration, then (stably) by person: by person and duration. */
	report_sort(calendar, ncalendar, sizeof(*calendar), offsetof(struct owned, seconds));
	report_sort(calendar, ncalendar, sizeof(*calendar), offsetof(struct owned, who));
	report_sort(business, nbusiness, sizeof(*business), offsetof(struct owned, seconds));
	report_sort(business, nbusiness, sizeof(*business), offsetof(struct owned, who));
	for (size_t i = 0; i < staff.nrows; i++) {
		long long id = db_cell_ll(&staff, i, 0);
		long long nhandled = count_for(&activity, id, 1), nreplies = count_for(&activity, id, 2);
		long long nbreaches = 0;
		size_t at_calendar, at_business;
		size_t nfirst = owned_run(calendar, ncalendar, id, &at_calendar),
		       nfirst_business = owned_run(business, nbusiness, id, &at_business);

		/* Breach rows are (assignee, name, count). */
		for (size_t k = 0; k < breaches.nrows; k++)
			if (db_cell_ll(&breaches, k, 0) == id)
				nbreaches = db_cell_ll(&breaches, k, 2);
		/* Someone who has left shows where they did something in the range. */
		if (db_cell_ll(&staff, i, 2) != 0 && nhandled == 0 && nreplies == 0 && nfirst == 0 && nbreaches == 0)
			continue;
		if (s.csv) {
			csv_field(&b, db_cell(&staff, i, 0));
			buf_putc(&b, ',');
			csv_field(&b, db_cell(&staff, i, 1));
			buf_printf(&b, ",%lld,%lld,%zu,", nhandled, nreplies, nfirst);
			if (nfirst > 0)
				buf_printf(&b, "%lld", owned_median(calendar + at_calendar, nfirst));
			buf_putc(&b, ',');
			if (nfirst_business > 0)
				buf_printf(&b, "%lld", owned_median(business + at_business, nfirst_business));
			buf_printf(&b, ",%lld\r\n", nbreaches);
		} else {
			struct json_object *o = json_object_new_object();

			json_add_int(o, "id", id);
			json_add_str(o, "name", db_cell(&staff, i, 1));
			json_add_int(o, "tickets_handled", nhandled);
			json_add_int(o, "public_replies", nreplies);
			json_add_int(o, "first_responses", (long long)nfirst);
			if (nfirst > 0)
				json_add_int(o, "median_first_response", owned_median(calendar + at_calendar, nfirst));
			else
				json_add_null(o, "median_first_response");
			if (nfirst_business > 0)
				json_add_int(o, "median_first_response_business",
				             owned_median(business + at_business, nfirst_business));
			else
				json_add_null(o, "median_first_response_business");
			json_add_int(o, "breaches", nbreaches);
			json_object_array_add(arr, o);
		}
	}
	if (s.csv)
		return report_send_csv(r, &b, "agents.csv");
	buf_release(&b);
	json_object_object_add(out, "data", arr);
	return response_json(r, 200, out);
}

/* rows of (id, name) as [{"id","name"}]. */
static struct json_object *choices_json(const struct db_rows *rows)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < rows->nrows; i++) {
		struct json_object *o = json_object_new_object();

		json_add_int(o, "id", db_cell_ll(rows, i, 0));
		json_add_str(o, "name", db_cell(rows, i, 1));
		json_object_array_add(arr, o);
	}
	return arr;
}

int report_filters(struct request *r)
{
	long long tid = r->tenant->id, me = r->user->role == ROLE_AGENT ? r->user->user_id : 0;
	struct db_rows teams, categories, companies, agents;
	struct json_object *out, *pipelines;
	static const char *const priorities[] = {"low", "normal", "high", "urgent"};

	if (db_query(r->db, r->a, perf_sql[PERF_TEAMS], &teams, "i", tid) == -1 ||
	    db_query(r->db, r->a, perf_sql[PERF_CATEGORIES], &categories, "i", tid) == -1 ||
	    db_query(r->db, r->a, perf_sql[PERF_COMPANIES], &companies, "i", tid) == -1 ||
	    db_query(r->db, r->a, perf_sql[PERF_AGENTS], &agents, "iii", tid, me, me) == -1)
		return 500;
	out = json_object_new_object();
	pipelines = json_object_new_array();
	for (size_t i = 0; i < r->tenant->npipelines; i++) {
		struct json_object *o = json_object_new_object();

		json_add_int(o, "id", r->tenant->pipelines[i].id);
		json_add_str(o, "name", r->tenant->pipelines[i].name);
		json_object_array_add(pipelines, o);
	}
	json_object_object_add(out, "pipelines", pipelines);
	json_object_object_add(out, "teams", choices_json(&teams));
	json_object_object_add(out, "agents", choices_json(&agents));
	{
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < 4; i++)
			json_object_array_add(arr, json_object_new_string(priorities[i]));
		json_object_object_add(out, "priorities", arr);
	}
	json_object_object_add(out, "categories", choices_json(&categories));
	json_object_object_add(out, "companies", choices_json(&companies));
	return response_json(r, 200, out);
}
