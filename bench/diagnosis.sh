#!/bin/sh
# diagnosis.sh: the round-trip diagnosis (docs/analysis.md, section 3) on
# seed-003 labs with ground truth, N paired traces per scenario and per
# address family (tracepair-agent from both ends at once, -q PROBES),
# tallied as right / wrong / inconclusive for IPv4 and IPv6 apart; then
# the analysis time per pair for 30 hops x 100 probes each way (a
# synthetic pair): end to end (`tracepair analyze --json`, process start
# included, and the same for a 1-hop pair to show that start-up) and
# in-process (build/bin/analysis-time: parsing, analysis_run and the JSON
# report each alone, median of 101).
#
#   sudo sh bench/diagnosis.sh [N] [PROBES] [agents|controller|controller-nofu]
#       (default 10, 20, agents; from the top of the tree; N per family)
#   sudo sh bench/diagnosis.sh [N] - paste
#       the same labs diagnosed from pasted text: real mtr and traceroute
#       runs (PASTE_TOOLS, default "mtr traceroute traceroute-n"; also
#       traceroute-runs: PASTE_RUNS (default 5) runs of traceroute -q 10
#       one after another, pasted whole and merged; the command lines in
#       `paste_cmd`) from both offices at once, each pair
#       of texts fed to `tracepair analyze FORWARD REVERSE` and judged, N
#       per scenario, family and tool; PASTE_FIXTURES=DIR saves each first
#       pair there with a header of four "# " lines
#       (tests/analysis/lab-paste/ was made so).  A verdict that asks for
#       N probes per hop (to decide, or to confirm one below 0.90) is
#       followed once, as a user would: the tool again with N, judged
#       (PASTE_FOLLOW=0: not; PASTE_FOLLOW_MAX, default 1000, the most
#       a verdict asks, 300 until 2026-12-07: the most N
#       followed); the table gives the first verdicts beside the final
#       ones.  No timing part.
#   sh bench/diagnosis.sh - - timing
#       the analysis time alone (no lab, no root).  TP_BEFORE=path to
#       another build's tracepair and AT_BEFORE=path to its analysis-time
#       are timed beside this build's, taking turns, for a before/after.
#
# agents: each pair is two `tracepair-agent trace` at once, one round,
# analysed alone.  controller: each pair is `tracepair pair` through a
# controller and an agent per office (pairlab.sh), so an inconclusive
# first round gets the controller's follow-up round (docs/analysis.md,
# section 3c: measured as the first round was, within the 60 s budget);
# the table then also counts the follow-ups.  controller-nofu: the same
# pairs with --no-follow-up (the first round's verdict), for a
# before/after.  The probing is the scenario's (`probing` below): --quick
# (every probe at once) on labs with no ICMP limits, a loss measurement
# (--loss: rounds 0.5 s apart, limits learned and kept under, as
# `tracepair pair` does by default) on labs whose routers keep the
# kernel's ICMP limits, where --quick would only measure the limits.
#
# Scenarios (tests/lab/scenarios/SCENARIO.scn; the ground truth of each
# in its file's header and in `judge`, tests/analysis/judge.sh, which
# the test of the pasted fixtures shares): sf-chicago (12 % both ways on
# core2.SF - Denver), -retloss (10 % on pb-nap -> SF-rt3: return-only
# for SF), -fwdloss (10 % on SF-core1-h1 -> MAE-West-h0: forward-only),
# -sharedoneway (10 % one way on Denver -> border3, a link both paths
# cross), -retdelay (+30 ms on pb-nap -> SF-rt3 only), -distance (45 ms
# each way on core2.SF - Denver, no loss), -access (8 % each way on the
# SF office's own link), -twofaults (10 % each way on some_interconnect -
# router.SF and on core2.SF - Denver), -limitedstretch (10 % both ways on
# core2.SF - Denver, then two routers at 1 ICMP error/s), -quiet (nothing
# broken, two silent routers and two at 1/s).  DIAG_SCENARIOS (env) picks
# some, DIAG_FAMILIES (env, default "4 6") the families; DIAG_KEEP=DIR keeps
# every pair's analysis JSON there (agents mode: its two traces too,
# tp-ansim's templates; paste mode: the last paste's two texts, and the
# first paste's texts and analysis as PAIR-first-*); DIAG_LOSS=1 measures loss on every lab (rounds
# 0.5 s apart, as `tracepair pair` does by default), not --quick.  The table goes
# to bench/results/diagnosis.txt; one line per pair (its class, the
# suspects as judged, the verdict) to bench/results/diagnosis-runs.txt.
. tests/lab/lib.sh
. tests/analysis/lab-helpers.sh
N=${1:-10}
Q=${2:-20}
MODE=${3:-agents}
case $MODE in
agents|controller|controller-nofu|paste) require_root ;;
timing) ;;
*) echo "diagnosis.sh: mode must be agents, controller, controller-nofu, paste or timing, not '$MODE'" >&2; exit 2 ;;
esac
an_setup
case $MODE in controller*|timing) . tests/integration/pairlab.sh ;; esac
OUT=${DIAG_OUT:-bench/results/diagnosis.txt}
RUNS=${DIAG_RUNS:-bench/results/diagnosis-runs.txt}
mkdir -p bench/results
AN_A=sf-office AN_B=chicago-office

