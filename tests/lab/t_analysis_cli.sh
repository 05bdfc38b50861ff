#!/bin/sh
# t_analysis_cli.sh: `tracepair analyze` as a user runs it, no network needed:
# seed 003's pasted traceroutes, --json, stdin, mixed formats, and the errors
# a user can make (unparseable text names FILE:LINE and exits 1), RTTs out
# of range, --json read back, and the memory --json takes at the limits.
TP=${TP_BIN:-$PWD/${BUILD:-build}/bin}/tracepair
A=tests/analysis
n=0
t() {	# t NAME CMD...: one TAP line, CMD run with eval
	n=$((n + 1))
	_name=$1; shift
	if eval "$*"; then echo "ok $n - $_name"; else echo "not ok $n - $_name"; echo "# failed: $*"; fi
}
if [ ! -x "$TP" ]; then
	echo "1..1"; echo "ok 1 - tracepair analyze # SKIP $TP not built"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "1..21"

$TP analyze $A/seed003-forward.txt $A/seed003-reverse.txt >"$tmp/out" 2>"$tmp/err"
rc=$?
t "seed 003: exit 0, nothing on stderr" '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ]'
# 3 probes per hop: the link first and decided, but not firmly (its rivals,
# the routers at its ends, each have a third of a link's prior odds:
# docs/analysis.md 3a): not yet firm, with the advice to rerun with more
# probes in traceroute's terms
t "seed 003: verdict first, the core2.SanFrancisco - core1.Denver link, not yet firm, and the advice for more probes" \
    'head -1 "$tmp/out" | grep -q "^Verdict: Loss on the link core2.SanFrancisco.other-isp.net - core1.Denver.other-isp.net, seen in both directions .*confidence 0\.6.*Only 3 probes per hop, and not yet firm (below 0\.90): about 40 probes per hop would confirm it: paste 4 runs of traceroute -q 10 one after another (their probes add up)\."'
t "seed 003: side by side, reverse onset marked; replies of hops 6-11 come back via pb-nap and SF-rt3" \
    'grep -q "|   5 = core2.SanFrancisco.other-isp.net *33% !" "$tmp/out" &&
     grep -q "forward: replies from hops 6-11 come back via pb-nap.geo.net and SF-rt3-f0.geo.net" "$tmp/out"'
$TP analyze --json - $A/seed003-reverse.txt <$A/seed003-forward.txt >"$tmp/js"
t "--json from stdin: documented keys" \
    'command -v jq >/dev/null || { echo "# no jq"; grep -q "\"suspects\"" "$tmp/js"; } &&
     { ! command -v jq >/dev/null || jq -e ".forward and .reverse and .analysis.verdict and
       (.analysis.shared | length) == 6 and .analysis.loss.forward.earliest_onset_ttl <= 7 and
       .analysis.loss.forward.latest_onset_ttl >= 7 and .analysis.suspects[0].kind == \"link\" and (.analysis.forward_only | length) == 4" "$tmp/js" >/dev/null; }'
t "mixed formats (tracert forward, mtr reverse) analyse" \
    '$TP analyze $A/tracert.txt $A/mtr-report.txt | grep -q "^Verdict:"'
$TP analyze $A/bad-line.txt $A/seed003-reverse.txt >"$tmp/out" 2>"$tmp/err"
rc=$?
t "unparseable: exit 1" '[ $rc -eq 1 ]'
t "unparseable: FILE:LINE: cannot parse" \
    'grep -q "^tests/analysis/bad-line.txt:4: cannot parse \"{not\"" "$tmp/err" && [ ! -s "$tmp/out" ]'
$TP analyze $A/nonexistent.txt $A/seed003-reverse.txt 2>"$tmp/err"
rc=$?
t "missing file: one line, exit 1" '[ $rc -eq 1 ] && [ $(wc -l <"$tmp/err") -eq 1 ] && grep -q nonexistent "$tmp/err"'
$TP analyze 2>/dev/null
rc=$?
t "no file: usage, exit 2" '[ $rc -eq 2 ]'
$TP analyze a b c 2>/dev/null
rc=$?
t "three files: usage, exit 2" '[ $rc -eq 2 ]'
$TP analyze --format nope $A/seed003-forward.txt $A/seed003-reverse.txt 2>"$tmp/err"
rc=$?
t "unknown --format: exit 2, says so" '[ $rc -eq 2 ] && grep -q "unknown format" "$tmp/err"'
$TP analyze --aliases $A/aliases.txt --json $A/alias-forward.txt $A/alias-reverse.txt >"$tmp/js"
t "--aliases: the middle router is matched by alias evidence" \
    'grep -q "\"how\": \"alias\"" "$tmp/js" && ! $TP analyze --json $A/alias-forward.txt $A/alias-reverse.txt | grep -q "\"how\": \"alias\""'
printf '198.18.1.1 not-an-address\n' >"$tmp/al"
$TP analyze --aliases "$tmp/al" $A/alias-forward.txt $A/alias-reverse.txt >/dev/null 2>"$tmp/err"
rc=$?
t "--aliases with a bad line: FILE:LINE, exit 1" '[ $rc -eq 1 ] && grep -q "al:1: cannot parse address" "$tmp/err"'
$TP analyze --json $A/seed003-forward.txt $A/seed003-reverse.txt >"$tmp/pair.json"
$TP analyze "$tmp/pair.json" >"$tmp/out2"
rc=$?
t "a saved pair (one JSON file) is analysed again" \
    '[ $rc -eq 0 ] && head -1 "$tmp/out2" | grep -q "core2.SanFrancisco.other-isp.net - core1.Denver"'
