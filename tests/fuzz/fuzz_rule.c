/* fuzz_rule: a rule as the admin sends it (a JSON object with "trigger", "conditions", "actions"
 * and, for this harness only, "facts": the ticket fields to evaluate against), parsed by
 * json_parse_strict. Conditions are the "conditions" member, or the whole body when it has none;
 * actions likewise. Properties checked on every input:
 * - rule_conditions_validate and rule_actions_validate return 0 exactly when they recorded no
 *   error; a refusal has at least one error whose pointer lies under the pointer passed in, with
 *   a known code and a message;
 * - conditions are accepted exactly when a plain reference reading finds them well-formed: {} ;
 *   {"all"|"any": 1 to 20 conditions} alone; or exactly field, op and value with a known field
 *   and op, value a string or an integer ("in": a list of strings and integers; greater and
 *   less: on priority, with a priority);
 * - accepted conditions evaluate, for the facts given, for facts taken from the conditions' own
 *   values and for a ticket with nothing set, to what a reference evaluator says; and to the same
 *   answer once stored and read back (serialised, then parsed by json_tokener_parse as the
 *   engine does);
 * - accepted actions are a list of 1 to 10 objects with a type, and the six known types carry
 *   their values (a priority; a status key; a user id; a note of 1 to 2000 bytes of UTF-8); a
 *   list of known actions with such values is accepted;
 * - a trigger name parses to the trigger that names it, and nothing else parses. */
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
#include "../../app/rule/rule.h"

#define FUZZ_ASSERT(cond, what)                                                               \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_rule: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                              \
		}                                                                             \
	} while (0)

#define N(a) (sizeof(a) / sizeof((a)[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fields[] = {"priority", "status", "category", "queue", "subject", "assignee", "visibility"};
static const char *const ops[] = {"equals", "not_equals", "in", "contains", "greater", "less"};
static const char *const priorities[] = {"low", "normal", "high", "urgent"};
static const char *const action_types[] = {"set_priority", "set_status", "set_assignee",
                                           "add_note",     "notify",     "escalate"};

static struct arena arena;

static int index_in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return (int)i;
	return -1;
}

static bool known_code(const char *code)
{
	static const char *const codes[] = {"required",     "too_long",      "too_short",
	                                    "invalid_type", "invalid_value", "unknown_field"};

	return index_in(code, codes, N(codes)) >= 0;
}

static void check_errors(const struct validation *v, int rc, const char *pointer)
{
	size_t n = strlen(pointer);

	FUZZ_ASSERT(rc == 0 || rc == -1, "a validator returned neither 0 nor -1");
	FUZZ_ASSERT((rc == 0) == (v->count == 0), "the result disagrees with the error count");
	FUZZ_ASSERT(v->count >= 0 && v->count <= VALIDATION_MAX_ERRORS, "more errors than the table holds");
	for (int i = 0; i < v->count; i++) {
		const struct field_error *e = &v->errors[i];

		FUZZ_ASSERT(e->pointer != NULL && e->pointer[0] == '/' && strncmp(e->pointer + 1, pointer, n) == 0 &&
		                    (e->pointer[n + 1] == '\0' || e->pointer[n + 1] == '/'),
		            "an error pointer outside the value checked");
		FUZZ_ASSERT(known_code(e->code), "an unknown error code");
		FUZZ_ASSERT(e->message != NULL && e->message[0] != '\0', "an error without a message");
	}
}

static bool scalar(struct json_object *o)
{
	return json_object_is_type(o, json_type_string) || json_object_is_type(o, json_type_int);
}

static const char *member_string(struct json_object *o, const char *key)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, key, &m) || !json_object_is_type(m, json_type_string))
		return NULL;
	return json_object_get_string(m);
}

/* ---- conditions: the reference ---- */

