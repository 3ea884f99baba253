#!/usr/bin/env bash
# make bench: drives the hot paths of the real stack with wrk and writes the results to
# BENCHMARKS.md.
#
#   ops/bench.sh            full data set (1M-ticket tenant; 100k open tickets for the lights'
#                           recomputation), 10 s per measurement
#   QUICK=1 ops/bench.sh    small data set (20k-ticket tenant; 10k open), 2 s per measurement
#
# The stack is the one `make run` starts (ops/stack.sh: private MariaDB, portald with its
# default worker count, nginx from ops/nginx.conf.in) on its own port and data directory
# (127.0.0.1:18180, var/bench), so it never disturbs the dev stack (8080) or the tests (18080).
# It is stopped again when this script ends, however it ends.
#
# Settings (environment): BENCH_DURATION seconds per measurement, BENCH_SEED data set seed,
# BENCH_THREADS wrk threads (2), BENCH_BUFFER_POOL another InnoDB buffer pool size than make run's (see below),
# BENCH_PORT another port than 18180 (two checkouts benchmarking on one machine).
# Raw wrk output, SQL counters and RSS samples stay in var/bench/results/<mode>-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=${QUICK:-0}
[ "$QUICK" = 1 ] && MODE=quick || MODE=full
export PORTAL_VAR=var/bench PORTAL_HTTP_PORT=${BENCH_PORT:-18180} PORTAL_QUIET=1
unset PORTAL_DB_HOST PORTAL_DB_SOCKET PORTAL_DB_PORT PORTAL_DB_USER PORTAL_DB_PASSWORD PORTAL_DB_NAME PORTAL_FRESH
PORT=$PORTAL_HTTP_PORT
BASE=http://127.0.0.1:$PORT
if [ "$MODE" = quick ]; then DUR=${BENCH_DURATION:-2}; else DUR=${BENCH_DURATION:-10}; fi
THREADS=${BENCH_THREADS:-2}
export BENCH_SEED=${BENCH_SEED:-1} BENCH_PASSWORD=${BENCH_PASSWORD:-Bench-Pass-1}
started=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

say() { printf '%s\n' "$*"; }
phase() { printf '== %s  [%ds]\n' "$*" $(($(date +%s) - started)); }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- wrk ---------------------------------------------------------------------------------------

if ! command -v wrk >/dev/null; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	say "installing wrk"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi

# --- the stack, stopped on every way out -------------------------------------------------------

stop_stack() {
	timeout 120 ops/stack.sh stop >/dev/null 2>&1 || say "bench: stopping the bench stack failed or took over 2 minutes" >&2
}
trap stop_stack EXIT
trap 'exit 130' INT TERM HUP

mkdir -p var/bench/log
# The logs of earlier runs are of no further use and grow by a line per request.
: >var/bench/log/nginx-access.log
: >var/bench/log/portald.log
VAR=$(cd var/bench && pwd)
export MYSQL_PWD
sql() { mariadb --socket="$VAR/run/mariadb.sock" -uportal -N -B portal "$@"; }