# probing SCENARIO: the agent options of its traces (see the header)
probing() {
	case $1 in
	sf-chicago-limitedstretch|sf-chicago-quiet) echo --loss ;;
	*) if [ -n "${DIAG_LOSS:-}" ]; then echo --loss; else echo --quick; fi ;;
	esac
}

# the ground truth (judge, judged, judge_class): tests/analysis/judge.sh
. tests/analysis/judge.sh

# TOOLS: paste mode's text tools (PASTE_TOOLS), "-" (one pass) else
TOOLS=-
if [ "$MODE" = paste ]; then
	TOOLS=${PASTE_TOOLS:-mtr traceroute traceroute-n}
	[ -n "${PASTE_FIXTURES:-}" ] && mkdir -p "$PASTE_FIXTURES"
fi

# runs_words TOOL: how many runs the tool's text holds, when more than one
runs_words() {
	[ "$1" = traceroute-runs ] && echo ", ${PASTE_RUNS:-5} runs one after another"
	return 0
}

# paste_version TOOL: the version of the text tool TOOL (for the record)
paste_version() {
	case $1 in
	mtr) mtr --version 2>&1 | head -1 ;;
	*) traceroute --version 2>&1 | head -1 | sed 's/^Modern //' ;;
	esac
}

# paste_cmd SCENARIO FAMILY TOOL: the command line of the text tool TOOL
# (mtr, traceroute, traceroute-n) for paste mode, the destination left off.
# mtr: PASTE_COUNT cycles (default 50) 0.2 s apart, or PASTE_COUNT_LIMITED
# (default 30) 1 s apart on the labs whose routers keep the kernel's ICMP
# limits (the interval mtr's users keep to; 0.2 s needs root).
# traceroute: 10 probes per hop (its most), 2 s wait, its defaults else;
# traceroute-runs: the same, PASTE_RUNS times (AN_PASTE_RUNS, an_paste_runs
# in tests/analysis/lab-helpers.sh).
# A follow-up paste (FOLLOW_N set, follow_runs): mtr -c FOLLOW_N;
# traceroute -q FOLLOW_N up to 10, else -q 10 in several runs; mtr
# instead of any tool when the verdict said so (FOLLOW_PACED, from its
# rerun_with: 1, mtr -c FOLLOW_N -i 1, traceroute on routers that limit;
# own, mtr -c FOLLOW_N at the interval this bench gives mtr on the lab,
# traceroute whose count is more than 10 runs).
paste_cmd() {
	_q=10
	[ -n "${FOLLOW_N:-}" ] && [ "$FOLLOW_N" -le 10 ] && _q=$FOLLOW_N
	if [ "${FOLLOW_PACED:-}" = 1 ]; then
		echo "mtr --report-wide -c $FOLLOW_N -i 1 -$2"
		return
	fi
	_t=$3
	[ -n "${FOLLOW_PACED:-}" ] && _t=mtr
	case $_t in
	mtr)
		if [ "$(probing "$1")" = --loss ]; then
			echo "mtr --report-wide -c ${FOLLOW_N:-${PASTE_COUNT_LIMITED:-30}} -i 1 -$2"
		else
			echo "mtr --report-wide -c ${FOLLOW_N:-${PASTE_COUNT:-50}} -i 0.2 -$2"
		fi ;;
	traceroute|traceroute-runs) echo "traceroute -$2 -q $_q -w 2" ;;
	traceroute-n) echo "traceroute -$2 -n -q $_q -w 2" ;;
	*) echo "diagnosis.sh: PASTE_TOOLS: no tool '$3' (mtr, traceroute, traceroute-n, traceroute-runs)" >&2
	   return 1 ;;
	esac
}

