#!/usr/bin/env bash
# A consistent logical backup of the portal database while the service runs:
# InnoDB only, so --single-transaction gives one snapshot without locking writers.
#   ops/backup.sh OUTPUT.sql.gz      (uses the PORTAL_DB_* settings, or the private var/ database)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: ops/backup.sh OUTPUT.sql.gz}
args=()
if [ -n "${PORTAL_DB_HOST:-}" ]; then
	args+=(--host="$PORTAL_DB_HOST" --port="${PORTAL_DB_PORT:-3306}")
else
	args+=(--socket="${PORTAL_DB_SOCKET:-${PORTAL_VAR:-var}/run/mariadb.sock}")
fi
args+=(--user="${PORTAL_DB_USER:-portal}")
if [ -n "${PORTAL_DB_PASSWORD:-}" ]; then
	export MYSQL_PWD=$PORTAL_DB_PASSWORD
elif [ -f "${PORTAL_VAR:-var}/db.password" ]; then
	MYSQL_PWD=$(cat "${PORTAL_VAR:-var}/db.password")
	export MYSQL_PWD
fi
# The scheduler's lease is state of the running installation, not data (see portalctl backup).
mariadb-dump "${args[@]}" --single-transaction --routines --triggers --hex-blob \
	--ignore-table-data="${PORTAL_DB_NAME:-portal}.leases" \
	--default-character-set=utf8mb4 "${PORTAL_DB_NAME:-portal}" | gzip -9 >"$out"
echo "backup written to $out"
