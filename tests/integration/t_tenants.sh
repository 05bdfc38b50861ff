#!/bin/sh
# t_tenants.sh: tenant isolation for every operator request.  Two tenants
# (acme: operator alice, agents a-000 a-001; other: operator mallory,
# agents o-000 o-001), an agent name both use (x-000), and an MSP operator
# (noc, role msp).  mallory asking for acme's agents, traces, pairs,
# listings, stored pairs and evidence gets, word for word, the answer of an
# agent or pair that never existed, and --tenant acme is refused as
# --tenant of a tenant that does not exist is; noc sees both tenants,
# --tenant narrows every request, a name two tenants use needs --tenant,
# a pair stays in one tenant and is its tenant's (alice sees noc's pair);
# noc schedules and meshes a customer's agents with --tenant, and they are
# that customer's.
# Runs on the loopback of a private network namespace with simulated
# agents (agentsim); no randomness.
. tests/lab/lib.sh
require_root
plan 19

for b in tracepair-controller tracepair agentsim; do
	[ -x "$TP_BIN/$b" ] || { echo "not ok 1 - $TP_BIN/$b not built"; exit 1; }
done
NS=tptenant$$
W=$(mktemp -d /tmp/t_tenants.XXXXXX)
CTL= SIMS=
cleanup() {
	for _p in $SIMS $CTL; do
		kill "$_p" 2>/dev/null && wait "$_p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT INT TERM HUP
ip netns add "$NS" && ip -n "$NS" link set lo up || { echo "not ok 1 - netns"; exit 1; }

P=$W/pki
pki() { sh certs/tp-pki.sh "$@" >>"$W/pki.log" 2>&1 || diag "tp-pki.sh $*: failed"; }
pki init "$P"
pki issue "$P" controller ctl
pki issue "$P" operator alice --org acme
pki issue "$P" operator mallory --org other
pki issue "$P" msp noc --org netcare
pki issue "$P" signer evsign --org netcare
for n in a-000 a-001; do pki issue "$P" agent $n --org acme; done
for n in o-000 o-001; do pki issue "$P" agent $n --org other; done
# x-000 of each tenant: one CA, two directories (files are named by CN)
pki issue "$P" agent x-000 --org acme
cp -r "$P" "$W/pki2" && rm -f "$W/pki2/x-000.crt" "$W/pki2/x-000.key"
pki issue "$W/pki2" agent x-000 --org other
cat >"$W/controller.conf" <<CONF
listen 127.0.0.1:7300
ca $P/ca.crt
cert $P/ctl.crt
key $P/ctl.key
crl $P/crl.pem
database $W/controller.db
evidence_key $P/evsign.key
evidence_cert $P/evsign.crt
CONF
ip netns exec "$NS" "$TP_BIN/tracepair-controller" --config "$W/controller.conf" -v \
    >"$W/controller.log" 2>&1 &
CTL=$!
wait_for 10 "grep -q ready $W/controller.log" || diag "controller not ready"

sim() {	# sim PKI PREFIX COUNT
	ip netns exec "$NS" "$TP_BIN/agentsim" --controller 127.0.0.1:7300 \
	    --pki "$1" --prefix "$2" --count "$3" --answer --answer-delay-ms 20 \
	    >"$W/sim-$2$(basename "$1").out" 2>&1 &
	SIMS="$SIMS $!"
}
sim "$P" a- 2
sim "$P" o- 2
sim "$P" x- 1
sim "$W/pki2" x- 1
# as OPERATOR: the CLI with that certificate (any further flags: ARGS)
as() {
	_who=$1
	shift
	ip netns exec "$NS" env TRACEPAIR_CONTROLLER=127.0.0.1:7300 \
	    TRACEPAIR_CA="$P/ca.crt" TRACEPAIR_CERT="$P/$_who.crt" \
	    TRACEPAIR_KEY="$P/$_who.key" TRACEPAIR_CONFIG=/dev/null \
	    "$TP_BIN/tracepair" "$@"
}
# Every agent online with its clock measured (a pair needs it).
wait_for 20 "[ \"\$(as noc agents --json 2>/dev/null | jq '[.[] | select(.online and .rtt_ms > 0)] | length')\" = 6 ]"
check "[ \"\$(as noc agents --json | jq '[.[] | select(.online)] | length')\" = 6 ]" \
    "six simulated agents online in two tenants"

# Run CMD as mallory on acme's NAME and on a name nobody has; the exit
# status and stderr must be the same once the names are swapped.
same_as_absent() {	# same_as_absent NAME ABSENT DESCRIPTION -- ARGS (NAME in them as @)
	_n=$1 _a=$2 _d=$3
	shift 4
	_args1="" _args2=""
	for _x in "$@"; do
		[ "$_x" = @ ] && _x1=$_n _x2=$_a || _x1=$_x _x2=$_x
		_args1="$_args1 '$_x1'" _args2="$_args2 '$_x2'"
	done
	eval "as mallory $_args1" >"$W/m1.out" 2>"$W/m1.err"
	_rc1=$?
	eval "as mallory $_args2" >"$W/m2.out" 2>"$W/m2.err"
	_rc2=$?
	sed "s/$_a/$_n/g" "$W/m2.err" >"$W/m2.sub"
	sed "s/$_a/$_n/g" "$W/m2.out" >"$W/m2o.sub"
	if [ $_rc1 -eq $_rc2 ] && cmp -s "$W/m1.err" "$W/m2.sub" &&
	    cmp -s "$W/m1.out" "$W/m2o.sub"; then
		ok "$_d: as for one that does not exist (exit $_rc1: $(head -1 "$W/m1.err"))"
	else
		not_ok "$_d: as for one that does not exist" \
		    "acme's: exit $_rc1: $(cat "$W/m1.err") $(head -3 "$W/m1.out")" \
		    "absent: exit $_rc2: $(cat "$W/m2.err") $(head -3 "$W/m2.out")"
	fi
}

# acme's pair and trace, run by alice.
as alice pair a-000 a-001 -n -q 1 --json >"$W/ap.json" 2>"$W/ap.err"
AP=$(jq -r .pair_id "$W/ap.json" 2>/dev/null)
as alice pairs --json >"$W/alist.json" 2>/dev/null
check "[ -n '$AP' ] && [ \"\$(jq -r .status $W/ap.json)\" = ok ] &&
    [ \"\$(jq -r '.[0].pair_id + \" \" + .[0].tenant' $W/alist.json)\" = '$AP acme' ]" \
    "alice (acme) runs a pair of acme's agents ($AP), listed with its tenant"

# mallory (other) and each operator request on acme's names.
as mallory agents --json >"$W/magents.json" 2>/dev/null
check "[ \"\$(jq -r '[.[] | .tenant + \"/\" + .name] | sort | join(\" \")' $W/magents.json)\" = 'other/o-000 other/o-001 other/x-000' ]" \
    "agents: mallory sees other's three agents only"
same_as_absent a-000 zz-000 "trace: acme's agent" -- trace @ 198.18.0.1 -n -q 1
same_as_absent a-001 zz-001 "pair: acme's agent as B" -- pair o-000 @ -n -q 1
same_as_absent a-000 zz-000 "pair: acme's agent as A" -- pair @ o-001 -n -q 1
same_as_absent "$AP" p-nosuch-1 "show: acme's pair" -- show @
same_as_absent "$AP" p-nosuch-1 "show --json: acme's pair" -- show @ --json
same_as_absent "$AP" p-nosuch-1 "evidence: acme's pair" -- evidence @ -o "$W/ev-m.tar.gz"
same_as_absent a-000 zz-000 "pairs --agent: acme's agent" -- pairs --agent @ --json
same_as_absent acme nosuchco "--tenant acme (a customer naming another tenant)" -- pairs --tenant @
check "[ \"\$(as mallory pairs --json | jq length)\" = 0 ] && [ ! -e $W/ev-m.tar.gz ]" \
    "pairs: mallory lists none of acme's pairs; no package was written"

# The MSP operator: every tenant, --tenant narrows, one tenant per pair.
as noc pair a-001 a-000 -n -q 1 --json >"$W/np.json" 2>"$W/np.err"
NP=$(jq -r .pair_id "$W/np.json" 2>/dev/null)
as mallory pair o-000 o-001 -n -q 1 --json >"$W/op.json" 2>/dev/null
OP=$(jq -r .pair_id "$W/op.json" 2>/dev/null)
check "[ -n '$NP' ] && [ \"\$(jq -r .status $W/np.json)\" = ok ] &&
    [ \"\$(as alice pairs --json | jq -r '.[0] | .pair_id + \" \" + .operator + \" \" + .tenant')\" = '$NP noc acme' ] &&
    as alice show '$NP' >/dev/null && ! as mallory show '$NP' >/dev/null 2>&1" \
    "noc's pair of acme's agents ($NP) is acme's: alice lists and shows it, mallory does not"
check "[ \"\$(as noc pairs --json | jq -r '[.[] | .tenant] | join(\" \")')\" = 'other acme acme' ] &&
    [ \"\$(as noc pairs --tenant other --json | jq -r '[.[] | .pair_id] | join(\" \")')\" = '$OP' ] &&
    [ \"\$(as noc pairs --json --tenant acme | jq length)\" = 2 ] &&
    as noc pairs | grep -q 'other/o-000 -> other/o-001'" \
    "pairs: noc lists both tenants (TENANT/AGENT in text), --tenant narrows to one"
check "[ \"\$(as noc agents --tenant other --json | jq -r '[.[] | .name] | sort | join(\" \")')\" = 'o-000 o-001 x-000' ] &&
    as noc show '$OP' >/dev/null && as noc show '$AP' --tenant acme >/dev/null &&
    ! as noc show '$AP' --tenant other >/dev/null 2>&1" \
    "agents and show: --tenant narrows noc's view; acme's pair under --tenant other is not found"
as noc pair x-000 a-000 -n -q 1 >"$W/amb.out" 2>"$W/amb.err"
rc1=$?
as noc pair a-000 o-000 -n -q 1 >"$W/mix.out" 2>"$W/mix.err"
rc2=$?
as noc pair x-000 o-000 --tenant other -n -q 1 --json >"$W/xo.json" 2>"$W/xo.err"
rc3=$?
check "[ $rc1 -eq 2 ] && grep -q 'x-000: 2 tenants have one; name the tenant with --tenant' $W/amb.err &&
    [ $rc2 -eq 2 ] && grep -q 'different tenants' $W/mix.err &&
    [ $rc3 -eq 0 ] && [ \"\$(jq -r .status $W/xo.json)\" = ok ] &&
    [ \"\$(as mallory pairs -n 1 --json | jq -r '.[0].agent_a')\" = x-000 ]" \
    "noc: a name two tenants use needs --tenant; a pair across tenants is refused (exit $rc1, $rc2, $rc3)"
as noc evidence "$NP" "$OP" -o "$W/ev-mixed.tar.gz" >/dev/null 2>"$W/evm.err"
rc1=$?
as noc evidence "$NP" --tenant acme -o "$W/ev-noc.tar.gz" >/dev/null 2>"$W/evn.err"
rc2=$?
check "[ $rc1 -eq 2 ] && grep -q 'one package per tenant' $W/evm.err &&
    [ $rc2 -eq 0 ] && tar -xzOf $W/ev-noc.tar.gz --wildcards '*/pair.json' | jq -e '.tenant == \"acme\" and .requester == \"noc\"' >/dev/null" \
    "evidence: noc packages acme's pair as acme's; one package never mixes tenants (exit $rc1, $rc2)"
as noc schedule add a-000 a-001 --every 1h --name nocwatch --tenant acme -n -q 1 \
    >"$W/ns.out" 2>"$W/ns.err"
rc1=$?
as noc mesh add nocmesh --every 1h --sites a-000,a-001 --tenant acme -n -q 1 \
    >"$W/nm.out" 2>"$W/nm.err"
rc2=$?
as noc schedule add a-000 a-001 --every 1h --name nocown -n -q 1 >/dev/null 2>"$W/no.err"
rc3=$?
check "[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ $rc3 -ne 0 ] &&
    [ \"\$(as alice schedule list --json | jq -r '[.[] | select(.kind != \"mesh-pair\") | .name] | sort | join(\" \")')\" = 'nocmesh nocwatch' ] &&
    [ \"\$(as mallory schedule list --json | jq length)\" = 0 ] &&
    [ \"\$(as noc schedule list --tenant acme --json | jq -r '[.[] | select(.name == \"nocwatch\") | .agent_a] | join(\" \")')\" = a-000 ]" \
    "schedule and mesh: noc adds them for acme with --tenant acme, alice lists them, mallory does not; without --tenant noc's own tenant has no such agents (exit $rc1, $rc2, $rc3: $(head -1 "$W/no.err"))"
pcheck_log=$(grep -c 'MSP operator (every tenant) connected' "$W/controller.log")
check "[ $pcheck_log -ge 1 ] && kill -0 $CTL" "the controller logs the MSP operator and is still up"
kill -0 "$CTL" 2>/dev/null || tail -20 "$W/controller.log" | sed 's/^/# /'
