#!/bin/sh
# t_analysis_golden.sh: `tracepair analyze` text reports and JSON "analysis"
# objects of the fixture pairs in tests/analysis/ against the golden files in
# tests/analysis/golden/.  The golden files are never edited by hand:
#   make analysis-golden     (= sh tests/lab/t_analysis_golden.sh regen)
# rewrites them; review the diff before committing it.
TP=${TP_BIN:-$PWD/${BUILD:-build}/bin}/tracepair
A=tests/analysis
G=$A/golden
MODE=${1:-check}
CASES="seed003:seed003-forward.txt:seed003-reverse.txt
lab-sfchi:lab-sfchi-forward.json:lab-sfchi-reverse.json
mixed:tracert.txt:mtr-report.txt
asym-silent:linux-v4.txt:bsd-continuation.txt"

if [ ! -x "$TP" ] || ! command -v jq >/dev/null 2>&1; then
	echo "1..1"; echo "ok 1 - golden reports # SKIP tracepair or jq missing"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
[ "$MODE" = regen ] && mkdir -p "$G"
[ "$MODE" = check ] && echo "1..$(($(echo "$CASES" | wc -l) * 2))"
n=0
for c in $CASES; do
	name=${c%%:*}; rest=${c#*:}; f=$A/${rest%%:*}; r=$A/${rest#*:}
	"$TP" analyze "$f" "$r" >"$tmp/$name.txt" 2>&1
	"$TP" analyze --json "$f" "$r" | jq -S .analysis >"$tmp/$name.json" 2>&1
	for ext in txt json; do
		if [ "$MODE" = regen ]; then
			cp "$tmp/$name.$ext" "$G/$name.$ext"
			echo "wrote $G/$name.$ext"
			continue
		fi
		n=$((n + 1))
		if diff -u "$G/$name.$ext" "$tmp/$name.$ext" >"$tmp/diff" 2>&1; then
			echo "ok $n - $name.$ext matches the golden file"
		else
			echo "not ok $n - $name.$ext differs from $G/$name.$ext"
			sed 's/^/# /' "$tmp/diff" | head -40
		fi
	done
done
