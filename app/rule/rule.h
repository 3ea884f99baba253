/* rule: the tenant's automation. A rule has a trigger, conditions on the ticket's fields and
 * ordered actions; rules run in order after each change, a rule's own actions never trigger it
 * again, and chains stop at RULE_MAX_DEPTH. */
#ifndef RULE_RULE_H
#define RULE_RULE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;
struct json_object;
struct request;
struct tenant_cache;
struct ticket_change;
struct validation;

#define RULE_MAX_RULES 100
#define RULE_MAX_DEPTH 3
#define RULE_NAME_MAX  100

enum rule_trigger {
	TRIGGER_CREATED,
	TRIGGER_UPDATED,
	TRIGGER_STATUS_CHANGED,
	TRIGGER_NOTE_ADDED,
	TRIGGER_LIGHT_AMBER,
	TRIGGER_LIGHT_RED,
	TRIGGER_TIME_IN_STATUS, /* "minutes" in status "status": fired by the scheduler, once per stay */
	TRIGGER__MAX
};

/* The ticket fields conditions read. */
struct rule_facts {
	const char *priority;
	const char *status;   /* key */
	const char *category; /* NULL: none */
	const char *queue;    /* NULL: none */
	const char *subject;
	long long assignee_id;  /* 0: none */
	const char *visibility; /* note_added: "internal" or "public" */
};

const char *rule_trigger_name(enum rule_trigger t);
enum rule_trigger rule_trigger_parse(const char *s);

/* Checks a condition tree: {"all":[...]} / {"any":[...]} / {"field","op","value"} with fields
 * priority, status, category, queue, subject, assignee, visibility and ops equals, not_equals,
 * in, contains, greater, less (greater/less order priorities low < normal < high < urgent).
 * Returns 0, or -1 with an error at pointer in v. */
int rule_conditions_validate(struct arena *a, struct json_object *c, const char *pointer, struct validation *v);
/* True when facts satisfy the (validated) condition tree; an empty object always matches. */
bool rule_conditions_match(struct json_object *c, const struct rule_facts *f);
/* Checks an action list: set_priority, set_status, set_assignee, add_note, notify, escalate. */
int rule_actions_validate(struct arena *a, struct json_object *actions, const char *pointer, struct validation *v);

/* Whether a saved rule leaves routing alone: its actions only add notes, tags and notifications
 * (nothing the router reads: priority, status, team, assignee) and its conditions read neither
 * the assignee nor the queue (what routing decides). Text as stored, validated when saved;
 * anything unreadable counts as not. */
bool rule_leaves_routing(const char *conditions, const char *actions);

/* Runs the tenant's rules for a change (inside its transaction). 0 or -1. */
int rule_on_change(struct db *db, struct arena *a, const struct ticket_change *c);

/* The facts of a ticket just written, from the create that wrote them, so the first rules that
 * run for it need not read it back: used once, by the next rule_on_change for that ticket while
 * no action has changed what conditions read. category may be NULL; strings are copied into a.
 * rule_facts_forget drops them (the create calls it as it ends, however it ends). */
void rule_facts_seed(struct arena *a, long long ticket_id, const char *priority, const char *status_key,
                     const char *category, const char *subject, long long assignee_id, long long number,
                     long long status_id);
void rule_facts_forget(void);

/* One pass of the time-based rules over all tenants (the scheduler, under its lease): each
 * ticket that has stayed long enough in the rule's status fires the rule once for that stay,
 * recorded in rule_firings in the same transaction. Returns firings, or -1. */
long long rule_sweep_time(struct db *db, struct arena *a, struct tenant_cache *tenants);

/* GET and PUT /admin/rules (the whole ordered list). */
int rule_admin_list(struct request *r);
int rule_admin_put(struct request *r);

enum rule_put_field { RULE_PUT_RULES, RULE_PUT__MAX };

#endif
