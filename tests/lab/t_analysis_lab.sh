#!/bin/sh
# t_analysis_lab.sh: `tracepair analyze` on real traces (tracepair-agent
# trace -q 20 from both ends at once) through the analysis-*.scn labs,
# IPv4 and IPv6, checked against each scenario's ground truth: asymmetric
# paths without loss, loss on one link one way and both ways, a
# rate-limiting router, a destination that rate-limits its replies, a
# silent router, a filtered destination.
. tests/lab/lib.sh
. tests/analysis/lab-helpers.sh
require_root
an_setup
plan 30

S=tests/lab/scenarios

# scenario NAME CHECKS N TRIES: the lab analysis-NAME.scn, a pair traced
# and analysed for IPv4 and IPv6, each checked by the function CHECKS (given
# the family and NAME; N TAP lines, N failures when the pair did not run),
# on up to TRIES independent pairs (an_try: the lossy labs, whose verdict
# depends on which probes the delay line drops)
scenario() {
	an_lab_up $S/analysis-$1.scn
	for f in 4 6; do
		if ! an_try "$4" "$2 $f $1" an_pair $f; then
			not_ok "IPv$f $1: pair ran"
			_i=1
			while [ $_i -lt "$3" ]; do
				not_ok "IPv$f $1: -"
				_i=$((_i + 1))
			done
		fi
	done
	lab_down
}

check_asym() {
	an_want "IPv$1 $2: forward-only routers" \
	    "$(an_q '.analysis.forward_only[].addr' | an_nodes)" "r2 r3"
	an_want "IPv$1 $2: reverse-only routers" \
	    "$(an_q '.analysis.reverse_only[].addr' | an_nodes)" "r5"
	an_want "IPv$1 $2: no suspect, shared r1 r4" \
	    "$(an_q '.analysis.suspects | length')/$(an_q '.analysis.shared[].forward.addr' | an_nodes)" "0/r1 r4"
}

check_loss() {
	an_want "IPv$1 $2: suspect is the link r2 - r3" \
	    "$(an_q '.analysis.suspects[0].kind') $(an_suspect_nodes)" "link r2 r3"
	an_want "IPv$1 $2: forward loss starts at r3" \
	    "$(an_q '.analysis.loss.forward.addr' | an_nodes)" "r3"
}

check_ratelimit() {
	an_want "IPv$1 $2: no suspect" "$(an_q '.analysis.suspects | length')" 0
	an_want "IPv$1 $2: r2 is a rate-limit artifact" \
	    "$(an_q '.analysis.artifacts[] | select(.kind == "icmp-rate-limit" and .direction == "forward") | .hop.addr' | an_nodes)" "r2"
}

check_destlimit() {
	an_want "IPv$1 $2: no suspect, no persistent loss" \
	    "$(an_q '.analysis.suspects | length') $(an_q '.analysis.loss.forward.persistent')" "0 false"
	an_want "IPv$1 $2: b drops replies when probed fast (artifact)" \
	    "$(an_q '.analysis.artifacts[] | select(.kind == "destination-rate-limit" and .direction == "forward") | .hop.addr' | an_nodes)" "b"
}

check_silent() {
	an_want "IPv$1 $2: no suspect, shared r1 r3 r4" \
	    "$(an_q '.analysis.suspects | length')/$(an_q '.analysis.shared[].forward.addr' | an_nodes)" "0/r1 r3 r4"
	an_want "IPv$1 $2: hop 2 is a silent router" \
	    "$(an_q '[.analysis.artifacts[] | select(.kind == "silent-router" and .direction == "forward") | .hop.ttl] | join(",")')" "2"
}

check_filtered() {
	an_want "IPv$1 $2: suspect is a filter after r4" \
	    "$(an_q '.analysis.suspects[0].kind') $(an_q '.analysis.suspects[0].between[0]' | an_nodes)" "filter r4"
	an_want "IPv$1 $2: reverse got through, TCP 443 advised" \
	    "$(an_q '.analysis.stops.forward.other_reached') $(an_q '.analysis.stops.forward.advice' | grep -c 443)" "true 1"
}

# Deterministic labs (no random loss): one pair each.  The rate limits
# (ratelimit, destlimit) are token buckets, not draws.
scenario asym check_asym 3 1
# The lossy labs: with 20 probes per hop, the analysis names another first
# suspect on 1.11 % of loss1 pairs and 1.10 % of loss2 pairs, another
# forward onset on 1.04 % and 1.08 % (tp-ansim, 10^5 redrawn pairs each,
# docs/testing.md; mostly a later hop answering so well that the loss does
# not look persistent: the contradict_p = 0.005 rule, per later hop).
# Three tries (an_try): P(false failure) <= 0.0111^3 = 1.4e-6 per check.
scenario loss1 check_loss 2 3
scenario loss2 check_loss 2 3
scenario ratelimit check_ratelimit 2 1
scenario destlimit check_destlimit 2 1
scenario silent check_silent 2 1
scenario filtered check_filtered 2 1
