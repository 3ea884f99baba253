/* pipeline: a tenant's ordered statuses and the moves allowed between them. */
#ifndef PIPELINE_PIPELINE_H
#define PIPELINE_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

enum status_category {
	CATEGORY_NEW,              /* not yet looked at */
	CATEGORY_ACTIVE,           /* being worked */
	CATEGORY_WAITING_CUSTOMER, /* ball in the customer's court */
	CATEGORY_WAITING_SUPPLIER, /* ball in a third party's court */
	CATEGORY_DEFERRED,         /* parked on purpose */
	CATEGORY_RESOLVED,         /* answered, may reopen */
	CATEGORY_CLOSED,           /* final */
	CATEGORY__MAX
};

enum pipeline_intake {
	INTAKE_MANUAL, /* new tickets wait unassigned */
	INTAKE_ROUTER, /* the skill-based router assigns them */
	INTAKE_TRIAGE, /* the pipeline's manager checks them first */
	INTAKE__MAX
};

struct pipeline_status {
	long long id;
	const char *key;
	const char *staff_name;
	const char *customer_name;
	enum status_category category;
	const char *color;
	int position;
	bool is_entry;
	unsigned clocks;     /* LIGHT_CLOCK() bits of the traffic-light clocks that run in this status */
	bool require_note;   /* a move into it must carry a note */
	long long *next_ids; /* statuses this one may move to */
	size_t nnext;
};

struct pipeline {
	long long id;
	const char *key;
	const char *name;
	bool is_default;
	enum pipeline_intake intake;      /* where new tickets go */
	long long manager_id;             /* triage and fallback owner; 0: none */
	long long team_id;                /* the team it belongs to; 0: every agent's */
	int reopen_days;                  /* a customer's reply reopens a resolved ticket this long */
	struct pipeline_status *statuses; /* in position order */
	size_t nstatuses;
};

const char *status_category_name(enum status_category c);
enum status_category status_category_parse(const char *s);
bool status_category_is_open(enum status_category c);

/* Lookups within one pipeline; NULL when absent. */
const struct pipeline_status *pipeline_status_by_id(const struct pipeline *p, long long id);
const struct pipeline_status *pipeline_status_by_key(const struct pipeline *p, const char *key);
/* The status new tickets start in (BUG if the pipeline has none: validated when saved). */
const struct pipeline_status *pipeline_entry(const struct pipeline *p);
bool pipeline_can_move(const struct pipeline_status *from, const struct pipeline_status *to);
/* The first status of the given category in position order, or NULL. */
const struct pipeline_status *pipeline_first_in(const struct pipeline *p, enum status_category c);

/* Parses a SET('response','supplier','communication') value into clock bits (bit 0 = response). */
unsigned pipeline_clocks_parse(const char *set);

/* Loads all pipelines of a tenant into memory owned by a (a long-lived arena).
 * Returns 0 or -1 (database failure). */
int pipeline_db_load(struct db *db, struct arena *a, long long tenant_id, struct pipeline **out, size_t *n);

#endif
