/* db: Connector/C with auto-reconnect off (it would silently drop transactions and prepared
 * statements); we reconnect ourselves and prepare statements again lazily. */
#include "db.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/log.h"

#define DB_MAX_PARAMS    128
#define DB_CELL_PREFETCH 256
/* Rows past which a result counts as large (see stmt_forget). */
#define DB_BIG_RESULT 10000

void db_config_from_env(struct db_config *cfg)
{
	const char *port = getenv("PORTAL_DB_PORT");

	memset(cfg, 0, sizeof(*cfg));
	cfg->host = getenv("PORTAL_DB_HOST");
	cfg->socket = getenv("PORTAL_DB_SOCKET");
	cfg->user = getenv("PORTAL_DB_USER");
	cfg->password = getenv("PORTAL_DB_PASSWORD");
	cfg->name = getenv("PORTAL_DB_NAME");
	if (cfg->name == NULL || cfg->name[0] == '\0')
		cfg->name = "portal";
	if (cfg->user == NULL || cfg->user[0] == '\0')
		cfg->user = "portal";
	cfg->port = port ? (unsigned)strtoul(port, NULL, 10) : 0;
}

static void clear_cache(struct db *db)
{
	for (int i = 0; i < db->ncache; i++) {
		mysql_stmt_close(db->cache[i].stmt);
		free(db->cache[i].sql);
	}
	db->ncache = 0;
}

static void disconnect(struct db *db)
{
	clear_cache(db);
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = false;
}

static bool errno_gone(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
	       e == CR_CONN_HOST_ERROR || e == ER_CONNECTION_KILLED || e == ER_SERVER_SHUTDOWN ||
	       e == CR_SERVER_LOST_EXTENDED || e == 4031 /* ER_CLIENT_INTERACTION_TIMEOUT */;
}

bool db_gone(const struct db *db)
{
	return db->conn == NULL || errno_gone(db->last_errno);
}

bool db_too_slow(const struct db *db)
{
	return db->last_errno == ER_STATEMENT_TIMEOUT;
}

static int connect_now(struct db *db)
{
	/* Requests fail fast; portalctl's migrations on a large database may take much longer. */
	unsigned timeout = 2, rw_timeout = db->cfg.read_timeout ? db->cfg.read_timeout : 15;
	MYSQL *m = mysql_init(NULL);
	char init[320];

	if (m == NULL)
		BUG("mysql_init: out of memory");
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	/* READ COMMITTED: a statement after a locking read sees what the lock holder committed
	 * (the router counts an agent's open tickets only once it holds the agent's row), and
	 * fewer gap locks mean fewer deadlocks. */
	snprintf(init, sizeof(init),
	         "SET time_zone = '+00:00', sql_mode = "
	         "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO', "
	         "tx_isolation = 'READ-COMMITTED'%s%.0u",
	         db->cfg.statement_limit > 0 ? ", max_statement_time = " : "", db->cfg.statement_limit);
	mysql_optionsv(m, MYSQL_INIT_COMMAND, init);
	if (mysql_real_connect(m, db->cfg.host, db->cfg.user, db->cfg.password, db->cfg.name, db->cfg.port,
	                       db->cfg.socket, 0) == NULL) {
		db->last_errno = mysql_errno(m);
		log_error("connect to MariaDB failed: %s (%u)", mysql_error(m), db->last_errno);
		if (db->last_errno < 2000)
			db->last_errno = CR_CONNECTION_ERROR; /* e.g. 'too many connections': treat as unavailable */
		mysql_close(m);
		return -1;
	}
	db->conn = m;
	db->in_tx = false;
	db->last_errno = 0;
	return 0;
}

int db_open(struct db *db, const struct db_config *cfg)
{
	memset(db, 0, sizeof(*db));
	db->cfg = *cfg;
	return connect_now(db);
}

void db_close(struct db *db)
{
	disconnect(db);
}

