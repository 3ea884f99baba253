/* fuzz_pipeline: a body of PUT /api/v1/admin/pipelines/{id} through what the handler does
 * before it touches the database: json_parse_strict, validate_body against the route table's
 * own input spec (app/routes.c), pipeline_def_parse of "statuses", then pipeline_def_validate.
 * Properties checked on every input:
 * - each step returns 0 exactly when it recorded no error, and never records more than
 *   VALIDATION_MAX_ERRORS; every error has a pointer starting with '/' (under /statuses for the
 *   pipeline steps), a known code and a message;
 * - a definition is accepted exactly when a plain reference reading of the statuses array finds
 *   it well-formed: 1 to 30 objects of known fields; key, names, category and colour present;
 *   keys of 1 to 40 of [a-z0-9_], unique; names of 1 to 60 characters; a known category; colour
 *   #rrggbb; entry and require_note booleans; clocks a list of known clock names; transitions a
 *   list of existing keys other than the status's own, none twice (each becomes one row of
 *   status_transitions, whose primary key forbids a repeat); exactly one entry status; at
 *   least one resolved or closed status; every status reachable from the entry;
 * - an accepted definition says what the JSON said: the same keys, names, colour, category,
 *   flags, clock bits and transitions, in order. */
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
#include "../../app/http/route.h"
#include "../../app/pipeline/pipeline_admin.h"

#define FUZZ_ASSERT(cond, what)                                                                   \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "fuzz_pipeline: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                                  \
		}                                                                                 \
	} while (0)

#define N(a) (sizeof(a) / sizeof((a)[0]))

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fields[] = {"key",    "staff_name", "customer_name", "category",   "color",
                                     "clocks", "entry",      "require_note",  "transitions"};
static const char *const categories[] = {"new",      "active", "waiting_customer", "waiting_supplier", "deferred",
                                         "resolved", "closed"};
static const char *const clocks[] = {"response", "supplier", "communication"};

static const struct route *put;
static struct arena arena;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < nroutes && put == NULL; i++)
		if (strcmp(routes[i].name, "admin.pipelines.put") == 0)
			put = &routes[i];
	FUZZ_ASSERT(put != NULL && put->input != NULL && put->ninput == PIPELINE_PUT__MAX,
	            "the route table has no admin.pipelines.put with its input spec");
	return 0;
}

static int index_in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return (int)i;
	return -1;
}

static bool known_code(const char *code)
{
	static const char *const codes[] = {"required",     "too_long",      "too_short",
	                                    "invalid_type", "invalid_value", "unknown_field"};

	return code != NULL && index_in(code, codes, N(codes)) >= 0;
}

static void check_errors(const struct validation *v, int rc, const char *prefix)
{
	FUZZ_ASSERT(rc == 0 || rc == -1, "a step returned neither 0 nor -1");
	FUZZ_ASSERT((rc == 0) == (v->count == 0), "the result disagrees with the error count");
	FUZZ_ASSERT(v->count >= 0 && v->count <= VALIDATION_MAX_ERRORS, "more errors than the table holds");
	for (int i = 0; i < v->count; i++) {
		const struct field_error *e = &v->errors[i];

		FUZZ_ASSERT(e->pointer != NULL && strncmp(e->pointer, prefix, strlen(prefix)) == 0,
		            "an error pointer outside its field");
		FUZZ_ASSERT(known_code(e->code), "an unknown error code");
		FUZZ_ASSERT(e->message != NULL && e->message[0] != '\0', "an error without a message");
	}
}

/* The string member key of o, or NULL when absent or of another type. */
static const char *member_string(struct json_object *o, const char *key)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, key, &m) || !json_object_is_type(m, json_type_string))
		return NULL;
	return json_object_get_string(m);
}

/* Present and not a boolean. */
static bool bad_flag(struct json_object *o, const char *key)
{
	struct json_object *m;

	return json_object_object_get_ex(o, key, &m) && !json_object_is_type(m, json_type_boolean);
}

