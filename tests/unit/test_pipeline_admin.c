/* test_pipeline_admin: a pipeline definition is validated as a whole. */
#include <json-c/json.h>

#include "../../app/core/arena.h"
#include "../../app/core/json.h"
#include "../../app/core/validate.h"
#include "../../app/pipeline/pipeline_admin.h"
#include "unit.h"

#define S(key, cat, entry, next)                                                                            \
	"{\"key\":\"" key "\",\"staff_name\":\"" key "\",\"customer_name\":\"" key "\",\"category\":\"" cat \
	"\",\"color\":\"#123456\",\"entry\":" entry ",\"transitions\":" next "}"

/* Parses and validates; returns the first error message or "" when valid. */
static const char *check(struct arena *a, const char *json)
{
	const char *reason;
	struct json_object *o = json_parse_strict(a, json, strlen(json), &reason);
	struct pipeline_def def;
	struct validation v;

	memset(&def, 0, sizeof(def));
	memset(&v, 0, sizeof(v));
	if (o == NULL)
		return "unparsable";
	if (pipeline_def_parse(a, o, &def, &v) == -1 || pipeline_def_validate(a, &def, &v) == -1)
		return v.errors[0].message;
	return "";
}

static void accepts_a_good_pipeline(void)
{
	struct arena a;

	arena_init(&a);
	CHECK_STR(check(&a, "[" S("new", "new", "true", "[\"doing\"]") "," S(
	                            "doing", "active", "false", "[\"done\"]") "," S("done", "resolved", "false",
	                                                                            "[\"doing\"]") "]"),
	          "");
	arena_release(&a);
}

static void refuses_broken_pipelines(void)
{
	struct arena a;

	arena_init(&a);
	/* the only resolved status removed, no replacement */
	CHECK_STR(check(&a, "[" S("new", "new", "true", "[\"doing\"]") "," S("doing", "active", "false", "[]") "]"),
	          "a pipeline needs at least one resolved or closed status");
	CHECK_STR(check(&a, "[" S("new", "new", "true", "[\"done\"]") "," S("done", "resolved", "true", "[]") "]"),
	          "exactly one status must be the entry status new tickets start in (found 2)");
	CHECK_STR(check(&a, "[" S("new", "new", "true", "[\"gone\"]") "," S("done", "resolved", "false", "[]") "]"),
	          "new moves to gone, which is not a status of this pipeline");
	CHECK_STR(check(&a, "[" S("new", "new", "true", "[]") "," S("done", "resolved", "false", "[]") "]"),
	          "done cannot be reached from new");
	CHECK_STR(check(&a, "[" S("new", "new", "true", "[\"new\"]") "," S("done", "resolved", "false", "[]") "]"),
	          "new cannot move to itself");
	/* each move is one row of status_transitions: a repeat made the save fail with a 500 */
	CHECK_STR(check(&a, "[" S("new", "new", "true", "[\"done\",\"done\"]") "," S("done", "resolved", "false",
	                                                                             "[]") "]"),
	          "new moves to done twice");
	CHECK_STR(check(&a, "[" S("new", "new", "true", "[]") "," S("new", "resolved", "false", "[]") "]"),
	          "the key new is used twice");
	CHECK_STR(check(&a, "[" S("New Key", "new", "true", "[]") "]"), "a key is 1 to 40 of a-z, 0-9 and _");
	CHECK_STR(check(&a, "[]"), "a pipeline has 1 to 30 statuses");
	arena_release(&a);
}

const struct unit_case pipeline_admin_cases[] = {
        {"pipeline admin: a sound pipeline passes", accepts_a_good_pipeline},
        {"pipeline admin: no resolved status, two entries, dangling, unreachable, self, duplicate keys",
         refuses_broken_pipelines},
        {NULL, NULL},
};
