#!/bin/sh
# t_analysis_repeat.sh: the lossy labs (analysis-loss1: 30 % loss on r2 -> r3
# one way; analysis-loss2: 30 % both ways) ten times each with 20 probes per
# hop, IPv4 and IPv6 alternating: the suspect must be the link r2 - r3 every
# time.  Prints the confidences as diagnostics.
. tests/lab/lib.sh
. tests/analysis/lab-helpers.sh
require_root
an_setup
RUNS=${AN_RUNS:-10}
plan $((2 * RUNS))

for scn in loss1 loss2; do
	an_lab_up tests/lab/scenarios/analysis-$scn.scn
	confs=
	i=1
	while [ $i -le "$RUNS" ]; do
		f=$((i % 2 ? 4 : 6))
		if an_pair $f; then
			got="$(an_q '.analysis.suspects[0].kind') $(an_suspect_nodes)"
			conf=$(an_q '.analysis.suspects[0].confidence')
			confs="$confs $conf"
			if [ "$got" = "link r2 r3" ]; then
				ok "$scn run $i (IPv$f): suspect link r2 - r3, confidence $conf"
			else
				not_ok "$scn run $i (IPv$f): got '$got', want 'link r2 r3'"
				an_fail_diag
			fi
		else
			not_ok "$scn run $i (IPv$f): the pair did not run"
		fi
		i=$((i + 1))
	done
	diag "$scn confidences:$confs"
	lab_down
done
