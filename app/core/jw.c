/* jw: the JSON writer. Nesting past JW_MAX_DEPTH or an end without its start is a programming
 * error (BUG), as the shapes written are fixed in the code. */
#include "jw.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

void jw_init(struct jw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

/* Before any value: the comma after the previous one, unless it follows its key. */
static void value_start(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		buf_putc(w->b, ',');
	w->need_comma[w->depth] = true;
}

static void begin(struct jw *w, char c)
{
	value_start(w);
	if (w->depth == JW_MAX_DEPTH)
		BUG("jw: nested deeper than %d", JW_MAX_DEPTH);
	w->depth++;
	w->need_comma[w->depth] = false;
	buf_putc(w->b, c);
}

static void finish(struct jw *w, char c)
{
	if (w->depth == 0 || w->after_key)
		BUG("jw: %c without its start or after a key", c);
	w->depth--;
	buf_putc(w->b, c);
}

void jw_object(struct jw *w)
{
	begin(w, '{');
}

void jw_object_end(struct jw *w)
{
	finish(w, '}');
}

void jw_array(struct jw *w)
{
	begin(w, '[');
}

void jw_array_end(struct jw *w)
{
	finish(w, ']');
}

/* The string's characters between quotes: runs that need no escape are copied whole. */
static void escaped(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, s + run, i - run);
		run = i + 1;
		e[0] = '\\';
		switch (c) {
		case '"':
		case '\\':
			e[1] = (char)c;
			break;
		case '\b':
			e[1] = 'b';
			break;
		case '\f':
			e[1] = 'f';
			break;
		case '\n':
			e[1] = 'n';
			break;
		case '\r':
			e[1] = 'r';
			break;
		case '\t':
			e[1] = 't';
			break;
		default:
			memcpy(e + 1, "u00", 3);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			elen = 6;
		}
		buf_append(b, e, elen);
	}
	buf_append(b, s + run, n - run);
	buf_putc(b, '"');
}

void jw_key(struct jw *w, const char *key)
{
	if (w->after_key)
		BUG("jw: two keys in a row");
	value_start(w);
	escaped(w->b, key, strlen(key));
	buf_putc(w->b, ':');
	w->after_key = true;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	value_start(w);
	escaped(w->b, s, n);
}

void jw_raw(struct jw *w, const char *json, size_t n)
{
	value_start(w);
	buf_append(w->b, json, n);
}

void jw_str(struct jw *w, const char *s)
{
	if (s == NULL)
		jw_null(w);
	else
		jw_strn(w, s, strlen(s));
}

void jw_int(struct jw *w, long long v)
{
	char s[24];
	int n = snprintf(s, sizeof(s), "%lld", v);

	value_start(w);
	buf_append(w->b, s, (size_t)n);
}

void jw_bool(struct jw *w, bool v)
{
	value_start(w);
	buf_puts(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
	value_start(w);
	buf_puts(w->b, "null");
}

void jw_time(struct jw *w, time_t t)
{
	char s[32];
	struct tm tm;
	size_t n;

	if (t == 0) {
		jw_null(w);
		return;
	}
	gmtime_r(&t, &tm);
	n = strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	jw_strn(w, s, n);
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_kint(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void jw_kbool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

void jw_knull(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}

void jw_ktime(struct jw *w, const char *key, time_t t)
{
	jw_key(w, key);
	jw_time(w, t);
}
