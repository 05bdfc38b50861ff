#!/bin/sh
# analysis-repeat.sh: how often the analysis names the right link on the
# lossy labs (analysis-loss1: 30 % loss on r2 -> r3 one way; analysis-loss2:
# 30 % both ways), RUNS pairs each with 20 probes per hop, IPv4 and IPv6
# alternating.  A benchmark, not a test: it reports the tally and the
# confidences (bench/results/analysis-repeat.txt); the per-pair error rate
# it estimates is also computed exactly enough by tp-ansim (docs/testing.md).
#
#   sudo sh bench/analysis-repeat.sh [RUNS]     (default 10; from the top of the tree)
. tests/lab/lib.sh
. tests/analysis/lab-helpers.sh
require_root
an_setup
RUNS=${1:-10}
OUT=bench/results/analysis-repeat.txt
mkdir -p bench/results
{
echo "# $(date -u +%Y-%m-%dT%H:%MZ) RUNS=$RUNS TPLAB_SEED=$TPLAB_SEED load: $(cut -d' ' -f1-3 /proc/loadavg)"
for scn in loss1 loss2; do
	an_lab_up tests/lab/scenarios/analysis-$scn.scn
	confs= right=0 i=1
	while [ $i -le "$RUNS" ]; do
		f=$((i % 2 ? 4 : 6))
		if an_pair $f; then
			got="$(an_q '.analysis.suspects[0].kind') $(an_suspect_nodes)"
			confs="$confs $(an_q '.analysis.suspects[0].confidence')"
			if [ "$got" = "link r2 r3" ]; then
				right=$((right + 1))
			else
				echo "$scn run $i (IPv$f): got '$got': $(head -1 "$AN_TMP/out.txt")"
			fi
		else
			echo "$scn run $i (IPv$f): the pair did not run"
		fi
		i=$((i + 1))
	done
	echo "$scn: suspect link r2 - r3 in $right of $RUNS pairs; confidences:$confs"
	lab_down
done
} | tee "$OUT"
