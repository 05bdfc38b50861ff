#!/bin/sh
# t_deploy_doc.sh: follow docs/deploy.md in the lab.  `make install
# DESTDIR=` (PREFIX=/usr, as the packages) into a root, the units checked by
# systemd-analyze verify, the tracepair user made with the doc's command,
# the PKI made with the installed script and the keys handed to the service
# user as the doc says, the example configs taken with only addresses
# changed, and every daemon started as its installed unit would start it
# (its User=, capabilities, ExecStartPre -n, ExecStart, state directory),
# then `tracepair agents` and a first pair.  Each node sees its own /etc and
# /var/lib under the test's directory (ROOT maps /usr/bin, NODE_DIR maps
# /etc/tracepair and /var/lib).  A wrong default, path, owner, unit or
# step of the doc fails here.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 15

PAIRLAB_DIR=$(mktemp -d /tmp/t_deploy_doc.XXXXXX)
chmod 755 "$PAIRLAB_DIR"
W=$PAIRLAB_DIR
ROOT=$W/root
made_user=""
cleanup() {
	pairlab_down
	[ -n "$made_user" ] && userdel tracepair 2>/dev/null
	:
}
trap cleanup EXIT INT TERM HUP
DOC=docs/deploy.md

# doc_has TEXT: the doc shows this exact command (the test runs it too)
doc_has() { grep -qF -- "$1" "$DOC"; }

# 1. Install, as the packages do (PREFIX=/usr, units in /lib/systemd/system).
if make --no-print-directory -s install BUILD="${BUILD:-build}" DESTDIR="$ROOT" \
    PREFIX=/usr SYSCONFDIR=/etc UNITDIR=/lib/systemd/system >"$W/install.log" 2>&1 &&
    [ -x "$ROOT/usr/bin/tracepair-controller" ] &&
    [ -x "$ROOT/usr/bin/tracepair-agentd" ] &&
    [ -f "$ROOT/lib/systemd/system/tracepair-agent.service" ] &&
    [ -f "$ROOT/etc/tracepair/tracepair-agent.conf.example" ] &&
    [ -f "$ROOT/usr/share/tracepair/tp-pki.sh" ] &&
    [ -f "$ROOT/usr/share/man/man8/tracepair-agentd.8" ]; then
	ok "make install DESTDIR= PREFIX=/usr: programs, units, example configs, PKI script, man pages"
else
	not_ok "make install DESTDIR= PREFIX=/usr" "$(tail -5 "$W/install.log")"
	exit 1
fi

# (the installed units name /usr/bin: verified as copies naming the root's
# programs, so that systemd-analyze checks that they exist; --man=no: the
# man pages are in the root, not in man's path)
mkdir -p "$W/verify"
verify_out=$(for u in tracepair-agent tracepair-controller; do
	sed "s|/usr/bin/|$ROOT/usr/bin/|g" "$ROOT/lib/systemd/system/$u.service" \
	    >"$W/verify/$u.service"
	systemd-analyze verify --man=no "$W/verify/$u.service" 2>&1; done)
if [ -z "$verify_out" ]; then
	ok "systemd-analyze verify: both installed units are clean (programs exist)"
else
	not_ok "systemd-analyze verify on the installed units" "$verify_out"
fi

# The system user, with the doc's own command.
ADDUSER="adduser --system --group --home /var/lib/tracepair --no-create-home tracepair"
if ! id tracepair >/dev/null 2>&1; then
	$ADDUSER >/dev/null 2>&1 && made_user=1
fi
check "doc_has '$ADDUSER' && id tracepair >/dev/null 2>&1" \
    "the doc's adduser command makes the tracepair user"

# The lab: the seed topology without loss; controller on the mgmt network.
PAIRLAB_ID=$("$TPLAB" up --owner $$ tests/lab/scenarios/sf-chicago-clean.scn) ||
    { not_ok "tplab up"; PAIRLAB_ID=""; exit 1; }
CTL_ADDR=$("$TPLAB" addr "$PAIRLAB_ID" controller m)

