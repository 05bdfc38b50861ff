#!/bin/sh
# t_tls_controller.sh: the controller's sessions and pairs over real TLS with
# simulated agents (agentsim) and the CLI: tenants see only their agents,
# pair ok with a small measured skew, deadline exceeded and offline agents
# give clear statuses in time, a second connection with an agent's name
# replaces the first, a wrong protocol version is refused, and agents and
# pairs survive a controller restart.  Loopback only.  Prints TAP.

TP_BIN=${TP_BIN:-$PWD/build/bin}
PKI=$PWD/certs/tp-pki.sh
CTL=$TP_BIN/tracepair-controller
SIM=$TP_BIN/agentsim
CLI=$TP_BIN/tracepair
tmp=$(mktemp -d /tmp/t_tlsctl.XXXXXX)
pids=""
ctl_pid=""
n=0

cleanup() {
	for p in $pids $ctl_pid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] && rm -rf /tmp/t_tlsctl.keep && cp -r "$tmp" /tmp/t_tlsctl.keep
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() {	# check NAME COMMAND...
	name=$1; shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}
wait_for() {	# wait_for FILE PATTERN SECONDS
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $(($3 * 10)) ] && return 1
		sleep 0.1
	done
}

for b in "$CTL" "$SIM" "$CLI"; do
	if [ ! -x "$b" ] || ! command -v jq >/dev/null || ! command -v sqlite3 >/dev/null; then
		echo "1..1"
		echo "ok 1 - controller sessions # SKIP $b not built, or no jq/sqlite3"
		exit 0
	fi
done

{
	sh "$PKI" init "$tmp/pki"
	sh "$PKI" issue "$tmp/pki" controller ctl1
	sh "$PKI" issue "$tmp/pki" operator alice --org acme
	for i in 000 001 002 003; do sh "$PKI" issue "$tmp/pki" agent sim-$i --org acme; done
	sh "$PKI" issue "$tmp/pki" agent zed-000 --org other
} >"$tmp/pki.log" 2>&1 || { cat "$tmp/pki.log"; echo "Bail out! PKI set-up failed"; exit 1; }

port=$((40000 + $$ % 20000))
cat >"$tmp/ctl.conf" <<EOF
listen 127.0.0.1:$port
listen [::1]:$port
ca $tmp/pki/ca.crt
cert $tmp/pki/ctl1.crt
key $tmp/pki/ctl1.key
crl $tmp/pki/crl.pem
database $tmp/ctl.db
EOF
start_ctl() {	# start_ctl LOGFILE
	"$CTL" --config "$tmp/ctl.conf" >"$1" 2>&1 &
	ctl_pid=$!
	wait_for "$1" "ready (store" 10
}
sim() {	# sim OUTFILE ARGS...: start agentsim in the background
	out=$1; shift
	"$SIM" --controller "127.0.0.1:$port" --pki "$tmp/pki" "$@" >"$tmp/$out" 2>&1 &
	pids="$pids $!"
	last_sim=$!
}
export TRACEPAIR_CONTROLLER="127.0.0.1:$port" TRACEPAIR_CERT="$tmp/pki/alice.crt" \
    TRACEPAIR_KEY="$tmp/pki/alice.key" TRACEPAIR_CA="$tmp/pki/ca.crt"

echo "1..16"
start_ctl "$tmp/ctl.log" || { cat "$tmp/ctl.log"; echo "Bail out! controller did not start"; exit 1; }

sim fast.out --count 3 --answer --answer-delay-ms 200
sim slow.out --first 3 --count 1 --answer --answer-delay-ms 6000
slow_pid=$last_sim
sim zed.out --prefix zed- --count 1 --answer
wait_for "$tmp/fast.out" "^ready 3" 10 && wait_for "$tmp/slow.out" "^ready 1" 10 &&
    wait_for "$tmp/zed.out" "^ready 1" 10
# the first clock round of each agent the pairs below use (a pair needs
# both agents' clocks)
for a in sim-000 sim-001 sim-002 sim-003; do
	wait_for "$tmp/ctl.log" "agent $a (acme): clock offset" 10
done

"$CLI" agents >"$tmp/agents.txt" 2>&1
check "operator sees its tenant's four agents online" \
    sh -c "[ \$(grep -c ' online ' '$tmp/agents.txt') -eq 4 ]"
check "another tenant's agent is not listed" sh -c "! grep -q zed-000 '$tmp/agents.txt'"
TRACEPAIR_CONTROLLER="[::1]:$port" "$CLI" agents >"$tmp/agents6.txt" 2>&1
check "the same agents listed over IPv6 loopback" \
    sh -c "[ \"\$(awk '{ print \$1, \$3 }' '$tmp/agents.txt')\" = \"\$(awk '{ print \$1, \$3 }' '$tmp/agents6.txt')\" ] && [ -s '$tmp/agents6.txt' ]"

"$CLI" pair sim-000 zed-000 >"$tmp/zed.txt" 2>&1
rc=$?
check "pair with another tenant's agent: 'unknown agent', non-zero exit" \
    sh -c "[ $rc -ne 0 ] && grep -q 'unknown agent zed-000' '$tmp/zed.txt'"

