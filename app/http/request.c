/* request: query-string access. */
#include <stdlib.h>
#include <string.h>

#include "../core/arena.h"
#include "../core/utf8.h"
#include "request.h"

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) (form encoding: '+' is a space) into arena memory; NULL when malformed,
 * not UTF-8, or holding a NUL. */
static char *url_decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return NULL;
			hi = hexdigit(s[i + 1]);
			lo = hexdigit(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (!utf8_valid(out, o))
		return NULL;
	return out;
}

const char *request_query(struct request *r, const char *name, bool *bad)
{
	const char *q = r->query, *found = NULL;
	size_t nl = strlen(name), found_len = 0;

	if (q == NULL)
		return NULL;
	while (*q != '\0') {
		const char *amp = strchr(q, '&');
		size_t len = amp ? (size_t)(amp - q) : strlen(q);

		if (len > nl && q[nl] == '=' && memcmp(q, name, nl) == 0) {
			if (found != NULL) {
				*bad = true; /* the same parameter twice: ambiguous, refuse */
				return NULL;
			}
			found = q + nl + 1;
			found_len = len - nl - 1;
		} else if (len == nl && memcmp(q, name, nl) == 0) {
			if (found != NULL) {
				*bad = true;
				return NULL;
			}
			found = q + nl;
			found_len = 0;
		}
		q += len;
		if (*q == '&')
			q++;
	}
	if (found == NULL)
		return NULL;
	{
		char *v = url_decode(r->a, found, found_len);

		if (v == NULL)
			*bad = true;
		return v;
	}
}

int request_paging(struct request *r, long long def, long long max, long long *limit, long long *cursor)
{
	bool bad = false;
	const char *limit_s = request_query(r, "limit", &bad), *cursor_s = request_query(r, "cursor", &bad);

	*limit = def;
	*cursor = 0;
	if (bad)
		return problem(r, 400, "invalid_parameter", "A query parameter is malformed or given twice.");
	if (limit_s != NULL) {
		size_t n = strlen(limit_s);

		if (n == 0 || n > 18 || strspn(limit_s, "0123456789") != n || strspn(limit_s, "0") == n)
			return problem(r, 400, "invalid_parameter",
			               "limit must be a whole number from 1 to %lld (larger values are capped).", max);
		*limit = n > 6 ? max : atoll(limit_s);
		if (*limit > max)
			*limit = max;
	}
	if (cursor_s != NULL) {
		size_t n = strlen(cursor_s);

		if (n == 0 || n > 15 || cursor_s[0] == '0' || strspn(cursor_s, "0123456789") != n)
			return problem(r, 400, "invalid_parameter", "cursor is not one this API gave out.");
		*cursor = atoll(cursor_s);
	}
	return 0;
}
