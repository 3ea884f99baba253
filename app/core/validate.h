/* validate: typed checking of a JSON body against a table of field specs, before any handler runs. */
#ifndef CORE_VALIDATE_H
#define CORE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct json_object;

enum field_type {
	FIELD_STRING, /* UTF-8 text, limits in characters */
	FIELD_ID,     /* positive integer id */
	FIELD_ENUM,   /* one of spec->choices */
	FIELD_BOOL,   /* true or false */
	FIELD_OBJECT, /* a JSON object, checked by the handler */
	FIELD_ARRAY,  /* a JSON array, checked by the handler */
	FIELD_INT,    /* an integer from min_value to max_value */
	FIELD__MAX
};

struct field_spec {
	const char *name;
	enum field_type type;
	bool required;
	bool nullable;
	size_t min_chars;           /* FIELD_STRING */
	size_t max_chars;           /* FIELD_STRING */
	const char *const *choices; /* FIELD_ENUM, NULL-terminated */
	long long min_value;        /* FIELD_INT */
	long long max_value;        /* FIELD_INT */
};

struct field_value {
	bool present;
	bool is_null;
	const char *str; /* FIELD_STRING and FIELD_ENUM; NUL-free, owned by the parsed JSON */
	size_t len;
	long long id;             /* FIELD_ID and FIELD_INT */
	int choice;               /* FIELD_ENUM: index into choices */
	bool boolean;             /* FIELD_BOOL */
	struct json_object *json; /* FIELD_OBJECT and FIELD_ARRAY: owned by the parsed body */
};

#define VALIDATION_MAX_ERRORS 16

struct field_error {
	const char *pointer; /* JSON pointer, e.g. "/subject" */
	const char *code;    /* required, too_long, too_short, invalid_type, invalid_value, unknown_field */
	const char *message;
};

struct validation {
	struct field_error errors[VALIDATION_MAX_ERRORS];
	int count;
};

/* Adds an error (dropped silently past VALIDATION_MAX_ERRORS); message text is arena-owned. */
void validation_add(struct validation *v, struct arena *a, const char *field, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

/* Checks body (a JSON object or NULL) against specs[0..n); fills values[0..n).
 * Returns 0 when valid, -1 with v->count > 0 otherwise. Unknown keys are errors. */
int validate_body(struct arena *a, struct json_object *body, const struct field_spec *specs, size_t n,
                  struct field_value *values, struct validation *v);

/* Checks one string against a spec's limits (for values that do not come from JSON). */
int validate_string(struct arena *a, const struct field_spec *spec, const char *s, size_t len, struct validation *v);

#endif
