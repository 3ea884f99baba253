/* note: worknotes on a ticket, internal or public, append-only. */
#ifndef NOTE_NOTE_H
#define NOTE_NOTE_H

struct request;

#define NOTE_BODY_MAX 20000

enum note_visibility {
	NOTE_INTERNAL, /* staff only */
	NOTE_PUBLIC,   /* the customer sees it */
	NOTE__MAX
};

/* NULL-terminated names, parallel to enum note_visibility, for input specs. */
extern const char *const note_visibility_names[NOTE__MAX + 1];

/* Fields of POST /tickets/{number}/notes. */
enum note_create_field {
	NOTE_CREATE_BODY,
	NOTE_CREATE_VISIBILITY,
	NOTE_CREATE_OVERRIDE, /* post despite the neutral-language check; recorded on the timeline */
	NOTE_CREATE__MAX
};

struct arena;
struct db;
struct json_object;
struct ticket_change;

/* Stores a worknote (public when c->public_note) for c->ticket_id and records it on the
 * timeline, inside the caller's transaction. override (the listed words the author kept, or
 * NULL) is consumed. Sets *note_id. 0 or -1. */
int note_store(struct db *db, struct arena *a, const struct ticket_change *c, const char *body,
               struct json_object *override, long long *note_id);

int note_list(struct request *r);
int note_create(struct request *r);

#endif
