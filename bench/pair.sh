#!/bin/sh
# pair.sh: a paired trace end to end (operator CLI request -> both results
# stored at the controller -> reply printed) through the 12-hop lab chain,
# as a ratio to the slower direction's destination RTT (target <= 1.5x).
#
#   sh bench/pair.sh [RUNS]        (root; from the top of the tree; make first)
#
# The lab is bench/pair.scn (chain12 + a management network with the
# controller).  Agents run on src and dst; the CLI runs on the controller
# node.  The controller's pair_margin_ms (lead time added to 2 x the agents'
# RTT before the common start instant) is set by PAIR_MARGIN_MS (default 10:
# the management network is sub-millisecond; the controller's default, 200,
# is sized for the Internet).  Writes
# bench/results/pair-chain12.txt.
set -u
RUNS=${1:-10}
PAIR_MARGIN_MS=${PAIR_MARGIN_MS:-10}
BUILD=${BUILD:-build}
TP_BIN=${TP_BIN:-$PWD/$BUILD/bin}
export TP_BIN
OUT=bench/results/pair-chain12.txt

. tests/integration/pairlab.sh
W=$(mktemp -d /tmp/bench-pair.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP

PAIRLAB_CTL_EXTRA="pair_margin_ms $PAIR_MARGIN_MS"
if ! pairlab_up bench/pair.scn src dst; then
	echo "bench/pair.sh: lab did not come up" >&2
	pairlab_logs >&2
	exit 1
fi

# ISO time "2026-11-23T04:13:15.388Z" -> UNIX seconds with fraction
iso() { jq -r "$1 | (sub(\"\\\\.[0-9]+Z$\"; \"Z\") | fromdateiso8601) + ((capture(\"\\\\.(?<f>[0-9]+)Z$\").f // \"0\") | (\"0.\" + .) | tonumber)" "$2"; }

pairlab_cli pair src dst -n --quick --json >/dev/null 2>&1	# warm-up (ARP, caches)
: >"$W/rows"
i=0
while [ $i -lt "$RUNS" ]; do
	t0=$(date +%s%N)
	pairlab_cli pair src dst -n --quick --json >"$W/p.json" 2>"$W/p.err"
	rc=$?
	t1=$(date +%s%N)
	st=$(jq -r .status "$W/p.json" 2>/dev/null)
	if [ $rc -ne 0 ] || [ "$st" != ok ]; then
		echo "run $i: exit $rc status ${st:-?}: $(head -1 "$W/p.err")" >&2
		i=$((i + 1))
		continue
	fi
	# destination RTT of each direction: average RTT of the last hop
	rf=$(jq '[.forward.hops[-1].avg_ms // 0] | .[0]' "$W/p.json")
	rr=$(jq '[.reverse.hops[-1].avg_ms // 0] | .[0]' "$W/p.json")
	fs=$(iso .forward.start "$W/p.json"); fe=$(iso .forward.end "$W/p.json")
	rs=$(iso .reverse.start "$W/p.json"); re=$(iso .reverse.end "$W/p.json")
	sk=$(jq .skew_ms "$W/p.json")
	# at the controller: request received ("pair ID: ... start in") to
	# both results stored and analysed ("pair ID (...): ok")
	id=$(jq -r .pair_id "$W/p.json")
	c0=$(grep "pair $id: " "$PAIRLAB_DIR/controller.log" | head -1 | cut -c1-12)
	c1=$(grep "pair $id (" "$PAIRLAB_DIR/controller.log" | head -1 | cut -c1-12)
	cm=$(echo "$c0 $c1" | awk '{ split($1, a, ":"); split($2, b, ":");
	    print ((b[1] - a[1]) * 3600 + (b[2] - a[2]) * 60 + (b[3] - a[3])) * 1000 }')
	echo "$t0 $t1 $rf $rr $fs $fe $rs $re $sk $cm" >>"$W/rows"
	i=$((i + 1))
done

n=$(grep -c . "$W/rows")
[ "$n" -gt 0 ] || { echo "bench/pair.sh: no successful run" >&2; pairlab_logs >&2; exit 1; }
mkdir -p bench/results
{
	echo "# bench/pair.sh: paired trace end to end on bench/pair.scn (chain12, 72 ms RTT)"
	echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) commit $(git rev-parse --short HEAD 2>/dev/null)" \
	    "host $(uname -n) load $(cut -d" " -f1-3 /proc/loadavg) runs $n/$RUNS pair_margin_ms $PAIR_MARGIN_MS"
	echo "# per run: ctl_ms  request received at the controller -> both results stored and"
	echo "#                  analysed (controller log, ms resolution): the benchmark's figure"
	echo "#          cli_ms  CLI process start to exit (adds process start, TCP+TLS, Hello, reply)"
	echo "#          dest_rtt_ms (slower direction, last hop avg); ratio = ctl_ms / dest_rtt;"
	echo "#          trace_ms fwd/rev (each trace's own start..end); skew_ms"
	awk '{
		cli = ($2 - $1) / 1e6
		rtt = ($3 > $4) ? $3 : $4
		printf "run %2d  ctl %6.1f ms  cli %6.1f ms  dest_rtt %5.1f ms  ratio %5.2f (cli %5.2f)  trace %5.1f/%5.1f ms  skew %6.3f ms\n",
		    NR, $10, cli, rtt, (rtt > 0 ? $10 / rtt : 0), (rtt > 0 ? cli / rtt : 0),
		    ($6 - $5) * 1000, ($8 - $7) * 1000, $9
	}' "$W/rows"
	awk '
	function med(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		rtt = ($3 > $4) ? $3 : $4
		r[NR] = (rtt > 0) ? $10 / rtt : 0; rr[NR] = r[NR]
		c[NR] = ($2 - $1) / 1e6; rc[NR] = (rtt > 0) ? c[NR] / rtt : 0
		k[NR] = ($9 < 0) ? -$9 : $9; e[NR] = $10
	} END {
		n = NR
		m = med(r, n)
		printf "summary: median ctl %.1f ms, median ratio %.2f (min %.2f, max %.2f), target <= 1.5: %s\n",
		    med(e, n), m, r[1], r[n], (m <= 1.5 ? "met" : "NOT met")
		printf "summary: median cli %.1f ms, ratio %.2f; median |skew| %.3f ms, max %.3f ms\n",
		    med(c, n), med(rc, n), med(k, n), k[n]
	}' "$W/rows"
} | tee "$OUT"
