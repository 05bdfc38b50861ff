#!/bin/sh
# t_analysis_echo.sh: the default loss measurement (rounds 0.5 s apart,
# ICMP echo to every hop, limits learned) on sf-chicago-fwdloss.scn, where
# the echo to forward hops 6-10 (core2.SF ... router.Chicago) goes out
# through pb-nap and misses the lossy link SF-core1-h1 -> MAE-West-h0
# that their probes cross (docs/analysis.md, section 3d).  A pair of
# `tracepair-agent trace -q 50` from both offices at once, IPv4 and IPv6:
# - the analysis lists `echo-detour` for at least three of forward hops
#   6-10 and for no hop of the reverse trace or before forward hop 5
#   (hop 5's echo crosses the lossy link, but when it happens to lose
#   less than half the path's loss its probes may stand too: harmless);
# - its first suspect involves SF-core1-h1 or MAE-West-h0 (the link, the
#   router at an end of it, or the link one hop on: a single round of 50
#   probes tells these apart only most of the time) and is never the
#   link's reverse direction, mae-west-h0 -> sf-core1-h1 (the fault this
#   test was written for: with echo standing for hops 6-10 the loss
#   seemed to stop at hop 5, and 9 of 10 default pairs named it).
#
# Statistics (bench/README.md, "An echo that went another way"): 20 of
# 20 single rounds at -q 50 passed both checks (17 of 20 at -q 30, where
# the destination's 60 round trips too often lose 2 or fewer: 5 %).  At
# -q 50 the detour check fails mainly when the destination loses 2 or
# fewer of its 100 round trips (echo and probes), P = 0.002 at 10 %;
# taking 0.05 per try for both checks together, four tries (an_try) keep
# a false failure at 0.05^4 = 6e-6 per family.
. tests/lab/lib.sh
. tests/analysis/lab-helpers.sh
require_root
an_setup
plan 4
AN_A=sf-office AN_B=chicago-office AN_PROBING=

echo_checks() {	# $1 = 4 or 6
	an_want "IPv$1 loss measurement: echo-detour at 3 or more of forward hops 6-10, none in reverse or before forward hop 5" \
	    "$(an_q '[.analysis.artifacts[] | select(.kind == "echo-detour")] |
	        ([.[] | select(.direction == "forward" and .hop.ttl >= 6 and .hop.ttl <= 10)] | length >= 3) and
	        ([.[] | select(.direction != "forward" or .hop.ttl < 5 or .hop.ttl > 10)] | length == 0)')" true
	an_want "IPv$1 loss measurement: the first suspect is at SF-core1-h1 or MAE-West-h0, not mae-west-h0 -> sf-core1-h1" \
	    "$(an_q '.analysis.suspects[0] as $s | $s != null and
	        ([$s.from.name, $s.to.name, $s.near.name, $s.far.name] | map(select(. != null) | ascii_downcase) |
	         any(. == "sf-core1-h1.geo.net" or . == "mae-west-h0.geo.net")) and
	        (($s.kind == "link" and ($s.from.name // "" | ascii_downcase) == "mae-west-h0.geo.net" and
	          ($s.to.name // "" | ascii_downcase) == "sf-core1-h1.geo.net") | not)')" true
}

an_lab_up tests/lab/scenarios/sf-chicago-fwdloss.scn
for f in 4 6; do
	if ! an_try 4 "echo_checks $f" an_pair $f -q 50; then
		not_ok "IPv$f loss measurement: the pair ran"
		not_ok "IPv$f loss measurement: -"
	fi
done