int db_ensure(struct db *db)
{
	if (db->conn != NULL)
		return 0;
	return connect_now(db);
}

/* Notes a failure; a lost server drops the connection so the next call reconnects. */
static void note_error(struct db *db, unsigned e, const char *what, const char *msg, const char *sql)
{
	db->last_errno = e;
	if (e == DB_ER_DUP_ENTRY)
		log_debug("%s: %s (%u)", what, msg, e);
	else
		log_error("%s: %s (%u) in: %.120s", what, msg, e, sql);
	if (errno_gone(e))
		disconnect(db);
}

/* FNV-1a: the cache compares hashes first, then the text. */
static unsigned long long sql_hash(const char *sql)
{
	unsigned long long h = 1469598103934665603ULL;

	for (; *sql != '\0'; sql++)
		h = (h ^ (unsigned char)*sql) * 1099511628211ULL;
	return h;
}

static MYSQL_STMT *stmt_get(struct db *db, const char *sql)
{
	MYSQL_STMT *st;
	unsigned long long h = sql_hash(sql);
	char *copy;

	for (int i = 0; i < db->ncache; i++)
		if (db->cache[i].hash == h && strcmp(db->cache[i].sql, sql) == 0)
			return db->cache[i].stmt;
	st = mysql_stmt_init(db->conn);
	if (st == NULL)
		BUG("mysql_stmt_init: out of memory");
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
		note_error(db, mysql_stmt_errno(st), "prepare", mysql_stmt_error(st), sql);
		mysql_stmt_close(st);
		return NULL;
	}
	if (db->ncache == DB_STMT_CACHE) {
		/* Full: evict the oldest; the cache is sized above the number of statements we have. */
		mysql_stmt_close(db->cache[0].stmt);
		free(db->cache[0].sql);
		memmove(db->cache, db->cache + 1, sizeof(db->cache[0]) * (DB_STMT_CACHE - 1));
		db->ncache--;
	}
	copy = strdup(sql);
	if (copy == NULL)
		BUG("out of memory");
	db->cache[db->ncache].sql = copy;
	db->cache[db->ncache].hash = h;
	db->cache[db->ncache].stmt = st;
	db->ncache++;
	return st;
}

/* Closes st and takes it out of the cache: the client library keeps the memory of a stored
 * result with its statement until the statement runs again, so the statement that read a large
 * result goes (and is prepared again when next needed). */
static void stmt_forget(struct db *db, MYSQL_STMT *st)
{
	for (int i = 0; i < db->ncache; i++)
		if (db->cache[i].stmt == st) {
			free(db->cache[i].sql);
			memmove(db->cache + i, db->cache + i + 1, sizeof(db->cache[0]) * (size_t)(db->ncache - i - 1));
			db->ncache--;
			break;
		}
	mysql_stmt_close(st);
}

/* Up to DB_MAX_PARAMS parameters live in the struct itself (on the caller's stack); a longer
 * array (a multi-row write, a long IN list) gets its binds from the caller's arena. */
struct params {
	MYSQL_BIND inline_bind[DB_MAX_PARAMS];
	long long inline_ints[DB_MAX_PARAMS];
	unsigned long inline_lens[DB_MAX_PARAMS];
	MYSQL_BIND *bind;
	long long *ints;
	unsigned long *lens;
	unsigned n;
};

static void params_init(struct params *p, struct arena *a, size_t n)
{
	memset(p, 0, sizeof(*p));
	if (n <= DB_MAX_PARAMS) {
		p->bind = p->inline_bind;
		p->ints = p->inline_ints;
		p->lens = p->inline_lens;
		return;
	}
	if (a == NULL || n > 65535)
		BUG("too many SQL parameters: %zu", n);
	p->bind = arena_alloc(a, n * sizeof(*p->bind));
	p->ints = arena_alloc(a, n * sizeof(*p->ints));
	p->lens = arena_alloc(a, n * sizeof(*p->lens));
}

