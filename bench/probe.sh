#!/bin/sh
# probe.sh: probe-engine figures in the lab's 12-hop chain (chain12.scn,
# destination RTT about 72 ms), written to bench/results/probe-chain12.txt:
#
#   1. wall time of one trace (-q 3, no DNS) with tracepair-agent trace,
#      Debian traceroute (its default parallel mode), mtr -r -c 3 and
#      scamper -c trace, as a ratio to the destination RTT (median of RUNS);
#   2. RTT accuracy: per hop, |median trace RTT - median ping RTT| to the
#      same hop address (50 each, at the same time, 10 pps each), and the
#      median of that over the 12 hops;
#   3. probe-rate cap: 1200 probes at --rate 500 and 200, the rate the
#      trace achieved = (probes - bucket burst) / (last send - first send),
#      where the last send is the end of the trace minus the last hop's RTT;
#   4. idle RSS of the trace process while it waits between paced probes.
#
#   sh bench/probe.sh [RUNS]      (root; from the top of the tree; make first)
set -u
RUNS=${1:-7}
BUILD=${BUILD:-build}
TP_BIN=${TP_BIN:-$PWD/$BUILD/bin}
export TP_BIN BUILD
OUT=bench/results/probe-chain12.txt
TPA=$TP_BIN/tracepair-agent

. tests/lab/lib.sh
require_root >/dev/null
lab_up tests/lab/scenarios/chain12.scn
NS=$LAB-src
DST=$(lab_addr dst 4)
W=$(mktemp -d /tmp/bench-probe.XXXXXX)
trap 'lab_down_all; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP

# wall_us CMD...: wall time of CMD inside src's namespace, microseconds
# (bash's $EPOCHREALTIME: no extra process around the command)
wall_us() {
	ip netns exec "$NS" bash -c 's=${EPOCHREALTIME/./}; "$@" >/dev/null 2>&1;
	    e=${EPOCHREALTIME/./}; echo $(( e - s ))' bash "$@"
}

ping -c 1 >/dev/null 2>&1
ip netns exec "$NS" ping -n -c 3 -i 0.2 "$DST" >/dev/null 2>&1	# ARP, caches
rtt=$(ping_rtts src 4 "$DST" 20 | median)

{
echo "# bench/probe.sh on chain12 (12 hops), $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -r)"
echo "# destination RTT (median of 20 pings): $rtt ms"
echo
echo "## 1. wall time of one trace, -q 3, no DNS ($RUNS runs each, taking turns)"
} >"$W/out"

# The tools take turns, one run each per round, so that the load other
# programs put on the machine falls on all of them alike.
set -- \
    "tracepair-agent trace -n -q 3|$TPA trace -n -q 3 $DST" \
    "traceroute -n -q 3 (default: -N 16)|traceroute -n -q 3 $DST" \
    "mtr -r -n -c 3|mtr -r -n -c 3 $DST" \
    "scamper -c 'trace -q 3'|scamper -c trace_-q_3 -i $DST"
round=0
while [ $round -lt "$RUNS" ]; do
	n=0
	for tool in "$@"; do
		n=$((n + 1))
		cmd=$(echo "${tool#*|}" | sed 's/trace_-q_3/trace -q 3/')
		case $cmd in
		scamper*) wall_us scamper -c "trace -q 3" -i "$DST" >>"$W/t$n" ;;
		*) wall_us $cmd >>"$W/t$n" ;;
		esac
		sleep 0.3
	done
	round=$((round + 1))
done
printf '%-44s %10s %8s %10s %8s\n' "command" "median_ms" "x_RTT" "min_ms" "x_RTT" >>"$W/out"
n=0
for tool in "$@"; do
	n=$((n + 1))
	_ms=$(awk '{ print $1 / 1000 }' "$W/t$n" | median)
	_min=$(awk '{ print $1 / 1000 }' "$W/t$n" | sort -n | head -1)
	printf '%-44s %10.1f %8.2f %10.1f %8.2f\n' "${tool%%|*}" "$_ms" \
	    "$(echo "$_ms $rtt" | awk '{ print $1 / $2 }')" "$_min" \
	    "$(echo "$_min $rtt" | awk '{ print $1 / $2 }')" >>"$W/out"
done