static bool reference_valid(struct json_object *c)
{
	struct json_object *list, *value;
	const char *field, *op;

	if (!json_object_is_type(c, json_type_object))
		return false;
	if (json_object_object_length(c) == 0)
		return true;
	if (json_object_object_length(c) == 1 &&
	    (json_object_object_get_ex(c, "all", &list) || json_object_object_get_ex(c, "any", &list))) {
		if (!json_object_is_type(list, json_type_array) || json_object_array_length(list) < 1 ||
		    json_object_array_length(list) > 20)
			return false;
		for (size_t i = 0; i < json_object_array_length(list); i++)
			if (!reference_valid(json_object_array_get_idx(list, i)))
				return false;
		return true;
	}
	field = member_string(c, "field");
	op = member_string(c, "op");
	if (json_object_object_length(c) != 3 || index_in(field, fields, N(fields)) < 0 ||
	    index_in(op, ops, N(ops)) < 0 || !json_object_object_get_ex(c, "value", &value))
		return false;
	if (strcmp(op, "in") == 0) {
		if (!json_object_is_type(value, json_type_array))
			return false;
		for (size_t i = 0; i < json_object_array_length(value); i++)
			if (!scalar(json_object_array_get_idx(value, i)))
				return false;
		return true;
	}
	if (!scalar(value))
		return false;
	if (strcmp(op, "greater") == 0 || strcmp(op, "less") == 0)
		return strcmp(field, "priority") == 0 && json_object_is_type(value, json_type_string) &&
		       index_in(json_object_get_string(value), priorities, N(priorities)) >= 0;
	return true;
}

/* A value's text: a string as it is, an integer in decimal. */
static const char *value_text(struct json_object *v, char *num, size_t cap)
{
	if (json_object_is_type(v, json_type_int)) {
		snprintf(num, cap, "%lld", (long long)json_object_get_int64(v));
		return num;
	}
	return json_object_get_string(v);
}

