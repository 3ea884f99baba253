/* fuzz_cookie: auth_cookie_value over a fuzzed Cookie header (the input up to its first NUL, as
 * FastCGI hands it over), for the session cookie's name and a few near misses. Each answer is
 * compared with a plain reference reading: split the header at ';', drop the spaces that open a
 * piece, and the first piece that is "name=" followed by anything gives that anything. Properties
 * checked on every input:
 * - the answer is the reference's, NULL exactly when the reference finds nothing;
 * - a value never holds a ';', and "name=value" occurs in the header;
 * - the session cookie added after the header ("; sp_token=<token>") is found unless the header
 *   already holds one, and a missing header has no cookies. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/auth/auth.h"
#include "../../app/core/arena.h"

#define FUZZ_ASSERT(cond, what)                                                                 \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "fuzz_cookie: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                                \
		}                                                                               \
	} while (0)

#define N(a) (sizeof(a) / sizeof((a)[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SESSION "sp_token"
#define TOKEN   "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2ln"

static const char *const names[] = {SESSION, "sp_toke", "sp_token_", "p_token", "SP_TOKEN", "a", "theme"};

static struct arena arena;

/* The reference: a malloc'd copy of the value, or NULL. */
static char *reference(const char *header, const char *name)
{
	size_t nl = strlen(name);
	const char *piece = header;

	while (piece != NULL) {
		const char *end = strchr(piece, ';'), *p = piece;
		size_t len;

		while (*p == ' ')
			p++;
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=')
			return strndup(p + nl + 1, len - nl - 1);
		piece = end != NULL ? end + 1 : NULL;
	}
	return NULL;
}

static void check(const char *header, const char *name)
{
	const char *got = auth_cookie_value(&arena, header, name);
	char *want = reference(header, name);

	FUZZ_ASSERT((got == NULL) == (want == NULL), "found where the reference finds nothing, or the reverse");
	if (got != NULL) {
		char *pair = malloc(strlen(name) + strlen(got) + 2);

		FUZZ_ASSERT(pair != NULL, "out of memory");
		sprintf(pair, "%s=%s", name, got);
		FUZZ_ASSERT(strcmp(got, want) == 0, "a value unlike the reference's");
		FUZZ_ASSERT(strchr(got, ';') == NULL, "a value holds a ';'");
		FUZZ_ASSERT(strstr(header, pair) != NULL, "name=value is not in the header");
		free(pair);
	}
	free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = strnlen((const char *)data, size);
	char *header = malloc(len + sizeof("; " SESSION "=" TOKEN));
	char *own;
	const char *got;

	FUZZ_ASSERT(header != NULL, "out of memory");
	memcpy(header, data, len);
	header[len] = '\0';
	for (size_t i = 0; i < N(names); i++)
		check(header, names[i]);

	/* The browser's own cookie after whatever else it sends. */
	own = reference(header, SESSION);
	strcat(header, "; " SESSION "=" TOKEN);
	got = auth_cookie_value(&arena, header, SESSION);
	FUZZ_ASSERT(got != NULL, "the session cookie is not found");
	FUZZ_ASSERT(own != NULL || strcmp(got, TOKEN) == 0, "the session cookie reads back changed");
	free(own);

	FUZZ_ASSERT(auth_cookie_value(&arena, NULL, SESSION) == NULL, "a missing header has a cookie");
	free(header);
	arena_reset(&arena);
	return 0;
}
