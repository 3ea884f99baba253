/* rule: conditions and actions are JSON, validated when saved and read back as stored. The
 * engine reads the ticket's facts through SQL, fresh for every rule, so a rule sees what the
 * rules before it did; requests and the scheduler run it the same way. */
#include "rule.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "../assign/assign.h"
#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/json.h"
#include "../core/log.h"
#include "../core/utf8.h"
#include "../core/validate.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../tenant/tenant.h"
#include "../timeline/timeline.h"

static const char *const trigger_names[TRIGGER__MAX] = {
        "created",        /* TRIGGER_CREATED */
        "updated",        /* TRIGGER_UPDATED */
        "status_changed", /* TRIGGER_STATUS_CHANGED */
        "note_added",     /* TRIGGER_NOTE_ADDED */
        "light_amber",    /* TRIGGER_LIGHT_AMBER */
        "light_red",      /* TRIGGER_LIGHT_RED */
        "time_in_status", /* TRIGGER_TIME_IN_STATUS */
};

static const char *const priorities[] = {"low", "normal", "high", "urgent"};

const char *rule_trigger_name(enum rule_trigger t)
{
	return t < TRIGGER__MAX ? trigger_names[t] : "unknown";
}

enum rule_trigger rule_trigger_parse(const char *s)
{
	for (int i = 0; i < TRIGGER__MAX; i++)
		if (s != NULL && strcmp(s, trigger_names[i]) == 0)
			return (enum rule_trigger)i;
	return TRIGGER__MAX;
}

/* Every trigger's name, "created, updated, ...", from the table: a message that lists them by
 * hand once left one out. The string is the arena's. */
static const char *trigger_list(struct arena *a)
{
	const char *s = trigger_names[0];

	for (int i = 1; i < TRIGGER__MAX; i++)
		s = arena_printf(a, "%s, %s", s, trigger_names[i]);
	return s;
}

static int priority_rank(const char *p)
{
	for (int i = 0; i < 4; i++)
		if (p != NULL && strcmp(p, priorities[i]) == 0)
			return i;
	return -1;
}

/* ---- conditions ---- */

static const char *const fields[] = {"priority", "status",   "category",   "queue",
                                     "subject",  "assignee", "visibility", NULL};
static const char *const ops[] = {"equals", "not_equals", "in", "contains", "greater", "less", NULL};

