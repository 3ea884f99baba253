/* ticket: the customer's issue: numbering, visibility, the pipeline moves and the HTTP handlers. */
#ifndef TICKET_TICKET_H
#define TICKET_TICKET_H

#include <stdbool.h>
#include <time.h>

struct arena;
struct db;
struct json_object;
struct jw;
struct light_state;
struct principal;
struct request;
struct tenant;

#define TICKET_SUBJECT_MAX     200
#define TICKET_DESCRIPTION_MAX 20000
#define TICKET_LIST_DEFAULT    25
#define TICKET_LIST_MAX        100
#define IDEMPOTENCY_KEY_MAX    100

enum ticket_priority { PRIORITY_LOW, PRIORITY_NORMAL, PRIORITY_HIGH, PRIORITY_URGENT, PRIORITY__MAX };

/* NULL-terminated names, parallel to enum ticket_priority, for input specs. */
extern const char *const ticket_priority_names[PRIORITY__MAX + 1];

struct ticket {
	long long id;
	long long number;
	const char *subject;
	const char *description;   /* NULL in list rows */
	bool lights_read;          /* read with the ticket: lights_packed is the answer (NULL: none) */
	const char *lights_packed; /* LIGHT_PACKED_COLUMN */
	const char *priority;
	long long status_id;
	long long pipeline_id;
	long long customer_id;
	const char *customer_name;
	const char *customer_email;
	long long company_id;
	const char *company_name;
	long long assignee_id;
	const char *assignee_name;
	long long version;
	const char *created_at;
	const char *updated_at;
	const char *category;     /* NULL: none */
	const char *queue;        /* "triage", "fallback" or NULL */
	const char *status_since; /* when it entered its status (for a closed ticket: when it closed) */
	const char *tags;         /* comma-separated, sorted; NULL: none */
	long long team_id;        /* the team working it (set by a rule); 0: the pipeline's */
	const char *team_name;
	long long follows; /* the number of the ticket this one follows up; 0: none */
};

/* Fields of POST /tickets. */
enum ticket_create_field {
	TICKET_CREATE_SUBJECT,
	TICKET_CREATE_DESCRIPTION,
	TICKET_CREATE_PRIORITY,
	TICKET_CREATE_CUSTOMER_ID,
	TICKET_CREATE_CATEGORY,
	TICKET_CREATE_PIPELINE, /* staff: the pipeline's key; else the category's, else the default */
	TICKET_CREATE__MAX
};

/* Fields of PATCH /tickets/{number}. */
enum ticket_patch_field {
	TICKET_PATCH_SUBJECT,
	TICKET_PATCH_PRIORITY,
	TICKET_PATCH_ASSIGNEE_ID,
	TICKET_PATCH_TAGS, /* the whole set */
	TICKET_PATCH__MAX
};

#define TICKET_TAG_MAX  40 /* characters of a tag: a-z, 0-9, _ and - */
#define TICKET_TAGS_MAX 20 /* tags of one ticket */

/* Fields of POST /tickets/{number}/transitions. */
enum ticket_transition_field {
	TICKET_TRANSITION_TO,
	TICKET_TRANSITION_NOTE, /* a public note sent with the move; required by some statuses */
	TICKET_TRANSITION__MAX
};

/* Fields of POST /tickets/{number}/pipeline. */
enum ticket_move_field {
	TICKET_MOVE_PIPELINE, /* the target pipeline's key */
	TICKET_MOVE_STATUS,   /* a status of it; default: the entry (open tickets) or the same category */
	TICKET_MOVE__MAX
};

/* Loads ticket number of the tenant if user may see it. Returns 0 with *out set (NULL when
 * missing or hidden: the caller answers 404 either way), or -1 on database failure.
 * lock: SELECT ... FOR UPDATE (inside a transaction). */
int ticket_get_visible(struct db *db, struct arena *a, const struct tenant *t, const struct principal *user,
                       long long number, bool lock, struct ticket **out);
/* The same check reading the ticket row alone (no names, tags or lights): for the endpoints that
 * need only its ids, status, priority and version (its notes, timeline, lights and supplier
 * requests; a note or a move, which lock it). *out has those fields; the others are zero/NULL. */
int ticket_find_visible(struct db *db, struct arena *a, const struct tenant *t, const struct principal *user,
                        long long number, bool lock, struct ticket **out);

/* Moves a ticket to another status of its pipeline and records it; inside a transaction.
 * Does not check the transition rules (callers do). Returns 0 or -1. */
int ticket_set_status(struct db *db, struct arena *a, const struct tenant *t, const struct ticket *tk,
                      long long actor_id, bool by_customer, long long to_status_id);

/* Whether the ticket entered its status less than days ago (*within). Returns 0 or -1. */
int ticket_within_days(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, int days,
                       bool *within);

/* A new ticket for the same customer that follows old (a reply after the reopen window), with
 * body as its description, routed like any new ticket; both timelines say so. Inside a
 * transaction. Sets *number. Returns 0 or -1. */
int ticket_follow_up(struct db *db, struct arena *a, const struct tenant *t, const struct ticket *old,
                     long long actor_id, const char *body, long long *number);

/* Marks the ticket as touched (updated_at) without a new version; inside a transaction. */
int ticket_touch(struct db *db, const struct tenant *t, long long ticket_id);

/* Writes the ticket as the user may see it (customers get customer-facing names, no internal
 * fields); staff see lights (when given) as of now. */
void ticket_write(struct jw *w, const struct tenant *t, const struct principal *user, const struct ticket *tk,
                  const struct light_state *lights, time_t now);

int ticket_list(struct request *r);
int ticket_create(struct request *r);
int ticket_get(struct request *r);
int ticket_patch(struct request *r);
int ticket_transition(struct request *r);
/* POST /tickets/{number}/pipeline: to another pipeline; open stays open, closed stays closed. */
int ticket_move_pipeline(struct request *r);
int ticket_timeline(struct request *r);
/* GET /tickets/{number}/lights: the stored lights, each clock's history from the timeline, and
 * whether replaying the timeline gives the stored instants. Staff only. */
int ticket_lights(struct request *r);

#endif