static void params_build(struct params *p, const char *fmt, va_list ap)
{
	params_init(p, NULL, 0);
	for (const char *f = fmt; *f != '\0'; f++, p->n++) {
		MYSQL_BIND *b = &p->bind[p->n];

		if (p->n == DB_MAX_PARAMS)
			BUG("too many SQL parameters");
		switch (*f) {
		case 'i':
		case 'u':
			p->ints[p->n] = va_arg(ap, long long);
			if (*f == 'u' && p->ints[p->n] <= 0) {
				b->buffer_type = MYSQL_TYPE_NULL;
				break;
			}
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ints[p->n];
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (s == NULL) {
				b->buffer_type = MYSQL_TYPE_NULL;
				break;
			}
			p->lens[p->n] = (unsigned long)strlen(s);
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = (void *)s;
			b->buffer_length = p->lens[p->n];
			b->length = &p->lens[p->n];
			break;
		}
		default:
			BUG("bad SQL parameter format '%c'", *f);
		}
	}
}

static void params_from_array(struct params *p, struct arena *a, const struct db_param *in, size_t n)
{
	params_init(p, a, n);
	for (size_t k = 0; k < n; k++, p->n++) {
		MYSQL_BIND *b = &p->bind[p->n];

		if (in[k].type == 's') {
			if (in[k].s == NULL) {
				b->buffer_type = MYSQL_TYPE_NULL;
				continue;
			}
			p->lens[p->n] = (unsigned long)strlen(in[k].s);
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = (void *)in[k].s;
			b->buffer_length = p->lens[p->n];
			b->length = &p->lens[p->n];
		} else if (in[k].type == 'i' || in[k].type == 'u') {
			p->ints[p->n] = in[k].i;
			if (in[k].type == 'u' && in[k].i <= 0) {
				b->buffer_type = MYSQL_TYPE_NULL;
				continue;
			}
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ints[p->n];
		} else {
			BUG("bad SQL parameter type '%c'", in[k].type);
		}
	}
}

static int fetch_rows(struct db *db, struct arena *a, MYSQL_STMT *st, const char *sql, struct db_rows *rows)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	size_t ncols, cap = 16;
	MYSQL_BIND *bind;
	unsigned long *lens;
	my_bool *nulls, *errs;
	char **bufs;
	int rc;

	memset(rows, 0, sizeof(*rows));
	if (meta == NULL)
		return 0;
	ncols = mysql_num_fields(meta);
	mysql_free_result(meta);
	rows->ncols = ncols;
	bind = arena_alloc(a, ncols * sizeof(*bind));
	lens = arena_alloc(a, ncols * sizeof(*lens));
	nulls = arena_alloc(a, ncols * sizeof(*nulls));
	errs = arena_alloc(a, ncols * sizeof(*errs));
	bufs = arena_alloc(a, ncols * sizeof(*bufs));
	for (size_t c = 0; c < ncols; c++) {
		bufs[c] = arena_alloc(a, DB_CELL_PREFETCH);
		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer = bufs[c];
		bind[c].buffer_length = DB_CELL_PREFETCH;
		bind[c].length = &lens[c];
		bind[c].is_null = &nulls[c];
		bind[c].error = &errs[c];
	}
	if (mysql_stmt_bind_result(st, bind) != 0 || mysql_stmt_store_result(st) != 0) {
		note_error(db, mysql_stmt_errno(st), "store result", mysql_stmt_error(st), sql);
		return -1;
	}
	rows->cells = arena_alloc(a, cap * ncols * sizeof(*rows->cells));
	rows->lens = arena_alloc(a, cap * ncols * sizeof(*rows->lens));
	while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		if (rows->nrows == cap) {
			const char **cells = arena_alloc(a, 2 * cap * ncols * sizeof(*cells));
			size_t *clens = arena_alloc(a, 2 * cap * ncols * sizeof(*clens));

			memcpy(cells, rows->cells, cap * ncols * sizeof(*cells));
			memcpy(clens, rows->lens, cap * ncols * sizeof(*clens));
			rows->cells = cells;
			rows->lens = clens;
			cap *= 2;
		}
		for (size_t c = 0; c < ncols; c++) {
			size_t at = rows->nrows * ncols + c;

			if (nulls[c]) {
				rows->cells[at] = NULL;
				rows->lens[at] = 0;
			} else if (lens[c] <= DB_CELL_PREFETCH - 1) {
				rows->cells[at] = arena_strndup(a, bufs[c], lens[c]);
				rows->lens[at] = lens[c];
			} else {
				/* Longer than the prefetch buffer: read the whole column now. */
				char *big = arena_alloc(a, lens[c] + 1);
				MYSQL_BIND one;

				memset(&one, 0, sizeof(one));
				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = big;
				one.buffer_length = lens[c] + 1;
				if (mysql_stmt_fetch_column(st, &one, (unsigned)c, 0) != 0) {
					note_error(db, mysql_stmt_errno(st), "fetch column", mysql_stmt_error(st), sql);
					mysql_stmt_free_result(st);
					return -1;
				}
				big[lens[c]] = '\0';
				rows->cells[at] = big;
				rows->lens[at] = lens[c];
			}
		}
		rows->nrows++;
	}
	if (rc != MYSQL_NO_DATA) {
		note_error(db, mysql_stmt_errno(st), "fetch", mysql_stmt_error(st), sql);
		mysql_stmt_free_result(st);
		return -1;
	}
	mysql_stmt_free_result(st);
	if (rows->nrows > DB_BIG_RESULT)
		stmt_forget(db, st);
	return 0;
}

