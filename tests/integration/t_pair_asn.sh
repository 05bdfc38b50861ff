#!/bin/sh
# t_pair_asn.sh: AS numbers in paired traces: a controller with a pfx2as
# table (tests/lab/scenarios/sf-chicago.pfx2as) annotates what the agents
# send before storing it, so `pair --json` hops carry their origin AS, the
# text report shows it, the verdict names the culprit's network (AS64498,
# other-isp.net, owns the lossy core2 - core1.Denver link), `show ID`
# prints what `pair` printed, and `tracepair-controller -n` refuses a
# broken table with "FILE:LINE:" and a non-zero exit.  `tracepair analyze
# -A` annotates saved traces the same way.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 10

W=$(mktemp -d /tmp/t_pair_asn.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP

PAIRLAB_PFX2AS=tests/lab/scenarios/sf-chicago.pfx2as
if ! pairlab_up sf-chicago; then
	pfail "pairlab up (sf-chicago, pfx2as) with both agents registered" "$(pairlab_logs)"
	exit 1
fi
diag "set-up: controller with a pfx2as table and both agents up"

# the AS numbers of the hops: 10 probes, so that a hop past the lossy link
# (about 23 % of its probes lost, out and back) answers at least once
# (all 3 of -q 3 were lost in one CI run): all 10 lost with 0.23^10 =
# 4e-7 per hop, P(false failure) < 1e-5 for the 11 hops each way.
pairlab_cli pair sf-office chicago-office -n -q 10 --json >"$W/pair.json" 2>"$W/pair.err"
rc=$?
pcheck "[ $rc -eq 0 ] && [ \"\$(jq -r .status $W/pair.json)\" = ok ]" \
    "pair --json: status ok (exit $rc)"
# the AS numbers every reply from ADDR in DIRECTION carried, as "a,b"
asns() {	# forward|reverse ADDR
	jq -r "[.$1.hops[].probes[] | select(.addr == \"$2\") | .asn] | unique | map(tostring) | join(\",\")" \
	    "$W/pair.json" 2>/dev/null
}
pcheck "[ \"\$(asns forward 198.18.10.22)\" = 64498 ] &&
    [ \"\$(asns forward 198.18.10.26)\" = 64498 ] &&
    [ \"\$(asns reverse 198.18.10.25)\" = 64498 ] &&
    [ \"\$(asns reverse 198.18.10.29)\" = 64498 ]" \
    "pair --json: core2.SanFrancisco and core1.Denver carry AS64498 both ways"
pcheck "[ \"\$(asns forward 198.18.10.2)\" = 64496 ] &&
    [ \"\$(asns forward 198.18.10.6)\" = 64497 ] &&
    [ \"\$(asns forward 198.18.10.42)\" = 64496 ] &&
    [ \"\$(asns reverse 198.18.10.46)\" = 64497 ]" \
    "pair --json: mycompany's routers AS64496, geo.net's AS64497"

# 30 probes per hop: 12 % loss gives a firm verdict, but the first suspect
# is another link or a router on p = 1.8e-3 of pairs (tp-ansim, as in
# t_analysis_seed.sh): a second pair when the first names no AS64498,
# P(false failure) <= p^2 = 3.2e-6.
for try in 1 2; do
	pairlab_cli pair sf-office chicago-office -n -q 30 >"$W/pair.txt" 2>"$W/pair30.err"
	rc=$?
	grep -q '^Verdict: .*(AS64498)' "$W/pair.txt" && break
	diag "try $try: $(grep '^Verdict:' "$W/pair.txt")"
done
ID=$(sed -n 's/^pair \([^:]*\): .*/\1/p' "$W/pair.txt" | head -1)
diag "$(grep '^Verdict:' "$W/pair.txt")"
pcheck "[ $rc -eq 0 ] && [ -n '$ID' ] && grep -q '^Verdict: .*(AS64498)' $W/pair.txt" \
    "pair -q 30: the verdict names AS64498 (exit $rc)"
pcheck "grep -qE '^ +[0-9]+\\.\\|-- AS64498 +198\\.18\\.10\\.22 ' $W/pair.txt &&
    grep -qE '^ +[0-9]+\\.\\|-- AS64496 +198\\.18\\.10\\.2 ' $W/pair.txt" \
    "pair -q 30: the hop tables show each responder's AS"
pairlab_cli show "$ID" >"$W/show.txt" 2>"$W/show.err"
rc=$?
pcheck "[ $rc -eq 0 ] && cmp -s $W/pair.txt $W/show.txt" \
    "show $ID prints byte for byte what pair printed (exit $rc)"
pairlab_cli show "$ID" --json >"$W/show.json" 2>"$W/show.err"
pcheck "jq -e '.analysis.suspects[0].asn | index(64498) != null' $W/show.json >/dev/null" \
    "show --json: the first suspect's asn names 64498"

# tracepair-controller -n: a broken table is one line FILE:LINE: and exit 1
grep -v '^pfx2as ' "$PAIRLAB_DIR/controller.conf" >"$W/bad.conf"
printf '198.18.10.0 24 64498\n# comment\n198.18.10.0 33 64498\n' >"$W/bad.pfx2as"
echo "pfx2as $W/bad.pfx2as" >>"$W/bad.conf"
"$TP_BIN/tracepair-controller" -n -f "$W/bad.conf" >"$W/n.out" 2>"$W/n.err"
rc=$?
pcheck "[ $rc -ne 0 ] && [ \$(wc -l <$W/n.err) -eq 1 ] && grep -q '$W/bad.pfx2as:3: ' $W/n.err" \
    "-n with a broken pfx2as: '$(cat "$W/n.err")', exit $rc"

# tracepair analyze -A: the same table on the saved lab traces
"$TP_BIN/tracepair" analyze -A tests/lab/scenarios/sf-chicago.pfx2as \
    tests/analysis/lab-sfchi-forward.json tests/analysis/lab-sfchi-reverse.json \
    >"$W/an.txt" 2>"$W/an.err"
rc=$?
pcheck "[ $rc -eq 0 ] && grep -q '^Verdict: Loss on the link core2.sanfrancisco.other-isp.net - core1.denver.other-isp.net (AS64498), seen in both directions' $W/an.txt" \
    "analyze -A: the verdict names AS64498 (exit $rc)"
"$TP_BIN/tracepair" analyze -A "$W/bad.pfx2as" \
    tests/analysis/lab-sfchi-forward.json tests/analysis/lab-sfchi-reverse.json \
    >"$W/an2.txt" 2>"$W/an2.err"
rc=$?
pcheck "[ $rc -eq 1 ] && [ ! -s $W/an2.txt ] && grep -q '$W/bad.pfx2as:3: ' $W/an2.err" \
    "analyze -A with a broken table: '$(cat "$W/an2.err")', exit $rc"