static bool flag(struct json_object *o, const char *key)
{
	struct json_object *m;

	return json_object_object_get_ex(o, key, &m) && json_object_get_boolean(m);
}

static bool key_shape(const char *k)
{
	size_t n = strlen(k);

	if (n < 1 || n > PIPELINE_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return false;
	return true;
}

static bool name_shape(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && utf8_valid(s, n) && utf8_chars(s, n) <= PIPELINE_NAME_MAX;
}

static bool color_shape(const char *c)
{
	static const char hex[] = "0123456789abcdefABCDEF";

	if (strlen(c) != 7 || c[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (strchr(hex, c[i]) == NULL)
			return false;
	return true;
}

/* The list member key of o (NULL when absent); *bad when present but not a list of strings of
 * at most max entries. */
static struct json_object *string_list(struct json_object *o, const char *key, size_t max, bool *bad)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, key, &m))
		return NULL;
	if (!json_object_is_type(m, json_type_array) || json_object_array_length(m) > max) {
		*bad = true;
		return NULL;
	}
	for (size_t i = 0; i < json_object_array_length(m); i++)
		if (!json_object_is_type(json_object_array_get_idx(m, i), json_type_string))
			*bad = true;
	return m;
}

/* The reference: is the statuses array a well-formed pipeline? */
static bool reference_ok(struct json_object *arr)
{
	size_t n, entries = 0, entry = 0;
	const char *keys[PIPELINE_MAX_STATUSES];
	bool finished = false, reached[PIPELINE_MAX_STATUSES] = {false}, grew = true;

	if (!json_object_is_type(arr, json_type_array))
		return false;
	n = json_object_array_length(arr);
	if (n < 1 || n > PIPELINE_MAX_STATUSES)
		return false;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *list;
		const char *category;
		bool bad = false;

		if (!json_object_is_type(o, json_type_object))
			return false;
		json_object_object_foreach(o, field, unused)
		{
			(void)unused;
			if (index_in(field, fields, N(fields)) < 0)
				return false;
		}
		keys[i] = member_string(o, "key");
		category = member_string(o, "category");
		if (keys[i] == NULL || !key_shape(keys[i]) || member_string(o, "staff_name") == NULL ||
		    !name_shape(member_string(o, "staff_name")) || member_string(o, "customer_name") == NULL ||
		    !name_shape(member_string(o, "customer_name")) || member_string(o, "color") == NULL ||
		    !color_shape(member_string(o, "color")) || category == NULL ||
		    index_in(category, categories, N(categories)) < 0 || bad_flag(o, "entry") ||
		    bad_flag(o, "require_note"))
			return false;
		for (size_t k = 0; k < i; k++)
			if (strcmp(keys[k], keys[i]) == 0)
				return false;
		list = string_list(o, "clocks", SIZE_MAX, &bad);
		for (size_t k = 0; list != NULL && k < json_object_array_length(list); k++)
			if (index_in(json_object_get_string(json_object_array_get_idx(list, k)), clocks, N(clocks)) < 0)
				return false;
		string_list(o, "transitions", PIPELINE_MAX_STATUSES, &bad);
		if (bad)
			return false;
		if (flag(o, "entry")) {
			entries++;
			entry = i;
		}
		if (strcmp(category, "resolved") == 0 || strcmp(category, "closed") == 0)
			finished = true;
	}
	if (entries != 1 || !finished)
		return false;
	/* Transitions name other statuses, each once. */
	for (size_t i = 0; i < n; i++) {
		struct json_object *list = NULL;

		json_object_object_get_ex(json_object_array_get_idx(arr, i), "transitions", &list);
		for (size_t k = 0; list != NULL && k < json_object_array_length(list); k++) {
			const char *to = json_object_get_string(json_object_array_get_idx(list, k));
			bool exists = false;

			for (size_t j = 0; j < n; j++)
				exists = exists || (j != i && strcmp(keys[j], to) == 0);
			if (!exists)
				return false;
			for (size_t j = 0; j < k; j++)
				if (strcmp(json_object_get_string(json_object_array_get_idx(list, j)), to) == 0)
					return false;
		}
	}
	/* Reachability by repeated relaxation: slow and obviously right. */
	reached[entry] = true;
	while (grew) {
		grew = false;
		for (size_t i = 0; i < n; i++) {
			struct json_object *list = NULL;

			if (!reached[i])
				continue;
			json_object_object_get_ex(json_object_array_get_idx(arr, i), "transitions", &list);
			for (size_t k = 0; list != NULL && k < json_object_array_length(list); k++)
				for (size_t j = 0; j < n; j++)
					if (!reached[j] &&
					    strcmp(keys[j],
					           json_object_get_string(json_object_array_get_idx(list, k))) == 0)
						reached[j] = grew = true;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!reached[i])
			return false;
	return true;
}

