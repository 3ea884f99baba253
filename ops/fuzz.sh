#!/usr/bin/env bash
# make fuzz: builds each libFuzzer harness tests/fuzz/fuzz_<name>.c with AddressSanitizer and
# UBSan, runs it for FUZZ_SECONDS (default 60) from its committed seed corpus, and ends with
# one line "N passed, N failed" (a harness passes when it built, ran and found nothing).
#
#   FUZZ_SECONDS   run time per harness (make fuzz: 60, make fuzz-short: 5)
#   FUZZ_ONLY      names of the harnesses to run, e.g. "json token" (default: all)
#   FUZZ_CC        the compiler (default clang; libFuzzer needs clang)
#
# Build output goes to build/fuzz/. New corpus entries found by a run are kept in
# var/fuzz/corpus/<name>/ (never in the committed tests/fuzz/corpus/), crashing inputs in
# var/fuzz/crashes/ and each run's log in var/fuzz/log/.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

seconds=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-clang}
out=build/fuzz
crashes=var/fuzz/crashes
scratch=var/fuzz/corpus
logs=var/fuzz/log
mkdir -p "$out/obj" "$crashes" "$scratch" "$logs"

# shellcheck disable=SC2054 # commas inside one flag
sanitize=(-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 -fno-omit-frame-pointer)
# The app's warnings are gcc's business (make build); clang's extra ones must not stop a fuzz run.
cflags=(-std=c17 -D_GNU_SOURCE -Wall -Wextra -Wno-missing-field-initializers)
# shellcheck disable=SC2207
pkg_cflags=($(pkg-config --cflags json-c libjwt libsodium libmariadb))
# shellcheck disable=SC2207
pkg_libs=($(pkg-config --libs json-c libjwt libsodium libmariadb) -lfcgi)

# True when object $1 is missing or older than a file its dependency list $2 names.
stale() {
	local dep
	[ -f "$1" ] && [ -f "$2" ] || return 0
	# shellcheck disable=SC2013 # the list is words: file names without spaces
	for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$2"); do
		[ "$dep" -nt "$1" ] && return 0
	done
	return 1
}

# The app's modules, as for portald but without the programs' own files, go into one static
# archive: the linker then takes only the objects a harness needs (a route harness needs the
# handlers, since the route table names them all; a JSON harness needs four files). A module
# that does not compile is left out, so only the harnesses that need it fail.
build_app() {
	local src obj objs=() changed=0
	for src in $(find app -name '*.c' ! -path 'app/ctl/*' ! -path app/main.c | sort); do
		obj=$out/obj/${src%.c}.o
		if stale "$obj" "${obj%.o}.d"; then
			mkdir -p "$(dirname "$obj")"
			echo "  CC $src"
			changed=1
			if ! "$cc" "${cflags[@]}" "${sanitize[@]}" "${pkg_cflags[@]}" -MMD -MF "${obj%.o}.d" -c "$src" -o "$obj"; then
				rm -f "$obj" "${obj%.o}.d"
				continue
			fi
		fi
		objs+=("$obj")
	done
	# Rebuilt when an object changed or a module came or went.
	if [ "$changed" = 1 ] || [ ! -f "$out/libapp.a" ] || [ "${objs[*]}" != "$(cat "$out/libapp.list" 2>/dev/null)" ]; then
		rm -f "$out/libapp.a"
		ar rcs "$out/libapp.a" "${objs[@]}" || return 1
		echo "${objs[*]}" >"$out/libapp.list"
	fi
}

# Builds harness $1 into $out/fuzz_$1; the harness itself must compile without warnings.
build_harness() {
	local bin=$out/fuzz_$1 dep=$out/fuzz_$1.d
	if stale "$bin" "$dep" || [ "$out/libapp.a" -nt "$bin" ]; then
		echo "  LD $bin"
		"$cc" "${cflags[@]}" -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
			"${sanitize[@]}" "${pkg_cflags[@]}" -MMD -MF "$dep" -MT "$bin" \
			"tests/fuzz/fuzz_$1.c" "$out/libapp.a" "${pkg_libs[@]}" -o "$bin"
	fi
}

# "stat::number_of_executed_units: N" from libFuzzer's -print_final_stats.
executions() {
	sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$1" | tail -1
}

names=()
for f in tests/fuzz/fuzz_*.c; do
	n=${f#tests/fuzz/fuzz_}
	n=${n%.c}
	if [ -n "${FUZZ_ONLY:-}" ] && ! [[ " $FUZZ_ONLY " == *" $n "* ]]; then continue; fi
	names+=("$n")
done

passed=0
failed=0
summary=()
echo "== building the fuzz harnesses ($cc)"
if ! build_app; then
	echo "building the app's modules for fuzzing failed"
	echo "0 passed, ${#names[@]} failed"
	exit 1
fi

# Any sanitizer finding stops a harness and counts as a crash; so does a leak.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

for n in "${names[@]}"; do
	log=$logs/$n.log
	if ! build_harness "$n"; then
		summary+=("$(printf '%-10s %14s %8s  %s' "$n" - - 'build failed')")
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$scratch/$n"
	echo "== fuzz_$n for ${seconds}s"
	# The scratch corpus comes first: libFuzzer adds what it finds to the first directory only.
	"$out/fuzz_$n" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/$n-" "$scratch/$n" "tests/fuzz/corpus/$n" >"$log" 2>&1
	rc=$?
	runs=$(executions "$log")
	# libFuzzer names each input it saved: "...; Test unit written to <path>".
	new=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
	found=$(echo -n "$new" | grep -c .)
	if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ] && [ -n "$runs" ]; then
		note=ok
		passed=$((passed + 1))
	else
		note="FAILED (exit $rc): $log"
		[ "$found" -gt 0 ] && note="$note; input: $(echo "$new" | tr '\n' ' ')"
		failed=$((failed + 1))
		grep -E -m 1 -A 30 'ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error:|fuzz_[a-z]*: ' "$log" |
			head -40
	fi
	summary+=("$(printf '%-10s %14s %8s  %s' "$n" "${runs:--}" "$found" "$note")")
done

echo
printf '%-10s %14s %8s\n' harness executions crashes
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