# follow_runs TOOL N: how many runs of the traceroute text give N probes
# per hop (as the verdict's advice words it: "paste K runs of traceroute
# -q 10"); 1 for mtr and for N up to 10
follow_runs() {
	[ -n "${FOLLOW_PACED:-}" ] && { echo 1; return; }
	case $1 in
	traceroute*) [ "$2" -gt 10 ] && { echo $((($2 + 9) / 10)); return; } ;;
	esac
	echo 1
}

# advice JSON: the probes per hop the verdict asks for (to decide an
# inconclusive one, to confirm one below 0.90; of mtr -i 1 when it says
# rerun_with), empty when none
advice() {
	jq -r '.analysis | (.rerun_with.probes_per_hop // .probes_per_hop_to_decide //
	    .probes_per_hop_to_confirm) // empty' "$1"
}

# paste_fixture SCENARIO FAMILY TOOL CMD VERSION DATE: the last pasted pair
# ($AN_TMP/fwd.txt, rev.txt) saved in $PASTE_FIXTURES as
# SCENARIO-vFAMILY-TOOL-forward.txt and -reverse.txt, each with four "# "
# header lines (tracepair analyze skips them as noise)
paste_fixture() {
	for _d in forward reverse; do
		if [ $_d = forward ]; then
			_from=$AN_A _to=$AN_B _src=fwd
		else
			_from=$AN_B _to=$AN_A _src=rev
		fi
		_addr=$(lab_addr "$_to" "$2")
		{
			echo "# scenario: $1 (tests/lab/scenarios/$1.scn)"
			echo "# direction: $_d, $_from -> $_to ($_addr)"
			echo "# tool: $5: $4 $_addr$(runs_words "$3")"
			echo "# date: $6, both offices at once (bench/diagnosis.sh paste)"
			cat "$AN_TMP/$_src.txt"
		} >"$PASTE_FIXTURES/$1-v$2-$3-$_d.txt"
	done
}

{
echo "# $(date -u +%Y-%m-%dT%H:%MZ) N=$N per family PROBES=$Q MODE=$MODE load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$MODE" != timing ]; then
	if [ "$MODE" = paste ]; then
		for t in $TOOLS; do
			_lim=
			[ "$t" = mtr ] && _lim=" (limitedstretch, quiet: $(paste_cmd sf-chicago-quiet 4 "$t") DEST)"
			echo "# $t: $(paste_cmd sf-chicago 4 "$t") DEST$(runs_words "$t")$_lim; $(paste_version "$t")"
		done
		printf '%-27s %-12s %4s %5s %5s %12s %5s %9s %s\n' scenario tool af right wrong inconclusive runs followed first-r/w/i
	else
		printf '%-27s %4s %5s %5s %12s %5s %10s\n' scenario af right wrong inconclusive runs follow-ups
	fi
	echo "# $(date -u +%Y-%m-%dT%H:%MZ) N=$N per family PROBES=$Q MODE=$MODE" >>"$RUNS"
