#!/bin/sh
# t_testbed_rtt.sh: ping RTT through the 12-hop chain equals the configured
# round-trip delay within 1 ms (median of 20 pings), IPv4 and IPv6, to the
# destination and to a router half way.
. tests/lab/lib.sh
require_root
plan 6

lab_up tests/lab/scenarios/chain12.scn

# check_rtt NODE FAMILY TARGET_NODE: median RTT vs configured delays
check_rtt() {
	_dst=$(lab_addr "$3" "$2")
	_want=$(awk -v a="$("$TPLAB" delay "$LAB" "$1" "$3")" \
	    -v b="$("$TPLAB" delay "$LAB" "$3" "$1")" 'BEGIN { print a + b }')
	ping_rtts "$1" "$2" "$_dst" 3 >/dev/null	# warm caches
	_rtts=$(ping_rtts "$1" "$2" "$_dst" 20)
	_n=$(printf '%s\n' "$_rtts" | grep -c .)
	_med=$(printf '%s\n' "$_rtts" | median)
	if [ "$_n" -ge 15 ] && awk -v m="$_med" -v w="$_want" \
	    'BEGIN { d = m - w; if (d < 0) d = -d; exit !(d <= 1.0) }'; then
		ok "IPv$2 $1 -> $3: median RTT $_med ms, configured $_want ms ($_n replies)"
	else
		not_ok "IPv$2 $1 -> $3: median RTT ${_med:-none} ms, configured $_want ms ($_n replies)" \
		    "$(printf '%s ' $_rtts)"
	fi
}

check "[ \"\$($TPLAB delay $LAB src dst)\" = 36 ]" "chain12 is 36 ms one way"
check_rtt src 4 dst
check_rtt src 6 dst
check_rtt src 4 r6
check_rtt dst 6 r3
check_rtt dst 4 src