/* An accepted definition holds what the JSON said. */
static void check_def(struct json_object *arr, const struct pipeline_def *def)
{
	FUZZ_ASSERT(def->nstatuses == json_object_array_length(arr), "a status lost or gained");
	for (size_t i = 0; i < def->nstatuses; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *list = NULL;
		const struct status_def *s = &def->statuses[i];
		unsigned bits = 0;

		FUZZ_ASSERT(strcmp(s->key, member_string(o, "key")) == 0, "the key changed");
		FUZZ_ASSERT(strcmp(s->staff_name, member_string(o, "staff_name")) == 0, "the staff name changed");
		FUZZ_ASSERT(strcmp(s->customer_name, member_string(o, "customer_name")) == 0,
		            "the customer name changed");
		FUZZ_ASSERT(strcmp(s->color, member_string(o, "color")) == 0, "the colour changed");
		FUZZ_ASSERT((int)s->category == index_in(member_string(o, "category"), categories, N(categories)),
		            "the category changed");
		FUZZ_ASSERT(s->entry == flag(o, "entry"), "the entry flag changed");
		FUZZ_ASSERT(s->require_note == flag(o, "require_note"), "the note flag changed");
		if (json_object_object_get_ex(o, "clocks", &list))
			for (size_t k = 0; k < json_object_array_length(list); k++)
				bits |= 1u << index_in(json_object_get_string(json_object_array_get_idx(list, k)),
				                       clocks, N(clocks));
		FUZZ_ASSERT(s->clocks == bits, "the clocks changed");
		list = NULL;
		json_object_object_get_ex(o, "transitions", &list);
		FUZZ_ASSERT(s->nnext == (list ? json_object_array_length(list) : 0), "a transition lost or gained");
		for (size_t k = 0; k < s->nnext; k++)
			FUZZ_ASSERT(strcmp(s->next[k], json_object_get_string(json_object_array_get_idx(list, k))) == 0,
			            "a transition changed");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *reason = NULL;
	struct json_object *body = json_parse_strict(&arena, (const char *)data, size, &reason);
	struct field_value in[PIPELINE_PUT__MAX];
	struct pipeline_def def;
	struct validation v;
	struct json_object *statuses;
	int rc;
	bool expected;

	memset(&v, 0, sizeof(v));
	memset(&def, 0, sizeof(def));
	rc = validate_body(&arena, body, put->input, put->ninput, in, &v);
	check_errors(&v, rc, "/");
	if (rc != 0)
		goto done;
	statuses = in[PIPELINE_PUT_STATUSES].json;
	FUZZ_ASSERT(in[PIPELINE_PUT_STATUSES].present && json_object_is_type(statuses, json_type_array),
	            "a valid body without a statuses list");
	expected = reference_ok(statuses);
	rc = pipeline_def_parse(&arena, statuses, &def, &v);
	check_errors(&v, rc, "/statuses");
	if (rc == 0) {
		rc = pipeline_def_validate(&arena, &def, &v);
		check_errors(&v, rc, "/statuses");
	}
	FUZZ_ASSERT(expected || rc == -1, "a pipeline the reference refuses was accepted");
	FUZZ_ASSERT(!expected || rc == 0, "a pipeline the reference accepts was refused");
	if (rc == 0)
		check_def(statuses, &def);
done:
	arena_reset(&arena);
	return 0;
}