"$CLI" pair sim-000 sim-001 --json >"$tmp/ok.json" 2>"$tmp/ok.err"
rc=$?
st=$(jq -r .status "$tmp/ok.json" 2>/dev/null)
skew=$(jq -r .skew_ms "$tmp/ok.json" 2>/dev/null)
echo "# pair sim-000 sim-001: status $st, skew ${skew} ms"
check "pair of two live agents: ok, both traces, analysis" \
    sh -c "[ $rc -eq 0 ] && [ '$st' = ok ] && [ \$(jq '.forward.hops | length' '$tmp/ok.json') -gt 0 ] && [ \$(jq '.reverse.hops | length' '$tmp/ok.json') -gt 0 ] && [ \$(jq '.analysis != null' '$tmp/ok.json') = true ]"
check "measured start skew under 50 ms on loopback (${skew} ms)" \
    awk -v s="$skew" 'BEGIN { exit !(s != "" && s >= 0 && s < 50) }'
check "both jobs carried start instants within 50 ms of each other" \
    awk '/^job sim-00[01] / { t[n++] = $5 } END { d = t[0] - t[1]; if (d < 0) d = -d; exit !(n == 2 && d < 50000000) }' "$tmp/fast.out"

t0=$(date +%s.%N)
"$CLI" pair sim-000 sim-003 --timeout 2 --json >"$tmp/dl.json" 2>"$tmp/dl.err"
rc=$?
t1=$(date +%s.%N)
el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
st=$(jq -r .status "$tmp/dl.json" 2>/dev/null)
reason=$(jq -r .reason "$tmp/dl.json" 2>/dev/null)
echo "# slow agent: status $st, reason '$reason', ${el}s"
check "deadline: partial, reason names the late agent, within 4 s" \
    sh -c "[ $rc -ne 0 ] && [ '$st' = partial ] && echo '$reason' | grep -q 'deadline exceeded (no result from agent sim-003)' && awk -v e=$el 'BEGIN { exit !(e < 4) }'"

kill "$slow_pid"; wait "$slow_pid" 2>/dev/null
# the controller has seen it go
wait_for "$tmp/ctl.log" "agent sim-003 (acme) at .*: disconnected" 10
"$CLI" pair sim-003 sim-000 --json >"$tmp/off.json" 2>/dev/null
st=$(jq -r .status "$tmp/off.json" 2>/dev/null)
reason=$(jq -r .reason "$tmp/off.json" 2>/dev/null)
check "offline agent: failed, 'agent sim-003 offline'" \
    sh -c "[ '$st' = failed ] && [ '$reason' = 'agent sim-003 offline' ]"

sim dup.out --first 1 --count 1 --answer
wait_for "$tmp/dup.out" "^ready 1" 10
check "a second connection named sim-001 replaces the first" \
    wait_for "$tmp/fast.out" "sim-001: replaced by a newer connection of agent sim-001" 5
check "the replacement is logged" grep -q "refused: replaced by a newer connection of agent sim-001" "$tmp/ctl.log"

# Hello with protocol_version 2.
printf '\000\000\000\004\022\002\010\002' | timeout 10 openssl s_client -quiet \
    -connect "127.0.0.1:$port" -CAfile "$tmp/pki/ca.crt" -cert "$tmp/pki/alice.crt" \
    -key "$tmp/pki/alice.key" >"$tmp/v2.out" 2>/dev/null
check "protocol version 2 refused with the version message" \
    grep -qa "protocol version 2 not supported (want 1)" "$tmp/v2.out"

# An agent Hello whose probe address is not an address: refused, and the
# live sim-002 keeps its registration.
printf '\000\000\000\016\022\014\010\001\042\010bad.host' | timeout 10 openssl s_client \
    -quiet -connect "127.0.0.1:$port" -CAfile "$tmp/pki/ca.crt" -cert "$tmp/pki/sim-002.crt" \
    -key "$tmp/pki/sim-002.key" >"$tmp/badaddr.out" 2>/dev/null
"$CLI" agents >"$tmp/agents3.txt" 2>&1
check "hello with a bad probe address refused; the live agent stays online" \
    sh -c "grep -qa \"probe address 'bad.host' is not an IPv4 address\" '$tmp/badaddr.out' && grep -q 'sim-002 .* online ' '$tmp/agents3.txt'"

# Restart: agents and pairs are still known.
kill "$ctl_pid"; wait "$ctl_pid" 2>/dev/null; ctl_pid=""
for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; pids=""
pairs=$(sqlite3 "$tmp/ctl.db" "SELECT count(*) FROM pairs")
traces=$(sqlite3 "$tmp/ctl.db" "SELECT count(*) FROM traces WHERE json IS NOT NULL")
check "store holds the pairs ($pairs) and traces ($traces) after shutdown" \
    sh -c "[ $pairs -eq 3 ] && [ $traces -eq 3 ]"
start_ctl "$tmp/ctl2.log"
"$CLI" agents >"$tmp/agents2.txt" 2>&1
check "after a restart the agents are listed offline" \
    sh -c "[ \$(grep -c ' offline ' '$tmp/agents2.txt') -eq 4 ]"
check "the restarted controller marked nothing running" \
    sh -c "[ \$(sqlite3 '$tmp/ctl.db' \"SELECT count(*) FROM pairs WHERE status = 'running'\") -eq 0 ]"
exit 0