fi
# pair FAMILY SCENARIO [TOOL]: one pair of the mode into $AN_TMP/out.json,
# its verdict first in $AN_TMP/out.txt (paste: TOOL's two texts in
# $AN_TMP/fwd.txt and rev.txt)
pair() {
	if [ "$MODE" = paste ]; then
		AN_PASTE_RUNS=1
		[ "$3" = traceroute-runs ] && AN_PASTE_RUNS=${PASTE_RUNS:-5}
		[ -n "${FOLLOW_N:-}" ] && AN_PASTE_RUNS=$(follow_runs "$3" "$FOLLOW_N")
		an_paste "$1" auto $(paste_cmd "$2" "$1" "$3")
		return
	fi
	if [ "$MODE" = agents ]; then
		an_pair "$1" -w 3 -q "$Q" $(probing "$2")
		return
	fi
	_pr=$(probing "$2")
	[ "$_pr" = --loss ] && _pr=
	pairlab_cli pair sf-office chicago-office --json -"$1" -w 3 -q "$Q" \
	    $_pr ${NOFU:-} >"$AN_TMP/out.json" 2>"$AN_TMP/out.err" &&
	    jq -e '.status == "ok"' "$AN_TMP/out.json" >/dev/null || return 1
	jq -r '.analysis.verdict' "$AN_TMP/out.json" >"$AN_TMP/out.txt"
}
NOFU=
[ "$MODE" = controller-nofu ] && NOFU=--no-follow-up
case $MODE in controller*) trap 'pairlab_down; rm -rf "$AN_TMP"' EXIT ;; esac
[ "$MODE" = timing ] && trap 'rm -rf "$AN_TMP"' EXIT
SCENARIOS=${DIAG_SCENARIOS:-sf-chicago sf-chicago-retloss sf-chicago-fwdloss \
    sf-chicago-sharedoneway sf-chicago-retdelay sf-chicago-distance \
    sf-chicago-access sf-chicago-twofaults sf-chicago-limitedstretch \
    sf-chicago-quiet}
