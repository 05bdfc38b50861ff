#!/bin/sh
# t_tls_refusals.sh: the controller refuses every bad client (no certificate,
# another CA, expired, revoked, no tenant, agent certificate used as an
# operator, controller certificate as a client, TLS 1.2), logs the reason,
# and keeps serving good clients; a CRL reloaded on SIGHUP takes effect.
# The clients refuse a server whose certificate (same CA) is not a
# controller's: the CLI exits with an error, the agent sends no Hello.
# Session rules: nothing before Hello, no second Hello, Hello within
# hello_timeout (2 s here) or closed.
# Loopback only.  Prints TAP.

TP_BIN=${TP_BIN:-$PWD/build/bin}
PKI=$PWD/certs/tp-pki.sh
CTL=$TP_BIN/tracepair-controller
tmp=$(mktemp -d /tmp/t_tls.XXXXXX)
ctl_pid=""
fake_pid=""
agent_pid=""
n=0
fails=0

cleanup() {
	[ -n "$ctl_pid" ] && kill "$ctl_pid" 2>/dev/null && wait "$ctl_pid" 2>/dev/null
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	[ -n "$KEEP" ] && cp "$tmp/ctl.log" /tmp/t_tls_ctl.log
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() {	# check NAME COMMAND...
	name=$1; shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

if [ ! -x "$CTL" ] || ! command -v openssl >/dev/null; then
	echo "1..1"
	echo "ok 1 - tls refusals # SKIP controller not built or no openssl"
	exit 0
fi

# Hello{protocol_version=1} and AgentsRequest{} frames (request ids 1, 2).
hello='\000\000\000\004\022\002\010\001'
agents='\000\000\000\004\010\002\112\000'

# PKI: the deployment CA and an unrelated one.
{
	sh "$PKI" init "$tmp/pki"
	sh "$PKI" issue "$tmp/pki" controller ctl1
	sh "$PKI" issue "$tmp/pki" operator alice --org acme
	sh "$PKI" issue "$tmp/pki" operator mallory --org acme
	sh "$PKI" issue "$tmp/pki" operator bob --org acme
	sh "$PKI" issue "$tmp/pki" agent sf --org acme
	sh "$PKI" issue "$tmp/pki" agent imposter --org acme
	sh "$PKI" notenant "$tmp/pki" operator nobody
	sh "$PKI" expired "$tmp/pki" operator old --org acme
	sh "$PKI" revoke "$tmp/pki" mallory
	sh "$PKI" init "$tmp/other"
	sh "$PKI" issue "$tmp/other" operator eve --org acme
} >"$tmp/pki.log" 2>&1 || { cat "$tmp/pki.log"; echo "Bail out! PKI set-up failed"; exit 1; }

port=$((20000 + $$ % 20000))
cat >"$tmp/ctl.conf" <<EOF
listen 127.0.0.1:$port
ca $tmp/pki/ca.crt
cert $tmp/pki/ctl1.crt
key $tmp/pki/ctl1.key
crl $tmp/pki/crl.pem
database $tmp/ctl.db
hello_timeout 2
EOF

echo "1..30"
check "controller -n says configuration OK" \
    sh -c "'$CTL' -n --config '$tmp/ctl.conf' | grep -qx 'configuration OK'"

"$CTL" --config "$tmp/ctl.conf" -v >"$tmp/ctl.log" 2>&1 &
ctl_pid=$!
i=0
while ! grep -q "ready" "$tmp/ctl.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 50 ] || ! kill -0 "$ctl_pid" 2>/dev/null; then
		cat "$tmp/ctl.log"
		echo "Bail out! controller did not start"
		exit 1
	fi
	sleep 0.1
done

# client NAME CERTDIR [s_client flags...]: Hello (+ AgentsRequest with
# --agents) through s_client; output in $tmp/NAME.out.
client() {
	cname=$1; shift
	frames=$hello
	if [ "$1" = "--agents" ]; then frames="$hello$agents"; shift; fi
	if [ "$1" = "--frames" ]; then frames=$2; shift 2; fi
	# shellcheck disable=SC2059
	(printf "$frames"; sleep 1) | timeout 10 openssl s_client -quiet -no_ign_eof \
	    -connect "127.0.0.1:$port" -CAfile "$tmp/pki/ca.crt" "$@" \
	    >"$tmp/$cname.out" 2>"$tmp/$cname.err"
	return 0
}
# (--frames FRAMES: those bytes instead of Hello)
# The controller answered Hello (its software name is in the reply).
answered() { grep -qa "tracepair-controller" "$tmp/$1.out"; }
# The controller logged "refused" with this reason.
# (the log line may follow the client's exit: poll for up to 5 s)
logged() {
	_i=0
	until grep -a "refused" "$tmp/ctl.log" | grep -qa "$1"; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || return 1
		sleep 0.05
	done
}
# refused NAME ALERT: the client was not served and its connection failed:
# the TLS alert ALERT (s_client: "... alert certificate required"), or a
# reset (errno 104) when the server's close overtook the alert (the client
# had sent its Hello frame by then: TLS 1.3 checks the client's certificate
# after the client's side of the handshake), i.e. the refusal is the
# client's failure, not only a missing reply
refused() {
	! answered "$1" &&
	    { grep -qa "alert $2" "$tmp/$1.err" || grep -qa 'errno=104' "$tmp/$1.err"; } ||
	    { grep -av 'depth=\|verify return' "$tmp/$1.err" | sed 's/^/# client: /'; return 1; }
}
serving() {
	client good$n -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key"
	answered good$n
}

client good -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key"
check "operator alice is served (Hello answered)" answered good

client nocert
check "no client certificate: client fails with alert certificate required" refused nocert "certificate required"
check "no client certificate: logged with reason" logged "did not return a certificate"
check "still serving after no-cert client" serving

client otherca -cert "$tmp/other/eve.crt" -key "$tmp/other/eve.key"
check "certificate of another CA: client fails with alert unknown ca" refused otherca "unknown ca"
check "certificate of another CA: logged with reason" logged "unable to get local issuer certificate"
check "still serving after other-CA client" serving

client expired -cert "$tmp/pki/old.crt" -key "$tmp/pki/old.key"
check "expired certificate: client fails with alert certificate expired" refused expired "certificate expired"
check "expired certificate: logged with reason" logged "certificate has expired"

client revoked -cert "$tmp/pki/mallory.crt" -key "$tmp/pki/mallory.key"
check "revoked certificate: client fails with alert certificate revoked" refused revoked "certificate revoked"
check "revoked certificate: logged with reason" logged "certificate revoked"
check "still serving after expired and revoked clients" serving

client notenant -cert "$tmp/pki/nobody.crt" -key "$tmp/pki/nobody.key"
check "certificate without a tenant: Hello not answered" \
    sh -c "! grep -qa tracepair-controller '$tmp/notenant.out'"
check "certificate without a tenant: logged with reason" \
    logged "certificate has no tenant"

client asop --agents -cert "$tmp/pki/sf.crt" -key "$tmp/pki/sf.key"
check "agent certificate asking as an operator: Error sent back" \
    grep -qa "agents_request not allowed for role agent" "$tmp/asop.out"
check "agent certificate asking as an operator: logged" \
    logged "agent sf (acme) at .*agents_request not allowed for role agent"

client ctlcert -cert "$tmp/pki/ctl1.crt" -key "$tmp/pki/ctl1.key"
check "controller certificate as a client: Hello not answered" \
    sh -c "! grep -qa tracepair-controller '$tmp/ctlcert.out'"
check "controller certificate as a client: logged" \
    logged "role controller may not connect"

# Session rules: nothing before Hello, no second Hello (an Error with the
# reason comes back, the connection is closed, nothing is answered)
client early --frames "$agents" -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key"
check "a request before Hello: Error 'before hello' sent back, not answered" \
    sh -c "grep -qa 'agents_request before hello' '$tmp/early.out' && ! grep -qa tracepair-controller '$tmp/early.out'"
client twice --frames "$hello$hello$agents" -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key"
check "a second Hello: Error 'second hello' sent back, not answered with a Hello" \
    sh -c "grep -qa 'second hello' '$tmp/twice.out' && [ \$(grep -ao tracepair-controller '$tmp/twice.out' | wc -l) -eq 1 ]"
# hello_timeout 2: a client that sends nothing after TLS is closed within
# about 2 s (the tick is 1 s: at most 3.x), long before its stdin ends (6 s)
t0=$(date +%s.%N)
(sleep 6) | { timeout 10 openssl s_client -quiet -no_ign_eof \
    -connect "127.0.0.1:$port" -CAfile "$tmp/pki/ca.crt" \
    -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key" \
    >"$tmp/silent.out" 2>"$tmp/silent.err"; date +%s.%N >"$tmp/silent.end"; }
el=$(awk -v a="$t0" -v b="$(cat "$tmp/silent.end")" 'BEGIN { printf "%.1f", b - a }')
check "no Hello within hello_timeout (2 s): closed after ${el} s with 'no hello within 2s'" \
    sh -c "awk -v e=$el 'BEGIN { exit !(e >= 1.5 && e < 5) }' && grep -qa 'no hello within 2s' '$tmp/silent.out'"

client tls12 -tls1_2 -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key"
check "TLS 1.2 client: client fails with alert protocol version" refused tls12 "protocol version"
check "TLS 1.2 client: logged with reason" logged "unsupported protocol"

client opagents --agents -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key"
check "operator's AgentsRequest answered after all refusals" \
    sh -c "grep -qa tracepair-controller '$tmp/opagents.out' && ! grep -qa 'not allowed' '$tmp/opagents.out'"

# Revoke bob while the controller runs; SIGHUP reloads the CRL.
client bob1 -cert "$tmp/pki/bob.crt" -key "$tmp/pki/bob.key"
sh "$PKI" revoke "$tmp/pki" bob >/dev/null 2>&1
kill -HUP "$ctl_pid"
_i=0
until grep -q 'CRL .* reloaded' "$tmp/ctl.log" || [ $_i -ge 100 ]; do
	_i=$((_i + 1))
	sleep 0.05
done
client bob2 -cert "$tmp/pki/bob.crt" -key "$tmp/pki/bob.key"
check "bob served before revocation, refused after SIGHUP reload" \
    sh -c "grep -qa tracepair-controller '$tmp/bob1.out' && ! grep -qa tracepair-controller '$tmp/bob2.out' && grep -q 'CRL .* reloaded' '$tmp/ctl.log'"

check "controller still running" kill -0 "$ctl_pid"

# Servers of the same CA posing as the controller: "imposter", an agent's
# certificate (client use only), and "forged", an agent role on a
# certificate that also allows server use (what a careless CA might sign):
# the CLI and the agent must refuse both, the second by its role alone.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tmp/pki/forged.key" -subj "/CN=forged/O=acme" \
    -out "$tmp/forged.csr" >/dev/null 2>&1
printf '%s\n' "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" \
    "subjectAltName=URI:tracepair:agent:forged" >"$tmp/forged.ext"
openssl x509 -req -in "$tmp/forged.csr" -CA "$tmp/pki/ca.crt" \
    -CAkey "$tmp/pki/ca.key" -CAcreateserial -CAserial "$tmp/forged.srl" \
    -days 30 -extfile "$tmp/forged.ext" -out "$tmp/pki/forged.crt" >/dev/null 2>&1

# fake_server NAME: s_server with NAME's certificate on a fresh port ($fport)
fport=$((port + 1))
fake_server() {
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	fport=$((fport + 1))
	openssl s_server -quiet -accept "$fport" -cert "$tmp/pki/$1.crt" \
	    -key "$tmp/pki/$1.key" -CAfile "$tmp/pki/ca.crt" -Verify 1 \
	    >"$tmp/fake-$1.out" 2>"$tmp/fake-$1.err" &
	fake_pid=$!
	i=0
	until ss -ltn 2>/dev/null | grep -q ":$fport "; do
		i=$((i + 1))
		[ $i -le 100 ] || break
		sleep 0.05
	done
}
# cli_to_fake NAME: `tracepair agents` against the fake server; sets rc
cli_to_fake() {
	TRACEPAIR_CONTROLLER="127.0.0.1:$fport" TRACEPAIR_CERT="$tmp/pki/alice.crt" \
	    TRACEPAIR_KEY="$tmp/pki/alice.key" TRACEPAIR_CA="$tmp/pki/ca.crt" \
	    timeout 20 "$TP_BIN/tracepair" agents >"$tmp/cli-$1.out" 2>"$tmp/cli-$1.err"
	rc=$?
}

fake_server imposter
cli_to_fake imposter
check "CLI refuses a server with an agent's certificate (exit $rc: $(head -1 "$tmp/cli-imposter.err"))" \
    sh -c "[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q 'unsuitable certificate purpose\|is not a controller' '$tmp/cli-imposter.err'"
fake_server forged
cli_to_fake forged
check "CLI refuses a server certificate whose role is agent (exit $rc: $(head -1 "$tmp/cli-forged.err"))" \
    sh -c "[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q 'is not a controller' '$tmp/cli-forged.err'"
if [ "$(id -u)" -ne 0 ]; then
	ok "agent refuses a server certificate whose role is agent # SKIP not root (raw sockets)"
else
	mkdir -p "$tmp/spool"
	cat >"$tmp/agent.conf" <<EOF
controller 127.0.0.1:$fport
ca $tmp/pki/ca.crt
cert $tmp/pki/sf.crt
key $tmp/pki/sf.key
probe_addr4 127.0.0.1
spool $tmp/spool
backoff_min_ms 200
backoff_max_ms 2000
connect_timeout_ms 5000
EOF
	"$TP_BIN/tracepair-agent" --config "$tmp/agent.conf" -v >"$tmp/agent.log" 2>&1 &
	agent_pid=$!
	i=0
	until grep -q 'has role agent, not controller' "$tmp/agent.log"; do
		i=$((i + 1))
		[ $i -le 200 ] || break
		sleep 0.05
	done
	kill "$agent_pid" 2>/dev/null; wait "$agent_pid" 2>/dev/null
	agent_pid=""
	check "agent refuses a server certificate whose role is agent (logged, no Hello sent)" \
	    sh -c "grep -q 'has role agent, not controller' '$tmp/agent.log' && ! grep -qa 'tracepair-agent' '$tmp/fake-forged.out'"
fi

if [ "$fails" -gt 0 ]; then
	echo "# controller log:"
	sed 's/^/# /' "$tmp/ctl.log"
	for _f in cli-imposter.err cli-forged.err agent.log fake-forged.err; do
		[ -f "$tmp/$_f" ] && { echo "# $_f:"; sed 's/^/# /' "$tmp/$_f"; }
	done
fi
exit 0