/* Prepares (cached), binds and executes sql: the statement, its result not yet read, or NULL
 * (logged). */
static MYSQL_STMT *execute(struct db *db, const char *sql, struct params *p)
{
	MYSQL_STMT *st;

	if (db_ensure(db) == -1)
		return NULL;
	st = stmt_get(db, sql);
	if (st == NULL)
		return NULL;
	if (mysql_stmt_param_count(st) != p->n)
		BUG("statement takes %lu parameters, %u given: %.80s", mysql_stmt_param_count(st), p->n, sql);
	if (p->n > 0 && mysql_stmt_bind_param(st, p->bind) != 0) {
		note_error(db, mysql_stmt_errno(st), "bind", mysql_stmt_error(st), sql);
		return NULL;
	}
	db->queries++;
	if (mysql_stmt_execute(st) != 0) {
		note_error(db, mysql_stmt_errno(st), "execute", mysql_stmt_error(st), sql);
		return NULL;
	}
	return st;
}

/* One attempt: prepare (cached), bind, execute, fetch. */
static int run_once(struct db *db, struct arena *a, const char *sql, struct params *p, struct db_rows *rows,
                    unsigned long long *affected, long long *insert_id)
{
	MYSQL_STMT *st = execute(db, sql, p);

	if (st == NULL)
		return -1;
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id != NULL)
		*insert_id = (long long)mysql_stmt_insert_id(st);
	if (rows != NULL)
		return fetch_rows(db, a, st, sql, rows);
	mysql_stmt_free_result(st);
	return 0;
}

/* One attempt of db_query_ints: the rows stream in (the server sends while they are stored) as
 * integers, with no text in between. */
