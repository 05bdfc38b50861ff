#!/bin/sh
# loss-accuracy.sh: per-hop loss on routers with real ICMP limits
# (sf-chicago-ratelimit.scn: every router at the kernel's defaults,
# geo-maew at 1 ICMP error/s in all, geo-core1 with only the global limit,
# 8 % loss each way on core2.SanFrancisco - core1.Denver), written to
# bench/results/loss-accuracy.txt.  Per run, taking turns:
#
#   tracepair   both offices run `tracepair-agent trace -n -q 30 --json`
#               towards each other at once (what `tracepair pair` runs),
#               then `tracepair analyze` on the two;
#   mtr         `mtr -r -n -c 30` (1 s interval) SF -> Chicago;
#   traceroute  Debian `traceroute -n -q 10` three times in a row, SF ->
#               Chicago, pooled (it allows at most 10 probes per hop).
#
# Truth per hop: 0 % before the lossy link, 1 - 0.92^2 = 15.36 % past it
# (the round trip crosses it twice).  Figures: mean absolute error of the
# per-hop loss (percentage points, SF -> Chicago, over hops and runs), the
# share of runs with every hop past the link within 6 points and every hop
# before it at <= 2 %, tracepair's verdict naming the link, geo-maew's
# measured limit, and the median wall time.  The kernel's per-prober
# bucket refills at 1/s: each run waits 7 s first so every tool finds the
# routers' buckets full (a time the kernel needs; nothing to wait on).
#
#   sh bench/loss-accuracy.sh [RUNS]    (root; top of the tree; make first)
#   TP_Q=200 TOOLS=tracepair sh bench/loss-accuracy.sh 10
#       tracepair alone with 200 probes per hop (the per-hop target's
#       sample size; about 110 s a run), written to loss-accuracy-qTP_Q.txt
set -u
RUNS=${1:-10}
TP_Q=${TP_Q:-30}
TOOLS=${TOOLS:-tracepair mtr traceroute}
BUILD=${BUILD:-build}
TP_BIN=${TP_BIN:-$PWD/$BUILD/bin}
export TP_BIN BUILD
OUT=bench/results/loss-accuracy.txt
[ "$TP_Q" = 30 ] || OUT=bench/results/loss-accuracy-q$TP_Q.txt
TPA=$TP_BIN/tracepair-agent

. tests/lab/lib.sh
require_root >/dev/null
lab_up tests/lab/scenarios/sf-chicago-ratelimit.scn
W=$(mktemp -d /tmp/bench-loss.XXXXXX)
trap 'lab_down_all; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP
SF=$(lab_addr sf-office) CHI=$(lab_addr chicago-office)
# SF -> Chicago: hops 1-6 before the lossy link, 7-11 past it
LOSSY_FROM=7
NHOPS=11

now() { date +%s.%N; }

# score TOOL RUN FILE: FILE holds "ttl loss%" lines; appends per-hop errors
score() {
	awk -v tool="$1" -v run="$2" -v from=$LOSSY_FROM -v n=$NHOPS '
	    { loss[$1] = $2 }
	    END { ok = 1
		for (t = 1; t <= n; t++) {
			truth = t >= from ? 15.36 : 0
			l = (t in loss) ? loss[t] : 100
			e = l - truth; if (e < 0) e = -e
			printf "%s %s %d %.2f %.2f\n", tool, run, t, l, e
			if (t >= from && e > 6) ok = 0
			if (t < from && l > 2) ok = 0
			if (t >= from) { sum += l; m++ }
			if (t < from && l > 2) dirty = 1
		}
		pooled = sum / m - 15.36; if (pooled < 0) pooled = -pooled
		printf "OK %s %s %d\n", tool, run, ok
		printf "POOLED %s %s %d\n", tool, run, pooled <= 6 && !dirty }' "$3" >>"$W/scores"
}

