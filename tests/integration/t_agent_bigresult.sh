#!/bin/sh
# t_agent_bigresult.sh: every result can be delivered (issue 14, item 5).
# The controller states its frame limit in Hello; options whose result can
# never fit are refused at once; a spooled result over a (smaller) limit of
# a restarted controller is dropped from the spool with one clear log line
# and an error sent in its place, instead of the agent reconnecting for
# ever (before: the controller refused the frame and closed, the agent
# reconnected and resent it, in a loop).
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 7

W=$(mktemp -d /tmp/t_agent_bigresult.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP
pairlab_up_small

nspool() { ls "$PAIRLAB_DIR/spool-$1" 2>/dev/null | grep -c '\.tps$'; }
ALOG=$PAIRLAB_DIR/agent-sf-office.log

pcheck "grep -q 'session up (.*results up to 1048560 bytes' $ALOG" \
    "the agent learns the controller's frame limit from its Hello (1 MiB)"

# 44 hops x 1,000 probes: at least 1,056,416 bytes, never one frame
pairlab_cli pair sf-office chicago-office -n -q 1000 -f 1 -m 44 --timeout 20 \
    >"$W/big.out" 2>"$W/big.err"
rc=$?
pcheck "[ $rc -ne 0 ] && grep -q '44000 probes make a result of at least 1056416 bytes, over the controller.s frame limit of 1048576 bytes' $W/big.err" \
    "options whose result cannot fit are refused at once ($(head -1 "$W/big.err"))"

# a result spooled while the controller is down (jobs counted from here:
# a controller that let the pair above through started jobs too)...
njobs() { grep -c 'job .* in [0-9.]* ms' "$PAIRLAB_DIR/agent-$1.log"; }
j_sf=$(njobs sf-office) j_chi=$(njobs chicago-office)
pairlab_cli pair sf-office chicago-office -n -q 10 -z 0.1 -m 6 --timeout 30 \
    >"$W/pair.out" 2>"$W/pair.err" &
cli=$!
started() {
	if [ "$1" = sf-office ]; then [ "$(njobs sf-office)" -gt "$j_sf" ]
	else [ "$(njobs chicago-office)" -gt "$j_chi" ]; fi
}
wait_for 10 'started sf-office && started chicago-office'
pairlab_stop_controller TERM
wait $cli
pcheck "wait_for 30 '[ \$(nspool sf-office) -eq 1 ] && [ \$(nspool chicago-office) -eq 1 ]'" \
    "each agent spooled its result while the controller was down"
# ...then a controller that takes at most 1 KiB frames
echo "frame_limit 1024" >>"$PAIRLAB_DIR/controller.conf"
ups0=$(grep -c 'session up' "$ALOG")
pairlab_start_controller
pcheck "wait_for 20 \"grep -q 'spool: result of job .* bytes) is over the controller.s frame limit (1008 bytes for a result): dropped from the spool, an error sent in its place' $ALOG\"" \
    "the result over the new limit is dropped with one clear line"
diag "$(grep -m1 'dropped from the spool' "$ALOG" | sed 's/^.*spool: /spool: /')"
pcheck "wait_for 20 '[ \$(nspool sf-office) -eq 0 ] && [ \$(nspool chicago-office) -eq 0 ]'" \
    "both spools empty: the errors sent in place were acknowledged"
sleep 5
ups=$(($(grep -c 'session up' "$ALOG") - ups0))
pcheck "[ $ups -eq 1 ]" "no reconnect loop: one session in 5 s ($ups)"
DB=$PAIRLAB_DIR/controller.db
n=$(sqlite3 "$DB" "select count(*) from traces where error like '%over the controller''s frame limit%'" 2>/dev/null)
pcheck "[ '$n' = 2 ]" "the controller stored both jobs' errors, naming the frame limit ($n)"
