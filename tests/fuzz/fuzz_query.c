/* fuzz_query: request_query over a fuzzed query string, for the names the handlers ask for and
 * a few near misses. Each answer is compared with a plain reference reading of the same string:
 * split at '&', a name matches "name" or "name=...", a name given twice is refused, the value is
 * form-decoded ('+' is a space, %XX a byte) and must be NUL-free UTF-8. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/core/arena.h"
#include "../../app/core/utf8.h"
#include "../../app/http/request.h"

#define FUZZ_ASSERT(cond, what)                                                                \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "fuzz_query: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                               \
		}                                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
        "status", "assignee", "customer", "priority", "q", "limit", "cursor", "role", "lim", "q2", "a",
};

static struct arena arena;

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The reference: 0 when name is absent, 1 with the decoded value in out (malloc'd, or NULL when
 * it does not decode), 2 when name appears more than once. */
static int reference(const char *query, const char *name, char **out)
{
	size_t nl = strlen(name);
	const char *p = query, *value = NULL;
	size_t value_len = 0;
	int seen = 0;

	*out = NULL;
	while (*p != '\0') {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);

		if (len >= nl && strncmp(p, name, nl) == 0 && (len == nl || p[nl] == '=')) {
			seen++;
			value = len == nl ? p + nl : p + nl + 1;
			value_len = len == nl ? 0 : len - nl - 1;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	if (seen != 1)
		return seen == 0 ? 0 : 2;
	{
		char *v = malloc(value_len + 1);
		size_t o = 0;

		FUZZ_ASSERT(v != NULL, "out of memory");
		for (size_t i = 0; i < value_len; i++) {
			if (value[i] == '+') {
				v[o++] = ' ';
			} else if (value[i] != '%') {
				v[o++] = value[i];
			} else if (value_len - i >= 3 && hex(value[i + 1]) >= 0 && hex(value[i + 2]) >= 0) {
				v[o++] = (char)(hex(value[i + 1]) * 16 + hex(value[i + 2]));
				i += 2;
			} else {
				free(v);
				return 1;
			}
		}
		if (!utf8_valid(v, o)) {
			free(v);
			return 1;
		}
		v[o] = '\0';
		*out = v;
		return 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that reading past the terminating NUL is caught. */
	char *query = malloc(size + 1);
	struct request r;

	FUZZ_ASSERT(query != NULL, "out of memory");
	memcpy(query, data, size);
	query[size] = '\0';
	memset(&r, 0, sizeof(r));
	r.a = &arena;
	r.query = query;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bool bad = false;
		const char *got = request_query(&r, names[i], &bad);
		char *want = NULL;
		int expect = reference(query, names[i], &want);

		switch (expect) {
		case 0:
			FUZZ_ASSERT(got == NULL && !bad, "an absent parameter was found");
			break;
		case 1:
			if (want == NULL) {
				FUZZ_ASSERT(got == NULL && bad, "a malformed value was not refused");
			} else {
				FUZZ_ASSERT(got != NULL && !bad, "a well-formed value was refused");
				FUZZ_ASSERT(strcmp(got, want) == 0, "the decoded value differs from the reference");
				FUZZ_ASSERT(utf8_valid(got, strlen(got)), "a value is not UTF-8");
			}
			break;
		default:
			FUZZ_ASSERT(got == NULL && bad, "a repeated parameter was not refused");
		}
		free(want);
	}
	/* No query string at all. */
	r.query = NULL;
	{
		bool bad = false;

		FUZZ_ASSERT(request_query(&r, "status", &bad) == NULL && !bad, "a value from no query string");
	}
	free(query);
	arena_reset(&arena);
	return 0;
}
