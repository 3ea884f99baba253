/* auth_http: token checking for every request, and the sign-in endpoints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <sodium.h>

#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/json.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/request.h"
#include "../pipeline/pipeline.h"
#include "../pool.h"
#include "../tenant/tenant.h"
#include "../user/user.h"
#include "../worker.h"
#include "auth.h"
#include "password.h"
#include "token.h"

#define LOGIN_WINDOW_MINUTES       15
#define LOGIN_MAX_ACCOUNT_FAILURES 5
#define LOGIN_MAX_ADDRESS_FAILURES 50
#define SESSION_COOKIE             "sp_token"
#define HASH_WAIT_MS               3000 /* a sign-in waits this long for a turn to hash */

/* The session, its user and the user's teams (where the tenant shows tickets by team), kept on the
 * user's row by the triggers of 0029_user_team_ids.sql. */
#define SESSION_SELECT                                                                         \
	"SELECT s.csrf_token, u.role, u.name, u.email, COALESCE(u.company_id, 0), u.team_ids " \
	"FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id "
#define SESSION_WHERE                                                                                       \
	"WHERE s.id = ? AND s.tenant_id = ? AND s.user_id = ? AND s.revoked_at IS NULL AND s.expires_at > " \
	"UTC_TIMESTAMP(6) AND u.disabled = 0"

enum auth_stmt {
	AUTH_SESSION_GET,    /* the live session, its user and their teams, for every request */
	AUTH_SESSION_CHECK,  /* the same, confirming the remembered tenant's status and version */
	AUTH_USER_BY_EMAIL,  /* sign-in */
	AUTH_FAILURES_GET,   /* failures in the current window for two scopes */
	AUTH_FAILURE_ADD,    /* count one failure */
	AUTH_FAILURES_CLEAR, /* after a good sign-in */
	AUTH_SESSION_ADD,    /* a new sign-in */
	AUTH_SESSION_REVOKE, /* sign-out */
	AUTH_COMPANY_NAME,   /* for /me */
	AUTH_STMT__MAX
};

static const char *const auth_sql[AUTH_STMT__MAX] = {
        /* AUTH_SESSION_GET */
        [AUTH_SESSION_GET] = SESSION_SELECT SESSION_WHERE,
        /* AUTH_SESSION_CHECK */
        [AUTH_SESSION_CHECK] = SESSION_SELECT
        "JOIN tenants t ON t.id = s.tenant_id AND t.status = 'active' AND t.config_version = ? " SESSION_WHERE,
        /* AUTH_USER_BY_EMAIL */
        [AUTH_USER_BY_EMAIL] =
                "SELECT id, password_hash, role, name, email, COALESCE(company_id, 0), disabled FROM users "
                "WHERE tenant_id = ? AND email = ?",
        /* AUTH_FAILURES_GET */
        [AUTH_FAILURES_GET] =
                "SELECT scope, failures, GREATEST(1, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), window_start + INTERVAL 15 "
                "MINUTE)) "
                "FROM login_failures WHERE scope IN (?, ?) AND window_start > UTC_TIMESTAMP() - INTERVAL 15 MINUTE",
        /* AUTH_FAILURE_ADD */
        [AUTH_FAILURE_ADD] =
                "INSERT INTO login_failures (scope, window_start, failures) VALUES (?, UTC_TIMESTAMP(), 1) "
                "ON DUPLICATE KEY UPDATE "
                "failures = IF(window_start > UTC_TIMESTAMP() - INTERVAL 15 MINUTE, failures + 1, 1), "
                "window_start = IF(failures = 1, UTC_TIMESTAMP(), window_start)",
        /* AUTH_FAILURES_CLEAR */
        [AUTH_FAILURES_CLEAR] = "DELETE FROM login_failures WHERE scope = ?",
        /* AUTH_SESSION_ADD */
        [AUTH_SESSION_ADD] = "INSERT INTO sessions (id, tenant_id, user_id, csrf_token, created_at, expires_at) "
                             "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), FROM_UNIXTIME(?))",
        /* AUTH_SESSION_REVOKE */
        [AUTH_SESSION_REVOKE] = "UPDATE sessions SET revoked_at = UTC_TIMESTAMP(6) WHERE id = ? AND tenant_id = ? AND "
                                "revoked_at IS NULL",
        /* AUTH_COMPANY_NAME */
        [AUTH_COMPANY_NAME] = "SELECT name FROM companies WHERE id = ? AND tenant_id = ?",
};

const char *auth_cookie_value(struct arena *a, const char *header, const char *name)
{
	const char *c = header;
	size_t nl = strlen(name);

	while (c != NULL && *c != '\0') {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, name, nl) == 0 && c[nl] == '=') {
			const char *v = c + nl + 1;
			size_t len = strcspn(v, ";");

			return arena_strndup(a, v, len);
		}
		c = strchr(c, ';');
	}
	return NULL;
}

/* Reads the comma-separated ids of list (GROUP_CONCAT; NULL: none) into an arena array; *n
 * gets their number. */