static bool one_of(const char *s, const char *const *list)
{
	for (int i = 0; list[i] != NULL; i++)
		if (s != NULL && strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* A value a condition compares a fact with. */
static bool scalar(struct json_object *o)
{
	return json_object_is_type(o, json_type_string) || json_object_is_type(o, json_type_int);
}

/* The value of "in": a null in it once passed and crashed every evaluation of the rule. */
static bool scalar_list(struct json_object *o)
{
	if (!json_object_is_type(o, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(o); i++)
		if (!scalar(json_object_array_get_idx(o, i)))
			return false;
	return true;
}

int rule_conditions_validate(struct arena *a, struct json_object *c, const char *pointer, struct validation *v)
{
	struct json_object *list, *f, *op, *value;

	if (!json_object_is_type(c, json_type_object)) {
		validation_add(v, a, pointer, "invalid_type", "a condition is an object");
		return -1;
	}
	if (json_object_object_length(c) == 0)
		return 0;
	if (json_object_object_get_ex(c, "all", &list) || json_object_object_get_ex(c, "any", &list)) {
		if (json_object_object_length(c) != 1 || !json_object_is_type(list, json_type_array) ||
		    json_object_array_length(list) == 0 || json_object_array_length(list) > 20) {
			validation_add(v, a, pointer, "invalid_value",
			               "all/any holds a list of 1 to 20 conditions, alone");
			return -1;
		}
		for (size_t i = 0; i < json_object_array_length(list); i++)
			if (rule_conditions_validate(
			            a, json_object_array_get_idx(list, i),
			            arena_printf(a, "%s/%s/%zu", pointer,
			                         json_object_object_get_ex(c, "all", NULL) ? "all" : "any", i),
			            v) == -1)
				return -1;
		return 0;
	}
	if (!json_object_object_get_ex(c, "field", &f) || !json_object_object_get_ex(c, "op", &op) ||
	    !json_object_object_get_ex(c, "value", &value) || json_object_object_length(c) != 3 ||
	    !one_of(json_object_get_string(f), fields) || !one_of(json_object_get_string(op), ops)) {
		validation_add(v, a, pointer, "invalid_value",
		               "a condition is {\"field\",\"op\",\"value\"}: fields priority, status, category, queue, "
		               "subject, "
		               "assignee, visibility; ops equals, not_equals, in, contains, greater, less");
		return -1;
	}
	if (strcmp(json_object_get_string(op), "in") == 0 ? !scalar_list(value) : !scalar(value)) {
		validation_add(v, a, pointer, "invalid_type",
		               "in takes a list of strings and numbers; the other ops a string or a number");
		return -1;
	}
	if ((strcmp(json_object_get_string(op), "greater") == 0 || strcmp(json_object_get_string(op), "less") == 0) &&
	    (strcmp(json_object_get_string(f), "priority") != 0 || priority_rank(json_object_get_string(value)) < 0)) {
		validation_add(v, a, pointer, "invalid_value",
		               "greater and less compare priorities: low, normal, high, urgent");
		return -1;
	}
	return 0;
}

/* Whether condition tree c (validated) reads field. */
static bool condition_reads(struct json_object *c, const char *field)
{
	struct json_object *list, *f;

	if (json_object_object_get_ex(c, "all", &list) || json_object_object_get_ex(c, "any", &list)) {
		for (size_t i = 0; i < json_object_array_length(list); i++)
			if (condition_reads(json_object_array_get_idx(list, i), field))
				return true;
		return false;
	}
	return json_object_object_get_ex(c, "field", &f) && strcmp(json_object_get_string(f), field) == 0;
}

bool rule_leaves_routing(const char *conditions, const char *actions)
{
	static const char *const harmless[] = {"add_note",    "add_tag",  "set_tags", "notify",
	                                       "notify_role", "escalate", NULL};
	struct json_object *cond = conditions != NULL ? json_tokener_parse(conditions) : NULL;
	struct json_object *list = actions != NULL ? json_tokener_parse(actions) : NULL;
	bool ok = json_object_is_type(cond, json_type_object) && json_object_is_type(list, json_type_array);

	for (size_t i = 0; ok && i < json_object_array_length(list); i++)
		ok = one_of(json_object_get_string(json_object_object_get(json_object_array_get_idx(list, i), "type")),
		            harmless);
	ok = ok && !condition_reads(cond, "assignee") && !condition_reads(cond, "queue");
	json_object_put(cond);
	json_object_put(list);
	return ok;
}

/* The fact a condition reads, as text ("none" for an empty assignee, category or queue). */
static const char *fact(const struct rule_facts *f, const char *field, char *num, size_t cap)
{
	if (strcmp(field, "priority") == 0)
		return f->priority;
	if (strcmp(field, "status") == 0)
		return f->status;
	if (strcmp(field, "category") == 0)
		return f->category ? f->category : "none";
	if (strcmp(field, "queue") == 0)
		return f->queue ? f->queue : "none";
	if (strcmp(field, "subject") == 0)
		return f->subject;
	if (strcmp(field, "visibility") == 0)
		return f->visibility ? f->visibility : "none";
	if (f->assignee_id == 0)
		return "none";
	snprintf(num, cap, "%lld", f->assignee_id);
	return num;
}

/* Rules stored before "in" lists were checked may still hold a null: it matches nothing. */
static bool equal_value(const char *have, struct json_object *v)
{
	const char *want = json_object_get_string(v);

	return have != NULL && want != NULL && strcmp(have, want) == 0;
}

bool rule_conditions_match(struct json_object *c, const struct rule_facts *f)
{
	struct json_object *list, *v;
	const char *field, *op, *have;
	char num[24];

	if (json_object_object_length(c) == 0)
		return true;
	if (json_object_object_get_ex(c, "all", &list)) {
		for (size_t i = 0; i < json_object_array_length(list); i++)
			if (!rule_conditions_match(json_object_array_get_idx(list, i), f))
				return false;
		return true;
	}
	if (json_object_object_get_ex(c, "any", &list)) {
		for (size_t i = 0; i < json_object_array_length(list); i++)
			if (rule_conditions_match(json_object_array_get_idx(list, i), f))
				return true;
		return false;
	}
	field = json_object_get_string(json_object_object_get(c, "field"));
	op = json_object_get_string(json_object_object_get(c, "op"));
	v = json_object_object_get(c, "value");
	have = fact(f, field, num, sizeof(num));
	if (strcmp(op, "equals") == 0)
		return equal_value(have, v);
	if (strcmp(op, "not_equals") == 0)
		return !equal_value(have, v);
	if (strcmp(op, "in") == 0) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (equal_value(have, json_object_array_get_idx(v, i)))
				return true;
		return false;
	}
	if (strcmp(op, "contains") == 0)
		return have != NULL && strcasestr(have, json_object_get_string(v)) != NULL;
	if (strcmp(op, "greater") == 0)
		return priority_rank(have) > priority_rank(json_object_get_string(v));
	return priority_rank(have) < priority_rank(json_object_get_string(v));
}

/* ---- actions ---- */

/* A tag as tickets hold them: 1 to 40 of a-z, 0-9, _ and -. */
static bool tag_ok(struct json_object *v)
{
	const char *s = json_object_get_string(v);
	size_t n = s ? strlen(s) : 0;

	return json_object_is_type(v, json_type_string) && n >= 1 && n <= 40 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static bool tags_ok(struct json_object *v)
{
	if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) > 20)
		return false;
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (!tag_ok(json_object_array_get_idx(v, i)))
			return false;
	return true;
}

int rule_actions_validate(struct arena *a, struct json_object *actions, const char *pointer, struct validation *v)
{
	static const char *const types[] = {"set_priority", "set_status",     "set_assignee", "add_note",
	                                    "notify",       "escalate",       "set_team",     "add_tag",
	                                    "set_tags",     "route_by_skill", "notify_role",  NULL};

	if (!json_object_is_type(actions, json_type_array) || json_object_array_length(actions) == 0 ||
	    json_object_array_length(actions) > 10) {
		validation_add(v, a, pointer, "invalid_value", "actions is a list of 1 to 10 actions");
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(actions); i++) {
		struct json_object *act = json_object_array_get_idx(actions, i), *type, *val;
		const char *p = arena_printf(a, "%s/%zu", pointer, i), *t;

		if (!json_object_is_type(act, json_type_object) || !json_object_object_get_ex(act, "type", &type) ||
		    !one_of(json_object_get_string(type), types)) {
			validation_add(v, a, p, "invalid_value",
			               "each action has a type: set_priority, set_status, set_assignee, add_note, "
			               "notify, escalate, set_team, add_tag, set_tags, route_by_skill, notify_role");
			return -1;
		}
		t = json_object_get_string(type);
		val = json_object_object_get(act, "value");
		if (strcmp(t, "set_priority") == 0 && priority_rank(json_object_get_string(val)) < 0)
			validation_add(v, a, p, "invalid_value", "set_priority takes a priority");
		else if (strcmp(t, "set_status") == 0 && !json_object_is_type(val, json_type_string))
			validation_add(v, a, p, "invalid_value", "set_status takes a status key");
		else if ((strcmp(t, "set_assignee") == 0 || strcmp(t, "notify") == 0) &&
		         !json_object_is_type(val, json_type_int))
			validation_add(v, a, p, "invalid_value", "%s takes a user id", t);
		else if (strcmp(t, "set_team") == 0 &&
		         (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) <= 0))
			validation_add(v, a, p, "invalid_value", "set_team takes a team id");
		else if (strcmp(t, "add_tag") == 0 && !tag_ok(val))
			validation_add(v, a, p, "invalid_value", "add_tag takes a tag: 1 to 40 of a-z, 0-9, _ and -");
		else if (strcmp(t, "set_tags") == 0 && !tags_ok(val))
			validation_add(v, a, p, "invalid_value",
			               "set_tags takes a list of up to 20 tags: 1 to 40 of a-z, 0-9, _ and -");
		else if (strcmp(t, "notify_role") == 0 &&
		         !one_of(json_object_get_string(val), (const char *const[]){"admin", "manager", "agent", NULL}))
			validation_add(v, a, p, "invalid_value",
			               "notify_role takes a staff role: admin, manager or agent");
		else if (strcmp(t, "add_note") == 0 &&
		         (!json_object_is_type(val, json_type_string) || json_object_get_string_len(val) == 0 ||
		          json_object_get_string_len(val) > 2000 ||
		          !utf8_valid(json_object_get_string(val), (size_t)json_object_get_string_len(val))))
			validation_add(v, a, p, "invalid_value", "add_note takes a text of 1 to 2000 bytes");
		if (v->count > 0)
			return -1;
	}
	return 0;
}

