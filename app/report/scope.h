/* scope: what a performance report counts — a date range in the tenant's zone, the filters
 * every report takes, who is asking — and the figures every report uses. */
#ifndef REPORT_SCOPE_H
#define REPORT_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;
struct db_param;
struct json_object;
struct request;

/* The longest range a report takes, in days. */
#define REPORT_MAX_DAYS 800

struct report_scope {
	time_t from, to;               /* local midnight of the first day, of the day after the last */
	const char *from_day, *to_day; /* as given, YYYY-MM-DD */
	struct tm first_day;           /* from_day at local midnight, for walking the days */
	long long ndays;               /* 1..REPORT_MAX_DAYS */
	bool csv;
	/* Filters; 0 or NULL: not filtered. */
	long long pipeline, team, agent, category, company;
	const char *priority;
	/* Who asks: an agent is held to their own tickets; a manager of a tenant that shows tickets
	 * by team to their teams' pipelines. */
	long long self_agent; /* the agent's user id; 0 for managers and admins */
	bool by_team;
	long long user_id, tenant_id;
	/* With a pipeline filter and a range that ended: tickets moved to another pipeline since
	 * (counted by the pipeline they were in at the end), and those of them that were in the
	 * filter's pipeline then, as JSON arrays of ticket ids; NULL when there are none. */
	const char *moved_since, *in_pipeline_then;
};

/* Reads from, to (required when dated), format and the filters from the query string (pipeline, team, agent,
 * category, company: positive ids; priority: low, normal, high or urgent). Returns 0, or a 4xx
 * with the problem recorded: 400 for malformed input, 403 when an agent asks for another
 * agent's figures. Ids of another tenant pass here and match nothing later. */
int report_scope_read(struct request *r, struct report_scope *s, bool dated);

/* The filter as SQL over tickets aliased t, whose id is ticket_id (a column of t), starting with
 * " AND "; bind report_scope_params in its place. A ticket counts in the pipeline it was in at
 * the end of the range (moved_since, in_pipeline_then); the other filters take the ticket as it
 * is now. The last clause is who may see the ticket: an agent their own; a manager, where the
 * tenant shows tickets by team, the tickets of their teams (or of no team) and what is assigned
 * to them. A ticket's team is its own (from its category or a rule), else its pipeline's. */
#define REPORT_SCOPE_IDS(json) "(SELECT j.id FROM JSON_TABLE(" json ", '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j)"
#define REPORT_SCOPE_SQL_FOR(ticket_id)                                                                                \
	" AND (? = 0 OR (t.pipeline_id = ? AND (? IS NULL OR " ticket_id                                               \
	" NOT IN " REPORT_SCOPE_IDS("?") "))"                                                                          \
	                                 " OR (? IS NOT NULL AND " ticket_id " IN " REPORT_SCOPE_IDS(                  \
	                                         "?") "))"                                                             \
	                                              " AND (? = 0 OR COALESCE(t.team_id, (SELECT fp.team_id FROM "    \
	                                              "pipelines fp WHERE fp.tenant_id = ? AND fp.id = "               \
	                                              "t.pipeline_id)) = ?)"                                           \
	                                              " AND (? = 0 OR t.assignee_id = ?)"                              \
	                                              " AND (? IS NULL OR t.priority = ?)"                             \
	                                              " AND (? = 0 OR t.category_id = ?)"                              \
	                                              " AND (? = 0 OR t.company_id = ?)"                               \
	                                              " AND (? = 0 OR t.assignee_id = ? OR COALESCE(t.team_id, "       \
	                                              "(SELECT vp.team_id FROM pipelines vp WHERE"                     \
	                                              " vp.tenant_id = ? AND vp.id = t.pipeline_id), 0) IN (SELECT 0 " \
	                                              "UNION ALL SELECT vm.team_id FROM"                               \
	                                              " team_members vm WHERE vm.tenant_id = ? AND vm.user_id = ?)) "
/* Over the report facts, whose ticket is ticket_id. */
#define REPORT_SCOPE_SQL REPORT_SCOPE_SQL_FOR("t.ticket_id")
/* Appends the parameters of REPORT_SCOPE_SQL to p (room for REPORT_SCOPE_PARAMS) and
 * returns how many it wrote. */
#define REPORT_SCOPE_PARAMS 22
size_t report_scope_params(const struct report_scope *s, struct db_param *p);

/* True when no filter narrows the tickets and the caller sees the whole tenant: the report may
 * then read the narrow indexes that hold no filter columns (db/migrations/0028). */
bool report_scope_unfiltered(const struct report_scope *s);

/* The keys of the tenant's statuses of the resolved category, read from the database so a
 * status that changes category counts from then on. At most REPORT_RESOLVED_KEYS keys go into
 * keys (as many parameters of a "to_key IN (...)", the unused ones NULL, which match nothing).
 * Returns the number of keys found (REPORT_RESOLVED_KEYS + 1 when there are more than fit:
 * the caller reads the wide index instead), or -1 on a database error. */
#define REPORT_RESOLVED_KEYS 8
#define REPORT_RESOLVED_IN   "(?, ?, ?, ?, ?, ?, ?, ?)"
int report_resolved_keys(struct request *r, struct db_param *keys);

/* Count, mean, median and 90th percentile of n durations in seconds, sorted in place.
 * Percentiles by nearest rank: the p-th is the value at rank ceil(p/100 * n) of the sorted
 * values, so the median of an even count is the lower middle one; the mean is rounded to the
 * nearest second (halves up). n 0 gives nulls. Returns a new object the caller owns. */
struct json_object *report_stats_json(long long *v, size_t n);
/* The same four figures as CSV cells ("count,mean,median,p90", empty when n is 0). */
void report_stats_csv(struct buf *b, long long *v, size_t n);
/* Sorts n elements of size bytes by the long long at byte offset off, in ascending order and
 * stably: a radix sort, as reports sort up to a million durations. Cannot fail (out of memory
 * aborts). */
void report_sort(void *base, size_t n, size_t size, size_t off);
/* qsort's comparison for long long. */
int report_compare_ll(const void *a, const void *b);
/* The nearest-rank percentile p (1..100) of n > 0 sorted values. */
long long report_percentile(const long long *sorted, size_t n, int p);

/* Sends b as the body of a CSV download named filename; releases b. Returns 200. */
int report_send_csv(struct request *r, struct buf *b, const char *filename);
/* A new JSON object holding the range, zone and the percentile rule; the caller adds to it. */
struct json_object *report_head_json(const struct request *r, const struct report_scope *s);

#endif
