/* lease: one upsert decides, atomically, whether the row changes hands. */
#include "lease.h"

#include <string.h>

#include "../db/db.h"

enum lease_stmt {
	LEASE_TAKE, /* take if free or expired, renew if ours */
	LEASE_GET,  /* who has it */
	LEASE_STMT__MAX
};

static const char *const lease_sql[LEASE_STMT__MAX] = {
        /* LEASE_TAKE: holder is assigned first, so expires_at moves only when the row is ours */
        [LEASE_TAKE] =
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND) "
                "ON DUPLICATE KEY UPDATE "
                "holder = IF(expires_at < UTC_TIMESTAMP(6) OR holder = VALUES(holder), VALUES(holder), holder), "
                "expires_at = IF(holder = VALUES(holder), VALUES(expires_at), expires_at)",
        /* LEASE_GET */
        [LEASE_GET] = "SELECT holder FROM leases WHERE name = ?",
};

int lease_take(struct db *db, struct arena *a, const char *name, const char *holder, int seconds)
{
	struct db_rows rows;

	if (db_exec(db, lease_sql[LEASE_TAKE], NULL, NULL, "ssi", name, holder, (long long)seconds) == -1 ||
	    db_query(db, a, lease_sql[LEASE_GET], &rows, "s", name) == -1)
		return -1;
	return rows.nrows == 1 && strcmp(db_cell(&rows, 0, 0), holder) == 0;
}