/* ---- the engine ---- */

enum rule_stmt {
	RULE_FACTS,       /* the ticket as conditions see it */
	RULE_PRIORITY,    /* set_priority */
	RULE_STATUS_TO,   /* the target of set_status, if the move is allowed */
	RULE_STATUS,      /* set_status */
	RULE_ASSIGNEE_OK, /* set_assignee: staff of the tenant */
	RULE_ASSIGN,      /* set_assignee */
	RULE_NOTE,        /* add_note: internal, no human author */
	RULE_NOTIFY,      /* notify one staff member */
	RULE_NOTIFY_ROLE, /* notify every active staff member of a role */
	RULE_TEAM_OK,     /* set_team: a team of the tenant */
	RULE_TEAM,        /* set_team */
	RULE_TAGS_CLEAR,  /* set_tags */
	RULE_TAG_ADD,     /* add_tag, set_tags */
	RULE_UNASSIGN,    /* route_by_skill: the router starts from nobody */
	RULE_ESCALATE,    /* notify the managers */
	RULE_ADMIN_LIST,  /* all rules, for the admin */
	RULE_ADMIN_CLEAR,
	RULE_ADMIN_ADD,
	RULE_ADMIN_BUMP, /* every worker reads the rules again with the tenant's configuration */
	RULE_TIME_RULES, /* enabled time rules of active tenants */
	RULE_TIME_DUE,   /* tickets that stayed long enough and have not fired this rule for this stay */
	RULE_TIME_CLAIM, /* the firing's row: exactly once */
	RULE_STMT__MAX
};

