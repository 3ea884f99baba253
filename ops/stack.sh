#!/usr/bin/env bash
# Starts and stops the whole stack on 127.0.0.1: a private MariaDB under the data directory
# (unless PORTAL_DB_HOST or PORTAL_DB_SOCKET point at an existing server), the schema and the
# demo tenants, the portald FastCGI pool and nginx.
#
#   ops/stack.sh start | stop | status
#
# Settings (environment):
#   PORTAL_VAR        data directory (default var)
#   PORTAL_HTTP_PORT  nginx port on 127.0.0.1 (default 8080)
#   PORTAL_WORKERS    portald workers (default 4)
#   PORTALD_BIN       the portald binary (default build/portald)
#   PORTAL_FRESH=1    start from an empty private database (the tests use this)
#   PORTAL_DB_BUFFER_POOL  the private MariaDB's InnoDB buffer pool, e.g. 2G (default: a quarter
#                     of the memory the machine or its cgroup allows, between 256M and 8G)
#   PORTAL_DB_HOST, PORTAL_DB_PORT, PORTAL_DB_SOCKET, PORTAL_DB_USER, PORTAL_DB_PASSWORD,
#   PORTAL_DB_NAME    an existing MariaDB to use instead of the private one
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

VAR=${PORTAL_VAR:-var}
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)
PORT=${PORTAL_HTTP_PORT:-8080}
WORKERS=${PORTAL_WORKERS:-4}
PORTALD_BIN=${PORTALD_BIN:-build/portald}
PORTALCTL_BIN=${PORTALCTL_BIN:-build/portalctl}
RUN=$VAR/run
LOG=$VAR/log
private_db=1
[ -n "${PORTAL_DB_HOST:-}${PORTAL_DB_SOCKET:-}" ] && private_db=0

say() { printf '%s\n' "$*"; }
starting=0
# A start that fails partway stops what it had started, so nothing is left half running.
die() {
	printf 'stack: %s\n' "$*" >&2
	if [ "$starting" = 1 ]; then
		starting=0
		stop
		printf 'stack: stopped what had been started\n' >&2
	fi
	exit 1
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

# Waits up to $2 tenths of a second for command $1 to succeed.
wait_for() {
	local i
	for ((i = 0; i < $2; i++)); do
		if eval "$1" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	return 1
}

stop_pid() {
	local file=$1 name=$2 i
	pid_alive "$file" || { rm -f "$file"; return 0; }
	kill -TERM "$(cat "$file" 2>/dev/null)" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		pid_alive "$file" || { rm -f "$file"; return 0; }
		sleep 0.1
	done
	say "$name did not stop in 15 s; killing it"
	kill -KILL "$(cat "$file" 2>/dev/null)" 2>/dev/null || true
	rm -f "$file"
}

db_env() {
	if [ $private_db = 1 ]; then
		export PORTAL_DB_SOCKET=$RUN/mariadb.sock PORTAL_DB_USER=portal PORTAL_DB_NAME=portal
		PORTAL_DB_PASSWORD=$(cat "$VAR/db.password")
		export PORTAL_DB_PASSWORD
	fi
}

# The private MariaDB's buffer pool. Reads stay flat as a tenant grows only while the pages they
# touch stay in the pool; a fixed small pool made a large tenant's reads a quarter slower and its
# two-year reports evicted each other's pages. A quarter of the memory leaves the rest to the
# workers, nginx and the page cache; the server takes the memory only as it reads pages.
buffer_pool_size() {
	local mem limit mb
	if [ -n "${PORTAL_DB_BUFFER_POOL:-}" ]; then
		printf '%s' "$PORTAL_DB_BUFFER_POOL"
		return
	fi
	mem=$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)
	limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || echo max)
	case $limit in
	'' | max | *[!0-9]*) ;;
	*) [ "$limit" -lt "$mem" ] && mem=$limit ;;
	esac
	mb=$((mem / 4 / 1048576))
	((mb >= 256)) || mb=256
	((mb <= 8192)) || mb=8192
	printf '%sM' "$mb"
}

start_mariadb() {
	local me
	me=$(id -un)
	if [ "${PORTAL_FRESH:-0}" = 1 ] && ! pid_alive "$RUN/mariadb.pid"; then
		rm -rf "$VAR/mariadb"
	fi
	if [ ! -d "$VAR/mariadb/mysql" ]; then
		say "creating a private MariaDB in $VAR/mariadb"
		# --force: grants by address, so a machine whose host name does not resolve still works.
		mkdir -p "$VAR/mariadb"
		mariadb-install-db --no-defaults --datadir="$VAR/mariadb" --user="$me" \
			--auth-root-authentication-method=socket --auth-root-socket-user="$me" \
			--skip-test-db --skip-name-resolve --force >"$LOG/mariadb-install.log" 2>&1 || die "mariadb-install-db failed: see $LOG/mariadb-install.log"
	fi
	if ! pid_alive "$RUN/mariadb.pid"; then
		mariadbd --no-defaults --datadir="$VAR/mariadb" --socket="$RUN/mariadb.sock" \
			--pid-file="$RUN/mariadb.pid" --user="$me" --skip-networking --skip-name-resolve \
			--log-error="$LOG/mariadb.log" --character-set-server=utf8mb4 \
			--collation-server=utf8mb4_uca1400_ai_ci --innodb-buffer-pool-size="$(buffer_pool_size)" \
			--innodb-flush-log-at-trx-commit=1 --max-connections=300 --skip-log-bin \
			--tmpdir="$VAR/tmp" \
			>/dev/null 2>&1 &
		wait_for "mariadb-admin --socket='$RUN/mariadb.sock' -u'$me' ping" 300 ||
			die "MariaDB did not start: see $LOG/mariadb.log"
	fi
	if [ ! -f "$VAR/db.password" ]; then
		(umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$VAR/db.password")
	fi
	mariadb --socket="$RUN/mariadb.sock" -u"$me" <<-SQL
		CREATE DATABASE IF NOT EXISTS portal CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;
		CREATE USER IF NOT EXISTS 'portal'@'localhost' IDENTIFIED BY '$(cat "$VAR/db.password")';
		ALTER USER 'portal'@'localhost' IDENTIFIED BY '$(cat "$VAR/db.password")';
		GRANT ALL PRIVILEGES ON portal.* TO 'portal'@'localhost';
	SQL
}

script_hashes() {
	# The CSP allows exactly the inline scripts of index.html (its import map), by hash.
	node -e '
		const fs = require("fs"), crypto = require("crypto");
		const html = fs.readFileSync(process.argv[1], "utf8");
		const out = [];
		for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g))
			out.push("'"'"'sha256-" + crypto.createHash("sha256").update(m[1]).digest("base64") + "'"'"'");
		process.stdout.write(out.join(" "));
	' frontend/index.html
}

