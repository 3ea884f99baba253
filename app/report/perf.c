/* perf: how well the service performed over a range — response and resolution times, the
 * lights, suppliers and agents. Every statement is scoped by tenant_id and driven by an index
 * on (tenant_id, time); durations are gathered per row and summed up here, where the tenant's
 * business calendar is. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	PERF_RESOLUTIONS,      /* moves into a resolved status made in the range */
	PERF_TICKETS,          /* tickets created in the range */
	PERF_WORST_LIGHTS,     /* per level: of those, how many went red, how many amber only */
	PERF_BREACH_AGENTS,    /* reds in the range per assignee at the time */
	PERF_BREACH_TEAMS,     /* reds in the range per team of the ticket's pipeline */
	PERF_SUPPLIER_ANSWERS, /* supplier requests answered in the range */
	PERF_STAFF,            /* the staff whose rows the caller may see */
	PERF_MANAGER_TEAMS,    /* does the manager belong to a team */
	PERF_HANDLED,          /* distinct tickets each staff member wrote on or moved in the range */
	PERF_REPLIES,          /* public notes per author in the range */
	PERF_TEAMS,            /* filter choices: teams */
	PERF_CATEGORIES,       /* filter choices: categories */
	PERF_COMPANIES,        /* filter choices: customer companies */
	PERF_AGENTS,           /* filter choices: staff */
	PERF_STMT__MAX
};

/* Every statement reads one range of an index that starts with tenant_id and a time, and
 * joins the ticket by its primary key for the filter (REPORT_SCOPE_SQL). A first public reply
 * by staff is one with no earlier public staff note on its ticket (rules write internal notes
 * with no author, customers' notes do not count). */
