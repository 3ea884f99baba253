/* test_json: the strict scanner refuses everything json-c would let through by default; the
 * response writer matches json-c's output. */
#include <stdbool.h>

#include "../../app/core/buf.h"
#include "../../app/core/json.h"
#include "../../app/core/jw.h"
#include "unit.h"

static int ok(const char *s)
{
	const char *reason = NULL;

	return json_strict_check(s, strlen(s), &reason) == 0;
}

static void accepts_plain_json(void)
{
	CHECK(ok("{\"a\":1,\"b\":[true,false,null],\"c\":\"x\\u00e9\\ud83d\\udd25\"}"));
	CHECK(ok("  {\"n\": -0.5e10}  "));
	CHECK(ok("{\"big\":9007199254740991}"));
	CHECK(ok("[]"));
}

static void refuses_extensions(void)
{
	CHECK(!ok("{\"a\":1} junk"));
	CHECK(!ok("{\"a\":1} {}"));
	CHECK(!ok("{'a':1}"));
	CHECK(!ok("{\"a\":1,}"));
	CHECK(!ok("[1,]"));
	CHECK(!ok("/* c */ {}"));
	CHECK(!ok("{\"a\":TRUE}"));
	CHECK(!ok("{\"a\":NaN}"));
	CHECK(!ok("{\"a\":01}"));
	CHECK(!ok(""));
}

static void refuses_duplicates(void)
{
	CHECK(!ok("{\"role\":\"agent\",\"role\":\"admin\"}"));
	/* The same key spelled with an escape is still the same key. */
	CHECK(!ok("{\"role\":1,\"r\\u006fle\":2}"));
	CHECK(!ok("{\"a\":{\"x\":1,\"x\":2}}"));
	CHECK(ok("{\"a\":{\"x\":1},\"b\":{\"x\":2}}"));
}

static void refuses_bad_strings_and_numbers(void)
{
	CHECK(!ok("{\"a\":\"\\u0000\"}"));
	CHECK(!ok("{\"a\":\"\xC3\x28\"}"));
	CHECK(!ok("{\"a\":\"\\ud800\"}"));
	CHECK(!ok("{\"a\":\"tab\there\"}"));
	CHECK(!ok("{\"a\":99999999999999999999}"));
	CHECK(!ok("{\"a\":9007199254740992}"));
}

static void refuses_deep_nesting(void)
{
	char deep[81];

	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	CHECK(!ok(deep));
	memset(deep, '[', 16);
	memset(deep + 16, ']', 16);
	deep[32] = '\0';
	CHECK(ok(deep));
}

/* The writer gives the same bytes as json-c for the same values, strings with every kind of
 * character included, and places commas and nesting itself. */
static void writer_matches_json_c(void)
{
	char all[160];
	size_t n = 0;
	struct buf b;
	struct jw w;
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array(), *in;

	for (int c = 1; c < 128; c++)
		all[n++] = (char)c;
	all[n] = '\0';
	strcat(all, "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 </script>");
	json_add_str(o, "text", all);
	json_add_int(o, "big", -9007199254740991LL);
	json_add_null(o, "none");
	json_add_bool(o, "yes", 1);
	json_object_array_add(arr, json_object_new_string("a\"b"));
	json_object_array_add(arr, json_object_new_object());
	json_object_array_add(arr, json_object_new_array());
	json_object_object_add(o, "list", arr);
	in = json_object_new_object();
	json_add_str(in, "at", "2026-03-29T01:00:00Z");
	json_object_object_add(o, "inner", in);

	buf_init(&b);
	jw_init(&w, &b);
	jw_object(&w);
	jw_kstr(&w, "text", all);
	jw_kint(&w, "big", -9007199254740991LL);
	jw_kstr(&w, "none", NULL);
	jw_kbool(&w, "yes", true);
	jw_key(&w, "list");
	jw_array(&w);
	jw_strn(&w, "a\"bc", 3);
	jw_object(&w);
	jw_object_end(&w);
	jw_array(&w);
	jw_array_end(&w);
	jw_array_end(&w);
	jw_key(&w, "inner");
	jw_object(&w);
	jw_ktime(&w, "at", 1774746000);
	jw_object_end(&w);
	jw_object_end(&w);
	CHECK_STR(b.data, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	buf_reset(&b);
	jw_init(&w, &b);
	jw_array(&w);
	jw_time(&w, 0);
	jw_int(&w, 7);
	jw_raw(&w, "{\"a\":[1]}", 9);
	jw_raw(&w, "{}", 2);
	jw_array_end(&w);
	CHECK_STR(b.data, "[null,7,{\"a\":[1]},{}]");
	buf_release(&b);
	json_object_put(o);
}

const struct unit_case json_cases[] = {
        {"json: accepts plain JSON", accepts_plain_json},
        {"json: refuses extensions and trailing data", refuses_extensions},
        {"json: refuses duplicate keys", refuses_duplicates},
        {"json: refuses NUL, bad UTF-8, lone surrogates, big integers", refuses_bad_strings_and_numbers},
        {"json: refuses deep nesting", refuses_deep_nesting},
        {"json: the writer gives json-c's bytes", writer_matches_json_c},
        {NULL, NULL},
};
