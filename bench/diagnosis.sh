#!/bin/sh
# diagnosis.sh: the round-trip diagnosis (docs/analysis.md, section 3) on
# labs with ground truth, N paired traces each (tracepair-agent from both
# ends at once, -q PROBES, IPv4 and IPv6 alternating), tallied as right /
# wrong / inconclusive; then the analysis time per pair for 30 hops x 100
# probes each way (a synthetic pair): end to end (`tracepair analyze
# --json`, process start included, and the same for a 1-hop pair to show
# that start-up) and in-process (build/bin/analysis-time: parsing,
# analysis_run and the JSON report each alone, median of 101).
#
#   sudo sh bench/diagnosis.sh [N] [PROBES] [agents|controller|controller-nofu]
#       (default 10, 20, agents; from the top of the tree)
#   sh bench/diagnosis.sh - - timing
#       the analysis time alone (no lab, no root).  TP_BEFORE=path to
#       another build's tracepair and AT_BEFORE=path to its analysis-time
#       are timed beside this build's, taking turns, for a before/after.
#
# agents: each pair is two `tracepair-agent trace --quick` at once, one
# round, analysed alone.  controller: each pair is `tracepair pair
# --quick` through a controller and an agent per office (pairlab.sh), so
# an inconclusive first round gets the controller's follow-up round
# (docs/analysis.md, section 3c: loss measured in rounds 0.5 s apart,
# measured as the first round was, within the 60 s budget); the table
# then also counts the follow-ups.  controller-nofu: the same pairs with
# --no-follow-up (the first round's verdict), for a before/after.
#
# Scenarios (tests/lab/scenarios): sf-chicago (12 % both ways on core2.SF
# - Denver: the link both ways), sf-chicago-retloss (10 % on pb-nap ->
# SF-rt3 only: return-only for SF), sf-chicago-fwdloss (10 % on
# SF-core1-h1 -> MAE-West-h0 only: forward-only); DIAG_SCENARIOS (env)
# picks some.  Figures go to bench/results/diagnosis.txt.
. tests/lab/lib.sh
. tests/analysis/lab-helpers.sh
N=${1:-10}
Q=${2:-20}
MODE=${3:-agents}
case $MODE in
agents|controller|controller-nofu) require_root ;;
timing) ;;
*) echo "diagnosis.sh: mode must be agents, controller, controller-nofu or timing, not '$MODE'" >&2; exit 2 ;;
esac
an_setup
[ "$MODE" != agents ] && . tests/integration/pairlab.sh
OUT=bench/results/diagnosis.txt
mkdir -p bench/results
AN_A=sf-office AN_B=chicago-office

# want SCENARIO: the first suspect that is right, as "kind from to" (lower case)
want() {
	case $1 in
	sf-chicago) echo "link core1.denver.other-isp.net core2.sanfrancisco.other-isp.net both" ;;
	sf-chicago-retloss) echo "link pb-nap.geo.net sf-rt3-f0.geo.net one" ;;
	sf-chicago-fwdloss) echo "link sf-core1-h1.geo.net mae-west-h0.geo.net one" ;;
	esac
}

{
echo "# $(date -u +%Y-%m-%dT%H:%MZ) N=$N PROBES=$Q MODE=$MODE load: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$MODE" != timing ] &&
    printf '%-22s %5s %5s %12s %5s %10s\n' scenario right wrong inconclusive runs follow-ups
# pair FAMILY: one pair of the mode into $AN_TMP/out.json, its verdict
# first in $AN_TMP/out.txt
pair() {
	if [ "$MODE" = agents ]; then
		an_pair "$1" -w 3 -q "$Q"
		return
	fi
	pairlab_cli pair sf-office chicago-office --json -"$1" -w 3 -q "$Q" \
	    --quick ${NOFU:-} >"$AN_TMP/out.json" 2>"$AN_TMP/out.err" &&
	    jq -e '.status == "ok"' "$AN_TMP/out.json" >/dev/null || return 1
	jq -r '.analysis.verdict' "$AN_TMP/out.json" >"$AN_TMP/out.txt"
}
NOFU=
[ "$MODE" = controller-nofu ] && NOFU=--no-follow-up
[ "$MODE" != agents ] && [ "$MODE" != timing ] &&
    trap 'pairlab_down; rm -rf "$AN_TMP"' EXIT
