/* category: what a ticket is about. A category names the pipeline its tickets go to, the team
 * that owns them and the skill the router looks for. */
#ifndef CATEGORY_CATEGORY_H
#define CATEGORY_CATEGORY_H

struct request;

#define CATEGORY_NAME_MAX 60

#define CATEGORY_MAX 200 /* categories of one tenant */

/* GET /categories: names for the new-ticket form; staff also see the pipeline and skill. */
int category_list(struct request *r);

/* Fields of POST /admin/categories and PUT /admin/categories/{id}. */
enum category_field {
	CATEGORY_FIELD_NAME,
	CATEGORY_FIELD_SKILL,    /* the skill the router looks for; created on first use */
	CATEGORY_FIELD_PIPELINE, /* a pipeline's key; null or absent: the default pipeline */
	CATEGORY_FIELD_TEAM_ID,  /* the team the router picks from; null or absent: the pipeline's */
	CATEGORY_FIELD__MAX
};

/* GET /admin/categories */
int category_admin_list(struct request *r);
/* POST /admin/categories → 201 */
int category_admin_create(struct request *r);
/* PUT /admin/categories/{id} */
int category_admin_put(struct request *r);

#endif
