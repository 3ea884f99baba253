/* portald: the FastCGI application server. main() reads the configuration and hands over to the
 * prefork master; each worker runs the accept loop and the request pipeline below. */
#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sodium.h>

#include "auth/auth.h"
#include "auth/password.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/log.h"
#include "db/db.h"
#include "http/route.h"
#include "master.h"
#include "pool.h"
#include "sched/scheduler.h"
#include "tenant/tenant.h"
#include "worker.h"

#define BODY_MAX (128 * 1024)

struct portald_config {
	struct master_config master;
	struct db_config db;
	const char *secret_file;
	const char *base_domain;
	int cookie_secure;
	long token_lifetime;
	long max_requests;
};

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : fallback;
}

/* Reads the installation secret: at least 32 bytes, hashed down to the 32-byte master key. */
static int load_secret(const char *path, unsigned char out[TOKEN_KEY_LEN])
{
	unsigned char raw[4096];
	ssize_t n;
	int fd;

	if (path == NULL) {
		log_error("PORTAL_SECRET_FILE is not set: refusing to start without a signing secret");
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_error("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, raw, sizeof(raw));
	close(fd);
	if (n < 32) {
		log_error("%s holds %zd bytes; at least 32 random bytes are required", path, n);
		return -1;
	}
	crypto_generichash(out, TOKEN_KEY_LEN, raw, (size_t)n, NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

static const char *param(FCGX_Request *fr, const char *name)
{
	const char *v = FCGX_GetParam(name, fr->envp);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

static bool request_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

/* Fills r from the FastCGI parameters and reads the body (up to BODY_MAX). */
static void request_read(struct request *r, FCGX_Request *fr)
{
	const char *uri = param(fr, "REQUEST_URI"), *q, *len_s = param(fr, "CONTENT_LENGTH"), *rid;
	long long len = 0;

	r->method = http_method_parse(param(fr, "REQUEST_METHOD"));
	if (uri == NULL)
		uri = "/";
	q = strchr(uri, '?');
	r->path = q ? arena_strndup(r->a, uri, (size_t)(q - uri)) : uri;
	r->query = param(fr, "QUERY_STRING");
	r->host = param(fr, "HTTP_HOST");
	r->cookie = param(fr, "HTTP_COOKIE");
	r->authorization = param(fr, "HTTP_AUTHORIZATION");
	r->if_match = param(fr, "HTTP_IF_MATCH");
	r->if_none_match = param(fr, "HTTP_IF_NONE_MATCH");
	r->idempotency_key = param(fr, "HTTP_IDEMPOTENCY_KEY");
	r->csrf_header = param(fr, "HTTP_X_CSRF_TOKEN");
	r->content_type = param(fr, "CONTENT_TYPE");
	r->remote_addr = param(fr, "REMOTE_ADDR");
	rid = param(fr, "HTTP_X_REQUEST_ID");
	if (rid != NULL && request_id_ok(rid)) {
		r->request_id = rid;
	} else {
		char *id = arena_alloc(r->a, 33);

		token_random_hex(id, 16);
		r->request_id = id;
	}
	if (len_s != NULL) {
		char *end;

		errno = 0;
		len = strtoll(len_s, &end, 10);
		if (errno != 0 || *end != '\0' || len < 0)
			len = BODY_MAX + 1;
	}
	if (len > BODY_MAX) {
		r->body_too_large = true;
		return;
	}
	if (len > 0) {
		char *b = arena_alloc(r->a, (size_t)len + 1);
		int got = FCGX_GetStr(b, (int)len, fr->in);

		r->body = b;
		r->body_len = got > 0 ? (size_t)got : 0;
	}
}

static bool unsafe_method(enum http_method m)
{
	return m == METHOD_POST || m == METHOD_PATCH || m == METHOD_PUT || m == METHOD_DELETE;
}

/* Resolves the tenant and the signed-in user. A signed-in request for a host this worker has
 * served before is settled in one statement (session, user, teams, and the tenant's status and
 * version); anything less certain takes the full path: the tenant first, then the token.
 * Returns 0, or the status to answer with. */
static int tenant_and_user(struct request *r)
{
	enum auth_result signed_in = AUTH_UNCONFIRMED;

	r->tenant = tenant_remembered(&r->w->tenants, r->host);
	if (r->tenant != NULL)
		signed_in = auth_authenticate(r, true);
	if (signed_in == AUTH_UNCONFIRMED) {
		r->user = NULL;
		r->via_cookie = false;
		switch (tenant_resolve(&r->w->tenants, r->db, r->a, r->host, &r->tenant)) {
		case TENANT_FOUND:
			break;
		case TENANT_UNKNOWN:
			return problem(r, 404, "tenant_not_found", "No service portal is configured for this address.");
		case TENANT_SUSPENDED:
			return problem(r, 403, "tenant_suspended", "This service portal is suspended.");
		case TENANT_ERROR:
			return 500;
		}
		signed_in = auth_authenticate(r, false);
	}
	if (signed_in == AUTH_ERROR)
		return 500;
	log_context(r->request_id, r->tenant->id);
	if (!pool_enter(r->tenant->id)) {
		/* Its share of the workers is busy with its other requests: the rest stay free for
		 * the other tenants. */
		response_header(r, "Retry-After", "1");
		return problem(r, 429, "portal_busy",
		               "This portal is answering as many requests as it may at once; try again in a moment.");
	}
	if (signed_in == AUTH_INVALID) {
		/* A stale cookie must not lock anyone out of the sign-in page or the sign-in itself:
		 * routes open to everyone treat it as no sign-in at all. */
		if (r->route->roles & ROLES_ANONYMOUS) {
			r->user = NULL;
			r->via_cookie = false;
			return 0;
		}
		return problem(r, 401, "unauthorized",
		               "The sign-in is not valid (expired, revoked or for another portal).");
	}
	return 0;
}

/* The request pipeline: route → tenant → token → role → CSRF → body → handler. */
static int request_run(struct request *r)
{
	int path_known = 0;
	const struct route *rt = route_match(r->method, r->path, &r->number, &r->id, &path_known);

	if (rt == NULL) {
		if (path_known) {
			response_header(r, "Allow", "GET, POST, PATCH");
			return problem(r, 405, "method_not_allowed", "This method is not allowed on %s.",
			               "this resource");
		}
		return problem(r, 404, "not_found", "There is no such API endpoint.");
	}
	r->route = rt;
	if (!(rt->flags & ROUTE_NO_TENANT)) {
		int status = tenant_and_user(r);

		if (status != 0)
			return status;
	}
	if (!(rt->roles & ROLES_ANONYMOUS)) {
		if (r->user == NULL)
			return problem(r, 401, "unauthorized", "Sign in first.");
		if (!(rt->roles & ROLE_BIT(r->user->role)))
			return problem(r, 403, "forbidden", "Your role may not do this.");
		if (r->via_cookie && unsafe_method(r->method) && !(rt->flags & ROUTE_NO_CSRF) &&
		    (r->csrf_header == NULL || strlen(r->csrf_header) != strlen(r->user->csrf_token) ||
		     sodium_memcmp(r->csrf_header, r->user->csrf_token, strlen(r->csrf_header)) != 0))
			return problem(r, 403, "csrf_failed", "The X-CSRF-Token header is missing or wrong.");
	}
	if (r->body_too_large)
		return problem(r, 413, "payload_too_large", "The request body is larger than %d KiB.", BODY_MAX / 1024);
	if (rt->input != NULL) {
		const char *reason = NULL;

		if (r->content_type == NULL || strncmp(r->content_type, "application/json", 16) != 0 ||
		    (r->content_type[16] != '\0' && r->content_type[16] != ';'))
			return problem(r, 415, "unsupported_media_type", "Send the body as application/json.");
		r->json = json_parse_strict(r->a, r->body ? r->body : "", r->body_len, &reason);
		if (r->json == NULL)
			return problem(r, 400, "invalid_json", "The body is not valid JSON: %s.",
			               reason ? reason : "empty");
		r->input = arena_alloc(r->a, rt->ninput * sizeof(*r->input));
		if (validate_body(r->a, r->json, rt->input, rt->ninput, r->input, &r->invalid) == -1)
			return problem_invalid(r);
	}
	return rt->handler(r);
}

static void access_log(struct request *r, double ms, unsigned long long statements)
{
	struct json_object *o = json_object_new_object();
	char ts[40];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_add_str(o, "ts", ts);
	json_add_str(o, "level", "info");
	json_add_str(o, "msg", "request");
	json_add_str(o, "request_id", r->request_id);
	json_add_int(o, "tenant_id", r->tenant ? r->tenant->id : 0);
	json_add_int(o, "user_id", r->user ? r->user->user_id : 0);
	json_add_str(o, "method", http_method_name(r->method));
	json_add_str(o, "route", r->route ? r->route->name : "none");
	json_add_int(o, "status", r->status);
	json_object_object_add(o, "dur_ms", json_object_new_double(ms));
	json_add_int(o, "sql", (long long)statements);
	log_json_line(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void request_handle(struct worker *w, FCGX_Request *fr, struct buf *out, bool log_requests)
{
	struct request r;
	struct timespec t0, t1;
	unsigned long long queries0 = w->db.queries;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&r, 0, sizeof(r));
	r.w = w;
	r.a = &w->arena;
	r.db = &w->db;
	buf_init(&r.out_headers);
	buf_init(&r.out_body);
	request_read(&r, fr);
	log_context(r.request_id, 0);
	/* A transaction chosen as a deadlock victim was rolled back whole: run the request again,
	 * unless something was already committed. */
	for (int attempt = 1;; attempt++) {
		unsigned long long commits = r.db->commits;

		r.db->last_errno = 0;
		r.status = request_run(&r);
		if (r.status != 500 || attempt == 3 || r.db->commits != commits ||
		    (r.db->last_errno != DB_ER_LOCK_DEADLOCK && r.db->last_errno != DB_ER_LOCK_WAIT_TIMEOUT))
			break;
		log_warn("%s: deadlock, running the request again", r.route ? r.route->name : "?");
		buf_reset(&r.out_headers);
		buf_reset(&r.out_body);
		r.problem_code = NULL;
		r.problem_detail = NULL;
		memset(&r.invalid, 0, sizeof(r.invalid));
		r.tenant = NULL;
		r.user = NULL;
		r.via_cookie = false;
	}
	pool_leave();
	if (r.db->in_tx) {
		log_error("handler %s left a transaction open; rolled back", r.route ? r.route->name : "?");
		db_rollback(r.db);
	}
	if (r.status >= 500 && db_too_slow(r.db)) {
		r.status = 503;
		r.problem_code = "too_slow";
		r.problem_detail = "The request took too long and was stopped; for a report, choose a shorter range "
		                   "or a filter.";
		buf_reset(&r.out_body);
	} else if (r.status >= 500 && db_gone(r.db)) {
		r.status = 503;
		r.problem_code = "unavailable";
		r.problem_detail = "The database is unreachable; try again shortly.";
		buf_reset(&r.out_body);
		response_header(&r, "Retry-After", "2");
	} else if (r.status == 500 && r.out_body.len > 0) {
		buf_reset(&r.out_body); /* never leak half-built content from a failed handler */
	}
	buf_reset(out);
	response_render(&r, out);
	FCGX_PutStr(out->data, (int)out->len, fr->out);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (log_requests)
		access_log(&r, (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
		           r.db->queries - queries0);
	buf_release(&r.out_headers);
	buf_release(&r.out_body);
	log_context(NULL, 0);
}

static int scheduler_main(int listen_fd, void *arg)
{
	const struct portald_config *cfg = arg;
	struct scheduler_config sc = {&cfg->db, cfg->base_domain, 1000};

	close(listen_fd);
	log_setup("portald-scheduler", strcmp(env_or("PORTAL_LOG_LEVEL", "info"), "debug") == 0 ? LOG_DEBUG : LOG_INFO);
	sc.interval_ms = atoi(env_or("PORTAL_SWEEP_INTERVAL_MS", "1000"));
	if (sc.interval_ms < 100)
		sc.interval_ms = 100;
	return scheduler_run(&sc);
}

/* Bytes of request memory past which a worker returns the freed heap to the system. */
#define WORKER_TRIM_AFTER (1024 * 1024)
/* Seconds one statement of a request may run, and how long the worker waits for an answer:
 * under nginx's 30 s, the limit under the wait, so a statement that slow ends in the worker with
 * a clear answer instead of a lost connection, a retry and a statement left running on the
 * server. A report over years on a large tenant may legitimately take most of it. */
#define WORKER_STATEMENT_LIMIT 25
#define WORKER_READ_TIMEOUT    28

static int worker_main(int listen_fd, void *arg)
{
	const struct portald_config *cfg = arg;
	struct worker w;
	FCGX_Request fr;
	struct buf out;
	long served = 0;
	bool big;
	struct db_config dbc;
	bool log_requests = strcmp(env_or("PORTAL_ACCESS_LOG", "1"), "0") != 0;

	log_setup("portald-worker", strcmp(env_or("PORTAL_LOG_LEVEL", "info"), "debug") == 0 ? LOG_DEBUG : LOG_INFO);
	memset(&w, 0, sizeof(w));
	arena_init(&w.arena);
	tenant_cache_init(&w.tenants, cfg->base_domain);
	if (load_secret(cfg->secret_file, w.master_key) == -1 || password_init() == -1)
		return 1;
	w.cookie_secure = cfg->cookie_secure;
	w.token_lifetime = cfg->token_lifetime;
	/* A database that is down at start is not fatal: requests answer 503 until it is back. */
	dbc = cfg->db;
	dbc.statement_limit = WORKER_STATEMENT_LIMIT;
	dbc.read_timeout = WORKER_READ_TIMEOUT;
	if (db_open(&w.db, &dbc) == -1)
		log_warn("starting without a database connection");
	if (FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_error("FCGX_InitRequest failed");
		return 1;
	}
	buf_init(&out);
	while (!master_stop_requested()) {
		if (FCGX_Accept_r(&fr) < 0)
			break;
		request_handle(&w, &fr, &out, log_requests);
		FCGX_Finish_r(&fr);
		big = w.arena.used_total > WORKER_TRIM_AFTER || out.cap > WORKER_TRIM_AFTER;
		arena_reset(&w.arena);
		/* A large request (a report over years, a big export) leaves freed memory in the heap that
		 * malloc keeps; hand it back so a worker stays small between such requests. */
		if (big) {
			buf_release(&out);
			malloc_trim(0);
		}
		w.requests++;
		if (cfg->max_requests > 0 && ++served >= cfg->max_requests)
			break;
	}
	buf_release(&out);
	tenant_cache_release(&w.tenants);
	db_close(&w.db);
	arena_release(&w.arena);
	return 0;
}

int main(int argc, char **argv)
{
	static struct portald_config cfg;
	unsigned char probe[TOKEN_KEY_LEN];

	log_setup("portald", LOG_INFO);
	if (sodium_init() < 0) {
		log_error("libsodium failed to initialise");
		return 1;
	}
	cfg.master.listen = env_or("PORTAL_LISTEN", "var/run/portald.sock");
	cfg.master.socket_mode = (unsigned)strtoul(env_or("PORTAL_SOCKET_MODE", "0660"), NULL, 8);
	cfg.master.workers = atoi(env_or("PORTAL_WORKERS", "4"));
	/* By default one tenant may hold all workers but one, and password hashes may take all
	 * cores but one, so the others always have somewhere to run. */
	cfg.master.tenant_share = atoi(env_or("PORTAL_TENANT_SHARE", "0"));
	if (cfg.master.tenant_share <= 0)
		cfg.master.tenant_share = cfg.master.workers > 1 ? cfg.master.workers - 1 : 1;
	cfg.master.hash_limit = atoi(env_or("PORTAL_HASH_LIMIT", "0"));
	if (cfg.master.hash_limit <= 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		cfg.master.hash_limit = cpus > 1 ? (int)cpus - 1 : 1;
	}
	cfg.master.pid_file = getenv("PORTAL_PID_FILE");
	cfg.master.scheduler = scheduler_main;
	db_config_from_env(&cfg.db);
	cfg.secret_file = getenv("PORTAL_SECRET_FILE");
	cfg.base_domain = env_or("PORTAL_BASE_DOMAIN", "localhost");
	cfg.cookie_secure = atoi(env_or("PORTAL_COOKIE_SECURE", "0"));
	cfg.token_lifetime = atol(env_or("PORTAL_TOKEN_LIFETIME", "28800"));
	cfg.max_requests = atol(env_or("PORTAL_MAX_REQUESTS", "0"));
	if (cfg.token_lifetime < 60 || cfg.token_lifetime > 7 * 86400) {
		log_error("PORTAL_TOKEN_LIFETIME must be 60 to 604800 seconds");
		return 1;
	}
	/* Refuse to start without a usable secret, before any worker exists. */
	if (load_secret(cfg.secret_file, probe) == -1)
		return 1;
	sodium_memzero(probe, sizeof(probe));
	if (argc > 1 && strcmp(argv[1], "--check-config") == 0) {
		printf("configuration ok\n");
		return 0;
	}
	return master_run(&cfg.master, worker_main, &cfg);
}
