/* tenant (portalctl): apply tenant definitions from the JSON files in tenants/. Applying the same file
 * twice changes nothing; existing users keep their passwords and tickets are never touched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "../auth/password.h"
#include "../auth/role.h"
#include "../auth/token.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/json.h"
#include "../core/utf8.h"
#include "../light/calendar.h"
#include "../note/wordcheck.h"
#include "../tenant/tenant.h"
#include "../db/db.h"
#include "ctl.h"

#define LOGO_MAX (48 * 1024)

enum ctl_tenant_stmt {
	T_GET,          /* tenant id by slug */
	T_INSERT,       /* new tenant */
	T_UPDATE,       /* name, zone, branding, settings; bumps the config version */
	T_DOMAIN_CLEAR, /* domains are replaced wholesale */
	T_DOMAIN_ADD,
	T_COMPANY_ADD, /* insert if missing */
	T_COMPANY_GET,
	T_USER_GET,
	T_USER_INSERT,
	T_USER_UPDATE, /* name, role, company */
	T_USER_PASSWORD,
	T_SESSIONS_REVOKE, /* after a role or password change */
	T_KEY_COUNT,
	T_KEY_ADD,
	T_KEY_RETIRE,
	T_COUNTER_ADD,
	T_PIPELINE_COUNT,
	T_PIPELINE_ADD,
	T_STATUS_ADD,
	T_TRANSITION_ADD,
	T_LIST,
	T_SET_STATUS,
	T_BUMP,
	T_CLOCKS,   /* which traffic-light clocks run in each status of a new pipeline */
	T_WORD_ADD, /* a neutral-language term from the definition (added, never removed here) */
	T_SKILL_ADD,
	T_SKILL_GET,
	T_USER_SKILL,   /* an agent's level in a skill */
	T_USER_ROUTING, /* capacity and availability */
	T_CATEGORY,     /* a category and the skill it needs */
	T_LEVEL,        /* the level a priority needs */
	T_INTAKE,       /* where the default pipeline sends new tickets */
	T_TEAM_ADD,
	T_TEAM_GET,
	T_TEAM_MEMBER,
	T_PIPELINE_TEAM, /* the team the default pipeline belongs to */
	T_CALENDAR,      /* business hours, when the definition has them */
	T_STMT__MAX
};

