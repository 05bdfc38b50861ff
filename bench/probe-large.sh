#!/bin/sh
# probe-large.sh: CPU time of one large trace in the lab's 12-hop chain
# (chain12.scn): tracepair-agent trace -n -q 1000 -m 30 --rate RATE, about
# 12,000 probes answered by 12 hops (the hops past the destination are
# dropped once it answers).  Prints user+sys CPU seconds of each run (from
# /usr/bin/time) and their median, and per run the probes sent and
# answered, the hops and the stop reason (so two builds can be compared).
#
#   sh bench/probe-large.sh [RUNS [RATE]]    (root; top of the tree; make first)
#
# TPA=/path/to/tracepair-agent measures another build (e.g. an older one).
set -u
RUNS=${1:-3}
RATE=${2:-5000}
BUILD=${BUILD:-build}
TP_BIN=${TP_BIN:-$PWD/$BUILD/bin}
export TP_BIN BUILD
TPA=${TPA:-$TP_BIN/tracepair-agent}

. tests/lab/lib.sh
require_root >/dev/null
[ -x /usr/bin/time ] || { echo "probe-large.sh: needs /usr/bin/time" >&2; exit 1; }
lab_up tests/lab/scenarios/chain12.scn
DST=$(lab_addr dst 4)
W=$(mktemp -d /tmp/bench-probe-large.XXXXXX)
trap 'lab_down_all; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP

lab_exec src ping -n -c 3 -i 0.2 "$DST" >/dev/null 2>&1	# ARP, caches
echo "# bench/probe-large.sh: $TPA trace -n -q 1000 -m 30 --rate $RATE $DST"
echo "# (chain12, 12 hops), $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -r)"
: >"$W/cpu"
i=0
while [ "$i" -lt "$RUNS" ]; do
	lab_exec src /usr/bin/time -f '%U %S' -o "$W/time" "$TPA" trace -n \
	    --json --quick -q 1000 -m 30 --rate "$RATE" "$DST" >"$W/out.json"
	read -r u s <"$W/time"
	cpu=$(echo "$u $s" | awk '{ printf "%.2f", $1 + $2 }')
	res=$(jq -r '"sent \([.hops[].sent] | add), received \([.hops[].received] | add), \(.hops | length) hops, \(.stop_reason)"' "$W/out.json")
	echo "run $((i + 1)): user $u s, sys $s s, cpu $cpu s; $res"
	echo "$cpu" >>"$W/cpu"
	i=$((i + 1))
done
echo "median cpu (user+sys): $(median <"$W/cpu") s"
