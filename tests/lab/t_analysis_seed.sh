#!/bin/sh
# t_analysis_seed.sh: seed 003 in the lab (tests/lab/scenarios/sf-chicago.scn:
# 12 % loss both ways on core2.SanFrancisco - core1.Denver, asymmetric
# return through pb-nap and SF-rt3).  tracepair-agent pairs with DNS names
# (IPv4, IPv6) must name that link; real traceroute (names, and -n) and
# mtr (--report, --json) outputs pasted into `tracepair analyze` must give
# the seed's one-direction-only routers.  Pasted traceroutes use 10 probes
# per hop: with 3, a hop after the lossy link loses all of them about once
# in 80 and its router drops out of the comparison.
. tests/lab/lib.sh
. tests/analysis/lab-helpers.sh
require_root
an_setup
plan 13
AN_A=sf-office AN_B=chicago-office
FWD_ONLY="mae-west-h0.geo.net mae-west.other-isp.net sf-core1-h1.geo.net"
REV_ONLY="pb-nap.geo.net sf-rt3-f0.geo.net"

seed_checks() {	# $1 = 4 or 6
	an_want "IPv$1 agents: suspect link core2.SanFrancisco - core1.Denver" \
	    "$(an_q '.analysis.suspects[0].kind') $(an_names '.analysis.suspects[0] | .near.name, .far.name')" \
	    "link core1.denver.other-isp.net core2.sanfrancisco.other-isp.net"
	an_want "IPv$1 agents: forward-only routers" \
	    "$(an_names '.analysis.forward_only[].name')" "$FWD_ONLY"
	an_want "IPv$1 agents: reverse-only routers" \
	    "$(an_names '.analysis.reverse_only[].name')" "$REV_ONLY"
	an_want "IPv$1 agents: 7 shared routers, all by name" \
	    "$(an_q '[.analysis.shared[] | select(.how == "name")] | length')" 7
}

an_lab_up tests/lab/scenarios/sf-chicago.scn
for f in 4 6; do
	# 30 probes per hop: at 12 % loss a hop just past the link shows at
	# most one loss in 20 probes about once in 25 runs, moving the onset.
	# tp-ansim (5 x 10^4 redrawn pairs): the first suspect is another
	# link or a router on p = 1.8e-3 of pairs.  Two tries (an_try, a
	# fresh pair when a check is off): P(false failure) <= p^2 = 3.2e-6
	# per check.
	if ! an_try 2 "seed_checks $f" an_pair $f -w 3 -q 30; then
		for i in 1 2 3 4; do not_ok "IPv$f agents: the pair ran"; done
	fi
done

# Pasted texts, 10 probes per hop: a hop past the 12 % link is all stars
# with 0.2256^10 = 3.4e-7 (probe or reply lost: 1 - 0.88^2), so a router
# drops out of a comparison with P < 1e-5 per check (<= 11 hops each way).
if an_paste 4 traceroute traceroute -q 10 -w 2; then
	an_want "pasted traceroute: forward-only routers" \
	    "$(an_names '.analysis.forward_only[].name')" "$FWD_ONLY"
	an_want "pasted traceroute: reverse-only routers" \
	    "$(an_names '.analysis.reverse_only[].name')" "$REV_ONLY"
else
	not_ok "pasted traceroute: analysed"; not_ok "pasted traceroute: -"
fi
if an_paste 6 traceroute traceroute -6 -n -q 10 -w 2; then
	an_want "pasted traceroute -6 -n: 3 fwd-only, 2 rev-only, 7 shared by subnet" \
	    "$(an_q '"\(.analysis.forward_only | length) \(.analysis.reverse_only | length) \([.analysis.shared[] | select(.how == "subnet")] | length)"')" \
	    "3 2 7"
else
	not_ok "pasted traceroute -6 -n: analysed"
fi
if an_paste 4 mtr-report mtr -r -c 10 -i 0.2; then
	an_want "pasted mtr --report (names cut short): 3 fwd-only, 2 rev-only, 7 shared" \
	    "$(an_q '"\(.analysis.forward_only | length) \(.analysis.reverse_only | length) \(.analysis.shared | length)"')" \
	    "3 2 7"
else
	not_ok "pasted mtr --report: analysed"
fi
if an_paste 4 mtr-json mtr -j -c 10 -i 0.2; then
	an_want "pasted mtr --json: forward-only routers" \
	    "$(an_names '.analysis.forward_only[].name')" "$FWD_ONLY"
else
	not_ok "pasted mtr --json: analysed"
fi
lab_down
