/* test_json: the strict scanner refuses everything json-c would let through by default. */
#include "../../app/core/json.h"
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

const struct unit_case json_cases[] = {
        {"json: accepts plain JSON", accepts_plain_json},
        {"json: refuses extensions and trailing data", refuses_extensions},
        {"json: refuses duplicate keys", refuses_duplicates},
        {"json: refuses NUL, bad UTF-8, lone surrogates, big integers", refuses_bad_strings_and_numbers},
        {"json: refuses deep nesting", refuses_deep_nesting},
        {NULL, NULL},
};
