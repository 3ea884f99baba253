/* portalctl: the operator's command line: migrate the database, apply tenant definitions,
 * add users, rotate signing keys. Start-up style throughout: any failure ends the command
 * with a message and a non-zero status. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <sodium.h>

#include "../auth/password.h"
#include "../auth/role.h"
#include "../auth/token.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/json.h"
#include "../core/log.h"
#include "../core/utf8.h"
#include "../db/db.h"
#include "ctl.h"

static struct db ctl_db;
static struct arena ctl_arena;

void ctl_die(const char *fmt, ...)
{
	va_list ap;

	fputs("portalctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (ctl_db.in_tx)
		db_rollback(&ctl_db);
	exit(1);
}

struct db *ctl_connect(void)
{
	struct db_config cfg;

	if (ctl_db.conn != NULL)
		return &ctl_db;
	db_config_from_env(&cfg);
	cfg.read_timeout = 3600; /* an ALTER on millions of rows is not a stuck server */
	if (db_open(&ctl_db, &cfg) == -1)
		ctl_die("cannot connect to the database (check PORTAL_DB_*)");
	return &ctl_db;
}

struct arena *ctl_arena_get(void)
{
	return &ctl_arena;
}

char *ctl_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t n;

	if (f == NULL)
		ctl_die("cannot open %s: %s", path, strerror(errno));
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_append(&b, chunk, n);
		if (b.len > 16 * 1024 * 1024)
			ctl_die("%s is too large", path);
	}
	fclose(f);
	return buf_detach(&b, len);
}

static void usage(void)
{
	fputs("usage: portalctl COMMAND ...\n"
	      "  migrate [DIR]                    apply the numbered SQL files of DIR (default db/migrations)\n"
	      "  tenant apply FILE...             create or update tenants from JSON definitions\n"
	      "  tenant list                      list tenants\n"
	      "  tenant suspend|activate SLUG     change a tenant's status\n"
	      "  user add SLUG EMAIL NAME ROLE [COMPANY]   add or update a user; password from PORTAL_PASSWORD\n"
	      "  keys rotate SLUG                 new signing key; tokens of the old one stay valid a day\n"
	      "  backup FILE.sql.gz               consistent dump while the service runs (mariadb-dump)\n"
	      "  restore FILE.sql.gz              load a dump back (the database is replaced table by table)\n"
	      "  checksum SLUG                    per-table row counts and digests of one tenant\n"
	      "  lights verify SLUG               replay each ticket's clocks from its timeline; print differences\n"
	      "  lights recompute SLUG            recompute every open clock under the current service levels\n"
	      "  reports rebuild SLUG             compute the report facts and agents' open counts again\n"
	      "Database: PORTAL_DB_SOCKET or PORTAL_DB_HOST/PORTAL_DB_PORT, PORTAL_DB_USER, PORTAL_DB_PASSWORD,\n"
	      "PORTAL_DB_NAME.\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	int rc;

	log_setup("portalctl", LOG_WARN);
	if (password_init() == -1)
		ctl_die("libsodium failed to initialise");
	arena_init(&ctl_arena);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "migrate") == 0)
		rc = ctl_migrate(argc > 2 ? argv[2] : "db/migrations");
	else if (strcmp(argv[1], "tenant") == 0 && argc >= 3 && strcmp(argv[2], "apply") == 0 && argc >= 4)
		rc = ctl_tenant_apply(argc - 3, argv + 3);
	else if (strcmp(argv[1], "tenant") == 0 && argc == 3 && strcmp(argv[2], "list") == 0)
		rc = ctl_tenant_list();
	else if (strcmp(argv[1], "tenant") == 0 && argc == 4 &&
	         (strcmp(argv[2], "suspend") == 0 || strcmp(argv[2], "activate") == 0))
		rc = ctl_tenant_status(argv[3], strcmp(argv[2], "suspend") == 0);
	else if (strcmp(argv[1], "user") == 0 && argc >= 7 && strcmp(argv[2], "add") == 0)
		rc = ctl_user_add(argv[3], argv[4], argv[5], argv[6], argc > 7 ? argv[7] : NULL,
		                  getenv("PORTAL_PASSWORD"));
	else if (strcmp(argv[1], "keys") == 0 && argc == 4 && strcmp(argv[2], "rotate") == 0)
		rc = ctl_keys_rotate(argv[3]);
	else if (strcmp(argv[1], "backup") == 0 && argc == 3)
		rc = ctl_backup(argv[2]);
	else if (strcmp(argv[1], "restore") == 0 && argc == 3)
		rc = ctl_restore(argv[2]);
	else if (strcmp(argv[1], "checksum") == 0 && argc == 3)
		rc = ctl_checksum(argv[2]);
	else if (strcmp(argv[1], "lights") == 0 && argc == 4 && strcmp(argv[2], "verify") == 0)
		rc = ctl_lights_verify(argv[3]);
	else if (strcmp(argv[1], "lights") == 0 && argc == 4 && strcmp(argv[2], "recompute") == 0)
		rc = ctl_lights_recompute(argv[3]);
	else if (strcmp(argv[1], "reports") == 0 && argc == 4 && strcmp(argv[2], "rebuild") == 0)
		rc = ctl_reports_rebuild(argv[3]);
	else
		usage();
	db_close(&ctl_db);
	arena_release(&ctl_arena);
	return rc;
}
