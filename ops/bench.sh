#!/usr/bin/env bash
# make bench: drives the hot paths of the real stack with wrk and writes the results to
# BENCHMARKS.md.
#
#   ops/bench.sh            full data set (1M-ticket tenant), 10 s per measurement
#   QUICK=1 ops/bench.sh    small data set (20k-ticket tenant), 2 s per measurement
#
# The stack is the one `make run` starts (ops/stack.sh: private MariaDB, portald with its
# default worker count, nginx from ops/nginx.conf.in) on its own port and data directory
# (127.0.0.1:18180, var/bench), so it never disturbs the dev stack (8080) or the tests (18080).
# It is stopped again when this script ends, however it ends.
#
# Settings (environment): BENCH_DURATION seconds per measurement, BENCH_SEED data set seed,
# BENCH_THREADS wrk threads (2). Raw wrk output, SQL counters and RSS samples stay in
# var/bench/results/<mode>-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=${QUICK:-0}
[ "$QUICK" = 1 ] && MODE=quick || MODE=full
export PORTAL_VAR=var/bench PORTAL_HTTP_PORT=18180 PORTAL_QUIET=1
unset PORTAL_DB_HOST PORTAL_DB_SOCKET PORTAL_DB_PORT PORTAL_DB_USER PORTAL_DB_PASSWORD PORTAL_DB_NAME PORTAL_FRESH
PORT=$PORTAL_HTTP_PORT
BASE=http://127.0.0.1:$PORT
if [ "$MODE" = quick ]; then DUR=${BENCH_DURATION:-2}; else DUR=${BENCH_DURATION:-10}; fi
THREADS=${BENCH_THREADS:-2}
export BENCH_SEED=${BENCH_SEED:-1} BENCH_PASSWORD=${BENCH_PASSWORD:-Bench-Pass-1}
started=$(date +%s)

say() { printf '%s\n' "$*"; }
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
say "== starting the bench stack on 127.0.0.1:$PORT (data in var/bench)"
ops/stack.sh start
VAR=$(cd var/bench && pwd)
export MYSQL_PWD
MYSQL_PWD=$(cat "$VAR/db.password")
sql() { mariadb --socket="$VAR/run/mariadb.sock" -uportal -N -B portal "$@"; }

say "== data set ($MODE, seed $BENCH_SEED)"
gen_start=$(date +%s)
rc=0
ops/generate.sh "$MODE" || rc=$?
if [ $rc = 3 ]; then
	say "starting from an empty bench database"
	stop_stack
	rm -rf var/bench/mariadb var/bench/dataset
	ops/stack.sh start
	MYSQL_PWD=$(cat "$VAR/db.password")
	ops/generate.sh "$MODE"
elif [ $rc != 0 ]; then
	die "generating the data set failed"
fi
gen_secs=$(($(date +%s) - gen_start))

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
say "== signing in"
BIG_AGENTS=$(tokens $BIG agent 8)
BIG_CUSTOMERS=$(tokens $BIG customer 8)
MID_AGENTS=$(tokens $MID agent 8)
MID_CUSTOMERS=$(tokens $MID customer 8)
big_id=$(sql -e "SELECT id FROM tenants WHERE slug = '$BIG'")
CUST_RANGE=$(sql -e "SELECT CONCAT(MIN(id), ',', MAX(id)) FROM users WHERE tenant_id = $big_id AND role = 'customer'")
EMAILS=$(for i in $(seq 1 20); do printf 'agent%03d@%s.example,' "$i" "$BIG"; done)

# Tickets the status moves cycle through, with their current status.
pool() {
	sql -e "SELECT t.number, s.skey FROM tickets t JOIN statuses s ON s.id = t.status_id
		WHERE t.tenant_id = $big_id AND s.skey IN ('in_progress', 'awaiting_update') ORDER BY t.number DESC LIMIT 4000" \
		>"$RES/pool.txt"
}

# --- measurements ------------------------------------------------------------------------------

COUNTERS="'Questions','Com_select','Com_insert','Com_insert_select','Com_update','Com_delete','Com_begin','Com_commit','Com_rollback'"
counters() { sql -e "SHOW GLOBAL STATUS WHERE Variable_name IN ($COUNTERS)"; }

# RSS of portald's children: workers hold the listening socket, the scheduler does not.
rss() {
	local master sock inode pid role
	master=$(cat "$VAR/run/portald.pid")
	sock=$VAR/run/portald.sock
	inode=$(awk -v p="$sock" '$8 == p && $4 == "00010000" { print $7; exit }' /proc/net/unix)
	for pid in $(ps -o pid= --ppid "$master"); do
		role=scheduler
		if ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "socket:\[$inode\]"; then role=worker; fi
		printf '%s %s %s\n' "$pid" "$role" "$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)"
	done
}