# On a large data set a new migration (an index, a rebuilt table, an UPDATE of every ticket) can
# outlast portalctl's read timeout: the server carries on with the statement and the start fails.
# Wait for the server to finish it and start again (up to 5 times, 10 minutes of waiting each).
start_stack() {
	local try i busy
	for ((try = 1; try <= 5; try++)); do
		ops/stack.sh start && { MYSQL_PWD=$(cat "$VAR/db.password"); return 0; }
		if [ ! -f "$VAR/db.password" ] || [ ! -S "$VAR/run/mariadb.sock" ]; then die "the bench stack did not start"; fi
		MYSQL_PWD=$(cat "$VAR/db.password")
		say "  waiting for the database to finish a long migration statement, then starting again"
		for ((i = 0; i < 600; i++)); do
			busy=$(sql -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query'
				AND TIME > 0 AND ID <> CONNECTION_ID()" 2>/dev/null || echo 1)
			[ "$busy" = 0 ] && break
			sleep 1
		done
	done
	die "the bench stack did not start"
}

phase "starting the bench stack on 127.0.0.1:$PORT (data in var/bench)"
start_stack

# The InnoDB buffer pool: as make run sizes it (ops/stack.sh: a quarter of the memory, at most
# 8G), or BENCH_BUFFER_POOL=4G resized online by the server's own administrator account, to tell
# what the pool's size costs from what the queries cost. Either way it is then filled by scanning
# the tables the reads use, as on a server that has been running for a while: measured cold, the
# first paths would pay for filling it and the later ones would not.
buffer_pool() {
	if [ -n "${BENCH_BUFFER_POOL:-}" ]; then
		local bytes
		bytes=$(numfmt --from=iec "$BENCH_BUFFER_POOL")
		say "  InnoDB buffer pool: $BENCH_BUFFER_POOL (BENCH_BUFFER_POOL; not make run's)"
		mariadb --socket="$VAR/run/mariadb.sock" -u"$(id -un)" -e "SET GLOBAL innodb_buffer_pool_size = $bytes" ||
			die "cannot resize the buffer pool"
		sleep 2
	fi
	sql -e "SELECT COUNT(*) FROM tickets FORCE INDEX (PRIMARY); SELECT COUNT(*) FROM tickets FORCE INDEX (tickets_tenant_number);
		SELECT COUNT(*) FROM users FORCE INDEX (PRIMARY); SELECT COUNT(*) FROM notes FORCE INDEX (PRIMARY);
		SELECT COUNT(*) FROM ticket_events FORCE INDEX (PRIMARY); SELECT COUNT(*) FROM ticket_lights FORCE INDEX (PRIMARY);
		SELECT COUNT(*) FROM notes FORCE INDEX (notes_tenant_ticket);
		SELECT COUNT(*) FROM ticket_events FORCE INDEX (ticket_events_tenant_ticket)" >/dev/null
}

phase "data set ($MODE, seed $BENCH_SEED)"
gen_start=$(date +%s)
rc=0
ops/generate.sh "$MODE" || rc=$?
if [ $rc = 3 ]; then
	say "starting from an empty bench database"
	stop_stack
	rm -rf var/bench/mariadb var/bench/dataset
	start_stack
	ops/generate.sh "$MODE"
elif [ $rc != 0 ]; then
	die "generating the data set failed"
fi
gen_secs=$(($(date +%s) - gen_start))
buffer_pool

if [ "$MODE" = quick ]; then BIG=bench-20k BIG_N=20000; else BIG=bench-1m BIG_N=1000000; fi
MID=bench-10k MID_N=10000

RES=$VAR/results/$MODE-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RES"

# --- sign-ins ----------------------------------------------------------------------------------

login() { # slug email -> token
	curl -s -m 20 -H "Host: $1.localhost:$PORT" -H 'Content-Type: application/json' \
		-d "{\"email\":\"$2\",\"password\":\"$BENCH_PASSWORD\"}" "$BASE/api/v1/auth/login" |
		sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
tokens() { # slug agent|customer count -> comma-separated tokens
	local out="" t i email
	for ((i = 1; i <= $3; i++)); do
		if [ "$2" = agent ]; then email=$(printf 'agent%03d@%s.example' "$i" "$1"); else email=$(printf 'customer%05d@%s.example' "$i" "$1"); fi
		t=$(login "$1" "$email")
		[ -n "$t" ] || die "cannot sign in as $email"
		out="$out${out:+,}$t"
	done
	printf '%s' "$out"
}
phase "signing in"
BIG_AGENTS=$(tokens $BIG agent 8)
BIG_CUSTOMERS=$(tokens $BIG customer 8)
MID_AGENTS="" MID_CUSTOMERS=""
if [ "$MODE" = full ]; then
	MID_AGENTS=$(tokens $MID agent 8)
	MID_CUSTOMERS=$(tokens $MID customer 8)
fi
RT=bench-rt RT0=bench-rt0 RT_N=20000
RT_AGENTS=$(tokens $RT agent 8)
RT0_AGENTS=$(tokens $RT0 agent 8)
big_id=$(sql -e "SELECT id FROM tenants WHERE slug = '$BIG'")
rt_id=$(sql -e "SELECT id FROM tenants WHERE slug = '$RT'")
RT_CUSTOMERS=$(sql -e "SELECT CONCAT(MIN(id), ',', MAX(id)) FROM users WHERE tenant_id = $rt_id AND role = 'customer'")
RT0_CUSTOMERS=$(sql -e "SELECT CONCAT(MIN(u.id), ',', MAX(u.id)) FROM users u JOIN tenants t ON t.id = u.tenant_id
	WHERE t.slug = '$RT0' AND u.role = 'customer'")
CUST_RANGE=$(sql -e "SELECT CONCAT(MIN(id), ',', MAX(id)) FROM users WHERE tenant_id = $big_id AND role = 'customer'")
EMAILS=$(for i in $(seq 1 20); do printf 'agent%03d@%s.example,' "$i" "$BIG"; done)

# Tickets the status moves cycle through, with their current status.
pool() {
	sql -e "SELECT t.number, s.skey FROM tickets t JOIN statuses s ON s.id = t.status_id
		WHERE t.tenant_id = $big_id AND s.skey IN ('in_progress', 'awaiting_update') ORDER BY t.number DESC LIMIT 4000" \
		>"$RES/pool.txt"
}

# --- measurements ------------------------------------------------------------------------------

COUNTERS="'Questions','Com_select','Com_insert','Com_insert_select','Com_update','Com_delete','Com_begin','Com_commit','Com_rollback','Innodb_buffer_pool_reads','Innodb_data_fsyncs','Innodb_row_lock_waits'"
counters() { sql -e "SHOW GLOBAL STATUS WHERE Variable_name IN ($COUNTERS)"; echo "time $(date +%s.%N)"; }

# RSS of portald's children: workers hold the listening socket, the scheduler does not.
rss() {
	local master sock inode pid role fd
	master=$(cat "$VAR/run/portald.pid")
	sock=$VAR/run/portald.sock
	inode=$(awk -v p="$sock" '$8 == p && $4 == "00010000" { print $7; exit }' /proc/net/unix)
	for pid in $(ps -o pid= --ppid "$master"); do
		role=scheduler
		for fd in "/proc/$pid/fd/"*; do
			if [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ]; then role=worker; fi
		done
		printf '%s %s %s\n' "$pid" "$role" "$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)"
	done
}

# Waits (up to 2 minutes) until the server has nothing left to do from the previous run: requests
# a client gave up on still run to the end, and would slow down the next measurement.
DRAIN_Q=0 # the SELECTs drain ran, for the probe's counts
drain() {
	local i t busy
	DRAIN_Q=0
	for ((i = 0; i < 600; i++)); do
		DRAIN_Q=$((DRAIN_Q + 1))
		t=$(curl -s -o /dev/null -m 10 -w '%{time_total}' -H "Host: $BIG.localhost:$PORT" "$BASE/api/v1/ping" || echo 10)
		busy=$(sql -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'portal' AND COMMAND = 'Execute'")
		if awk -v t="$t" 'BEGIN { exit !(t < 0.05) }' && [ "$busy" = 0 ]; then return 0; fi
		sleep 0.2
	done
	say "  (the server was still busy 2 minutes after the run)"
}

# Statements the scheduler runs by itself, per second, taken out of the counts below.
phase "measuring the idle statement rate"
counters >"$RES/idle-0.txt"
sleep $((DUR < 5 ? 2 : 4))
counters >"$RES/idle-1.txt"

printf 'id\tlabel\ttenant\tc\tduration_s\trequests\trps\tp50_us\tp90_us\tp99_us\tmax_us\tnon2xx\tsockerr\tdrain_s\n' >"$RES/results.tsv"
printf 'id\tlabel\trequests\tstmts\tsel\tins\tupd\ttx\tbp_reads\tfsyncs\tlock_waits\n' >"$RES/sql.tsv"

# load ID LABEL TENANT CONNECTIONS SCRIPT URL-PATH [VAR=VALUE ...]: one wrk measurement.
load() {
	local id=$1 label=$2 slug=$3 c=$4 script=$5 path=$6 t0
	shift 6
	rm -f "$RES/$id.sum"
	if [ -n "${BEFORE_LOAD:-}" ]; then $BEFORE_LOAD; fi
	env BENCH_HOST="$slug.localhost:$PORT" BENCH_OUT="$RES/$id.sum" BENCH_THREADS="$THREADS" "$@" \
		timeout $((DUR + 30)) wrk -t"$THREADS" -c"$c" -d"${DUR}s" --timeout 10s --latency \
		-s "tests/bench/$script" "$BASE$path" >"$RES/$id.txt" 2>&1 || say "  (wrk ended with an error: see $RES/$id.txt)"
	t0=$(date +%s.%N)
	drain
	[ -s "$RES/$id.sum" ] || { say "  $label c=$c: no result"; return 0; }
	awk -v id="$id" -v label="$label" -v slug="$slug" -v c="$c" -v t0="$t0" -v t1="$(date +%s.%N)" '
		{ for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] } }
		END {
			secs = s["duration_us"] / 1e6
			printf "%s\t%s\t%s\t%d\t%.2f\t%d\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\n",
				id, label, slug, c, secs, s["requests"], s["requests"] / secs, s["p50_us"], s["p90_us"], s["p99_us"],
				s["max_us"], s["non2xx"], s["connect"] + s["read"] + s["write"] + s["timeout"], t1 - t0
		}' "$RES/$id.sum" >>"$RES/results.tsv"
	tail -1 "$RES/results.tsv" | awk -F'\t' '{ printf "  %-36s c=%-3s %9.0f req/s  p50 %8.2f ms  p99 %8.2f ms  non-2xx %s  errors %s\n",
		$2, $4, $7, $8 / 1000, $10 / 1000, $12, $13 }'
}

# probe ID LABEL TENANT SCRIPT URL-PATH [VAR=VALUE ...]: SQL statements per request around up
# to 50 requests sent one at a time on an otherwise idle stack: the statements each request ran,
# as the worker's request log line counts them ("sql"), and by kind from the server's counters
# (less the scheduler's idle rate).
PROBE_N=50
probe() {
	local id=$1 label=$2 slug=$3 script=$4 path=$5 log_from logged
	shift 5
	rm -f "$RES/$id.probe"
	if [ -n "${BEFORE_LOAD:-}" ]; then $BEFORE_LOAD; fi
	log_from=$(($(wc -l <"$VAR/log/portald.log") + 1))
	counters >"$RES/$id.before"
	env BENCH_HOST="$slug.localhost:$PORT" BENCH_OUT="$RES/$id.probe" BENCH_THREADS=1 BENCH_PROBE=$PROBE_N "$@" \
		timeout 60 wrk -t1 -c1 -d"$((DUR < 5 ? 1 : 2))s" --timeout 30s -s "tests/bench/$script" "$BASE$path" \
		>"$RES/$id.probe.txt" 2>&1 || true
	drain
	counters >"$RES/$id.after"
	[ -s "$RES/$id.probe" ] || return 0
	# The request lines the probe's requests wrote: their count and the sum of their statements.
	logged=$(tail -n +"$log_from" "$VAR/log/portald.log" | awk '/"msg":"request"/ && /"sql":/ {
		sub(/.*"sql":/, ""); n++; sum += $0 + 0 } END { printf "%d %d", n, sum }')
	# A probe that ran out of time had one request in flight, which the server finished (drain).
	awk -v id="$id" -v label="$label" -v pn=$PROBE_N -v dq=$DRAIN_Q -v logged="$logged" '
		FILENAME ~ /idle-0.txt$/ { i0[$1] = $2; next }
		FILENAME ~ /idle-1.txt$/ { idle_d[$1] = $2 - i0[$1]; next }
		FILENAME ~ /before$/ { b[$1] = $2; next }
		FILENAME ~ /after$/ { d[$1] = $2 - b[$1]; next }
		{ for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] } }
		END {
			idle = idle_d["time"]; secs = d["time"]
			n = s["requests"]; if (n < pn) n++
			# Out: the scheduler (its idle rate; the idle window counted one SHOW STATUS), this
			# SHOW STATUS and the SELECTs of drain.
			idle_d["Questions"] -= 1
			for (k in d) if (k != "time") {
				d[k] -= idle_d[k] / idle * secs
				if (k == "Questions") d[k] -= 1 + dq
				if (k == "Com_select") d[k] -= dq
				if (d[k] < 0) d[k] = 0
			}
			# Statements: from the request log (a probe "request" may be several HTTP requests);
			# the server counters only when no line came.
			split(logged, lg, " ")
			stmts = lg[1] > 0 ? lg[2] / n : d["Questions"] / n
			printf "%s\t%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\n", id, label, n, stmts,
				d["Com_select"] / n, (d["Com_insert"] + d["Com_insert_select"]) / n, (d["Com_update"] + d["Com_delete"]) / n,
				(d["Com_begin"] + d["Com_commit"] + d["Com_rollback"]) / n, d["Innodb_buffer_pool_reads"] / n,
				d["Innodb_data_fsyncs"] / n, d["Innodb_row_lock_waits"] / n
		}' "$RES/idle-0.txt" "$RES/idle-1.txt" "$RES/$id.before" "$RES/$id.after" "$RES/$id.probe" >>"$RES/sql.tsv"
	tail -1 "$RES/sql.tsv" | awk -F'\t' '{ printf "  %-36s SQL statements per request: %.2f (%d requests)\n", $2, $4, $3 }'
}

