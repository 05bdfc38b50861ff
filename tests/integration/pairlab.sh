# pairlab.sh: a tracepair deployment inside a tplab lab: PKI, controller on the management network, one agent per office.
#
# Source it (POSIX sh), then:
#   pairlab_up SCENARIO [AGENT_NODE...]   certificates into a temp dir, the
#                       lab (tests/lab/scenarios/SCENARIO.scn or a path), the
#                       controller on node "controller" (its mgmt address),
#                       one agent per node (default: sf-office chicago-office)
#                       probing at the node's primary IPv4 address; returns
#                       once every agent is registered online (0) or not (1).
#   pairlab_up_small [NOTE]  the built-in small lab in $W, one TAP result
#   pairlab_cli ARGS...  run `tracepair ARGS` as operator alice (tenant acme)
#                        from the controller node
#   pairlab_start_agent NODE / pairlab_stop_agent NODE [SIGNAL]
#   pairlab_start_controller / pairlab_stop_controller [SIGNAL]
#   pairlab_wait_agents N [SECONDS]   until N agents are online
#   pairlab_logs         print every daemon log (call it when a test fails)
#   pairlab_down         stop everything this file started, tear the lab down
#
# PAIRLAB_CTL_EXTRA (optional, set before pairlab_up): more controller config
# lines, e.g. "pair_margin_ms 20"; PAIRLAB_AGENT_EXTRA: the same for every
# agent's config, e.g. "max_jobs 2".
# PAIRLAB_CTL_ROUTED=1 (or 6): the controller listens on its routed IPv4
# (IPv6) address (node "controller" in the topology, not on a management
# network), so agents reach it through their sites' gateways (NAT tests).
# PAIRLAB_AUTO_ADDR=1: agents are given no probe address; the controller
# uses the address their connection arrives from.
# PAIRLAB_PFX2AS (optional): a pfx2as table for the controller ("pfx2as
# FILE"), e.g. tests/lab/scenarios/sf-chicago.pfx2as; a relative path is
# taken from the top of the tree.  Default: none.
# Set by pairlab_up: PAIRLAB_DIR (temp dir: pki/, *.conf, *.log, spools),
# PAIRLAB_ID (lab id), PAIRLAB_CTL (controller HOST:PORT), PAIRLAB_AGENTS.
# Every process is started by this file and stopped by its PID; nothing else
# is touched.  Callers should `trap pairlab_down EXIT INT TERM`.

PAIRLAB_TOP=${PAIRLAB_TOP:-$PWD}
[ -f "$PAIRLAB_TOP/tests/integration/pairlab.sh" ] ||
    PAIRLAB_TOP=$(cd "$(dirname "$0")/../.." && pwd)
TP_BIN=${TP_BIN:-$PAIRLAB_TOP/build/bin}
TPLAB=${TPLAB:-$PAIRLAB_TOP/tests/lab/tplab}
PKI_SH=${PKI_SH:-$PAIRLAB_TOP/certs/tp-pki.sh}
PAIRLAB_PORT=${PAIRLAB_PORT:-7300}
PAIRLAB_DIR=""
PAIRLAB_ID=""
PAIRLAB_CTL=""
PAIRLAB_AGENTS=""

pairlab_log() { echo "# pairlab: $*" >&2; }

# pid file of a daemon: $PAIRLAB_DIR/NAME.pid
pairlab_pid() { cat "$PAIRLAB_DIR/$1.pid" 2>/dev/null; }

# Start "NAME NODE CMD ARGS..." in the background inside NODE; log to NAME.log.
pairlab_spawn() {
	_sp_name=$1 _sp_node=$2
	shift 2
	"$TPLAB" exec "$PAIRLAB_ID" "$_sp_node" "$@" \
	    >>"$PAIRLAB_DIR/$_sp_name.log" 2>&1 &
	echo $! >"$PAIRLAB_DIR/$_sp_name.pid"
}

# Stop daemon NAME (by its recorded PID) with SIGNAL (TERM), wait for it.
pairlab_kill() {
	_pid=$(pairlab_pid "$1")
	[ -n "$_pid" ] || return 0
	kill -"${2:-TERM}" "$_pid" 2>/dev/null
	_i=0
	while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	rm -f "$PAIRLAB_DIR/$1.pid"
}

