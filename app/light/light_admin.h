/* light_admin: the tenant admin's business calendar and traffic-light thresholds. */
#ifndef LIGHT_LIGHT_ADMIN_H
#define LIGHT_LIGHT_ADMIN_H

struct request;

/* Fields of PUT /admin/lights. */
enum light_admin_field { LIGHT_ADMIN_CALENDAR, LIGHT_ADMIN_THRESHOLDS, LIGHT_ADMIN__MAX };

#define LIGHT_MAX_MINUTES 525600 /* a year */

int light_admin_get(struct request *r);
/* Replaces the calendar and thresholds; every open ticket's lights are then recomputed in the
 * background by the sweeper, so the request does not wait for them. */
int light_admin_put(struct request *r);

#endif
