/* report: how the service performs, per tenant, as JSON for the charts and CSV for download. */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

struct request;

/* GET /reports/open[?format=csv]: open tickets now by status, by agent, by team and by age. Managers and
 * admins see the tenant; agents see their own tickets only. */
int report_open(struct request *r);

/* GET /reports/volume?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]: tickets created and resolved
 * per day, days counted in the tenant's time zone (a resolution is a move into a status of the
 * resolved category; a ticket reopened and resolved again counts once per resolution). */
int report_volume(struct request *r);

/* The performance reports. Each takes from and to (YYYY-MM-DD, days in the tenant's zone, at
 * most 800), format=json|csv and the filters pipeline, team, agent, priority, category, company
 * (see scope.h). Agents get their own figures; percentiles are nearest-rank. */

/* GET /reports/times: first-response time (creation to the first public staff reply, over
 * first replies made in the range) and resolution time (creation to each move into a resolved
 * status made in the range), calendar and business seconds. */
int report_times(struct request *r);
/* GET /reports/lights: of the tickets created in the range, per level, how many stayed green,
 * went amber (never red) and went red; reds recorded in the range per agent and per team. */
int report_lights(struct request *r);
/* GET /reports/suppliers: request to answer, per supplier, over answers given in the range. */
int report_suppliers(struct request *r);
/* GET /reports/agents: per staff member, tickets handled, public replies, median first
 * response and reds in the range. Agents get their own row, managers in teams their teams'
 * members, admins and other managers everyone. */
int report_agents(struct request *r);
/* GET /reports/filters: the choices for the filters (pipelines, teams, agents, priorities,
 * categories, companies); an agent gets only themself among the agents. */
int report_filters(struct request *r);

#endif
