#!/bin/sh
# t_pair_errors.sh: the operator CLI's one-line errors and exit statuses:
# unknown agent (4), offline agent (4), controller unreachable (3), TLS
# session refused (3: a certificate from another CA), an agent certificate
# (2: refused before connecting), usage errors (2, --timeout nan too),
# missing settings (2).
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 11

W=$(mktemp -d /tmp/t_pair_errors.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP
pairlab_up_small

pairlab_expect 4 'unknown agent nosuch' "unknown agent" -- \
    pairlab_cli pair sf-office nosuch -n
pairlab_stop_agent chicago-office TERM
wait_for 10 "! pairlab_cli agents 2>/dev/null | grep chicago-office | grep -q online"
pairlab_expect 4 'chicago-office offline' "offline agent" -- \
    pairlab_cli pair sf-office chicago-office -n
pairlab_expect 3 'unreachable' "controller unreachable" -- \
    pairlab_cli agents --controller "${PAIRLAB_CTL%:*}:7399"
P=$PAIRLAB_DIR/pki
pairlab_expect 2 'not an operator certificate' "agent certificate used as an operator" -- \
    pairlab_cli agents --cert "$P/sf-office.crt" --key "$P/sf-office.key"
pcheck "pairlab_wait_agents 1 5 && ! grep -q 'tracepair-cli' $PAIRLAB_DIR/controller.log" \
    "the CLI did not even connect with it (the agent sf-office stays registered)"
sh "$PKI_SH" init "$W/other" >/dev/null 2>&1
sh "$PKI_SH" issue "$W/other" operator eve --org acme >/dev/null 2>&1
pairlab_expect 3 'refused the TLS session\|closed the TLS session right after' "certificate from another CA" -- \
    pairlab_cli agents --cert "$W/other/eve.crt" --key "$W/other/eve.key"
pairlab_expect 2 'usage' "pair with one agent" -- \
    pairlab_cli pair sf-office
pairlab_expect 2 'no controller' "no settings at all" -- \
    env -u TRACEPAIR_CONTROLLER HOME=/nonexistent TRACEPAIR_CONFIG= \
    "$TP_BIN/tracepair" agents
pairlab_expect 2 'invalid\|unknown\|bad\|option' "bad trace option" -- \
    pairlab_cli pair sf-office chicago-office -q nope
pairlab_expect 2 'want seconds in (0, 3600\]' "pair --timeout nan" -- \
    pairlab_cli pair sf-office chicago-office --timeout nan
pairlab_expect 2 'want seconds in (0, 3600\]' "trace --timeout nan" -- \
    pairlab_cli trace sf-office 192.0.2.1 --timeout nan
