#!/bin/sh
# t_probe_stops.sh: a silent router shows "*" and the trace goes on; an ICMP
# rate-limited router shows loss at that hop only; a destination dropping
# UDP stops the UDP trace (gap limit) while TCP 443 and ICMP reach it.
. tests/lab/lib.sh
. tests/lab/probe-lib.sh
require_root
plan 14

SCN=tests/lab/scenarios/probe-silent.scn
lab_up $SCN
# Rate limit first, while r3's token bucket is full: 20 probes per hop,
# r3 answers its burst and then one a second.
for _fam in 4 6; do
	_j=$(tp_json src -$_fam --quick -q 20 "$(lab_addr dst $_fam)")
	_loss=$(echo "$_j" | jq -c '[.hops[] | .loss_pct | floor]')
	_r3=$(echo "$_j" | jq '.hops[2].loss_pct | floor')
	_others=$(echo "$_j" | jq '[.hops[0], .hops[3], .hops[4]] | map(.loss_pct) | add')
	check "[ \"$_r3\" -ge 25 ] && [ \"$_others\" = 0 ]" \
	    "IPv$_fam rate-limited r3: loss at hop 3 only (loss % per hop $_loss)"
	check "[ \"\$(echo '$_j' | jq '.hops[1].received')\" = 0 ]" \
	    "IPv$_fam silent r2: hop 2 never answers"
	check "[ \"\$(echo '$_j' | jq -r '.stop_reason + \" \" + (.reached|tostring)')\" = 'completed true' ]" \
	    "IPv$_fam the trace goes on past the silent router to the destination"
done
sleep 2
for _fam in 4 6; do
	path_is "$(lab_expect src dst $_fam)" \
	    "$(tp_hops src -$_fam -q 3 "$(lab_addr dst $_fam)")" \
	    "IPv$_fam silent r2 shows * and the hops after it"
done
lab_down

SCN=tests/lab/scenarios/probe-firewall.scn
lab_up $SCN
for _fam in 4 6; do
	_dst=$(lab_addr dst $_fam)
	_j=$(tp_json src -$_fam -q 2 -w 1 "$_dst")
	_r=$(echo "$_j" | jq -r '[.reached, .stop_reason, (.hops | length)] | map(tostring) | join(" ")')
	# r1, r2, then 5 silent TTLs: the default gap limit
	check "[ \"$_r\" = 'false gap-limit 7' ]" \
	    "IPv$_fam UDP dropped at the destination: not reached, stops after 5 silent hops ($_r)"
	_j=$(tp_json src -$_fam -T -p 443 -q 2 "$_dst")
	_r=$(echo "$_j" | jq -r '[.reached, .stop_reason, .hops[-1].responders[0].addr] | map(tostring) | join(" ")')
	check "[ \"$_r\" = \"true completed $_dst\" ]" \
	    "IPv$_fam -T -p 443 reaches the destination ($_r)"
	_r=$(tp_json src -$_fam -I -q 2 "$_dst" | jq -r '.reached')
	check "[ \"$_r\" = true ]" "IPv$_fam ICMP echo reaches the destination"
done
