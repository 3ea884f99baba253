/* fuzz_validate: a body parsed by json_parse_strict and checked by validate_body, against spec
 * tables shaped like the route table's (ticket create and patch: strings with character limits,
 * an enum, ids, a nullable id; plus a boolean, an object and an array). Properties checked on
 * every input:
 * - validate_body returns 0 exactly when it recorded no error, and never more than
 *   VALIDATION_MAX_ERRORS; every error has a pointer starting with '/', a known code, a message;
 * - a valid body's values keep their promises: strings are NUL-free UTF-8 within the character
 *   limits, an enum's choice names the string, an id is a positive safe integer, and every
 *   required field is present;
 * - a body with a key outside the table is never valid. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../app/core/arena.h"
#include "../../app/core/json.h"
#include "../../app/core/utf8.h"
#include "../../app/core/validate.h"

#define FUZZ_ASSERT(cond, what)                                                                   \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "fuzz_validate: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                                  \
		}                                                                                 \
	} while (0)

#define N(a) (sizeof(a) / sizeof((a)[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const priorities[] = {"low", "normal", "high", "urgent", NULL};

/* As tickets.create in app/routes.c. */
static const struct field_spec create_spec[] = {
        {.name = "subject", .type = FIELD_STRING, .required = true, .min_chars = 1, .max_chars = 200},
        {.name = "description", .type = FIELD_STRING, .max_chars = 20000},
        {.name = "priority", .type = FIELD_ENUM, .choices = priorities},
        {.name = "customer_id", .type = FIELD_ID},
};

/* As tickets.update, plus a boolean, a short string with a minimum above one character, an
 * object and an array (the handler checks what they hold). */
static const struct field_spec patch_spec[] = {
        {.name = "subject", .type = FIELD_STRING, .min_chars = 1, .max_chars = 200},
        {.name = "priority", .type = FIELD_ENUM, .choices = priorities},
        {.name = "assignee_id", .type = FIELD_ID, .nullable = true},
        {.name = "notify", .type = FIELD_BOOL},
        {.name = "code", .type = FIELD_STRING, .nullable = true, .min_chars = 3, .max_chars = 5},
        {.name = "settings", .type = FIELD_OBJECT},
        {.name = "tags", .type = FIELD_ARRAY, .nullable = true},
        {.name = "capacity", .type = FIELD_INT, .min_value = 0, .max_value = 10000},
};

static const struct {
	const struct field_spec *specs;
	size_t n;
} tables[] = {
        {create_spec, N(create_spec)},
        {patch_spec, N(patch_spec)},
};

static struct arena arena;

static bool known_code(const char *code)
{
	static const char *const codes[] = {"required",     "too_long",      "too_short",
	                                    "invalid_type", "invalid_value", "unknown_field"};

	for (size_t i = 0; i < N(codes); i++)
		if (code != NULL && strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

static bool has_unknown_key(struct json_object *body, const struct field_spec *specs, size_t n)
{
	json_object_object_foreach(body, key, unused)
	{
		bool known = false;

		(void)unused;
		for (size_t i = 0; i < n && !known; i++)
			known = strcmp(specs[i].name, key) == 0;
		if (!known)
			return true;
	}
	return false;
}

static void check_valid_values(const struct field_spec *specs, size_t n, const struct field_value *values)
{
	for (size_t i = 0; i < n; i++) {
		const struct field_spec *s = &specs[i];
		const struct field_value *v = &values[i];

		FUZZ_ASSERT(v->present || !s->required, "a valid body lacks a required field");
		if (!v->present)
			continue;
		if (v->is_null) {
			FUZZ_ASSERT(s->nullable, "null accepted for a field that is not nullable");
			continue;
		}
		switch (s->type) {
		case FIELD_STRING:
			FUZZ_ASSERT(v->str != NULL && strlen(v->str) == v->len, "a string holds a NUL");
			FUZZ_ASSERT(utf8_valid(v->str, v->len), "a string is not UTF-8");
			FUZZ_ASSERT(utf8_chars(v->str, v->len) >= s->min_chars, "a string under its minimum");
			FUZZ_ASSERT(s->max_chars == 0 || utf8_chars(v->str, v->len) <= s->max_chars,
			            "a string over its maximum");
			break;
		case FIELD_ENUM:
			FUZZ_ASSERT(v->str != NULL && v->choice >= 0, "an enum without a choice");
			FUZZ_ASSERT(strcmp(s->choices[v->choice], v->str) == 0 && strlen(v->str) == v->len,
			            "an enum's choice does not name its string");
			break;
		case FIELD_ID:
			FUZZ_ASSERT(v->id > 0 && v->id <= JSON_MAX_SAFE_INT, "an id out of range");
			break;
		case FIELD_BOOL:
			FUZZ_ASSERT(v->boolean == true || v->boolean == false, "a boolean");
			break;
		case FIELD_OBJECT:
			FUZZ_ASSERT(json_object_is_type(v->json, json_type_object), "an object field holds no object");
			break;
		case FIELD_INT:
			FUZZ_ASSERT(v->id >= s->min_value && v->id <= s->max_value, "an integer out of its bounds");
			break;
		case FIELD_ARRAY:
			FUZZ_ASSERT(json_object_is_type(v->json, json_type_array), "an array field holds no array");
			break;
		case FIELD__MAX:
			FUZZ_ASSERT(0, "a spec of no type");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *reason = NULL;
	struct json_object *body = json_parse_strict(&arena, (const char *)data, size, &reason);

	for (size_t t = 0; t < N(tables); t++) {
		struct field_value values[8];
		struct validation v;
		int rc;

		memset(&v, 0, sizeof(v));
		rc = validate_body(&arena, body, tables[t].specs, tables[t].n, values, &v);
		FUZZ_ASSERT(rc == 0 || rc == -1, "validate_body returned neither 0 nor -1");
		FUZZ_ASSERT((rc == 0) == (v.count == 0), "the result disagrees with the error count");
		FUZZ_ASSERT(v.count <= VALIDATION_MAX_ERRORS, "more errors than the table holds");
		for (int i = 0; i < v.count; i++) {
			FUZZ_ASSERT(v.errors[i].pointer != NULL && v.errors[i].pointer[0] == '/', "an error pointer");
			FUZZ_ASSERT(known_code(v.errors[i].code), "an unknown error code");
			FUZZ_ASSERT(v.errors[i].message != NULL && v.errors[i].message[0] != '\0', "an error message");
		}
		if (body == NULL || !json_object_is_type(body, json_type_object)) {
			FUZZ_ASSERT(rc == -1, "a body that is not an object passed");
			continue;
		}
		if (has_unknown_key(body, tables[t].specs, tables[t].n))
			FUZZ_ASSERT(rc == -1, "a body with an unknown key passed");
		if (rc == 0)
			check_valid_values(tables[t].specs, tables[t].n, values);
	}
	arena_reset(&arena);
	return 0;
}