# map NODE PATH: where NODE's view of an absolute path lives here
map() {
	case $2 in
	/usr/*) echo "$ROOT$2" ;;
	*) echo "$W/$1$2" ;;
	esac
}
# rewrite NODE < file: every /etc/tracepair, /var/lib and /usr/bin path in
# NODE's view (the daemons then read and write what the doc names)
rewrite() {
	sed -e "s|/etc/tracepair|$W/$1/etc/tracepair|g" \
	    -e "s|/var/lib/|$W/$1/var/lib/|g" -e "s|/usr/bin/|$ROOT/usr/bin/|g"
}

# 2. The PKI, with the installed script, on the controller.
PKI_DIR=/etc/tracepair/pki
PKI="sh $ROOT/usr/share/tracepair/tp-pki.sh"
P=$(map controller $PKI_DIR)
mkdir -p "$(dirname "$P")"
if $PKI init "$P" >/dev/null 2>&1 &&
    $PKI issue "$P" controller ctl1 >/dev/null 2>&1 &&
    $PKI issue "$P" agent sf-office --org acme >/dev/null 2>&1 &&
    $PKI issue "$P" agent chicago-office --org acme >/dev/null 2>&1 &&
    $PKI issue "$P" operator alice --org acme >/dev/null 2>&1 &&
    doc_has '$PKI init /etc/tracepair/pki' &&
    doc_has '$PKI issue /etc/tracepair/pki controller ctl1'; then
	ok "PKI: CA, controller ctl1, two agents and operator alice, as the doc issues them"
else
	not_ok "PKI as in the doc"
fi

# 3. The controller: example config, only the listen address changed.
CE=$(map controller /etc/tracepair)
mkdir -p "$CE"
grep -v '^listen' "$ROOT/etc/tracepair/tracepair-controller.conf.example" |
    rewrite controller >"$CE/controller.conf"
echo "listen $CTL_ADDR:7300" >>"$CE/controller.conf"
chmod 755 "$W/controller" "$W/controller/etc" "$CE" "$P"

# run_unit NODE UNIT WHICH: the unit's ExecStart (or ExecStartPre) command
# as the unit runs it (User=, capabilities, no new privileges), in NODE,
# with NODE's view of the paths; prints the command's output.
unit_cmd() {	# UNIT KEY -> the command line, paths mapped for NODE=$3
	sed -n "s/^$2=//p" "$ROOT/lib/systemd/system/$1.service" | head -1 |
	    rewrite "$3"
}
unit_val() { sed -n "s/^$2=//p" "$ROOT/lib/systemd/system/$1.service" | head -1; }
setpriv_args() {	# UNIT
	_u=$(unit_val "$1" User)
	_amb=$(unit_val "$1" AmbientCapabilities | tr 'A-Z' 'a-z' | sed 's/cap_//g')
	_bnd=$(unit_val "$1" CapabilityBoundingSet | tr 'A-Z' 'a-z' | sed 's/cap_//g')
	printf '%s ' --reuid="$_u" --regid="$_u" --init-groups
	if [ -n "$_amb" ]; then
		printf '%s ' --inh-caps=+"$_amb" --ambient-caps=+"$_amb"
	fi
	printf '%s ' --bounding-set=-all${_bnd:+,+$_bnd}
	[ "$(unit_val "$1" NoNewPrivileges)" = yes ] && printf '%s ' --no-new-privs
}
# state_dir NODE UNIT: make the unit's StateDirectory= as systemd would
state_dir() {
	_d=$(unit_val "$2" StateDirectory)
	_m=$(unit_val "$2" StateDirectoryMode)
	install -d -o "$(unit_val "$2" User)" -g "$(unit_val "$2" Group)" \
	    -m "${_m:-0755}" "$W/$1/var/lib/$_d"
	chmod 755 "$W/$1" "$W/$1/var" "$W/$1/var/lib"
}
in_node() {	# NODE UNIT CMD...: CMD as the unit's user in NODE
	_n=$1 _unit=$2
	shift 2
	# shellcheck disable=SC2046
	ip netns exec "$PAIRLAB_ID-$_n" setpriv $(setpriv_args "$_unit") "$@"
}

state_dir controller tracepair-controller
# -n before the key is handed over: refused, naming the key.
# shellcheck disable=SC2046
out=$(in_node controller tracepair-controller $(unit_cmd tracepair-controller ExecStartPre controller) 2>&1)
check "echo \"\$out\" | grep -q 'ctl1.key'" \
    "controller -n as the service user refuses the root-owned key, naming it"
chown tracepair:tracepair "$P/ctl1.key"
# shellcheck disable=SC2046
out=$(in_node controller tracepair-controller $(unit_cmd tracepair-controller ExecStartPre controller) 2>&1)
check "doc_has 'chown tracepair:tracepair /etc/tracepair/pki/ctl1.key' && [ \"\$out\" = 'configuration OK' ]" \
    "after the doc's chown: controller -n (the unit's ExecStartPre) says configuration OK"
# shellcheck disable=SC2046
pairlab_spawn controller controller setpriv $(setpriv_args tracepair-controller) \
    $(unit_cmd tracepair-controller ExecStart controller) -v

# 4. Each site's agent: example config, only addresses changed.
for site in sf-office chicago-office; do
	E=$(map "$site" /etc/tracepair)
	mkdir -p "$E"
	install -m 644 "$P/ca.crt" "$E/ca.crt"
	install -m 644 "$P/$site.crt" "$E/agent.crt"
	install -o tracepair -g tracepair -m 600 "$P/$site.key" "$E/agent.key"
	a4=$("$TPLAB" addr "$PAIRLAB_ID" "$site" 4)
	sed -e "s|^controller .*|controller $CTL_ADDR:7300|" \
	    -e "s|^#probe_addr4 .*|probe_addr4 $a4|" \
	    "$ROOT/etc/tracepair/tracepair-agent.conf.example" |
	    rewrite "$site" >"$E/agent.conf"
	# the lab serves no DNS for the controller's address: an address is given
	chmod 755 "$W/$site" "$W/$site/etc" "$E"
	state_dir "$site" tracepair-agent
	# shellcheck disable=SC2046
	out=$(in_node "$site" tracepair-agent $(unit_cmd tracepair-agent ExecStartPre "$site") 2>&1)
	check "echo \"\$out\" | grep -q '^configuration OK (agent $site, tenant acme, controller $CTL_ADDR:7300)'" \
	    "$site: agent -n (the unit's ExecStartPre, as tracepair with CAP_NET_RAW) says configuration OK"
	# shellcheck disable=SC2046
	pairlab_spawn "agent-$site" "$site" setpriv $(setpriv_args tracepair-agent) \
	    $(unit_cmd tracepair-agent ExecStart "$site") -v
done
check "doc_has 'install -o tracepair -g tracepair -m 600 sf-office.key /etc/tracepair/agent.key'" \
    "the doc hands each agent key to the service user"

# 5. The operator, with the doc's cli.conf.
A=$W/alice
mkdir -p "$A"
cp "$P/ca.crt" "$P/alice.crt" "$P/alice.key" "$A/"
cat >"$A/cli.conf" <<EOF
controller $CTL_ADDR:7300
ca   $A/ca.crt
cert $A/alice.crt
key  $A/alice.key
EOF
cli() {
	ip netns exec "$PAIRLAB_ID-controller" env TRACEPAIR_CONFIG="$A/cli.conf" \
	    "$ROOT/usr/bin/tracepair" "$@"
}
online=0
i=0
while [ $i -lt 150 ]; do
	online=$(cli agents --json 2>/dev/null |
	    jq '[.[] | select(.online and .rtt_ms > 0)] | length' 2>/dev/null)
	[ "${online:-0}" -ge 2 ] && break
	sleep 0.2
	i=$((i + 1))
done
if [ "${online:-0}" -ge 2 ]; then
	ok "tracepair agents (the doc's cli.conf): both sites online, clocks measured"
else
	not_ok "tracepair agents: both sites online" "$(pairlab_logs)"
fi

# The daemons run as the units would: uid tracepair, no capability left.
for site in sf-office chicago-office; do
	pid=$(pairlab_pid "agent-$site")
	# the daemon is the child the agent execs (tracepair-agentd), same pid
	uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
	capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
	check "[ \"$uid\" = \"$(id -u tracepair)\" ] && [ \"$capeff\" = 0000000000000000 ]" \
	    "$site: the agent runs as tracepair with no capability left (uid $uid, CapEff $capeff)"
done
db=$(map controller /var/lib/tracepair/controller.db)
check "[ \"\$(stat -c %U \"$db\" 2>/dev/null)\" = tracepair ]" \
    "the controller keeps its database in its state directory, owned by tracepair"

# The first pair.
cli pair sf-office chicago-office -n -q 3 --json >"$W/pair.json" 2>"$W/pair.err"
check "jq -e '.status == \"ok\" and .forward.reached and .reverse.reached' $W/pair.json >/dev/null" \
    "tracepair pair sf-office chicago-office: ok, both directions reach the other site"
check "doc_has 'tracepair pair sf-office chicago-office'" \
    "the doc's first pair is the one run here"
