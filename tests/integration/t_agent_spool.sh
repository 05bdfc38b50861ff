#!/bin/sh
# t_agent_spool.sh: the controller stops while both agents finish their jobs;
# the results wait in each agent's spool (fsync'd files), survive an agent
# restart, and after the controller restarts every result arrives exactly
# once and the spools empty (ResultAck); meanwhile the agents retried with
# jittered exponential backoff.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 11

W=$(mktemp -d /tmp/t_agent_spool.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP
pairlab_up_small

nspool() { ls "$PAIRLAB_DIR/spool-$1" 2>/dev/null | grep -c '\.tps$'; }

pairlab_cli pair sf-office chicago-office -n -q 10 -z 0.1 -m 6 --timeout 30 \
    >"$W/pair.out" 2>"$W/pair.err" &
cli=$!
started() { grep -q 'job .* in [0-9.]* ms' "$PAIRLAB_DIR/agent-$1.log"; }
wait_for 10 'started sf-office && started chicago-office'
pairlab_stop_controller TERM
wait $cli
diag "CLI with the controller gone: exit $? ($(head -1 "$W/pair.err"))"

pcheck "wait_for 30 '[ \$(nspool sf-office) -eq 1 ] && [ \$(nspool chicago-office) -eq 1 ]'" \
    "each agent spooled its result while the controller was down"

# the spool survives an agent crash
pairlab_stop_agent sf-office KILL
pairlab_start_agent sf-office
pcheck "wait_for 10 \"grep -q '1 result(s) in the spool' $PAIRLAB_DIR/agent-sf-office.log\" && [ \$(nspool sf-office) -eq 1 ]" \
    "sf-office restarted with its spooled result"

pairlab_start_controller
pcheck "pairlab_wait_agents 2 30" "both agents reconnect to the restarted controller"
pcheck "wait_for 20 '[ \$(nspool sf-office) -eq 0 ] && [ \$(nspool chicago-office) -eq 0 ]'" \
    "both spools are empty once the controller acknowledged"
pcheck "grep -q 'resent 1 spooled result' $PAIRLAB_DIR/agent-sf-office.log &&
    grep -q 'resent 1 spooled result' $PAIRLAB_DIR/agent-chicago-office.log" \
    "each agent resent its spooled result after reconnecting"

# while the controller was down chicago-office retried with jittered
# exponential backoff: first delay in [0.1, 0.2] s, never above the 2 s cap,
# more than one attempt
delays=$(sed -n 's/.*reconnecting in \([0-9.]*\) s.*/\1/p' "$PAIRLAB_DIR/agent-chicago-office.log" | tr '\n' ' ')
pcheck "echo '$delays' | awk '{ if (NF < 2 || \$1 < 0.1 || \$1 > 0.2) exit 1;
    for (i = 1; i <= NF; i++) if (\$i > 2.0) exit 1; exit 0 }'" \
    "reconnect delays back off within [0.1 s, 2 s] ($delays)"

DB=$PAIRLAB_DIR/controller.db
jobs=$(sqlite3 "$DB" "select count(*) from jobs" 2>/dev/null)
traces=$(sqlite3 "$DB" "select count(*) from traces where json is not null and json != ''" 2>/dev/null)
rows=$(sqlite3 "$DB" "select count(*) from traces" 2>/dev/null)
pcheck "[ '$jobs' = 2 ] && [ '$traces' = 2 ]" \
    "both jobs' traces are stored (jobs $jobs, traces $traces)"
pcheck "[ '$rows' = 2 ] && [ \$(sqlite3 $DB 'select count(distinct job_id) from traces') = 2 ]" \
    "each result stored exactly once ($rows rows)"

# A result the store cannot take is not acknowledged: another writer holds
# the database (BEGIN EXCLUSIVE) longer than the controller's busy timeout
# (5 s) while a trace's result arrives; the store fails, no ack goes back,
# and the agent keeps the result spooled.  The operator is told "store
# error" at once (not "deadline exceeded" a minute later).  Once the store
# is free the controller asks the agent to resend (Ping.resend_spool), and
# the store takes it without a reconnect.
nstart() { grep -c 'job .*: starting' "$PAIRLAB_DIR/agent-sf-office.log"; }
n0=$(nstart)
pairlab_cli trace sf-office "$("$TPLAB" addr "$PAIRLAB_ID" chicago-office 4)" \
    -n -q 10 -z 0.1 -m 6 --json --timeout 60 >"$W/trace.out" 2>"$W/trace.err" &
cli=$!
wait_for 10 "[ \$(nstart) -gt $n0 ]"
# the lock is held until the controller has logged the store's failure (at
# most 40 s)
stored_failed() { grep -q 'job .*: store: .*locked' "$PAIRLAB_DIR/controller.log"; }
(echo 'BEGIN EXCLUSIVE;'; echo "SELECT 'locked';"
    wait_for 40 stored_failed; echo 'COMMIT;') |
    sqlite3 "$DB" >"$W/lock.out" 2>&1 &
lock=$!
wait_for 5 "grep -q locked $W/lock.out"
pcheck "wait_for 40 stored_failed && [ \$(nspool sf-office) -eq 1 ]" \
    "a result the store cannot take (database locked) is not acknowledged: still spooled"
wait $lock
ups=$(grep -c 'session up' "$PAIRLAB_DIR/agent-sf-office.log")
pcheck "wait_for 30 '[ \$(nspool sf-office) -eq 0 ]' &&
    [ \$(sqlite3 $DB 'select count(*) from traces') = 3 ] &&
    [ \$(grep -c 'session up' $PAIRLAB_DIR/agent-sf-office.log) -eq $ups ]" \
    "once the store is free it takes the result without a reconnect (spool empty, 3 traces)"
wait $cli
pcheck "grep -q 'store error' $W/trace.out $W/trace.err" \
    "the operator is told 'store error' ($(head -c 160 "$W/trace.err"))"
