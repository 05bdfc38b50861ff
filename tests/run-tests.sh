#!/bin/sh
# run-tests.sh: run unit tests, fuzz replays (also their sanitizer build,
# when there is one), then lab and integration tests; count TAP results and
# end with "N passed, N failed[, N skipped]".
#
# Every test program prints TAP: a plan "1..N" (cmocka prints one per group,
# so plans add up) and one line per check: "ok N - name", "not ok N - name",
# "ok N - name # SKIP why" or cmocka's "not ok N # SKIP name" (skips).  A
# file fails as a whole, one failure beside its own results, when
#   - it exits with a status other than 0 (a crash, a timeout, an exit 1);
#   - it printed no plan, or its results do not add up to its plans (it
#     stopped early, or printed more than it promised);
#   - it printed no result at all.
# A whole file skipped ("1..0 # SKIP why", or "1..1" and one skip, as lab
# tests print without root) counts as one skip.  Set-up steps print TAP
# comments ("# set-up: ..."), never "ok".
#
#   sh tests/run-tests.sh [PATTERN]    only tests whose path matches PATTERN
#   TP_SERIAL=1 sh tests/run-tests.sh  fuzz replays not beside the lab tests

BUILD=${BUILD:-build}
BUILD_SAN=${BUILD_SAN:-build-san}
ONLY=${1:-}
export BUILD TP_BIN="$PWD/$BUILD/bin" CMOCKA_MESSAGE_OUTPUT=TAP
# the corpus of real pasted traces, read in place (tests/unit/test_paste_realworld.c)
TP_REALWORLD=${TP_REALWORLD:-$(git rev-parse --show-toplevel 2>/dev/null || pwd)/../shared/realworld}
export TP_REALWORLD
passed=0 failed=0 skipped=0
log=$(mktemp)

run_one() {	# $1 = label, rest = command
	label=$1; shift
	case "$label" in *"$ONLY"*) ;; *) return ;; esac
	echo "== $label"
	t0=$(date +%s)
	timeout -k 10 "${TEST_TIMEOUT:-900}" "$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	echo "# $label: $(($(date +%s) - t0)) s"
	s=$(grep -cE '^(not )?ok .*# *(SKIP|skip)' "$log")
	p=$(grep -E '^ok( |$)' "$log" | grep -cvE '# *(SKIP|skip)')
	f=$(grep -E '^not ok' "$log" | grep -cvE '# *(SKIP|skip)')
	plans=$(grep -E '^1\.\.[0-9]+' "$log" | sed 's/^1\.\.\([0-9]*\).*/\1/' |
	    awk '{ n += $1 } END { print NR ? n : -1 }')
	# A whole file skipped ("1..0 # SKIP why") counts as one skip.
	if [ $((p + s + f)) -eq 0 ] && [ "$rc" -eq 0 ] &&
	    grep -qE '^1\.\.0 *# *(SKIP|skip)' "$log"; then
		s=1 plans=1
	fi
	bad=
	if [ "$rc" -ne 0 ]; then
		bad="exited with status $rc"
	elif [ "$plans" -lt 0 ]; then
		bad="printed no plan (1..N)"
	elif [ "$plans" -ne $((p + s + f)) ]; then
		bad="planned $plans checks, printed $((p + s + f)) results"
	elif [ $((p + s + f)) -eq 0 ]; then
		bad="printed no test result"
	fi
	if [ -n "$bad" ]; then
		echo "not ok - $label $bad"
		f=$((f + 1))
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

# The fuzz replays (and their sanitizer build) only burn CPU, while the lab
# and integration tests mostly wait on packets and timers: the replays run
# beside them, at the lowest priority (nice 19) so that a lab test's timing
# never waits for them, and their output is printed after the lab tests.
# TP_SERIAL=1 runs everything one after the other.
replays() {
	for t in "$BUILD"/tests/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		run_one "fuzz/$name" nice -n 19 "$t" --replay "tests/fuzz/corpus/${name#fuzz_}"
	done
	# the same replays under ASan and UBSan (make fuzz-san builds them
	# into $BUILD_SAN; make check does): "did not crash" then means no
	# memory error and no undefined behaviour either
	export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
	for t in "$BUILD_SAN"/tests/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		run_one "fuzz-san/$name" nice -n 19 "$t" --replay "tests/fuzz/corpus/${name#fuzz_}"
	done
	echo "$passed $failed $skipped" >"$bgcount"
}

for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
bgout=$(mktemp) bgcount=$(mktemp)
trap 'rm -f "$log" "$bgout" "$bgcount"; [ -n "${bgpid:-}" ] && kill "$bgpid" 2>/dev/null' EXIT INT TERM
if [ -n "${TP_SERIAL:-}" ]; then
	replays
	read -r passed failed skipped <"$bgcount"
else
	# its own scratch log and counts (run_one's are this shell's)
	( log=$(mktemp); passed=0 failed=0 skipped=0; replays; rm -f "$log" ) >"$bgout" 2>&1 &
	bgpid=$!
fi
for t in tests/lab/t_*.sh tests/integration/t_*.sh; do
	[ -f "$t" ] && run_one "$t" sh "$t"
done
if [ -z "${TP_SERIAL:-}" ]; then
	t0=$(date +%s)
	wait "$bgpid"
	bgpid=
	cat "$bgout"
	echo "# (fuzz replays ran beside the lab tests; $(($(date +%s) - t0)) s waited for them after)"
	if read -r p f s <"$bgcount"; then
		passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	else
		echo "not ok - fuzz replays: stopped before their end"
		failed=$((failed + 1))
	fi
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
