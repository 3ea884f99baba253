/* test_validate: field specs, character limits, unknown fields. */
#include "../../app/core/arena.h"
#include "../../app/core/json.h"
#include "../../app/core/validate.h"
#include "unit.h"

static const char *const colours[] = {"red", "green", NULL};
static const struct field_spec specs[] = {
        {.name = "subject", .type = FIELD_STRING, .required = true, .min_chars = 1, .max_chars = 5},
        {.name = "id", .type = FIELD_ID, .nullable = true},
        {.name = "colour", .type = FIELD_ENUM, .choices = colours},
};

static int run(const char *body, struct validation *v, struct field_value *vals, struct arena *a)
{
	const char *reason;
	struct json_object *o = json_parse_strict(a, body, strlen(body), &reason);

	memset(v, 0, sizeof(*v));
	return validate_body(a, o, specs, 3, vals, v);
}

static void limits_count_characters(void)
{
	struct arena a;
	struct validation v;
	struct field_value vals[3];

	arena_init(&a);
	/* five characters, fourteen bytes: accepted */
	CHECK_INT(run("{\"subject\":\"\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5\xE6\x95\x85"
	              "ab\"}",
	              &v, vals, &a),
	          0);
	CHECK_INT(vals[0].len, 13);
	/* six characters: too long */
	CHECK_INT(run("{\"subject\":\"\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5\xE6\x95\x85"
	              "abc\"}",
	              &v, vals, &a),
	          -1);
	CHECK_STR(v.errors[0].code, "too_long");
	CHECK_STR(v.errors[0].pointer, "/subject");
	CHECK_INT(run("{\"subject\":\"\"}", &v, vals, &a), -1);
	CHECK_STR(v.errors[0].code, "too_short");
	arena_release(&a);
}

static void types_and_unknown_fields(void)
{
	struct arena a;
	struct validation v;
	struct field_value vals[3];

	arena_init(&a);
	CHECK_INT(run("{\"subject\":5}", &v, vals, &a), -1);
	CHECK_STR(v.errors[0].code, "invalid_type");
	CHECK_INT(run("{}", &v, vals, &a), -1);
	CHECK_STR(v.errors[0].code, "required");
	CHECK_INT(run("{\"subject\":\"a\",\"extra\":1}", &v, vals, &a), -1);
	CHECK_STR(v.errors[0].code, "unknown_field");
	CHECK_STR(v.errors[0].pointer, "/extra");
	CHECK_INT(run("{\"subject\":\"a\",\"id\":null,\"colour\":\"green\"}", &v, vals, &a), 0);
	CHECK(vals[1].is_null);
	CHECK_INT(vals[2].choice, 1);
	CHECK_INT(run("{\"subject\":\"a\",\"colour\":\"blue\"}", &v, vals, &a), -1);
	CHECK_STR(v.errors[0].code, "invalid_value");
	CHECK_INT(run("{\"subject\":\"a\",\"id\":-1}", &v, vals, &a), -1);
	CHECK_INT(run("{\"subject\":\"a\",\"id\":1.5}", &v, vals, &a), -1);
	CHECK_INT(run("[1]", &v, vals, &a), -1);
	arena_release(&a);
}

static void integers_within_bounds(void)
{
	static const struct field_spec capacity[] = {
	        {.name = "capacity", .type = FIELD_INT, .min_value = 0, .max_value = 10},
	};
	struct arena a;
	struct validation v;
	struct field_value val;
	const char *reason;

	arena_init(&a);
	memset(&v, 0, sizeof(v));
	CHECK_INT(validate_body(&a, json_parse_strict(&a, "{\"capacity\":0}", 14, &reason), capacity, 1, &val, &v), 0);
	CHECK_INT(val.id, 0);
	memset(&v, 0, sizeof(v));
	CHECK_INT(validate_body(&a, json_parse_strict(&a, "{\"capacity\":10}", 15, &reason), capacity, 1, &val, &v), 0);
	CHECK_INT(val.id, 10);
	memset(&v, 0, sizeof(v));
	CHECK_INT(validate_body(&a, json_parse_strict(&a, "{\"capacity\":11}", 15, &reason), capacity, 1, &val, &v),
	          -1);
	CHECK_STR(v.errors[0].code, "invalid_value");
	CHECK_STR(v.errors[0].message, "capacity must be from 0 to 10");
	memset(&v, 0, sizeof(v));
	CHECK_INT(validate_body(&a, json_parse_strict(&a, "{\"capacity\":-1}", 15, &reason), capacity, 1, &val, &v),
	          -1);
	memset(&v, 0, sizeof(v));
	CHECK_INT(validate_body(&a, json_parse_strict(&a, "{\"capacity\":\"3\"}", 16, &reason), capacity, 1, &val, &v),
	          -1);
	CHECK_STR(v.errors[0].code, "invalid_type");
	arena_release(&a);
}

const struct unit_case validate_cases[] = {
        {"validate: limits count characters, not bytes", limits_count_characters},
        {"validate: integers within their bounds", integers_within_bounds},
        {"validate: types, required and unknown fields", types_and_unknown_fields},
        {NULL, NULL},
};
