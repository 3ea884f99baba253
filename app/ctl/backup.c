/* backup (portalctl): consistent dumps while the service runs, restores, and per-tenant
 * checksums to prove a restore brought back exactly what was saved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/arena.h"
#include "../db/db.h"
#include "ctl.h"

/* mariadb-dump and mariadb read the connection from the same PORTAL_DB_* settings as
 * portald; the password goes through the environment, never the command line. */
static int run_shell(const char *script, const char *file)
{
	struct db_config cfg;
	pid_t pid;
	int status;
	char port[16];

	db_config_from_env(&cfg);
	snprintf(port, sizeof(port), "%u", cfg.port ? cfg.port : 3306);
	pid = fork();
	if (pid == -1)
		ctl_die("fork failed");
	if (pid == 0) {
		if (cfg.password != NULL)
			setenv("MYSQL_PWD", cfg.password, 1);
		setenv("PORTAL_DB_NAME", cfg.name, 1);
		setenv("PORTAL_DB_USER", cfg.user, 1);
		if (cfg.socket != NULL) {
			setenv("CONN", "--socket", 1);
			setenv("CONN_VALUE", cfg.socket, 1);
			setenv("CONN_PORT", "--protocol=socket", 1);
		} else {
			char p[32];

			snprintf(p, sizeof(p), "--port=%s", port);
			setenv("CONN", "--host", 1);
			setenv("CONN_VALUE", cfg.host ? cfg.host : "127.0.0.1", 1);
			setenv("CONN_PORT", p, 1);
		}
		execl("/bin/bash", "bash", "-c", script, "bash", file, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

int ctl_backup(const char *file)
{
	/* InnoDB only: --single-transaction is one consistent snapshot that never blocks writers.
	 * The leases (which process runs the scheduler) are state of the running installation, not
	 * data: restoring them raced the running scheduler taking its lease (duplicate key). */
	static const char script[] =
	        "set -o pipefail; mariadb-dump \"$CONN=$CONN_VALUE\" \"$CONN_PORT\" -u "
	        "\"$PORTAL_DB_USER\" "
	        "--single-transaction --hex-blob --default-character-set=utf8mb4 --routines --triggers "
	        "--ignore-table-data=\"$PORTAL_DB_NAME.leases\" "
	        "\"$PORTAL_DB_NAME\" | gzip -6 > \"$1.partial\" && mv \"$1.partial\" \"$1\"";

	if (run_shell(script, file) == -1)
		ctl_die("backup failed");
	printf("backup written to %s\n", file);
	return 0;
}

int ctl_restore(const char *file)
{
	static const char script[] =
	        "set -o pipefail; gzip -t \"$1\" && gunzip -c \"$1\" | mariadb \"$CONN=$CONN_VALUE\" "
	        "\"$CONN_PORT\" -u \"$PORTAL_DB_USER\" --default-character-set=utf8mb4 "
	        "\"$PORTAL_DB_NAME\"";

	if (access(file, R_OK) != 0)
		ctl_die("cannot read %s", file);
	if (run_shell(script, file) == -1)
		ctl_die("restore failed");
	printf("restored %s\n", file);
	return 0;
}

/* Per-table row digests of one tenant: count and a sum of row CRCs over the columns that
 * carry its data. Equal output before a backup and after its restore means nothing was lost. */
static const struct {
	const char *table;
	const char *sql;
} checksums[] = {
        {"tickets",
         "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', number, subject, description, priority, status_id, "
         "COALESCE(assignee_id, 0), version))), 0) FROM tickets WHERE tenant_id = ?"},
        {"notes", "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', ticket_id, author_id, visibility, body))), 0) "
                  "FROM notes WHERE tenant_id = ?"},
        {"ticket_events", "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', ticket_id, kind, data))), 0) "
                          "FROM ticket_events WHERE tenant_id = ?"},
        {"users", "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', email, name, role, password_hash))), 0) "
                  "FROM users WHERE tenant_id = ?"},
        {"ticket_lights",
         "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', ticket_id, level, "
         "COALESCE(cycle_started_at, ''), COALESCE(red_at, '')))), 0) FROM ticket_lights WHERE tenant_id = ?"},
};

int ctl_checksum(const char *slug)
{
	static const char tenant_sql[] = "SELECT id FROM tenants WHERE slug = ?";
	struct db *db = ctl_connect();
	struct arena *a = ctl_arena_get();
	struct db_rows rows;
	long long id;

	if (db_query(db, a, tenant_sql, &rows, "s", slug) == -1 || rows.nrows != 1)
		ctl_die("no tenant %s", slug);
	id = db_cell_ll(&rows, 0, 0);
	for (size_t i = 0; i < sizeof(checksums) / sizeof(checksums[0]); i++) {
		if (db_query(db, a, checksums[i].sql, &rows, "i", id) == -1)
			ctl_die("cannot read %s", checksums[i].table);
		printf("%s %s %s\n", checksums[i].table, db_cell(&rows, 0, 0), db_cell(&rows, 0, 1));
	}
	return 0;
}
