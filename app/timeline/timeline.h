/* timeline: the append-only record of every change to a ticket. Each change is recorded once,
 * here, inside the transaction that makes it; whatever reacts to changes hooks in here. */
#ifndef TIMELINE_TIMELINE_H
#define TIMELINE_TIMELINE_H

struct arena;
struct db;
struct json_object;

enum timeline_kind {
	EVENT_CREATED,        /* the ticket was raised */
	EVENT_STATUS_CHANGED, /* {"from","to"} status keys */
	EVENT_ASSIGNED,       /* {"from","to","to_name"} user ids */
	EVENT_UPDATED,        /* {"fields":[...]} */
	EVENT_NOTE_ADDED,     /* {"note_id","visibility"} */
	EVENT__MAX
};

const char *timeline_kind_name(enum timeline_kind k);

/* Appends one event; data (may be NULL for {}) is consumed. Must run inside the change's
 * transaction. Returns 0 or -1. */
int timeline_record(struct db *db, long long tenant_id, long long ticket_id, long long actor_id,
                    enum timeline_kind kind, struct json_object *data);

/* The events of one ticket, oldest first, as a JSON array the caller owns. NULL on failure. */
struct json_object *timeline_list(struct db *db, struct arena *a, long long tenant_id, long long ticket_id);

#endif
