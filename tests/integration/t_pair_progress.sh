#!/bin/sh
# t_pair_progress.sh: a pair measures loss by default and its progress
# reaches the operator: the agents send Progress after each round, the
# controller passes it to the CLI that asked, and the CLI rewrites one line
# on stderr when stderr is a terminal (script(1) gives it one here), and
# prints nothing of it otherwise.  `--quick` is the one-round-trip pair.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
command -v script >/dev/null 2>&1 || { echo "1..0 # SKIP no script(1)"; exit 0; }
plan 6

W=$(mktemp -d /tmp/t_pair_progress.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP

if ! pairlab_up sf-chicago-clean; then
	pfail "pairlab up (sf-chicago-clean) with both agents registered" "$(pairlab_logs)"
	exit 1
fi
ok "controller and both agents up"

# the default pair on a terminal: output and progress share the pty
# (pairlab.sh sourced again in the pty's shell; its state passed along)
script -qec "sh -c '. tests/integration/pairlab.sh; PAIRLAB_ID=\$1 PAIRLAB_CTL=\$2 \
    PAIRLAB_DIR=\$3; pairlab_cli pair sf-office chicago-office -n' sh \
    $PAIRLAB_ID $PAIRLAB_CTL $PAIRLAB_DIR" /dev/null >"$W/tty.out" 2>&1
rc=$?
tr '\r' '\n' <"$W/tty.out" >"$W/tty.txt"
pcheck "[ $rc -eq 0 ] && grep -q 'pair p-[^ ]*: ok' $W/tty.txt" "default pair on a terminal: ok (exit $rc)"
pcheck "grep -q 'sf-office: round [0-9]*/30, [0-9]* s left' $W/tty.txt &&
    grep -q 'chicago-office: round [0-9]*/30' $W/tty.txt" \
    "progress of both agents forwarded to the terminal ($(grep -c 'round' $W/tty.txt) updates)"

# not a terminal: the pair's JSON, 30 probes per hop, nothing on stderr
pairlab_cli pair sf-office chicago-office -n --json >"$W/pair.json" 2>"$W/pair.err"
rc=$?
pcheck "[ $rc -eq 0 ] && [ \"\$(jq '.forward.hops[0].sent' $W/pair.json)\" = 30 ] &&
    [ \"\$(jq -r '.forward.hops[0].loss_method' $W/pair.json)\" = echo ]" \
    "default pair: 30 probes per hop, loss by echo (exit $rc)"
pcheck "[ ! -s $W/pair.err ]" "no progress when stderr is not a terminal ($(wc -c <"$W/pair.err") bytes)"

pairlab_cli pair sf-office chicago-office -n --quick --json >"$W/quick.json" 2>"$W/quick.err"
rc=$?
pcheck "[ $rc -eq 0 ] && [ \"\$(jq '.forward.hops[0].sent' $W/quick.json)\" = 3 ] &&
    [ \"\$(jq -r '.forward.hops[0].loss_method' $W/quick.json)\" = null ]" \
    "--quick: the one-round-trip pair, 3 probes per hop (exit $rc)"
