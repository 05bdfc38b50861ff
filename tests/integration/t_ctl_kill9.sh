#!/bin/sh
# t_ctl_kill9.sh: the controller killed (SIGKILL) during pairs, 10 times in
# a row (issue 14, "Tests and figures"; docs/security.md).  Each round asks
# for a pair whose two jobs take about 2 s, kills the controller at a
# point drawn from the run's seed (TPLAB_SEED) between the request and
# shortly after the agents' results (so some kills land while the jobs
# probe, some while results are sent and stored, some after), restarts
# it and waits for both agents.  Then, once the agents' spools are empty:
#   - every job an agent started has exactly one stored trace (result or
#     error) and every result an agent saw acknowledged is stored: none
#     lost, none stored twice (the agents' logs name each job they ran);
#   - no pair is left "running"; every pair that was running at a kill
#     failed "controller restarted";
#   - PRAGMA integrity_check ok, and a pair after the loop is ok.
# The kill points vary with the seed; every check must hold for every one
# of them.  Odd rounds kill within 0.9 s of the jobs' start (a job here is
# 3 hops x 5 probes 0.1 s apart, 1.5 to 2.5 s: in flight), even rounds
# anywhere in 0..3.9 s (in flight, results being sent, or after).
# Wall time on this 2-core machine (shared with other runs), 2026-12-05:
# see the last diagnostic line (about 45 s).
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 8

