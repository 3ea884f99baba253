/* arena: per-request memory; everything allocated is freed in one go by arena_reset(). */
#ifndef CORE_ARENA_H
#define CORE_ARENA_H

#include <stddef.h>

struct arena_chunk;
struct arena_cleanup;

struct arena {
	struct arena_chunk *chunks;
	struct arena_cleanup *cleanups;
	size_t used_total;
};

/* Prepares an empty arena; cannot fail (memory is taken on first use). */
void arena_init(struct arena *a);
/* Runs the registered cleanups (last registered first) and frees every chunk but the first. */
void arena_reset(struct arena *a);
/* Like arena_reset, and frees the first chunk too. */
void arena_release(struct arena *a);

/* Returns zeroed memory aligned for any type, owned by the arena. Aborts when out of memory. */
void *arena_alloc(struct arena *a, size_t size);
/* Copies the first len bytes of s and NUL-terminates; s may hold NULs. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
/* Copies s; NULL gives NULL. */
char *arena_strdup(struct arena *a, const char *s);
/* printf into arena memory. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Calls fn(p) at the next reset: how library objects (json-c, MariaDB results) are tied to a request. */
void arena_defer(struct arena *a, void (*fn)(void *), void *p);

#endif
