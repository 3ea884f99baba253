/* scope: the range, filters and figures shared by the reports. */
#include "scope.h"

#include <errno.h>
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
#include "../pipeline/pipeline.h"
#include "../tenant/tenant.h"

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

/* A filter id: absent is 0; present must be a plain decimal from 1 to 2^53. */
static bool parse_id(const char *s, long long *out)
{
	char *end;
	long long v;

	*out = 0;
	if (s == NULL)
		return true;
	if (*s < '0' || *s > '9' || strlen(s) > 16)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > (1LL << 53))
		return false;
	*out = v;
	return true;
}

/* For a pipeline filter over a range that has ended: the tickets that changed pipeline since
 * the end (each was in the pipeline its first change since came from), into s->moved_since and,
 * those that were in the filter's pipeline, s->in_pipeline_then. Returns 0 or -1. */
static int pipelines_at_end(struct request *r, struct report_scope *s)
{
	const struct pipeline *p = tenant_pipeline_by_id(r->tenant, s->pipeline);
	struct db_rows rows;
	struct buf moved, then;
	long long last = 0;

	if (p == NULL || s->to > time(NULL))
		return 0;
	if (db_query(r->db, r->a,
	             "SELECT e.ticket_id, JSON_VALUE(e.data, '$.from_pipeline') FROM ticket_events e FORCE INDEX "
	             "(ticket_events_tenant_kind_time) WHERE e.tenant_id = ? AND e.kind = 'pipeline_changed' AND "
	             "e.created_at >= FROM_UNIXTIME(?) ORDER BY e.ticket_id, e.created_at, e.id",
	             &rows, "ii", s->tenant_id, (long long)s->to) == -1)
		return -1;
	if (rows.nrows == 0)
		return 0;
	buf_init(&moved);
	buf_init(&then);
	for (size_t i = 0; i < rows.nrows; i++) {
		long long id = db_cell_ll(&rows, i, 0);

		if (id == last)
			continue; /* a later change: the first one says where it was */
		last = id;
		buf_printf(&moved, "%s%lld", moved.len == 0 ? "[" : ",", id);
		if (db_cell(&rows, i, 1) != NULL && strcmp(db_cell(&rows, i, 1), p->key) == 0)
			buf_printf(&then, "%s%lld", then.len == 0 ? "[" : ",", id);
	}
	buf_puts(&moved, "]");
	s->moved_since = arena_strdup(r->a, moved.data);
	if (then.len > 0) {
		buf_puts(&then, "]");
		s->in_pipeline_then = arena_strdup(r->a, then.data);
	}
	buf_release(&moved);
	buf_release(&then);
	return 0;
}

int report_scope_read(struct request *r, struct report_scope *s, bool dated)
{
	static const char *const priorities[] = {"low", "normal", "high", "urgent"};
	static const char *const id_names[] = {"pipeline", "team", "agent", "category", "company"};
	long long *ids[] = {&s->pipeline, &s->team, &s->agent, &s->category, &s->company};
	bool bad = false;
	const char *format;
	struct tm to_tm;
	struct calendar_zone zone;

	memset(s, 0, sizeof(*s));
	s->tenant_id = r->tenant->id;
	s->user_id = r->user->user_id;
	s->self_agent = r->user->role == ROLE_AGENT ? r->user->user_id : 0;
	s->by_team = r->user->restricted;
	s->from_day = request_query(r, "from", &bad);
	s->to_day = request_query(r, "to", &bad);
	format = request_query(r, "format", &bad);
	s->priority = request_query(r, "priority", &bad);
	if (bad || (dated && (!parse_day(s->from_day, &s->first_day) || !parse_day(s->to_day, &to_tm))))
		return problem(r, 400, "invalid_parameter", "from and to are dates, YYYY-MM-DD.");
	if (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return problem(r, 400, "invalid_parameter", "format is json or csv.");
	s->csv = format != NULL && strcmp(format, "csv") == 0;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!parse_id(request_query(r, id_names[i], &bad), ids[i]) || bad)
			return problem(r, 400, "invalid_parameter", "%s is the id of one, a positive integer.",
			               id_names[i]);
	if (s->priority != NULL) {
		bool known = false;

		for (size_t i = 0; i < 4; i++)
			known |= strcmp(s->priority, priorities[i]) == 0;
		if (!known)
			return problem(r, 400, "invalid_parameter", "priority is low, normal, high or urgent.");
	}
	if (s->self_agent != 0) {
		if (s->agent != 0 && s->agent != s->self_agent)
			return problem(r, 403, "forbidden", "Agents see their own figures only.");
		s->agent = s->self_agent;
	}
	if (!dated)
		return 0;
	/* Local midnights of the first day and of the day after the last, in the tenant's zone. */
	calendar_zone_enter(&zone, r->tenant->time_zone);
	to_tm.tm_mday += 1;
	{
		struct tm first = s->first_day;

		s->from = mktime(&first);
	}
	s->to = mktime(&to_tm);
	s->ndays = 0;
	if (s->from != (time_t)-1 && s->to > s->from)
		for (;; s->ndays++) {
			struct tm day = s->first_day;

			day.tm_mday += (int)s->ndays;
			day.tm_isdst = -1;
			if (mktime(&day) >= s->to || s->ndays > REPORT_MAX_DAYS)
				break;
		}
	calendar_zone_leave(&zone);
	if (s->ndays < 1 || s->ndays > REPORT_MAX_DAYS)
		return problem(r, 400, "invalid_parameter",
		               "from must not be after to, and the range is at most %d days.", REPORT_MAX_DAYS);
	if (s->pipeline != 0 && pipelines_at_end(r, s) == -1)
		return 500;
	return 0;
}

