#!/bin/sh
# t_testbed_rtt.sh: ping RTT through the 12-hop chain equals the configured
# round-trip delay within 1 ms (lower quartile of 25 pings), IPv4 and IPv6,
# to the destination and to a router half way.  The lower quartile, not the
# median: a busy machine wakes the delay lines (user-space processes) late,
# which only ever adds, and moved the median of a run under load 10 on two
# cores by 1.2-2.7 ms; a delay line that delays too little, too much or
# with jitter both ways still moves the lower quartile.
. tests/lab/lib.sh
require_root
plan 6

lab_up tests/lab/scenarios/chain12.scn

# check_rtt NODE FAMILY TARGET_NODE: lower-quartile RTT vs configured delays
check_rtt() {
	_dst=$(lab_addr "$3" "$2")
	_want=$(awk -v a="$("$TPLAB" delay "$LAB" "$1" "$3")" \
	    -v b="$("$TPLAB" delay "$LAB" "$3" "$1")" 'BEGIN { print a + b }')
	# warm up: the delay lines learn their wake-up lead from traffic
	lab_exec "$1" ping -"$2" -n -q -c 20 -i 0.05 "$_dst" >/dev/null 2>&1
	_rtts=$(ping_rtts "$1" "$2" "$_dst" 25)
	_n=$(printf '%s\n' "$_rtts" | grep -c .)
	_med=$(printf '%s\n' "$_rtts" | lower_quartile)
	if [ "$_n" -ge 20 ] && awk -v m="$_med" -v w="$_want" \
	    'BEGIN { d = m - w; if (d < 0) d = -d; exit !(d <= 1.0) }'; then
		ok "IPv$2 $1 -> $3: lower-quartile RTT $_med ms, configured $_want ms ($_n replies)"
	else
		not_ok "IPv$2 $1 -> $3: lower-quartile RTT ${_med:-none} ms, configured $_want ms ($_n replies)" \
		    "$(printf '%s ' $_rtts)"
	fi
}

check "[ \"\$($TPLAB delay $LAB src dst)\" = 36 ]" "chain12 is 36 ms one way"
check_rtt src 4 dst
check_rtt src 6 dst
check_rtt src 4 r6
check_rtt dst 6 r3
check_rtt dst 4 src
