/* fuzz_json: the strict scanner in front of json-c (json_strict_check, json_parse_strict).
 * Properties checked on every input:
 * - a refusal always carries a reason, and both entry points agree on accept or refuse;
 * - whatever the scanner accepts, json-c accepts too (json_parse_strict gives an object);
 * - an accepted document has no duplicate keys: json-c keeps the last of duplicates, so the
 *   members found by walking the parsed tree must number exactly the ':' outside strings;
 * - re-serialising (json_to_arena) does not crash and gives text json-c reads back as an
 *   equal value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../app/core/arena.h"
#include "../../app/core/json.h"

#define FUZZ_ASSERT(cond, what)                                                               \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_json: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                              \
		}                                                                             \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct arena arena;

/* Object members in the text: ':' outside strings. Only meaningful for valid JSON. */
static size_t colons_outside_strings(const char *s, size_t len)
{
	size_t n = 0;
	int in_string = 0;

	for (size_t i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = 0;
		} else if (s[i] == '"') {
			in_string = 1;
		} else if (s[i] == ':') {
			n++;
		}
	}
	return n;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Documents the scanner accepts and json_parse_strict may still refuse, harmlessly, since every
 * caller wants an object: a bare number, true, false or null at the top. json-c's tokener,
 * given the exact length, cannot tell whether the token goes on and answers "continue" unless
 * whitespace follows; null parses to json-c's NULL object. */
static int refused_scalar_document(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && is_ws(s[i]))
		i++;
	return i < len && s[i] != '{' && s[i] != '[' && s[i] != '"';
}

/* Object members in the parsed tree, at every depth. */
static size_t members_in_tree(struct json_object *o)
{
	size_t n = 0;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val)
		{
			(void)key;
			n += 1 + members_in_tree(val);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		size_t len = json_object_array_length(o);

		for (size_t i = 0; i < len; i++)
			n += members_in_tree(json_object_array_get_idx(o, i));
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *reason = NULL, *out;
	struct json_object *obj, *again;
	struct json_tokener *tok;
	size_t out_len = 0;
	int rc;

	rc = json_strict_check(text, size, &reason);
	FUZZ_ASSERT(rc == 0 || rc == -1, "json_strict_check returned neither 0 nor -1");
	FUZZ_ASSERT(rc == 0 || reason != NULL, "a refusal without a reason");

	reason = NULL;
	obj = json_parse_strict(&arena, text, size, &reason);
	if (rc == -1) {
		FUZZ_ASSERT(obj == NULL, "json_parse_strict accepted what json_strict_check refused");
		FUZZ_ASSERT(reason != NULL, "json_parse_strict refused without a reason");
		arena_reset(&arena);
		return 0;
	}
	if (obj == NULL) {
		FUZZ_ASSERT(refused_scalar_document(text, size), "the scanner accepted a document json-c refused");
		arena_reset(&arena);
		return 0;
	}
	FUZZ_ASSERT(members_in_tree(obj) == colons_outside_strings(text, size),
	            "an accepted document lost members in json-c (duplicate keys)");

	out = json_to_arena(&arena, obj, &out_len);
	FUZZ_ASSERT(out != NULL, "re-serialising gave NULL");
	FUZZ_ASSERT(strlen(out) == out_len, "re-serialised text holds a NUL");
	tok = json_tokener_new();
	FUZZ_ASSERT(tok != NULL, "json_tokener_new");
	/* With its NUL, as json_tokener_parse does, so a top-level scalar ends. */
	again = json_tokener_parse_ex(tok, out, (int)out_len + 1);
	FUZZ_ASSERT(again != NULL && json_tokener_get_error(tok) == json_tokener_success,
	            "json-c cannot read back its own serialisation");
	FUZZ_ASSERT(json_object_equal(obj, again), "the re-serialised value differs");
	json_object_put(again);
	json_tokener_free(tok);
	arena_reset(&arena);
	return 0;
}
