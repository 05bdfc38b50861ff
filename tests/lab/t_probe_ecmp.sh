#!/bin/sh
# t_probe_ecmp.sh: behind two equal-cost next hops classic UDP shows both
# responders at the split, Paris UDP/ICMP and TCP keep one path throughout.
. tests/lab/lib.sh
. tests/lab/probe-lib.sh
require_root
plan 8

SCN=tests/lab/scenarios/probe-ecmp.scn
lab_up $SCN
for _fam in 4 6; do
	_dst=$(lab_addr dst $_fam)
	# 16 flows (the port grows per probe; the source port is new every
	# run) hashed over two next hops: all on one side with 2 x 2^-16 =
	# 3.1e-5 (P(false failure) of the check, if the hash spreads evenly)
	_j=$(tp_json src -$_fam -U --quick -q 16 "$_dst")
	_n=$(echo "$_j" | jq '.hops[1].responders | length')
	_who=$(echo "$_j" | jq -r '[.hops[1].responders[].addr] | sort | join(" ")')
	check "[ \"$_n\" = 2 ]" "IPv$_fam udp: hop 2 shows both ECMP next hops ($_who)"
	for _m in udp-paris icmp-paris tcp; do
		_j=$(tp_json src -$_fam $(tp_flags $_m) --quick -q 16 "$_dst")
		_per=$(echo "$_j" | jq -c '[.hops[] | .responders | length]')
		check "[ \"$_per\" = '[1,1,1,1]' ]" \
		    "IPv$_fam $_m: one responder per hop over 16 probes ($_per)"
	done
done
