/* timeline: the append-only record of every change to a ticket. Each change is recorded once,
 * here, inside the transaction that makes it; whatever reacts to changes hooks in here. */
#ifndef TIMELINE_TIMELINE_H
#define TIMELINE_TIMELINE_H

#include <stdbool.h>
#include <time.h>

struct arena;
struct db;
struct json_object;
struct jw;
struct tenant;

enum timeline_kind {
	EVENT_CREATED,           /* the ticket was raised */
	EVENT_STATUS_CHANGED,    /* {"from","to"} status keys */
	EVENT_ASSIGNED,          /* {"from","to","to_name"} user ids */
	EVENT_UPDATED,           /* {"fields":[...]} */
	EVENT_NOTE_ADDED,        /* {"note_id","visibility"} */
	EVENT_SUPPLIER_ASKED,    /* {"request_id","supplier"} */
	EVENT_SUPPLIER_ANSWERED, /* {"request_id","supplier"} */
	EVENT_LIGHT_CHANGED,     /* {"level","colour"}: recorded by the sweeper */
	EVENT_QUEUED,            /* {"queue","reason"}: waiting in triage or the fallback queue */
	EVENT_RULE_FIRED,        /* {"rule","name","actions"} */
	EVENT_LIGHTS_RECOMPUTED, /* {"reason","levels":[[started,running_since,accrued,amber,red]x3],
	                          * "moved":[level...]}:
	                          * the service levels changed and moved this ticket's clocks */
	EVENT_PIPELINE_CHANGED,  /* {"from_pipeline","to_pipeline","from","to"}: keys */
	EVENT_FOLLOWED_UP,       /* {"ticket"}: the customer's late reply started this new ticket */
	EVENT__MAX
};

/* One change to a ticket, as the things that react to changes see it. */
struct ticket_change {
	const struct tenant *tenant;
	long long ticket_id;
	long long actor_id; /* 0: the system */
	bool by_customer;   /* the actor is the ticket's customer side */
	enum timeline_kind kind;
	bool public_note; /* EVENT_NOTE_ADDED: visible to the customer */
	bool red;         /* EVENT_LIGHT_CHANGED: red (else amber) */
	time_t at;        /* set by timeline_record: the event's instant, UTC seconds */
};

const char *timeline_kind_name(enum timeline_kind k);

/* Appends one event and runs what reacts to it (the traffic lights); data (may be NULL for
 * {}) is consumed. The event records the ticket's priority and status after the change and its
 * instant, which the clocks use too, so they can be replayed from the timeline alone. Must run inside the change's
 * transaction. Returns 0 or -1. */
int timeline_record(struct db *db, struct arena *a, const struct ticket_change *c, struct json_object *data);

/* Holding a change's events back: between timeline_hold and timeline_release, timeline_record
 * runs what reacts to each event at once but keeps its row, and timeline_release writes the rows
 * in one statement, in the order recorded. Each row takes the ticket's priority and status when it
 * is written, so a hold is only for a change in which they stay as they are (a create whose rules
 * leave them alone) and in which nothing reads the ticket's events back. One hold at a time;
 * timeline_drop ends one without writing (the transaction rolls back). */
void timeline_hold(struct arena *a);
int timeline_release(struct db *db);
void timeline_drop(void);

/* One event of timeline_record_batch. */
struct timeline_entry {
	long long ticket_id;
	const char *priority; /* the ticket's priority and status the event records */
	long long status_id;
	const char *data; /* JSON text */
};

/* Appends n events of one kind by the system at instant at, in a few multi-row statements. Only
 * for a kind nothing reacts to (EVENT_LIGHTS_RECOMPUTED; BUG() otherwise), so the events are
 * the whole change. Must run inside the change's transaction. Returns 0 or -1. */
int timeline_record_batch(struct db *db, struct arena *a, const struct tenant *t, enum timeline_kind kind, time_t at,
                          const struct timeline_entry *e, size_t n);

/* Writes the events of one ticket, oldest first, as a JSON array. Returns 0, or -1 with nothing
 * written. */
int timeline_write(struct jw *w, struct db *db, struct arena *a, long long tenant_id, long long ticket_id);

#endif
