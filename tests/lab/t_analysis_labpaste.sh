#!/bin/sh
# t_analysis_labpaste.sh: `tracepair analyze` on real mtr and traceroute
# texts traced in the seed-003 labs (tests/analysis/lab-paste/, made by
# `bench/diagnosis.sh 1 - paste`; how, in its README), judged against each
# scenario's ground truth (tests/analysis/judge.sh).  No lab, no root: the
# analyser on saved texts.  One check per pair listed in
# tests/analysis/lab-paste/expected:
#   right         the pair must be judged right;
#   inconclusive  right or inconclusive, never wrong (the texts hold too
#                 few probes to decide; a better model may decide them);
#   wrong         a known wrong verdict, its reason in the file: any class
#                 passes, the class is printed.
# Each check also holds the verdict's advice for more probes to the tool
# the texts came from: traceroute's (at most 10 per hop) is several runs
# pasted one after another, mtr's is -c; but traceroute on the labs whose
# routers all keep the kernel's ICMP limits is told to rerun mtr -i 1
# (rerun_with in the JSON), and no other pair is.
# And one check that every pair in the folder is listed.
TP=${TP_BIN:-$PWD/${BUILD:-build}/bin}/tracepair
D=tests/analysis/lab-paste
E=$D/expected

if [ ! -x "$TP" ] || ! command -v jq >/dev/null 2>&1; then
	echo "1..1"; echo "ok 1 - lab-paste pairs # SKIP tracepair or jq missing"; exit 0
fi
. tests/analysis/judge.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() {
	n=$((n + 1)); echo "not ok $n - $1"; shift
	for _d in "$@"; do printf '%s\n' "$_d" | sed 's/^/# /'; done
}

echo "1..$(($(grep -c '^sf-chicago' "$E") + 1))"
last=
while read -r scn fam tool want reason; do
	case $scn in sf-chicago*) ;; *) continue ;; esac
	[ "$scn" = "$last" ] || judge_names "tests/lab/scenarios/$scn.scn"
	last=$scn
	pair=$scn-$fam-$tool
	name="$pair: $want"
	if ! "$TP" analyze --json "$D/$pair-forward.txt" "$D/$pair-reverse.txt" \
	    >"$tmp/out.json" 2>"$tmp/err"; then
		not_ok "$name" "tracepair analyze failed: $(cat "$tmp/err")"
		continue
	fi
	judge_class "$scn" "$tmp/out.json"
	# more probes "would decide" (or confirm) only above what the pair has
	if ! jq -e '.analysis.min_probes_per_hop as $m |
	    [.analysis.probes_per_hop_to_decide, .analysis.probes_per_hop_to_confirm] |
	    map(select(. != null)) | all(. > $m)' "$tmp/out.json" >/dev/null; then
		not_ok "$name" "probes needed $(jq -c '[.analysis.probes_per_hop_to_decide, .analysis.probes_per_hop_to_confirm]' "$tmp/out.json"), not above the $(jq .analysis.min_probes_per_hop "$tmp/out.json") per hop it has"
		continue
	fi
	# a loss verdict decided below 0.90 (not firm: the probes that would
	# confirm it in the JSON) says so in its verdict, and only then
	nf=$(jq -r '.analysis | has("probes_per_hop_to_confirm") and (.firm | not)' "$tmp/out.json")
	if [ "$nf" = true ] && ! jq -r .analysis.verdict "$tmp/out.json" | grep -q 'not yet firm\|Not yet firm'; then
		not_ok "$name" "decided below 0.90 (not firm), and the verdict does not say it is not yet firm" \
		    "verdict: $(jq -r .analysis.verdict "$tmp/out.json" | cut -c1-300)"
		continue
	fi
	if [ "$nf" = false ] && jq -r .analysis.verdict "$tmp/out.json" | grep -qi 'not yet firm'; then
		not_ok "$name" "firm or inconclusive, and the verdict says not yet firm" \
		    "verdict: $(jq -r .analysis.verdict "$tmp/out.json" | cut -c1-300)"
		continue
	fi
	# the advice for more probes, in the tool's own terms; on the labs
	# whose routers keep the kernel's ICMP limits, traceroute's bursts
	# meet them at most hops, and the advice is mtr at one probe a
	# second (rerun_with, interval 1), with the count its words give;
	# elsewhere traceroute's runs up to 10 of them, mtr -c at the user's
	# interval (rerun_with, interval null) past that; never for mtr
	paced=$(jq -r '.analysis.rerun_with | if . == null then "none" else
	    "\(.probes_per_hop)/\(.interval_s)" end' "$tmp/out.json")
	case $tool in
	traceroute*) how='paste \([1-9]\|10\) runs of traceroute -q 10 one after another' ;;
	mtr*) how='rerun mtr with -c [0-9]*' ;;
	esac
	case $scn/$tool/$paced in
	sf-chicago-limitedstretch/traceroute*/none|sf-chicago-quiet/traceroute*/none)
		if jq -e '.analysis | has("rerun_with")' "$tmp/out.json" >/dev/null; then
			not_ok "$name" "routers at the kernel's limits, and the advice is not mtr -i 1" \
			    "verdict: $(jq -r .analysis.verdict "$tmp/out.json" | cut -c1-300)"
			continue
		fi ;;
	sf-chicago-limitedstretch/traceroute*/*/1|sf-chicago-quiet/traceroute*/*/1)
		how="rerun mtr with -c ${paced%/*} -i 1, not traceroute" ;;
	*/traceroute*/none) ;;
	*/traceroute*/*/null)
		if [ "${paced%/*}" -le 100 ]; then
			not_ok "$name" "mtr advised for ${paced%/*} probes per hop, which 10 runs of traceroute give" \
			    "verdict: $(jq -r .analysis.verdict "$tmp/out.json" | cut -c1-300)"
			continue
		fi
		how="rerun mtr with -c ${paced%/*}, not traceroute (that would take $(((${paced%/*} + 9) / 10)) runs of traceroute -q 10)" ;;
	*/mtr*/none) ;;
	*)
		not_ok "$name" "mtr advised ($paced: probes per hop/interval) where the pasted tool or the lab says otherwise" \
		    "verdict: $(jq -r .analysis.verdict "$tmp/out.json" | cut -c1-300)"
		continue ;;
	esac
	if jq -r .analysis.verdict "$tmp/out.json" | grep -q 'would decide:\|would confirm it:' &&
	    ! jq -r .analysis.verdict "$tmp/out.json" | grep -q "$how"; then
		not_ok "$name" "the advice for more probes is not $tool's ('$how')" \
		    "verdict: $(jq -r .analysis.verdict "$tmp/out.json" | cut -c1-300)"
		continue
	fi
	case $want/$CLASS in
	right/right|inconclusive/right|inconclusive/inconclusive)
		ok "$name" ;;
	wrong/*)
		ok "$name (known, the reason in expected; now $CLASS)" ;;
	*)
		not_ok "$name" "judged $CLASS: first suspect '$FIRST'" \
		    "verdict: $(jq -r .analysis.verdict "$tmp/out.json" | cut -c1-300)" ;;
	esac
done <"$E"

# every pair in the folder has its line
missing=
for f in "$D"/*-forward.txt; do
	p=$(basename "$f" -forward.txt)
	set -- $(echo "$p" | sed 's/-\(v[46]\)-/ \1 /')
	grep -q "^$1 $2 $3 " "$E" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	ok "every pair in $D is in expected"
else
	not_ok "every pair in $D is in expected" "missing:$missing"
fi
