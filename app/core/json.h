/* json: strict parsing of request bodies and small helpers for building responses with json-c. */
#ifndef CORE_JSON_H
#define CORE_JSON_H

#include <stddef.h>

#include <json-c/json.h>

struct arena;

#define JSON_MAX_DEPTH 16
/* Integers beyond this magnitude are refused rather than silently saturated. */
#define JSON_MAX_SAFE_INT 9007199254740991LL

/* Checks that text[0..len) is exactly one JSON value under RFC 8259 with no extensions:
 * no comments, single quotes, trailing commas or data, literals in lower case only, valid UTF-8,
 * no \u0000 or lone surrogate escapes, no duplicate keys in any object, depth at most
 * JSON_MAX_DEPTH, integers within +-JSON_MAX_SAFE_INT. Returns 0, or -1 with a static reason. */
int json_strict_check(const char *text, size_t len, const char **reason);

/* json_strict_check, then parses with json-c. The object is released at the arena's reset.
 * Returns NULL with a reason on failure. */
struct json_object *json_parse_strict(struct arena *a, const char *text, size_t len, const char **reason);

/* Serialises obj (compact, '/' unescaped) into arena memory; obj is not released. */
const char *json_to_arena(struct arena *a, struct json_object *obj, size_t *len);

/* Registers obj for json_object_put at the arena's reset and returns it. */
struct json_object *json_own(struct arena *a, struct json_object *obj);

/* Adders that accept NULL strings (stored as JSON null). */
void json_add_str(struct json_object *o, const char *key, const char *val);
void json_add_int(struct json_object *o, const char *key, long long val);
void json_add_bool(struct json_object *o, const char *key, int val);
void json_add_null(struct json_object *o, const char *key);

#endif