pairlab_pki() {
	_p=$PAIRLAB_DIR/pki
	sh "$PKI_SH" init "$_p" >/dev/null 2>&1 || return 1
	sh "$PKI_SH" issue "$_p" controller ctl >/dev/null 2>&1 || return 1
	sh "$PKI_SH" issue "$_p" operator alice --org acme >/dev/null 2>&1 || return 1
	sh "$PKI_SH" issue "$_p" operator mallory --org other >/dev/null 2>&1 || return 1
	# the controller's evidence signing key (docs/evidence.md)
	sh "$PKI_SH" issue "$_p" signer evsign --org acme >/dev/null 2>&1 || return 1
	for _a in $PAIRLAB_AGENTS; do
		sh "$PKI_SH" issue "$_p" agent "$_a" --org acme >/dev/null 2>&1 ||
		    return 1
	done
}

pairlab_start_controller() {
	pairlab_spawn controller controller "$TP_BIN/tracepair-controller" \
	    --config "$PAIRLAB_DIR/controller.conf" -v
}

pairlab_stop_controller() { pairlab_kill controller "${1:-TERM}"; }

pairlab_start_agent() {
	pairlab_spawn "agent-$1" "$1" "$TP_BIN/tracepair-agent" \
	    --config "$PAIRLAB_DIR/agent-$1.conf" -v
}

pairlab_stop_agent() { pairlab_kill "agent-$1" "${2:-TERM}"; }

# pairlab_pair_json A B FILE [OPTIONS...]: `pair A B -n --json OPTIONS` into
# FILE (stderr FILE.err), asked again while an agent's clock is still being
# measured (it connected just now; at most 10 s); the CLI's exit status.
pairlab_pair_json() {
	_pj_a=$1 _pj_b=$2 _pj_f=$3
	shift 3
	_pj_i=0
	while :; do
		pairlab_cli pair "$_pj_a" "$_pj_b" -n --json "$@" >"$_pj_f" 2>"$_pj_f.err"
		_pj_rc=$?
		grep -q 'clock not measured yet' "$_pj_f.err" && [ $_pj_i -lt 50 ] ||
		    return $_pj_rc
		sleep 0.2
		_pj_i=$((_pj_i + 1))
	done
}

# pairlab_shared FILE: the shared routers of a pair's JSON analysis as
# "FWD~REV/HOW" (addresses and how they were matched), space-separated.
pairlab_shared() {
	jq -r '[.analysis.shared[] | "\(.forward.addr)~\(.reverse.addr)/\(.how)"] | join(" ")' "$1"
}

# pairlab_agent_field FILE NAME FIELD: FIELD of agent NAME in FILE
# (`agents --json` output).
pairlab_agent_field() {
	jq -r ".[] | select(.name == \"$2\") | .$3" "$1"
}

# pairlab_agent_reconf NODE LINE: add LINE to NODE's agent config and
# restart it; returns once every agent is online again (0) or not (1).
pairlab_agent_reconf() {
	printf '%s\n' "$2" >>"$PAIRLAB_DIR/agent-$1.conf"
	pairlab_stop_agent "$1"
	pairlab_start_agent "$1"
	pairlab_wait_agents "$(echo $PAIRLAB_AGENTS | wc -w)" 30
}