static int ints_once(struct db *db, struct arena *a, const char *sql, struct params *p, struct db_ints *out)
{
	MYSQL_STMT *st = execute(db, sql, p);
	MYSQL_RES *meta;
	MYSQL_BIND *bind;
	long long *row;
	my_bool *nulls, *errs;
	size_t ncols, cap = 1024;
	int rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return -1;
	meta = mysql_stmt_result_metadata(st);
	if (meta == NULL)
		BUG("db_query_ints on a statement without a result: %.80s", sql);
	ncols = mysql_num_fields(meta);
	mysql_free_result(meta);
	out->ncols = ncols;
	bind = arena_alloc(a, ncols * sizeof(*bind));
	row = arena_alloc(a, ncols * sizeof(*row));
	nulls = arena_alloc(a, ncols * sizeof(*nulls));
	errs = arena_alloc(a, ncols * sizeof(*errs));
	memset(bind, 0, ncols * sizeof(*bind));
	for (size_t c = 0; c < ncols; c++) {
		bind[c].buffer_type = MYSQL_TYPE_LONGLONG;
		bind[c].buffer = &row[c];
		bind[c].is_null = &nulls[c];
		bind[c].error = &errs[c];
	}
	if (mysql_stmt_bind_result(st, bind) != 0) {
		note_error(db, mysql_stmt_errno(st), "bind result", mysql_stmt_error(st), sql);
		mysql_stmt_free_result(st);
		return -1;
	}
	out->v = arena_alloc(a, cap * ncols * sizeof(*out->v));
	while ((rc = mysql_stmt_fetch(st)) == 0) {
		if (out->nrows == cap) {
			long long *v = arena_alloc(a, 2 * cap * ncols * sizeof(*v));

			memcpy(v, out->v, cap * ncols * sizeof(*v));
			out->v = v;
			cap *= 2;
		}
		for (size_t c = 0; c < ncols; c++)
			out->v[out->nrows * ncols + c] = nulls[c] ? 0 : row[c];
		out->nrows++;
	}
	if (rc != MYSQL_NO_DATA) {
		/* MYSQL_DATA_TRUNCATED: a value that is not an integer, a mistake in the SQL. */
		note_error(db, mysql_stmt_errno(st), rc == MYSQL_DATA_TRUNCATED ? "not an integer" : "fetch",
		           mysql_stmt_error(st), sql);
		mysql_stmt_free_result(st);
		return -1;
	}
	mysql_stmt_free_result(st);
	return 0;
}

int db_query(struct db *db, struct arena *a, const char *sql, struct db_rows *rows, const char *fmt, ...)
{
	struct params p;
	va_list ap;
	bool was_in_tx = db->in_tx;

	va_start(ap, fmt);
	params_build(&p, fmt, ap);
	va_end(ap);
	if (run_once(db, a, sql, &p, rows, NULL, NULL) == 0)
		return 0;
	if (was_in_tx || !db_gone(db))
		return -1;
	/* A read outside a transaction is safe to repeat on a fresh connection. */
	return run_once(db, a, sql, &p, rows, NULL, NULL);
}

int db_query_params(struct db *db, struct arena *a, const char *sql, struct db_rows *rows,
                    const struct db_param *params, size_t n)
{
	struct params p;
	bool was_in_tx = db->in_tx;

	params_from_array(&p, a, params, n);
	if (run_once(db, a, sql, &p, rows, NULL, NULL) == 0)
		return 0;
	if (was_in_tx || !db_gone(db))
		return -1;
	return run_once(db, a, sql, &p, rows, NULL, NULL);
}

int db_query_ints(struct db *db, struct arena *a, const char *sql, struct db_ints *out, const struct db_param *params,
                  size_t n)
{
	struct params p;
	bool was_in_tx = db->in_tx;

	params_from_array(&p, a, params, n);
	if (ints_once(db, a, sql, &p, out) == 0)
		return 0;
	if (was_in_tx || !db_gone(db))
		return -1;
	return ints_once(db, a, sql, &p, out);
}

int db_exec_params(struct db *db, struct arena *a, const char *sql, const struct db_param *params, size_t n)
{
	struct params p;

	params_from_array(&p, a, params, n);
	return run_once(db, a, sql, &p, NULL, NULL, NULL);
}

