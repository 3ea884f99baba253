/* user_admin: the tenant admin sets what the router knows of each staff member: skills with
 * their levels and a capacity. Skill names are created on first use. */
#include <string.h>

#include <json-c/json.h>

#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/json.h"
#include "../core/utf8.h"
#include "../core/validate.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../tenant/tenant.h"
#include "user.h"

enum agent_stmt {
	AGENT_LIST,        /* active staff */
	AGENT_SKILL_LIST,  /* their skills */
	AGENT_TEAM_LIST,   /* their teams */
	AGENT_LOCK,        /* one staff member, locked */
	AGENT_SKILL_CLEAR, /* their skills, before the new set */
	AGENT_SKILL_ID,    /* a skill by name, created when new */
	AGENT_SKILL_ADD,
	AGENT_CAPACITY_SET,
	AGENT_STMT__MAX
};

static const char *const agent_sql[AGENT_STMT__MAX] = {
        /* AGENT_LIST: one person or (? = 0) everyone */
        [AGENT_LIST] = "SELECT id, name, email, role, capacity, availability FROM users WHERE tenant_id = ? AND role "
                       "IN ('admin', 'manager', 'agent') AND disabled = 0 AND (? = 0 OR id = ?) ORDER BY name, id "
                       "LIMIT 1000",
        /* AGENT_SKILL_LIST */
        [AGENT_SKILL_LIST] = "SELECT us.user_id, s.name, us.level FROM user_skills us JOIN skills s ON s.id = "
                             "us.skill_id AND s.tenant_id = us.tenant_id WHERE us.tenant_id = ? ORDER BY s.name",
        /* AGENT_TEAM_LIST */
        [AGENT_TEAM_LIST] = "SELECT m.user_id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id AND "
                            "t.tenant_id = m.tenant_id WHERE m.tenant_id = ? ORDER BY t.name",
        /* AGENT_LOCK */
        [AGENT_LOCK] = "SELECT id FROM users WHERE tenant_id = ? AND id = ? AND role IN ('admin', 'manager', "
                       "'agent') AND disabled = 0 FOR UPDATE",
        /* AGENT_SKILL_CLEAR */
        [AGENT_SKILL_CLEAR] = "DELETE FROM user_skills WHERE tenant_id = ? AND user_id = ?",
        /* AGENT_SKILL_ID: LAST_INSERT_ID(id) hands back the existing row's id too */
        [AGENT_SKILL_ID] =
                "INSERT INTO skills (tenant_id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
        /* AGENT_SKILL_ADD */
        [AGENT_SKILL_ADD] = "INSERT INTO user_skills (tenant_id, user_id, skill_id, level) VALUES (?, ?, ?, ?)",
        /* AGENT_CAPACITY_SET */
        [AGENT_CAPACITY_SET] = "UPDATE users SET capacity = ? WHERE tenant_id = ? AND id = ?",
};

/* The staff list (only = 0) or one person, as JSON objects in a new array; NULL on failure. */
static struct json_object *agents_json(struct request *r, long long only)
{
	struct db_rows users, skills, teams;
	struct json_object *arr;

	if (db_query(r->db, r->a, agent_sql[AGENT_LIST], &users, "iii", r->tenant->id, only, only) == -1 ||
	    db_query(r->db, r->a, agent_sql[AGENT_SKILL_LIST], &skills, "i", r->tenant->id) == -1 ||
	    db_query(r->db, r->a, agent_sql[AGENT_TEAM_LIST], &teams, "i", r->tenant->id) == -1)
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; i < users.nrows; i++) {
		struct json_object *o = json_object_new_object(), *sk = json_object_new_object(),
		                   *tm = json_object_new_array();
		long long id = db_cell_ll(&users, i, 0);

		json_add_int(o, "id", id);
		json_add_str(o, "name", db_cell(&users, i, 1));
		json_add_str(o, "email", db_cell(&users, i, 2));
		json_add_str(o, "role", db_cell(&users, i, 3));
		json_add_int(o, "capacity", db_cell_ll(&users, i, 4));
		json_add_str(o, "availability", db_cell(&users, i, 5));
		for (size_t k = 0; k < skills.nrows; k++)
			if (db_cell_ll(&skills, k, 0) == id)
				json_add_int(sk, db_cell(&skills, k, 1), db_cell_ll(&skills, k, 2));
		json_object_object_add(o, "skills", sk);
		for (size_t k = 0; k < teams.nrows; k++)
			if (db_cell_ll(&teams, k, 0) == id)
				json_object_array_add(tm, json_object_new_string(db_cell(&teams, k, 1)));
		json_object_object_add(o, "teams", tm);
		json_object_array_add(arr, o);
	}
	return arr;
}

