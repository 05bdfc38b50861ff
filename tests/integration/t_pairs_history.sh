#!/bin/sh
# t_pairs_history.sh: stored pairs fetched back: `tracepair pairs` lists
# the tenant's pairs newest first (--agent, --since, -n), `tracepair show
# ID` prints byte for byte what `tracepair pair` printed (text and --json,
# a pair refused with an agent offline too); an operator of another tenant
# gets "no such pair" for the same id, like an id never made, and an empty
# list; an over-long id or one with odd characters is refused (2); an agent
# certificate sending PairsRequest is refused and closed; the history
# survives a controller restart on the same database; a result stored
# after its pair ended does not change what show prints; at the smallest
# frame limit a long list stops early and says so.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 27

W=$(mktemp -d /tmp/t_pairs_history.XXXXXX)
SIM=
trap '[ -n "$SIM" ] && kill $SIM 2>/dev/null && wait $SIM 2>/dev/null; pairlab_down; rm -rf "$W"' EXIT INT TERM HUP
[ -x "$TP_BIN/agentsim" ] || { pfail "agentsim built"; exit 1; }
pairlab_up_small

# Two pairs: the first printed as text, the second (the other way round)
# as JSON.
pairlab_cli pair sf-office chicago-office -n -q 1 >"$W/p1.txt" 2>"$W/p1.err"
rc1=$?
ID1=$(sed -n 's/^pair \([^:]*\): .*/\1/p' "$W/p1.txt" | head -1)
pairlab_cli pair chicago-office sf-office -n -q 1 --json >"$W/p2.json" 2>"$W/p2.err"
rc2=$?
ID2=$(jq -r .pair_id "$W/p2.json" 2>/dev/null)
pcheck "[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -n '$ID1' ] && [ -n '$ID2' ] && [ '$ID1' != '$ID2' ]" \
    "two pairs ran ($ID1, $ID2)"

pairlab_cli pairs >"$W/list.txt" 2>"$W/list.err"
pcheck "[ \"\$(awk 'NR > 1 { print \$1 }' $W/list.txt | tr '\n' ' ')\" = '$ID2 $ID1 ' ]" \
    "pairs: both, newest first"
pcheck "head -1 $W/list.txt | grep -q '^ID  *WHEN(UTC)  *A -> B  *STATUS  *VERDICT' &&
    grep '^$ID1 ' $W/list.txt | grep -q 'sf-office -> chicago-office  *ok ' &&
    grep '^$ID2 ' $W/list.txt | grep -q 'chicago-office -> sf-office  *ok '" \
    "pairs: header, agents A -> B and status of each"
