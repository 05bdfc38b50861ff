#!/bin/sh
# t_pair_followup.sh: the automatic follow-up round (issue 11 item 5,
# docs/analysis.md) through the real controller and two real agents in
# tests/lab/scenarios/sf-chicago-retloss.scn: 10 % loss only on pb-nap ->
# SF-rt3 (198.18.10.46 -> .50), a link of the Chicago -> SF path.  A pair
# with 10 probes per hop cannot tell that link from router pb-nap and the
# link core2 -> pb-nap (their round trips differ only at pb-nap's and
# SF-rt3's own, reverse hops 6-7): the first round is inconclusive, the
# controller probes the deciding hops again with the probes per hop the
# verdict asked for (capped by the 60 s budget), merges both rounds, and
# the verdict names the directed link towards sf-office.
#
# Rounds 20 ms apart (--interval 0.02; the lab's routers do not limit
# their ICMP) keep one pair under 25 s and the test under 90 s.
#
# False failures, from tp-ansim -F -d (tests/lab/ansim.c; 2000 pairs
# redrawn from a pair of this lab, tests/analysis/lab-retloss-*.json, with
# 10 % loss on every round trip that crosses pb-nap -> SF-rt3: forward hops
# 6-11, reverse hops 7-10; 10 probes per hop, budget 60 s, rounds 0.02 s
# apart, 1 s wait; measured 2026-12-06 with the prior against routers,
# docs/analysis.md 3a, and the confirming round of a first round decided
# below 0.90; figures in docs/testing.md):
# a try counts when the first round was inconclusive, a follow-up ran and
# the merged verdict is decided on the link (not "Inconclusive", the link
# first): 1875 of 2000 (measured again 2026-12-07, with the count asked
# for planned at the low end of the loss's interval, docs/analysis.md 3a;
# 1833 before).  It misses with p = 0.0625 (95 % upper bound 0.075):
# the verdict inconclusive (39; 20 of them with no follow-up possible,
# the rest with candidates left that differ on no hop the follow-up
# probed), the link right after a confirming round of a decided first
# round (42), no suspect (43, a first round that decided on too few
# losses), router pb-nap first (1).  (Before the prior, 2026-12-05: 1897
# of 2000, p = 0.0515, four tries.)  A try that misses is run again, at
# most five tries in all: the checks that need a follow-up and the right
# verdict fail with P = 0.0625^5 = 9.5e-7 (2.3e-6 at the upper bound); the others are exact
# once a follow-up ran (the --no-follow-up pair always: it is not
# statistical; the --timeout 2 pair: no follow-up fits whatever the first
# round says; the pair whose reverse agent is stopped during its
# follow-up: the round's failure is reported whatever the data; in both,
# a first round that decides (firmly, P = 0.022; below 0.90 it gets a
# confirming round, but none is recorded where none fits: about 0.05 in
# all), only turns the check into a
# skip).
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 11