static const char *const sql[T_STMT__MAX] = {
        [T_GET] = "SELECT id FROM tenants WHERE slug = ?",
        /* T_INSERT */
        [T_INSERT] = "INSERT INTO tenants (slug, name, time_zone, branding, settings) VALUES (?, ?, ?, ?, ?)",
        /* T_UPDATE */
        [T_UPDATE] = "UPDATE tenants SET name = ?, time_zone = ?, branding = ?, settings = ?, "
                     "config_version = config_version + 1, updated_at = UTC_TIMESTAMP(6) WHERE id = ?",
        [T_DOMAIN_CLEAR] = "DELETE FROM tenant_domains WHERE tenant_id = ?",
        [T_DOMAIN_ADD] = "INSERT INTO tenant_domains (domain, tenant_id) VALUES (?, ?)",
        [T_COMPANY_ADD] = "INSERT IGNORE INTO companies (tenant_id, name) VALUES (?, ?)",
        [T_COMPANY_GET] = "SELECT id FROM companies WHERE tenant_id = ? AND name = ?",
        [T_USER_GET] = "SELECT id, role FROM users WHERE tenant_id = ? AND email = ?",
        /* T_USER_INSERT */
        [T_USER_INSERT] =
                "INSERT INTO users (tenant_id, email, name, role, company_id, password_hash) VALUES (?, ?, ?, ?, ?, ?)",
        /* T_USER_UPDATE */
        [T_USER_UPDATE] = "UPDATE users SET name = ?, role = ?, company_id = ?, updated_at = UTC_TIMESTAMP(6) "
                          "WHERE tenant_id = ? AND id = ?",
        /* T_USER_PASSWORD */
        [T_USER_PASSWORD] =
                "UPDATE users SET password_hash = ?, updated_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND id = ?",
        /* T_SESSIONS_REVOKE */
        [T_SESSIONS_REVOKE] = "UPDATE sessions SET revoked_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND user_id = ? "
                              "AND revoked_at IS NULL",
        [T_KEY_COUNT] = "SELECT COUNT(*) FROM signing_keys WHERE tenant_id = ? AND retired_at IS NULL",
        [T_KEY_ADD] = "INSERT INTO signing_keys (tenant_id, kid) VALUES (?, ?)",
        /* T_KEY_RETIRE */
        [T_KEY_RETIRE] = "UPDATE signing_keys SET retired_at = UTC_TIMESTAMP(6) WHERE tenant_id = ? AND retired_at IS "
                         "NULL AND kid <> ?",
        [T_COUNTER_ADD] = "INSERT IGNORE INTO ticket_counters (tenant_id, last_number) VALUES (?, 0)",
        [T_PIPELINE_COUNT] = "SELECT COUNT(*) FROM pipelines WHERE tenant_id = ?",
        [T_PIPELINE_ADD] = "INSERT INTO pipelines (tenant_id, pkey, name, is_default) VALUES (?, ?, ?, 1)",
        /* T_STATUS_ADD */
        [T_STATUS_ADD] = "INSERT INTO statuses (tenant_id, pipeline_id, skey, staff_name, customer_name, category, "
                         "color, position, "
                         "is_entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        /* T_TRANSITION_ADD */
        [T_TRANSITION_ADD] =
                "INSERT INTO status_transitions (tenant_id, from_status_id, to_status_id) VALUES (?, ?, ?)",
        /* T_LIST */
        [T_LIST] = "SELECT slug, name, status, (SELECT COUNT(*) FROM tickets k WHERE k.tenant_id = t.id) FROM tenants "
                   "t ORDER BY "
                   "slug",
        /* T_SET_STATUS */
        [T_SET_STATUS] = "UPDATE tenants SET status = ?, config_version = config_version + 1 WHERE slug = ?",
        [T_BUMP] = "UPDATE tenants SET config_version = config_version + 1 WHERE id = ?",
        /* T_CLOCKS */
        [T_CLOCKS] = "UPDATE statuses SET clocks = CASE category WHEN 'waiting_customer' THEN 'supplier' "
                     "WHEN 'deferred' THEN '' WHEN 'resolved' THEN '' WHEN 'closed' THEN '' "
                     "ELSE 'response,supplier,communication' END WHERE tenant_id = ? AND pipeline_id = ?",
        /* T_WORD_ADD */
        [T_WORD_ADD] = "INSERT IGNORE INTO word_list (tenant_id, term) VALUES (?, ?)",
        [T_SKILL_ADD] = "INSERT IGNORE INTO skills (tenant_id, name) VALUES (?, ?)",
        [T_SKILL_GET] = "SELECT id FROM skills WHERE tenant_id = ? AND name = ?",
        /* T_USER_SKILL */
        [T_USER_SKILL] = "INSERT INTO user_skills (tenant_id, user_id, skill_id, level) VALUES (?, ?, ?, ?) "
                         "ON DUPLICATE KEY UPDATE level = VALUES(level)",
        /* T_USER_ROUTING */
        [T_USER_ROUTING] = "UPDATE users SET capacity = ?, availability = ? WHERE tenant_id = ? AND email = ?",
        /* T_CATEGORY */
        [T_CATEGORY] = "INSERT INTO categories (tenant_id, name, skill_id) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
                       "skill_id = "
                       "VALUES(skill_id)",
        /* T_LEVEL */
        [T_LEVEL] = "INSERT INTO priority_levels (tenant_id, priority, min_level) VALUES (?, ?, ?) "
                    "ON DUPLICATE KEY UPDATE min_level = VALUES(min_level)",
        /* T_INTAKE */
        [T_INTAKE] = "UPDATE pipelines SET intake = ?, manager_id = (SELECT id FROM users WHERE tenant_id = ? AND "
                     "email = ?), "
                     "is_default = is_default WHERE tenant_id = ? AND is_default = 1",
        [T_TEAM_ADD] = "INSERT IGNORE INTO teams (tenant_id, name) VALUES (?, ?)",
        [T_TEAM_GET] = "SELECT id FROM teams WHERE tenant_id = ? AND name = ?",
        /* T_TEAM_MEMBER: the user's id is read first; a trigger of team_members writes users, which
         * an INSERT ... SELECT FROM users may not (MariaDB error 1442). */
        [T_TEAM_MEMBER] = "INSERT IGNORE INTO team_members (tenant_id, team_id, user_id) VALUES (?, ?, ?)",
        [T_PIPELINE_TEAM] = "UPDATE pipelines SET team_id = (SELECT id FROM teams WHERE tenant_id = ? AND name = ?) "
                            "WHERE tenant_id = ? AND is_default = 1",
        /* T_CALENDAR */
        [T_CALENDAR] = "UPDATE tenants SET calendar = ?, lights_version = lights_version + 1 WHERE id = ? AND NOT "
                       "(calendar <=> ?)",
};

