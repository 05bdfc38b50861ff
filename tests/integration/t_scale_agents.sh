#!/bin/sh
# t_scale_agents.sh: 200 agents (agentsim: one process, 200 real TLS
# sessions speaking the agent protocol) connect to one controller at once,
# all are listed online by `tracepair agents`, and they answer jobs; a
# result sent twice is acknowledged twice and stored once.
# Runs on the loopback of a private network namespace.
. tests/lab/lib.sh
require_root
plan 6
N=${SCALE_AGENTS:-200}

DUP=
for b in tracepair-controller tracepair agentsim; do
	[ -x "$TP_BIN/$b" ] || { echo "not ok 1 - $TP_BIN/$b not built"; exit 1; }
done
NS=tpscale$$
W=$(mktemp -d /tmp/t_scale.XXXXXX)
CTL=; SIM=
cleanup() {
	for _p in $DUP $SIM $CTL; do
		kill "$_p" 2>/dev/null && wait "$_p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT INT TERM HUP
ip netns add "$NS" && ip -n "$NS" link set lo up || { echo "not ok 1 - netns"; exit 1; }
in_ns() { ip netns exec "$NS" "$@"; }
# Daemons are started with `ip netns exec` itself in the background (not
# through in_ns): then $! is the daemon's PID (ip execs it), and cleanup's
# kill reaches it instead of a subshell that would leave it orphaned.

P=$W/pki
t0=$(date +%s)
sh certs/tp-pki.sh init "$P" >/dev/null 2>&1
sh certs/tp-pki.sh issue "$P" controller ctl >/dev/null 2>&1
sh certs/tp-pki.sh issue "$P" operator alice --org acme >/dev/null 2>&1
i=0
while [ $i -lt "$N" ]; do
	sh certs/tp-pki.sh issue "$P" agent "$(printf 'sim-%03d' $i)" --org acme \
	    >"$W/issue.log" 2>&1 || { diag "issuing sim-$i failed: $(cat "$W/issue.log")"; break; }
	i=$((i + 1))
done
sh certs/tp-pki.sh issue "$P" agent dup-000 --org acme >/dev/null 2>&1
diag "issued $i agent certificates in $(( $(date +%s) - t0 )) s"
cat >"$W/controller.conf" <<CONF
listen 127.0.0.1:7300
ca $P/ca.crt
cert $P/ctl.crt
key $P/ctl.key
crl $P/crl.pem
database $W/controller.db
CONF
ulimit -n 4096 2>/dev/null
ip netns exec "$NS" "$TP_BIN/tracepair-controller" --config "$W/controller.conf" >"$W/controller.log" 2>&1 &
CTL=$!
i=0
while ! grep -q 'ready' "$W/controller.log" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
cli() {
	in_ns env TRACEPAIR_CONTROLLER=127.0.0.1:7300 TRACEPAIR_CA="$P/ca.crt" \
	    TRACEPAIR_CERT="$P/alice.crt" TRACEPAIR_KEY="$P/alice.key" \
	    TRACEPAIR_CONFIG=/dev/null "$TP_BIN/tracepair" "$@"
}

t0=$(date +%s.%N)
ip netns exec "$NS" "$TP_BIN/agentsim" --controller 127.0.0.1:7300 --pki "$P" --prefix sim- \
    --count "$N" --answer --answer-delay-ms 50 >"$W/sim.out" 2>&1 &
SIM=$!
i=0
while ! grep -q "^ready $N" "$W/sim.out" && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
t1=$(date +%s.%N)
check "grep -q '^ready $N' $W/sim.out" \
    "$N agent sessions up (Hello exchanged) in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"

cli agents --json >"$W/agents.json" 2>"$W/agents.err"
online=$(jq '[.[] | select(.online and (.name | startswith("sim-")))] | length' "$W/agents.json" 2>/dev/null)
check "[ '$online' = $N ]" "tracepair agents lists $N agents online (got ${online:-none})"
check "[ \$(jq -r '.[].name' $W/agents.json | sort -u | wc -l) -eq $N ]" "each agent listed once"
cli agents >"$W/agents.txt" 2>&1
check "grep -q '^$N agent(s), $N online' $W/agents.txt" "the text listing counts $N online"

# the simulated agents answer jobs: a pair between two of them completes
last=$(printf 'sim-%03d' $((N - 1)))
cli pair sim-000 "$last" -n --json >"$W/pair.json" 2>"$W/pair.err"
rc=$?
check "[ $rc -eq 0 ] && [ \"\$(jq -r .status $W/pair.json)\" = ok ]" \
    "a pair between two simulated agents completes among $N (exit $rc)"
# a result sent twice (an agent resending after a lost ack) is acked twice
# and stored once
ip netns exec "$NS" "$TP_BIN/agentsim" --controller 127.0.0.1:7300 --pki "$P" --prefix dup- \
    --count 1 --answer-twice >"$W/dup.out" 2>&1 &
DUP=$!
i=0
while ! grep -q '^ready 1' "$W/dup.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
i=0
while [ "$(cli agents --json 2>/dev/null | jq '[.[] | select(.name == "dup-000" and .rtt_ms > 0)] | length')" != 1 ] &&
    [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
cli trace dup-000 198.18.255.9 -n --json >"$W/dup.json" 2>"$W/dup.err"
rc=$?
job=$(awk '$1 == "job" { print $3; exit }' "$W/dup.out")
wait_for 5 "[ \$(grep -c '^ack dup-000 $job\$' $W/dup.out) -ge 2 ]"
acks=$(grep -c "^ack dup-000 $job\$" "$W/dup.out")
rows=$(sqlite3 "$W/controller.db" "select count(*) from traces where job_id = '$job'" 2>/dev/null)
check "[ $rc -eq 0 ] && [ '$acks' = 2 ] && [ '$rows' = 1 ]" \
    "a result sent twice: trace ok (exit $rc), acked twice ($acks), stored once ($rows row)"
kill "$DUP" 2>/dev/null && wait "$DUP" 2>/dev/null

kill -0 "$CTL" 2>/dev/null || { diag "controller died:"; tail -20 "$W/controller.log" | sed 's/^/# /'; }