T0=$(date +%s)
W=$(mktemp -d /tmp/t_ctl_kill9.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
pairlab_up_small
DB=$PAIRLAB_DIR/controller.db
q() { sqlite3 "$DB" "$1" 2>/dev/null; }
nspool() { ls "$PAIRLAB_DIR/spool-$1" 2>/dev/null | grep -c '\.tps$'; }
nstart() { grep -c 'job .*: starting' "$PAIRLAB_DIR/agent-$1.log"; }

ROUNDS=10
# the kill points: a deterministic walk from the seed, after both agents
# started their jobs: 0 to 0.9 s in odd rounds, 0 to 3.9 s in even ones
R=$((TPLAB_SEED % 1000))
back=0 inflight=0 points=
i=1
while [ $i -le $ROUNDS ]; do
	R=$(((R * 1103515245 + 12345) % 2147483648))
	d=$(awk -v r=$R -v i=$i 'BEGIN { printf "%.1f", (int(r / 65536) % (i % 2 ? 10 : 40)) / 10 }')
	points="$points $d"
	a0=$(nstart sf-office) b0=$(nstart chicago-office)
	pairlab_cli pair sf-office chicago-office -n -q 5 -z 0.1 -m 6 \
	    --timeout 30 --json >"$W/pair$i.json" 2>"$W/pair$i.err" &
	cli=$!
	wait_for 10 "[ \$(nstart sf-office) -gt $a0 ] && [ \$(nstart chicago-office) -gt $b0 ]" ||
	    diag "round $i: the jobs did not start within 10 s"
	sleep "$d"
	pairlab_stop_controller KILL
	# what the dead controller left running
	q "SELECT pair_id FROM pairs WHERE status = 'running'" >>"$W/running-at-kill"
	n=$(q "SELECT count(*) FROM pairs WHERE status = 'running'")
	[ "${n:-0}" -ge 1 ] && inflight=$((inflight + 1))
	wait $cli 2>/dev/null
	pairlab_start_controller
	if pairlab_wait_agents 2 20; then
		back=$((back + 1))
	else
		diag "round $i: only $(pairlab_online) agents back after 20 s"
	fi
	i=$((i + 1))
done
diag "kill points (s after both jobs started):$points; a pair running at $inflight of $ROUNDS kills"

pcheck "[ $back = $ROUNDS ]" \
    "both agents back after each of the $ROUNDS kills ($back of $ROUNDS)"
pcheck "[ $inflight -ge $((ROUNDS / 2)) ]" \
    "the kills within 0.9 s of the jobs' start caught their pair in flight ($inflight of $ROUNDS kills did)"
# the agents run on when the controller dies: wait until every job they
# started has ended (its result made, to send or to spool)
jobs_in() {
	for a in sf-office chicago-office; do
		sed -n "s/.*job \([^ ]*\): $1.*/\1/p" "$PAIRLAB_DIR/agent-$a.log"
	done | sort -u
}
# 0 when every job started has ended; the ones still running in $W/running
ended() {
	{ jobs_in 'trace done'; jobs_in 'failed'; } | sort -u >"$W/ended"
	jobs_in starting | comm -23 - "$W/ended" >"$W/running"
	[ ! -s "$W/running" ]
}
wait_for 30 ended ||
    diag "jobs still running after 30 s: $(tr '\n' ' ' <"$W/running")"
pcheck "wait_for 30 '[ \$(nspool sf-office) -eq 0 ] && [ \$(nspool chicago-office) -eq 0 ]'" \
    "both spools emptied: every spooled result acknowledged (sf-office $(nspool sf-office), chicago-office $(nspool chicago-office))"

# every job an agent started: one stored trace; every acknowledged one too
for a in sf-office chicago-office; do
	sed -n 's/.*job \([^ ]*\): starting.*/\1/p' "$PAIRLAB_DIR/agent-$a.log"
done | sort >"$W/started"
for a in sf-office chicago-office; do
	sed -n 's/.*job \([^ ]*\): acknowledged$/\1/p' "$PAIRLAB_DIR/agent-$a.log"
done | sort -u >"$W/acked"
q "SELECT job_id FROM traces WHERE json IS NOT NULL OR error IS NOT NULL" |
    sort >"$W/stored"
lost=$(comm -23 "$W/started" "$W/stored" | tr '\n' ' ')
lostack=$(comm -23 "$W/acked" "$W/stored" | tr '\n' ' ')
twice=$(uniq -d "$W/started" | tr '\n' ' ')
pcheck "[ -s $W/started ] && [ -z '$lost' ] && [ -z '$lostack' ] && [ -z '$twice' ]" \
    "every job started ($(grep -c . "$W/started")) has its trace stored, every acknowledged result ($(grep -c . "$W/acked")) too${lost:+; lost: $lost}${lostack:+; acknowledged, not stored: $lostack}${twice:+; started twice: $twice}"
rows=$(q "SELECT count(*) FROM traces")
jobs=$(q "SELECT count(*) FROM jobs")
pcheck "[ '$rows' = '$jobs' ] && [ '$rows' = $(grep -c . "$W/started") ]" \
    "one trace row per job, none twice ($rows rows, $jobs jobs)"

bad=
for p in $(sort -u "$W/running-at-kill"); do
	s=$(q "SELECT status || ': ' || reason FROM pairs WHERE pair_id = '$p'")
	case "$s" in
	"failed: controller restarted"*) ;;
	*) bad="$bad $p: $s;" ;;
	esac
done
left=$(q "SELECT count(*) FROM pairs WHERE status = 'running'")
pcheck "[ -z '$bad' ] && [ '$left' = 0 ]" \
    "the $(sort -u "$W/running-at-kill" | grep -c .) pair(s) running at a kill failed \"controller restarted\"; none left running${bad:+ ($bad)}"
pcheck "[ \"\$(q 'PRAGMA integrity_check')\" = ok ]" "PRAGMA integrity_check ok"

pairlab_pair_json sf-office chicago-office "$W/after.json" -q 3 -m 6
pcheck "jq -e '.status == \"ok\"' $W/after.json >/dev/null" \
    "a pair after the $ROUNDS kills: $(jq -r '.status + (if (.reason // "") != "" then ": " + .reason else "" end)' "$W/after.json" 2>/dev/null)"
diag "whole test: $(($(date +%s) - T0)) s"