/* The ticket's side of a comparison; "none" stands for an empty optional field. */
static const char *fact_text(const struct rule_facts *f, const char *field, char *num, size_t cap)
{
	switch (index_in(field, fields, N(fields))) {
	case 0:
		return f->priority;
	case 1:
		return f->status;
	case 2:
		return f->category != NULL ? f->category : "none";
	case 3:
		return f->queue != NULL ? f->queue : "none";
	case 4:
		return f->subject;
	case 5:
		if (f->assignee_id == 0)
			return "none";
		snprintf(num, cap, "%lld", f->assignee_id);
		return num;
	default:
		return f->visibility != NULL ? f->visibility : "none";
	}
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool contains_folded(const char *hay, const char *needle)
{
	size_t hn = strlen(hay), nn = strlen(needle);

	for (size_t at = 0; at + nn <= hn; at++) {
		size_t k = 0;

		while (k < nn && lower(hay[at + k]) == lower(needle[k]))
			k++;
		if (k == nn)
			return true;
	}
	return false;
}

static bool reference_match(struct json_object *c, const struct rule_facts *f)
{
	struct json_object *list, *value;
	const char *op, *have;
	char num[24], vnum[24];

	if (json_object_object_length(c) == 0)
		return true;
	if (json_object_object_get_ex(c, "all", &list) || json_object_object_get_ex(c, "any", &list)) {
		bool all = json_object_object_get_ex(c, "all", NULL);

		for (size_t i = 0; i < json_object_array_length(list); i++)
			if (reference_match(json_object_array_get_idx(list, i), f) != all)
				return !all;
		return all;
	}
	op = member_string(c, "op");
	json_object_object_get_ex(c, "value", &value);
	have = fact_text(f, member_string(c, "field"), num, sizeof(num));
	if (strcmp(op, "in") == 0) {
		for (size_t i = 0; i < json_object_array_length(value); i++)
			if (have != NULL &&
			    strcmp(have, value_text(json_object_array_get_idx(value, i), vnum, sizeof(vnum))) == 0)
				return true;
		return false;
	}
	if (strcmp(op, "equals") == 0 || strcmp(op, "not_equals") == 0)
		return (have != NULL && strcmp(have, value_text(value, vnum, sizeof(vnum))) == 0) ==
		       (strcmp(op, "equals") == 0);
	if (strcmp(op, "contains") == 0)
		return have != NULL && contains_folded(have, value_text(value, vnum, sizeof(vnum)));
	if (strcmp(op, "greater") == 0)
		return index_in(have, priorities, N(priorities)) >
		       index_in(json_object_get_string(value), priorities, N(priorities));
	return index_in(have, priorities, N(priorities)) <
	       index_in(json_object_get_string(value), priorities, N(priorities));
}

/* Facts that make the conditions' own comparisons true: for each field, the first value a leaf
 * compares it with. Texts are copied into the arena (integers printed). */
static void harvest(struct json_object *c, struct rule_facts *f)
{
	struct json_object *list, *value;
	const char *field, *text;
	char num[24];

	if (json_object_object_get_ex(c, "all", &list) || json_object_object_get_ex(c, "any", &list)) {
		for (size_t i = 0; i < json_object_array_length(list); i++)
			harvest(json_object_array_get_idx(list, i), f);
		return;
	}
	if (json_object_object_length(c) == 0)
		return;
	field = member_string(c, "field");
	json_object_object_get_ex(c, "value", &value);
	if (json_object_is_type(value, json_type_array)) {
		if (json_object_array_length(value) == 0)
			return;
		value = json_object_array_get_idx(value, 0);
	}
	text = arena_strdup(&arena, value_text(value, num, sizeof(num)));
	if (strcmp(field, "priority") == 0)
		f->priority = text;
	else if (strcmp(field, "status") == 0)
		f->status = text;
	else if (strcmp(field, "category") == 0)
		f->category = text;
	else if (strcmp(field, "queue") == 0)
		f->queue = text;
	else if (strcmp(field, "subject") == 0)
		f->subject = text;
	else if (strcmp(field, "visibility") == 0)
		f->visibility = text;
	else if (json_object_is_type(value, json_type_int))
		f->assignee_id = json_object_get_int64(value);
}

/* The "facts" member: strings for the text fields, an integer assignee. */
static void given_facts(struct json_object *body, struct rule_facts *f)
{
	struct json_object *facts, *assignee;
	const char *s;

	if (!json_object_object_get_ex(body, "facts", &facts) || !json_object_is_type(facts, json_type_object))
		return;
	if ((s = member_string(facts, "priority")) != NULL)
		f->priority = s;
	if ((s = member_string(facts, "status")) != NULL)
		f->status = s;
	if ((s = member_string(facts, "subject")) != NULL)
		f->subject = s;
	f->category = member_string(facts, "category");
	f->queue = member_string(facts, "queue");
	f->visibility = member_string(facts, "visibility");
	if (json_object_object_get_ex(facts, "assignee", &assignee) && json_object_is_type(assignee, json_type_int))
		f->assignee_id = json_object_get_int64(assignee);
}

static void check_conditions(struct json_object *body, struct json_object *c)
{
	static const struct rule_facts nothing = {.priority = "normal", .status = "new", .subject = ""};
	struct rule_facts sets[3] = {nothing, nothing, nothing};
	struct validation v;
	struct json_object *stored;
	int rc;

	memset(&v, 0, sizeof(v));
	rc = rule_conditions_validate(&arena, c, "rules/0/conditions", &v);
	check_errors(&v, rc, "rules/0/conditions");
	FUZZ_ASSERT((rc == 0) == reference_valid(c), "conditions judged unlike the reference");
	if (rc != 0)
		return;
	given_facts(body, &sets[1]);
	harvest(c, &sets[2]);
	stored = json_tokener_parse(json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN));
	FUZZ_ASSERT(stored != NULL, "accepted conditions do not read back");
	for (size_t i = 0; i < N(sets); i++) {
		bool m = rule_conditions_match(c, &sets[i]);

		FUZZ_ASSERT(m == reference_match(c, &sets[i]), "conditions evaluate unlike the reference");
		FUZZ_ASSERT(m == rule_conditions_match(stored, &sets[i]), "stored conditions evaluate differently");
	}
	json_object_put(stored);
}