r=1
while [ "$r" -le "$RUNS" ]; do
	# tracepair: both directions at once
	case " $TOOLS " in *" tracepair "*) ;; *) false ;; esac && {
	sleep 7
	t0=$(now)
	lab_exec sf-office "$TPA" trace -n --json -q "$TP_Q" "$CHI" >"$W/fwd.json" 2>/dev/null &
	p1=$!
	lab_exec chicago-office "$TPA" trace -n --json -q "$TP_Q" "$SF" >"$W/rev.json" 2>/dev/null &
	p2=$!
	wait $p1; wait $p2
	t1=$(now)
	echo "tracepair $(awk -v a=$t0 -v b=$t1 'BEGIN { print b - a }')" >>"$W/wall"
	jq -r '.hops[] | "\(.ttl) \(.loss_pct)"' "$W/fwd.json" >"$W/tp"
	score tracepair "$r" "$W/tp"
	jq -r '.hops[] | select(.ttl == 4) | .rate_limit.replies_per_s // 0' "$W/fwd.json" >>"$W/maew"
	"$TP_BIN/tracepair" analyze --json "$W/fwd.json" "$W/rev.json" >"$W/an.json" 2>/dev/null
	v=$(jq -r '.analysis.suspects[0] // {} | "\(.kind // "none") \(.between // [] | join(" "))"' "$W/an.json" 2>/dev/null)
	echo "$v" >>"$W/verdicts"
	}

	case " $TOOLS " in *" mtr "*) ;; *) false ;; esac && {
	sleep 7
	t0=$(now)
	lab_exec sf-office mtr -r -n -c 30 "$CHI" >"$W/mtr" 2>/dev/null
	t1=$(now)
	echo "mtr $(awk -v a=$t0 -v b=$t1 'BEGIN { print b - a }')" >>"$W/wall"
	awk '$1 ~ /^[0-9]+\.\|--/ { sub(/\..*/, "", $1); sub(/%/, "", $3); print $1, $3 }' \
	    "$W/mtr" >"$W/m"
	score mtr "$r" "$W/m"
	}

	case " $TOOLS " in *" traceroute "*) ;; *) false ;; esac && {
	sleep 7
	t0=$(now)
	: >"$W/tr"
	for i in 1 2 3; do
		lab_exec sf-office traceroute -n -q 10 "$CHI" >>"$W/tr" 2>/dev/null
	done
	t1=$(now)
	echo "traceroute $(awk -v a=$t0 -v b=$t1 'BEGIN { print b - a }')" >>"$W/wall"
	awk '$1 ~ /^[0-9]+$/ { for (i = 2; i <= NF; i++) if ($i == "*") s[$1]++; n[$1] += 10 }
	    END { for (t in n) print t, 100 * s[t] / n[t] }' "$W/tr" | sort -n >"$W/t"
	score traceroute "$r" "$W/t"
	}
	r=$((r + 1))
done

{
echo "# bench/loss-accuracy.sh on sf-chicago-ratelimit.scn, $RUNS runs, tracepair -q $TP_Q, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -r)"
echo "# truth: 0 % at hops 1-6, 15.36 % at hops 7-11 (SF -> Chicago)"
echo
printf "%-12s %8s %10s %12s %10s\n" tool "MAE(pt)" "MAE 1-6" "MAE 7-11" "wall(s)"
for tool in $TOOLS; do
	mae=$(awk -v t=$tool '$1 == t { s += $5; n++ } END { printf "%.2f", s / n }' "$W/scores")
	b=$(awk -v t=$tool -v f=$LOSSY_FROM '$1 == t && $3 < f { s += $5; n++ } END { printf "%.2f", s / n }' "$W/scores")
	a=$(awk -v t=$tool -v f=$LOSSY_FROM '$1 == t && $3 >= f { s += $5; n++ } END { printf "%.2f", s / n }' "$W/scores")
	wt=$(awk -v t=$tool '$1 == t { print $2 }' "$W/wall" | median)
	printf "%-12s %8s %10s %12s %10.1f\n" $tool "$mae" "$b" "$a" "$wt"
done
echo
echo "## runs with every hop within 6 points past the link and <= 2 % before it"
echo "## (with 30 probes a hop is within 6 points of 15.36 % with probability 0.69:"
echo "## all five past the link 0.16 by chance alone), and runs whose mean over the"
echo "## hops past the link is within 6 points, every hop before it <= 2 %"
for tool in $TOOLS; do
	echo "$tool: every hop $(awk -v t=$tool '$1 == "OK" && $2 == t && $4 == 1' "$W/scores" | wc -l) of $RUNS," \
	    "mean $(awk -v t=$tool '$1 == "POOLED" && $2 == t && $4 == 1' "$W/scores" | wc -l) of $RUNS"
done
echo
echo "## per-hop loss (%), each run"
for tool in $TOOLS; do
	echo "$tool:"
	awk -v t=$tool '$1 == t { row[$2] = row[$2] sprintf(" %5.1f", $4) }
	    END { for (r in row) print "  run " r ":" row[r] }' "$W/scores" | sort -k2n
done
echo
echo "## tracepair: first suspect of each pair (link core2.SanFrancisco - core1.Denver = 198.18.10.22/.25/.45 - 198.18.10.26)"
sort "$W/verdicts" | uniq -c
echo "names the link: $(grep -cE '198\.18\.10\.(22|25|45) 198\.18\.10\.26|198\.18\.10\.26 198\.18\.10\.(22|25|45)' "$W/verdicts") of $RUNS"
echo
echo "## geo-maew (1 ICMP error/s): tracepair's measured limit, replies/s"
tr '\n' ' ' <"$W/maew"; echo
} >"$W/out"
mkdir -p bench/results
cp "$W/out" "$OUT"
cat "$OUT"
