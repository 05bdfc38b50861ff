#!/bin/sh
# t_analysis_mem.sh: `tracepair analyze --json` peaks within a few times its input (issue 14).
#
# Two generated traces at the parser's limits (tests/analysis/bigtrace.sh):
# the densest text (255 hops x 1,000 probes, about 11 bytes a probe) and
# text with 170-byte host names.  What the input adds to the program's own
# peak (a three-line trace's: its libraries, some 8 MB) must stay within
# 6 and 2.5 times the input, the whole peak within 7.5 and 3 times.  The
# code before the smaller trace model (208 bytes a probe and a copy of
# every name) took 25x and 14x.  Peak RSS by /usr/bin/time, else by
# python3's getrusage; neither: skipped.  About 5 s.
TP=${TP_BIN:-$PWD/${BUILD:-build}/bin}/tracepair
GEN=tests/analysis/bigtrace.sh
n=0
t() {	# t NAME CMD...: one TAP line, CMD run with eval
	n=$((n + 1))
	_name=$1; shift
	if eval "$*"; then echo "ok $n - $_name"; else echo "not ok $n - $_name"; echo "# failed: $*"; fi
}
if [ ! -x "$TP" ]; then
	echo "1..1"; echo "ok 1 - tracepair analyze memory # SKIP $TP not built"; exit 0
fi
# peak CMD...: run CMD (stdout to /dev/null, stderr to $tmp/err); its
# status in rc, its peak RSS in KB in kb (0 unknown)
if [ -x /usr/bin/time ]; then
	peak() {
		/usr/bin/time -f "%M" -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err"
		rc=$?
		kb=$(tail -1 "$tmp/rss")
	}
elif command -v python3 >/dev/null; then
	peak() {
		python3 -c 'import resource, subprocess, sys
with open(sys.argv[1], "w") as err:
	rc = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=err)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$tmp/err" "$@" >"$tmp/rss"
		rc=$?
		kb=$(cat "$tmp/rss")
	}
else
	echo "1..1"; echo "ok 1 - tracepair analyze memory # SKIP no /usr/bin/time, no python3"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "1..5"

printf 'traceroute to 192.0.2.1 (192.0.2.1), 30 hops max\n 1  r1.example.net (10.0.0.1)  1.0 ms  2.0 ms\n 2  192.0.2.1  3.0 ms  *\n' >"$tmp/small"
peak "$TP" analyze --json "$tmp/small" "$tmp/small"
case $kb in ''|*[!0-9]*) kb=0 ;; esac
base=$kb
echo "# a three-line trace: peak RSS $((base / 1024)) MB"
t "a small trace: analyze --json exits 0, its peak measured" '[ $rc -eq 0 ] && [ $base -gt 0 ]'

# check KIND MAXADD MAX: analyze --json two traces of KIND; what they add
# to the program's own peak within MAXADD times their size, the whole peak
# within MAX times (in tenths: 60 is 6x)
check() {
	sh $GEN "$1" 198.51.100.1 1 1 >"$tmp/f" && sh $GEN "$1" 192.0.2.1 2 2 >"$tmp/r" ||
	    echo "# bigtrace.sh $1 failed"
	in=$(($(wc -c <"$tmp/f") + $(wc -c <"$tmp/r")))
	peak "$TP" analyze --json "$tmp/f" "$tmp/r"
	case $kb in ''|*[!0-9]*) kb=0 ;; esac
	maxadd=$2 max=$3
	tenths=$((kb * 1024 * 10 / in))
	added=$(((kb - base) * 1024 * 10 / in))
	echo "# $1: input $((in / 1024)) KiB, peak RSS $((kb / 1024)) MB: $((tenths / 10)).$((tenths % 10))x, $((added / 10)).$((added % 10))x above the program's own"
	t "$1: analyze --json exits 0, nothing on stderr" '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ]'
	t "$1: what the input adds to the peak within $((maxadd / 10)).$((maxadd % 10))x its size, the peak within $((max / 10)).$((max % 10))x" \
	    '[ $kb -gt 0 ] && [ $added -le $maxadd ] && [ $tenths -le $max ]'
}
check text 60 75
check names 25 30