// clang-format off
static const char *const perf_sql[PERF_STMT__MAX] = {
	[PERF_FIRST_RESPONSES] =
		"SELECT UNIX_TIMESTAMP(t.created_at), UNIX_TIMESTAMP(n.created_at), n.author_id "
		"FROM notes n FORCE INDEX (notes_tenant_created) "
		"JOIN users u ON u.id = n.author_id AND u.tenant_id = n.tenant_id "
		"JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = n.ticket_id AND t.tenant_id = n.tenant_id "
		"WHERE n.tenant_id = ? AND n.created_at >= FROM_UNIXTIME(?) AND n.created_at < FROM_UNIXTIME(?) "
		"AND n.visibility = 'public' AND u.role <> 'customer' "
		"AND NOT EXISTS (SELECT 1 FROM notes e JOIN users eu ON eu.id = e.author_id AND eu.tenant_id = e.tenant_id "
		"WHERE e.tenant_id = n.tenant_id AND e.ticket_id = n.ticket_id AND e.visibility = 'public' "
		"AND eu.role <> 'customer' "
		"AND (e.created_at < n.created_at OR (e.created_at = n.created_at AND e.id < n.id)))"
		REPORT_SCOPE_SQL,
	[PERF_RESOLUTIONS] =
		"SELECT UNIX_TIMESTAMP(t.created_at), UNIX_TIMESTAMP(e.created_at) "
		"FROM ticket_events e FORCE INDEX (ticket_events_tenant_kind_time) "
		"JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = e.ticket_id AND t.tenant_id = e.tenant_id "
		"WHERE e.tenant_id = ? AND e.kind = 'status_changed' "
		"AND e.created_at >= FROM_UNIXTIME(?) AND e.created_at < FROM_UNIXTIME(?) "
		"AND EXISTS (SELECT 1 FROM statuses s WHERE s.tenant_id = e.tenant_id "
		"AND s.skey = JSON_VALUE(e.data, '$.to') AND s.category = 'resolved')"
		REPORT_SCOPE_SQL,
	[PERF_TICKETS] =
		"SELECT COUNT(*) FROM tickets t FORCE INDEX (tickets_tenant_created) "
		"WHERE t.tenant_id = ? AND t.created_at >= FROM_UNIXTIME(?) AND t.created_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL,
	[PERF_WORST_LIGHTS] =
		"SELECT w.level, SUM(w.red), SUM(1 - w.red) FROM ("
		"SELECT b.level, b.ticket_id, MAX(b.colour = 'red') AS red "
		"FROM tickets t FORCE INDEX (tickets_tenant_created) "
		"JOIN light_breaches b ON b.tenant_id = t.tenant_id AND b.ticket_id = t.id "
		"WHERE t.tenant_id = ? AND t.created_at >= FROM_UNIXTIME(?) AND t.created_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL
		"GROUP BY b.level, b.ticket_id) w GROUP BY w.level",
	[PERF_BREACH_AGENTS] =
		"SELECT COALESCE(b.assignee_id, 0), COALESCE(MAX(u.name), ''), COUNT(*) "
		"FROM light_breaches b FORCE INDEX (light_breaches_tenant_time) "
		"JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = b.ticket_id AND t.tenant_id = b.tenant_id "
		"LEFT JOIN users u ON u.id = b.assignee_id AND u.tenant_id = b.tenant_id "
		"WHERE b.tenant_id = ? AND b.colour = 'red' "
		"AND b.turned_at >= FROM_UNIXTIME(?) AND b.turned_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL
		"GROUP BY b.assignee_id ORDER BY COUNT(*) DESC, b.assignee_id IS NULL, MAX(u.name)",
	[PERF_BREACH_TEAMS] =
		"SELECT COALESCE(t.team_id, p.team_id, 0) AS team, COALESCE(MAX(tm.name), ''), COUNT(*) "
		"FROM light_breaches b FORCE INDEX (light_breaches_tenant_time) "
		"JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = b.ticket_id AND t.tenant_id = b.tenant_id "
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
		REPORT_SCOPE_SQL
		"ORDER BY s.name, r.supplier_id",
	[PERF_STAFF] =
		"SELECT u.id, u.name FROM users u WHERE u.tenant_id = ? AND u.role <> 'customer' AND u.disabled = 0 "
		"AND (? = 0 OR u.id = ?) "
		"AND (? = 0 OR u.id = ? OR u.id IN (SELECT m2.user_id FROM team_members m2 "
		"JOIN team_members m1 ON m1.tenant_id = m2.tenant_id AND m1.team_id = m2.team_id "
		"WHERE m2.tenant_id = ? AND m1.user_id = ?)) "
		"ORDER BY u.name, u.id",
	[PERF_MANAGER_TEAMS] = "SELECT COUNT(*) FROM team_members WHERE tenant_id = ? AND user_id = ?",
	[PERF_HANDLED] =
		"SELECT x.actor_id, COUNT(DISTINCT x.ticket_id) FROM ("
		"SELECT n.author_id AS actor_id, n.ticket_id, n.tenant_id FROM notes n FORCE INDEX (notes_tenant_created) "
		"WHERE n.tenant_id = ? AND n.created_at >= FROM_UNIXTIME(?) AND n.created_at < FROM_UNIXTIME(?) "
		"UNION ALL "
		"SELECT e.actor_id, e.ticket_id, e.tenant_id FROM ticket_events e "
		"FORCE INDEX (ticket_events_tenant_kind_time) "
		"WHERE e.tenant_id = ? AND e.kind = 'status_changed' "
		"AND e.created_at >= FROM_UNIXTIME(?) AND e.created_at < FROM_UNIXTIME(?)) x "
		"JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = x.ticket_id AND t.tenant_id = x.tenant_id "
		"WHERE x.actor_id IS NOT NULL"
		REPORT_SCOPE_SQL
		"GROUP BY x.actor_id",
	[PERF_REPLIES] =
		"SELECT n.author_id, COUNT(*) FROM notes n FORCE INDEX (notes_tenant_created) "
		"JOIN tickets t FORCE INDEX (PRIMARY) ON t.id = n.ticket_id AND t.tenant_id = n.tenant_id "
		"WHERE n.tenant_id = ? AND n.visibility = 'public' "
		"AND n.created_at >= FROM_UNIXTIME(?) AND n.created_at < FROM_UNIXTIME(?)"
		REPORT_SCOPE_SQL
		"GROUP BY n.author_id",
	[PERF_TEAMS] = "SELECT id, name FROM teams WHERE tenant_id = ? ORDER BY name, id",
	[PERF_CATEGORIES] = "SELECT id, name FROM categories WHERE tenant_id = ? ORDER BY name, id",
	[PERF_COMPANIES] = "SELECT id, name FROM companies WHERE tenant_id = ? ORDER BY name, id",
	[PERF_AGENTS] =
		"SELECT id, name FROM users WHERE tenant_id = ? AND role <> 'customer' AND disabled = 0 "
		"AND (? = 0 OR id = ?) ORDER BY name, id",
};
// clang-format on

