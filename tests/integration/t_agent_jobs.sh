#!/bin/sh
# t_agent_jobs.sh: one agent runs several jobs at once (their run windows
# overlap and each result comes back to the right request), and refuses jobs
# beyond max_jobs with a clear "agent busy" error that reaches the operator.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 4

W=$(mktemp -d /tmp/t_agent_jobs.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP
PAIRLAB_AGENT_EXTRA="max_jobs 2"
pairlab_up_small "max_jobs 2"

chi=$("$TPLAB" addr "$PAIRLAB_ID" chicago-office 4)
r2=198.18.60.6
# two slow traces at once from sf-office: ~2 s each (10 probes a hop, 50 ms apart)
pairlab_cli trace sf-office "$chi" -n -q 10 -z 0.05 -m 5 --json >"$W/a.json" 2>"$W/a.err" &
pa=$!
pairlab_cli trace sf-office "$r2" -n -q 10 -z 0.05 -m 5 --json >"$W/b.json" 2>"$W/b.err" &
pb=$!
wait_for 10 "[ \$(grep -c 'job .*: starting' $PAIRLAB_DIR/agent-sf-office.log) -ge 2 ]"
# a third while both run: over max_jobs
pairlab_cli trace sf-office "$chi" -n -q 1 --json >"$W/c.json" 2>"$W/c.err"
rc=$?
wait $pa; ra=$?
wait $pb; rb=$?
pcheck "[ $ra -eq 0 ] && [ $rb -eq 0 ] && [ \"\$(jq -r .dst $W/a.json)\" = $chi ] && [ \"\$(jq -r .dst $W/b.json)\" = $r2 ]" \
    "two concurrent traces both complete, each with its own destination (exit $ra, $rb)"
overlap=$(jq -rs '(.[0].start, .[0].end, .[1].start, .[1].end)' "$W/a.json" "$W/b.json" | tr '\n' ' ')
pcheck "echo '$overlap' | awk '{ exit !(\$1 < \$4 && \$3 < \$2) }'" \
    "their run windows overlap ($overlap)"
pcheck "[ $rc -eq 1 ] && grep -q 'agent busy' $W/c.err" \
    "a third concurrent job is refused: $(head -1 "$W/c.err") (exit $rc)"
# after the two finish, the agent takes jobs again
pairlab_cli trace sf-office "$chi" -n -q 1 --json >"$W/d.json" 2>"$W/d.err"
rc=$?
pcheck "[ $rc -eq 0 ] && [ \"\$(jq -r .reached $W/d.json)\" = true ]" \
    "once they finish the agent takes a new job (exit $rc)"
