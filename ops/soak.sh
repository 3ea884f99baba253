#!/usr/bin/env bash
# make soak: a stack of its own (port and data), then tests/faults/soak.mjs for SOAK_SECONDS
# (default 600), then the stack stops. Bounded in time; loopback only. The release build runs
# by default, so worker memory means what it will in production (an AddressSanitizer build
# keeps freed memory in quarantine and grows by design); SOAK_ASAN=1 soaks the sanitizer build.
set -uo pipefail
cd "$(dirname "$0")/.."
export PORTAL_VAR=var/soak PORTAL_HTTP_PORT=18380 PORTAL_FRESH=1 PORTAL_QUIET=1 PORTAL_TEST_PORT=18380
if [ "${SOAK_ASAN:-0}" = 1 ]; then
	export PORTALD_BIN=build/asan/portald PORTALCTL_BIN=build/asan/portalctl
else
	export PORTALD_BIN=build/portald PORTALCTL_BIN=build/portalctl
fi
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=0:allocator_may_return_null=1
trap 'ops/stack.sh stop >/dev/null 2>&1' EXIT
ops/stack.sh start || exit 1
timeout $(( ${SOAK_SECONDS:-600} + 120 )) node tests/faults/soak.mjs
rc=$?
if grep -qE 'ERROR: AddressSanitizer|runtime error:' "$PORTAL_VAR/log/portald.log"; then
	echo "sanitizer findings in $PORTAL_VAR/log/portald.log"
	rc=1
fi
exit $rc