/* Runs statement st with the leading parameters lead[0..nlead) and the scope's filter. */
static int query(struct request *r, const struct report_scope *s, enum perf_stmt st, const long long *lead,
                 size_t nlead, struct db_rows *rows)
{
	struct db_param p[8 + REPORT_SCOPE_PARAMS];
	size_t n = 0;

	for (size_t i = 0; i < nlead; i++)
		p[n++] = (struct db_param){.type = 'i', .i = lead[i]};
	n += report_scope_params(s, p + n);
	return db_query_params(r->db, r->a, perf_sql[st], rows, p, n);
}

/* Durations of a list of (start, end) pairs: calendar seconds and business seconds. */
struct durations {
	long long *calendar, *business;
	size_t n, nbusiness;
};

static void durations_init(struct request *r, struct durations *d, size_t cap)
{
	d->calendar = arena_alloc(r->a, (cap + 1) * sizeof(long long));
	d->business = arena_alloc(r->a, (cap + 1) * sizeof(long long));
	d->n = d->nbusiness = 0;
}

/* Adds end - start; TZ must already be the tenant's zone (calendar_zone_enter). */
static void durations_add(struct request *r, struct durations *d, long long start, long long end)
{
	long long business;

	if (end < start)
		end = start;
	d->calendar[d->n++] = end - start;
	business = calendar_between(&r->tenant->calendar, (time_t)start, (time_t)end);
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
	struct db_rows fr, rs;
	struct durations first, resolution;
	struct calendar_zone zone;
	int status;

	if ((status = report_scope_read(r, &s, true)) != 0)
		return status;
	{
		long long lead[] = {s.tenant_id, s.from, s.to};

		if (query(r, &s, PERF_FIRST_RESPONSES, lead, 3, &fr) == -1 ||
		    query(r, &s, PERF_RESOLUTIONS, lead, 3, &rs) == -1)
			return 500;
	}
	durations_init(r, &first, fr.nrows);
	durations_init(r, &resolution, rs.nrows);
	calendar_zone_enter(&zone, r->tenant->calendar.time_zone);
	for (size_t i = 0; i < fr.nrows; i++)
		durations_add(r, &first, db_cell_ll(&fr, i, 0), db_cell_ll(&fr, i, 1));
	for (size_t i = 0; i < rs.nrows; i++)
		durations_add(r, &resolution, db_cell_ll(&rs, i, 0), db_cell_ll(&rs, i, 1));
	calendar_zone_leave(&zone);
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
	struct db_rows total, worst, agents, teams;
	long long tickets, red[LEVEL__MAX] = {0}, amber[LEVEL__MAX] = {0};
	int status;

	if ((status = report_scope_read(r, &s, true)) != 0)
		return status;
	{
		long long lead[] = {s.tenant_id, s.from, s.to};

		if (query(r, &s, PERF_TICKETS, lead, 3, &total) == -1 ||
		    query(r, &s, PERF_WORST_LIGHTS, lead, 3, &worst) == -1 ||
		    query(r, &s, PERF_BREACH_AGENTS, lead, 3, &agents) == -1 ||
		    query(r, &s, PERF_BREACH_TEAMS, lead, 3, &teams) == -1)
			return 500;
	}
	tickets = db_cell_ll(&total, 0, 0);
	for (size_t i = 0; i < worst.nrows; i++) {
		long long level = db_cell_ll(&worst, i, 0);

		if (level >= 1 && level <= LEVEL__MAX) {
			red[level - 1] = db_cell_ll(&worst, i, 1);
			amber[level - 1] = db_cell_ll(&worst, i, 2);
		}
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
	struct calendar_zone zone;
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
	calendar_zone_enter(&zone, r->tenant->calendar.time_zone);
	/* Rows come grouped by supplier: one run per supplier. */
	for (size_t i = 0, j; i < rows.nrows; i = j) {
		struct durations d;

		for (j = i; j < rows.nrows && db_cell_ll(&rows, j, 0) == db_cell_ll(&rows, i, 0); j++)
			;
		durations_init(r, &d, j - i);
		for (size_t k = i; k < j; k++)
			durations_add(r, &d, db_cell_ll(&rows, k, 2), db_cell_ll(&rows, k, 3));
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
	calendar_zone_leave(&zone);
	if (s.csv)
		return report_send_csv(r, &b, "supplier-response-times.csv");
	buf_release(&b);
	json_object_object_add(out, "data", arr);
	return response_json(r, 200, out);
}

/* The count for user id in rows of (user id, count); 0 when absent. */
static long long count_for(const struct db_rows *rows, long long id)
{
	for (size_t i = 0; i < rows->nrows; i++)
		if (db_cell_ll(rows, i, 0) == id)
			return db_cell_ll(rows, i, 1);
	return 0;
}

int report_agents(struct request *r)
{
	struct report_scope s, tickets_scope;
	struct db_rows staff, handled, replies, first, breaches, in_team;
	long long manager_teams = 0;
	struct calendar_zone zone;
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
		long long range[] = {s.tenant_id, s.from, s.to},
		          twice[] = {s.tenant_id, s.from, s.to, s.tenant_id, s.from, s.to};

		/* A manager in teams sees the rows of those teams' members; admins and managers in
		 * no team see every staff member. */
		if (db_query(r->db, r->a, perf_sql[PERF_STAFF], &staff, "iiiiiii", s.tenant_id, s.agent, s.agent,
		             manager_teams, s.user_id, s.tenant_id, s.user_id) == -1 ||
		    query(r, &tickets_scope, PERF_HANDLED, twice, 6, &handled) == -1 ||
		    query(r, &tickets_scope, PERF_REPLIES, range, 3, &replies) == -1 ||
		    query(r, &tickets_scope, PERF_FIRST_RESPONSES, range, 3, &first) == -1 ||
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
	calendar_zone_enter(&zone, r->tenant->calendar.time_zone);
	for (size_t i = 0; i < staff.nrows; i++) {
		long long id = db_cell_ll(&staff, i, 0);
		long long nhandled = count_for(&handled, id), nreplies = count_for(&replies, id);
		long long nbreaches = 0;
		struct durations d;

		/* Breach rows are (assignee, name, count). */
		for (size_t k = 0; k < breaches.nrows; k++)
			if (db_cell_ll(&breaches, k, 0) == id)
				nbreaches = db_cell_ll(&breaches, k, 2);
		durations_init(r, &d, first.nrows);
		for (size_t k = 0; k < first.nrows; k++)
			if (db_cell_ll(&first, k, 2) == id)
				durations_add(r, &d, db_cell_ll(&first, k, 0), db_cell_ll(&first, k, 1));
		if (d.n > 1) {
			qsort(d.calendar, d.n, sizeof(long long), report_compare_ll);
			qsort(d.business, d.nbusiness, sizeof(long long), report_compare_ll);
		}
		if (s.csv) {
			csv_field(&b, db_cell(&staff, i, 0));
			buf_putc(&b, ',');
			csv_field(&b, db_cell(&staff, i, 1));
			buf_printf(&b, ",%lld,%lld,%zu,", nhandled, nreplies, d.n);
			if (d.n > 0)
				buf_printf(&b, "%lld", report_percentile(d.calendar, d.n, 50));
			buf_putc(&b, ',');
			if (d.nbusiness > 0)
				buf_printf(&b, "%lld", report_percentile(d.business, d.nbusiness, 50));
			buf_printf(&b, ",%lld\r\n", nbreaches);
		} else {
			struct json_object *o = json_object_new_object();

			json_add_int(o, "id", id);
			json_add_str(o, "name", db_cell(&staff, i, 1));
			json_add_int(o, "tickets_handled", nhandled);
			json_add_int(o, "public_replies", nreplies);
			json_add_int(o, "first_responses", (long long)d.n);
			if (d.n > 0)
				json_add_int(o, "median_first_response", report_percentile(d.calendar, d.n, 50));
			else
				json_add_null(o, "median_first_response");
			if (d.nbusiness > 0)
				json_add_int(o, "median_first_response_business",
				             report_percentile(d.business, d.nbusiness, 50));
			else
				json_add_null(o, "median_first_response_business");
			json_add_int(o, "breaches", nbreaches);
			json_object_array_add(arr, o);
		}
	}
	calendar_zone_leave(&zone);
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