/* The default pipeline every tenant starts with. */
static const struct {
	const char *key, *staff_name, *customer_name, *category, *color;
	const char *next[5];
} default_statuses[] = {
        {"not_started",
         "Not started",
         "Received",
         "new",
         "#64748b",
         {"in_progress", "awaiting_update", "deferred", "resolved"}},
        {"in_progress",
         "In progress",
         "Being worked on",
         "active",
         "#2563eb",
         {"awaiting_update", "deferred", "resolved"}},
        {"awaiting_update",
         "Awaiting update",
         "Waiting for your reply",
         "waiting_customer",
         "#d97706",
         {"in_progress", "deferred", "resolved"}},
        {"deferred", "Deferred", "On hold", "deferred", "#7c3aed", {"in_progress", "awaiting_update"}},
        {"resolved", "Resolved", "Resolved", "resolved", "#16a34a", {"in_progress"}},
};
#define NDEFAULT (sizeof(default_statuses) / sizeof(default_statuses[0]))

static void create_default_pipeline(struct db *db, long long tenant_id)
{
	long long pipeline_id, ids[NDEFAULT];

	if (db_exec(db, sql[T_PIPELINE_ADD], NULL, &pipeline_id, "iss", tenant_id, "support", "Support") == -1)
		ctl_die("cannot create the default pipeline");
	for (size_t i = 0; i < NDEFAULT; i++)
		if (db_exec(db, sql[T_STATUS_ADD], NULL, &ids[i], "iisssssii", tenant_id, pipeline_id,
		            default_statuses[i].key, default_statuses[i].staff_name, default_statuses[i].customer_name,
		            default_statuses[i].category, default_statuses[i].color, (long long)i,
		            (long long)(i == 0)) == -1)
			ctl_die("cannot create status %s", default_statuses[i].key);
	if (db_exec(db, sql[T_CLOCKS], NULL, NULL, "ii", tenant_id, pipeline_id) == -1)
		ctl_die("cannot set the status clocks");
	for (size_t i = 0; i < NDEFAULT; i++)
		for (size_t k = 0; k < 5 && default_statuses[i].next[k] != NULL; k++)
			for (size_t j = 0; j < NDEFAULT; j++)
				if (strcmp(default_statuses[j].key, default_statuses[i].next[k]) == 0 &&
				    db_exec(db, sql[T_TRANSITION_ADD], NULL, NULL, "iii", tenant_id, ids[i], ids[j]) ==
				            -1)
					ctl_die("cannot create a transition");
}

static const char *req_str(struct json_object *o, const char *key, size_t max, const char *file)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		ctl_die("%s: \"%s\" must be a string", file, key);
	s = json_object_get_string(v);
	if (!utf8_valid(s, strlen(s)) || utf8_chars(s, strlen(s)) == 0 || utf8_chars(s, strlen(s)) > max)
		ctl_die("%s: \"%s\" must be 1 to %zu characters of UTF-8", file, key, max);
	return s;
}

static bool valid_color(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return false;
	return strspn(s + 1, "0123456789abcdefABCDEF") == 6;
}

static bool valid_slug(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && n <= 40 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n && s[0] != '-';
}