# Statements the background scheduler runs by itself, per second, to take out of the counts.
say "== measuring the idle statement rate"
counters >"$RES/idle-0.txt"
sleep 3
counters >"$RES/idle-1.txt"
BG_RATE=$(awk 'NR == FNR { a[$1] = $2; next } $1 == "Questions" { printf "%.3f", ($2 - a[$1] - 1) / 3 }' "$RES/idle-0.txt" "$RES/idle-1.txt")

printf 'id\tlabel\ttenant\tc\tduration_s\trequests\trps\tp50_us\tp90_us\tp99_us\tmax_us\tnon2xx\tsockerr\tstmts\tsel\tins\tupd\ttx\n' >"$RES/results.tsv"

# run ID LABEL TENANT CONNECTIONS SCRIPT [URL-PATH] [VAR=VALUE ...]
run() {
	local id=$1 label=$2 slug=$3 c=$4 script=$5 path=${6:-/}
	shift 6
	local sum=$RES/$id.sum
	rm -f "$sum"
	counters >"$RES/$id.before"
	env BENCH_HOST="$slug.localhost:$PORT" BENCH_OUT="$sum" BENCH_THREADS="$THREADS" "$@" \
		timeout $((DUR + 30)) wrk -t"$THREADS" -c"$c" -d"${DUR}s" --timeout 10s --latency \
		-s "tests/bench/$script" "$BASE$path" >"$RES/$id.txt" 2>&1 || say "  (wrk ended with an error: see $RES/$id.txt)"
	counters >"$RES/$id.after"
	[ -s "$sum" ] || { say "  $label: no result"; return 0; }
	# Per request: all statements, then SELECTs, INSERTs, UPDATEs/DELETEs and transaction control.
	awk -v id="$id" -v label="$label" -v slug="$slug" -v c="$c" -v bg="$BG_RATE" -v sumfile="$sum" '
		FILENAME ~ /before$/ { b[$1] = $2; next }
		FILENAME ~ /after$/ { d[$1] = $2 - b[$1]; next }
		{
			for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] }
		}
		END {
			secs = s["duration_us"] / 1e6; n = s["requests"]
			if (n < 1) n = 1
			q = d["Questions"] - 1 - bg * secs; if (q < 0) q = 0
			printf "%s\t%s\t%s\t%d\t%.2f\t%d\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\n",
				id, label, slug, c, secs, s["requests"], s["requests"] / secs, s["p50_us"], s["p90_us"], s["p99_us"],
				s["max_us"], s["non2xx"], s["connect"] + s["read"] + s["write"] + s["timeout"], q / n,
				d["Com_select"] / n, (d["Com_insert"] + d["Com_insert_select"]) / n,
				(d["Com_update"] + d["Com_delete"]) / n, (d["Com_begin"] + d["Com_commit"] + d["Com_rollback"]) / n
		}' "$RES/$id.before" "$RES/$id.after" "$sum" >>"$RES/results.tsv"
	tail -1 "$RES/results.tsv" | awk -F'\t' '{ printf "  %-34s c=%-3s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %s  errors %s  SQL/req %.2f\n",
		$2, $4, $7, $8 / 1000, $10 / 1000, $12, $13, $14 }'
}

reads() { # PREFIX SLUG N AGENT-TOKENS CUSTOMER-TOKENS C
	local p=$1 slug=$2 n=$3 at=$4 ct=$5 c=$6
	run "$p-get-c$c" "GET one ticket" "$slug" "$c" get_ticket.lua / BENCH_TOKENS="$at" BENCH_TICKETS="$n"
	run "$p-queue-c$c" "agent queue page (limit=50)" "$slug" "$c" path.lua / BENCH_TOKENS="$at" BENCH_PATH="/api/v1/tickets?limit=50"
	run "$p-notes-c$c" "ticket notes (limit=50)" "$slug" "$c" get_ticket.lua / BENCH_TOKENS="$at" BENCH_TICKETS="$n" BENCH_SUFFIX="/notes?limit=50"
	run "$p-timeline-c$c" "ticket timeline" "$slug" "$c" get_ticket.lua / BENCH_TOKENS="$at" BENCH_TICKETS="$n" BENCH_SUFFIX="/timeline"
	run "$p-custlist-c$c" "customer portal list (limit=50)" "$slug" "$c" path.lua / BENCH_TOKENS="$ct" BENCH_PATH="/api/v1/tickets?limit=50"
	run "$p-board-c$c" "board" "$slug" "$c" path.lua / BENCH_TOKENS="$at" BENCH_PATH="/api/v1/board"
}

rss >"$RES/rss-before.txt"
say "== warming up"
BENCH_HOST="$BIG.localhost:$PORT" BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N BENCH_THREADS=$THREADS \
	timeout 60 wrk -t"$THREADS" -c16 -d"$((DUR < 5 ? 1 : 3))s" -s tests/bench/get_ticket.lua "$BASE/" >/dev/null 2>&1 || true

