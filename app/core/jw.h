/* jw: writes JSON text straight into a buf, for the responses the hot paths send (a ticket, a page
 * of tickets): building a json-c tree of 50 tickets, serialising and freeing it was half a worker's
 * time on a queue page. Commas go in by themselves; strings are escaped as json-c escapes them
 * (", \, control characters; '/' and UTF-8 left as they are), so both give the same bytes. */
#ifndef CORE_JW_H
#define CORE_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

#define JW_MAX_DEPTH 16

struct jw {
	struct buf *b;
	int depth;
	bool need_comma[JW_MAX_DEPTH + 1]; /* a value was written at this depth */
	bool after_key;                    /* the next value belongs to a key just written */
};

/* Writes at the end of b (b is not reset). */
void jw_init(struct jw *w, struct buf *b);
void jw_object(struct jw *w);
void jw_object_end(struct jw *w);
void jw_array(struct jw *w);
void jw_array_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
/* A string value; NULL writes null. */
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, long long v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* A value that is JSON text already, copied as it is: only for text known to be valid (from
 * this writer, json-c, or a JSON column, which MariaDB checks on every write). */
void jw_raw(struct jw *w, const char *json, size_t n);
/* An instant as "YYYY-MM-DDTHH:MM:SSZ" (UTC); 0 writes null. */
void jw_time(struct jw *w, time_t t);

/* Key and value in one call, for objects. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, long long v);
void jw_kbool(struct jw *w, const char *key, bool v);
void jw_knull(struct jw *w, const char *key);
void jw_ktime(struct jw *w, const char *key, time_t t);

#endif
