/* report: how the service performs, per tenant, as JSON for the charts and CSV for download. */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

struct request;

/* GET /reports/open[?format=csv]: open tickets now by status, by agent and by age. Managers and
 * admins see the tenant; agents see their own tickets only. */
int report_open(struct request *r);

/* GET /reports/volume?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]: tickets created and resolved
 * per day, days counted in the tenant's time zone (a resolution is a move into a status of the
 * resolved category; a ticket reopened and resolved again counts once per resolution). */
int report_volume(struct request *r);

#endif
