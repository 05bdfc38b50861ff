#!/bin/sh
# t_probe_paths.sh: `tracepair-agent trace` hop lists equal the scenario's
# paths for every method, IPv4 and IPv6, both directions: the 12-hop chain
# and the asymmetric San Francisco <-> Chicago seed (12 % loss on one link).
. tests/lab/lib.sh
. tests/lab/probe-lib.sh
require_root
plan 41

# both_ways SRC DST PROBES: every method and family, SRC -> DST and back
both_ways() {
	for _fam in 4 6; do
		for _a in "$1 $2" "$2 $1"; do
			set -- $_a "$3"
			_want=$(lab_expect "$1" "$2" "$_fam")
			_dst=$(lab_addr "$2" "$_fam")
			for _m in $TP_METHODS; do
				_got=$(tp_hops "$1" -$_fam $(tp_flags $_m) -q "$3" "$_dst")
				path_is "$_want" "$_got" \
				    "$(basename "$SCN" .scn) $_m IPv$_fam $1 -> $2"
			done
		done
	done
}

SCN=tests/lab/scenarios/chain12.scn
lab_up $SCN
both_ways src dst 3
# the destination's TTL ends the trace: nothing past hop 12
_n=$(tp_json src -q 1 "$(lab_addr dst 4)" | jq '.hops | length')
check "[ \"$_n\" = 12 ]" "chain12: 12 hops, probes past the destination dropped ($_n)"
lab_down

# 10 probes per hop: a hop past the 12 % link loses a probe or its reply
# with p <= 1 - 0.88^2 = 0.2256, all 10 with 0.2256^10 = 3.4e-7; at most
# 11 such hops per trace: P(false failure) < 4e-6 per check (with 6 probes
# it was 1.4e-3 per check)
SCN=tests/lab/scenarios/sf-chicago.scn
lab_up $SCN
both_ways sf-office chicago-office 10