# measure ID LABEL TENANT SCRIPT URL-PATH [VAR=VALUE ...]: c=16, c=64 and the SQL probe. A path
# under 10 req/s at c=16 is not run at c=64: its queue would take minutes to drain.
measure() {
	local id=$1 label=$2 slug=$3 script=$4 path=$5 rps
	shift 5
	load "$id-c16" "$label" "$slug" 16 "$script" "$path" "$@"
	rps=$(awk -F'\t' -v id="$id-c16" '$1 == id { print int($7) }' "$RES/results.tsv")
	if [ "${rps:-0}" -ge 10 ]; then
		load "$id-c64" "$label" "$slug" 64 "$script" "$path" "$@"
	else
		say "  $label: c=64 not run (under 10 req/s at c=16)"
		printf '%s\t%s\t%s\t64\tskipped\n' "$id-c64" "$label" "$slug" >>"$RES/results.tsv"
	fi
	[ "${NO_PROBE:-0}" = 1 ] || probe "$id" "$label" "$slug" "$script" "$path" "$@"
}

# Each read path on the large tenant, then at once on the 10k tenant, so that the two figures
# compared for "flat with size" are taken close together.
# (A quick run leaves the comparison out: 20k tickets against 10k says nothing about size.)
reads() {
	local id label script extra at_big at_mid
	while IFS='|' read -r id label script extra; do
		at_big=$BIG_AGENTS at_mid=$MID_AGENTS
		if [ "$id" = custlist ]; then at_big=$BIG_CUSTOMERS at_mid=$MID_CUSTOMERS; fi
		measure "big-$id" "$label" "$BIG" "$script" / BENCH_TOKENS="$at_big" BENCH_TICKETS="$BIG_N" ${extra:+"$extra"}
		[ "$MODE" = quick ] && continue
		NO_PROBE=1 measure "mid-$id" "$label ($MID)" "$MID" "$script" / \
			BENCH_TOKENS="$at_mid" BENCH_TICKETS="$MID_N" ${extra:+"$extra"}
	done <<-EOF
		get|GET one ticket|get_ticket.lua|
		queue|agent queue page (limit=50)|path.lua|BENCH_PATH=/api/v1/tickets?limit=50
		notes|ticket notes (limit=50)|get_ticket.lua|BENCH_SUFFIX=/notes?limit=50
		timeline|ticket timeline|get_ticket.lua|BENCH_SUFFIX=/timeline
		custlist|customer portal list (limit=50)|path.lua|BENCH_PATH=/api/v1/tickets?limit=50
		board|board|path.lua|BENCH_PATH=/api/v1/board
	EOF
}