# Write the agent config of NODE (probe address: its primary IPv4, none
# with PAIRLAB_AUTO_ADDR).
pairlab_agent_conf() {
	_a4=$("$TPLAB" addr "$PAIRLAB_ID" "$1" 4) || return 1
	_a6=$("$TPLAB" addr "$PAIRLAB_ID" "$1" 6 2>/dev/null) || _a6=""
	[ -n "${PAIRLAB_AUTO_ADDR:-}" ] && _a6=""
	mkdir -p "$PAIRLAB_DIR/spool-$1"
	cat >"$PAIRLAB_DIR/agent-$1.conf" <<EOF
# agent $1 of lab $PAIRLAB_ID
controller $PAIRLAB_CTL
ca $PAIRLAB_DIR/pki/ca.crt
cert $PAIRLAB_DIR/pki/$1.crt
key $PAIRLAB_DIR/pki/$1.key
${PAIRLAB_AUTO_ADDR:+# automatic: }probe_addr4 $_a4
${_a6:+probe_addr6 $_a6}
spool $PAIRLAB_DIR/spool-$1
dns $PAIRLAB_DNS
backoff_min_ms 200
backoff_max_ms 2000
connect_timeout_ms 5000
EOF
	[ -n "${PAIRLAB_AGENT_EXTRA:-}" ] &&
	    printf '%s\n' "$PAIRLAB_AGENT_EXTRA" >>"$PAIRLAB_DIR/agent-$1.conf"
	if id nobody >/dev/null 2>&1; then
		echo "user nobody" >>"$PAIRLAB_DIR/agent-$1.conf"
		chown nobody "$PAIRLAB_DIR/spool-$1"
	fi
}

# (tplab's namespaces are named ID-NODE: enter it directly, without the
# cost of a tplab start per command)
pairlab_cli() {
	ip netns exec "$PAIRLAB_ID-controller" env \
	    TRACEPAIR_CONTROLLER="$PAIRLAB_CTL" \
	    TRACEPAIR_CA="$PAIRLAB_DIR/pki/ca.crt" \
	    TRACEPAIR_CERT="$PAIRLAB_DIR/pki/${PAIRLAB_OPERATOR:-alice}.crt" \
	    TRACEPAIR_KEY="$PAIRLAB_DIR/pki/${PAIRLAB_OPERATOR:-alice}.key" \
	    TRACEPAIR_CONFIG=/dev/null \
	    "$TP_BIN/tracepair" "$@"
}

# pairlab_expect CODE PATTERN NAME -- ARGS...: run ARGS (the CLI, as a
# rule), check its exit status is CODE and that stderr is one line (two
# for a usage) matching PATTERN (case ignored); one TAP line.
pairlab_expect() {
	_code=$1 _pat=$2 _name=$3
	shift 4
	"$@" >"$PAIRLAB_DIR/expect.out" 2>"$PAIRLAB_DIR/expect.err"
	_rc=$?
	_msg=$(head -1 "$PAIRLAB_DIR/expect.err")
	if [ $_rc -eq "$_code" ] && grep -qi -- "$_pat" "$PAIRLAB_DIR/expect.err" &&
	    [ "$(grep -c . "$PAIRLAB_DIR/expect.err")" -le 2 ]; then
		ok "$_name: exit $_rc, '$_msg'"
	else
		pfail "$_name: exit $_rc (want $_code), '$_msg' (want /$_pat/)" \
		    "$(cat "$PAIRLAB_DIR/expect.err")"
	fi
}

# Number of agents `tracepair agents --json` reports online with their
# clock measured (RTT known): only those can take a paired job.
pairlab_online() {
	pairlab_cli agents --json 2>/dev/null |
	    jq '[.[] | select(.online and .rtt_ms > 0)] | length' 2>/dev/null ||
	    echo 0
}

pairlab_wait_agents() {
	_want=$1 _secs=${2:-20} _i=0
	while [ $_i -lt $((_secs * 5)) ]; do
		[ "$(pairlab_online)" -ge "$_want" ] 2>/dev/null && return 0
		sleep 0.2
		_i=$((_i + 1))
	done
	pairlab_log "only $(pairlab_online) of $_want agents online after ${_secs}s"
	return 1
}

pairlab_up() {
	_scn=$1
	shift
	PAIRLAB_AGENTS=${*:-sf-office chicago-office}
	[ -f "$_scn" ] || _scn=$PAIRLAB_TOP/tests/lab/scenarios/$_scn.scn
	# Names only when the lab serves them (tplab runs a dnsmasq on each
	# host's 127.0.0.1 for "dns" lines); otherwise the agents never resolve.
	if grep -q '^dns ' "$_scn" 2>/dev/null; then
		PAIRLAB_DNS=${PAIRLAB_DNS:-yes}
	else
		PAIRLAB_DNS=no
	fi
	for _b in tracepair-controller tracepair-agent tracepair; do
		[ -x "$TP_BIN/$_b" ] || { pairlab_log "$TP_BIN/$_b not built"; return 1; }
	done
	PAIRLAB_DIR=$(mktemp -d "${PAIRLAB_TMPDIR:-/tmp}/pairlab.XXXXXX") || return 1
	chmod 755 "$PAIRLAB_DIR"
	pairlab_pki || { pairlab_log "PKI set-up failed"; return 1; }
	PAIRLAB_ID=$("$TPLAB" up --owner $$ "$_scn") ||
	    { pairlab_log "tplab up $_scn failed"; PAIRLAB_ID=""; return 1; }
	if [ "${PAIRLAB_CTL_ROUTED:-}" = 6 ]; then
		_ctl=[$("$TPLAB" addr "$PAIRLAB_ID" controller 6)] ||
		    { pairlab_log "no controller node in the topology"; return 1; }
	elif [ -n "${PAIRLAB_CTL_ROUTED:-}" ]; then
		_ctl=$("$TPLAB" addr "$PAIRLAB_ID" controller 4) ||
		    { pairlab_log "no controller node in the topology"; return 1; }
	else
		_ctl=$("$TPLAB" addr "$PAIRLAB_ID" controller m) ||
		    { pairlab_log "no controller node on a mgmt network"; return 1; }
	fi
	PAIRLAB_CTL=$_ctl:$PAIRLAB_PORT
	cat >"$PAIRLAB_DIR/controller.conf" <<EOF
# controller of lab $PAIRLAB_ID
listen $PAIRLAB_CTL
ca $PAIRLAB_DIR/pki/ca.crt
cert $PAIRLAB_DIR/pki/ctl.crt
key $PAIRLAB_DIR/pki/ctl.key
crl $PAIRLAB_DIR/pki/crl.pem
database $PAIRLAB_DIR/controller.db
evidence_key $PAIRLAB_DIR/pki/evsign.key
evidence_cert $PAIRLAB_DIR/pki/evsign.crt
EOF
	# extra controller settings, one "key value" per line
	[ -n "${PAIRLAB_CTL_EXTRA:-}" ] &&
	    printf '%s\n' "$PAIRLAB_CTL_EXTRA" >>"$PAIRLAB_DIR/controller.conf"
	# AS numbers for the traces the controller stores
	case "${PAIRLAB_PFX2AS:-}" in
	"") ;;
	/*) echo "pfx2as $PAIRLAB_PFX2AS" >>"$PAIRLAB_DIR/controller.conf" ;;
	*) echo "pfx2as $PAIRLAB_TOP/$PAIRLAB_PFX2AS" >>"$PAIRLAB_DIR/controller.conf" ;;
	esac
	pairlab_start_controller
	_up_n=0
	for _up_a in $PAIRLAB_AGENTS; do
		pairlab_agent_conf "$_up_a" ||
		    { pairlab_log "no node $_up_a"; return 1; }
		pairlab_start_agent "$_up_a"
		_up_n=$((_up_n + 1))
	done
	pairlab_wait_agents $_up_n 30
}

# Write a small asymmetric two-office scenario to FILE (for tests that need
# two agents and a real path, not the full SF <-> Chicago lab):
#   sf-office -> r1 -> r2 -> chicago-office, back via r3 and r1; 2 ms a link.
pairlab_write_scn() {
	cat >"$1" <<'EOF'
# pairlab small: two offices, an asymmetric path, a management network.
host sf-office
router r1
router r2
router r3
host chicago-office
link sf-office r1      198.18.60.1/30  198.18.60.2/30  2001:db8:60:1::1/64 2001:db8:60:1::2/64 delay 2
link r1 r2             198.18.60.5/30  198.18.60.6/30  2001:db8:60:2::1/64 2001:db8:60:2::2/64 delay 2
link r2 chicago-office 198.18.60.9/30  198.18.60.10/30 2001:db8:60:3::1/64 2001:db8:60:3::2/64 delay 2
link r1 r3             198.18.60.13/30 198.18.60.14/30 2001:db8:60:4::1/64 2001:db8:60:4::2/64 delay 2
link r3 chicago-office 198.18.60.17/30 198.18.60.18/30 2001:db8:60:5::1/64 2001:db8:60:5::2/64 delay 2
path sf-office -> chicago-office via r1 r2
path chicago-office -> sf-office via r3 r1
mgmt 198.19.254.0/24 sf-office chicago-office controller
EOF
}

pairlab_logs() {
	[ -n "$PAIRLAB_DIR" ] || return 0
	for _f in "$PAIRLAB_DIR"/*.log; do
		[ -f "$_f" ] || continue
		echo "# ---- $(basename "$_f")"
		sed 's/^/#   /' "$_f" | tail -n "${PAIRLAB_LOG_LINES:-60}"
	done
}

# check (lib.sh) that also remembers a failure: pairlab_down then prints
# every daemon log as TAP comments.
pcheck() {
	if eval "$1"; then ok "$2"; else not_ok "$2" "failed: $1"; PAIRLAB_FAILED=1; fi
}
pfail() { PAIRLAB_FAILED=1; not_ok "$@"; }

# pairlab_up_small [NOTE]: the built-in small lab (written to $W/small.scn)
# with both agents registered.  A set-up step, not a check: a diagnostic
# when it works; one "not ok" and exit 1 when it fails (nothing else in a
# test can run without it).
pairlab_up_small() {
	pairlab_write_scn "$W/small.scn"
	if ! pairlab_up "$W/small.scn"; then
		pfail "pairlab up with both agents registered"
		exit 1
	fi
	diag "set-up: controller and both agents up${1:+ ($1)}"
}

pairlab_down() {
	[ -n "$PAIRLAB_DIR" ] || return 0
	[ -n "${PAIRLAB_FAILED:-}" ] && pairlab_logs
	for _dn_f in "$PAIRLAB_DIR"/*.pid; do
		[ -f "$_dn_f" ] || continue
		pairlab_kill "$(basename "$_dn_f" .pid)" TERM
	done
	[ -n "$PAIRLAB_ID" ] && "$TPLAB" down "$PAIRLAB_ID" >/dev/null 2>&1
	[ -n "${PAIRLAB_KEEP:-}" ] || rm -rf "$PAIRLAB_DIR"
	PAIRLAB_ID=""
	PAIRLAB_DIR=""
}
