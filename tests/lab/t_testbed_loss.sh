#!/bin/sh
# t_testbed_loss.sh: the configured loss is observed within statistical
# bounds: 400 pings per check, the lost count must lie in the binomial
# 99.9 % interval (normal approximation, z = 3.29) around the loss implied
# by the scenario (a ping crosses each link twice).  The delay lines get a
# fixed seed (TPLAB_SEED), so a run is reproducible; TPLAB_SEED=random
# draws a new sample every run.
. tests/lab/lib.sh
require_root
plan 5

# TPLAB_SEED=random: a new sample every run (the bounds still hold)
TPLAB_SEED=${TPLAB_SEED:-20261123}
if [ "$TPLAB_SEED" = random ]; then unset TPLAB_SEED; else export TPLAB_SEED; fi
lab_up tests/lab/scenarios/testbed-loss.scn

N=400
# loss_check NODE FAM TARGET_NODE P_LOSS
loss_check() {
	_addr=$(lab_addr "$3" "$2")
	_rx=$(lab_exec "$1" ping -"$2" -n -q -c $N -i 0.01 -W 1 "$_addr" 2>/dev/null |
	    sed -n 's/.* \([0-9]*\) received.*/\1/p')
	_lost=$((N - ${_rx:-0}))
	_b=$(awk -v n=$N -v p="$4" 'BEGIN { m = n * p; s = 3.29 * sqrt(n * p * (1 - p))
		printf "%d %d %.1f\n", int(m - s), int(m + s + 0.999), m }')
	set -- "$@" $_b
	if [ -n "$_rx" ] && [ "$_lost" -ge "$5" ] && [ "$_lost" -le "$6" ]; then
		ok "IPv$2 $1 -> $3: lost $_lost of $N, expected $7 (99.9 %: $5..$6)"
	else
		not_ok "IPv$2 $1 -> $3: lost $_lost of $N, expected $7 (99.9 %: $5..$6)"
	fi
}

loss_check h1 4 r1 0.2
loss_check h1 4 h2 0.352
loss_check h2 4 r1 0.19
loss_check h1 6 h2 0.352

# the delay lines counted what they dropped: link 0 drops only a>b
_c=$("$TPLAB" counters "$LAB")
_l0ba=$(printf '%s\n' "$_c" | awk '$1 == "link" && $2 == 0 && $3 == "b>a" { sub("lost=", "", $5); print $5 }')
_l0ab=$(printf '%s\n' "$_c" | awk '$1 == "link" && $2 == 0 && $3 == "a>b" { sub("lost=", "", $5); print $5 }')
check "[ \"$_l0ba\" = 0 ] && [ \"${_l0ab:-0}\" -gt 100 ]" \
    "delay-line counters: link h1-r1 lost a>b ${_l0ab:-?}, b>a ${_l0ba:-?}"