rss >"$RES/rss-before.txt"
phase "warming up"
for w in "$BIG $BIG_AGENTS $BIG_N" "$MID $MID_AGENTS $MID_N"; do
	read -r slug at n <<<"$w"
	[ -n "$n" ] || continue
	BENCH_HOST="$slug.localhost:$PORT" BENCH_TOKENS="$at" BENCH_TICKETS=$n BENCH_THREADS=$THREADS \
		timeout 60 wrk -t"$THREADS" -c16 -d"$((DUR < 5 ? 1 : 3))s" -s tests/bench/view.lua "$BASE/" >/dev/null 2>&1 || true
done
drain

phase "ceilings"
NO_PROBE=1 measure static "nginx static file (index.html)" "$BIG" plain.lua /index.html
measure ping "FastCGI ceiling (ping: no database)" "$BIG" plain.lua /api/v1/ping
measure healthz "FastCGI + 1 trivial query (healthz)" "$BIG" plain.lua /api/v1/healthz

if [ "$MODE" = quick ]; then phase "reads on $BIG"; else phase "reads on $BIG, each followed by the same on $MID"; fi
reads
measure big-view "ticket view (3 requests)" "$BIG" view.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N

phase "$BIG: writes"
measure big-create "create ticket" "$BIG" create.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_CUSTOMERS="$CUST_RANGE" BENCH_NONCE="$(basename "$RES")"
measure big-note "add a worknote" "$BIG" add_note.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N
BEFORE_LOAD=pool measure big-move "status move" "$BIG" transition.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_POOL="$RES/pool.txt"

