/* fuzz_route: route_match over the real route table (app/routes.c) with fuzzed paths and
 * methods; the first byte picks the method (METHOD__MAX included), the rest is the path.
 * Each answer is compared with a plain reference reading of the table: a pattern matches when
 * its literal text matches and each {number} or {id} takes the whole run of digits there, 1 to
 * 15 of them without a leading zero; the first route whose pattern matches and whose method fits
 * (HEAD may use GET) wins; otherwise *path_known says whether some pattern matched under another
 * method. The numbers returned must print back, in the pattern, to the same path.
 * http_method_parse is checked on the path text as well. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/http/route.h"

#define FUZZ_ASSERT(cond, what)                                                                \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "fuzz_route: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                               \
		}                                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const placeholders[] = {"{number}", "{id}"};

/* The placeholder pattern starts with, as an index into placeholders, or -1. */
static int placeholder_at(const char *pattern)
{
	for (int i = 0; i < 2; i++)
		if (strncmp(pattern, placeholders[i], strlen(placeholders[i])) == 0)
			return i;
	return -1;
}

/* The reference: does path match pattern, and with which values (0 when absent). */
static int reference_match(const char *pattern, const char *path, long long values[2])
{
	values[0] = values[1] = 0;
	while (*pattern != '\0') {
		int ph = placeholder_at(pattern);
		size_t digits = strspn(path, "0123456789");

		if (ph < 0) {
			if (*pattern++ != *path++)
				return 0;
			continue;
		}
		if (digits == 0 || digits > 15 || path[0] == '0')
			return 0;
		values[ph] = 0;
		for (size_t i = 0; i < digits; i++)
			values[ph] = values[ph] * 10 + (path[i] - '0');
		path += digits;
		pattern += strlen(placeholders[ph]);
	}
	return *path == '\0';
}

/* The pattern with its placeholders replaced by the values. */
static void print_back(const char *pattern, const long long values[2], char *out, size_t cap)
{
	size_t n = 0;

	while (*pattern != '\0' && n + 20 < cap) {
		int ph = placeholder_at(pattern);

		if (ph < 0) {
			out[n++] = *pattern++;
			continue;
		}
		n += (size_t)snprintf(out + n, cap - n, "%lld", values[ph]);
		pattern += strlen(placeholders[ph]);
	}
	out[n] = '\0';
}

static int method_fits(enum http_method route_method, enum http_method m)
{
	return route_method == m || (m == METHOD_HEAD && route_method == METHOD_GET);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum http_method method;
	char *path;
	const struct route *got, *want = NULL;
	long long number = -1, id = -1, want_values[2] = {0, 0};
	int path_known = -1, want_known = 0;

	if (size == 0)
		return 0;
	method = (enum http_method)(data[0] % (METHOD__MAX + 1));
	/* An exact-size copy, so that reading past the terminating NUL is caught. */
	path = malloc(size);
	FUZZ_ASSERT(path != NULL, "out of memory");
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';

	for (size_t i = 0; i < nroutes && want == NULL; i++) {
		long long values[2];

		if (!reference_match(routes[i].pattern, path, values))
			continue;
		if (method_fits(routes[i].method, method)) {
			want = &routes[i];
			memcpy(want_values, values, sizeof(values));
		} else {
			want_known = 1;
		}
	}
	got = route_match(method, path, &number, &id, &path_known);
	FUZZ_ASSERT(got == want, "route_match chose another route than the reference");
	if (got == NULL) {
		FUZZ_ASSERT(path_known == want_known, "path_known differs from the reference");
	} else {
		long long values[2] = {number, id};
		char printed[1024];

		FUZZ_ASSERT(number == want_values[0] && id == want_values[1], "the numbers differ from the reference");
		print_back(got->pattern, values, printed, sizeof(printed));
		FUZZ_ASSERT(strcmp(printed, path) == 0, "the numbers do not print back to the path");
	}

	/* The path text as a method name: parse and name must agree. */
	{
		enum http_method m = http_method_parse(path);

		if (m < METHOD__MAX)
			FUZZ_ASSERT(strcmp(http_method_name(m), path) == 0, "a method parsed from another name");
		else
			for (int i = 0; i < METHOD__MAX; i++)
				FUZZ_ASSERT(strcmp(http_method_name((enum http_method)i), path) != 0,
				            "a method name was not parsed");
		FUZZ_ASSERT(strcmp(http_method_name(METHOD__MAX), "?") == 0, "the name of no method");
	}
	free(path);
	return 0;
}
