#!/bin/sh
# t_ctl_store_busy.sh: while another writer holds the controller's database
# (BEGIN EXCLUSIVE), the controller's event loop keeps answering.  The
# registry rows it writes every second (an agent that went away makes them
# dirty) wait at most STORE_CACHE_BUSY_MS (100 ms) for the lock and give
# up (controller/store_sqlite.c store_agent_put_many); with the full 5 s
# busy timeout of results the loop would stall 5 s at a time, and an
# operator's `tracepair agents`, served from memory, would wait that long.
#
# Not statistical: an answer takes a TLS handshake and a request (well
# under 1 s on a loaded machine; the bound is 3 s), a stalled loop 5 s
# for each of the handshake's turns.  The mutation store-registry-busy
# (tests/mutate/mutations.txt) is what this catches.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 4

W=$(mktemp -d /tmp/t_ctl_store_busy.XXXXXX)
lock=
trap '[ -n "$lock" ] && kill $lock 2>/dev/null; pairlab_down; rm -rf "$W"' EXIT INT TERM HUP
if ! pairlab_up_small; then
	pfail "pairlab up with both agents registered" "$(pairlab_logs)"
	exit 1
fi
DB=$PAIRLAB_DIR/controller.db

# the lock, held until $W/release exists (at most 60 s)
(echo 'BEGIN EXCLUSIVE;'; echo "SELECT 'locked';"
    i=0; while [ ! -e "$W/release" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    echo 'COMMIT;') | sqlite3 "$DB" >"$W/lock.out" 2>&1 &
lock=$!
pcheck "wait_for 5 'grep -q locked $W/lock.out'" "another writer holds the database"

# an agent goes away: its registry row is dirty, and every flush meets the lock
pairlab_stop_agent chicago-office
pcheck "wait_for 10 \"grep -q 'registry: .*locked' $PAIRLAB_DIR/controller.log\"" \
    "the controller's registry flush meets the lock and gives up (logged)"

# three requests, each answered within 3 s
worst=0 fails=0
for i in 1 2 3; do
	t1=$(date +%s.%N)
	pairlab_cli agents --json >"$W/agents.json" 2>"$W/agents.err" || fails=$((fails + 1))
	took=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	worst=$(awk -v a="$worst" -v b="$took" 'BEGIN { print (b > a) ? b : a }')
	sleep 0.5
done
pcheck "[ $fails -eq 0 ] && awk -v w='$worst' 'BEGIN { exit !(w < 3) }'" \
    "tracepair agents answers while the database is locked (worst of 3: $worst s, $fails failed)"

# released: the flush goes through, the row says chicago-office is offline
touch "$W/release"
wait $lock
lock=
offline() {
	_c=$(sqlite3 "$DB" "select connected_since from agents where name = 'chicago-office'" 2>/dev/null)
	[ "$_c" = 0 ] || [ "$_c" = 0.0 ]
}
pcheck "wait_for 10 offline" \
    "once the lock is gone the registry row is written (chicago-office offline)"