# Creating a ticket with routing and rules next to creating one with neither (issue target: at most
# 2x the cost). bench-rt routes its "Printers" category by skill over 500 agents and has three
# enabled rules that fire on it (a tag, an internal note, a notification); its twin bench-rt0 has
# the same data and no configuration. Before each routed run the bench's own tickets of earlier
# runs are unassigned, so the agents' open counts (and the router's choice) stay as generated.
phase "routing: create with routing and three rules ($RT) next to a plain create ($RT0)"
rt_admin=$(login "$RT" "admin@$RT.example")
[ -n "$rt_admin" ] || die "cannot sign in as admin@$RT.example"
rt_admin_id=$(sql -e "SELECT id FROM users WHERE tenant_id = $rt_id AND email = 'admin@$RT.example'")
rules=$(curl -s -o "$RES/rt-rules.json" -w '%{http_code}' -m 20 -X PUT -H "Host: $RT.localhost:$PORT" \
	-H "Authorization: Bearer $rt_admin" -H 'Content-Type: application/json' "$BASE/api/v1/admin/rules" -d '{"rules": [
	{"name": "Tag printers", "trigger": "created", "conditions": {"field": "category", "op": "equals", "value": "Printers"},
	 "actions": [{"type": "add_tag", "value": "printer"}]},
	{"name": "Printer checklist", "trigger": "created", "conditions": {"field": "category", "op": "equals", "value": "Printers"},
	 "actions": [{"type": "add_note", "value": "Ask for the printer model and the error code on its panel."}]},
	{"name": "Tell the admin", "trigger": "created", "conditions": {"field": "category", "op": "equals", "value": "Printers"},
	 "actions": [{"type": "notify", "value": '"$rt_admin_id"'}]}]}')
[ "$rules" = 200 ] || die "cannot set the rules of $RT: $rules $(cat "$RES/rt-rules.json")"
rt_reset() { sql -e "UPDATE tickets SET assignee_id = NULL, queue = NULL WHERE tenant_id = $rt_id AND number > $RT_N"; }
measure rt0-create "create ticket, no routing or rules" "$RT0" create.lua / BENCH_TOKENS="$RT0_AGENTS" \
	BENCH_CUSTOMERS="$RT0_CUSTOMERS" BENCH_NONCE="$(basename "$RES")-rt0"
BEFORE_LOAD=rt_reset measure rt-create "create ticket, routed by skill + 3 rules" "$RT" create.lua / \
	BENCH_TOKENS="$RT_AGENTS" BENCH_CUSTOMERS="$RT_CUSTOMERS" BENCH_NONCE="$(basename "$RES")-rt" BENCH_CATEGORY=Printers