[ "$MODE" = timing ] && SCENARIOS=
for scn in $SCENARIOS; do
	judge_names tests/lab/scenarios/$scn.scn
	if [ "$MODE" = agents ] || [ "$MODE" = paste ]; then
		an_lab_up tests/lab/scenarios/$scn.scn
	elif ! pairlab_up "$scn" >/dev/null 2>&1; then
		echo "# $scn: pairlab up failed" >&2
		pairlab_down
		continue
	fi
	for f in ${DIAG_FAMILIES:-4 6}; do
	for t in $TOOLS; do
		# the run's name in messages and kept files: IPv4, IPv4 mtr ...
		run="IPv$f${t#-}" keep=$scn-$f
		[ "$t" != - ] && run="IPv$f $t" keep=$scn-$f-$t
		right=0 wrong=0 inc=0 fu=0 i=1 r1=0 w1=0 i1=0
		while [ $i -le "$N" ]; do
			when=$(date -u +%Y-%m-%dT%H:%MZ)
			FOLLOW_N= FOLLOW_PACED=
			if pair $f $scn $t; then
				[ "$(an_q '.analysis.follow_up.ran // false')" = true ] &&
				    fu=$((fu + 1))
				judge_class $scn "$AN_TMP/out.json"
				# paste: the user follows the verdict's advice once
				# (PASTE_FOLLOW=0: not), with at most PASTE_FOLLOW_MAX
				# probes per hop; the first verdict is kept apart
				first1=$CLASS _adv= _paced=
				[ "$MODE" = paste ] && [ "${PASTE_FOLLOW:-1}" != 0 ] &&
				    _adv=$(advice "$AN_TMP/out.json") &&
				    _paced=$(jq -r '.analysis.rerun_with | if . == null then empty else (.interval_s // "own") end' "$AN_TMP/out.json")
				# DIAG_KEEP: the first paste's two texts and its analysis
				[ "$MODE" = paste ] && [ -n "${DIAG_KEEP:-}" ] &&
				    for _k in fwd.txt rev.txt out.json; do
					cp "$AN_TMP/$_k" "$DIAG_KEEP/$keep-$i-first-$_k"
				    done
				if [ -n "$_adv" ] && [ "$_adv" -le "${PASTE_FOLLOW_MAX:-1000}" ]; then
					echo "$scn $run $i first $CLASS, advice $_adv probes per hop${_paced:+ (mtr$([ "$_paced" = 1 ] && echo " -i 1"))} | $(head -1 "$AN_TMP/out.txt" | cut -c1-300)" >>"$RUNS"
					FOLLOW_N=$_adv FOLLOW_PACED=$_paced
					if pair $f $scn $t; then
						fu=$((fu + 1))
						judge_class $scn "$AN_TMP/out.json"
					else
						CLASS=$first1
						echo "# $scn run $i ($run): the follow-up paste did not run" >&2
					fi
				elif [ -n "$_adv" ]; then
					echo "$scn $run $i first $CLASS, advice $_adv probes per hop: more than PASTE_FOLLOW_MAX, not followed" >>"$RUNS"
				fi
				case $first1 in
				right) r1=$((r1 + 1)) ;;
				wrong) w1=$((w1 + 1)) ;;
				*) i1=$((i1 + 1)) ;;
				esac
				case $CLASS in
				right) right=$((right + 1)) ;;
				wrong) wrong=$((wrong + 1)) ;;
				*) inc=$((inc + 1)) ;;
				esac
				[ "$CLASS" = right ] ||
				    echo "# $scn run $i ($run) $CLASS: first '$FIRST': $(head -1 "$AN_TMP/out.txt" | cut -c1-300)" >&2
				if [ -n "${DIAG_KEEP:-}" ]; then
					cp "$AN_TMP/out.json" "$DIAG_KEEP/$keep-$i-$CLASS.json"
					# agents mode: the two traces too (tp-ansim's templates)
					[ "$MODE" = agents ] && cp "$AN_TMP/fwd.json" "$DIAG_KEEP/$keep-$i-fwd.json" &&
					    cp "$AN_TMP/rev.json" "$DIAG_KEEP/$keep-$i-rev.json"
					# paste mode: the last paste's two texts
					[ "$MODE" = paste ] && cp "$AN_TMP/fwd.txt" "$DIAG_KEEP/$keep-$i-fwd.txt" &&
					    cp "$AN_TMP/rev.txt" "$DIAG_KEEP/$keep-$i-rev.txt"
				fi
				[ -n "${PASTE_FIXTURES:-}" ] && [ $i = 1 ] &&
				    paste_fixture $scn $f $t "$(paste_cmd $scn $f $t)" "$(paste_version $t)" "$when"
				echo "$scn $run $i $CLASS | chosen: $CHOSEN | suspects: $NSUSP | distance: $DIST | $(head -1 "$AN_TMP/out.txt" | cut -c1-400)" >>"$RUNS"
			else
				echo "# $scn run $i ($run): the pair did not run" >&2
				echo "$scn $run $i did-not-run" >>"$RUNS"
			fi
			i=$((i + 1))
		done
		if [ "$MODE" = paste ]; then
			# first: each pair's first verdict, r/w/i, before advice
			printf '%-27s %-12s %4s %5d %5d %12d %5d %9d %s\n' "$scn" "$t" "IPv$f" $right $wrong $inc "$N" \
			    $fu "$r1/$w1/$i1"
		else
			printf '%-27s %4s %5d %5d %12d %5d %10s\n' "$scn" "IPv$f" $right $wrong $inc "$N" \
			    "$([ "$MODE" != agents ] && echo $fu || echo -)"
		fi
	done
	done
	if [ "$MODE" = agents ] || [ "$MODE" = paste ]; then
		lab_down
	else
		pairlab_down
	fi
done

[ "$MODE" = paste ] && exit 0	# (the analysis time is the other modes')

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
