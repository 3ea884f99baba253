/* fuzz_host: tenant_slug_from_host over a fuzzed Host value, for a few base domains and output
 * sizes. The output buffer is allocated at exactly its stated size so a write past it is caught.
 * Each answer is compared with a plain reference reading: drop ":port" (after the last ':') and
 * one trailing dot; the rest must be "<slug>.<base domain>" ignoring case, with a slug of
 * 1..cap-1 characters from [a-z0-9-] once lower-cased. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../app/tenant/tenant.h"

#define FUZZ_ASSERT(cond, what)                                                               \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_host: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                              \
		}                                                                             \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const bases[] = {"localhost", "portal.example.com", "a"};
static const size_t caps[] = {64, 5, 1};

/* The reference answer: true with the slug in want (at least cap bytes). */
static bool reference(const char *host, const char *base, char *want, size_t cap)
{
	const char *colon = strrchr(host, ':');
	size_t hl = colon ? (size_t)(colon - host) : strlen(host), bl = strlen(base), sl;

	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (hl < bl + 2)
		return false;
	sl = hl - bl - 1;
	if (host[sl] != '.' || strncasecmp(host + sl + 1, base, bl) != 0 || sl >= cap)
		return false;
	for (size_t i = 0; i < sl; i++) {
		char ch = (char)tolower((unsigned char)host[i]);

		if (!(islower((unsigned char)ch) || isdigit((unsigned char)ch) || ch == '-'))
			return false;
		want[i] = ch;
	}
	want[sl] = '\0';
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that reading past the terminating NUL is caught. */
	char *host = malloc(size + 1);

	FUZZ_ASSERT(host != NULL, "out of memory");
	memcpy(host, data, size);
	host[size] = '\0';
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
			char *out = malloc(caps[c]), want[64];
			bool got, expect;

			FUZZ_ASSERT(out != NULL, "out of memory");
			got = tenant_slug_from_host(host, bases[b], out, caps[c]);
			expect = reference(host, bases[b], want, caps[c]);
			FUZZ_ASSERT(got == expect, "the answer differs from the reference");
			if (got)
				FUZZ_ASSERT(strcmp(out, want) == 0, "the slug differs from the reference");
			free(out);
		}
	}
	FUZZ_ASSERT(!tenant_slug_from_host(NULL, "localhost", (char[8]){0}, 8), "a slug from no Host");
	free(host);
	return 0;
}
