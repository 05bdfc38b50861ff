# lab-helpers.sh: helpers the analysis lab tests (tests/lab/t_analysis_*.sh)
# share, on top of tests/lab/lib.sh: run a pair of traces at the same moment,
# analyse them, and map the addresses in the result back to scenario nodes.

# an_setup: skip unless the programs and jq exist; make $AN_TMP
an_setup() {
	_why=
	[ -x "$TP_BIN/tracepair-agent" ] || _why="$TP_BIN/tracepair-agent not built"
	[ -x "$TP_BIN/tracepair" ] || _why="$TP_BIN/tracepair not built"
	command -v jq >/dev/null 2>&1 || _why="jq not installed"
	if [ -n "$_why" ]; then
		echo "1..1"
		echo "ok 1 - $(basename "$0") # SKIP $_why"
		exit 0
	fi
	AN_TMP=$(mktemp -d)
}

# an_lab_up SCENARIO: lab_up, then the address -> node table and a trap
# that also removes $AN_TMP
an_lab_up() {
	lab_up "$1"
	trap 'lab_down_all; rm -rf "$AN_TMP"' EXIT
	"$TPLAB" links "$LAB" | awk '{
		split($2, x, ":"); split($3, y, ":")
		for (i = 4; i <= 7; i++) {
			if ($i == "-") continue
			a = $i; sub("/.*", "", a)
			print a, (i % 2 == 0 ? x[1] : y[1])
		} }' >"$AN_TMP/nodes"
}

# an_node ADDR: the scenario node that owns ADDR ("?" if none)
an_node() {
	awk -v a="$1" '$1 == a { print $2; f = 1; exit } END { if (!f) print "?" }' \
	    "$AN_TMP/nodes"
}

# an_nodes: addresses on stdin -> sorted node names on one line
an_nodes() {
	while read -r _a; do [ -n "$_a" ] && an_node "$_a"; done | sort | tr '\n' ' ' |
	    sed 's/ $//'
}

