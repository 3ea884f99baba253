/* category: what a ticket is about. A category names the pipeline its tickets go to, the team
 * that owns them and the skill the router looks for. */
#ifndef CATEGORY_CATEGORY_H
#define CATEGORY_CATEGORY_H

struct request;

#define CATEGORY_NAME_MAX 60

/* GET /categories: names for the new-ticket form; staff also see the pipeline and skill. */
int category_list(struct request *r);

#endif
