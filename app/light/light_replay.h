/* light_replay: a ticket's clocks told again from its timeline alone. The replay runs every
 * recorded event through the same state machine as the live clocks (light_step), keeping
 * what each clock did and which event made it do so; its end state must equal the stored one. */
#ifndef LIGHT_LIGHT_REPLAY_H
#define LIGHT_LIGHT_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "light.h"

struct arena;
struct db;
struct json_object;
struct tenant;

enum clock_what {
	CLOCK_STARTED,       /* a cycle began */
	CLOCK_RESTARTED,     /* a new cycle replaced a running one */
	CLOCK_PAUSED,        /* the status stopped the clock */
	CLOCK_RESUMED,       /* the status let it run again */
	CLOCK_AMBER,         /* it turned amber */
	CLOCK_RED,           /* it turned red */
	CLOCK_BACK_TO_GREEN, /* a change moved a passed instant to the future */
	CLOCK_BACK_TO_AMBER, /* the same for red only */
	CLOCK_STOPPED,       /* the cycle ended: answered, or the ticket closed */
	CLOCK_RESCHEDULED,   /* the service levels changed and moved its due instants */
	CLOCK__MAX
};

/* One thing one clock did. */
struct clock_entry {
	enum light_level level;
	enum clock_what what;
	time_t at;
	long long event_id;     /* the timeline entry that caused it (for amber and red: the one
	                         * that set the instant) */
	const char *event_kind; /* its kind, e.g. "note_added" */
	long long recorded_id;  /* amber and red: the sweeper's light_changed entry, 0 if none */
};

struct light_replay {
	struct light_state state[LEVEL__MAX]; /* the lights as the timeline says they are */
	struct clock_entry *entries;          /* in time order per level; arena-owned */
	size_t nentries;
	size_t nevents; /* timeline entries read */
	bool complete;  /* false: an event predates the recorded inputs (priority, status) or names
	                 * one the tenant no longer has; state and entries stop before it */
};

const char *clock_what_name(enum clock_what w);

/* Replays ticket ticket_id of tenant t from its timeline; amber and red instants up to now are
 * in the history. 0, or -1 on a database failure. */
int light_replay_ticket(struct db *db, struct arena *a, const struct tenant *t, long long ticket_id, time_t now,
                        struct light_replay *out);

/* Whether two stored states are the same to the second. */
bool light_state_equal(const struct light_state *x, const struct light_state *y);

/* {"response":[{"what","at","event":{"id","kind"},"recorded"?:{"id"}}...],"supplier":[...],
 * "communication":[...]}, owned by the caller. */
struct json_object *light_history_json(const struct light_replay *rp);

#endif