int user_admin_agents(struct request *r)
{
	struct json_object *data = agents_json(r, 0), *out;

	if (data == NULL)
		return 500;
	out = json_object_new_object();
	json_object_object_add(out, "data", data);
	json_add_null(out, "next_cursor");
	return response_json(r, 200, out);
}

int user_admin_agent_put(struct request *r)
{
	struct json_object *skills = r->input[AGENT_SKILLS].json, *one;
	struct db_rows rows;
	size_t n = 0;

	json_object_object_foreach(skills, name, level)
	{
		const char *p = arena_printf(r->a, "skills/%.60s", name);
		size_t len = strlen(name);

		n++;
		if (len == 0 || !utf8_valid(name, len) || utf8_chars(name, len) > USER_SKILL_MAX)
			validation_add(&r->invalid, r->a, p, "invalid_value", "a skill's name is 1 to %d characters",
			               USER_SKILL_MAX);
		if (!json_object_is_type(level, json_type_int) || json_object_get_int64(level) < 1 ||
		    json_object_get_int64(level) > 5)
			validation_add(&r->invalid, r->a, p, "invalid_value",
			               "a skill's level is a whole number from 1 to 5");
	}
	if (n > USER_SKILLS_MAX)
		validation_add(&r->invalid, r->a, "skills", "too_long", "a person has at most %d skills",
		               USER_SKILLS_MAX);
	if (r->invalid.count > 0)
		return problem_invalid(r);
	if (db_begin(r->db) == -1)
		return 500;
	if (db_query(r->db, r->a, agent_sql[AGENT_LOCK], &rows, "ii", r->tenant->id, r->id) == -1)
		goto fail;
	if (rows.nrows == 0) {
		db_rollback(r->db);
		return problem(r, 404, "not_found", "There is no such staff member.");
	}
	if (db_exec(r->db, agent_sql[AGENT_SKILL_CLEAR], NULL, NULL, "ii", r->tenant->id, r->id) == -1)
		goto fail;
	{
		json_object_object_foreach(skills, skill_name, skill_level)
		{
			long long skill_id;

			if (db_exec(r->db, agent_sql[AGENT_SKILL_ID], NULL, &skill_id, "is", r->tenant->id,
			            skill_name) == -1 ||
			    db_exec(r->db, agent_sql[AGENT_SKILL_ADD], NULL, NULL, "iiii", r->tenant->id, r->id,
			            skill_id, (long long)json_object_get_int64(skill_level)) == -1)
				goto fail;
		}
	}
	if (r->input[AGENT_CAPACITY].present && db_exec(r->db, agent_sql[AGENT_CAPACITY_SET], NULL, NULL, "iii",
	                                                r->input[AGENT_CAPACITY].id, r->tenant->id, r->id) == -1)
		goto fail;
	if (audit_add(r, 0, "config_agent", "skills and capacity of user %lld", r->id) == -1 || db_commit(r->db) == -1)
		goto fail;
	if ((one = agents_json(r, r->id)) == NULL)
		return 500;
	{
		struct json_object *o = json_object_get(json_object_array_get_idx(one, 0));

		json_object_put(one);
		return response_json(r, 200, o);
	}
fail:
	db_rollback(r->db);
	return 500;
}