awk -F'\t' '$1 ~ /^rt0?-create-c/ { r[$1] = $7; e[$1] = $12 + $13 } END {
	for (c = 16; c <= 64; c *= 4) if (r["rt-create-c" c] > 0)
		printf "  routed + rules vs plain create, c=%d: %.2fx the cost (%.0f vs %.0f req/s)%s\n", c,
			r["rt0-create-c" c] / r["rt-create-c" c], r["rt-create-c" c], r["rt0-create-c" c],
			(e["rt-create-c" c] + e["rt0-create-c" c] > 0 ? " (not comparable: non-2xx answers)" : "") }' "$RES/results.tsv"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "mean_us") m[FILENAME] = kv[2] } }
	END { for (f in m) if (f ~ /\/rt-create.probe$/) rt = m[f]; else pl = m[f]
		if (rt > 0 && pl > 0) printf "  one at a time: %.2f ms vs %.2f ms, %.2fx\n", rt / 1000, pl / 1000, rt / pl }' \
	"$RES/rt-create.probe" "$RES/rt0-create.probe" 2>/dev/null || true

# The router's choice among 500 agents (issue target: under 1 ms of worker time): the pure choice,
# then the choice with its SQL and the whole routing on $RT's newest routed ticket, each call in a
# transaction rolled back (build/bench-router; tests/bench/router.c), and the same on $BIG.
phase "routing: the router's choice (build/bench-router)"
rt_reset
drain
if [ "$MODE" = quick ]; then router_args="200000 300"; else router_args="1000000 2000"; fi
# shellcheck disable=SC2086
PORTAL_DB_SOCKET=$VAR/run/mariadb.sock PORTAL_DB_USER=portal PORTAL_DB_NAME=portal PORTAL_DB_PASSWORD=$MYSQL_PWD \
	build/bench-router $router_args "$RT" "$BIG" >"$RES/router.txt" || say "  (bench-router failed: see $RES/router.txt)"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] }
	if (s["what"] == "choose") printf "  choice alone, %d candidates: %.2f us CPU (%.2f us wall)\n", s["candidates"], s["cpu_ns"] / 1000, s["wall_ns"] / 1000
	else printf "  %-5s on %-9s %3d agents (short list %d), %.1f statements: wall p50 %.0f us p99 %.0f us, CPU p50 %.0f us p99 %.0f us\n",
		s["what"], s["tenant"], s["agents"], s["candidates"], s["stmts"], s["wall_p50_us"], s["wall_p99_us"], s["cpu_p50_us"], s["cpu_p99_us"] }' "$RES/router.txt"

phase "$BIG: sign-in (argon2id by design)"
load big-login-c2 "sign-in" "$BIG" 2 login.lua / BENCH_EMAILS="$EMAILS"
probe big-login "sign-in" "$BIG" login.lua / BENCH_EMAILS="$EMAILS"
# GET one ticket again, alone (a quick run takes the first measurement) and while two clients
# keep signing in.
[ "$MODE" = quick ] ||
	load big-get-alone-c16 "GET one ticket (reference)" "$BIG" 16 get_ticket.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N
BENCH_HOST="$BIG.localhost:$PORT" BENCH_OUT="$RES/big-login-bg.sum" BENCH_THREADS=1 BENCH_EMAILS="$EMAILS" \
	timeout $((DUR + 30)) wrk -t1 -c2 -d"${DUR}s" --timeout 10s --latency -s tests/bench/login.lua "$BASE/" \
	>"$RES/big-login-bg.txt" 2>&1 &
bg_wrk=$!
load big-get-login-c16 "GET one ticket during 2 sign-ins" "$BIG" 16 get_ticket.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N
wait $bg_wrk || true