start() {
	starting=1
	mkdir -p "$RUN" "$LOG" "$VAR/nginx" "$VAR/tmp"
	[ -x "$PORTALD_BIN" ] || die "$PORTALD_BIN is missing: run make build"
	[ -f frontend/vendor/preact.mjs ] || die "frontend/vendor is missing: run make vendor"
	if [ $private_db = 1 ]; then start_mariadb; fi
	db_env
	if [ ! -f "$VAR/secret.key" ]; then
		(umask 077 && head -c 64 /dev/urandom >"$VAR/secret.key")
	fi
	"$PORTALCTL_BIN" migrate db/migrations | sed 's/^/  /'
	"$PORTALCTL_BIN" tenant apply tenants/*.json | sed 's/^/  /'

	if ! pid_alive "$RUN/portald.pid"; then
		PORTAL_LISTEN=$RUN/portald.sock PORTAL_PID_FILE=$RUN/portald.pid PORTAL_WORKERS=$WORKERS \
			PORTAL_SECRET_FILE=$VAR/secret.key PORTAL_SOCKET_MODE=0660 \
			nohup "$PORTALD_BIN" >>"$LOG/portald.log" 2>&1 </dev/null &
		wait_for "[ -S '$RUN/portald.sock' ]" 100 || die "portald did not start: see $LOG/portald.log"
	fi

	local user_line=""
	[ "$(id -u)" -eq 0 ] && user_line="user root root;"
	sed -e "s|@VAR@|$VAR|g" -e "s|@PORT@|$PORT|g" -e "s|@ROOT@|$top/frontend|g" -e "s|@OPS@|$top/ops|g" \
		-e "s|@USER@|$user_line|" -e "s|@SCRIPT_HASHES@|$(script_hashes)|" \
		ops/nginx.conf.in >"$VAR/nginx.conf"
	cat >"$VAR/static-headers.conf" <<-EOF
		add_header X-Content-Type-Options nosniff always;
		add_header X-Frame-Options DENY always;
		add_header Referrer-Policy no-referrer always;
		add_header Content-Security-Policy "default-src 'self'; script-src 'self' $(script_hashes); style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" always;
	EOF
	if pid_alive "$RUN/nginx.pid"; then
		nginx -p "$VAR/nginx" -c "$VAR/nginx.conf" -s reload 2>>"$LOG/nginx-error.log"
	else
		nginx -p "$VAR/nginx" -c "$VAR/nginx.conf" 2>>"$LOG/nginx-error.log" ||
			die "nginx did not start (is port $PORT free?): see $LOG/nginx-error.log"
	fi
	wait_for "curl -sf -H 'Host: acme.localhost' http://127.0.0.1:$PORT/api/v1/healthz" 100 ||
		die "the API does not answer on port $PORT: see $LOG/portald.log"
}

banner() {
	cat <<-EOF

	Service Portal is running (data in ${VAR#"$top"/}):

	  Acme agent desk and customer portal     http://acme.localhost:$PORT/
	  Globex agent desk and customer portal   http://globex.localhost:$PORT/
	  API health                              http://acme.localhost:$PORT/api/v1/healthz

	Demo logins (password for all: Demo-Pass-1):
	  staff      admin@acme.example  manager@acme.example  agent1@acme.example  agent2@acme.example
	  customers  carol@northwind.example  dan@northwind.example  erin@contoso.example
	  globex     admin@globex.example ... agent1@globex.example, peter@initech.example, gavin@hooli.example

	Stop it with: make stop
	EOF
}

stop() {
	[ -d "$RUN" ] || return 0
	if pid_alive "$RUN/nginx.pid"; then
		nginx -p "$VAR/nginx" -c "$VAR/nginx.conf" -s quit 2>/dev/null || true
		stop_pid "$RUN/nginx.pid" nginx
	fi
	stop_pid "$RUN/portald.pid" portald
	stop_pid "$RUN/mariadb.pid" MariaDB
}

case "${1:-}" in
start) start; [ "${PORTAL_QUIET:-0}" = 1 ] || banner ;;
stop) stop ;;
status)
	for p in mariadb portald nginx; do
		if pid_alive "$RUN/$p.pid"; then say "$p running"; else say "$p stopped"; fi
	done
	;;
*) die "usage: ops/stack.sh start|stop|status" ;;
esac
