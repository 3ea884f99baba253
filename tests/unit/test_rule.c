/* test_rule: rule conditions, validated and matched. */
#include <json-c/json.h>

#include "../../app/core/arena.h"
#include "../../app/core/validate.h"
#include "../../app/rule/rule.h"
#include "unit.h"

static bool match(const char *cond, const struct rule_facts *f)
{
	struct json_object *c = json_tokener_parse(cond);
	bool m = rule_conditions_match(c, f);

	json_object_put(c);
	return m;
}

static int valid(const char *cond)
{
	struct arena a;
	struct validation v;
	struct json_object *c = json_tokener_parse(cond);
	int rc;

	arena_init(&a);
	memset(&v, 0, sizeof(v));
	rc = rule_conditions_validate(&a, c, "conditions", &v);
	json_object_put(c);
	arena_release(&a);
	return rc;
}

static void conditions(void)
{
	struct rule_facts f = {.priority = "high",
	                       .status = "not_started",
	                       .category = "Printers",
	                       .subject = "Printer on FIRE",
	                       .assignee_id = 0};

	CHECK(match("{}", &f));
	CHECK(match("{\"field\":\"priority\",\"op\":\"equals\",\"value\":\"high\"}", &f));
	CHECK(match("{\"field\":\"priority\",\"op\":\"greater\",\"value\":\"normal\"}", &f));
	CHECK(!match("{\"field\":\"priority\",\"op\":\"greater\",\"value\":\"high\"}", &f));
	CHECK(match("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"fire\"}", &f));
	CHECK(match("{\"field\":\"assignee\",\"op\":\"equals\",\"value\":\"none\"}", &f));
	CHECK(match("{\"field\":\"status\",\"op\":\"in\",\"value\":[\"in_progress\",\"not_started\"]}", &f));
	CHECK(match("{\"all\":[{\"field\":\"category\",\"op\":\"equals\",\"value\":\"Printers\"},"
	            "{\"any\":[{\"field\":\"priority\",\"op\":\"equals\",\"value\":\"low\"},"
	            "{\"field\":\"queue\",\"op\":\"equals\",\"value\":\"none\"}]}]}",
	            &f));
	CHECK(!match("{\"all\":[{\"field\":\"category\",\"op\":\"not_equals\",\"value\":\"Printers\"}]}", &f));
}

static void validation(void)
{
	CHECK_INT(valid("{}"), 0);
	CHECK_INT(valid("{\"field\":\"priority\",\"op\":\"less\",\"value\":\"urgent\"}"), 0);
	CHECK_INT(valid("{\"field\":\"colour\",\"op\":\"equals\",\"value\":\"red\"}"), -1);
	CHECK_INT(valid("{\"field\":\"subject\",\"op\":\"greater\",\"value\":\"a\"}"), -1);
	CHECK_INT(valid("{\"field\":\"status\",\"op\":\"in\",\"value\":\"open\"}"), -1);
	CHECK_INT(valid("{\"all\":[]}"), -1);
	CHECK_INT(valid("{\"all\":[{}],\"any\":[{}]}"), -1);
	CHECK_INT(valid("[1]"), -1);
	/* an "in" list holds strings and numbers: a null in it crashed every evaluation */
	CHECK_INT(valid("{\"field\":\"status\",\"op\":\"in\",\"value\":[\"new\",3]}"), 0);
	CHECK_INT(valid("{\"field\":\"status\",\"op\":\"in\",\"value\":[\"new\",null]}"), -1);
	CHECK_INT(valid("{\"field\":\"status\",\"op\":\"in\",\"value\":[{\"a\":1}]}"), -1);
	CHECK_INT(valid("{\"field\":\"status\",\"op\":\"in\",\"value\":[[\"new\"]]}"), -1);
}

/* Rules saved before the check above may hold a null in a list: it matches nothing. */
static void stored_null(void)
{
	struct rule_facts f = {.priority = "low", .status = "new", .subject = "x"};

	CHECK(!match("{\"field\":\"status\",\"op\":\"in\",\"value\":[null]}", &f));
	CHECK(match("{\"field\":\"status\",\"op\":\"in\",\"value\":[null,\"new\"]}", &f));
}

/* Which rules let a create route before the ticket is written (tenant->rules_leave_routing). */
static void leaves_routing(void)
{
	const char *cat = "{\"field\":\"category\",\"op\":\"equals\",\"value\":\"Printers\"}";

	CHECK(rule_leaves_routing(cat,
	                          "[{\"type\":\"add_tag\",\"value\":\"p\"},{\"type\":\"add_note\",\"value\":\"x\"},"
	                          "{\"type\":\"notify\",\"value\":3},{\"type\":\"escalate\"}]"));
	CHECK(rule_leaves_routing("{}", "[]"));
	/* A word in a value is not a field. */
	CHECK(rule_leaves_routing("{\"field\":\"subject\",\"op\":\"contains\",\"value\":\"assignee\"}",
	                          "[{\"type\":\"add_tag\",\"value\":\"queue\"}]"));
	CHECK(!rule_leaves_routing(
	        cat, "[{\"type\":\"add_tag\",\"value\":\"p\"},{\"type\":\"set_priority\",\"value\":\"high\"}]"));
	CHECK(!rule_leaves_routing(cat, "[{\"type\":\"set_status\",\"value\":\"in_progress\"}]"));
	CHECK(!rule_leaves_routing(cat, "[{\"type\":\"set_assignee\",\"value\":3}]"));
	CHECK(!rule_leaves_routing(cat, "[{\"type\":\"set_team\",\"value\":3}]"));
	CHECK(!rule_leaves_routing(cat, "[{\"type\":\"route_by_skill\"}]"));
	CHECK(!rule_leaves_routing("{\"all\":[{\"field\":\"priority\",\"op\":\"equals\",\"value\":\"high\"},"
	                           "{\"any\":[{\"field\":\"assignee\",\"op\":\"equals\",\"value\":0}]}]}",
	                           "[{\"type\":\"add_tag\",\"value\":\"p\"}]"));
	CHECK(!rule_leaves_routing("{\"field\":\"queue\",\"op\":\"equals\",\"value\":\"fallback\"}",
	                           "[{\"type\":\"notify\",\"value\":3}]"));
	CHECK(!rule_leaves_routing("not json", "[]"));
	CHECK(!rule_leaves_routing(cat, NULL));
}

const struct unit_case rule_cases[] = {
        {"rule: conditions match fields, lists, priorities, all and any", conditions},
        {"rule: conditions are validated when saved", validation},
        {"rule: a null stored in a condition matches nothing and does not crash", stored_null},
        {"rule: rules that only add notes, tags and notifications leave routing alone", leaves_routing},
        {NULL, NULL},
};
