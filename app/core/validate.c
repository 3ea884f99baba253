/* validate: one pass over the spec table, then one over the body's keys for unknown fields. */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "json.h"
#include "utf8.h"

void validation_add(struct validation *v, struct arena *a, const char *field, const char *code, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	if (v->count >= VALIDATION_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->errors[v->count].pointer = arena_printf(a, "/%s", field);
	v->errors[v->count].code = code;
	v->errors[v->count].message = arena_strdup(a, msg);
	v->count++;
}

int validate_string(struct arena *a, const struct field_spec *spec, const char *s, size_t len, struct validation *v)
{
	size_t chars;

	if (!utf8_valid(s, len)) {
		validation_add(v, a, spec->name, "invalid_value", "%s must be valid UTF-8 without NUL characters",
		               spec->name);
		return -1;
	}
	chars = utf8_chars(s, len);
	if (chars < spec->min_chars) {
		if (spec->min_chars == 1)
			validation_add(v, a, spec->name, "too_short", "%s must not be empty", spec->name);
		else
			validation_add(v, a, spec->name, "too_short", "%s must be at least %zu characters", spec->name,
			               spec->min_chars);
		return -1;
	}
	if (spec->max_chars != 0 && chars > spec->max_chars) {
		validation_add(v, a, spec->name, "too_long", "%s must be at most %zu characters", spec->name,
		               spec->max_chars);
		return -1;
	}
	return 0;
}

static const char *const type_names[FIELD__MAX] = {
        "a string",   /* FIELD_STRING */
        "an integer", /* FIELD_ID */
        "a string",   /* FIELD_ENUM */
        "a boolean",  /* FIELD_BOOL */
        "an object",  /* FIELD_OBJECT */
        "an array",   /* FIELD_ARRAY */
        "an integer", /* FIELD_INT */
};

static void check_one(struct arena *a, const struct field_spec *spec, struct json_object *val, struct field_value *out,
                      struct validation *v)
{
	switch (spec->type) {
	case FIELD_STRING:
		if (!json_object_is_type(val, json_type_string))
			break;
		out->str = json_object_get_string(val);
		out->len = (size_t)json_object_get_string_len(val);
		validate_string(a, spec, out->str, out->len, v);
		return;
	case FIELD_ID:
		if (!json_object_is_type(val, json_type_int))
			break;
		out->id = json_object_get_int64(val);
		if (out->id <= 0 || out->id > JSON_MAX_SAFE_INT)
			validation_add(v, a, spec->name, "invalid_value", "%s must be a positive integer", spec->name);
		return;
	case FIELD_ENUM:
		if (!json_object_is_type(val, json_type_string))
			break;
		out->str = json_object_get_string(val);
		out->len = (size_t)json_object_get_string_len(val);
		for (int i = 0; spec->choices[i] != NULL; i++)
			if (strlen(spec->choices[i]) == out->len && memcmp(spec->choices[i], out->str, out->len) == 0) {
				out->choice = i;
				return;
			}
		{
			char list[256] = "";
			size_t used = 0;

			for (int i = 0; spec->choices[i] != NULL && used < sizeof(list) - 40; i++)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				                         spec->choices[i]);
			validation_add(v, a, spec->name, "invalid_value", "%s must be one of: %s", spec->name, list);
		}
		return;
	case FIELD_BOOL:
		if (!json_object_is_type(val, json_type_boolean))
			break;
		out->boolean = json_object_get_boolean(val);
		return;
	case FIELD_OBJECT:
	case FIELD_ARRAY:
		if (!json_object_is_type(val, spec->type == FIELD_OBJECT ? json_type_object : json_type_array))
			break;
		out->json = val;
		return;
	case FIELD_INT:
		if (!json_object_is_type(val, json_type_int))
			break;
		out->id = json_object_get_int64(val);
		if (out->id < spec->min_value || out->id > spec->max_value)
			validation_add(v, a, spec->name, "invalid_value", "%s must be from %lld to %lld", spec->name,
			               spec->min_value, spec->max_value);
		return;
	case FIELD__MAX:
		break;
	}
	validation_add(v, a, spec->name, "invalid_type", "%s must be %s%s", spec->name,
	               type_names[spec->type < FIELD__MAX ? spec->type : 0], spec->nullable ? " or null" : "");
}

int validate_body(struct arena *a, struct json_object *body, const struct field_spec *specs, size_t n,
                  struct field_value *values, struct validation *v)
{
	memset(values, 0, n * sizeof(*values));
	if (body == NULL || !json_object_is_type(body, json_type_object)) {
		validation_add(v, a, "", "invalid_type", "the body must be a JSON object");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *val = NULL;

		if (!json_object_object_get_ex(body, specs[i].name, &val)) {
			if (specs[i].required)
				validation_add(v, a, specs[i].name, "required", "%s is required", specs[i].name);
			continue;
		}
		values[i].present = true;
		if (val == NULL) {
			values[i].is_null = true;
			if (!specs[i].nullable)
				validation_add(v, a, specs[i].name, "invalid_type", "%s must not be null",
				               specs[i].name);
			continue;
		}
		check_one(a, &specs[i], val, &values[i], v);
	}
	json_object_object_foreach(body, key, unused)
	{
		bool known = false;

		(void)unused;
		for (size_t i = 0; i < n && !known; i++)
			known = strcmp(specs[i].name, key) == 0;
		if (!known)
			validation_add(v, a, key, "unknown_field", "%s is not a field of this request", key);
	}
	return v->count == 0 ? 0 : -1;
}
