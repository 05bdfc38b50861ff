#!/bin/sh
# t_mesh.sh: a mesh in the lab and a controller killed during one of its
# rounds (issue 16, Tests; docs/history.md).  tests/lab/scenarios/
# msp-mesh.scn: sites 1-3 behind up-a, 4-6 behind up-b, 20 % loss both
# ways on up-a -- up-b.  A mesh of the six sites (15 pairs) every 30 s,
# -q 10, as bench/mesh-culprit.sh runs it:
#   - after the first round, `mesh status --json` names the link up-a --
#     up-b (198.18.30.12/30) first (retried once on a fresh round);
#   - `kill -9` of the controller while pairs of the second round run,
#     down 3 s, restarted; once every pair of the mesh has run again:
#     every result an agent logged as acknowledged is in the traces
#     table, no slot of a schedule taken twice (and its slots at least
#     the interval apart), every pair stored ok has both traces, the runs
#     that were running at the kill are `interrupted` and their pairs
#     failed "controller restarted", PRAGMA integrity_check ok.
# Wall time, measured on this 2-core machine (shared with a CI run),
# 2026-12-05: 74.6 to 76.9 s (five runs); bounded at 100 s.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 10

T0=$(date +%s)
W=$(mktemp -d /tmp/t_mesh.XXXXXX)
chmod 755 "$W"
# pairlab_down stops every daemon it started (by PID) and tears the lab
# down, on failure too; INT, TERM and HUP exit, and so run it.
trap 'pairlab_down; rm -rf "$W"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

SITES="site1 site2 site3 site4 site5 site6"
EVERY=30
NPAIRS=15
if ! pairlab_up msp-mesh $SITES; then
	pfail "pairlab up: msp-mesh with six agents registered"
	exit 1
fi
diag "set-up: controller and six agents up ($(($(date +%s) - T0)) s)"
DB=$PAIRLAB_DIR/controller.db

q() { sqlite3 "$DB" "$1" 2>/dev/null; }
# finished runs of the mesh (started at or after $1, default any time)
mesh_done() {
	q "SELECT count(*) FROM runs WHERE mesh = 'customers' AND
	    status != 'running' AND started >= ${1:-0}" || echo 0
}
# schedules of the mesh with a finished run started at or after $1
mesh_sched_done() {
	q "SELECT count(DISTINCT schedule) FROM runs WHERE mesh = 'customers'
	    AND status != 'running' AND started >= $1" || echo 0
}
# The link up-a -- up-b (198.18.30.12/30) in mesh status --json (file $1):
# first (culprit_first), or second behind only router 198.18.30.14, its
# far end, whose count holds every pair that names the link
# (culprit_lead, the check; see the figures above the checks).
LINK='.kind == "link" and (.label | test("198[.]18[.]30[.]1[34]"))'
culprit_first() {
	jq -e ".culprits[0] | $LINK" "$1" >/dev/null 2>&1
}
culprit_lead() {
	jq -e "(.culprits[0] | $LINK) or ((.culprits[0] | .kind == \"router\"
	    and .label == \"198.18.30.14\") and (.culprits[1] | $LINK))" \
	    "$1" >/dev/null 2>&1
}
culprit_said() {
	jq -r '[.culprits[:2][] | "\(.kind) \(.label) (\(.failing_pairs))"] |
	    join(", ")' "$1" 2>/dev/null
}

pairlab_cli mesh add customers --every ${EVERY}s -q 10 >"$W/add.out" 2>&1
pcheck "grep -q 'mesh customers added: 6 sites, 15 pairs' $W/add.out" \
    "mesh add: six sites, 15 pairs every ${EVERY} s ($(cat $W/add.out))"

# Round 1: every pair once (the last starts 28 s in, -q 10 takes a few s).
wait_for 50 "[ \$(mesh_done) -ge $NPAIRS ]"
pairlab_cli mesh status customers --json >"$W/status1.json" 2>"$W/status1.err"
diag "round 1 done at $(($(date +%s) - T0)) s: $(mesh_done) runs; first: $(culprit_said $W/status1.json)"