int db_exec_rows(struct db *db, struct arena *a, const char *head, const char *row, const char *tail,
                 const struct db_param *params, size_t per_row, size_t nrows)
{
	/* Each size a quarter of the one before: at most three statements of each size after the
	 * first, and six texts in the statement cache whatever nrows is. */
	static const size_t sizes[] = {1024, 256, 64, 16, 4, 1};
	size_t done = 0;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]) && done < nrows; k++) {
		struct buf sql;

		if (nrows - done < sizes[k])
			continue;
		buf_init(&sql);
		buf_puts(&sql, head);
		for (size_t i = 0; i < sizes[k]; i++) {
			if (i > 0)
				buf_puts(&sql, ", ");
			buf_puts(&sql, row);
		}
		buf_puts(&sql, tail);
		while (nrows - done >= sizes[k]) {
			struct params p;

			params_from_array(&p, a, params + done * per_row, sizes[k] * per_row);
			if (run_once(db, a, sql.data, &p, NULL, NULL, NULL) == -1) {
				buf_release(&sql);
				return -1;
			}
			done += sizes[k];
		}
		buf_release(&sql);
	}
	return 0;
}

int db_exec(struct db *db, const char *sql, unsigned long long *affected, long long *insert_id, const char *fmt, ...)
{
	struct params p;
	va_list ap;

	va_start(ap, fmt);
	params_build(&p, fmt, ap);
	va_end(ap);
	return run_once(db, NULL, sql, &p, NULL, affected, insert_id);
}

int db_simple(struct db *db, const char *sql)
{
	if (db_ensure(db) == -1)
		return -1;
	db->queries++;
	if (mysql_real_query(db->conn, sql, (unsigned long)strlen(sql)) != 0) {
		note_error(db, mysql_errno(db->conn), "query", mysql_error(db->conn), sql);
		return -1;
	}
	return 0;
}

int db_begin(struct db *db)
{
	if (db->in_tx)
		BUG("nested transaction");
	if (db_simple(db, "START TRANSACTION") == -1) {
		/* A connection that died while idle: one fresh attempt is safe, nothing was done yet. */
		if (!db_gone(db) || db_simple(db, "START TRANSACTION") == -1)
			return -1;
	}
	db->in_tx = true;
	return 0;
}

int db_commit(struct db *db)
{
	if (!db->in_tx)
		BUG("commit outside a transaction");
	if (db->conn == NULL || mysql_commit(db->conn) != 0) {
		if (db->conn != NULL)
			note_error(db, mysql_errno(db->conn), "commit", mysql_error(db->conn), "COMMIT");
		db->in_tx = false;
		return -1;
	}
	db->in_tx = false;
	db->commits++;
	return 0;
}

void db_rollback(struct db *db)
{
	if (!db->in_tx)
		return;
	db->in_tx = false;
	if (db->conn != NULL && mysql_rollback(db->conn) != 0)
		note_error(db, mysql_errno(db->conn), "rollback", mysql_error(db->conn), "ROLLBACK");
}

const char *db_cell(const struct db_rows *r, size_t row, size_t col)
{
	if (row >= r->nrows || col >= r->ncols)
		BUG("cell %zu,%zu outside %zux%zu", row, col, r->nrows, r->ncols);
	return r->cells[row * r->ncols + col];
}

long long db_cell_ll(const struct db_rows *r, size_t row, size_t col)
{
	const char *s = db_cell(r, row, col);
	unsigned long long v = 0;
	size_t i = 0, digits = 0;

	if (s == NULL)
		return 0;
	/* Reports read a million cells: plain decimals (a fraction after them ends the number, as
	 * for strtoll) are read here; anything else, or more than 18 digits, goes to strtoll. */
	if (s[0] == '-')
		i = 1;
	for (; s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		if (digits == 18)
			return strtoll(s, NULL, 10);
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (digits == 0)
		return strtoll(s, NULL, 10);
	return s[0] == '-' ? -(long long)v : (long long)v;
}
