#!/bin/sh
# t_testbed_loss.sh: the configured loss is observed within statistical
# bounds: 400 pings per check, the lost count must lie in the exact binomial
# interval (binom_bounds: at most 5e-5 in each tail) around the loss implied
# by the scenario (a ping crosses each link twice).  The delay lines draw a
# new sample every run (TPLAB_SEED, printed with any failure, replays one).
. tests/lab/lib.sh
require_root
plan 5

lab_up tests/lab/scenarios/testbed-loss.scn

N=400
# loss_check NODE FAM TARGET_NODE P_LOSS
loss_check() {
	_addr=$(lab_addr "$3" "$2")
	_rx=$(lab_exec "$1" ping -"$2" -n -q -c $N -i 0.01 -W 1 "$_addr" 2>/dev/null |
	    sed -n 's/.* \([0-9]*\) received.*/\1/p')
	_lost=$((N - ${_rx:-0}))
	# "LO HI PFAIL": PFAIL is this check's false-failure probability
	set -- "$@" $(binom_bounds $N "$4")
	if [ -n "$_rx" ] && [ "$_lost" -ge "$5" ] && [ "$_lost" -le "$6" ]; then
		ok "IPv$2 $1 -> $3: lost $_lost of $N at p=$4 (accept $5..$6, P(false failure) $7)"
	else
		not_ok "IPv$2 $1 -> $3: lost $_lost of $N at p=$4 (accept $5..$6, P(false failure) $7)"
	fi
}

# false-failure probabilities (binom_bounds, exact): 0.2 -> 50..112, 7.7e-5;
# 0.352 -> 104..179, 6.6e-5; 0.19 -> 47..108, 7.2e-5
loss_check h1 4 r1 0.2
loss_check h1 4 h2 0.352
loss_check h2 4 r1 0.19
loss_check h1 6 h2 0.352

# the delay lines counted what they dropped: link 0 drops only a>b (of the
# 1200 requests h1 sent over it, fewer than 101 lost at p = 0.2: P < 1e-60)
_c=$("$TPLAB" counters "$LAB")
_l0ba=$(printf '%s\n' "$_c" | awk '$1 == "link" && $2 == 0 && $3 == "b>a" { sub("lost=", "", $5); print $5 }')
_l0ab=$(printf '%s\n' "$_c" | awk '$1 == "link" && $2 == 0 && $3 == "a>b" { sub("lost=", "", $5); print $5 }')
check "[ \"$_l0ba\" = 0 ] && [ \"${_l0ab:-0}\" -gt 100 ]" \
    "delay-line counters: link h1-r1 lost a>b ${_l0ab:-?}, b>a ${_l0ba:-?}"