# Reports (issue targets: the last 30 days under 300 ms, two years under 2 s): each as the
# tenant admin, one request at a time, three times; the median time is what counts.
phase "$BIG: reports, one at a time"
admin_token=$(login "$BIG" "admin@$BIG.example")
[ -n "$admin_token" ] || die "cannot sign in as admin@$BIG.example"
today=$(date -u +%F)
printf 'report\trange\tstatus\tms1\tms2\tms3\n' >"$RES/reports.tsv"
for report in open volume times lights suppliers agents; do
	for range in 30d 2y; do
		[ "$report" = open ] && [ "$range" = 2y ] && continue # "now": no range
		if [ "$range" = 30d ]; then from=$(date -u -d '29 days ago' +%F); else from=$(date -u -d '2 years ago' +%F); fi
		q="?from=$from&to=$today"
		[ "$report" = open ] && q=""
		line="$report	$range"
		for i in 1 2 3; do
			r=$(curl -s -o /dev/null -m 120 -w '%{http_code} %{time_total}' -H "Host: $BIG.localhost:$PORT" \
				-H "Authorization: Bearer $admin_token" "$BASE/api/v1/reports/$report$q" || echo "000 120")
			[ "$i" = 1 ] && line="$line	${r%% *}"
			line="$line	$(awk -v t="${r#* }" 'BEGIN { printf "%.1f", t * 1000 }')"
		done
		printf '%s\n' "$line" >>"$RES/reports.tsv"
		printf '%s\n' "$line" | awk -F'\t' '{ printf "  report %-10s %-4s status %s: %s / %s / %s ms\n", $1, $2, $3, $4, $5, $6 }'
	done
done

# The lights' recomputation after a service-level change (issue target: a tenant with 100,000
# open tickets in under 30 s, without blocking requests), on the tenant whose tickets are all open
# work. The admin turns the communication clock off for every priority (every ticket with an
# open cycle moves: a timeline entry each) while GET one ticket runs on the same tenant at c=16,
# then turns it back on (they all move again), then saves the same settings (nothing moves). The
# scheduler does the work; its log line gives the count, the time it took and the tickets moved.
if [ "$MODE" = quick ]; then OPEN=bench-open10k OPEN_N=12500; else OPEN=bench-open100k OPEN_N=125000; fi
phase "$OPEN: recomputing the lights after a service-level change"
open_id=$(sql -e "SELECT id FROM tenants WHERE slug = '$OPEN'")
OPEN_AGENTS=$(tokens "$OPEN" agent 8)
open_admin=$(login "$OPEN" "admin@$OPEN.example")
[ -n "$open_admin" ] || die "cannot sign in as admin@$OPEN.example"
curl -s -m 20 -H "Host: $OPEN.localhost:$PORT" -H "Authorization: Bearer $open_admin" "$BASE/api/v1/admin/lights" \
	>"$RES/lights-settings.json"
printf 'id\tlabel\ttickets\tseconds\tmoved\tput_to_done_s\n' >"$RES/recompute.tsv"
# recompute ID LABEL ENABLED [get]: PUT the tenant's settings with the communication clock
# enabled or not, then wait (up to 10 minutes) until the scheduler has recomputed.
recompute() {
	local id=$1 label=$2 enabled=$3 get=${4:-} code t0 t1 bg="" i line
	node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		for (const t of s.thresholds) if (t.level === 3) t.enabled = process.argv[2] === "true";
		console.log(JSON.stringify({ calendar: s.calendar, thresholds: s.thresholds }));' \
		"$RES/lights-settings.json" "$enabled" >"$RES/$id.json"
	t0=$(date +%s.%N)
	code=$(curl -s -o /dev/null -w '%{http_code}' -m 30 -X PUT -H "Host: $OPEN.localhost:$PORT" \
		-H "Authorization: Bearer $open_admin" -H 'Content-Type: application/json' --data @"$RES/$id.json" \
		"$BASE/api/v1/admin/lights")
	[ "$code" = 200 ] || die "PUT /api/v1/admin/lights answered $code"
	if [ -n "$get" ]; then
		load "$id-get-c16" "GET one ticket during the recomputation" "$OPEN" 16 get_ticket.lua / \
			BENCH_TOKENS="$OPEN_AGENTS" BENCH_TICKETS=$OPEN_N &
		bg=$!
	fi
	for ((i = 0; i < 3000; i++)); do
		[ "$(sql -e "SELECT lights_version = lights_done_version FROM tenants WHERE id = $open_id")" = 1 ] && break
		sleep 0.2
	done
	t1=$(date +%s.%N)
	if [ -n "$bg" ]; then wait "$bg" || true; fi
	line=$(grep -o "tenant $open_id: recomputed the lights of [0-9]* tickets in [0-9.]* s ([0-9]* moved)" \
		var/bench/log/portald.log | tail -1)
	[ -n "$line" ] || { say "  $label: no recomputation logged"; return 0; }
	awk -v id="$id" -v label="$label" -v t0="$t0" -v t1="$t1" '{
		printf "%s\t%s\t%s\t%s\t%s\t%.1f\n", id, label, $7, $10, substr($12, 2), t1 - t0 }' <<<"$line" >>"$RES/recompute.tsv"
	tail -1 "$RES/recompute.tsv" | awk -F'\t' '{ printf "  %-36s %s tickets in %s s, %s moved (PUT to done %s s)\n", $2, $3, $4, $5, $6 }'
}
# A run stopped between the first change and the second left the clock off: on again, untimed.
if node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	process.exit(s.thresholds.some((t) => t.level === 3 && !t.enabled) ? 0 : 1);' "$RES/lights-settings.json"; then
	recompute recompute-restore "restoring the settings" true
	sed -i '/^recompute-restore\t/d' "$RES/recompute.tsv"
