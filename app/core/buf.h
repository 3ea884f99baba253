/* buf: a growable byte string, never NULL once initialised and always NUL-terminated. */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; points at a static "" until the first append */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
/* Frees the storage and leaves an empty buffer. */
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hands the storage to the caller (free() it) and leaves b empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
