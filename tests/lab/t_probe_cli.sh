#!/bin/sh
# t_probe_cli.sh: `tracepair-agent trace` as a user meets it, in a namespace
# of its own with only loopback: --help lists the flags, mistakes get one
# line on stderr and a non-zero exit, a loopback trace in each output form,
# and the raw-socket privilege check.
. tests/lab/lib.sh
TPA=$TP_BIN/tracepair-agent

if [ "$(id -u)" -ne 0 ] || ! ip netns add "tpcli$$" 2>/dev/null; then
	echo "1..1"
	echo "ok 1 - t_probe_cli.sh # SKIP needs root and network namespaces"
	exit 0
fi
NS=tpcli$$
W=$(mktemp -d)
trap 'ip netns del "$NS" 2>/dev/null; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP
ip -n "$NS" link set lo up
run() { ip netns exec "$NS" "$TPA" trace "$@" >"$W/out" 2>"$W/err"; echo $? >"$W/rc"; }
plan 20

run --help
_missing=
for f in -4 -6 -n -I -T -U -P -f -m -q -w -z -p -s -i -t -F -N -D -S -A -e \
    --paris --json --atlas --summary --rate --gap --user; do
	grep -q -- "^ *$f[ ,]" "$W/out" || _missing="$_missing $f"
done
check "[ \$(cat $W/rc) = 0 ] && [ -z '$_missing' ]" "--help lists every flag (missing:$_missing)"

# mistake ARGS... EXPECTED-RC MESSAGE: one line on stderr, that exit status
mistake() {
	_msg=$1; _want=$2; shift 2
	run "$@"
	if [ "$(cat "$W/rc")" = "$_want" ] && [ "$(wc -l <"$W/err")" = 1 ] &&
	    grep -q -- "$_msg" "$W/err" && [ ! -s "$W/out" ]; then
		ok "trace $*: exit $_want, one line: $(cat "$W/err")"
	else
		not_ok "trace $*" "exit $(cat "$W/rc"), want $_want" "stderr: $(cat "$W/err")"
	fi
}
mistake "bad value" 2 -q 0 127.0.0.1
mistake "bad value" 2 -w x 127.0.0.1
mistake "unknown option" 2 -Y 127.0.0.1
mistake "no destination" 2 -n
mistake "unknown host" 1 -n no-such-host.invalid
mistake "no such interface" 1 -n -i nosuch0 127.0.0.1
mistake "no route" 1 -n 198.18.99.1
mistake "no such user" 1 -n --user no-such-user-tp 127.0.0.1
mistake "No such file" 2 -n -A /nonexistent/pfx2as 127.0.0.1
mistake "exclude each other" 2 -n --json --atlas 127.0.0.1

# without CAP_NET_RAW
ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
    --inh-caps=-all --bounding-set=-all "$TPA" trace -n 127.0.0.1 >"$W/out" 2>"$W/err"
_rc=$?
check "[ $_rc = 1 ] && grep -q 'needs CAP_NET_RAW' $W/err" \
    "no privilege: exit 1, '$(cat "$W/err")'"

run -n -q 2 127.0.0.1
check "[ \$(cat $W/rc) = 0 ] && grep -q '^ 1  127.0.0.1  [0-9.]* ms  [0-9.]* ms\$' $W/out" \
    "classic layout on loopback: '$(sed -n 2p "$W/out")'"
run -n -q 2 --summary -I 127.0.0.1
check "grep -q '^  1.|-- 127.0.0.1 .* 0.0%     2 ' $W/out" "--summary: one hop, 0 % loss, 2 sent"
run -n -q 2 --json -T -p 9 127.0.0.1
check "jq -e '.reached and .stop_reason == \"completed\" and .method == \"tcp\" and .port == 9 and (.hops | length) == 1 and .hops[0].probes[0].rtt_ms > 0' $W/out >/dev/null" \
    "--json: valid, reached, method, port, one hop"
run -n -q 2 --json -6 --paris ::1
check "jq -e '.af == 6 and .method == \"udp-paris\" and .reached and (.start | test(\"Z$\"))' $W/out >/dev/null" \
    "--json over IPv6 with --paris"
run -n -q 1 --json -I 127.0.0.1
check "jq -e '.method == \"icmp\" and .reached and .port == 0' $W/out >/dev/null" \
    "--json of an ICMP trace: port 0 (no port in the probe)"
run -n -q 2 --atlas -I 127.0.0.1
check "jq -e '.type == \"traceroute\" and .proto == \"ICMP\" and .dst_addr == \"127.0.0.1\" and (.result | length) == 1 and .result[0].hop == 1 and .result[0].result[0].from == \"127.0.0.1\" and .result[0].result[0].rtt > 0 and (.timestamp | type) == \"number\"' $W/out >/dev/null" \
    "--atlas: a RIPE Atlas traceroute result"
"$TP_BIN/tracepair" analyze --json "$W/out" >"$W/an" 2>"$W/err"
_rc=$?
check "[ $_rc = 0 ] && jq -e '.trace.source == \"atlas\" and .trace.reached and (.trace.hops | length) == 1' $W/an >/dev/null" \
    "--atlas output is read back by tracepair analyze"
check "MANWIDTH=80 man -l docs/man/tracepair-agent.8 2>&1 | grep -q 'CAP_NET_RAW'" \
    "the man page renders and documents the privilege"
