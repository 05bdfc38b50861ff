#!/bin/sh
# t_frames_bad.sh: an oversized frame, garbage bytes, an Envelope without a
# body and an operator request from an agent certificate each close only
# the offending connection (logged with the peer's name and the reason),
# while a paired trace on the other connections completes and a
# well-behaved connection of the same process stays registered.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 17

W=$(mktemp -d /tmp/t_frames_bad.XXXXXX)
SIM=
trap '[ -n "$SIM" ] && kill $SIM 2>/dev/null && wait $SIM 2>/dev/null; pairlab_down; rm -rf "$W"' EXIT INT TERM HUP
[ -x "$TP_BIN/agentsim" ] || { pfail "agentsim built"; exit 1; }
pairlab_up_small

# the reason each offence must be logged with, and sent back in an Error
why() {
	case $1 in
	oversize) echo 'exceeds the limit' ;;
	garbage) echo 'does not decode' ;;
	nobody) echo 'unknown or empty body' ;;
	operator-request) echo 'not allowed for role agent' ;;
	esac
}

for kind in oversize garbage nobody operator-request; do
	p=bad-$kind-
	w=$(why $kind)
	for i in 000 001; do
		sh "$PKI_SH" issue "$PAIRLAB_DIR/pki" agent "$p$i" --org acme >/dev/null 2>&1
	done
	# agent 000 misbehaves right after Hello, 001 behaves
	"$TPLAB" exec "$PAIRLAB_ID" controller "$TP_BIN/agentsim" \
	    --controller "$PAIRLAB_CTL" --pki "$PAIRLAB_DIR/pki" --prefix "$p" \
	    --count 2 --misbehave "$kind" --hold 30 >"$W/sim-$kind.out" 2>&1 &
	SIM=$!
	pairlab_cli pair sf-office chicago-office -n -q 2 --json >"$W/pair-$kind.json" 2>"$W/pair-$kind.err"
	rc=$?
	i=0
	while ! grep -q "^closed ${p}000" "$W/sim-$kind.out" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	pcheck "grep -q '^closed ${p}000' $W/sim-$kind.out" \
	    "$kind: the offending connection is closed ($(grep "^closed ${p}000" "$W/sim-$kind.out" | head -1))"
	pcheck "[ $rc -eq 0 ] && [ \"\$(jq -r .status $W/pair-$kind.json)\" = ok ]" \
	    "$kind: a pair on other connections completes (exit $rc)"
	pcheck "pairlab_cli agents --json | jq -e '.[] | select(.name == \"${p}001\") | .online' >/dev/null &&
	    ! grep -q '^closed ${p}001' $W/sim-$kind.out" \
	    "$kind: the well-behaved connection of the same process stays online"
	pcheck "grep '${p}000' $PAIRLAB_DIR/controller.log | grep -q '$w' &&
	    grep -q '^error ${p}000: .*$w' $W/sim-$kind.out" \
	    "$kind: the controller logged the peer with the reason '$w' and sent it back in an Error"
	kill $SIM 2>/dev/null
	wait $SIM 2>/dev/null
	SIM=
done
pcheck "kill -0 \$(pairlab_pid controller)" "the controller is still running"