# Round 2: kill -9 while its pairs run (a run of a schedule that already
# ran once, running, its pair's jobs sent and due to start).
running2() {
	q "SELECT count(*) FROM runs r JOIN jobs j ON j.pair_id = r.pair_id
	    WHERE r.mesh = 'customers' AND r.status = 'running' AND
	    j.start_at <= strftime('%s', 'now') + 0.0 AND EXISTS (SELECT 1
	    FROM runs o WHERE o.schedule = r.schedule AND o.slot < r.slot)"
}
wait_for 40 "[ \"\$(running2)\" -ge 1 ] 2>/dev/null"
# acknowledgements logged before the kill (the agents keep running)
acks_before=$(cat "$PAIRLAB_DIR"/agent-site*.log | grep -c ': acknowledged$')
pairlab_stop_controller KILL
KILLED=$(date +%s)
# the controller is dead: what it left running is final
q "SELECT run_id || ' ' || coalesce(pair_id, '') FROM runs WHERE
    status = 'running'" >"$W/running-at-kill"
nrun=$(grep -c . "$W/running-at-kill")
nrun2=$(q "SELECT count(*) FROM runs r WHERE r.status = 'running' AND
    EXISTS (SELECT 1 FROM runs o WHERE o.schedule = r.schedule AND o.slot < r.slot)")
pcheck "[ $nrun2 -ge 1 ]" \
    "kill -9 during round 2: $nrun run(s) running, $nrun2 of round 2 ($acks_before results acknowledged before)"
sleep 3
pairlab_start_controller
RESTART=$(date +%s)
pairlab_wait_agents 6 20 ||
    diag "only $(pairlab_online) agents back after 20 s"

# The next round: every pair of the mesh has run again after the restart
# (an interrupted pair's next slot is 30 s after the one it lost).
wait_for 50 "[ \$(mesh_sched_done $RESTART) -ge $NPAIRS ]"
pairlab_cli mesh status customers --json >"$W/status3.json" 2>"$W/status3.err"
diag "the round after the restart done at $(($(date +%s) - T0)) s: $(mesh_sched_done $RESTART) pairs ran again ($(q "SELECT group_concat(n, ', ') FROM (SELECT count(*) || ' ' || status AS n FROM runs WHERE started >= $RESTART GROUP BY status)")); first: $(culprit_said $W/status3.json)"

# The shared culprit.  How often a round misses, from the analysis itself:
# tp-ansim -a (6 x 10^4 redrawn pairs: three crossing pairs of this lab,
# -q 10, 36 % loss per round trip past the link, 20 % each way) gives each
# of the nine crossing pairs' suspects; the mesh status of a round follows
# from the nine (the six others are healthy and clear the site-facing
# addresses).  Per pair: the link 74.6 + 21.7 %; router 198.18.30.14
# (the link's far end) without the link 1.12 %; router 198.18.30.13
# without it 1.09 %; no suspect 1.43 %.  Router .14 is counted in every
# link suspect, so one pair naming it alone puts it ahead of the link:
# the link is FIRST in a round with P(miss) = 0.097 (exact convolution
# over the nine pairs; bench/mesh-culprit.sh's 5 of 5 rounds fit: 0.60).
# Tried once more on a fresh round that is still 9.3e-3 > 1e-4, and a
# third round does not fit in 100 s: "first" is printed per round, not
# checked.  What is checked: the link first, or second behind only its
# far end, router .14.  A round misses that when router .13 alone
# outnumbers the link or no pair names it (1.0e-5, the same convolution)
# or when a crossing pair with no suspect lost nothing past the link in
# one direction and so clears it (ctl_culprit.c clears only hops after a
# pair's last loss: 0.64^20 = 1.3e-4 per direction, times 0.95 with no
# suspect (tp-ansim, the other direction lossy), nine pairs): 2.3e-3 per
# round.  The check asks it of round 1 or, failing that, of the round
# after the restart (a fresh round: independent draws): P(false failure)
# = (2.3e-3)^2 = 5.3e-6.  A ranking that is broken misses both rounds.
nfirst=0
for f in status1 status3; do
	culprit_first "$W/$f.json" && nfirst=$((nfirst + 1))
done
diag "the link named first in $nfirst of 2 rounds (P(miss) = 0.097 per round)"
if culprit_lead "$W/status1.json"; then
	lead="round 1"
else
	diag "mesh status, round 1 (retried on the round after the restart): $(cat "$W/status1.err" "$W/status1.json")"
	lead="the round after the restart (round 1: $(culprit_said $W/status1.json))"
	culprit_lead "$W/status3.json" ||
	    diag "mesh status, the round after the restart: $(cat "$W/status3.err" "$W/status3.json")"
fi
pcheck "culprit_lead $W/status1.json || culprit_lead $W/status3.json" \
    "mesh status leads with the link up-a -- up-b in $lead ($(culprit_said $W/status1.json); after the restart: $(culprit_said $W/status3.json))"
# After the restart the status is made from stored runs: every pair of
# the mesh measured, and failing pairs among them (no crossing pair
# failing: 0.0143^9, from the tp-ansim figures above).
pcheck "jq -e '.pairs == $NPAIRS and .measured == $NPAIRS and .failing >= 1' $W/status3.json >/dev/null" \
    "the round after the restart: mesh status over all $NPAIRS pairs ($(jq -c '{pairs, measured, failing, cleared}' $W/status3.json 2>/dev/null))"

pcheck "[ \$(mesh_sched_done $RESTART) -ge $NPAIRS ]" \
    "after the restart every pair of the mesh ran again ($(mesh_sched_done $RESTART) of $NPAIRS, $(($(date +%s) - RESTART)) s)"

# Every result an agent logged as acknowledged (agentd.c: "job ID:
# acknowledged") is in the store's traces table.
cat "$PAIRLAB_DIR"/agent-site*.log | sed -n 's/.*job \([^ ]*\): acknowledged$/\1/p' |
    sort -u >"$W/acked"
q "SELECT job_id FROM traces WHERE json IS NOT NULL OR error IS NOT NULL" |
    sort -u >"$W/stored"
lost=$(comm -23 "$W/acked" "$W/stored" | tr '\n' ' ')
pcheck "[ -s $W/acked ] && [ -z '$lost' ]" \
    "no acknowledged result lost: $(grep -c . $W/acked) acknowledged ($acks_before before the kill), all in traces${lost:+; missing: $lost}"

twice=$(q "SELECT schedule || ' ' || slot FROM runs GROUP BY tenant, schedule,
    slot, escalated_from HAVING count(*) > 1")
close=$(q "SELECT count(*) FROM runs a JOIN runs b ON a.tenant = b.tenant AND
    a.schedule = b.schedule AND a.run_id < b.run_id AND a.escalated_from = ''
    AND b.escalated_from = '' AND abs(b.slot - a.slot) < $EVERY - 0.01")
pcheck "[ -z '$twice' ] && [ '$close' = 0 ]" \
    "no slot run twice, a schedule's slots at least $EVERY s apart ($(q "SELECT count(*) FROM runs WHERE mesh = 'customers'") runs${twice:+; twice: $twice}; $close too close)"

pcheck "[ \"\$(q \"SELECT count(*) FROM pairs p WHERE p.status = 'ok' AND (SELECT count(*) FROM traces t WHERE t.job_id IN (p.job_a, p.job_b) AND t.json IS NOT NULL) != 2\")\" = 0 ]" \
    "every pair stored ok has both traces ($(q "SELECT count(*) FROM pairs WHERE status = 'ok'") ok)"

# The runs running at the kill: interrupted; their pairs failed.
bad=
while read -r rid pid; do
	st=$(q "SELECT status FROM runs WHERE run_id = $rid")
	[ "$st" = interrupted ] || bad="$bad run $rid: $st;"
	[ -z "$pid" ] && continue
	ps=$(q "SELECT status || ': ' || reason FROM pairs WHERE pair_id = '$pid'")
	case "$ps" in
	"failed: controller restarted"*) ;;
	*) bad="$bad pair $pid: $ps;" ;;
	esac
done <"$W/running-at-kill"
pcheck "[ $nrun -ge 1 ] && [ -z '$bad' ]" \
    "the $nrun run(s) running at the kill are interrupted, their pairs failed: controller restarted${bad:+ ($bad)}"

pcheck "[ \"\$(q 'PRAGMA integrity_check')\" = ok ]" "PRAGMA integrity_check ok"
diag "wall time so far $(($(date +%s) - T0)) s (killed at $((KILLED - T0)) s, restarted at $((RESTART - T0)) s)"