/* Builds the stored branding object; the logo file (beside the definition) becomes a data URL. */
static char *branding_text(struct json_object *def, const char *file)
{
	struct json_object *b, *out = json_object_new_object();
	const char *logo;
	char *result;

	if (!json_object_object_get_ex(def, "branding", &b) || !json_object_is_type(b, json_type_object))
		ctl_die("%s: \"branding\" must be an object", file);
	json_add_str(out, "product_name", req_str(b, "product_name", 60, file));
	json_add_str(out, "issue_word", req_str(b, "issue_word", 30, file));
	{
		const char *primary = req_str(b, "primary_color", 7, file),
		           *accent = req_str(b, "accent_color", 7, file);

		if (!valid_color(primary) || !valid_color(accent))
			ctl_die("%s: colours must be #rrggbb", file);
		json_add_str(out, "primary_color", primary);
		json_add_str(out, "accent_color", accent);
	}
	logo = req_str(b, "logo", 200, file);
	if (strchr(logo, '/') != NULL || strstr(logo, "..") != NULL || strlen(logo) < 5 ||
	    strcmp(logo + strlen(logo) - 4, ".svg") != 0)
		ctl_die("%s: \"logo\" must name an .svg file beside the definition", file);
	{
		const char *slash = strrchr(file, '/');
		char *path = arena_printf(ctl_arena_get(), "%.*s%s", slash ? (int)(slash - file + 1) : 0, file, logo);
		size_t len;
		char *svg = ctl_read_file(path, &len);
		size_t b64len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = malloc(b64len);

		if (len == 0 || len > LOGO_MAX || strstr(svg, "<svg") == NULL)
			ctl_die("%s: must be an SVG image of at most %d KiB", path, LOGO_MAX / 1024);
		if (strstr(svg, "<script") != NULL || strstr(svg, "javascript:") != NULL)
			ctl_die("%s: scripts are not allowed in a logo", path);
		if (b64 == NULL)
			ctl_die("out of memory");
		sodium_bin2base64(b64, b64len, (const unsigned char *)svg, len, sodium_base64_VARIANT_ORIGINAL);
		json_add_str(out, "logo", arena_printf(ctl_arena_get(), "data:image/svg+xml;base64,%s", b64));
		free(b64);
		free(svg);
	}
	result = strdup(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out);
	return result;
}