# the trace itself, first probe to end (JSON start/end), without process
# start-up and exit
: >"$W/t"
_i=0
while [ $_i -lt "$RUNS" ]; do
	lab_exec src "$TPA" trace -n --json -q 3 "$DST" | jq -r '
	    def t: (sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) +
		((capture("\\.(?<f>[0-9]+)Z$").f) | ("0." + .) | tonumber);
	    ((.end | t) - (.start | t)) * 1000' >>"$W/t"
	_i=$((_i + 1))
done
_ms=$(median <"$W/t")
_min=$(sort -n "$W/t" | head -1)
printf '%-44s %10.1f %8.2f %10.1f %8.2f\n' "(first probe to last reply, from the JSON)" \
    "$_ms" "$(echo "$_ms $rtt" | awk '{ print $1 / $2 }')" "$_min" \
    "$(echo "$_min $rtt" | awk '{ print $1 / $2 }')" >>"$W/out"

# 2. RTT accuracy per hop: for each hop, 50 probes of a trace (-f k -m k,
# 10 pps) and 50 pings to the same address (10 pps) at the same time, so
# both see the same delay-line conditions (the delay lines are user-space
# programs on a shared machine).  ping prints RTTs >= 10 ms to 0.1 ms.
{
echo
echo "## 2. RTT accuracy: per hop, 50 trace probes and 50 pings at the same time"
printf '%4s %-14s %10s %10s %10s\n' hop addr trace_ms ping_ms abs_diff
} >>"$W/out"
: >"$W/diffs"
k=1
for a in $(lab_expect src dst 4); do
	ping_rtts src 4 "$a" 50 >"$W/ping" &
	pp=$!
	lab_exec src "$TPA" trace -n --json --quick -U -f $k -m $k -q 50 --rate 10 \
	    "$DST" >"$W/tr.json"
	wait $pp
	t=$(jq -r ".hops[0].probes[] | .rtt_ms // empty" "$W/tr.json" | median)
	p=$(median <"$W/ping")
	d=$(echo "$t $p" | awk '{ d = $1 - $2; if (d < 0) d = -d; printf "%.3f", d }')
	echo "$d" >>"$W/diffs"
	printf '%4d %-14s %10.3f %10.3f %10s\n' "$k" "$a" "$t" "$p" "$d" >>"$W/out"
	k=$((k + 1))
done
echo "median |trace - ping| over the hops: $(median <"$W/diffs") ms (target <= 0.1)" >>"$W/out"

# 3. rate cap
{
echo
echo "## 3. probe-rate cap: 1200 probes (-q 100 -m 12), achieved send rate"
printf '%10s %10s %10s %8s\n' asked_pps sent achieved deviation
} >>"$W/out"
for r in 500 200; do
	lab_exec src "$TPA" trace -n --json --quick --rate "$r" -q 100 -m 12 "$DST" >"$W/r.json"
	jq -r --argjson r "$r" '
	    def t: (sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) +
		((capture("\\.(?<f>[0-9]+)Z$").f) | ("0." + .) | tonumber);
	    ([.hops[].sent] | add) as $n |
	    (if $r / 20 > 32 then 32 elif $r / 20 < 1 then 1 else $r / 20 end) as $burst |
	    ((.end | t) - (.start | t) - (.hops[-1].max_ms / 1000)) as $span |
	    (($n - $burst) / $span) as $got |
	    "\($r) \($n) \($got * 100 | round / 100) \((($got - $r) / $r * 1000 | round) / 10)%"' \
	    "$W/r.json" | awk '{ printf "%10s %10s %10s %8s\n", $1, $2, $3, $4 }' >>"$W/out"
done

# 4. idle RSS (up to three tries: a busy machine can make one fail to start)
rss= name=
for try in 1 2 3; do
	ip netns exec "$NS" "$TPA" trace -n -z 1 -q 3 -m 2 "$DST" >/dev/null 2>&1 &
	pid=$!
	sleep 1.5
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/$pid/status 2>/dev/null)
	name=$(awk '/^Name/ { print $2 }' /proc/$pid/status 2>/dev/null)
	wait $pid
	[ -n "$rss" ] && break
done
{
echo
echo "## 4. idle RSS of the trace process (waiting between paced probes)"
echo "$name: ${rss:-?} kB (target <= 4096)"
} >>"$W/out"

mkdir -p bench/results
cp "$W/out" "$OUT"
cat "$OUT"
