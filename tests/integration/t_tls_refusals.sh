#!/bin/sh
# t_tls_refusals.sh: the controller refuses every bad client (no certificate,
# another CA, expired, revoked, agent certificate used as an operator,
# controller certificate as a client, TLS 1.2), logs the reason, and keeps
# serving good clients; a CRL reloaded on SIGHUP takes effect.
# Loopback only.  Prints TAP.

TP_BIN=${TP_BIN:-$PWD/build/bin}
PKI=$PWD/certs/tp-pki.sh
CTL=$TP_BIN/tracepair-controller
tmp=$(mktemp -d /tmp/t_tls.XXXXXX)
ctl_pid=""
n=0
fails=0

cleanup() {
	[ -n "$ctl_pid" ] && kill "$ctl_pid" 2>/dev/null && wait "$ctl_pid" 2>/dev/null
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
EOF

echo "1..21"
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
	# shellcheck disable=SC2059
	(printf "$frames"; sleep 1) | timeout 10 openssl s_client -quiet -no_ign_eof \
	    -connect "127.0.0.1:$port" -CAfile "$tmp/pki/ca.crt" "$@" \
	    >"$tmp/$cname.out" 2>"$tmp/$cname.err"
	return 0
}
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
serving() {
	client good$n -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key"
	answered good$n
}

client good -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key"
check "operator alice is served (Hello answered)" answered good

client nocert
check "no client certificate: not served" sh -c "! grep -qa tracepair-controller '$tmp/nocert.out'"
check "no client certificate: logged with reason" logged "did not return a certificate"
check "still serving after no-cert client" serving

client otherca -cert "$tmp/other/eve.crt" -key "$tmp/other/eve.key"
check "certificate of another CA: not served" sh -c "! grep -qa tracepair-controller '$tmp/otherca.out'"
check "certificate of another CA: logged with reason" logged "unable to get local issuer certificate"
check "still serving after other-CA client" serving

client expired -cert "$tmp/pki/old.crt" -key "$tmp/pki/old.key"
check "expired certificate: not served" sh -c "! grep -qa tracepair-controller '$tmp/expired.out'"
check "expired certificate: logged with reason" logged "certificate has expired"

client revoked -cert "$tmp/pki/mallory.crt" -key "$tmp/pki/mallory.key"
check "revoked certificate: not served" sh -c "! grep -qa tracepair-controller '$tmp/revoked.out'"
check "revoked certificate: logged with reason" logged "certificate revoked"
check "still serving after expired and revoked clients" serving

client asop --agents -cert "$tmp/pki/sf.crt" -key "$tmp/pki/sf.key"
check "agent certificate asking as an operator: Error sent back" \
    grep -qa "agents_request not allowed for role agent" "$tmp/asop.out"
check "agent certificate asking as an operator: logged" \
    logged "agent sf (acme) at .*agents_request not allowed for role agent"

client ctlcert -cert "$tmp/pki/ctl1.crt" -key "$tmp/pki/ctl1.key"
check "controller certificate as a client: refused and logged" \
    logged "role controller may not connect"

client tls12 -tls1_2 -cert "$tmp/pki/alice.crt" -key "$tmp/pki/alice.key"
check "TLS 1.2 client: not served" sh -c "! grep -qa tracepair-controller '$tmp/tls12.out'"
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

if [ "$fails" -gt 0 ]; then
	echo "# controller log:"
	sed 's/^/# /' "$tmp/ctl.log"
fi
exit 0
