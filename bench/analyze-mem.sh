#!/bin/sh
# analyze-mem.sh: peak RSS of `tracepair analyze --json` against its input, per kind of input (issue 14).
#
# Two generated traces of each kind (tests/analysis/bigtrace.sh: the
# densest text, text with 170-byte host names, tracepair JSON pretty and
# compact), analysed with --json to /dev/null; for each the input's size,
# the peak RSS, its ratio to the input and the ratio of what the input adds
# to the program's own peak (a three-line trace's).  With TP_BEFORE=PATH
# (another tracepair, e.g. main's) the same runs with it, side by side.
# The outputs of the two are compared byte for byte.
#
#   sh bench/analyze-mem.sh                 (from the top of the tree; about 30 s)
#   TP_BEFORE=/path/to/old/tracepair sh bench/analyze-mem.sh
TP=${TP:-${BUILD:-build}/bin/tracepair}
GEN=tests/analysis/bigtrace.sh
[ -x "$TP" ] || { echo "analyze-mem.sh: $TP not built" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "analyze-mem.sh: needs /usr/bin/time" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# peak BIN OUT F R: peak RSS (KB) of BIN analyze --json F R, output to OUT
peak() {
	/usr/bin/time -f "%M %e" -o "$tmp/rss" "$1" analyze --json "$3" "$4" >"$2" 2>/dev/null
	tail -1 "$tmp/rss"
}
# ratio KB BASE IN: "R.Rx (A.Ax above its own)"
ratio() {
	awk -v kb="$1" -v base="$2" -v n="$3" 'BEGIN {
	printf "%.1fx (%.1fx)", kb * 1024 / n, (kb - base) * 1024 / n }'
}

printf 'traceroute to 192.0.2.1 (192.0.2.1), 30 hops max\n 1  r1.example.net (10.0.0.1)  1.0 ms  2.0 ms\n 2  192.0.2.1  3.0 ms  *\n' >"$tmp/small"
set -- $(peak "$TP" /dev/null "$tmp/small" "$tmp/small")
base=$1
if [ -n "$TP_BEFORE" ]; then
	set -- $(peak "$TP_BEFORE" /dev/null "$tmp/small" "$tmp/small")
	base0=$1
fi
echo "# $(date -u +%Y-%m-%dT%H:%MZ) load: $(cut -d' ' -f1-3 /proc/loadavg); a three-line trace peaks at $((base / 1024)) MB${TP_BEFORE:+ (before: $((base0 / 1024)) MB)}"
echo "# ratio: peak / input (in brackets: (peak - a three-line trace's peak) / input)"
if [ -n "$TP_BEFORE" ]; then
	echo "| input (two traces) | size | before: peak, s | ratio | after: peak, s | ratio | output |"
	echo "|---|---|---|---|---|---|---|"
else
	echo "| input (two traces) | size | peak, s | ratio |"
	echo "|---|---|---|---|"
fi
for kind in text names json-pretty json; do
	sh $GEN $kind 198.51.100.1 1 1 >"$tmp/f"
	sh $GEN $kind 192.0.2.1 2 2 >"$tmp/r"
	in=$(($(wc -c <"$tmp/f") + $(wc -c <"$tmp/r")))
	set -- $(peak "$TP" "$tmp/out" "$tmp/f" "$tmp/r")
	kb=$1 s=$2
	size=$(awk -v n="$in" 'BEGIN { printf "%.2f MB", n / 1e6 }')
	if [ -n "$TP_BEFORE" ]; then
		set -- $(peak "$TP_BEFORE" "$tmp/out0" "$tmp/f" "$tmp/r")
		same=$(cmp -s "$tmp/out" "$tmp/out0" && echo same || echo DIFFERENT)
		echo "| $kind | $size | $(($1 / 1024)) MB, $2 s | $(ratio "$1" "$base0" "$in") | $((kb / 1024)) MB, $s s | $(ratio "$kb" "$base" "$in") | $same |"
	else
		echo "| $kind | $size | $((kb / 1024)) MB, $s s | $(ratio "$kb" "$base" "$in") |"
	fi
done