say "== ceilings"
for c in 16 64; do
	run "static-c$c" "nginx static file (index.html)" "$BIG" $c plain.lua /index.html
	run "healthz-c$c" "FastCGI + 1 trivial query (healthz)" "$BIG" $c plain.lua /api/v1/healthz
done

say "== $BIG: reads"
for c in 16 64; do
	reads big "$BIG" $BIG_N "$BIG_AGENTS" "$BIG_CUSTOMERS" $c
	run "big-view-c$c" "ticket view (3 requests)" "$BIG" $c view.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N
done

say "== $BIG: writes"
for c in 16 64; do
	run "big-create-c$c" "create ticket" "$BIG" $c create.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_CUSTOMERS="$CUST_RANGE" BENCH_NONCE="$(basename "$RES")"
	run "big-note-c$c" "add a worknote" "$BIG" $c add_note.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N
	pool
	run "big-move-c$c" "status move" "$BIG" $c transition.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_POOL="$RES/pool.txt"
done

say "== $BIG: sign-in (argon2id by design)"
run "big-login-c2" "sign-in" "$BIG" 2 login.lua / BENCH_EMAILS="$EMAILS"
# GET one ticket again, alone and then while two clients keep signing in.
run "big-get-alone-c16" "GET one ticket (reference)" "$BIG" 16 get_ticket.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N
BENCH_HOST="$BIG.localhost:$PORT" BENCH_OUT="$RES/big-login-bg.sum" BENCH_THREADS=1 BENCH_EMAILS="$EMAILS" \
	timeout $((DUR + 30)) wrk -t1 -c2 -d"${DUR}s" --timeout 10s --latency -s tests/bench/login.lua "$BASE/" \
	>"$RES/big-login-bg.txt" 2>&1 &
bg_wrk=$!
run "big-get-login-c16" "GET one ticket during 2 sign-ins" "$BIG" 16 get_ticket.lua / BENCH_TOKENS="$BIG_AGENTS" BENCH_TICKETS=$BIG_N
wait $bg_wrk || true

say "== $MID: reads, to compare with $BIG"
for c in 16 64; do
	[ "$MODE" = quick ] && [ $c = 64 ] && continue
	reads mid "$MID" $MID_N "$MID_AGENTS" "$MID_CUSTOMERS" $c
done
rss >"$RES/rss-after.txt"

# --- the report --------------------------------------------------------------------------------

cmd="make bench"
[ "$MODE" = quick ] && cmd="make bench QUICK=1"
[ -n "${BENCH_DURATION:-}" ] && cmd="BENCH_DURATION=$BENCH_DURATION $cmd"
[ "$BENCH_SEED" != 1 ] && cmd="BENCH_SEED=$BENCH_SEED $cmd"
{
	printf 'mode=%s\ncommand=%s\nduration=%s\nthreads=%s\nbig=%s\nbig_n=%s\nmid=%s\nmid_n=%s\n' \
		"$MODE" "$cmd" "$DUR" "$THREADS" "$BIG" "$BIG_N" "$MID" "$MID_N"
	printf 'date=%s\nnproc=%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)"
	printf 'memory=%s\n' "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	printf 'cpu=%s\n' "$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
	printf 'kernel=%s\n' "$(uname -r)"
	printf 'load=%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf 'versions=%s; %s; %s\n' "$(nginx -v 2>&1 | sed 's/^nginx version: //')" \
		"$(mariadbd --version | sed 's/.*Ver \([^ ]*\).*/MariaDB \1/')" "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
	printf 'workers=%s\n' "$(grep -c ' worker ' "$RES/rss-after.txt" || true)"
	printf 'generation_seconds=%s\n' "$(cat var/bench/dataset/last-generation-seconds 2>/dev/null || echo 0)"
	printf 'generated_now=%s\n' "$([ "$gen_secs" -gt 5 ] && echo 1 || echo 0)"
	printf 'bg_rate=%s\n' "$BG_RATE"
	printf 'rows=%s\n' "$(sql -e "SELECT CONCAT((SELECT COUNT(*) FROM tenants), ' tenants; ', (SELECT COUNT(*) FROM tickets WHERE tenant_id = $big_id), ' tickets, ',
		(SELECT COUNT(*) FROM notes WHERE tenant_id = $big_id), ' notes and ', (SELECT COUNT(*) FROM ticket_events WHERE tenant_id = $big_id),
		' timeline rows in $BIG')")"
} >"$RES/meta.txt"

node tests/bench/report.mjs "$RES" BENCHMARKS.md
say "bench finished in $(($(date +%s) - started)) s; raw results in ${RES#"$(pwd)"/}"