static char *settings_text(struct json_object *def)
{
	static const char *const flags[] = {"customers_see_company", "agents_see_all", "cross_team_assignment",
	                                    "check_internal_notes"};
	struct json_object *s, *v, *out = json_object_new_object();
	char *result;

	json_add_bool(out, "customers_see_company", 0);
	if (json_object_object_get_ex(def, "settings", &s))
		for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (json_object_object_get_ex(s, flags[i], &v))
				json_add_bool(out, flags[i], json_object_get_boolean(v));
	result = strdup(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
	json_object_put(out);
	return result;
}

static void new_kid(char out[TENANT_KID_LEN + 1])
{
	token_random_hex(out, TENANT_KID_LEN / 2);
}

/* Adds or updates one user; returns its id. New users get password (or die without one). */
static long long upsert_user(struct db *db, long long tenant_id, const char *email, const char *name, const char *role,
                             long long company_id, const char *password, bool reset_password)
{
	struct arena *a = ctl_arena_get();
	struct db_rows rows;
	char hash[PASSWORD_HASH_MAX];
	long long id;

	if (role_parse(role, strlen(role)) == ROLE__MAX)
		ctl_die("%s: unknown role %s (admin, manager, agent, customer)", email, role);
	if ((strcmp(role, "customer") == 0) != (company_id > 0))
		ctl_die("%s: customers need a company, staff must not have one", email);
	if (strchr(email, '@') == NULL || strlen(email) > 254 || !utf8_valid(email, strlen(email)))
		ctl_die("%s: not an e-mail address", email);
	if (db_query(db, a, sql[T_USER_GET], &rows, "is", tenant_id, email) == -1)
		ctl_die("cannot read users");
	if (rows.nrows == 0) {
		if (password == NULL || utf8_chars(password, strlen(password)) < PASSWORD_MIN_CHARS)
			ctl_die("%s: a new user needs a password of at least %d characters", email, PASSWORD_MIN_CHARS);
		if (password_hash(password, hash) == -1)
			ctl_die("hashing failed");
		if (db_exec(db, sql[T_USER_INSERT], NULL, &id, "isssus", tenant_id, email, name, role, company_id,
		            hash) == -1)
			ctl_die("cannot add %s", email);
		return id;
	}
	id = db_cell_ll(&rows, 0, 0);
	if (db_exec(db, sql[T_USER_UPDATE], NULL, NULL, "ssuii", name, role, company_id, tenant_id, id) == -1)
		ctl_die("cannot update %s", email);
	if (strcmp(db_cell(&rows, 0, 1), role) != 0 &&
	    db_exec(db, sql[T_SESSIONS_REVOKE], NULL, NULL, "ii", tenant_id, id) == -1)
		ctl_die("cannot revoke sessions of %s", email);
	if (reset_password && password != NULL) {
		if (utf8_chars(password, strlen(password)) < PASSWORD_MIN_CHARS)
			ctl_die("%s: passwords need at least %d characters", email, PASSWORD_MIN_CHARS);
		if (password_hash(password, hash) == -1 ||
		    db_exec(db, sql[T_USER_PASSWORD], NULL, NULL, "sii", hash, tenant_id, id) == -1 ||
		    db_exec(db, sql[T_SESSIONS_REVOKE], NULL, NULL, "ii", tenant_id, id) == -1)
			ctl_die("cannot set the password of %s", email);
	}
	return id;
}

static long long skill_id(struct db *db, struct arena *a, long long tenant_id, const char *name, const char *file)
{
	struct db_rows rows;

	if (name == NULL || utf8_chars(name, strlen(name)) == 0 || utf8_chars(name, strlen(name)) > 60)
		ctl_die("%s: skill names are 1-60 characters", file);
	if (db_exec(db, sql[T_SKILL_ADD], NULL, NULL, "is", tenant_id, name) == -1 ||
	    db_query(db, a, sql[T_SKILL_GET], &rows, "is", tenant_id, name) == -1 || rows.nrows != 1)
		ctl_die("cannot add skill %s", name);
	return db_cell_ll(&rows, 0, 0);
}

/* Skills, capacity and availability of users; categories, levels and intake of the tenant. */
static void apply_routing(struct db *db, struct arena *a, struct json_object *def, const char *file,
                          long long tenant_id)
{
	struct json_object *arr, *routing, *v;

	if (json_object_object_get_ex(def, "users", &arr) && json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *u = json_object_array_get_idx(arr, i), *skills;
			const char *email = json_object_get_string(json_object_object_get(u, "email"));
			long long capacity = 10;
			const char *availability = "available";
			struct db_rows rows;

			if (json_object_object_get_ex(u, "capacity", &v))
				capacity = json_object_get_int64(v);
			if (json_object_object_get_ex(u, "availability", &v))
				availability = json_object_get_string(v);
			if (capacity < 0 || capacity > 10000 ||
			    (strcmp(availability, "available") != 0 && strcmp(availability, "away") != 0))
				ctl_die("%s: %s: capacity 0-10000, availability available or away", file, email);
			if (db_exec(db, sql[T_USER_ROUTING], NULL, NULL, "isis", capacity, availability, tenant_id,
			            email) == -1)
				ctl_die("cannot set the routing of %s", email);
			if (!json_object_object_get_ex(u, "skills", &skills))
				continue;
			if (db_query(db, a, sql[T_USER_GET], &rows, "is", tenant_id, email) == -1 || rows.nrows != 1)
				ctl_die("cannot read %s", email);
			json_object_object_foreach(skills, name, level)
			{
				long long lv = json_object_get_int64(level);

				if (!json_object_is_type(level, json_type_int) || lv < 1 || lv > 5)
					ctl_die("%s: %s: skill levels are 1 to 5", file, email);
				if (db_exec(db, sql[T_USER_SKILL], NULL, NULL, "iiii", tenant_id,
				            db_cell_ll(&rows, 0, 0), skill_id(db, a, tenant_id, name, file), lv) == -1)
					ctl_die("cannot set a skill of %s", email);
			}
		}
	if (json_object_object_get_ex(def, "teams", &arr) && json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *team = json_object_array_get_idx(arr, i), *members;
			const char *name = req_str(team, "name", 60, file);
			struct db_rows rows;

			if (db_exec(db, sql[T_TEAM_ADD], NULL, NULL, "is", tenant_id, name) == -1 ||
			    db_query(db, a, sql[T_TEAM_GET], &rows, "is", tenant_id, name) == -1 || rows.nrows != 1)
				ctl_die("cannot add team %s", name);
			if (json_object_object_get_ex(team, "members", &members) &&
			    json_object_is_type(members, json_type_array))
				for (size_t k = 0; k < json_object_array_length(members); k++) {
					const char *email =
					        json_object_get_string(json_object_array_get_idx(members, k));
					struct db_rows user;

					/* A member who is not a user of the tenant is passed over. */
					if (db_query(db, a, sql[T_USER_GET], &user, "is", tenant_id, email) == -1)
						ctl_die("cannot read %s", email);
					if (user.nrows == 1 &&
					    db_exec(db, sql[T_TEAM_MEMBER], NULL, NULL, "iii", tenant_id,
					            db_cell_ll(&rows, 0, 0), db_cell_ll(&user, 0, 0)) == -1)
						ctl_die("cannot add %s to team %s", email, name);
				}
		}
	if (!json_object_object_get_ex(def, "routing", &routing))
		return;
	if (json_object_object_get_ex(routing, "team", &v) &&
	    db_exec(db, sql[T_PIPELINE_TEAM], NULL, NULL, "isi", tenant_id, json_object_get_string(v), tenant_id) == -1)
		ctl_die("cannot set the pipeline's team");
	if (json_object_object_get_ex(routing, "categories", &arr) && json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *c = json_object_array_get_idx(arr, i);
			const char *name = req_str(c, "name", 60, file), *skill = req_str(c, "skill", 60, file);

			if (db_exec(db, sql[T_CATEGORY], NULL, NULL, "isi", tenant_id, name,
			            skill_id(db, a, tenant_id, skill, file)) == -1)
				ctl_die("cannot add category %s", name);
		}
	if (json_object_object_get_ex(routing, "levels", &v)) {
		json_object_object_foreach(v, priority, level)
		{
			long long lv = json_object_get_int64(level);

			if (strcmp(priority, "low") != 0 && strcmp(priority, "normal") != 0 &&
			    strcmp(priority, "high") != 0 && strcmp(priority, "urgent") != 0)
				ctl_die("%s: routing levels are for low, normal, high and urgent", file);
			if (lv < 1 || lv > 5 ||
			    db_exec(db, sql[T_LEVEL], NULL, NULL, "isi", tenant_id, priority, lv) == -1)
				ctl_die("%s: routing levels are 1 to 5", file);
		}
	}
	if (json_object_object_get_ex(routing, "intake", &v)) {
		const char *intake = json_object_get_string(v), *manager = NULL;
		struct json_object *m;

		if (strcmp(intake, "manual") != 0 && strcmp(intake, "router") != 0 && strcmp(intake, "triage") != 0)
			ctl_die("%s: intake is manual, router or triage", file);
		if (json_object_object_get_ex(routing, "manager", &m))
			manager = json_object_get_string(m);
		if (db_exec(db, sql[T_INTAKE], NULL, NULL, "sisi", intake, tenant_id, manager, tenant_id) == -1)
			ctl_die("cannot set the intake");
	}
}

static void apply_one(const char *file)
{
	struct db *db = ctl_connect();
	struct arena *a = ctl_arena_get();
	size_t len;
	char *text = ctl_read_file(file, &len);
	const char *reason = NULL, *slug, *name, *tz, *default_password = NULL;
	struct json_object *def = json_parse_strict(a, text, len, &reason), *arr, *v;
	char *branding, *settings;
	struct db_rows rows;
	long long tenant_id;
	size_t nusers = 0;

	if (def == NULL || !json_object_is_type(def, json_type_object))
		ctl_die("%s: not a JSON object (%s)", file, reason ? reason : "wrong type");
	slug = req_str(def, "slug", 40, file);
	if (!valid_slug(slug))
		ctl_die("%s: slug must be 2-40 of a-z, 0-9 and -", file);
	name = req_str(def, "name", 100, file);
	tz = req_str(def, "time_zone", 64, file);
	if (json_object_object_get_ex(def, "default_password", &v))
		default_password = json_object_get_string(v);
	branding = branding_text(def, file);
	settings = settings_text(def);

	if (db_begin(db) == -1)
		ctl_die("cannot start a transaction");
	if (db_query(db, a, sql[T_GET], &rows, "s", slug) == -1)
		ctl_die("cannot read tenants");
	if (rows.nrows == 0) {
		if (db_exec(db, sql[T_INSERT], NULL, &tenant_id, "sssss", slug, name, tz, branding, settings) == -1)
			ctl_die("cannot create tenant %s", slug);
	} else {
		tenant_id = db_cell_ll(&rows, 0, 0);
		if (db_exec(db, sql[T_UPDATE], NULL, NULL, "ssssi", name, tz, branding, settings, tenant_id) == -1)
			ctl_die("cannot update tenant %s", slug);
	}
	if (db_exec(db, sql[T_DOMAIN_CLEAR], NULL, NULL, "i", tenant_id) == -1)
		ctl_die("cannot update domains");
	if (json_object_object_get_ex(def, "domains", &arr) && json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			const char *d = json_object_get_string(json_object_array_get_idx(arr, i));

			if (d == NULL || strlen(d) > 253 ||
			    strspn(d, "abcdefghijklmnopqrstuvwxyz0123456789-.") != strlen(d))
				ctl_die("%s: domains must be lower-case host names", file);
			if (db_exec(db, sql[T_DOMAIN_ADD], NULL, NULL, "si", d, tenant_id) == -1)
				ctl_die("%s: domain %s is taken by another tenant", file, d);
		}
	if (json_object_object_get_ex(def, "companies", &arr) && json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			const char *c = json_object_get_string(json_object_array_get_idx(arr, i));

			if (c == NULL || utf8_chars(c, strlen(c)) == 0 || utf8_chars(c, strlen(c)) > 100)
				ctl_die("%s: company names must be 1-100 characters", file);
			if (db_exec(db, sql[T_COMPANY_ADD], NULL, NULL, "is", tenant_id, c) == -1)
				ctl_die("cannot add company %s", c);
		}
	if (json_object_object_get_ex(def, "users", &arr) && json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *u = json_object_array_get_idx(arr, i), *cv;
			const char *email = req_str(u, "email", 254, file), *uname = req_str(u, "name", 100, file);
			const char *role = req_str(u, "role", 20, file);
			long long company_id = 0;

			if (json_object_object_get_ex(u, "company", &cv)) {
				if (db_query(db, a, sql[T_COMPANY_GET], &rows, "is", tenant_id,
				             json_object_get_string(cv)) == -1 ||
				    rows.nrows == 0)
					ctl_die("%s: %s names a company that is not in \"companies\"", file, email);
				company_id = db_cell_ll(&rows, 0, 0);
			}
			upsert_user(db, tenant_id, email, uname, role, company_id, default_password, false);
			nusers++;
		}
	if (db_query(db, a, sql[T_PIPELINE_COUNT], &rows, "i", tenant_id) == -1)
		ctl_die("cannot read pipelines");
	if (db_cell_ll(&rows, 0, 0) == 0)
		create_default_pipeline(db, tenant_id);
	if (db_query(db, a, sql[T_KEY_COUNT], &rows, "i", tenant_id) == -1)
		ctl_die("cannot read keys");
	if (db_cell_ll(&rows, 0, 0) == 0) {
		char kid[TENANT_KID_LEN + 1];

		new_kid(kid);
		if (db_exec(db, sql[T_KEY_ADD], NULL, NULL, "is", tenant_id, kid) == -1)
			ctl_die("cannot add a signing key");
	}
	if (db_exec(db, sql[T_COUNTER_ADD], NULL, NULL, "i", tenant_id) == -1)
		ctl_die("cannot add the ticket counter");
	if (json_object_object_get_ex(def, "word_list", &arr) && json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			const char *term = json_object_get_string(json_object_array_get_idx(arr, i));

			if (term == NULL || !wordcheck_term_valid(term))
				ctl_die("%s: word_list terms must be 1-100 characters, '*' only at the end", file);
			if (db_exec(db, sql[T_WORD_ADD], NULL, NULL, "is", tenant_id, term) == -1)
				ctl_die("cannot add a word_list term");
		}
	apply_routing(db, a, def, file, tenant_id);
	if (json_object_object_get_ex(def, "calendar", &v)) {
		const char *cal =
		        json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		struct calendar parsed;

		if (calendar_parse(a, cal, &parsed, &reason) == -1)
			ctl_die("%s: calendar: %s", file, reason ? reason : "invalid");
		if (db_exec(db, sql[T_CALENDAR], NULL, NULL, "sis", cal, tenant_id, cal) == -1)
			ctl_die("cannot store the calendar");
	}
	if (db_commit(db) == -1)
		ctl_die("commit failed");
	printf("tenant %s applied (%zu users)\n", slug, nusers);
	free(branding);
	free(settings);
	free(text);
}

int ctl_tenant_apply(int nfiles, char **files)
{
	for (int i = 0; i < nfiles; i++)
		apply_one(files[i]);
	return 0;
}

int ctl_tenant_list(void)
{
	struct db_rows rows;

	if (db_query(ctl_connect(), ctl_arena_get(), sql[T_LIST], &rows, "") == -1)
		ctl_die("cannot read tenants");
	printf("%-20s %-10s %8s  %s\n", "SLUG", "STATUS", "TICKETS", "NAME");
	for (size_t i = 0; i < rows.nrows; i++)
		printf("%-20s %-10s %8s  %s\n", db_cell(&rows, i, 0), db_cell(&rows, i, 2), db_cell(&rows, i, 3),
		       db_cell(&rows, i, 1));
	return 0;
}

int ctl_tenant_status(const char *slug, bool suspend)
{
	unsigned long long affected = 0;

	if (db_exec(ctl_connect(), sql[T_SET_STATUS], &affected, NULL, "ss", suspend ? "suspended" : "active", slug) ==
	    -1)
		ctl_die("cannot change the status");
	if (affected == 0)
		ctl_die("no tenant %s", slug);
	printf("tenant %s is %s\n", slug, suspend ? "suspended" : "active");
	return 0;
}

int ctl_user_add(const char *slug, const char *email, const char *name, const char *role, const char *company,
                 const char *password)
{
	struct db *db = ctl_connect();
	struct arena *a = ctl_arena_get();
	struct db_rows rows;
	long long tenant_id, company_id = 0, id;

	if (db_query(db, a, sql[T_GET], &rows, "s", slug) == -1 || rows.nrows == 0)
		ctl_die("no tenant %s", slug);
	tenant_id = db_cell_ll(&rows, 0, 0);
	if (db_begin(db) == -1)
		ctl_die("cannot start a transaction");
	if (company != NULL) {
		if (db_exec(db, sql[T_COMPANY_ADD], NULL, NULL, "is", tenant_id, company) == -1 ||
		    db_query(db, a, sql[T_COMPANY_GET], &rows, "is", tenant_id, company) == -1 || rows.nrows == 0)
			ctl_die("cannot add company %s", company);
		company_id = db_cell_ll(&rows, 0, 0);
	}
	id = upsert_user(db, tenant_id, email, name, role, company_id, password, true);
	if (db_commit(db) == -1)
		ctl_die("commit failed");
	printf("user %s (id %lld) in %s is %s\n", email, id, slug, role);
	return 0;
}

int ctl_keys_rotate(const char *slug)
{
	struct db *db = ctl_connect();
	struct arena *a = ctl_arena_get();
	struct db_rows rows;
	long long tenant_id;
	char kid[TENANT_KID_LEN + 1];

	if (db_query(db, a, sql[T_GET], &rows, "s", slug) == -1 || rows.nrows == 0)
		ctl_die("no tenant %s", slug);
	tenant_id = db_cell_ll(&rows, 0, 0);
	new_kid(kid);
	if (db_begin(db) == -1 || db_exec(db, sql[T_KEY_ADD], NULL, NULL, "is", tenant_id, kid) == -1 ||
	    db_exec(db, sql[T_KEY_RETIRE], NULL, NULL, "is", tenant_id, kid) == -1 ||
	    db_exec(db, sql[T_BUMP], NULL, NULL, "i", tenant_id) == -1 || db_commit(db) == -1)
		ctl_die("rotation failed");
	printf("tenant %s signs with key %s; tokens of earlier keys stay valid for a day\n", slug, kid);
	return 0;
}