# an_pair FAMILY [AGENT OPTIONS...]: trace A -> B and B -> A at the same
# moment with 20 probes per hop all at once (--quick: these tests are
# about the analysis of such traces; no DNS unless options are given), then
# analyse; JSON in $AN_TMP/out.json, text report in $AN_TMP/out.txt.  The
# end hosts are nodes a and b unless $AN_A / $AN_B name others.
# AN_PROBING replaces --quick (AN_PROBING= : a loss measurement, rounds
# and echo, as `tracepair pair` measures by default).  Returns
# non-zero when a step fails.
an_pair() {
	_fam=$1; shift
	[ $# -gt 0 ] || set -- -n
	_na=${AN_A:-a} _nb=${AN_B:-b}
	_b=$(lab_addr "$_nb" "$_fam") && _a=$(lab_addr "$_na" "$_fam") || return 1
	lab_exec "$_na" "$TP_BIN/tracepair-agent" trace -"$_fam" -q 20 ${AN_PROBING---quick} --json "$@" \
	    "$_b" >"$AN_TMP/fwd.json" 2>"$AN_TMP/fwd.err" &
	_p1=$!
	lab_exec "$_nb" "$TP_BIN/tracepair-agent" trace -"$_fam" -q 20 ${AN_PROBING---quick} --json "$@" \
	    "$_a" >"$AN_TMP/rev.json" 2>"$AN_TMP/rev.err" &
	_p2=$!
	wait "$_p1" || { diag "forward trace failed: $(cat "$AN_TMP/fwd.err")"; wait "$_p2"; return 1; }
	wait "$_p2" || { diag "reverse trace failed: $(cat "$AN_TMP/rev.err")"; return 1; }
	"$TP_BIN/tracepair" analyze --json "$AN_TMP/fwd.json" "$AN_TMP/rev.json" \
	    >"$AN_TMP/out.json" || return 1
	"$TP_BIN/tracepair" analyze "$AN_TMP/fwd.json" "$AN_TMP/rev.json" \
	    >"$AN_TMP/out.txt" || return 1
}

# an_paste FAMILY FORMAT CMD...: run the text tool CMD (traceroute, mtr ...)
# from both ends at once, towards the other end's address (appended), and
# analyse the two pasted outputs as FORMAT (auto, traceroute, mtr-report..).
# AN_PASTE_RUNS=K (default 1): each end runs CMD K times one after another
# and its text holds the K runs, each after its "$ CMD ADDR" prompt line,
# as a terminal copied whole shows them (traceroute's runs are merged).
an_paste() {
	_fam=$1 _fmt=$2; shift 2
	_na=${AN_A:-a} _nb=${AN_B:-b}
	_b=$(lab_addr "$_nb" "$_fam") && _a=$(lab_addr "$_na" "$_fam") || return 1
	an_paste_runs "$_na" "$_b" "$@" >"$AN_TMP/fwd.txt" 2>"$AN_TMP/fwd.err" &
	_p1=$!
	an_paste_runs "$_nb" "$_a" "$@" >"$AN_TMP/rev.txt" 2>"$AN_TMP/rev.err" &
	_p2=$!
	wait "$_p1" || { diag "forward $1 failed: $(cat "$AN_TMP/fwd.err")"; wait "$_p2"; return 1; }
	wait "$_p2" || { diag "reverse $1 failed: $(cat "$AN_TMP/rev.err")"; return 1; }
	"$TP_BIN/tracepair" analyze --format "$_fmt" --json "$AN_TMP/fwd.txt" \
	    "$AN_TMP/rev.txt" >"$AN_TMP/out.json" || return 1
	"$TP_BIN/tracepair" analyze --format "$_fmt" "$AN_TMP/fwd.txt" \
	    "$AN_TMP/rev.txt" >"$AN_TMP/out.txt" || return 1
}

# an_paste_runs NODE DEST CMD...: CMD DEST on NODE, AN_PASTE_RUNS times
an_paste_runs() {
	_node=$1 _dst=$2; shift 2
	_k=${AN_PASTE_RUNS:-1} _i=0
	while [ "$_i" -lt "$_k" ]; do
		[ "$_k" -gt 1 ] && echo "\$ $* $_dst"
		lab_exec "$_node" "$@" "$_dst" || return 1
		_i=$((_i + 1))
	done
}

# an_names JQ-PATH: lower-case names at JQ-PATH, sorted, on one line
an_names() {
	an_q "[$1 | ascii_downcase] | sort | join(\" \")"
}

# an_q JQ-FILTER: run a jq filter over the last analysis (raw output)
an_q() { jq -r "$1" "$AN_TMP/out.json"; }

# an_suspect_nodes: the nodes on either side of the first suspect
an_suspect_nodes() { an_q '.analysis.suspects[0].between[]?' | an_nodes; }

# an_fail_diag: the text report as TAP diagnostics
an_fail_diag() { sed 's/^/# /' "$AN_TMP/out.txt"; }

# an_want NAME GOT WANT: one TAP line comparing two strings; the text
# report as diagnostics when they differ.  Inside an_try's silent pass
# (AN_TRYING set) it only counts the differences in AN_MISSES.
an_want() {
	if [ -n "${AN_TRYING:-}" ]; then
		[ "$2" = "$3" ] || AN_MISSES=$((AN_MISSES + 1))
		return 0
	fi
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "got '$2', want '$3'"
		an_fail_diag
	fi
}

# an_try TRIES CHECKS PAIR-COMMAND...: run PAIR-COMMAND (an_pair ...), then
# the checks (CHECKS, a command line run with eval, made of an_want).  When
# a check fails and tries remain, the pair is traced again on a fresh sample
# (the delay lines' draws go on) and the checks run on that one; the last
# try's checks print their TAP results.  For verdicts that depend on packet
# sampling: the analysis gives the wrong one with a probability p per pair
# (measured with tp-ansim, in each test's comments), so a correct analysis
# fails all of TRIES independent pairs with p^TRIES, while a broken rule
# fails every one.  Returns non-zero (nothing printed) when the pair could
# not run.
an_try() {
	_at_tries=$1 _at_checks=$2 _at_n=1
	shift 2
	while "$@"; do
		if [ "$_at_n" -lt "$_at_tries" ]; then
			AN_MISSES=0 AN_TRYING=1
			eval "$_at_checks"
			AN_TRYING=
			if [ "$AN_MISSES" -gt 0 ]; then
				diag "try $_at_n of $_at_tries: $AN_MISSES check(s) off on this sample ($(head -1 "$AN_TMP/out.txt")); tracing again"
				_at_n=$((_at_n + 1))
				continue
			fi
		fi
		eval "$_at_checks"
		return 0
	done
	return 1
}