$TP analyze $A/mtr.json >"$tmp/out" 2>"$tmp/err"
rc=$?
t "one trace alone: that direction, and what the other would add" \
    '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && head -1 "$tmp/out" | grep -q "^Verdict (one direction): " &&
     grep -q "^The other direction: A trace the other way" "$tmp/out"'
$TP analyze --json - <$A/seed003-forward.txt >"$tmp/js"
rc=$?
t "one trace from stdin, --json: trace and one-direction analysis" \
    '[ $rc -eq 0 ] && { ! command -v jq >/dev/null || jq -e ".trace.hops and
       .analysis.direction == \"forward\" and .analysis.loss.earliest_onset_ttl <= 7 and .analysis.loss.latest_onset_ttl >= 7 and
       (.analysis.other_direction | length) > 0 and (.reverse == null)" "$tmp/js" >/dev/null; }'
printf 'C:\\>ping 198.18.0.1\nReply from 198.18.0.1: bytes=32\n' | $TP analyze - >"$tmp/out" 2>"$tmp/err"
rc=$?
t "not a trace: one line naming the formats read, exit 1" \
    '[ $rc -eq 1 ] && [ $(wc -l <"$tmp/err") -eq 1 ] && grep -q "^-:2: cannot parse: no trace found; formats read: traceroute" "$tmp/err" && [ ! -s "$tmp/out" ]'

# an RTT that overflows is refused, never read as a host name "99999999999"
printf 'traceroute to 192.0.2.9 (192.0.2.9), 30 hops max\n 1  192.0.2.1  1.1 ms  99999999999 ms  1.3 ms\n' >"$tmp/over.txt"
$TP analyze "$tmp/over.txt" >"$tmp/out" 2>"$tmp/err"
rc=$?
t "an RTT that overflows: one line naming it, exit 1" \
    '[ $rc -eq 1 ] && [ $(wc -l <"$tmp/err") -eq 1 ] && [ ! -s "$tmp/out" ] &&
     grep -q "over.txt:2: cannot parse RTT \"99999999999 ms\": not a number of ms from 0 to 3600000" "$tmp/err"'
# mtr JSON with a negative RTT: refused on input (it was written out, then refused on reading)
printf '{"report":{"mtr":{"dst":"192.0.2.9"},"hubs":[{"count":1,"host":"192.0.2.1","Loss%%":0,"Snt":3,"Best":-5.0,"Avg":1.0,"Wrst":2.0}]}}\n' >"$tmp/neg.json"
$TP analyze --json "$tmp/neg.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
t "mtr JSON with a negative RTT: one line, exit 1, nothing written" \
    '[ $rc -eq 1 ] && [ $(wc -l <"$tmp/err") -eq 1 ] && [ ! -s "$tmp/out" ] &&
     grep -q "neg.json:1: cannot parse RTT -5 ms" "$tmp/err"'
# what analyze --json writes, it reads back: a pair, and one direction
$TP analyze --json $A/mtr.json >"$tmp/one.json" && $TP analyze --json "$tmp/one.json" >"$tmp/one2.json" 2>"$tmp/err"
rc=$?
t "one direction's --json is read back, the same trace" \
    '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && { ! command -v jq >/dev/null ||
     [ "$(jq -c .trace.hops "$tmp/one.json")" = "$(jq -c .trace.hops "$tmp/one2.json")" ]; }'
# two traces at the parser's limits (255 hops x 1,000 probes each): --json
# is written a hop at a time; the whole tree took 1 GB (issue 14)
bigtrace() {	# bigtrace DST SEED NET: traceroute text, 255 hops x 1,000 probes
	awk -v d="$1" -v s="$2" -v net="$3" 'BEGIN {
	srand(s); printf "traceroute to %s (%s), 255 hops max, 60 byte packets\n", d, d
	for (ttl = 1; ttl <= 255; ttl++) for (l = 0; l < 10; l++) {
		printf "%3d  r%d.example.net (%s)", ttl, ttl, ttl == 255 ? d : "10." ttl "." net ".1"
		for (q = 0; q < 100; q++) if (rand() < 0.05) printf "  *"; else printf "  %.3f ms", ttl * 0.5 + rand()
		printf "\n" } }'
}
bigtrace 198.51.100.1 1 1 >"$tmp/big-f.txt"
bigtrace 192.0.2.1 2 2 >"$tmp/big-r.txt"
( ulimit -v 400000; $TP analyze --json "$tmp/big-f.txt" "$tmp/big-r.txt" >"$tmp/big.json" 2>"$tmp/err" )
rc=$?
t "two 255 x 1,000-probe traces: --json within 400 MB of address space" \
    '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && tail -c 2 "$tmp/big.json" | grep -q "}"'
if command -v /usr/bin/time >/dev/null; then
	/usr/bin/time -f "%M" -o "$tmp/rss" $TP analyze --json "$tmp/big-f.txt" "$tmp/big-r.txt" >/dev/null 2>&1
	echo "# analyze --json, two $(($(wc -c <"$tmp/big-f.txt") / 1024)) KiB traces of 255 x 1,000 probes: peak RSS $(($(cat "$tmp/rss") / 1024)) MB"
fi
