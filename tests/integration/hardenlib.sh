# hardenlib.sh: a loopback controller with its PKI for the hardening tests
# (t_ctl_*.sh): source it, then
#   hl_setup "extra config lines"  PKI (controller, operators alice and bob,
#                     agents sf and chi of tenant acme) and a config in $HL
#   hl_start          start the controller (log $HL/ctl.log); 0 once ready
#   hl_cli ARGS...    `tracepair ARGS` as operator alice (HL_OP=bob: bob)
#   hl_ms ARGS...     the same, printing "RC MS" (exit status, wall ms)
#   hl_fds            descriptors the controller holds now
#   hl_rss_kb         its resident memory (kB)
# Everything it starts it stops by PID on exit (hl_cleanup, trapped).
# Prints TAP through ok/not_ok.

TP_BIN=${TP_BIN:-$PWD/build/bin}
CTL=${HL_CTL:-$TP_BIN/tracepair-controller}
PKI=$PWD/certs/tp-pki.sh
HL=$(mktemp -d /tmp/t_hl.XXXXXX)
HL_PORT=$((20000 + $$ % 20000))
hl_ctl_pid=""
HL_PIDS=""
n=0
fails=0

hl_cleanup() {
	for _p in $HL_PIDS; do kill "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; done
	[ -n "$hl_ctl_pid" ] && kill "$hl_ctl_pid" 2>/dev/null && wait "$hl_ctl_pid" 2>/dev/null
	if [ "$fails" -gt 0 ]; then
		echo "# controller log (last 40 lines):"
		tail -40 "$HL/ctl.log" 2>/dev/null | sed 's/^/#   /'
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$HL"
}
trap hl_cleanup EXIT INT TERM

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() {	# check NAME COMMAND...
	_name=$1; shift
	if "$@"; then ok "$_name"; else not_ok "$_name"; fi
}

hl_setup() {
	{
		sh "$PKI" init "$HL/pki"
		sh "$PKI" issue "$HL/pki" controller ctl1
		sh "$PKI" issue "$HL/pki" operator alice --org acme
		sh "$PKI" issue "$HL/pki" operator bob --org acme
		sh "$PKI" issue "$HL/pki" agent sf --org acme
		sh "$PKI" issue "$HL/pki" agent chi --org acme
	} >"$HL/pki.log" 2>&1 || { cat "$HL/pki.log"; echo "Bail out! PKI set-up failed"; exit 1; }
	cat >"$HL/ctl.conf" <<EOC
listen 127.0.0.1:$HL_PORT
ca $HL/pki/ca.crt
cert $HL/pki/ctl1.crt
key $HL/pki/ctl1.key
database $HL/ctl.db
${1:-}
EOC
}

hl_start() {
	: >"$HL/ctl.log"
	"$CTL" --config "$HL/ctl.conf" -v >>"$HL/ctl.log" 2>&1 &
	hl_ctl_pid=$!
	_i=0
	while ! grep -q "ready" "$HL/ctl.log" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$hl_ctl_pid" 2>/dev/null; then
			cat "$HL/ctl.log"
			return 1
		fi
		sleep 0.1
	done
}

hl_cli() {
	TRACEPAIR_CONTROLLER=127.0.0.1:$HL_PORT \
	TRACEPAIR_CA=$HL/pki/ca.crt \
	TRACEPAIR_CERT=$HL/pki/${HL_OP:-alice}.crt \
	TRACEPAIR_KEY=$HL/pki/${HL_OP:-alice}.key \
	TRACEPAIR_CONFIG=/dev/null \
	    "$TP_BIN/tracepair" "$@"
}

hl_ms() {
	_t0=$(date +%s%N)
	hl_cli "$@" >"$HL/cli.out" 2>"$HL/cli.err"
	_rc=$?
	echo "$_rc $((($(date +%s%N) - _t0) / 1000000))"
}

hl_fds() { ls "/proc/$hl_ctl_pid/fd" 2>/dev/null | wc -l; }
hl_rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$hl_ctl_pid/status" 2>/dev/null; }
