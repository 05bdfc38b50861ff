#!/bin/sh
# run-tests.sh: run unit tests, fuzz replays, then lab and integration tests;
# count TAP results and end with "N passed, N failed[, N skipped]".
#
# Every test program prints TAP lines ("ok N - name", "not ok N - name",
# "ok N - name # SKIP why").  A program that exits non-zero without printing
# a "not ok" line (a crash, a timeout) counts as one failure.
#
#   sh tests/run-tests.sh [PATTERN]    only tests whose path matches PATTERN

BUILD=${BUILD:-build}
ONLY=${1:-}
export BUILD TP_BIN="$PWD/$BUILD/bin" CMOCKA_MESSAGE_OUTPUT=TAP
# the corpus of real pasted traces, read in place (tests/unit/test_paste_realworld.c)
TP_REALWORLD=${TP_REALWORLD:-$(git rev-parse --show-toplevel 2>/dev/null || pwd)/../shared/realworld}
export TP_REALWORLD
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM

run_one() {	# $1 = label, rest = command
	label=$1; shift
	case "$label" in *"$ONLY"*) ;; *) return ;; esac
	echo "== $label"
	timeout -k 10 "${TEST_TIMEOUT:-900}" "$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -cE '^ok( |$)' "$log")
	s=$(grep -cE '^ok .*# (SKIP|skip)' "$log")
	f=$(grep -cE '^not ok' "$log")
	p=$((p - s))
	# A whole file skipped ("1..0 # SKIP why", e.g. lab tests without root)
	# counts as one skip, not as a file that printed nothing.
	if [ $((p + s + f)) -eq 0 ] && [ "$rc" -eq 0 ] &&
	    grep -qE '^1\.\.0 *# *(SKIP|skip)' "$log"; then
		s=1
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $label exited with status $rc"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "not ok - $label printed no test result"
		f=1
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
for t in "$BUILD"/tests/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	run_one "fuzz/$name" "$t" --replay "tests/fuzz/corpus/${name#fuzz_}"
done
for t in tests/lab/t_*.sh tests/integration/t_*.sh; do
	[ -f "$t" ] && run_one "$t" sh "$t"
done

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
