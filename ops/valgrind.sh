#!/usr/bin/env bash
# Runs a private stack whose portald (master, workers and scheduler) runs under valgrind
# memcheck, drives a few API test files through it, stops it, and fails if valgrind reported
# any error or definite leak. Slow (valgrind runs code ~30x slower): not part of make test.
#   ops/valgrind.sh [tests/api/FILE.test.mjs ...]
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
export PORTAL_VAR=var/valgrind PORTAL_HTTP_PORT=18280 PORTAL_FRESH=1 PORTAL_QUIET=1 PORTAL_WORKERS=2
mkdir -p "$PORTAL_VAR"
rm -f "$PORTAL_VAR"/valgrind.*.log
wrapper="$top/$PORTAL_VAR/portald-valgrind"
cat >"$wrapper" <<WRAP
#!/bin/sh
exec valgrind --quiet --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \\
	--track-origins=yes --log-file="$top/$PORTAL_VAR/valgrind.%p.log" "$top/build/portald" "\$@"
WRAP
chmod +x "$wrapper"
export PORTALD_BIN=$wrapper
trap 'ops/stack.sh stop >/dev/null 2>&1' EXIT
ops/stack.sh start || exit 1
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/api/03-tickets-create.test.mjs tests/api/07-notes.test.mjs tests/api/14-lights.test.mjs tests/api/16-routing.test.mjs)
PORTAL_TEST_PORT=$PORTAL_HTTP_PORT node --test "${files[@]}" | grep -E '^# (pass|fail)'
ops/stack.sh stop
trap - EXIT
findings=$(cat "$PORTAL_VAR"/valgrind.*.log 2>/dev/null | grep -v '^==[0-9]*== *$' | wc -l)
echo "valgrind: $(ls "$PORTAL_VAR"/valgrind.*.log | wc -l) processes checked, $findings lines of findings"
[ "$findings" -eq 0 ]
