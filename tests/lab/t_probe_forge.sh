#!/bin/sh
# t_probe_forge.sh: forged ICMP errors injected from r1's namespace while a
# trace runs (right addresses: "time exceeded" from r2, "port unreachable"
# from the destination, but quoting probes the tracer never sent, plus
# truncated ones) never become hops: the trace sees the real path, is not
# fooled into "reached", and counts the forgeries as unmatched / malformed.
. tests/lab/lib.sh
. tests/lab/probe-lib.sh
require_root
plan 17

SCN=tests/lab/scenarios/probe-firewall.scn	# dst drops UDP: the trace waits
lab_up $SCN
out=$(mktemp)
trap 'rm -f "$out"; lab_down_all' EXIT
for fam in 4 6; do
_r2=$(lab_expect src dst $fam | sed -n 2p)
_dst=$(lab_addr dst $fam)
_src=$(lab_addr src $fam)

lab_exec src "$TPA" trace -n --json -$fam -q 3 -w 3 "$_dst" >"$out" 2>&1 &
_pid=$!
sleep 0.3
lab_exec r1 "$TP_BIN/tp-forge" "$_r2" "$_dst" "$_src" 500 400
_rc=$?
wait $_pid
check "[ $_rc = 0 ]" "IPv$fam tp-forge sent 500 forged errors during the trace"
_j=$(cat "$out")
check "[ \"\$(echo '$_j' | jq .reached)\" = false ]" \
    "IPv$fam forged port unreachables from the destination do not make it 'reached'"
_hops=$(echo "$_j" | jq -r '.hops[] | (.responders[0].addr // "*")')
path_is "$(lab_expect src dst $fam | sed -n 1,2p; printf '*\n*\n*\n*\n*\n')" "$_hops" \
    "IPv$fam hops are the real ones: r1, r2, then the destination's silence"
_n3=$(echo "$_j" | jq '[.hops[2:][] | .received] | add')
check "[ \"$_n3\" = 0 ]" "IPv$fam no forged reply became a probe answer past r2 ($_n3)"
_r2n=$(echo "$_j" | jq '.hops[1].received')
check "[ \"$_r2n\" = 3 ]" "IPv$fam r2's hop holds its 3 real answers, no more ($_r2n)"
_um=$(echo "$_j" | jq .unmatched_icmp)
_mf=$(echo "$_j" | jq .malformed_icmp)
check "[ \"$_um\" -ge 300 ]" "IPv$fam forgeries counted as unmatched ($_um of 400 well-formed)"
check "[ \"$_mf\" -ge 75 ]" "IPv$fam truncated forgeries counted as malformed ($_mf of 100)"
check "[ \"\$(echo '$_j' | jq -r .stop_reason)\" = gap-limit ]" "IPv$fam the trace ends by its gap limit"
done

# RATE 1 is one packet a second: 2 packets take 2 s (a whole second once
# overflowed the nanosecond field and nanosleep did not pause at all).
_t0=$(date +%s.%N)
lab_exec r1 "$TP_BIN/tp-forge" "$_r2" "$_dst" "$_src" 2 1
_t1=$(date +%s.%N)
check "awk 'BEGIN { exit !($_t1 - $_t0 >= 1.5) }'" "tp-forge RATE 1 paces one packet a second"