fi
# The board and an agent's queue page on this tenant, one request at a time (issue target: the
# board under 50 ms and a queue page of 50 tickets with their lights under 10 ms of server time):
# 30 requests each, curl's total time on loopback (the server's time and a little more).
open_agent=${OPEN_AGENTS%%,*}
printf 'path	n	p50_ms	p90_ms	max_ms	status
' >"$RES/open-reads.tsv"
for path in /api/v1/board "/api/v1/tickets?limit=50"; do
	for ((i = 0; i < 30; i++)); do
		curl -s -o /dev/null -m 20 -w '%{http_code} %{time_total}\n' -H "Host: $OPEN.localhost:$PORT" \
			-H "Authorization: Bearer $open_agent" "$BASE$path"
	done | sort -k2 -n | awk -v p="$path" '{ s[NR] = $2 * 1000; if ($1 != 200) bad = $1 }
		END { printf "%s\t%d\t%.1f\t%.1f\t%.1f\t%s\n", p, NR, s[int((NR + 1) / 2)], s[int(NR * 0.9)], s[NR], bad ? bad : 200 }' \
		>>"$RES/open-reads.tsv"
	tail -1 "$RES/open-reads.tsv" | awk -F'\t' '{ printf "  %-36s one at a time: p50 %s ms, p90 %s ms, max %s ms (status %s)\n", $1, $3, $4, $5, $6 }'
done
load open-get-alone-c16 "GET one ticket (reference)" "$OPEN" 16 get_ticket.lua / BENCH_TOKENS="$OPEN_AGENTS" BENCH_TICKETS=$OPEN_N
recompute recompute-off "communication clock off" false get
recompute recompute-on "communication clock on again" true
recompute recompute-same "the same settings again" true

rss >"$RES/rss-after.txt"

# The worker-count curve: the ceiling and GET one ticket at c=64 with 1, 2, 4 and 8 workers
# (MariaDB and nginx keep running; only portald is started again), then back to the default.
restart_portald() {
	local pid i
	pid=$(cat "$VAR/run/portald.pid")
	kill -TERM "$pid"
	for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	PORTAL_WORKERS=$1 ops/stack.sh start >/dev/null || die "portald did not start with $1 workers"
}
phase "$BIG: the worker-count curve"
for w in ${BENCH_CURVE:-1 2 4 8}; do
	restart_portald "$w"
	load "curve-w$w-ping" "ping, $w workers" "$BIG" 64 plain.lua /api/v1/ping
	load "curve-w$w-get" "GET one ticket, $w workers" "$BIG" 64 get_ticket.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N
done
restart_portald "${PORTAL_WORKERS:-4}"

# --- the report --------------------------------------------------------------------------------

cmd="make bench"
[ "$MODE" = quick ] && cmd="make bench QUICK=1"
[ -n "${BENCH_DURATION:-}" ] && cmd="BENCH_DURATION=$BENCH_DURATION $cmd"
[ -n "${BENCH_PORT:-}" ] && cmd="BENCH_PORT=$BENCH_PORT $cmd"
[ -n "${BENCH_BUFFER_POOL:-}" ] && cmd="BENCH_BUFFER_POOL=$BENCH_BUFFER_POOL $cmd"
[ "$BENCH_SEED" != 1 ] && cmd="BENCH_SEED=$BENCH_SEED $cmd"
{
	printf 'mode=%s\ncommand=%s\nduration=%s\nthreads=%s\nbig=%s\nbig_n=%s\nmid=%s\nmid_n=%s\nopen=%s\n' \
		"$MODE" "$cmd" "$DUR" "$THREADS" "$BIG" "$BIG_N" "$MID" "$MID_N" "$OPEN"
	printf 'date=%s\nnproc=%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)"
	printf 'memory=%s\n' "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	printf 'cpu=%s\n' "$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
	printf 'kernel=%s\n' "$(uname -r)"
	printf 'load=%s\n' "$LOAD0"
	printf 'versions=%s; %s; %s\n' "$(nginx -v 2>&1 | sed 's/^nginx version: //')" \
		"$(mariadbd --version | sed 's/.*Ver \([^ ]*\).*/MariaDB \1/')" "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
	printf 'buffer_pool=%s\n' "$(sql -e "SELECT CONCAT(ROUND(@@innodb_buffer_pool_size / 1048576), ' MiB')")"
	printf 'buffer_pool_set=%s\n' "${BENCH_BUFFER_POOL:+1}"
	printf 'workers=%s\n' "$(grep -c ' worker ' "$RES/rss-after.txt" || true)"
	printf 'generation=%s\n' "$(grep "^mode=$MODE " var/bench/dataset/generations.log 2>/dev/null | tail -1)"
	printf 'generated_now=%s\n' "$([ "$gen_secs" -gt 5 ] && echo 1 || echo 0)"
	printf 'rows=%s\n' "$(sql -e "SELECT CONCAT((SELECT COUNT(*) FROM tenants), ' tenants; ', (SELECT COUNT(*) FROM tickets WHERE tenant_id = $big_id), ' tickets, ',
		(SELECT COUNT(*) FROM notes WHERE tenant_id = $big_id), ' notes and ', (SELECT COUNT(*) FROM ticket_events WHERE tenant_id = $big_id),
		' timeline rows in $BIG')")"
} >"$RES/meta.txt"

node tests/bench/report.mjs "$RES" BENCHMARKS.md
say "bench finished in $(($(date +%s) - started)) s; raw results in ${RES#"$(pwd)"/}"
