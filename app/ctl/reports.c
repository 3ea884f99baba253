/* portalctl reports rebuild: one tenant's report facts (and its agents' open-ticket counts)
 * computed again from the tickets, notes, events and breaches, set-based. The triggers keep them
 * row by row; this is for rows written without them (a bulk load that set @portal_bulk_load) and
 * for an operator who wants to be sure. Runs in one transaction: readers see the old facts or
 * the new, never a mix. */
#include <stdio.h>
#include <time.h>

#include "../core/arena.h"
#include "../db/db.h"
#include "ctl.h"

struct step {
	const char *what;
	const char *sql; /* its one ? is the tenant id */
};

static const struct step steps[] = {
        {"clearing", "DELETE FROM report_touches WHERE tenant_id = ?"},
        {NULL, "DELETE FROM report_moves WHERE tenant_id = ?"},
        {NULL, "DELETE FROM report_tickets WHERE tenant_id = ?"},
        {"tickets",
         "INSERT IGNORE INTO report_tickets (tenant_id, ticket_id, created_at, status_id, pipeline_id, team_id, "
         "assignee_id, priority, category_id, company_id) SELECT tenant_id, id, created_at, status_id, pipeline_id, "
         "team_id, assignee_id, priority, category_id, company_id FROM tickets WHERE tenant_id = ?"},
        {"first replies",
         "UPDATE report_tickets rt SET rt.first_reply_id = (SELECT n.id FROM notes n JOIN users u ON u.id = "
         "n.author_id AND u.tenant_id = n.tenant_id WHERE n.tenant_id = rt.tenant_id AND n.ticket_id = rt.ticket_id "
         "AND n.visibility = 'public' AND u.role <> 'customer' ORDER BY n.created_at, n.id LIMIT 1), "
         "rt.first_reply_at = (SELECT n.created_at FROM notes n WHERE n.id = rt.first_reply_id), "
         "rt.first_reply_by = (SELECT n.author_id FROM notes n WHERE n.id = rt.first_reply_id) "
         "WHERE rt.tenant_id = ?"},
        {"breaches",
         "UPDATE report_tickets rt JOIN (SELECT tenant_id, ticket_id, MAX(IF(level = 1, IF(colour = 'red', 2, 1), "
         "0)) AS w1, MAX(IF(level = 2, IF(colour = 'red', 2, 1), 0)) AS w2, MAX(IF(level = 3, IF(colour = 'red', "
         "2, 1), 0)) AS w3 FROM light_breaches WHERE tenant_id = ? GROUP BY tenant_id, ticket_id) b ON b.tenant_id "
         "= rt.tenant_id AND b.ticket_id = rt.ticket_id SET rt.worst_response = b.w1, rt.worst_supplier = b.w2, "
         "rt.worst_communication = b.w3"},
        {"status moves",
         "INSERT IGNORE INTO report_moves (tenant_id, event_id, ticket_id, moved_at, to_key, actor_id, created_at, "
         "pipeline_id, team_id, assignee_id, priority, category_id, company_id) SELECT e.tenant_id, e.id, "
         "e.ticket_id, e.created_at, JSON_VALUE(e.data, '$.to'), e.actor_id, t.created_at, t.pipeline_id, t.team_id, "
         "t.assignee_id, t.priority, t.category_id, t.company_id FROM ticket_events e JOIN tickets t ON t.id = "
         "e.ticket_id AND t.tenant_id = e.tenant_id WHERE e.tenant_id = ? AND e.kind = 'status_changed'"},
        {"touches by notes",
         "INSERT IGNORE INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, "
         "first_reply_at, last_reply_at, pipeline_id, team_id, assignee_id, priority, category_id, company_id) "
         "SELECT n.tenant_id, n.ticket_id, n.author_id, MIN(n.created_at), MAX(n.created_at), SUM(n.visibility = "
         "'public'), MIN(IF(n.visibility = 'public', n.created_at, NULL)), MAX(IF(n.visibility = 'public', "
         "n.created_at, NULL)), MAX(t.pipeline_id), MAX(t.team_id), MAX(t.assignee_id), MAX(t.priority), "
         "MAX(t.category_id), MAX(t.company_id) FROM notes n JOIN tickets t ON t.id = n.ticket_id AND t.tenant_id "
         "= n.tenant_id WHERE n.tenant_id = ? AND n.author_id IS NOT NULL GROUP BY n.tenant_id, n.ticket_id, "
         "n.author_id"},
        {"touches by moves",
         "INSERT INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, pipeline_id, "
         "team_id, assignee_id, priority, category_id, company_id) SELECT m.tenant_id, m.ticket_id, m.actor_id, "
         "MIN(m.moved_at), MAX(m.moved_at), 0, MAX(m.pipeline_id), MAX(m.team_id), MAX(m.assignee_id), "
         "MAX(m.priority), MAX(m.category_id), MAX(m.company_id) FROM report_moves m WHERE m.tenant_id = ? AND "
         "m.actor_id IS NOT NULL GROUP BY m.tenant_id, m.ticket_id, m.actor_id ON DUPLICATE KEY UPDATE first_at = "
         "LEAST(report_touches.first_at, VALUES(first_at)), last_at = GREATEST(report_touches.last_at, "
         "VALUES(last_at))"},
        {"agents' open tickets",
         "UPDATE users u SET u.open_tickets = (SELECT COUNT(*) FROM tickets t JOIN statuses s ON s.id = t.status_id "
         "AND s.tenant_id = t.tenant_id WHERE t.tenant_id = u.tenant_id AND t.assignee_id = u.id AND s.category NOT "
         "IN ('resolved', 'closed')) WHERE u.tenant_id = ?"},
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int ctl_reports_rebuild(const char *slug)
{
	static const char tenant_sql[] = "SELECT id FROM tenants WHERE slug = ?";
	struct db *db = ctl_connect();
	struct arena *a = ctl_arena_get();
	struct db_rows rows;
	struct timespec all, t0;
	long long tid;

	if (db_query(db, a, tenant_sql, &rows, "s", slug) == -1 || rows.nrows != 1)
		ctl_die("no tenant %s", slug);
	tid = db_cell_ll(&rows, 0, 0);
	clock_gettime(CLOCK_MONOTONIC, &all);
	if (db_begin(db) == -1)
		ctl_die("cannot start a transaction");
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		unsigned long long affected = 0;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (db_exec(db, steps[i].sql, &affected, NULL, "i", tid) == -1)
			ctl_die("rebuilding the report facts of %s failed at: %s", slug,
			        steps[i].what ? steps[i].what : "clearing");
		if (steps[i].what != NULL)
			printf("  %-22s %10llu rows  %6.1f s\n", steps[i].what, affected, seconds_since(&t0));
	}
	if (db_commit(db) == -1)
		ctl_die("cannot commit the rebuilt report facts of %s", slug);
	printf("rebuilt the report facts of %s in %.1f s\n", slug, seconds_since(&all));
	return 0;
}
