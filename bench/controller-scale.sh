#!/bin/sh
# controller-scale.sh: tracepair-controller with N connected agents: memory per
# agent connection and CPU at idle, for N = 100, 1,000, 5,000 (loopback only).
#
#   sh bench/controller-scale.sh            # N = 100 1000 5000, 60 s idle window each
#   NS="100 1000" IDLE_SECS=30 sh bench/controller-scale.sh
#   EXTRA_CONF='clock_interval 3600\nidle_timeout 7200' sh bench/controller-scale.sh
#
# The agents are tests/integration/agentsim (real TLS 1.3 + protocol, one
# certificate per agent from bench/controller-scale-certs).  For each N: a
# fresh controller; its RSS before the agents and once every agent has
# exchanged Hello and finished its first clock sync; then its CPU time over
# IDLE_SECS seconds with every agent connected and idle (the window spans a
# full clock_interval, so it includes one periodic ping round per agent).
# Prints a table and writes it to bench/results/controller-scale.txt.
set -eu

BUILD=${BUILD:-build}
BIN=$PWD/$BUILD/bin
NS=${NS:-"100 1000 5000"}
IDLE_SECS=${IDLE_SECS:-60}
OUT=${OUT:-bench/results/controller-scale.txt}

for b in tracepair-controller agentsim controller-scale-certs; do
	[ -x "$BIN/$b" ] || { echo "controller-scale: $BIN/$b missing (make -j2)" >&2; exit 1; }
done

max=0
for n in $NS; do [ "$n" -gt "$max" ] && max=$n; done
# Each agent is one descriptor in the controller and one in agentsim.
need=$((max + 200))
ulimit -n "$need" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt "$need" ]; then
	echo "controller-scale: need $need descriptors, hard limit is $(ulimit -Hn)" >&2
	exit 1
fi

tmp=$(mktemp -d /tmp/ctlscale.XXXXXX)
ctl_pid="" sim_pid=""
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
	[ -n "$ctl_pid" ] && kill "$ctl_pid" 2>/dev/null && wait "$ctl_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

sh certs/tp-pki.sh init "$tmp/pki" >/dev/null
sh certs/tp-pki.sh issue "$tmp/pki" controller ctl1 >/dev/null
"$BIN/controller-scale-certs" "$tmp/pki" sim- "$max" bench

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

wait_for() {	# wait_for FILE PATTERN SECONDS
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $(($3 * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}

port=$((21000 + $$ % 20000))
mkdir -p "$(dirname "$OUT")"
{
	echo "# controller-scale: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -r), $(nproc) cores, idle window ${IDLE_SECS}s"
	printf "%-6s %10s %10s %12s %10s %10s %10s\n" N rss0_kB rssN_kB per_conn_kB connect_s idle_cpu% cpu_ms/s
} | tee "$OUT"

for n in $NS; do
	port=$((port + 1))
	rm -f "$tmp/ctl.db"*
	cat >"$tmp/ctl.conf" <<EOF
listen 127.0.0.1:$port
ca $tmp/pki/ca.crt
cert $tmp/pki/ctl1.crt
key $tmp/pki/ctl1.key
crl $tmp/pki/crl.pem
database $tmp/ctl.db
$(printf '%b' "${EXTRA_CONF:-}")
EOF
	"$BIN/tracepair-controller" --config "$tmp/ctl.conf" >"$tmp/ctl.log" 2>&1 &
	ctl_pid=$!
	wait_for "$tmp/ctl.log" "ready" 10 || { cat "$tmp/ctl.log"; exit 1; }
	sleep 1
	rss0=$(rss_kb "$ctl_pid")
	t0=$(date +%s.%N)
	"$BIN/agentsim" --controller "127.0.0.1:$port" --pki "$tmp/pki" \
	    --prefix sim- --count "$n" >"$tmp/sim.out" 2>"$tmp/sim.err" &
	sim_pid=$!
	if ! wait_for "$tmp/sim.out" "^ready $n\$" 300; then
		echo "controller-scale: only $(grep -c 'agent online' "$tmp/ctl.log") of $n agents came up" >&2
		tail -5 "$tmp/sim.err" "$tmp/ctl.log" >&2
		exit 1
	fi
	t1=$(date +%s.%N)
	# Every agent's first sync round (8 pings) done, registry flushed.
	i=0
	while [ "$(grep -c 'clock offset' "$tmp/ctl.log")" -lt "$n" ] && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	sleep 2
	rssn=$(rss_kb "$ctl_pid")
	c0=$(cpu_ticks "$ctl_pid")
	sleep "$IDLE_SECS"
	c1=$(cpu_ticks "$ctl_pid")
	online=$(grep -c 'agent online' "$tmp/ctl.log")
	[ "$online" -eq "$n" ] || echo "# warning: $online agent sessions for N=$n" | tee -a "$OUT"
	awk -v n="$n" -v r0="$rss0" -v rn="$rssn" -v t0="$t0" -v t1="$t1" \
	    -v c0="$c0" -v c1="$c1" -v hz="$hz" -v w="$IDLE_SECS" 'BEGIN {
		cpu = (c1 - c0) / hz;
		printf "%-6d %10d %10d %12.1f %10.2f %10.3f %10.2f\n", n, r0, rn,
		    (rn - r0) / n, t1 - t0, 100 * cpu / w, 1000 * cpu / w
	}' | tee -a "$OUT"
	kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=""
	kill "$ctl_pid"; wait "$ctl_pid" 2>/dev/null || true; ctl_pid=""
done
echo "# target: per_conn_kB <= 100, idle CPU near zero (one 1 s timer, pings every 60 s per agent)" | tee -a "$OUT"
