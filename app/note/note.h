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

int note_list(struct request *r);
int note_create(struct request *r);

#endif