W=$(mktemp -d /tmp/t_pair_followup.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP

T0=$(date +%s)
if ! pairlab_up sf-chicago-retloss; then
	pfail "pairlab up with both agents registered" "$(pairlab_logs)"
	exit 1
fi
diag "set-up: controller and both agents up ($(($(date +%s) - T0)) s)"

OPTS="-q 10 --interval 0.02 -w 1"

# --no-follow-up: one round, whatever it says (also warms the lab up)
pairlab_pair_json sf-office chicago-office "$W/nofu.json" $OPTS --no-follow-up
rc=$?
pcheck "[ $rc -eq 0 ] && jq -e '.status == \"ok\" and (.analysis | has(\"follow_up\") | not)' $W/nofu.json >/dev/null" \
    "--no-follow-up: one round, no follow_up record (exit $rc)"

# The pair, tried at most five times: a try counts when the first round
# was inconclusive, a follow-up ran and the verdict is decided on the link; the checks below read the last
# try.
TRUE_LINK='198.18.10.46>198.18.10.50'
fu_ok() {
	jq -e --arg l "$TRUE_LINK" '.analysis.follow_up.ran == true and
	    (.analysis.follow_up.first_verdict | startswith("Inconclusive")) and
	    ((.analysis.suspects[0] | "\(.kind):\(.from.addr)>\(.to.addr)") ==
	    "link:\($l)") and (.analysis.verdict | startswith("Loss on the link"))' "$1" >/dev/null
}
try=1
while :; do
	t1=$(date +%s.%N)
	pairlab_pair_json sf-office chicago-office "$W/pair.json" $OPTS
	rc=$?
	took=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	diag "try $try: exit $rc in $took s: $(jq -r '.analysis.verdict' "$W/pair.json" 2>/dev/null)"
	diag "        first round: $(jq -r '.analysis.follow_up.first_verdict // "(no follow-up record)"' "$W/pair.json" 2>/dev/null)"
	fu_ok "$W/pair.json" && break
	[ $try -ge 5 ] && break
	try=$((try + 1))
done

pcheck "[ $rc -eq 0 ] && jq -e '.analysis.follow_up | .ran == true and .rounds == 2 and
    (.first_verdict | startswith(\"Inconclusive\"))' $W/pair.json >/dev/null" \
    "the first round was inconclusive and a follow-up round ran"
# the deciding hops: SF-rt3 (reverse hop 7) is among them; the probes per
# hop are six times what the first round asked for, at least 10, within
# the cap
pcheck "jq -e '.analysis.follow_up | (.hops.reverse[0] <= 7 and .hops.reverse[1] >= 7) and
    .probes_per_hop == ([([6 * .probes_needed, 10] | max), .cap] | min) and
    .merged_hops.reverse == (.hops.reverse[1] - .hops.reverse[0] + 1) and
    .changed_hops.reverse == 0 and (.jobs.reverse | type == \"string\")' $W/pair.json >/dev/null" \
    "the follow-up probed the deciding hops (reverse $(jq -c .analysis.follow_up.hops.reverse "$W/pair.json"), forward $(jq -c .analysis.follow_up.hops.forward "$W/pair.json")) with $(jq -r .analysis.follow_up.probes_per_hop "$W/pair.json") probes per hop"
pcheck "fu_ok $W/pair.json && jq -e '.analysis.suspects[0].toward == \"a\" and
    (.analysis.verdict | startswith(\"Loss on the link 198.18.10.46 -> 198.18.10.50, on traffic towards sf-office\"))' $W/pair.json >/dev/null" \
    "the verdict on both rounds names pb-nap -> SF-rt3, towards sf-office"
# the merged traces: the follow-up's hops hold both rounds' probes (up to
# 10 + q2: the engine leaves out the rounds a hop's learned rate limit
# made it skip, docs/probing.md), the others the first round's 10
q2=$(jq -r '.analysis.follow_up.probes_per_hop' "$W/pair.json")
pcheck "jq -e '. as \$p | [\"forward\", \"reverse\"] | all(. as \$d |
    (\$p.analysis.follow_up.hops[\$d] // [0, -1]) as \$r | \$p[\$d].hops |
    all((.probes | length) as \$n | if .ttl >= \$r[0] and .ttl <= \$r[1]
    then \$n > 10 and \$n <= 10 + $q2 else \$n == 10 end))' $W/pair.json >/dev/null" \
    "the pair's traces are both rounds merged (the follow-up's hops: up to 10 + $q2 probes)"
# within the budget: 60 s from the request
pcheck "awk -v t='$took' 'BEGIN { exit !(t < 62) }'" \
    "the pair and its follow-up took $took s (budget 60 s)"

# read back: the same record, traces and report; the text says both rounds
id=$(jq -r .pair_id "$W/pair.json")
pairlab_cli show "$id" --json >"$W/show.json" 2>"$W/show.err"
pcheck "jq -e --slurpfile p $W/pair.json '.analysis == \$p[0].analysis and
    .forward == \$p[0].forward and .reverse == \$p[0].reverse' $W/show.json >/dev/null" \
    "show $id --json: the same analysis and merged traces as the answer"
pairlab_cli show "$id" >"$W/show.txt" 2>&1
pcheck "grep -q '^Follow-up round: the first round was inconclusive, so a second round sent $q2 probes per hop to .*reverse hop' $W/show.txt &&
    grep -q '^First round alone: Inconclusive' $W/show.txt" \
    "the text report says the follow-up round ran, where, with how many probes, and what the first round said"
# a follow-up that cannot fit keeps the first verdict and says why: with
# --timeout 2 the first round (about 1.4 s: the start, 10 rounds, a 1 s
# wait) leaves no room for a 1 s wait and the 1 s margin
pairlab_pair_json sf-office chicago-office "$W/short.json" $OPTS --timeout 2
rc=$?
if jq -e '.analysis.follow_up' "$W/short.json" >/dev/null 2>&1; then
	v=$(jq -r .analysis.verdict "$W/short.json")
	pcheck "jq -e --arg v \"\$v\" '.analysis.follow_up | .ran == false and
	    (.why | startswith(\"the budget is spent\")) and .first_verdict == \$v' $W/short.json >/dev/null" \
	    "--timeout 2: no room for a follow-up; the first verdict is kept, and why"
else
	ok "--timeout 2: no follow-up record # SKIP the first round decided (exit $rc; P about 0.05)"
fi
# a --quick pair's follow-up is planned on its pacing (every probe at once,
# 2000 a second: a probe for each of 30 hops in 0.015 s), not on a loss
# measurement's rounds: its cap is the 990 a merged hop can still take
# (until 2026-12-06 about 110, as if 0.5 s apart, and the lab's quick
# pairs through the controller were right 7-9 of 10 where tp-ansim says
# 98 %).  Exact once a follow-up is planned; a first round that decides
# firmly (P about 0.02), or one more probes would not decide, skips it.
pairlab_pair_json sf-office chicago-office "$W/quick.json" -q 10 --quick -w 1
rc=$?
if [ "$(jq -r '.analysis.follow_up.cap // "none"' "$W/quick.json" 2>/dev/null)" != none ]; then
	pcheck "[ $rc -eq 0 ] && jq -e '.analysis.follow_up | .cap == 990 and
	    (.ran == false or .probes_per_hop == ([([6 * .probes_needed, 10] | max), 990] | min))' $W/quick.json >/dev/null" \
	    "--quick: the follow-up's cap is $(jq -r .analysis.follow_up.cap "$W/quick.json") probes per hop (990: its pacing, not 0.5 s rounds), $(jq -r .analysis.follow_up.probes_per_hop "$W/quick.json") sent"
else
	ok "--quick: the follow-up's cap # SKIP no follow-up planned (exit $rc): $(jq -r '.analysis.follow_up.why // .analysis.verdict' "$W/quick.json" 2>/dev/null | cut -c1-120)"
fi
# an agent that goes away during the follow-up round: the pair ends then,
# with the first round's figures for that direction, and says why
n0=$(grep -c 'follow-up round of' "$PAIRLAB_DIR/controller.log")
pairlab_cli pair sf-office chicago-office -n --json $OPTS >"$W/gone.json" 2>"$W/gone.err" &
cli=$!
i=0
while [ "$(grep -c 'follow-up round of' "$PAIRLAB_DIR/controller.log")" -le "$n0" ] &&
    kill -0 $cli 2>/dev/null && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $cli 2>/dev/null; then
	pairlab_stop_agent chicago-office
	wait $cli
	pcheck "jq -e '.status == \"ok\" and (.analysis.follow_up.why // \"\" | test(\"the reverse round failed \\\\(agent chicago-office\"))' $W/gone.json >/dev/null &&
	    grep -q 'the reverse round failed (agent chicago-office' $W/gone.json" \
	    "chicago-office gone during the follow-up: the pair ends, and says the reverse round failed ($(jq -r '.analysis.follow_up.why' "$W/gone.json" 2>/dev/null))"
else
	wait $cli
	ok "agent gone during the follow-up # SKIP the first round decided firmly (P = 0.022)"
fi
diag "whole test: $(($(date +%s) - T0)) s"
# FU_KEEP=DIR: keep the pairs' JSON (tp-ansim's templates come from there)
if [ -n "${FU_KEEP:-}" ]; then cp "$W"/*.json "$FU_KEEP"/; fi
