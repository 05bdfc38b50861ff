#!/bin/sh
# t_testbed_features.sh: the scenario features do what docs/testbed.md says:
# ECMP routes with both next hops (and UDP probes see both), a silent router
# shows "*" while the trace goes on, a host firewall rule drops UDP but not
# ICMP, an ICMP rate limit on one router only, loopback addresses, and a
# management network that is not routed.
. tests/lab/lib.sh
require_root
plan 13

lab_up tests/lab/scenarios/testbed-features.scn
H2=$(lab_addr h2); H2_6=$(lab_addr h2 6); H3=$(lab_addr h3)

# ECMP
_n=$(lab_exec r1 ip route show "$H2" | grep -c nexthop)
check "[ $_n -eq 2 ]" "ECMP: r1's IPv4 route to h2 has 2 next hops ($_n)"
_n=$(lab_exec r1 ip -6 route show "$H2_6" | grep -c nexthop)
check "[ $_n -eq 2 ]" "ECMP: r1's IPv6 route to h2 has 2 next hops ($_n)"
check "[ \"\$(lab_exec r1 sysctl -n net.ipv4.fib_multipath_hash_policy)\" = 1 ]" \
    "ECMP: routers hash on the 5-tuple"
# classic UDP traceroute changes the port per probe: both paths show at hop 2
# (10 probes all on one path: p = 2^-9; then a second round is added)
hop2() {
	lab_exec h1 traceroute -n -q 10 -w 1 -f 2 -m 2 "$H2" 2>/dev/null |
	    awk 'NR > 1' | tr ' ' '\n' | grep -E '^198\.18\.30\.(6|10)$'
}
_resp=$(hop2 | sort -u | tr '\n' ' ')
[ "$_resp" = '198.18.30.10 198.18.30.6 ' ] || _resp=$( (echo "$_resp" | tr ' ' '\n'; hop2) | grep . | sort -u | tr '\n' ' ')
check "[ \"$_resp\" = '198.18.30.10 198.18.30.6 ' ]" "ECMP: UDP probes at hop 2 reach r2a and r2b ($_resp)"

# silent router r3 (hop 3), the trace continues to h2 (hop 5)
for _f in 4 6; do
	_hops=$(traceroute_hops h1 $_f "$(lab_addr h2 $_f)" 3 | sed -n '3,5p' | tr '\n' ' ')
	_want="* $(lab_expect h1 h2 $_f | sed -n '4,5p' | tr '\n' ' ')"
	check "[ \"$_hops\" = \"$_want\" ]" "silent r3: IPv$_f hops 3-5 are '$_hops' (want '$_want')"
done

# firewall on h3: UDP dropped, ICMP answered
_last=$(lab_exec h1 traceroute -n -q 1 -w 1 -m 6 "$H3" 2>/dev/null | awk 'NR > 1 { print $2 }' | tr '\n' ' ')
case " $_last " in
*" $H3 "*) not_ok "firewall: UDP traceroute must not reach h3" "$_last" ;;
*" 198.18.30.22 "*) ok "firewall: UDP traceroute reaches r4, never h3 ($_last)" ;;
*) not_ok "firewall: UDP traceroute did not even reach r4" "$_last" ;;
esac
_last=$(lab_exec h1 traceroute -I -n -q 1 -w 1 -m 6 "$H3" 2>/dev/null | awk 'END { print $2 }')
check "[ \"$_last\" = \"$H3\" ]" "firewall: ICMP traceroute reaches h3 ($_last)"

# loopback: r4's primary address is its loopback, reachable in both families
check "[ \"\$(lab_addr r4)\" = 198.18.30.100 ] && lab_exec h1 ping -c 1 -W 2 198.18.30.100 >/dev/null && lab_exec h1 ping -6 -c 1 -W 2 2001:db8:30:ff::1 >/dev/null" \
    "loopback: r4 answers on 198.18.30.100 and 2001:db8:30:ff::1"

# management network
_ctl=$(lab_addr ctl m)
check "[ \"$_ctl\" = 198.19.1.3 ] && lab_exec h1 ping -c 1 -W 2 $_ctl >/dev/null" \
    "mgmt: h1 reaches ctl at $_ctl"
check "! lab_exec r1 ping -c 1 -W 1 $_ctl >/dev/null 2>&1" \
    "mgmt: not routed (r1 cannot reach ctl)"

# rate limit: r1 (1000 ms, burst of 6) answers fewer than 10 probes sent at
# once; r4, without a limit, answers all 10
sleep 2
_a1=$(lab_exec h1 traceroute -n -q 10 -w 1 -f 1 -m 1 "$H2" 2>/dev/null | grep -o ' ms' | wc -l)
_a4=$(lab_exec h1 traceroute -n -q 10 -w 1 -f 4 -m 4 "$H2" 2>/dev/null | grep -o ' ms' | wc -l)
check "[ $_a1 -ge 1 ] && [ $_a1 -lt 10 ]" "ratelimit: r1 answered $_a1 of 10 probes"
check "[ $_a4 -eq 10 ]" "ratelimit: r4 (no limit) answered $_a4 of 10 probes"
