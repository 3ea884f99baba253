/* json: a grammar-checking scanner in front of json-c, because json-c's tokener merges
 * duplicate keys (last wins) and saturates big integers, either of which could let a
 * validation step and the storage step see different values. */
#include "json.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "utf8.h"

struct scanner {
	const unsigned char *p, *end;
	const char *reason;
	int depth;
};

#define MAX_KEYS_CHECKED 256

static void skip_ws(struct scanner *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int fail(struct scanner *s, const char *reason)
{
	if (s->reason == NULL)
		s->reason = reason;
	return -1;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(struct scanner *s, unsigned *out)
{
	unsigned v = 0;

	if (s->end - s->p < 4)
		return fail(s, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		int h = hexval(s->p[i]);

		if (h < 0)
			return fail(s, "invalid \\u escape");
		v = v * 16 + (unsigned)h;
	}
	s->p += 4;
	*out = v;
	return 0;
}

/* Scans a string starting at the opening quote. Decoded key bytes (for duplicate detection)
 * go to key/keylen when key is not NULL; longer keys are compared by their first 128 bytes
 * plus their length, which is enough for the short keys an API uses. */
static int scan_string(struct scanner *s, char *key, size_t keycap, size_t *keylen)
{
	const unsigned char *start;
	size_t kl = 0;

	s->p++; /* opening quote */
	for (;;) {
		start = s->p;
		while (s->p < s->end && *s->p != '"' && *s->p != '\\' && *s->p >= 0x20)
			s->p++;
		if (!utf8_valid((const char *)start, (size_t)(s->p - start)))
			return fail(s, "invalid UTF-8 in a string");
		if (key != NULL)
			for (const unsigned char *q = start; q < s->p; q++, kl++)
				if (kl < keycap)
					key[kl] = (char)*q;
		if (s->p >= s->end)
			return fail(s, "unterminated string");
		if (*s->p == '"') {
			s->p++;
			break;
		}
		if (*s->p < 0x20)
			return fail(s, "control character in a string");
		/* backslash escape */
		s->p++;
		if (s->p >= s->end)
			return fail(s, "unterminated escape");
		switch (*s->p++) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			if (key != NULL) {
				static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";

				if (kl < keycap)
					key[kl] = to[strchr(from, s->p[-1]) - from];
				kl++;
			}
			break;
		case 'u': {
			unsigned cp;

			if (read_hex4(s, &cp) == -1)
				return -1;
			if (cp == 0)
				return fail(s, "\\u0000 is not allowed");
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return fail(s, "lone low surrogate escape");
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				unsigned lo;

				if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
					return fail(s, "lone high surrogate escape");
				s->p += 2;
				if (read_hex4(s, &lo) == -1)
					return -1;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return fail(s, "invalid surrogate pair");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (key != NULL) {
				/* Keys compare as text: "r\u006fle" is "role". */
				unsigned char enc[4];
				int n = 0;

				if (cp < 0x80) {
					enc[n++] = (unsigned char)cp;
				} else if (cp < 0x800) {
					enc[n++] = (unsigned char)(0xC0 | (cp >> 6));
					enc[n++] = (unsigned char)(0x80 | (cp & 0x3F));
				} else if (cp < 0x10000) {
					enc[n++] = (unsigned char)(0xE0 | (cp >> 12));
					enc[n++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
					enc[n++] = (unsigned char)(0x80 | (cp & 0x3F));
				} else {
					enc[n++] = (unsigned char)(0xF0 | (cp >> 18));
					enc[n++] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
					enc[n++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
					enc[n++] = (unsigned char)(0x80 | (cp & 0x3F));
				}
				for (int i = 0; i < n; i++, kl++)
					if (kl < keycap)
						key[kl] = (char)enc[i];
			}
			break;
		}
		default:
			return fail(s, "invalid escape");
		}
	}
	if (keylen != NULL)
		*keylen = kl;
	return 0;
}

static int scan_number(struct scanner *s)
{
	const unsigned char *start = s->p;
	bool is_int = true;
	int int_digits = 0;

	if (*s->p == '-')
		s->p++;
	if (s->p >= s->end || *s->p < '0' || *s->p > '9')
		return fail(s, "invalid number");
	if (*s->p == '0') {
		s->p++;
		int_digits = 1;
	} else
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
			s->p++;
			int_digits++;
		}
	if (s->p < s->end && *s->p == '.') {
		is_int = false;
		s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9')
			return fail(s, "invalid number");
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		is_int = false;
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9')
			return fail(s, "invalid number");
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	if (is_int) {
		if (int_digits > 16)
			return fail(s, "number out of range");
		if (int_digits == 16) {
			char tmp[24];
			size_t n = (size_t)(s->p - start);
			long long v;

			memcpy(tmp, start, n);
			tmp[n] = '\0';
			v = strtoll(tmp, NULL, 10);
			if (v > JSON_MAX_SAFE_INT || v < -JSON_MAX_SAFE_INT)
				return fail(s, "number out of range");
		}
	} else if (s->p - start > 40) {
		return fail(s, "number too long");
	}
	return 0;
}

static int scan_value(struct scanner *s);

static int scan_object(struct scanner *s)
{
	/* Keys seen so far, kept on the stack: objects in an API body are small. */
	struct {
		char bytes[128];
		size_t len;
	} keys[MAX_KEYS_CHECKED];
	int nkeys = 0;

	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		size_t kl = 0;
		char key[128];

		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return fail(s, "expected a string key");
		if (scan_string(s, key, sizeof(key), &kl) == -1)
			return -1;
		for (int i = 0; i < nkeys; i++)
			if (keys[i].len == kl && memcmp(keys[i].bytes, key, kl < sizeof(key) ? kl : sizeof(key)) == 0)
				return fail(s, "duplicate key");
		if (nkeys == MAX_KEYS_CHECKED)
			return fail(s, "too many keys in an object");
		memcpy(keys[nkeys].bytes, key, sizeof(key));
		keys[nkeys++].len = kl;
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return fail(s, "expected ':'");
		s->p++;
		if (scan_value(s) == -1)
			return -1;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			return 0;
		}
		return fail(s, "expected ',' or '}'");
	}
}

static int scan_array(struct scanner *s)
{
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (scan_value(s) == -1)
			return -1;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return 0;
		}
		return fail(s, "expected ',' or ']'");
	}
}

