#!/bin/sh
# t_pair_firewall.sh: a site behind a stateful firewall, no NAT, over IPv6
# (tests/lab/scenarios/fw-site6.scn): agents reach the controller over
# IPv6 and are probed at the address their connection arrives from; the
# firewall drops UDP from outside, so the paired trace into site B stops
# right after fw-b, with exactly the scenario's shared routers, nothing
# one-way and a filter after fw-b as the suspect; once office-b's agent
# says `site_method tcp:443` the trace into site B uses TCP SYN to port
# 443, reaches office-b, and the report says which method reached it.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 7

W=$(mktemp -d /tmp/t_pair_firewall.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP

PAIRLAB_CTL_ROUTED=6
PAIRLAB_AUTO_ADDR=1
if ! pairlab_up fw-site6 office-a office-b; then
	pfail "pairlab up (fw-site6, controller on IPv6) with both agents" "$(pairlab_logs)"
	exit 1
fi
ok "controller on the core's IPv6 address, both agents up"

agent() { pairlab_agent_field "$W/agents.json" "$1" "$2"; }
hops() {	# FILE forward|reverse: main responders, silent hops left out
	jq -r "[.$2.hops[] | .responders[0].addr // empty] | join(\" \")" "$1"
}

pairlab_cli agents --json >"$W/agents.json"
pcheck "[ \"\$(agent office-b public_addr)\" = 2001:db8:74:4::2 ] &&
    [ \"\$(agent office-b local_addr)\" = 2001:db8:74:4::2 ] &&
    [ \"\$(agent office-b nat)\" = '' ] &&
    [ \"\$(agent office-b probe_addr6)\" = 2001:db8:74:4::2 ]" \
    "office-b: seen at its own IPv6 address, no NAT, probed there"

SHARED='2001:db8:74:1::2~2001:db8:74:2::1/subnet 2001:db8:74:2::2~2001:db8:74:3::1/subnet 2001:db8:74:3::2~2001:db8:74:4::1/subnet'
pairlab_pair_json office-a office-b "$W/udp.json" -6 -q 3
rc=$?
pairlab_cli show "$(jq -r .pair_id "$W/udp.json")" >"$W/udp.txt" 2>&1
pcheck "[ $rc -eq 0 ] &&
    [ \"\$(hops $W/udp.json forward)\" = '2001:db8:74:1::2 2001:db8:74:2::2 2001:db8:74:3::2' ] &&
    [ \"\$(hops $W/udp.json reverse)\" = '2001:db8:74:4::1 2001:db8:74:3::1 2001:db8:74:2::1 2001:db8:74:1::1' ]" \
    "UDP into site B stops after fw-b; the reverse reaches office-a (exit $rc; $(hops "$W/udp.json" forward))"
pcheck "[ \"\$(pairlab_shared $W/udp.json)\" = '$SHARED' ] &&
    jq -e '(.analysis.forward_only | length == 0) and (.analysis.reverse_only | length == 0) and
        (.analysis.suspects | length == 1) and .analysis.suspects[0].kind == \"filter\" and
        .analysis.suspects[0].near.addr == \"2001:db8:74:3::2\" and
        .analysis.stops.forward.last.addr == \"2001:db8:74:3::2\" and .analysis.stops.reverse == null' $W/udp.json >/dev/null &&
    grep -q '^Stop forward:' $W/udp.txt" \
    "3 shared routers, nothing one-way, the suspect a filter after fw-b ($(jq -r .analysis.verdict "$W/udp.json" 2>/dev/null))"

if pairlab_agent_reconf office-b "site_method tcp:443"; then
	ok "office-b restarted with site_method tcp:443"
else
	pfail "office-b restarted with site_method tcp:443"
fi
pairlab_pair_json office-a office-b "$W/tcp.json" -6 -q 3
rc=$?
pairlab_cli show "$(jq -r .pair_id "$W/tcp.json")" >"$W/tcp.txt" 2>&1
pcheck "[ $rc -eq 0 ] && [ \"\$(jq -r .forward.method $W/tcp.json)\" = tcp ] &&
    [ \"\$(jq -r .forward.port $W/tcp.json)\" = 443 ] &&
    [ \"\$(jq -r .reverse.method $W/tcp.json)\" = udp ] &&
    [ \"\$(hops $W/tcp.json forward)\" = '2001:db8:74:1::2 2001:db8:74:2::2 2001:db8:74:3::2 2001:db8:74:4::2' ] &&
    [ \"\$(pairlab_shared $W/tcp.json)\" = '$SHARED' ] &&
    jq -e '(.analysis.forward_only | length == 0) and (.analysis.reverse_only | length == 0) and
        (.analysis.suspects | length == 0)' $W/tcp.json >/dev/null" \
    "site_method tcp:443: TCP SYN reaches office-b through the firewall; routers exact, no suspect (exit $rc)"
pcheck "grep -q 'probes forward: tcp port 443, reached 2001:db8:74:4::2' $W/tcp.txt &&
    grep -q 'probes reverse: udp, reached 2001:db8:74:1::1' $W/tcp.txt" \
    "the report says TCP port 443 reached site B and UDP site A"
