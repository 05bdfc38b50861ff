#!/bin/sh
# t_analysis_golden.sh: `tracepair analyze` text reports and JSON "analysis"
# objects of the fixture pairs in tests/analysis/ against the golden files in
# tests/analysis/golden/.  Golden files are kept only for real forward and
# reverse traces of one path (the seed's pasted pair, a lab pair whose
# fault is known).  Each starts with a header of "# " lines: where the pair
# comes from, its ground truth, and "# checked by hand: DATE ..." once a
# person has read the verdict against that ground truth.  The body is never
# edited by hand:
#   make analysis-golden     (= sh tests/lab/t_analysis_golden.sh regen)
# rewrites it, keeps the header and marks it "# checked by hand: NO"; the
# check fails until someone has read the new verdict and dated the line.
TP=${TP_BIN:-$PWD/${BUILD:-build}/bin}/tracepair
A=tests/analysis
G=$A/golden
MODE=${1:-check}
CASES="seed003:seed003-forward.txt:seed003-reverse.txt
lab-sfchi:lab-sfchi-forward.json:lab-sfchi-reverse.json"

if [ ! -x "$TP" ] || ! command -v jq >/dev/null 2>&1; then
	echo "1..1"; echo "ok 1 - golden reports # SKIP tracepair or jq missing"; exit 0
fi
# the leading "# " lines of a golden file, and the rest
golden_header() { sed -n '/^#/!q;p' "$1"; }
golden_body() { awk 'NR == 1 { h = 1 } h && /^#/ { next } { h = 0; print }' "$1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
[ "$MODE" = regen ] && mkdir -p "$G"
[ "$MODE" = check ] && echo "1..$(($(echo "$CASES" | wc -l) * 3))"
n=0
for c in $CASES; do
	name=${c%%:*}; rest=${c#*:}; f=$A/${rest%%:*}; r=$A/${rest#*:}
	"$TP" analyze "$f" "$r" >"$tmp/$name.txt" 2>&1
	"$TP" analyze --json "$f" "$r" | jq -S .analysis >"$tmp/$name.json" 2>&1
	for ext in txt json; do
		if [ "$MODE" = regen ]; then
			{ golden_header "$G/$name.$ext" |
			    sed "s/^# checked by hand:.*/# checked by hand: NO (regenerated $(date -u +%F)): read the verdict against the ground truth, then date this line/"
			  cat "$tmp/$name.$ext"; } >"$tmp/new"
			mv "$tmp/new" "$G/$name.$ext"
			echo "wrote $G/$name.$ext"
			continue
		fi
		n=$((n + 1))
		golden_body "$G/$name.$ext" >"$tmp/gold"
		if diff -u "$tmp/gold" "$tmp/$name.$ext" >"$tmp/diff" 2>&1; then
			echo "ok $n - $name.$ext matches the golden file"
		else
			echo "not ok $n - $name.$ext differs from $G/$name.$ext"
			sed 's/^/# /' "$tmp/diff" | head -40
		fi
	done
	[ "$MODE" = regen ] && continue
	n=$((n + 1))
	h=$(golden_header "$G/$name.txt" | grep '^# checked by hand:')
	case "$h" in
	"# checked by hand: 20"*) echo "ok $n - $name: verdict checked by hand (${h#\# checked by hand: })" ;;
	*) echo "not ok $n - $name: $G/$name.txt has no dated \"# checked by hand:\" line in its header" ;;
	esac
done