static const char *const rule_sql[RULE_STMT__MAX] = {
        [RULE_FACTS] = "SELECT t.priority, s.skey, c.name, t.queue, t.subject, COALESCE(t.assignee_id, 0), t.number, "
                       "t.status_id FROM tickets t JOIN statuses s FORCE INDEX (PRIMARY) ON s.id = t.status_id "
                       "AND s.tenant_id = t.tenant_id LEFT JOIN categories c FORCE INDEX (PRIMARY) ON "
                       "c.id = t.category_id AND c.tenant_id = t.tenant_id WHERE t.tenant_id = ? AND t.id = ?",
        [RULE_PRIORITY] = "UPDATE tickets SET priority = ?, version = version + 1, updated_at = UTC_TIMESTAMP(6) "
                          "WHERE tenant_id = ? AND id = ?",
        [RULE_STATUS_TO] = "SELECT s.id FROM status_transitions x JOIN statuses s ON s.id = x.to_status_id AND "
                           "s.tenant_id = x.tenant_id WHERE x.tenant_id = ? AND x.from_status_id = ? AND s.skey = ?",
        [RULE_STATUS] = "UPDATE tickets SET status_id = ?, status_since = UTC_TIMESTAMP(6), version = version + 1, "
                        "updated_at = UTC_TIMESTAMP(6) "
                        "WHERE tenant_id = ? AND id = ?",
        [RULE_ASSIGNEE_OK] =
                "SELECT name FROM users WHERE tenant_id = ? AND id = ? AND role IN ('admin','manager','agent') "
                "AND disabled = 0",
        [RULE_ASSIGN] = "UPDATE tickets SET assignee_id = ?, queue = NULL, version = version + 1, "
                        "updated_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND id = ?",
        [RULE_NOTE] = "INSERT INTO notes (tenant_id, ticket_id, author_id, visibility, body, created_at) "
                      "VALUES (?, ?, NULL, 'internal', ?, UTC_TIMESTAMP(6))",
        /* RULE_NOTIFY: staff only; the inbox is an agent-desk thing, never a customer's */
        [RULE_NOTIFY] = "INSERT INTO notifications (tenant_id, user_id, ticket_id, kind, message) "
                        "SELECT ?, id, ?, 'rule', ? FROM users WHERE tenant_id = ? AND id = ? AND disabled = 0 "
                        "AND role IN ('admin', 'manager', 'agent')",
        [RULE_NOTIFY_ROLE] = "INSERT INTO notifications (tenant_id, user_id, ticket_id, kind, message) "
                             "SELECT ?, id, ?, 'rule', ? FROM users WHERE tenant_id = ? AND role = ? AND disabled = 0 "
                             "AND role IN ('admin', 'manager', 'agent')",
        [RULE_TEAM_OK] = "SELECT name FROM teams WHERE tenant_id = ? AND id = ?",
        [RULE_TEAM] = "UPDATE tickets SET team_id = ?, version = version + 1, updated_at = UTC_TIMESTAMP(6) "
                      "WHERE tenant_id = ? AND id = ?",
        [RULE_TAGS_CLEAR] = "DELETE FROM ticket_tags WHERE tenant_id = ? AND ticket_id = ?",
        [RULE_TAG_ADD] = "INSERT IGNORE INTO ticket_tags (tenant_id, ticket_id, tag) VALUES (?, ?, ?)",
        [RULE_UNASSIGN] = "UPDATE tickets SET assignee_id = NULL, queue = NULL, version = version + 1, "
                          "updated_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND id = ?",
        [RULE_ESCALATE] = "INSERT INTO notifications (tenant_id, user_id, ticket_id, kind, message) "
                          "SELECT ?, id, ?, 'escalation', ? FROM users WHERE tenant_id = ? AND role = 'manager' "
                          "AND disabled = 0",
        [RULE_ADMIN_LIST] = "SELECT id, name, enabled, trigger_on, conditions, actions, minutes, status_key, "
                            "repeat_minutes FROM rules "
                            "WHERE tenant_id = ? ORDER BY position, id",
        [RULE_TIME_RULES] =
                "SELECT r.id, r.tenant_id, r.name, r.conditions, r.actions, r.minutes, r.status_key, "
                "COALESCE(r.repeat_minutes, 0) FROM rules r "
                "JOIN tenants t ON t.id = r.tenant_id WHERE r.enabled = 1 AND r.trigger_on = 'time_in_status' "
                "AND t.status = 'active' ORDER BY r.tenant_id, r.position, r.id",
        /* RULE_TIME_DUE: the due instant's index is 0 for the first, then one more per repeat
         * interval (the divisor is huge for a rule that does not repeat) */
        [RULE_TIME_DUE] =
                "SELECT t.id, t.status_since, FLOOR((UNIX_TIMESTAMP() - UNIX_TIMESTAMP(t.status_since) - ?) / ?) "
                "FROM tickets t JOIN statuses s FORCE INDEX (PRIMARY) "
                "ON s.id = t.status_id AND s.tenant_id = t.tenant_id WHERE t.tenant_id = ? AND s.skey = ? "
                "AND t.status_since <= UTC_TIMESTAMP(6) - INTERVAL ? MINUTE AND NOT EXISTS (SELECT 1 FROM "
                "rule_firings f WHERE f.tenant_id = t.tenant_id AND f.rule_id = ? AND f.ticket_id = t.id "
                "AND f.since = t.status_since AND f.due_index = FLOOR((UNIX_TIMESTAMP() - "
                "UNIX_TIMESTAMP(t.status_since) - ?) / ?)) ORDER BY t.id LIMIT 100",
        [RULE_TIME_CLAIM] = "INSERT IGNORE INTO rule_firings (tenant_id, rule_id, ticket_id, since, due_index) "
                            "VALUES (?, ?, ?, ?, ?)",
        [RULE_ADMIN_CLEAR] = "DELETE FROM rules WHERE tenant_id = ?",
        [RULE_ADMIN_BUMP] = "UPDATE tenants SET config_version = config_version + 1 WHERE id = ?",
        [RULE_ADMIN_ADD] = "INSERT INTO rules (tenant_id, name, position, enabled, trigger_on, conditions, actions, "
                           "minutes, status_key, repeat_minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

/* Rules running now, innermost last: a rule's own actions do not start it again, and a chain
 * stops at RULE_MAX_DEPTH. The worker is single-threaded, so one stack per process is enough. */
static long long rule_stack[RULE_MAX_DEPTH];
static int rule_depth;

static enum rule_trigger trigger_of(const struct ticket_change *c)
{
	switch (c->kind) {
	case EVENT_CREATED:
		return TRIGGER_CREATED;
	case EVENT_UPDATED:
	case EVENT_ASSIGNED:
	case EVENT_PIPELINE_CHANGED:
		return TRIGGER_UPDATED;
	case EVENT_STATUS_CHANGED:
		return TRIGGER_STATUS_CHANGED;
	case EVENT_NOTE_ADDED:
		return TRIGGER_NOTE_ADDED;
	case EVENT_LIGHT_CHANGED:
		return c->red ? TRIGGER_LIGHT_RED : TRIGGER_LIGHT_AMBER;
	default:
		return TRIGGER__MAX;
	}
}

/* Bumped by every action that writes a field the conditions read (priority, status, assignee,
 * queue, team), at any depth of a chain: facts read before it are stale. */
static unsigned long facts_epoch;

static int act(struct db *db, struct arena *a, const struct ticket_change *c, long long status_id,
               struct json_object *action, const char *rule_name, long long number)
{
	const char *type = json_object_get_string(json_object_object_get(action, "type"));
	struct json_object *val = json_object_object_get(action, "value"), *data;
	long long tid = c->tenant->id, id = c->ticket_id;
	struct db_rows rows;

	if (strcmp(type, "set_priority") == 0) {
		struct ticket_change ch = {c->tenant, id, 0, false, EVENT_UPDATED, false, false};

		if (db_exec(db, rule_sql[RULE_PRIORITY], NULL, NULL, "sii", json_object_get_string(val), tid, id) == -1)
			return -1;
		facts_epoch++;
		data = json_object_new_object();
		json_object_object_add(data, "fields", json_tokener_parse("[\"priority\"]"));
		json_add_str(data, "by_rule", rule_name);
		return timeline_record(db, a, &ch, data);
	}
	if (strcmp(type, "set_status") == 0) {
		struct ticket_change ch = {c->tenant, id, 0, false, EVENT_STATUS_CHANGED, false, false};

		if (db_query(db, a, rule_sql[RULE_STATUS_TO], &rows, "iis", tid, status_id,
		             json_object_get_string(val)) == -1)
			return -1;
		if (rows.nrows == 0)
			return 0; /* not an allowed move from here: the pipeline wins over the rule */
		if (db_exec(db, rule_sql[RULE_STATUS], NULL, NULL, "iii", db_cell_ll(&rows, 0, 0), tid, id) == -1)
			return -1;
		facts_epoch++;
		data = json_object_new_object();
		json_add_str(data, "to", json_object_get_string(val));
		json_add_str(data, "by_rule", rule_name);
		return timeline_record(db, a, &ch, data);
	}
	if (strcmp(type, "set_assignee") == 0) {
		struct ticket_change ch = {c->tenant, id, 0, false, EVENT_ASSIGNED, false, false};

		if (db_query(db, a, rule_sql[RULE_ASSIGNEE_OK], &rows, "ii", tid, json_object_get_int64(val)) == -1)
			return -1;
		if (rows.nrows == 0)
			return 0;
		if (db_exec(db, rule_sql[RULE_ASSIGN], NULL, NULL, "iii", json_object_get_int64(val), tid, id) == -1)
			return -1;
		facts_epoch++;
		data = json_object_new_object();
		json_add_int(data, "to", json_object_get_int64(val));
		json_add_str(data, "to_name", db_cell(&rows, 0, 0));
		json_add_str(data, "by_rule", rule_name);
		return timeline_record(db, a, &ch, data);
	}
	if (strcmp(type, "add_note") == 0) {
		struct ticket_change ch = {c->tenant, id, 0, false, EVENT_NOTE_ADDED, false, false};
		long long note_id;

		if (db_exec(db, rule_sql[RULE_NOTE], NULL, &note_id, "iis", tid, id, json_object_get_string(val)) == -1)
			return -1;
		data = json_object_new_object();
		json_add_int(data, "note_id", note_id);
		json_add_str(data, "visibility", "internal");
		json_add_str(data, "by_rule", rule_name);
		return timeline_record(db, a, &ch, data);
	}
	if (strcmp(type, "notify") == 0)
		return db_exec(db, rule_sql[RULE_NOTIFY], NULL, NULL, "iisii", tid, id,
		               arena_printf(a, "Rule \"%s\" on ticket #%lld", rule_name, number), tid,
		               json_object_get_int64(val));
	if (strcmp(type, "notify_role") == 0)
		return db_exec(db, rule_sql[RULE_NOTIFY_ROLE], NULL, NULL, "iisis", tid, id,
		               arena_printf(a, "Rule \"%s\" on ticket #%lld", rule_name, number), tid,
		               json_object_get_string(val));
	if (strcmp(type, "set_team") == 0) {
		struct ticket_change ch = {c->tenant, id, 0, false, EVENT_UPDATED, false, false};

		if (db_query(db, a, rule_sql[RULE_TEAM_OK], &rows, "ii", tid, json_object_get_int64(val)) == -1)
			return -1;
		if (rows.nrows == 0)
			return 0; /* the team was removed since the rule was saved */
		if (db_exec(db, rule_sql[RULE_TEAM], NULL, NULL, "iii", json_object_get_int64(val), tid, id) == -1)
			return -1;
		facts_epoch++;
		data = json_object_new_object();
		json_object_object_add(data, "fields", json_tokener_parse("[\"team\"]"));
		json_add_str(data, "team", db_cell(&rows, 0, 0));
		json_add_str(data, "by_rule", rule_name);
		return timeline_record(db, a, &ch, data);
	}
	if (strcmp(type, "add_tag") == 0 || strcmp(type, "set_tags") == 0) {
		struct ticket_change ch = {c->tenant, id, 0, false, EVENT_UPDATED, false, false};
		bool one = strcmp(type, "add_tag") == 0;

		if (!one && db_exec(db, rule_sql[RULE_TAGS_CLEAR], NULL, NULL, "ii", tid, id) == -1)
			return -1;
		for (size_t k = 0; k < (one ? 1 : json_object_array_length(val)); k++)
			if (db_exec(db, rule_sql[RULE_TAG_ADD], NULL, NULL, "iis", tid, id,
			            json_object_get_string(one ? val : json_object_array_get_idx(val, k))) == -1)
				return -1;
		data = json_object_new_object();
		json_object_object_add(data, "fields", json_tokener_parse("[\"tags\"]"));
		json_add_str(data, "by_rule", rule_name);
		return timeline_record(db, a, &ch, data);
	}
	if (strcmp(type, "route_by_skill") == 0) {
		if (db_exec(db, rule_sql[RULE_UNASSIGN], NULL, NULL, "ii", tid, id) == -1)
			return -1;
		facts_epoch++;
		return assign_route(db, a, c->tenant, id);
	}
	if (strcmp(type, "escalate") == 0)
		return db_exec(db, rule_sql[RULE_ESCALATE], NULL, NULL, "iisi", tid, id,
		               arena_printf(a, "Escalated by rule \"%s\": ticket #%lld", rule_name, number), tid);
	return 0;
}

/* The ticket's facts as last read, and when. */
struct facts_read {
	struct db_rows fr;
	unsigned long epoch;
	bool have;
};

/* Facts a create gave for the ticket it wrote (rule_facts_seed), in RULE_FACTS's columns. */
static struct {
	bool on;
	long long ticket_id;
	unsigned long epoch;
	struct db_rows fr;
} seeded;

void rule_facts_seed(struct arena *a, long long ticket_id, const char *priority, const char *status_key,
                     const char *category, const char *subject, long long assignee_id, long long number,
                     long long status_id)
{
	enum { NCOLS = 8 };
	const char **cells = arena_alloc(a, NCOLS * sizeof(*cells));
	size_t *lens = arena_alloc(a, NCOLS * sizeof(*lens));

	cells[0] = arena_strdup(a, priority);
	cells[1] = arena_strdup(a, status_key);
	cells[2] = category != NULL ? arena_strdup(a, category) : NULL;
	cells[3] = NULL; /* queue: none yet */
	cells[4] = arena_strdup(a, subject);
	cells[5] = arena_printf(a, "%lld", assignee_id);
	cells[6] = arena_printf(a, "%lld", number);
	cells[7] = arena_printf(a, "%lld", status_id);
	for (size_t i = 0; i < NCOLS; i++)
		lens[i] = cells[i] != NULL ? strlen(cells[i]) : 0;
	seeded.on = true;
	seeded.ticket_id = ticket_id;
	seeded.epoch = facts_epoch;
	seeded.fr = (struct db_rows){.nrows = 1, .ncols = NCOLS, .cells = cells, .lens = lens};
}

void rule_facts_forget(void)
{
	seeded.on = false;
}

/* The facts in *f->fr, read again only when an action changed the ticket since: 1 when the
 * ticket is there, 0 when not, -1 on a database failure. */
static int facts_fresh(struct db *db, struct arena *a, const struct ticket_change *c, struct facts_read *f)
{
	if (!f->have && seeded.on && seeded.ticket_id == c->ticket_id && seeded.epoch == facts_epoch) {
		f->fr = seeded.fr;
		f->have = true;
		f->epoch = facts_epoch;
	}
	seeded.on = false;
	if (!f->have || f->epoch != facts_epoch) {
		if (db_query(db, a, rule_sql[RULE_FACTS], &f->fr, "ii", c->tenant->id, c->ticket_id) == -1)
			return -1;
		f->have = true;
		f->epoch = facts_epoch;
	}
	return f->fr.nrows == 1;
}

/* Evaluates one rule for a ticket and, when it matches, records the firing and runs its
 * actions. Returns 1 fired, 0 not, -1 on failure. */
static int fire_rule(struct db *db, struct arena *a, const struct ticket_change *c, enum rule_trigger trigger,
                     long long rule_id, const char *name, const char *cond_text, const char *actions_text,
                     struct facts_read *f)
{
	struct json_object *cond = json_own(a, json_tokener_parse(cond_text));
	struct json_object *actions = json_own(a, json_tokener_parse(actions_text));
	struct rule_facts facts;
	int rc = 0;

	for (int d = 0; d < rule_depth; d++)
		if (rule_stack[d] == rule_id)
			return 0;
	if (cond == NULL || actions == NULL || rule_depth >= RULE_MAX_DEPTH)
		return 0;
	/* An earlier rule may have changed the ticket: then its facts are read again. */
	if ((rc = facts_fresh(db, a, c, f)) != 1)
		return rc;
	memset(&facts, 0, sizeof(facts));
	facts.priority = db_cell(&f->fr, 0, 0);
	facts.status = db_cell(&f->fr, 0, 1);
	facts.category = db_cell(&f->fr, 0, 2);
	facts.queue = db_cell(&f->fr, 0, 3);
	facts.subject = db_cell(&f->fr, 0, 4);
	facts.assignee_id = db_cell_ll(&f->fr, 0, 5);
	facts.visibility = c->kind == EVENT_NOTE_ADDED ? (c->public_note ? "public" : "internal") : NULL;
	if (!rule_conditions_match(cond, &facts))
		return 0;
	{
		struct json_object *data = json_object_new_object(), *types = json_object_new_array();
		struct ticket_change ch = {c->tenant, c->ticket_id, 0, false, EVENT_RULE_FIRED, false, false};

		json_add_int(data, "rule", rule_id);
		json_add_str(data, "name", name);
		for (size_t k = 0; k < json_object_array_length(actions); k++)
			json_object_array_add(
			        types, json_object_new_string(json_object_get_string(
			                       json_object_object_get(json_object_array_get_idx(actions, k), "type"))));
		json_object_object_add(data, "actions", types);
		json_add_str(data, "trigger", trigger_names[trigger]);
		if (timeline_record(db, a, &ch, data) == -1)
			return -1;
	}
	rule_stack[rule_depth++] = rule_id;
	rc = 0;
	for (size_t k = 0; k < json_object_array_length(actions) && rc == 0; k++) {
		/* Each action sees the status as it is now. */
		if (facts_fresh(db, a, c, f) != 1) {
			rc = -1;
			break;
		}
		rc = act(db, a, c, db_cell_ll(&f->fr, 0, 7), json_object_array_get_idx(actions, k), name,
		         db_cell_ll(&f->fr, 0, 6));
	}
	rule_depth--;
	return rc == -1 ? -1 : 1;
}

int rule_on_change(struct db *db, struct arena *a, const struct ticket_change *c)
{
	enum rule_trigger trigger = trigger_of(c);
	const struct tenant *t = c->tenant;
	struct facts_read f = {.have = false};

	if (trigger == TRIGGER__MAX || rule_depth >= RULE_MAX_DEPTH)
		return 0;
	/* The tenant's rules come with its configuration (a change to them bumps its version). */
	for (size_t i = 0; i < t->nrules; i++)
		if (strcmp(t->rules[i].trigger, trigger_names[trigger]) == 0 &&
		    fire_rule(db, a, c, trigger, t->rules[i].id, t->rules[i].name, t->rules[i].conditions,
		              t->rules[i].actions, &f) == -1)
			return -1;
	return 0;
}

long long rule_sweep_time(struct db *db, struct arena *a, struct tenant_cache *tenants)
{
	struct db_rows rules;
	long long fired = 0;

	if (db_query(db, a, rule_sql[RULE_TIME_RULES], &rules, "") == -1)
		return -1;
	for (size_t i = 0; i < rules.nrows; i++) {
		long long rule_id = db_cell_ll(&rules, i, 0), tenant_id = db_cell_ll(&rules, i, 1);
		struct tenant *t;
		struct db_rows due;

		/* Actions react like any change (lights): they need the tenant's configuration. */
		if (tenant_by_id(tenants, db, a, tenant_id, &t) != TENANT_FOUND)
			continue;
		long long first = db_cell_ll(&rules, i, 5) * 60, every = db_cell_ll(&rules, i, 7) * 60;

		/* Without a repeat, every instant after the first falls in interval 0. */
		if (every <= 0)
			every = 1000000000000LL;
		if (db_query(db, a, rule_sql[RULE_TIME_DUE], &due, "iiisiiii", first, every, tenant_id,
		             db_cell(&rules, i, 6), db_cell_ll(&rules, i, 5), rule_id, first, every) == -1)
			return -1;
		for (size_t k = 0; k < due.nrows; k++) {
			struct ticket_change ch = {t, db_cell_ll(&due, k, 0), 0, false, EVENT__MAX, false, false};
			unsigned long long claimed = 0;
			int rc;

			if (db_begin(db) == -1)
				return -1;
			/* One row per stay and due instant: a restart or a second scheduler cannot fire it twice. */
			if (db_exec(db, rule_sql[RULE_TIME_CLAIM], &claimed, NULL, "iiisi", tenant_id, rule_id,
			            ch.ticket_id, db_cell(&due, k, 1), db_cell_ll(&due, k, 2)) == -1) {
				db_rollback(db);
				return -1;
			}
			struct facts_read f = {.have = false};

			rc = claimed ? fire_rule(db, a, &ch, TRIGGER_TIME_IN_STATUS, rule_id, db_cell(&rules, i, 2),
			                         db_cell(&rules, i, 3), db_cell(&rules, i, 4), &f)
			             : 0;
			if (rc == -1) {
				db_rollback(db);
				return -1;
			}
			if (db_commit(db) == -1)
				return -1;
			fired += rc;
		}
	}
	return fired;
}

/* ---- admin ---- */

int rule_admin_list(struct request *r)
{
	struct db_rows rows;
	struct json_object *out, *data;

	if (db_query(r->db, r->a, rule_sql[RULE_ADMIN_LIST], &rows, "i", r->tenant->id) == -1)
		return 500;
	out = json_object_new_object();
	data = json_object_new_array();
	for (size_t i = 0; i < rows.nrows; i++) {
		struct json_object *o = json_object_new_object();

		json_add_int(o, "id", db_cell_ll(&rows, i, 0));
		json_add_str(o, "name", db_cell(&rows, i, 1));
		json_add_bool(o, "enabled", db_cell_ll(&rows, i, 2) != 0);
		json_add_str(o, "trigger", db_cell(&rows, i, 3));
		json_object_object_add(o, "conditions", json_tokener_parse(db_cell(&rows, i, 4)));
		json_object_object_add(o, "actions", json_tokener_parse(db_cell(&rows, i, 5)));
		if (db_cell(&rows, i, 6) != NULL) {
			json_add_int(o, "minutes", db_cell_ll(&rows, i, 6));
			json_add_str(o, "status", db_cell(&rows, i, 7));
		}
		if (db_cell(&rows, i, 8) != NULL)
			json_add_int(o, "repeat_minutes", db_cell_ll(&rows, i, 8));
		json_object_array_add(data, o);
	}
	json_object_object_add(out, "data", data);
	return response_json(r, 200, out);
}

int rule_admin_put(struct request *r)
{
	struct json_object *list = r->input[RULE_PUT_RULES].json;
	size_t n = json_object_array_length(list);

	if (n > RULE_MAX_RULES) {
		validation_add(&r->invalid, r->a, "rules", "too_long", "at most %d rules", RULE_MAX_RULES);
		return problem_invalid(r);
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(list, i), *v;
		const char *p = arena_printf(r->a, "rules/%zu", i), *name;

		if (!json_object_is_type(o, json_type_object)) {
			validation_add(&r->invalid, r->a, p, "invalid_type", "each rule is an object");
			return problem_invalid(r);
		}
		json_object_object_foreach(o, key, unused)
		{
			(void)unused;
			if (!one_of(key, (const char *const[]){"name", "enabled", "trigger", "conditions", "actions",
			                                       "minutes", "status", "repeat_minutes", NULL}))
				validation_add(&r->invalid, r->a, arena_printf(r->a, "%s/%s", p, key), "unknown_field",
				               "%s is not a field of a rule", key);
		}
		name = json_object_object_get_ex(o, "name", &v) && json_object_is_type(v, json_type_string)
		               ? json_object_get_string(v)
		               : NULL;
		if (name == NULL || !utf8_valid(name, strlen(name)) || utf8_chars(name, strlen(name)) == 0 ||
		    utf8_chars(name, strlen(name)) > RULE_NAME_MAX)
			validation_add(&r->invalid, r->a, arena_printf(r->a, "%s/name", p), "invalid_value",
			               "name is 1 to %d characters", RULE_NAME_MAX);
		if (!json_object_object_get_ex(o, "trigger", &v) ||
		    rule_trigger_parse(json_object_get_string(v)) == TRIGGER__MAX)
			validation_add(&r->invalid, r->a, arena_printf(r->a, "%s/trigger", p), "invalid_value",
			               "trigger is one of: %s", trigger_list(r->a));
		if (json_object_object_get_ex(o, "trigger", &v) &&
		    rule_trigger_parse(json_object_get_string(v)) == TRIGGER_TIME_IN_STATUS) {
			struct json_object *m, *st;

			if (!json_object_object_get_ex(o, "minutes", &m) || !json_object_is_type(m, json_type_int) ||
			    json_object_get_int64(m) < 1 || json_object_get_int64(m) > 525600 ||
			    !json_object_object_get_ex(o, "status", &st) ||
			    !json_object_is_type(st, json_type_string) || json_object_get_string_len(st) < 1 ||
			    json_object_get_string_len(st) > 40)
				validation_add(&r->invalid, r->a, p, "invalid_value",
				               "time_in_status needs minutes (1 to 525600) and a status key");
			if (json_object_object_get_ex(o, "repeat_minutes", &m) &&
			    (!json_object_is_type(m, json_type_int) || json_object_get_int64(m) < 1 ||
			     json_object_get_int64(m) > 525600))
				validation_add(&r->invalid, r->a, arena_printf(r->a, "%s/repeat_minutes", p),
				               "invalid_value", "repeat_minutes is 1 to 525600");
		} else if (json_object_object_get_ex(o, "minutes", &v) || json_object_object_get_ex(o, "status", &v) ||
		           json_object_object_get_ex(o, "repeat_minutes", &v)) {
			validation_add(&r->invalid, r->a, p, "invalid_value",
			               "minutes, status and repeat_minutes belong to time_in_status rules");
		}
		if (json_object_object_get_ex(o, "enabled", &v) && !json_object_is_type(v, json_type_boolean))
			validation_add(&r->invalid, r->a, arena_printf(r->a, "%s/enabled", p), "invalid_type",
			               "enabled is true or false");
		if (r->invalid.count > 0)
			return problem_invalid(r);
		if (!json_object_object_get_ex(o, "conditions", &v) ||
		    rule_conditions_validate(r->a, v, arena_printf(r->a, "%s/conditions", p), &r->invalid) == -1 ||
		    !json_object_object_get_ex(o, "actions", &v) ||
		    rule_actions_validate(r->a, v, arena_printf(r->a, "%s/actions", p), &r->invalid) == -1) {
			if (r->invalid.count == 0)
				validation_add(&r->invalid, r->a, p, "required", "a rule needs conditions and actions");
			return problem_invalid(r);
		}
	}
	if (db_begin(r->db) == -1)
		return 500;
	if (db_exec(r->db, rule_sql[RULE_ADMIN_CLEAR], NULL, NULL, "i", r->tenant->id) == -1)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(list, i), *en;
		bool enabled = !json_object_object_get_ex(o, "enabled", &en) || json_object_get_boolean(en);

		struct json_object *m = json_object_object_get(o, "minutes"), *st = json_object_object_get(o, "status");
		struct json_object *rep = json_object_object_get(o, "repeat_minutes");

		if (db_exec(r->db, rule_sql[RULE_ADMIN_ADD], NULL, NULL, "isiisssusu", r->tenant->id,
		            json_object_get_string(json_object_object_get(o, "name")), (long long)i, (long long)enabled,
		            json_object_get_string(json_object_object_get(o, "trigger")),
		            json_object_to_json_string_ext(json_object_object_get(o, "conditions"),
		                                           JSON_C_TO_STRING_PLAIN),
		            json_object_to_json_string_ext(json_object_object_get(o, "actions"),
		                                           JSON_C_TO_STRING_PLAIN),
		            m ? json_object_get_int64(m) : 0LL, st ? json_object_get_string(st) : NULL,
		            rep ? json_object_get_int64(rep) : 0LL) == -1)
			goto fail;
	}
	if (db_exec(r->db, rule_sql[RULE_ADMIN_BUMP], NULL, NULL, "i", r->tenant->id) == -1 ||
	    audit_add(r, 0, "config_rules", "%zu rules", n) == -1 || db_commit(r->db) == -1)
		goto fail;
	return rule_admin_list(r);
fail:
	db_rollback(r->db);
	return 500;
}
