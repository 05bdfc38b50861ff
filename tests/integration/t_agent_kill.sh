#!/bin/sh
# t_agent_kill.sh: kill -9 of an agent in the middle of a paired trace gives
# a clear failed/partial status naming that agent within the deadline (the
# pair never hangs), and the restarted agent registers again.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 4

W=$(mktemp -d /tmp/t_agent_kill.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP
pairlab_up_small

# A slow pair: 20 probes a hop, 100 ms apart: several seconds per direction.
TIMEOUT=30
t0=$(date +%s.%N)
pairlab_cli pair sf-office chicago-office -n -q 20 -z 0.1 -m 6 \
    --timeout $TIMEOUT --json >"$W/pair.json" 2>"$W/pair.err" &
cli=$!
# kill chicago-office once its job is running
i=0
while ! grep -q 'job .*: starting\|job .* in [0-9.]* ms' "$PAIRLAB_DIR/agent-chicago-office.log" &&
    [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
pairlab_stop_agent chicago-office KILL
wait $cli
rc=$?
t1=$(date +%s.%N)
el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
st=$(jq -r .status "$W/pair.json" 2>/dev/null)
reason=$(jq -r .reason "$W/pair.json" 2>/dev/null)
diag "status $st, reason '$reason', exit $rc, after $el s"
pcheck "[ '$st' = failed ] || [ '$st' = partial ]" "pair ends failed or partial (got '$st')"
pcheck "echo '$reason' | grep -q 'chicago-office' && echo '$reason' | grep -qi 'disconnect\|offline'" \
    "the reason names the killed agent ('$reason')"
pcheck "awk -v e=$el -v t=$TIMEOUT 'BEGIN { exit !(e < t) }' && [ $rc -ne 0 ]" \
    "the CLI returns non-zero within the ${TIMEOUT}s deadline (${el}s, exit $rc)"

pairlab_start_agent chicago-office
pcheck "pairlab_wait_agents 2 20" "the restarted agent registers again"
