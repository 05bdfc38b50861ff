#!/bin/sh
# t_ctl_slowloris.sh: strangers who open connections and never finish TLS
# cannot hold the controller (docs/security.md): one address gets at most
# max_connections_per_address sessions, the rest are refused at accept; the
# half-open ones are closed at hello_timeout (2 s here); at max_connections
# the controller stops accepting (new connections wait in the backlog) and
# resumes as sessions end, never exiting; a real operator is served
# throughout.  A max_connections over the descriptor limit is refused at
# start.  Loopback only (sources 127.0.0.2-6).  Prints TAP.
#
# Timing: the only waits are for hello_timeout (2 s, checked on the 1 s
# tick) against a bound of 6 s, and an operator's request against 10 s;
# no randomness, so no false failure short of a stalled machine.

. "$PWD/tests/integration/hardenlib.sh"
STRESS=$TP_BIN/ctlstress
if [ ! -x "$CTL" ] || [ ! -x "$STRESS" ]; then
	echo "1..0 # SKIP controller or ctlstress not built"
	exit 0
fi
echo "1..13"
hl_setup "hello_timeout 2
max_connections 300
max_connections_per_address 100"

# -n: a max_connections the descriptor limit cannot hold
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then
	ok "max_connections over the descriptor limit # SKIP no limit"
else
	sed 's/^max_connections 300$/max_connections 1000000/' "$HL/ctl.conf" >"$HL/big.conf"
	"$CTL" -n --config "$HL/big.conf" >"$HL/big.out" 2>&1
	rc=$?
	check "-n refuses max_connections 1000000 over the descriptor limit $hard (exit $rc: $(head -1 "$HL/big.out"))" \
	    sh -c "[ $rc -ne 0 ] && grep -q 'descriptors' '$HL/big.out'"
fi

# -n: a pfx2as "table" that is a device, not a file, is refused at once
{ cat "$HL/ctl.conf"; echo "pfx2as /dev/zero"; } >"$HL/zero.conf"
timeout 10 "$CTL" -n --config "$HL/zero.conf" >"$HL/zero.out" 2>&1
rc=$?
check "-n refuses pfx2as /dev/zero at once (exit $rc: $(head -1 "$HL/zero.out"))" \
    sh -c "[ $rc -eq 1 ] && grep -q 'not a regular file' '$HL/zero.out'"

# -n: a ca file that is a leaf certificate, a database that cannot be made
sed "s|^ca .*|ca $HL/pki/alice.crt|" "$HL/ctl.conf" >"$HL/leaf.conf"
"$CTL" -n --config "$HL/leaf.conf" >"$HL/leaf.out" 2>&1
rc=$?
check "-n refuses a ca file that is not a CA (exit $rc: $(head -1 "$HL/leaf.out"))" \
    sh -c "[ $rc -eq 1 ] && grep -q 'is not a CA' '$HL/leaf.out'"
sed "s|^database .*|database $HL/no/such/dir/ctl.db|" "$HL/ctl.conf" >"$HL/db.conf"
"$CTL" -n --config "$HL/db.conf" >"$HL/db.out" 2>&1
rc=$?
check "-n refuses a database that cannot be created (exit $rc: $(head -1 "$HL/db.out"))" \
    sh -c "[ $rc -eq 1 ] && grep -q 'cannot be created' '$HL/db.out'"

hl_start || { echo "Bail out! controller did not start"; exit 1; }
base=$(hl_fds)

# 1. one address opens 150 connections that never finish TLS
"$STRESS" slowloris "127.0.0.1:$HL_PORT" 127.0.0.2 150 8 >"$HL/slow1.out" 2>&1 &
s1=$!
HL_PIDS="$s1"
i=0
until grep -q connected "$HL/slow1.out" || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
held=$(($(hl_fds) - base))
check "one address holds at most 100 sessions (holds $held of 150)" [ "$held" -le 100 ]
check "refusals at the per-address cap are logged at most once a second" \
    [ "$(grep -c 'too many connections from this address' "$HL/ctl.log")" -le 3 ]
set -- $(hl_ms agents)
echo "# operator latency with 100 half-open connections held: $2 ms"
check "a real operator is served meanwhile (exit $1, $2 ms)" [ "$1" -eq 0 ]
wait "$s1"
HL_PIDS=""
closed=$(awk '/^closed_by_server/ { print $2 }' "$HL/slow1.out")
last=$(awk '/^last_close_s/ { print $2 }' "$HL/slow1.out")
echo "# slowloris: $(head -1 "$HL/slow1.out"), closed by the server: $closed, last at $last s"
check "every half-open connection is closed by the server ($closed of 150, the last after $last s)" \
    [ "${closed:-0}" -eq 150 ]
check "the half-open ones within hello_timeout + 3 s ($last s)" \
    awk -v l="${last:-99}" -v c="${closed:-0}" 'BEGIN { exit !(c > 0 && l <= 5.0) }'

# the CLI's own address at its cap: refused at accept, the CLI says why
# (before: killed by SIGPIPE, exit 141, nothing printed)
"$STRESS" slowloris "127.0.0.1:$HL_PORT" 127.0.0.1 100 3 >"$HL/slow0.out" 2>&1 &
HL_PIDS=$!
i=0
until grep -q connected "$HL/slow0.out" || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
set -- $(hl_ms agents)
check "a CLI refused at accept fails with the reason, not a signal (exit $1: $(head -1 "$HL/cli.err"))" \
    sh -c "[ $1 -ne 0 ] && [ $1 -lt 128 ] && grep -q 'closed by the controller' '$HL/cli.err'"
wait "$HL_PIDS"
HL_PIDS=""

# 2. five addresses, 500 connections: over max_connections 300
pids=""
for a in 2 3 4 5 6; do
	"$STRESS" slowloris "127.0.0.1:$HL_PORT" 127.0.0.$a 100 8 >"$HL/slow2.$a.out" 2>&1 &
	pids="$pids $!"
done
HL_PIDS=$pids
sleep 1.5
fds=$(($(hl_fds) - base))
set -- $(hl_ms agents)
echo "# operator latency with 300 connections held (max_connections): $2 ms"
echo "# descriptors held over its own: $fds (max_connections 300)"
check "at max_connections the controller holds no more ($fds sessions)" [ "$fds" -le 302 ]
check "a real operator is still served (exit $1, $2 ms; it waits for hello_timeout to free room)" \
    sh -c "[ $1 -eq 0 ] && [ $2 -lt 10000 ]"
for p in $pids; do wait "$p"; done
HL_PIDS=""
check "accepting paused at the cap and resumed, controller still up" \
    sh -c "grep -q 'accepting paused' '$HL/ctl.log' && grep -q 'accepting again' '$HL/ctl.log' && kill -0 $hl_ctl_pid"
[ "$fails" -eq 0 ]
