/* db: one MariaDB connection per process, a prepared-statement cache, transactions, reconnects. */
#ifndef DB_DB_H
#define DB_DB_H

#include <stdbool.h>
#include <stddef.h>

#include <mysql.h>

struct arena;

#define DB_STMT_CACHE 256

struct db_config {
	const char *host; /* NULL or "localhost" with socket: unix socket */
	unsigned port;
	const char *socket;
	const char *user;
	const char *password;
	const char *name;
	unsigned read_timeout; /* seconds; 0: the default for requests (15) */
	/* Seconds one statement may run on the server before the server stops it (MariaDB's
	 * max_statement_time); 0: no limit. Set below read_timeout, so a slow statement ends as
	 * an error of its own, not as a lost connection that leaves the statement running. */
	unsigned statement_limit;
};

struct db {
	struct db_config cfg;
	MYSQL *conn; /* NULL while disconnected */
	bool in_tx;
	unsigned last_errno;
	struct {
		char *sql; /* a copy of the text, the cache key */
		unsigned long long hash;
		MYSQL_STMT *stmt;
	} cache[DB_STMT_CACHE];
	int ncache;
	unsigned long long queries; /* statements run, for metrics and benchmarks */
	unsigned long long commits; /* transactions committed */
};

/* Rows of a result, every cell as text (NULL for SQL NULL), owned by the arena. */
struct db_rows {
	size_t nrows, ncols;
	const char **cells; /* cells[row * ncols + col] */
	size_t *lens;
};

/* Reads PORTAL_DB_* from the environment into cfg (strings point into the environment). */
void db_config_from_env(struct db_config *cfg);
/* Connects (utf8mb4, UTC session time zone, timeouts). Returns 0, or -1 and logs. */
int db_open(struct db *db, const struct db_config *cfg);
void db_close(struct db *db);
/* Connects again if the connection was lost; 0 when connected. */
int db_ensure(struct db *db);
/* True when the last failure means the server is unreachable (answer 503, not 500). */
bool db_gone(const struct db *db);
/* True when the last statement was stopped for running past cfg.statement_limit. */
bool db_too_slow(const struct db *db);

/* Runs a prepared statement. fmt names each parameter: 'i' long long, 'u' long long id where
 * a value <= 0 binds NULL, 's' const char * (NULL binds NULL). The SQL text keys the statement
 * cache, so statements built from fixed fragments are prepared once each too. Results (for
 * db_query) go to rows.
 * Outside a transaction a read that finds the connection gone reconnects and runs once more.
 * Return 0 or -1 (logged once here). */
int db_query(struct db *db, struct arena *a, const char *sql, struct db_rows *rows, const char *fmt, ...);
int db_exec(struct db *db, const char *sql, unsigned long long *affected, long long *insert_id, const char *fmt, ...);
/* A parameter for statements whose parameter list is built at run time. */
struct db_param {
	char type; /* as in db_query's fmt: 'i', 'u' or 's' */
	long long i;
	const char *s;
};

/* db_query with the parameters in an array; over 128 of them take their binds from a. */
int db_query_params(struct db *db, struct arena *a, const char *sql, struct db_rows *rows,
                    const struct db_param *params, size_t n);

/* Rows of a result whose every column is an integer (SQL NULL reads 0), owned by the arena. */
struct db_ints {
	size_t nrows, ncols;
	long long *v; /* v[row * ncols + col] */
};

/* db_query_params for large results of integers (a report's million instants): the rows are
 * read as they arrive, as binary integers, with no text cells. A column that is not an integer
 * is an error. Returns 0, or -1 (logged); read again on a new connection as db_query does. */
int db_query_ints(struct db *db, struct arena *a, const char *sql, struct db_ints *out, const struct db_param *params,
                  size_t n);

/* A statement that returns no rows, with the parameters in an array (over 128 take their binds
 * from a). Not repeated after a reconnect (a write). 0 or -1 (logged). */
int db_exec_params(struct db *db, struct arena *a, const char *sql, const struct db_param *params, size_t n);

/* Runs head, then nrows copies of row joined by ", ", then tail, with per_row parameters a row
 * taken in order from params: a multi-row INSERT. It goes as statements of 1024, 256, 64, 16, 4
 * and 1 rows, so a handful of texts serve the statement cache whatever nrows is. Statements of
 * over 128 parameters take their binds from the arena. Not repeated after a reconnect (a write);
 * meant for inside a transaction. 0, or -1 (logged) with some chunks possibly written. */
int db_exec_rows(struct db *db, struct arena *a, const char *head, const char *row, const char *tail,
                 const struct db_param *params, size_t per_row, size_t nrows);

/* Runs a statement that needs no parameters and returns no rows, through the text protocol. */
int db_simple(struct db *db, const char *sql);

int db_begin(struct db *db);
int db_commit(struct db *db);
/* Never fails from the caller's point of view; a lost connection is noted for the next ensure. */
void db_rollback(struct db *db);

/* Cell access helpers: NULL-safe conversions of rows->cells. */
const char *db_cell(const struct db_rows *r, size_t row, size_t col);
long long db_cell_ll(const struct db_rows *r, size_t row, size_t col);

/* MariaDB error numbers callers branch on. */
#define DB_ER_DUP_ENTRY         1062
#define DB_ER_LOCK_DEADLOCK     1213
#define DB_ER_LOCK_WAIT_TIMEOUT 1205

#endif