size_t report_scope_params(const struct report_scope *s, struct db_param *p)
{
	size_t n = 0;

#define I(v) (p[n++] = (struct db_param){.type = 'i', .i = (v)})
	I(s->pipeline);
	I(s->pipeline);
	p[n++] = (struct db_param){.type = 's', .s = s->moved_since};
	p[n++] = (struct db_param){.type = 's', .s = s->moved_since};
	p[n++] = (struct db_param){.type = 's', .s = s->in_pipeline_then};
	p[n++] = (struct db_param){.type = 's', .s = s->in_pipeline_then};
	I(s->team);
	I(s->tenant_id);
	I(s->team);
	I(s->agent);
	I(s->agent);
	p[n++] = (struct db_param){.type = 's', .s = s->priority};
	p[n++] = (struct db_param){.type = 's', .s = s->priority};
	I(s->category);
	I(s->category);
	I(s->company);
	I(s->company);
	I(s->by_team ? 1 : 0);
	I(s->user_id);
	I(s->tenant_id);
	I(s->tenant_id);
	I(s->user_id);
#undef I
	return n;
}

bool report_scope_unfiltered(const struct report_scope *s)
{
	return s->pipeline == 0 && s->team == 0 && s->agent == 0 && s->priority == NULL && s->category == 0 &&
	       s->company == 0 && s->self_agent == 0 && !s->by_team;
}

int report_resolved_keys(struct request *r, struct db_param *keys)
{
	struct db_rows rows;
	size_t n;

	/* One more than fits, to tell "all of them" from "too many". */
	_Static_assert(REPORT_RESOLVED_KEYS == 8, "LIMIT below is REPORT_RESOLVED_KEYS + 1");
	if (db_query(r->db, r->a,
	             "SELECT DISTINCT skey FROM statuses WHERE tenant_id = ? AND category = 'resolved' "
	             "ORDER BY skey LIMIT 9",
	             &rows, "i", r->tenant->id) == -1)
		return -1;
	n = rows.nrows;
	for (size_t i = 0; i < REPORT_RESOLVED_KEYS; i++)
		keys[i] = (struct db_param){.type = 's', .s = i < n ? db_cell(&rows, i, 0) : NULL};
	return (int)n;
}

/* Byte shift of the long long at p, its sign bit flipped so that unsigned order is signed order. */
static unsigned key_byte(const unsigned char *p, unsigned shift)
{
	long long x;

	memcpy(&x, p, sizeof(x));
	return (unsigned)(((unsigned long long)x ^ (1ULL << 63)) >> shift) & 0xffu;
}

void report_sort(void *base, size_t n, size_t size, size_t off)
{
	unsigned char *src = base, *dst, *scratch;
	size_t at[256];

	if (n < 2)
		return;
	scratch = malloc(n * size);
	if (scratch == NULL)
		abort();
	dst = scratch;
	/* Least significant byte first; a byte every element shares needs no pass. */
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;

		memset(at, 0, sizeof(at));
		for (size_t i = 0; i < n; i++)
			at[key_byte(src + i * size + off, shift)]++;
		if (at[key_byte(src + off, shift)] == n)
			continue;
		for (size_t b = 0; b < 256; b++) {
			size_t c = at[b];

			at[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			memcpy(dst + at[key_byte(src + i * size + off, shift)]++ * size, src + i * size, size);
		{
			unsigned char *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != base)
		memcpy(base, src, n * size);
	free(scratch);
}

int report_compare_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

long long report_percentile(const long long *sorted, size_t n, int p)
{
	size_t rank = ((size_t)p * n + 99) / 100; /* ceil(p/100 * n), at least 1 for n > 0 */

	return sorted[rank < 1 ? 0 : rank - 1];
}

static long long mean_of(const long long *v, size_t n)
{
	long long sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return (sum + (long long)n / 2) / (long long)n;
}

struct json_object *report_stats_json(long long *v, size_t n)
{
	struct json_object *o = json_object_new_object();

	json_add_int(o, "count", (long long)n);
	if (n == 0) {
		json_add_null(o, "mean");
		json_add_null(o, "median");
		json_add_null(o, "p90");
		return o;
	}
	report_sort(v, n, sizeof(*v), 0);
	json_add_int(o, "mean", mean_of(v, n));
	json_add_int(o, "median", report_percentile(v, n, 50));
	json_add_int(o, "p90", report_percentile(v, n, 90));
	return o;
}

void report_stats_csv(struct buf *b, long long *v, size_t n)
{
	if (n == 0) {
		buf_puts(b, "0,,,");
		return;
	}
	report_sort(v, n, sizeof(*v), 0);
	buf_printf(b, "%zu,%lld,%lld,%lld", n, mean_of(v, n), report_percentile(v, n, 50), report_percentile(v, n, 90));
}

int report_send_csv(struct request *r, struct buf *b, const char *filename)
{
	buf_reset(&r->out_body);
	buf_append(&r->out_body, b->data, b->len);
	buf_release(b);
	r->out_type = "text/csv";
	response_headerf(r, "Content-Disposition", "attachment; filename=\"%s\"", filename);
	return 200;
}

struct json_object *report_head_json(const struct request *r, const struct report_scope *s)
{
	struct json_object *out = json_object_new_object();

	json_add_str(out, "from", s->from_day);
	json_add_str(out, "to", s->to_day);
	json_add_str(out, "time_zone", r->tenant->time_zone);
	json_add_str(out, "scope", s->self_agent ? "mine" : "tenant");
	json_add_str(out, "percentiles", "nearest-rank");
	return out;
}
