/* pipeline_admin: the tenant admin edits pipelines: statuses with their names, categories,
 * colours, clocks, allowed moves and required notes. A pipeline is validated as a whole before
 * anything is stored; removing a status that tickets are in requires mapping them elsewhere,
 * and they move in the same transaction, each move on the ticket's timeline. */
#ifndef PIPELINE_PIPELINE_ADMIN_H
#define PIPELINE_PIPELINE_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline.h"

struct arena;
struct json_object;
struct request;
struct validation;

#define PIPELINE_MAX_STATUSES    30
#define PIPELINE_KEY_MAX         40
#define PIPELINE_NAME_MAX        60
#define PIPELINE_REOPEN_DAYS_MAX 365
/* Pipelines one tenant may have. */
#define PIPELINE_MAX_PER_TENANT 20

/* One status of a pipeline definition as the admin sent it. */
struct status_def {
	const char *key;
	const char *staff_name;
	const char *customer_name;
	enum status_category category;
	const char *color;
	unsigned clocks;
	bool entry;
	bool require_note;
	const char *next[PIPELINE_MAX_STATUSES];
	size_t nnext;
};

struct pipeline_def {
	const char *name;
	enum pipeline_intake intake;
	struct status_def statuses[PIPELINE_MAX_STATUSES];
	size_t nstatuses;
};

/* Reads a definition from JSON into def (strings point into obj). Returns 0, or -1 with
 * field errors in v. */
int pipeline_def_parse(struct arena *a, struct json_object *obj, struct pipeline_def *def, struct validation *v);

/* Checks the rules of a pipeline: exactly one entry status, unique keys, no move to a status
 * that does not exist or to the status itself, no move listed twice, every status reachable from
 * the entry, at least one resolved or closed status. def must come from a pipeline_def_parse
 * that returned 0. Pure: no database. Returns 0, or -1 with field errors in v naming the problem. */
int pipeline_def_validate(struct arena *a, const struct pipeline_def *def, struct validation *v);

/* GET /admin/pipelines */
int pipeline_admin_list(struct request *r);
/* PUT /admin/pipelines/{id} with {"name","intake","statuses":[...],"mapping":{"old":"new"}} */
int pipeline_admin_put(struct request *r);

/* POST /admin/pipelines with {"key","name","intake"?,"statuses":[...]}: a new pipeline, 201. */
int pipeline_admin_create(struct request *r);

/* Fields of POST /admin/pipelines. */
enum pipeline_create_field {
	PIPELINE_CREATE_KEY,
	PIPELINE_CREATE_NAME,
	PIPELINE_CREATE_INTAKE,
	PIPELINE_CREATE_STATUSES,
	PIPELINE_CREATE__MAX
};

/* Fields of PUT /admin/pipelines/{id}. */
enum pipeline_put_field {
	PIPELINE_PUT_NAME,
	PIPELINE_PUT_INTAKE,
	PIPELINE_PUT_STATUSES,
	PIPELINE_PUT_MAPPING,
	PIPELINE_PUT_TEAM_ID,     /* the team that works it; null: everyone's */
	PIPELINE_PUT_REOPEN_DAYS, /* a customer's reply reopens a resolved ticket this many days */
	PIPELINE_PUT__MAX
};

extern const char *const pipeline_intake_names[INTAKE__MAX + 1];

#endif
