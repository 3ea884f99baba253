#!/usr/bin/env bash
# make test: unit tests, then the API and browser tests against a private stack (MariaDB,
# portald built with AddressSanitizer and UBSan, nginx) on 127.0.0.1:18080 (PORTAL_TEST_PORT
# picks another) with its own data under var/test, so it runs beside make run's stack.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# PORTAL_TEST_PORT moves the test stack to another port (two checkouts can test side by side).
export PORTAL_TEST_PORT=${PORTAL_TEST_PORT:-18080}
export PORTAL_VAR=var/test PORTAL_HTTP_PORT=$PORTAL_TEST_PORT PORTAL_FRESH=1 PORTAL_QUIET=1
export PORTALD_BIN=build/asan/portald PORTALCTL_BIN=build/asan/portalctl
# Workers leave with _exit, so leak checks belong to the unit tests; any other finding aborts
# the worker, the master logs it and the log scan below fails the run.
# allocator_may_return_null: the raw FastCGI tests ask libfcgi for 2 GiB, which it must be
# refused (the worker then aborts by libfcgi's own assert and is replaced), not a finding.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=0:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
unset PORTAL_DB_HOST PORTAL_DB_SOCKET PORTAL_DB_PORT PORTAL_DB_USER PORTAL_DB_PASSWORD PORTAL_DB_NAME

passed=0
failed=0
log=var/test/log
mkdir -p "$log"

count() { # name passed failed
	printf '%-10s %s passed, %s failed\n' "$1:" "$2" "$3" >>"$log/summary.txt"
	passed=$((passed + $2))
	failed=$((failed + $3))
}

# Reads "# pass N" / "# fail N" from node's TAP output.
node_suite() {
	local name=$1
	shift
	local out="$log/$name.tap" p f
	# One file at a time whatever the core count: the fault tests stop the shared database.
	node --test --test-concurrency=1 --test-reporter=tap "$@" >"$out" 2>&1
	local rc=$?
	grep -E '^not ok|^# (tests|pass|fail)' "$out" | grep -v '^# tests' | sed "s/^/  [$name] /"
	p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$out" | tail -1)
	f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$out" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$f" -gt 0 ]; then
		echo "  [$name] failures in detail: $out"
		awk '/^not ok/,/^  \.\.\./' "$out" | head -80
	fi
	count "$name" "$p" "$f"
}

: >"$log/summary.txt"
trap 'ops/stack.sh stop >/dev/null 2>&1' EXIT

echo "== unit tests (ASan + UBSan)"
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 build/asan/unit-tests 2>&1 | tee "$log/unit.txt"
line=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed' "$log/unit.txt" | tail -1)
if [ -n "$line" ]; then
	count unit "$(echo "$line" | sed 's/unit: \([0-9]*\) passed.*/\1/')" "$(echo "$line" | sed 's/.* \([0-9]*\) failed/\1/')"
else
	count unit 0 1
fi

echo "== lint (clang-format, cppcheck)"
if make --no-print-directory lint >"$log/lint.txt" 2>&1; then count lint 1 0; else
	cat "$log/lint.txt" | head -40
	count lint 0 1
fi

echo "== fuzzing each parser for a few seconds (make fuzz runs them longer)"
if make --no-print-directory fuzz-short >"$log/fuzz.txt" 2>&1; then count fuzz 1 0; else
	tail -30 "$log/fuzz.txt"
	count fuzz 0 1
fi

echo "== starting the test stack on 127.0.0.1:$PORTAL_HTTP_PORT"
ops/stack.sh stop >/dev/null 2>&1
if ! ops/stack.sh start; then
	count stack 0 1
	cat "$log/summary.txt"
	echo "$passed passed, $failed failed"
	exit 1
fi

echo "== API tests"
node_suite api tests/api/*.test.mjs
echo "== faults under load (database restarted and killed, workers killed)"
node_suite faults tests/faults/*.test.mjs
echo "== browser tests (headless Chromium)"
node_suite browser tests/browser/*.test.mjs

echo "== sanitizer findings in the workers"
if grep -E 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$log/portald.log" >"$log/sanitizer.txt"; then
	head -40 "$log/sanitizer.txt"
	count sanitizer 0 1
else
	count sanitizer 1 0
fi

ops/stack.sh stop >/dev/null 2>&1
trap - EXIT
echo
cat "$log/summary.txt"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
