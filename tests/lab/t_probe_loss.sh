#!/bin/sh
# t_probe_loss.sh: 20 % loss on r1 -> r2, 50 probes per hop sent at once
# (--quick: the engine's own accounting, no echo): r1 loses none;
# the probes the trace counts as lost are the ones the delay line dropped
# (its own counter, give or take ARP/ND); and each hop from r2 on, and the
# three together, lose a count within an exact binomial interval of the
# configured rate (each probe to hops 2-4 crosses r1 -> r2 once; the replies
# come back loss-free), false-failure probabilities beside the checks.
. tests/lab/lib.sh
. tests/lab/probe-lib.sh
require_root
plan 10

# dropped: packets the r1 -> r2 delay line has dropped so far
dropped() {
	"$TPLAB" counters "$LAB" | awk '/^link 1 a>b/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^lost=/) { sub("lost=", "", $i); print $i } }'
}

SCN=tests/lab/scenarios/probe-lossy.scn
lab_up $SCN
for _fam in 4 6; do
	_d0=$(dropped)
	_j=$(tp_json src -$_fam --quick -q 50 -m 4 "$(lab_addr dst $_fam)")
	_d1=$(dropped)
	_lost=$(echo "$_j" | jq -c '[.hops[] | .sent - .received]')
	_sum=$(echo "$_j" | jq '[.hops[1:][] | .sent - .received] | add')
	check "[ \"\$(echo '$_j' | jq '.hops[0].sent - .hops[0].received')\" = 0 ]" \
	    "IPv$_fam hop 1 before the lossy link loses nothing (lost per hop $_lost)"
	check "[ \$(( $_sum - ($_d1 - $_d0) )) -ge -3 ] && [ \$(( $_sum - ($_d1 - $_d0) )) -le 3 ]" \
	    "IPv$_fam lost probes = what the delay line dropped ($_sum vs $((_d1 - _d0)))"
	# Binomial(50, 0.2) outside 1..23: 2.3e-5 per hop, 6.8e-5 for the three
	_bad=$(echo "$_j" | jq '[.hops[1:][] | .sent - .received | select(. < 1 or . > 23)] | length')
	check "[ \"$_bad\" = 0 ] && [ \"\$(echo '$_j' | jq '.hops | length')\" = 4 ]" \
	    "IPv$_fam hops 2-4 each lose 1..23 of 50 ($_lost)"
	# Binomial(150, 0.2) outside 13..50: 8.7e-5
	check "[ \"$_sum\" -ge 13 ] && [ \"$_sum\" -le 50 ]" \
	    "IPv$_fam hops 2-4 together lose 13..50 of 150 ($_sum)"
	check "[ \"\$(echo '$_j' | jq .reached)\" = true ]" "IPv$_fam destination reached"
done