pairlab_cli pairs --json >"$W/list.json" 2>/dev/null
pcheck "jq -e 'length == 2 and .[0].pair_id == \"$ID2\" and .[1].pair_id == \"$ID1\" and
    .[1].agent_a == \"sf-office\" and .[1].agent_b == \"chicago-office\" and
    .[1].operator == \"alice\" and all(.[]; .status == \"ok\" and .verdict != \"\" and
    (.created | test(\"^20[0-9-]+T[0-9:.]+Z$\")))' $W/list.json >/dev/null" \
    "pairs --json: ids, agents, operator, status, a verdict and an ISO time for each"
pcheck "[ \"\$(jq -r '.[0].verdict' $W/list.json)\" = \"\$(jq -r '.analysis.verdict' $W/p2.json | head -1)\" ]" \
    "pairs --json: the verdict is the first line of the analysis verdict"
pcheck "[ \"\$(pairlab_cli pairs -n 1 --json | jq -r '.[].pair_id')\" = '$ID2' ] &&
    [ \"\$(pairlab_cli pairs --since 1h --json | jq length)\" = 2 ] &&
    [ \"\$(pairlab_cli pairs --since 2099-01-01 --json | jq length)\" = 0 ] &&
    [ \"\$(pairlab_cli pairs --agent nosuch --json | jq length)\" = 0 ] &&
    [ \"\$(pairlab_cli pairs --agent sf-office --json | jq length)\" = 2 ]" \
    "pairs -n 1, --since 1h / 2099-01-01, --agent filter"

pairlab_cli show "$ID1" >"$W/s1.txt" 2>"$W/s1.err"
rc=$?
pcheck "[ $rc -eq 0 ] && cmp -s $W/p1.txt $W/s1.txt" \
    "show $ID1 prints byte for byte what pair printed (text, $(wc -c <"$W/p1.txt") bytes)"
pairlab_cli show "$ID2" --json >"$W/s2.json" 2>"$W/s2.err"
rc=$?
pcheck "[ $rc -eq 0 ] && cmp -s $W/p2.json $W/s2.json" \
    "show --json $ID2 is byte for byte what pair --json printed ($(wc -c <"$W/p2.json") bytes)"
pairlab_cli show "$ID2" --atlas >"$W/s2.atlas" 2>"$W/s2.err"
rc=$?
pcheck "[ $rc -eq 0 ] && jq -e 'input as \$p | length == 2 and all(.[]; .type == \"traceroute\" and (.result | length) > 0) and
    .[0].dst_addr == \$p.forward.dst and .[1].dst_addr == \$p.reverse.dst' $W/s2.atlas $W/p2.json >/dev/null &&
    \"$TP_BIN/tracepair\" analyze $W/s2.atlas | head -1 | grep -q '^Verdict: '" \
    "show --atlas $ID2: two RIPE Atlas results, forward then reverse, analysed again as a pair"
pairlab_expect 2 "exclude each other" "show --json --atlas" -- pairlab_cli show "$ID2" --json --atlas
pcheck "pairlab_cli show '$ID1' --summary | grep -q '^pair $ID1: ok' &&
    pairlab_cli show '$ID1' --classic | grep -q '^pair $ID1: ok'" \
    "show --summary / --classic print the pair too"
[ -s "$W/s1.txt" ] && ! cmp -s "$W/p1.txt" "$W/s1.txt" &&
    diff "$W/p1.txt" "$W/s1.txt" | head -20 | sed 's/^/# /'

pairlab_expect 4 "^tracepair show: no such pair p-nosuch-1\$" "unknown id" -- \
    pairlab_cli show p-nosuch-1
pairlab_expect 2 "pair id too long" "over-long id" -- \
    pairlab_cli show "p-$(printf '%0100d' 7)"
pairlab_expect 2 "pair id with characters other than" "id with a quote and a space" -- \
    pairlab_cli show "p-1' OR 1"
pairlab_expect 2 "usage" "show without an id" -- pairlab_cli show
pairlab_expect 2 "want a number of pairs in \[1, 1000\]" "pairs -n 0" -- pairlab_cli pairs -n 0
pairlab_expect 2 "since" "pairs --since nonsense" -- pairlab_cli pairs --since yesterday
PAIRLAB_OPERATOR=mallory
export PAIRLAB_OPERATOR
pairlab_expect 4 "^tracepair show: no such pair $ID1\$" "another tenant's operator, an existing id" -- \
    pairlab_cli show "$ID1"
pcheck "[ \"\$(pairlab_cli pairs --json | jq length)\" = 0 ] &&
    [ \"\$(pairlab_cli pairs)\" = 'no stored pairs' ]" \
    "another tenant's operator lists no pairs"
unset PAIRLAB_OPERATOR

# An agent certificate sending PairsRequest: refused, that connection closed.
sh "$PKI_SH" issue "$PAIRLAB_DIR/pki" agent bad-pr-000 --org acme >/dev/null 2>&1
"$TPLAB" exec "$PAIRLAB_ID" controller "$TP_BIN/agentsim" \
    --controller "$PAIRLAB_CTL" --pki "$PAIRLAB_DIR/pki" --prefix bad-pr- \
    --count 1 --misbehave pairs-request --hold 30 >"$W/sim.out" 2>&1 &
SIM=$!
i=0
while ! grep -q '^closed bad-pr-000' "$W/sim.out" && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
pcheck "grep -q '^error bad-pr-000: .*pairs_request not allowed for role agent' $W/sim.out &&
    grep -q '^closed bad-pr-000' $W/sim.out &&
    grep 'bad-pr-000' $PAIRLAB_DIR/controller.log | grep -q 'pairs_request not allowed for role agent'" \
    "an agent's PairsRequest is refused (FORBIDDEN) and its connection closed"
kill $SIM 2>/dev/null
wait $SIM 2>/dev/null
SIM=

# A pair refused before it ran (an agent offline) is stored and shown too.
pairlab_stop_agent chicago-office TERM
i=0
until pairlab_cli pair sf-office chicago-office -n -q 1 >"$W/p3.txt" 2>"$W/p3.err"
    [ $? -eq 4 ] || [ $i -ge 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
ID3=$(sed -n 's/^pair \([^:]*\): failed.*/\1/p' "$W/p3.txt" | head -1)
pairlab_cli show "$ID3" >"$W/s5.txt" 2>"$W/s5.err"
rc=$?
pcheck "[ -n '$ID3' ] && grep -q 'offline' $W/p3.txt && [ $rc -eq 0 ] && cmp -s $W/p3.txt $W/s5.txt &&
    [ \"\$(pairlab_cli pairs -n 1 | awk 'NR == 2 { print \$1, \$7 }')\" = '$ID3 failed' ]" \
    "a pair refused with an agent offline: listed as failed, show prints what pair printed"

# The history is in the database: a restarted controller has it.
pairlab_stop_controller TERM
pcheck "! kill -0 \$(pairlab_pid controller) 2>/dev/null" "controller stopped"
pairlab_start_controller
i=0
until pairlab_cli pairs --json >"$W/list2.json" 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.2
	i=$((i + 1))
done
pcheck "[ \"\$(jq -r '.[].pair_id' $W/list2.json | tr '\n' ' ')\" = '$ID3 $ID2 $ID1 ' ]" \
    "after a restart: the three pairs listed, newest first"
pairlab_cli show "$ID1" >"$W/s3.txt" 2>/dev/null
pcheck "cmp -s $W/p1.txt $W/s3.txt" "after a restart: show $ID1 is still what pair printed"
pairlab_cli show "$ID2" --json >"$W/s4.json" 2>/dev/null
pcheck "cmp -s $W/p2.json $W/s4.json" "after a restart: show --json $ID2 is still what pair --json printed"

# A result that comes after its pair ended (the agent answers past the
# deadline) is stored, but is not part of the pair: show prints a partial
# pair (lt-001 late) and a failed one (both late) as pair printed them,
# without the late traces.
for i in 000 001 002; do
	sh "$PKI_SH" issue "$PAIRLAB_DIR/pki" agent lt-$i --org acme >/dev/null 2>&1
done
"$TPLAB" exec "$PAIRLAB_ID" controller "$TP_BIN/agentsim" \
    --controller "$PAIRLAB_CTL" --pki "$PAIRLAB_DIR/pki" --prefix lt- \
    --count 1 --answer --answer-delay-ms 100 >"$W/lt0.out" 2>&1 &
SIM=$!
"$TPLAB" exec "$PAIRLAB_ID" controller "$TP_BIN/agentsim" \
    --controller "$PAIRLAB_CTL" --pki "$PAIRLAB_DIR/pki" --prefix lt- \
    --first 1 --count 2 --answer --answer-delay-ms 8000 >"$W/lt1.out" 2>&1 &
SIM="$SIM $!"
i=0
until [ "$(pairlab_cli agents --json 2>/dev/null | jq '[.[] |
    select((.name | startswith("lt-")) and .online and .rtt_ms > 0)] | length')" = 3 ] ||
    [ $i -ge 150 ]; do
	sleep 0.2
	i=$((i + 1))
done
pairlab_cli pair lt-000 lt-001 -n --timeout 4 >"$W/p4.txt" 2>"$W/p4.err"
ID4=$(sed -n 's/^pair \([^:]*\): .*/\1/p' "$W/p4.txt" | head -1)
pairlab_cli pair lt-001 lt-002 -n --timeout 4 >"$W/p5.txt" 2>"$W/p5.err"
ID5=$(sed -n 's/^pair \([^:]*\): .*/\1/p' "$W/p5.txt" | head -1)
# The three late results (lt-001 twice, lt-002 once), each stored and acked.
i=0
while [ "$(grep -c '^ack lt-00[12] ' "$W/lt1.out")" -lt 3 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
pairlab_cli show "$ID4" >"$W/s6.txt" 2>"$W/s6.err"
rc4=$?
pairlab_cli show "$ID5" >"$W/s7.txt" 2>"$W/s7.err"
rc5=$?
pcheck "[ \"\$(grep -c '^ack lt-00[12] ' $W/lt1.out)\" -eq 3 ] &&
    [ -n '$ID4' ] && grep -q '^pair $ID4: partial' $W/p4.txt &&
    [ $rc4 -eq 0 ] && cmp -s $W/p4.txt $W/s6.txt &&
    [ -n '$ID5' ] && grep -q '^pair $ID5: failed' $W/p5.txt &&
    [ $rc5 -eq 0 ] && cmp -s $W/p5.txt $W/s7.txt" \
    "results stored after their pair ended: show prints the partial and the failed pair as pair printed them"
for n in 4:6 5:7; do
	[ -s "$W/s${n#*:}.txt" ] && ! cmp -s "$W/p${n%:*}.txt" "$W/s${n#*:}.txt" &&
	    diff "$W/p${n%:*}.txt" "$W/s${n#*:}.txt" | head -20 | sed 's/^/# /'
done
kill $SIM 2>/dev/null
wait $SIM 2>/dev/null
SIM=

# A list that would not fit in one frame stops early and says so: the
# smallest frame limit, six more (refused) pairs.
pairlab_stop_controller TERM
echo "frame_limit 1024" >>"$PAIRLAB_DIR/controller.conf"
pairlab_start_controller
i=0
until pairlab_cli pairs >/dev/null 2>&1 || [ $i -ge 100 ]; do
	sleep 0.2
	i=$((i + 1))
done
for i in 1 2 3 4 5 6; do
	pairlab_cli pair sf-office chicago-office -n --quick >/dev/null 2>&1
done
pairlab_cli pairs -n 1000 --json >"$W/list3.json" 2>"$W/list3.err"
rc=$?
n=$(jq length "$W/list3.json" 2>/dev/null)
pcheck "[ $rc -eq 0 ] && [ -n '$n' ] && [ '$n' -ge 1 ] && [ '$n' -lt 11 ] &&
    grep -q '^tracepair pairs: only the newest $n pairs fit in one reply' $W/list3.err &&
    [ \"\$(jq -r '.[-1].pair_id' $W/list3.json)\" != '$ID1' ]" \
    "frame_limit 1024: the list of 11 stops at $n pairs, and says so"