static int scan_literal(struct scanner *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return fail(s, "invalid literal");
	s->p += n;
	return 0;
}

static int scan_value(struct scanner *s)
{
	int rc;

	skip_ws(s);
	if (s->p >= s->end)
		return fail(s, "unexpected end of input");
	switch (*s->p) {
	case '{':
	case '[':
		if (++s->depth > JSON_MAX_DEPTH)
			return fail(s, "nesting too deep");
		rc = *s->p == '{' ? scan_object(s) : scan_array(s);
		s->depth--;
		return rc;
	case '"':
		return scan_string(s, NULL, 0, NULL);
	case 't':
		return scan_literal(s, "true");
	case 'f':
		return scan_literal(s, "false");
	case 'n':
		return scan_literal(s, "null");
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return scan_number(s);
		return fail(s, "unexpected character");
	}
}

int json_strict_check(const char *text, size_t len, const char **reason)
{
	struct scanner s = {(const unsigned char *)text, (const unsigned char *)text + len, NULL, 0};

	if (scan_value(&s) == 0) {
		skip_ws(&s);
		if (s.p == s.end)
			return 0;
		fail(&s, "trailing data after the JSON value");
	}
	*reason = s.reason;
	return -1;
}

static void json_put(void *p)
{
	json_object_put(p);
}

struct json_object *json_own(struct arena *a, struct json_object *obj)
{
	if (obj != NULL)
		arena_defer(a, json_put, obj);
	return obj;
}

struct json_object *json_parse_strict(struct arena *a, const char *text, size_t len, const char **reason)
{
	struct json_tokener *tok;
	struct json_object *obj;

	if (json_strict_check(text, len, reason) == -1)
		return NULL;
	tok = json_tokener_new_ex(JSON_MAX_DEPTH + 1);
	if (tok == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		/* The scanner accepted what json-c refused: treat it as invalid, never guess. */
		json_object_put(obj);
		json_tokener_free(tok);
		*reason = "invalid JSON";
		return NULL;
	}
	json_tokener_free(tok);
	return json_own(a, obj);
}

const char *json_to_arena(struct arena *a, struct json_object *obj, size_t *len)
{
	size_t n = 0;
	const char *s =
	        json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

	if (len != NULL)
		*len = n;
	return arena_strndup(a, s, n);
}

void json_add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, val ? json_object_new_string(val) : NULL);
}

void json_add_int(struct json_object *o, const char *key, long long val)
{
	json_object_object_add(o, key, json_object_new_int64(val));
}

void json_add_bool(struct json_object *o, const char *key, int val)
{
	json_object_object_add(o, key, json_object_new_boolean(val));
}

void json_add_null(struct json_object *o, const char *key)
{
	json_object_object_add(o, key, NULL);
}
