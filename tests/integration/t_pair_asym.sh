#!/bin/sh
# t_pair_asym.sh: a paired trace through the real controller and two real
# agents in the asymmetric lab: both hop lists match the scenario's routes,
# the start skew is under 10 ms, the CLI prints both traces and the report,
# `tracepair trace` runs one direction, an IPv6 pair probes the announced
# IPv6 addresses, and another tenant sees neither agent.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 14

W=$(mktemp -d /tmp/t_pair_asym.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP

# the seed-003 lab without its lossy link: hop lists must be exact
SCN=sf-chicago-clean
[ -f tests/lab/scenarios/$SCN.scn ] || {
	pairlab_write_scn "$W/small.scn"
	SCN=$W/small.scn
}
diag "scenario $SCN"
if ! pairlab_up "$SCN"; then
	pfail "pairlab up with both agents registered" "$(pairlab_logs)"
	exit 1
fi
diag "set-up: controller and both agents up, agents registered"

# hop list of a trace in the pair JSON: main responder per hop, "*" when none
hops() {	# FILE forward|reverse
	jq -r ".$2.hops[] | (.responders[0].addr // \"*\")" "$1"
}

pairlab_cli agents --json >"$W/agents.json"
pcheck "[ \"\$(jq -r '[.[] | select(.online) | .name] | sort | join(\",\")' $W/agents.json)\" = chicago-office,sf-office ]" \
    "tracepair agents lists both offices online"
a4=$("$TPLAB" addr "$PAIRLAB_ID" chicago-office 4)
pcheck "jq -e '.[] | select(.name == \"chicago-office\") | .probe_addr4 == \"$a4\"' $W/agents.json >/dev/null" \
    "chicago-office announced its office address $a4"

t0=$(date +%s.%N)
pairlab_cli pair sf-office chicago-office -n -q 3 --json >"$W/pair.json" 2>"$W/pair.err"
rc=$?
t1=$(date +%s.%N)
diag "pair took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s"
pcheck "[ $rc -eq 0 ] && [ \"\$(jq -r .status $W/pair.json)\" = ok ]" \
    "pair sf-office chicago-office: status ok (exit $rc)"

"$TPLAB" expect "$PAIRLAB_ID" sf-office chicago-office 4 >"$W/fwd.want"
"$TPLAB" expect "$PAIRLAB_ID" chicago-office sf-office 4 >"$W/rev.want"
hops "$W/pair.json" forward >"$W/fwd.got" 2>/dev/null
hops "$W/pair.json" reverse >"$W/rev.got" 2>/dev/null
if cmp -s "$W/fwd.want" "$W/fwd.got"; then
	ok "forward hop list matches the scenario ($(tr '\n' ' ' <"$W/fwd.got"))"
else
	pfail "forward hop list matches the scenario" \
	    "want: $(tr '\n' ' ' <"$W/fwd.want")" "got:  $(tr '\n' ' ' <"$W/fwd.got")"
fi
if cmp -s "$W/rev.want" "$W/rev.got"; then
	ok "reverse hop list matches the scenario ($(tr '\n' ' ' <"$W/rev.got"))"
else
	pfail "reverse hop list matches the scenario" \
	    "want: $(tr '\n' ' ' <"$W/rev.want")" "got:  $(tr '\n' ' ' <"$W/rev.got")"
fi

skew=$(jq -r '.skew_ms' "$W/pair.json")
pcheck "awk -v s='$skew' 'BEGIN { if (s < 0) s = -s; exit !(s != \"\" && s < 10) }'" \
    "start skew $skew ms is under 10 ms"
pcheck "[ \"\$(jq -r '.forward.agent + \">\" + .reverse.agent' $W/pair.json)\" = sf-office\\>chicago-office ]" \
    "forward ran on sf-office, reverse on chicago-office"
pcheck "jq -e '(.analysis | has(\"analysis\") | not) and
    (.analysis.verdict | type == \"string\") and
    (.analysis.forward_only | length == 3) and
    (.analysis.reverse_only | length == 2) and
    (.analysis.suspects | length == 0)' $W/pair.json >/dev/null" \
    "analysis: 3 forward-only, 2 reverse-only routers, no suspect on the clean lab"

# text form: both traces and the analysis
pairlab_cli pair sf-office chicago-office -n -q 3 >"$W/pair.txt" 2>&1
rc=$?
pcheck "[ $rc -eq 0 ] && grep -q '^forward sf-office -> chicago-office' $W/pair.txt &&
    grep -q '^reverse chicago-office -> sf-office' $W/pair.txt &&
    [ \$(grep -c '^traceroute to' $W/pair.txt) -eq 2 ]" \
    "text output shows both traces (exit $rc)"

# many probes per hop: the mtr-style table by default, --classic forces lines
pairlab_cli pair sf-office chicago-office -n -q 10 >"$W/pair10.txt" 2>&1
rc=$?
pcheck "[ $rc -eq 0 ] && [ \$(grep -c '^HOST: .*Loss%' $W/pair10.txt) -eq 2 ] &&
    ! grep -q '^traceroute to' $W/pair10.txt &&
    grep -qE '^ +1\.\|-- .* 0\.0% +10 ' $W/pair10.txt" \
    "-q 10: both traces as loss/RTT tables (exit $rc)"
pairlab_cli pair sf-office chicago-office -n -q 10 --classic >"$W/pair10c.txt" 2>&1
rc=$?
pcheck "[ $rc -eq 0 ] && [ \$(grep -c '^traceroute to' $W/pair10c.txt) -eq 2 ] &&
    ! grep -q 'Loss%' $W/pair10c.txt" \
    "-q 10 --classic: traceroute lines (exit $rc)"

# one direction only
pairlab_cli trace sf-office "$a4" -n -q 2 --json >"$W/trace.json" 2>"$W/trace.err"
rc=$?
jq -r '.hops[] | (.responders[0].addr // "*")' "$W/trace.json" >"$W/one.got" 2>/dev/null
pcheck "[ $rc -eq 0 ] && cmp -s $W/fwd.want $W/one.got" \
    "tracepair trace sf-office $a4 gives the forward hop list (exit $rc)"

# IPv6: each agent is probed at its announced IPv6 address
if [ -n "$("$TPLAB" addr "$PAIRLAB_ID" chicago-office 6 2>/dev/null)" ]; then
	pairlab_cli pair sf-office chicago-office -6 -n -q 3 --json >"$W/pair6.json" 2>"$W/pair6.err"
	rc=$?
	"$TPLAB" expect "$PAIRLAB_ID" sf-office chicago-office 6 >"$W/fwd6.want"
	"$TPLAB" expect "$PAIRLAB_ID" chicago-office sf-office 6 >"$W/rev6.want"
	hops "$W/pair6.json" forward >"$W/fwd6.got" 2>/dev/null
	hops "$W/pair6.json" reverse >"$W/rev6.got" 2>/dev/null
	pcheck "[ $rc -eq 0 ] && cmp -s $W/fwd6.want $W/fwd6.got && cmp -s $W/rev6.want $W/rev6.got" \
	    "IPv6 pair: both hop lists match the scenario (exit $rc; fwd $(tr '\n' ' ' <"$W/fwd6.got"))"
else
	skip "IPv6 pair" "the scenario has no IPv6 on the offices"
fi

# another tenant: the agents do not exist for it
PAIRLAB_OPERATOR=mallory pairlab_cli pair sf-office chicago-office -n >/dev/null 2>"$W/mallory.err"
rc=$?
pcheck "[ $rc -eq 4 ] && grep -qi 'unknown agent' $W/mallory.err" \
    "operator of another tenant: unknown agent, exit 4 (got $rc: $(head -1 "$W/mallory.err"))"

