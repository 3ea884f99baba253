/* migrate: numbered SQL files applied once each, in order, recorded with a checksum so an
 * edited migration is refused instead of silently diverging. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../db/db.h"
#include "ctl.h"

static const char migrations_table_sql[] =
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INT UNSIGNED NOT NULL, name VARCHAR(200) NOT NULL, checksum CHAR(64) NOT NULL, "
        "applied_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6), duration_ms INT UNSIGNED NOT NULL DEFAULT 0, "
        "PRIMARY KEY (version)) ENGINE=InnoDB";
static const char migration_get_sql[] = "SELECT checksum FROM schema_migrations WHERE version = ?";
static const char migration_max_sql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char migration_put_sql[] =
        "INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES (?, ?, ?, ?)";

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs each statement of a file; statements end with ';' at the end of a line. Comment lines
 * (starting with --) are dropped. A statement that takes over a second (a backfill, an index on
 * millions of rows) prints its number and time, so a long migration shows its progress. */
static void run_file(struct db *db, const char *path, const char *text)
{
	struct buf stmt;
	const char *line = text;
	size_t nstmt = 0;

	buf_init(&stmt);
	while (*line != '\0') {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		size_t end = len;

		while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r'))
			end--;
		if (!(len >= 2 && line[0] == '-' && line[1] == '-')) {
			buf_append(&stmt, line, len);
			buf_putc(&stmt, '\n');
			if (end > 0 && line[end - 1] == ';') {
				struct timespec t0, t1;
				double secs;

				stmt.data[stmt.len - 1] = '\0';
				nstmt++;
				clock_gettime(CLOCK_MONOTONIC, &t0);
				if (db_simple(db, stmt.data) == -1)
					ctl_die("%s: statement failed: %s", path, mysql_error(db->conn));
				clock_gettime(CLOCK_MONOTONIC, &t1);
				secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
				if (secs >= 1.0) {
					printf("  %s: statement %zu done in %.1f s\n", path, nstmt, secs);
					fflush(stdout);
				}
				buf_reset(&stmt);
			}
		}
		line += len + (nl ? 1 : 0);
	}
	for (size_t i = 0; i < stmt.len; i++)
		if (stmt.data[i] != ' ' && stmt.data[i] != '\n' && stmt.data[i] != '\t')
			ctl_die("%s: the last statement does not end with ';'", path);
	buf_release(&stmt);
}

int ctl_migrate(const char *dir)
{
	struct db *db = ctl_connect();
	struct arena *a = ctl_arena_get();
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[1000];
	size_t n = 0, applied = 0;
	struct db_rows rows;
	long long newest_known = 0;

	if (d == NULL)
		ctl_die("cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len > 9 && strcmp(e->d_name + len - 4, ".sql") == 0 && e->d_name[4] == '_' &&
		    strspn(e->d_name, "0123456789") == 4) {
			if (n == 1000)
				ctl_die("too many migrations");
			names[n++] = strdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	if (db_simple(db, migrations_table_sql) == -1)
		ctl_die("cannot create schema_migrations");
	for (size_t i = 0; i < n; i++) {
		long long version = atoll(names[i]);
		char *path = arena_printf(a, "%s/%s", dir, names[i]);
		size_t len;
		char *text = ctl_read_file(path, &len);
		unsigned char h[crypto_hash_sha256_BYTES];
		char hex[2 * crypto_hash_sha256_BYTES + 1];
		struct timespec t0, t1;

		if (i > 0 && version == atoll(names[i - 1]))
			ctl_die("two migrations have number %04lld", version);
		newest_known = version;
		crypto_hash_sha256(h, (const unsigned char *)text, len);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		if (db_query(db, a, migration_get_sql, &rows, "i", version) == -1)
			ctl_die("cannot read schema_migrations");
		if (rows.nrows == 1) {
			if (strcmp(db_cell(&rows, 0, 0), hex) != 0)
				ctl_die("%s was changed after it was applied; add a new migration instead", path);
			free(text);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		run_file(db, path, text);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (db_exec(db, migration_put_sql, NULL, NULL, "issi", version, names[i], hex,
		            (long long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000)) == -1)
			ctl_die("cannot record %s", names[i]);
		printf("applied %s\n", names[i]);
		applied++;
		free(text);
	}
	if (db_query(db, a, migration_max_sql, &rows, "") == -1)
		ctl_die("cannot read schema_migrations");
	if (db_cell_ll(&rows, 0, 0) > newest_known)
		ctl_die("the database is at migration %lld, newer than this code knows (%lld)", db_cell_ll(&rows, 0, 0),
		        newest_known);
	printf("schema is up to date (%zu applied now, %zu known)\n", applied, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return 0;
}