/* ---- actions ---- */

/* Whether a known action's value is what its type takes. */
static bool action_value_ok(const char *type, struct json_object *value)
{
	switch (index_in(type, action_types, N(action_types))) {
	case 0:
		return json_object_is_type(value, json_type_string) &&
		       index_in(json_object_get_string(value), priorities, N(priorities)) >= 0;
	case 1:
		return json_object_is_type(value, json_type_string);
	case 2:
	case 4:
		return json_object_is_type(value, json_type_int);
	case 3:
		return json_object_is_type(value, json_type_string) && json_object_get_string_len(value) >= 1 &&
		       json_object_get_string_len(value) <= 2000 &&
		       utf8_valid(json_object_get_string(value), (size_t)json_object_get_string_len(value));
	default:
		return true;
	}
}

static void check_actions(struct json_object *actions)
{
	struct validation v;
	bool shaped = json_object_is_type(actions, json_type_array) && json_object_array_length(actions) >= 1 &&
	              json_object_array_length(actions) <= 10,
	     sound = shaped;
	int rc;

	memset(&v, 0, sizeof(v));
	rc = rule_actions_validate(&arena, actions, "rules/0/actions", &v);
	check_errors(&v, rc, "rules/0/actions");
	FUZZ_ASSERT(rc == -1 || shaped, "an accepted action list of the wrong shape");
	for (size_t i = 0; shaped && i < json_object_array_length(actions); i++) {
		struct json_object *a = json_object_array_get_idx(actions, i), *value = NULL;
		const char *type = NULL;

		if (json_object_is_type(a, json_type_object)) {
			type = member_string(a, "type");
			json_object_object_get_ex(a, "value", &value);
		}
		FUZZ_ASSERT(rc == -1 || (type != NULL && type[0] != '\0'), "an accepted action without a type");
		FUZZ_ASSERT(rc == -1 || action_value_ok(type, value), "an accepted action with the wrong value");
		sound = sound && index_in(type, action_types, N(action_types)) >= 0 && action_value_ok(type, value);
	}
	FUZZ_ASSERT(rc == 0 || !sound, "a sound list of known actions was refused");
}

/* ---- triggers ---- */

static void check_trigger(struct json_object *body)
{
	const char *name = member_string(body, "trigger");
	enum rule_trigger t;

	for (int i = 0; i < TRIGGER__MAX; i++)
		FUZZ_ASSERT(rule_trigger_parse(rule_trigger_name((enum rule_trigger)i)) == (enum rule_trigger)i,
		            "a trigger's name does not parse back");
	FUZZ_ASSERT(strcmp(rule_trigger_name(TRIGGER__MAX), "unknown") == 0, "the sentinel has a name");
	if (name == NULL)
		return;
	t = rule_trigger_parse(name);
	FUZZ_ASSERT(t == TRIGGER__MAX || strcmp(rule_trigger_name(t), name) == 0, "a trigger parsed from another name");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *reason = NULL;
	struct json_object *body = json_parse_strict(&arena, (const char *)data, size, &reason), *c, *actions;

	if (body == NULL)
		goto done;
	if (!json_object_is_type(body, json_type_object) || !json_object_object_get_ex(body, "conditions", &c))
		c = body;
	if (!json_object_is_type(body, json_type_object) || !json_object_object_get_ex(body, "actions", &actions))
		actions = body;
	check_conditions(body, c);
	check_actions(actions);
	if (json_object_is_type(body, json_type_object))
		check_trigger(body);
done:
	arena_reset(&arena);
	return 0;
}