static long long *id_list(struct arena *a, const char *list, size_t *n)
{
	size_t cap = 1;
	long long *ids;

	for (const char *c = list; c != NULL && *c != '\0'; c++)
		cap += *c == ',';
	ids = arena_alloc(a, cap * sizeof(*ids));
	*n = 0;
	while (list != NULL && *list != '\0' && *n < cap) {
		char *end;
		long long v = strtoll(list, &end, 10);

		if (end == list)
			break;
		ids[(*n)++] = v;
		list = *end == ',' ? end + 1 : end;
	}
	return ids;
}

enum auth_result auth_authenticate(struct request *r, bool confirm_tenant)
{
	struct token_claims claims;
	const char *token = NULL, *reason;
	struct db_rows rows;
	struct principal *p;
	int found;

	if (r->authorization != NULL) {
		if (strncmp(r->authorization, "Bearer ", 7) != 0)
			return confirm_tenant ? AUTH_UNCONFIRMED : AUTH_INVALID;
		token = r->authorization + 7;
	} else {
		token = auth_cookie_value(r->a, r->cookie, SESSION_COOKIE);
		if (token == NULL || token[0] == '\0')
			return confirm_tenant ? AUTH_UNCONFIRMED : AUTH_NONE;
		r->via_cookie = true;
	}
	if (token_verify(r->a, r->w->master_key, r->tenant, token, time(NULL), &claims, &reason) == -1) {
		if (confirm_tenant)
			return AUTH_UNCONFIRMED; /* perhaps keys the remembered configuration lacks */
		log_info("token refused: %s", reason);
		return AUTH_INVALID;
	}
	if (confirm_tenant)
		found = db_query(r->db, r->a, auth_sql[AUTH_SESSION_CHECK], &rows, "isii",
		                 (long long)r->tenant->config_version, claims.session_id, r->tenant->id,
		                 claims.user_id);
	else
		found = db_query(r->db, r->a, auth_sql[AUTH_SESSION_GET], &rows, "sii", claims.session_id,
		                 r->tenant->id, claims.user_id);
	if (found == -1)
		return AUTH_ERROR;
	if (rows.nrows != 1 || strcmp(db_cell(&rows, 0, 1), claims.role) != 0) {
		if (confirm_tenant)
			return AUTH_UNCONFIRMED;
		log_info("token refused: session revoked, expired or role changed");
		return AUTH_INVALID;
	}
	p = arena_alloc(r->a, sizeof(*p));
	p->user_id = claims.user_id;
	p->session_id = arena_strdup(r->a, claims.session_id);
	p->csrf_token = db_cell(&rows, 0, 0);
	p->role = role_parse(claims.role, strlen(claims.role));
	p->name = db_cell(&rows, 0, 2);
	p->email = db_cell(&rows, 0, 3);
	p->company_id = db_cell_ll(&rows, 0, 4);
	if (!r->tenant->agents_see_all && (p->role == ROLE_AGENT || p->role == ROLE_MANAGER)) {
		/* Visible: pipelines of the user's teams, and those no team owns. */
		p->restricted = true;
		p->teams = id_list(r->a, db_cell(&rows, 0, 5), &p->nteams);
		p->pipelines =
		        arena_alloc(r->a, (r->tenant->npipelines ? r->tenant->npipelines : 1) * sizeof(long long));
		for (size_t i = 0; i < r->tenant->npipelines; i++) {
			const struct pipeline *pl = &r->tenant->pipelines[i];
			bool mine = pl->team_id == 0;

			for (size_t k = 0; k < p->nteams && !mine; k++)
				mine = p->teams[k] == pl->team_id;
			if (mine)
				p->pipelines[p->npipelines++] = pl->id;
		}
	}
	r->user = p;
	return AUTH_OK;
}

