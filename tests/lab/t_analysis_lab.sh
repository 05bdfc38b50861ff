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

# want NAME GOT WANT: one TAP line comparing two strings
want() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "got '$2', want '$3'"
		an_fail_diag
	fi
}

an_lab_up $S/analysis-asym.scn
for f in 4 6; do
	if an_pair $f; then
		want "IPv$f asym: forward-only routers" \
		    "$(an_q '.analysis.forward_only[].addr' | an_nodes)" "r2 r3"
		want "IPv$f asym: reverse-only routers" \
		    "$(an_q '.analysis.reverse_only[].addr' | an_nodes)" "r5"
		want "IPv$f asym: no suspect, shared r1 r4" \
		    "$(an_q '.analysis.suspects | length')/$(an_q '.analysis.shared[].forward.addr' | an_nodes)" "0/r1 r4"
	else
		not_ok "IPv$f asym: pair ran"; not_ok "IPv$f asym: -"; not_ok "IPv$f asym: -"
	fi
done
lab_down

for scn in loss1 loss2; do
	an_lab_up $S/analysis-$scn.scn
	for f in 4 6; do
		if an_pair $f; then
			want "IPv$f $scn: suspect is the link r2 - r3" \
			    "$(an_q '.analysis.suspects[0].kind') $(an_suspect_nodes)" "link r2 r3"
			want "IPv$f $scn: forward loss starts at r3" \
			    "$(an_q '.analysis.loss.forward.addr' | an_nodes)" "r3"
		else
			not_ok "IPv$f $scn: pair ran"; not_ok "IPv$f $scn: -"
		fi
	done
	lab_down
done

an_lab_up $S/analysis-ratelimit.scn
for f in 4 6; do
	if an_pair $f; then
		want "IPv$f ratelimit: no suspect" "$(an_q '.analysis.suspects | length')" 0
		want "IPv$f ratelimit: r2 is a rate-limit artifact" \
		    "$(an_q '.analysis.artifacts[] | select(.kind == "icmp-rate-limit" and .direction == "forward") | .hop.addr' | an_nodes)" "r2"
	else
		not_ok "IPv$f ratelimit: pair ran"; not_ok "IPv$f ratelimit: -"
	fi
done
lab_down

an_lab_up $S/analysis-destlimit.scn
for f in 4 6; do
	if an_pair $f; then
		want "IPv$f destlimit: no suspect, no persistent loss" \
		    "$(an_q '.analysis.suspects | length') $(an_q '.analysis.loss.forward.persistent')" "0 false"
		want "IPv$f destlimit: b drops replies when probed fast (artifact)" \
		    "$(an_q '.analysis.artifacts[] | select(.kind == "destination-rate-limit" and .direction == "forward") | .hop.addr' | an_nodes)" "b"
	else
		not_ok "IPv$f destlimit: pair ran"; not_ok "IPv$f destlimit: -"
	fi
done
lab_down

an_lab_up $S/analysis-silent.scn
for f in 4 6; do
	if an_pair $f; then
		want "IPv$f silent: no suspect, shared r1 r3 r4" \
		    "$(an_q '.analysis.suspects | length')/$(an_q '.analysis.shared[].forward.addr' | an_nodes)" "0/r1 r3 r4"
		want "IPv$f silent: hop 2 is a silent router" \
		    "$(an_q '[.analysis.artifacts[] | select(.kind == "silent-router" and .direction == "forward") | .hop.ttl] | join(",")')" "2"
	else
		not_ok "IPv$f silent: pair ran"; not_ok "IPv$f silent: -"
	fi
done
lab_down

an_lab_up $S/analysis-filtered.scn
for f in 4 6; do
	if an_pair $f; then
		want "IPv$f filtered: suspect is a filter after r4" \
		    "$(an_q '.analysis.suspects[0].kind') $(an_q '.analysis.suspects[0].between[0]' | an_nodes)" "filter r4"
		want "IPv$f filtered: reverse got through, TCP 443 advised" \
		    "$(an_q '.analysis.stops.forward.other_reached') $(an_q '.analysis.stops.forward.advice' | grep -c 443)" "true 1"
	else
		not_ok "IPv$f filtered: pair ran"; not_ok "IPv$f filtered: -"
	fi
done
lab_down
