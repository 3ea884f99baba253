/* arena: a bump allocator over a list of chunks, with deferred cleanups. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define ARENA_CHUNK_SIZE (64 * 1024)
#define ARENA_ALIGN      16

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	unsigned char data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *);
	void *p;
};

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

static struct arena_chunk *chunk_new(size_t want)
{
	size_t size = want > ARENA_CHUNK_SIZE ? want : ARENA_CHUNK_SIZE;
	struct arena_chunk *c = malloc(sizeof(*c) + size);

	if (c == NULL)
		BUG("out of memory (%zu bytes)", size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->chunks;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (need < size)
		BUG("arena allocation overflow");
	if (c == NULL || c->size - c->used < need) {
		struct arena_chunk *n = chunk_new(need);

		if (c != NULL && need > ARENA_CHUNK_SIZE / 4) {
			/* Big blocks go behind the current chunk so its free space stays usable. */
			n->next = c->next;
			c->next = n;
			c = n;
		} else {
			n->next = c;
			a->chunks = n;
			c = n;
		}
	}
	p = c->data + c->used;
	c->used += need;
	a->used_total += need;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		BUG("vsnprintf failed");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));

	c->fn = fn;
	c->p = p;
	c->next = a->cleanups;
	a->cleanups = c;
}

static void run_cleanups(struct arena *a)
{
	/* A cleanup may not allocate from the arena, so the list is detached first. */
	struct arena_cleanup *c = a->cleanups;

	a->cleanups = NULL;
	for (; c != NULL; c = c->next)
		c->fn(c->p);
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next, *keep = NULL;

	run_cleanups(a);
	for (c = a->chunks; c != NULL; c = next) {
		next = c->next;
		if (keep == NULL && c->size == ARENA_CHUNK_SIZE)
			keep = c;
		else
			free(c);
	}
	if (keep != NULL) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->chunks = keep;
	a->used_total = 0;
}

void arena_release(struct arena *a)
{
	arena_reset(a);
	free(a->chunks);
	a->chunks = NULL;
}