static void lower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void format_time(char *out, size_t cap, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int auth_login(struct request *r)
{
	char *email = arena_strdup(r->a, r->input[LOGIN_EMAIL].str);
	const char *password = r->input[LOGIN_PASSWORD].str;
	const char *account_scope, *address_scope;
	struct db_rows f, u;
	const char *hash = NULL;
	long long user_id = 0;
	bool ok;
	char session_id[TOKEN_SESSION_ID_LEN + 1], csrf[33], expires[32];
	struct token_claims claims;
	char *token;
	time_t now = time(NULL);
	struct json_object *out;

	lower_ascii(email);
	account_scope = arena_printf(r->a, "account:%lld:%s", r->tenant->id, email);
	address_scope = arena_printf(r->a, "address:%s", r->remote_addr ? r->remote_addr : "unknown");
	if (db_query(r->db, r->a, auth_sql[AUTH_FAILURES_GET], &f, "ss", account_scope, address_scope) == -1)
		return 500;
	for (size_t i = 0; i < f.nrows; i++) {
		bool is_account = strcmp(db_cell(&f, i, 0), account_scope) == 0;
		long long failures = db_cell_ll(&f, i, 1);

		if (failures >= (is_account ? LOGIN_MAX_ACCOUNT_FAILURES : LOGIN_MAX_ADDRESS_FAILURES)) {
			response_headerf(r, "Retry-After", "%lld", db_cell_ll(&f, i, 2));
			if (audit_add(r, 0, "sign_in_throttled", "%s", email) == -1)
				return 500;
			return problem(r, 429, "too_many_attempts",
			               "Too many failed sign-ins; try again in %lld seconds.", db_cell_ll(&f, i, 2));
		}
	}
	if (db_query(r->db, r->a, auth_sql[AUTH_USER_BY_EMAIL], &u, "is", r->tenant->id, email) == -1)
		return 500;
	if (u.nrows == 1 && db_cell_ll(&u, 0, 6) == 0) {
		user_id = db_cell_ll(&u, 0, 0);
		hash = db_cell(&u, 0, 1);
	}
	/* Unknown address and wrong password wait for the same turn and hash the same way. */
	if (!pool_hash_begin(HASH_WAIT_MS)) {
		response_header(r, "Retry-After", "1");
		return problem(r, 503, "sign_in_busy", "Many people are signing in right now; try again in a second.");
	}
	ok = password_verify(hash, password);
	pool_hash_end();
	if (!ok) {
		if (db_exec(r->db, auth_sql[AUTH_FAILURE_ADD], NULL, NULL, "s", account_scope) == -1 ||
		    db_exec(r->db, auth_sql[AUTH_FAILURE_ADD], NULL, NULL, "s", address_scope) == -1 ||
		    audit_add(r, user_id, "sign_in_failed", "%s", email) == -1)
			return 500;
		return problem(r, 401, "invalid_credentials", "The e-mail address or the password is not correct.");
	}
	if (db_exec(r->db, auth_sql[AUTH_FAILURES_CLEAR], NULL, NULL, "s", account_scope) == -1 ||
	    audit_add(r, user_id, "sign_in", "%s", email) == -1)
		return 500;

	token_random_hex(session_id, TOKEN_SESSION_ID_LEN / 2);
	token_random_hex(csrf, 16);
	memset(&claims, 0, sizeof(claims));
	claims.user_id = user_id;
	memcpy(claims.session_id, session_id, sizeof(session_id));
	snprintf(claims.role, sizeof(claims.role), "%s", db_cell(&u, 0, 2));
	claims.issued_at = now;
	claims.expires_at = now + r->w->token_lifetime;
	if (db_exec(r->db, auth_sql[AUTH_SESSION_ADD], NULL, NULL, "siisi", session_id, r->tenant->id, user_id, csrf,
	            (long long)claims.expires_at) == -1)
		return 500;
	token = token_issue(r->a, r->w->master_key, r->tenant, &claims);
	if (token == NULL)
		return 500;
	response_headerf(r, "Set-Cookie", SESSION_COOKIE "=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s", token,
	                 r->w->token_lifetime, r->w->cookie_secure ? "; Secure" : "");
	format_time(expires, sizeof(expires), claims.expires_at);
	out = json_object_new_object();
	{
		const char *company_name = NULL;
		long long company_id = db_cell_ll(&u, 0, 5);
		struct db_rows c;

		if (company_id > 0) {
			if (db_query(r->db, r->a, auth_sql[AUTH_COMPANY_NAME], &c, "ii", company_id, r->tenant->id) ==
			    -1) {
				json_object_put(out);
				return 500;
			}
			company_name = c.nrows ? db_cell(&c, 0, 0) : NULL;
		}
		json_object_object_add(out, "user",
		                       user_json(user_id, db_cell(&u, 0, 4), db_cell(&u, 0, 3), db_cell(&u, 0, 2),
		                                 company_id, company_name));
	}
	json_add_str(out, "token", token);
	json_add_str(out, "csrf_token", csrf);
	json_add_str(out, "expires_at", expires);
	return response_json(r, 200, out);
}

int auth_logout(struct request *r)
{
	if (db_exec(r->db, auth_sql[AUTH_SESSION_REVOKE], NULL, NULL, "si", r->user->session_id, r->tenant->id) == -1)
		return 500;
	response_headerf(r, "Set-Cookie", SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
	                 r->w->cookie_secure ? "; Secure" : "");
	return 204;
}

/* The tenant's public face, shared by /me and /tenant. */
struct json_object *tenant_public_json(const struct tenant *t);

int auth_me(struct request *r)
{
	struct json_object *out = json_object_new_object();
	const char *company_name = NULL;

	if (r->user->company_id > 0) {
		struct db_rows c;

		if (db_query(r->db, r->a, auth_sql[AUTH_COMPANY_NAME], &c, "ii", r->user->company_id, r->tenant->id) ==
		    -1) {
			json_object_put(out);
			return 500;
		}
		company_name = c.nrows ? db_cell(&c, 0, 0) : NULL;
	}
	json_object_object_add(out, "user",
	                       user_json(r->user->user_id, r->user->email, r->user->name, role_name(r->user->role),
	                                 r->user->company_id, company_name));
	json_object_object_add(out, "tenant", tenant_public_json(r->tenant));
	json_add_str(out, "csrf_token", r->user->csrf_token);
	return response_json(r, 200, out);
}