[ "$MODE" = timing ] && trap 'rm -rf "$AN_TMP"' EXIT
SCENARIOS=${DIAG_SCENARIOS:-sf-chicago sf-chicago-retloss sf-chicago-fwdloss}
[ "$MODE" = timing ] && SCENARIOS=
for scn in $SCENARIOS; do
	if [ "$MODE" = agents ]; then
		an_lab_up tests/lab/scenarios/$scn.scn
	elif ! pairlab_up "$scn" >/dev/null 2>&1; then
		echo "# $scn: pairlab up failed" >&2
		pairlab_down
		continue
	fi
	right=0 wrong=0 inc=0 fu=0 i=1
	while [ $i -le "$N" ]; do
		f=$((i % 2 ? 4 : 6))
		if pair $f; then
			[ "$(an_q '.analysis.follow_up.ran // false')" = true ] &&
			    fu=$((fu + 1))
			# a link both ways: its two ends in name order
			got=$(an_q '.analysis.suspects[0] | [(.from // .near).name // "-", (.to // .far).name // "-"] as $e | "\(.kind) \(if .both_ways then ($e | map(ascii_downcase) | sort | join(" ")) else ($e | join(" ")) end) \(if .both_ways then "both" else "one" end)"' | tr 'A-Z' 'a-z')
			if [ "$(an_q '.analysis.inconclusive')" = true ]; then
				inc=$((inc + 1))
				echo "# $scn run $i (IPv$f) inconclusive: $(head -1 "$AN_TMP/out.txt" | cut -c1-300)" >&2
			elif [ "$got" = "$(want $scn)" ]; then
				right=$((right + 1))
			else
				wrong=$((wrong + 1))
				echo "# $scn run $i (IPv$f) wrong: got '$got': $(head -1 "$AN_TMP/out.txt" | cut -c1-300)" >&2
			fi
		else
			echo "# $scn run $i: the pair did not run" >&2
		fi
		i=$((i + 1))
	done
	printf '%-22s %5d %5d %12d %5d %10s\n' "$scn" $right $wrong $inc "$N" \
	    "$([ "$MODE" != agents ] && echo $fu || echo -)"
	if [ "$MODE" = agents ]; then
		lab_down
	else
		pairlab_down
	fi
done

# timing: a synthetic pair, 30 hops x 100 probes each way, 10 % loss from hop 15 forward
T=$AN_TMP/synth
mkdir -p "$T"
synth() {	# synth DIR HOPS PROBES > json
	awk -v dir="$1" -v H="$2" -v P="$3" 'BEGIN {
		srand(7 + dir)
		printf "{\"version\":1,\"af\":4,\"method\":\"udp-paris\",\"dst\":\"198.18.%d.%d\",\"reached\":true,\"hops\":[", 150 + dir, H
		for (h = 1; h <= H; h++) {
			printf "%s{\"ttl\":%d,\"probes\":[", (h > 1 ? "," : ""), h
			for (p = 0; p < P; p++) {
				lost = dir == 0 && h >= 15 && rand() < 0.1
				a = sprintf("198.18.%d.%d", 150 + dir, h)
				if (lost) printf "%s{\"addr\":\"\",\"rtt_ms\":null}", (p ? "," : "")
				else printf "%s{\"addr\":\"%s\",\"rtt_ms\":%.3f,\"reply_ttl\":%d}", (p ? "," : ""), a, h * 2 + rand(), 65 - h
			}
			printf "]}"
		}
		print "]}" }'
}
synth 0 30 100 >"$T/f.json"
synth 1 30 100 >"$T/r.json"
synth 0 1 3 >"$T/f1.json"
synth 1 1 3 >"$T/r1.json"
# e2e FWD REV: medians of 11 runs of tracepair analyze --json, this
# build's and, when TP_BEFORE is set, that one's, taking turns: wall time
# and CPU time (user + sys, bash's getrusage; on a loaded machine the
# wall time is mostly waiting for a core), in ms
e2e() {
	: >"$T/e2e.new"
	: >"$T/e2e.old"
	for _k in 1 2 3 4 5 6 7 8 9 10 11; do
		for _b in new ${TP_BEFORE:+old}; do
			[ $_b = new ] && _tp=$TP_BIN/tracepair || _tp=$TP_BEFORE
			bash -c 'TIMEFORMAT="%3R %3U %3S"; time "$@" >/dev/null' \
			    e2e "$_tp" analyze --json "$1" "$2" 2>&1 >/dev/null |
			    tail -1 >>"$T/e2e.$_b"
		done
	done
	_med() {	# wall and CPU medians of file $1
		_w=$(awk '{ print $1 }' "$1" | sort -n | sed -n 6p)
		_c=$(awk '{ print $2 + $3 }' "$1" | sort -n | sed -n 6p)
		awk -v w="$_w" -v c="$_c" 'BEGIN { printf "%.1f ms wall, %.0f ms CPU", w * 1000, c * 1000 }'
	}
	printf '%s' "$(_med "$T/e2e.new")"
	[ -n "${TP_BEFORE:-}" ] && printf ' (before: %s)' "$(_med "$T/e2e.old")"
	echo
}
echo "analysis time per pair, end to end (medians of 11, tracepair analyze --json, process start included):"
echo "  30 hops x 100 probes each way: $(e2e "$T/f.json" "$T/r.json")"
echo "  1 hop x 3 probes each way:     $(e2e "$T/f1.json" "$T/r1.json")"
if [ -x "$TP_BIN/analysis-time" ]; then
	echo "analysis time per pair, in-process (build/bin/analysis-time, 30 hops x 100 probes each way):"
	"$TP_BIN/analysis-time" "$T/f.json" "$T/r.json" 101 | sed 's/^/  /'
	if [ -n "${AT_BEFORE:-}" ]; then
		echo "  before ($AT_BEFORE):"
		"$AT_BEFORE" "$T/f.json" "$T/r.json" 101 | sed 's/^/    /'
	fi
else
	echo "# $TP_BIN/analysis-time not built (make everything): no in-process figures" >&2
fi
} | tee -a "$OUT"
