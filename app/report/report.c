/* report: aggregates over indexed columns; every statement is scoped by tenant_id. */
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

enum report_stmt {
	REPORT_BY_STATUS, /* open tickets per status */
	REPORT_BY_AGENT,  /* open tickets per assignee (0: unassigned) */
	REPORT_BY_AGE,    /* open tickets per age bucket */
	REPORT_CREATED,   /* tickets created per quarter hour in a range */
	REPORT_RESOLVED,  /* moves into a resolved status per quarter hour in a range */
	REPORT_STMT__MAX
};

/* Open means a status whose category is neither resolved nor closed. "? = 0 OR assignee = ?"
 * narrows an agent's report to their own tickets. */
#define OPEN_FROM \
	"FROM tickets t JOIN statuses s FORCE INDEX (PRIMARY) ON s.id = t.status_id AND s.tenant_id = t.tenant_id "
#define OPEN_WHERE                                                                                                 \
	"WHERE t.tenant_id = ? AND s.category NOT IN ('resolved', 'closed') AND (? = 0 OR t.assignee_id = ?) "     \
	"AND (? = 0 OR t.assignee_id = ? OR COALESCE(t.team_id, (SELECT p.team_id FROM pipelines p WHERE "         \
	"p.tenant_id = ? AND p.id = t.pipeline_id), 0) IN (SELECT 0 UNION ALL SELECT m.team_id FROM team_members " \
	"m WHERE m.tenant_id = ? AND m.user_id = ?)) "

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
        /* Quarter hours: every time zone's offset is a multiple of 15 minutes, so each slot
         * falls on one local day, which C works out with the tenant's zone. */
        [REPORT_CREATED] = "SELECT UNIX_TIMESTAMP(created_at) DIV 900, COUNT(*) FROM tickets WHERE tenant_id = ? "
                           "AND created_at >= FROM_UNIXTIME(?) AND created_at < FROM_UNIXTIME(?) GROUP BY 1",
        [REPORT_RESOLVED] =
                "SELECT UNIX_TIMESTAMP(e.created_at) DIV 900, COUNT(*) FROM ticket_events e "
                "WHERE e.tenant_id = ? AND e.kind = 'status_changed' AND e.created_at >= FROM_UNIXTIME(?) "
                "AND e.created_at < FROM_UNIXTIME(?) AND EXISTS (SELECT 1 FROM statuses s WHERE "
                "s.tenant_id = e.tenant_id AND s.skey = JSON_VALUE(e.data, '$.to') AND s.category = 'resolved') "
                "GROUP BY 1",
};

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
	bool bad = false;
	const char *format = request_query(r, "format", &bad);
	long long me = r->user->role == ROLE_AGENT ? r->user->user_id : 0, now = (long long)time(NULL);
	/* By team: managers see their teams' tickets (agents are already down to their own). */
	long long tid = r->tenant->id, u = r->user->user_id, team = r->user->restricted ? 1 : 0;
	struct db_rows st, ag, age;
	struct report_row *rows;
	size_t n = 0;
	struct json_object *out, *arr;

	if (bad || (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0))
		return problem(r, 400, "invalid_parameter", "format is json or csv.");
	if (db_query(r->db, r->a, report_sql[REPORT_BY_STATUS], &st, "iiiiiiii", tid, me, me, team, u, tid, tid, u) ==
	            -1 ||
	    db_query(r->db, r->a, report_sql[REPORT_BY_AGENT], &ag, "iiiiiiii", tid, me, me, team, u, tid, tid, u) ==
	            -1 ||
	    db_query(r->db, r->a, report_sql[REPORT_BY_AGE], &age, "iiiiiiiiiiii", now, now, now, now, tid, me, me,
	             team, u, tid, tid, u) == -1)
		return 500;
	{
		size_t statuses = 0;

		for (size_t p = 0; p < r->tenant->npipelines; p++)
			statuses += r->tenant->pipelines[p].nstatuses;
		rows = arena_alloc(r->a, (statuses + ag.nrows + 5) * sizeof(*rows));
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
	for (int b = 0; b < 5; b++) {
		long long c = 0;

		for (size_t k = 0; k < age.nrows; k++)
			if (db_cell_ll(&age, k, 0) == b)
				c = db_cell_ll(&age, k, 1);
		rows[n++] = (struct report_row){"age", age_buckets[b], age_buckets[b], c};
	}
	if (format != NULL && strcmp(format, "csv") == 0)
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
	json_add_str(out, "scope", me ? "mine" : "tenant");
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

#define VOLUME_MAX_DAYS 800

/* Parses YYYY-MM-DD into a struct tm at local midnight; false when malformed. */
static bool parse_day(const char *s, struct tm *tm)
{
	int y, m, d;
	char extra;

	if (s == NULL || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || y < 2000 ||
	    y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_isdst = -1;
	return true;
}

int report_volume(struct request *r)
{
	bool bad = false;
	const char *from_s = request_query(r, "from", &bad), *to_s = request_query(r, "to", &bad);
	const char *format = request_query(r, "format", &bad);
	struct tm from_tm, to_tm;
	struct calendar_zone zone;
	time_t from, to;
	long long ndays;
	long long *created, *resolved;
	char(*labels)[11];
	struct db_rows cr, rs;

	if (bad || !parse_day(from_s, &from_tm) || !parse_day(to_s, &to_tm))
		return problem(r, 400, "invalid_parameter", "from and to are dates, YYYY-MM-DD.");
	if (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return problem(r, 400, "invalid_parameter", "format is json or csv.");
	/* Local midnights of the first day and of the day after the last, in the tenant's zone. */
	calendar_zone_enter(&zone, r->tenant->time_zone);
	to_tm.tm_mday += 1;
	from = mktime(&from_tm);
	to = mktime(&to_tm);
	ndays = 0;
	if (from != (time_t)-1 && to > from) {
		struct tm probe = from_tm;

		for (;; ndays++) {
			struct tm day = probe;

			day.tm_mday += (int)ndays;
			day.tm_isdst = -1;
			if (mktime(&day) >= to || ndays > VOLUME_MAX_DAYS)
				break;
		}
	}
	if (ndays < 1 || ndays > VOLUME_MAX_DAYS) {
		calendar_zone_leave(&zone);
		return problem(r, 400, "invalid_parameter",
		               "from must not be after to, and the range is at most %d days.", VOLUME_MAX_DAYS);
	}
	created = arena_alloc(r->a, (size_t)ndays * sizeof(*created));
	resolved = arena_alloc(r->a, (size_t)ndays * sizeof(*resolved));
	labels = arena_alloc(r->a, (size_t)ndays * sizeof(*labels));
	for (long long d = 0; d < ndays; d++) {
		struct tm day = from_tm;

		day.tm_mday += (int)d;
		day.tm_isdst = -1;
		mktime(&day);
		strftime(labels[d], sizeof(labels[d]), "%Y-%m-%d", &day);
	}
	if (db_query(r->db, r->a, report_sql[REPORT_CREATED], &cr, "iii", r->tenant->id, (long long)from,
	             (long long)to) == -1 ||
	    db_query(r->db, r->a, report_sql[REPORT_RESOLVED], &rs, "iii", r->tenant->id, (long long)from,
	             (long long)to) == -1) {
		calendar_zone_leave(&zone);
		return 500;
	}
	for (int which = 0; which < 2; which++) {
		const struct db_rows *rows = which ? &rs : &cr;
		long long *into = which ? resolved : created;

		for (size_t i = 0; i < rows->nrows; i++) {
			time_t slot = (time_t)(db_cell_ll(rows, i, 0) * 900);
			struct tm local;
			char label[11];

			localtime_r(&slot, &local);
			strftime(label, sizeof(label), "%Y-%m-%d", &local);
			/* Days are in order: find the slot's day by its label. */
			for (long long d = 0; d < ndays; d++)
				if (strcmp(labels[d], label) == 0) {
					into[d] += db_cell_ll(rows, i, 1);
					break;
				}
		}
	}
	calendar_zone_leave(&zone);
	if (format != NULL && strcmp(format, "csv") == 0) {
		struct buf b;

		buf_init(&b);
		buf_puts(&b, "day,created,resolved\r\n");
		for (long long d = 0; d < ndays; d++)
			buf_printf(&b, "%s,%lld,%lld\r\n", labels[d], created[d], resolved[d]);
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
		for (long long d = 0; d < ndays; d++) {
			struct json_object *o = json_object_new_object();

			json_add_str(o, "day", labels[d]);
			json_add_int(o, "created", created[d]);
			json_add_int(o, "resolved", resolved[d]);
			json_object_array_add(data, o);
		}
		json_object_object_add(out, "data", data);
		return response_json(r, 200, out);
	}
}
