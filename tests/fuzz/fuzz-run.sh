#!/bin/sh
# fuzz-run.sh SECONDS TARGET...: run each libFuzzer build (build-fuzz/, from
# `make fuzz`) for SECONDS on a scratch copy of its seed corpus; print one
# line per target (executions, coverage); exit 1 on any finding (crash,
# leak, timeout, out of memory), whose input libFuzzer leaves as
# build-fuzz/TARGET-crash-* (or -leak-, -timeout-, -oom-).
secs=$1
shift
bad=0
for t in "$@"; do
	x=${t#fuzz_}
	[ -x "build-fuzz/$t" ] || { echo "$t: not built (make fuzz)"; bad=1; continue; }
	work=$(mktemp -d /tmp/fuzz-run.XXXXXX)
	cp -r "tests/fuzz/corpus/$x/." "$work/" 2>/dev/null
	"build-fuzz/$t" -max_total_time="$secs" -print_final_stats=1 \
	    -artifact_prefix="build-fuzz/$t-" "$work" >"$work.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log")
	cov=$(grep -o 'cov: [0-9]*' "$work.log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "$t: ok, ${execs:-?} executions in ${secs} s, ${cov:-cov: ?} edges"
	else
		echo "$t: FINDING (exit $rc), see build-fuzz/$t-*"
		grep -m 5 'ERROR\|SUMMARY' "$work.log"
		bad=1
	fi
	rm -rf "$work" "$work.log"
done
exit $bad
