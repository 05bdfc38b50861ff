# judge.sh: the ground truth of the seed-003 labs (tests/lab/scenarios/
# sf-chicago*.scn): what counts as a right, wrong or inconclusive analysis
# of a pair traced in one of them.  Sourced (POSIX sh, needs jq) by
# bench/diagnosis.sh and tests/lab/t_analysis_labpaste.sh.
#
#   . tests/analysis/judge.sh
#   judge_names tests/lab/scenarios/sf-chicago.scn   # once per scenario
#   judge_class sf-chicago out.json   # CLASS=right|wrong|inconclusive, FIRST...
#
# A suspect is named by its routers' DNS names (lower case).  Where the
# analysis holds an address and no name (traceroute -n, a pair traced
# without DNS) the name comes from the scenario's `dns` lines, so a pair
# is judged alike with or without names.

# The routers' names as DNS gives them (lower case)
DEN=core1.denver.other-isp.net C2=core2.sanfrancisco.other-isp.net
B3=border3.chicaco.other-isp.net PBNAP=pb-nap.geo.net RT3=sf-rt3-f0.geo.net
CORE1=sf-core1-h1.geo.net MAEW=mae-west-h0.geo.net IC=some_interconnect.geo.net
SFRT=router.sanfrancisco.mycompany.com SF13=sf13.mycompany.com
SFA='a (forward source)'

# JUDGE_NAMES: a JSON object, address -> lower-case DNS name (judge_names)
JUDGE_NAMES='{}'

# judge_names SCN-FILE: JUDGE_NAMES from the scenario's `dns NAME ADDR...`
# lines
judge_names() {
	JUDGE_NAMES=$(awk '$1 == "dns" { for (i = 3; i <= NF; i++)
		printf "%s\"%s\":\"%s\"", (n++ ? "," : "{"), $i, tolower($2) }
		END { print (n ? "}" : "{}") }' "$1")
}

# Each suspect as "kind near far both|one" (lower case; a link both ways
# with its two ends in name order; a router's far end "-"): FIRST the
# first suspect, CHOSEN the suspects that are not alternatives, sorted and
# joined by ";", NSUSP how many suspects, DIST the distance links (ends in
# name order, joined by ";").  An end is its name, else its address's
# name in JUDGE_NAMES, else its address.
JUDGE_KEY='def nm: (.name // ($names[.addr // ""] // .addr) // "-") | ascii_downcase;
def key: ([((.from // .near) | nm), (((.to // .far) // {}) | nm)]) as $e | "\(.kind) \(if .both_ways then ($e | sort | join(" ")) else ($e | join(" ")) end) \(if .both_ways then "both" else "one" end)";'

# judged JSON: FIRST, CHOSEN, NSUSP, DIST and INCONCLUSIVE ("true" or
# "false") of the analysis in JSON (tracepair analyze --json); one jq
judged() {
	_jd=$(jq -r --argjson names "$JUDGE_NAMES" "$JUDGE_KEY"'
	    (.analysis.suspects[0] | if . == null then "" else key end),
	    ([.analysis.suspects[] | select(.alternative | not) | key] | sort | join(";")),
	    (.analysis.suspects | length),
	    ([.analysis.distance[]? | [(.near | nm), (.far | nm)] | sort | join(" ")] | join(";")),
	    (.analysis.inconclusive | tostring)' "$1")
	{ read -r FIRST; read -r CHOSEN; read -r NSUSP; read -r DIST; read -r INCONCLUSIVE; } <<EOF
$_jd
EOF
}

# judge SCENARIO: the ground truth: 0 when the judged analysis (judged) is
# right, 1 when not, 2 for a scenario without one
judge() {
	case $1 in
	sf-chicago|sf-chicago-limitedstretch)
		# the link core2.SF - Denver, both ways
		[ "$FIRST" = "link $DEN $C2 both" ] ;;
	sf-chicago-retloss)
		[ "$FIRST" = "link $PBNAP $RT3 one" ] ;;
	sf-chicago-fwdloss)
		[ "$FIRST" = "link $CORE1 $MAEW one" ] ;;
	sf-chicago-sharedoneway)
		# Denver - border3: both ways (its directions are on the same
		# round trips) or the lossy direction; never the other one
		[ "$FIRST" = "link $B3 $DEN both" ] || [ "$FIRST" = "link $DEN $B3 one" ] ;;
	sf-chicago-retdelay)
		[ "$FIRST" = "latency $PBNAP $RT3 one" ] ;;
	sf-chicago-distance)
		# no suspect, and the long haul listed as distance
		[ "$NSUSP" = 0 ] && case ";$DIST;" in *";$DEN $C2;"*) true ;; *) false ;; esac ;;
	sf-chicago-access)
		# the SF office's own link, as a site or a link, any direction
		case $FIRST in
		# (the analysis names the office's end "A (forward source)")
		"site $SF13 $SFRT "*|"site $SFRT $SF13 "*|"link $SF13 $SFRT "*|"link $SFRT $SF13 "*) true ;;
		"site $SFA $SFRT "*|"site $SFRT $SFA "*|"link $SFA $SFRT "*|"link $SFRT $SFA "*) true ;;
		*) false ;;
		esac ;;
	sf-chicago-twofaults)
		# both links chosen, each both ways, and nothing else
		[ "$CHOSEN" = "link $DEN $C2 both;link $SFRT $IC both" ] ;;
	sf-chicago-quiet)
		[ "$NSUSP" = 0 ] ;;
	*)
		echo "judge.sh: no ground truth for $1" >&2
		return 2 ;;
	esac
}

# judge_class SCENARIO JSON: judged, then CLASS "right", "wrong" or
# "inconclusive" (an inconclusive verdict is never counted right); status
# 2 (CLASS empty) for a scenario without ground truth
judge_class() {
	CLASS=
	judged "$2"
	if [ "$INCONCLUSIVE" = true ]; then
		CLASS=inconclusive
		return 0
	fi
	judge "$1"
	case $? in
	0) CLASS=right ;;
	1) CLASS=wrong ;;
	*) return 2 ;;
	esac
}
