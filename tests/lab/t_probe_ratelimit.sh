#!/bin/sh
# t_probe_ratelimit.sh: loss measurement on routers with real ICMP limits
# (sf-chicago-ratelimit.scn: every router at the kernel's defaults,
# geo-maew at 1 ICMP error per second in all, geo-core1 with only the
# global limit; 8 % loss each way on core2.SanFrancisco - core1.Denver).
# Both offices trace each other at once with -q 30 (a loss run: rounds,
# echo, learned limits), as `tracepair pair` does.
#
# Statistics (false failure of the whole file <= 1e-4):
# - past the lossy link every hop's round trip crosses it twice: a probe
#   is lost with p = 1 - 0.92^2 = 0.1536.  Per direction, the losses of
#   all hops past the link together (5 hops forward, 6 reverse, about 30
#   echo probes each, independent draws of the delay line) must lie in
#   the two-sided binomial interval of probability 1 - 5e-5 for their
#   count (computed below from the binomial for the actual count: about
#   [7, 42] of 150 and [10, 49] of 180, i.e. 15.4 % -11/+13 points).
#   Per hop, ±6 points with 30 probes holds only with probability 0.69
#   (binomial), so the per-hop figure goes to bench/loss-accuracy.sh.
# - before the link nothing drops packets: at most 1 of a hop's probes
#   may be lost (a stall of this shared machine past a probe's timeout).
# - geo-maew (icmp_msgs_per_sec 1, burst 1) is sent 2 probes per second.
#   The kernel's global limiter (net/ipv4/icmp.c, 5.10 and later) is not a
#   clean 1/s: with no credit left it allows one reply once a whole second
#   (counted in jiffies) has passed since the last refill, which on a 0.5 s
#   probe grid is after 1.0 s or, when the probe comes a jiffy early, 1.5 s;
#   and each reply consumes a random 0, 1 or 2 credits, so a reply can be
#   free and the next probe answered too.  Its true rate on this grid lies
#   between 1/1.5 s and about 1.3/s; the agent measures it over about 5 s,
#   one reply more or less at the window's edges: 0.45..1.9/s (below the
#   2/s it is sent, above 3 replies in 5.5 s).  A 1/s-within-30 % check
#   failed CI at 0.6/s (3 replies in 5 s, all 1.5 s apart).  It is never a
#   suspect.
. tests/lab/lib.sh
. tests/lab/probe-lib.sh
require_root
plan 15

# binom_range N P ALPHA: "LO HI", the smallest interval with
# P(X < LO) <= ALPHA/2 and P(X > HI) <= ALPHA/2 for X ~ binomial(N, P)
binom_range() {
	awk -v n="$1" -v p="$2" -v a="$3" 'BEGIN {
		for (k = 0; k <= n; k++) {
			lc = 0
			for (i = 1; i <= k; i++) lc += log(n - k + i) - log(i)
			pm[k] = exp(lc + k * log(p) + (n - k) * log(1 - p))
		}
		c = 0; lo = 0
		for (k = 0; k <= n; k++) { if (c + pm[k] > a / 2) break; c += pm[k]; lo = k + 1 }
		c = 0; hi = n
		for (k = n; k >= 0; k--) { if (c + pm[k] > a / 2) break; c += pm[k]; hi = k - 1 }
		print lo, hi }'
}

lab_up tests/lab/scenarios/sf-chicago-ratelimit.scn
T=$(mktemp -d)
trap 'rm -rf "$T"; lab_down_all' EXIT

# the scenario keywords: the kernel's defaults, a global limit, none
_s() { lab_exec "$1" sysctl -n net.ipv4.icmp_ratelimit net.ipv4.icmp_msgs_per_sec \
    net.ipv4.icmp_msgs_burst | tr '\n' ' ' | sed 's/ $//'; }
check "[ \"$(_s sf-rt)\" = '1000 1000 50' ]" "icmp_defaults: sf-rt keeps the kernel's limits ($(_s sf-rt))"
check "[ \"$(_s geo-maew)\" = '1000 1 1' ]" "icmp_msgs_per_sec/burst: geo-maew 1/s ($(_s geo-maew))"
check "[ \"$(_s geo-core1)\" = '0 1000 50' ]" "icmp_ratelimit 0: geo-core1 global limit only ($(_s geo-core1))"
check "[ \"$(_s sf-office)\" = '0 100000 100000' ]" "hosts stay unlimited ($(_s sf-office))"

sf=$(lab_addr sf-office) chi=$(lab_addr chicago-office)
_t0=$(date +%s)
lab_exec sf-office "$TPA" trace -n --json -q 30 "$chi" >"$T/fwd.json" 2>"$T/fwd.err" &
_p1=$!
lab_exec chicago-office "$TPA" trace -n --json -q 30 "$sf" >"$T/rev.json" 2>"$T/rev.err" &
_p2=$!
wait $_p1; _r1=$?
wait $_p2; _r2=$?
_dt=$(($(date +%s) - _t0))
check "[ $_r1 = 0 ] && [ $_r2 = 0 ] && [ $_dt -le 35 ]" \
    "both -q 30 loss runs end within 35 s (${_dt} s; exit $_r1 $_r2)"

# lost HOPS FILE: the losses of those hops (by TTL), as "lost sent" each
lost() {
	jq -r --argjson h "[$1]" '.hops[] | select(.ttl as $t | $h | index($t)) |
	    "\(.sent - .received) \(.sent)"' "$2"
}
clean() {	# HOPS FILE NAME
	_l=$(lost "$1" "$2" | tr '\n' ',')
	_bad=$(lost "$1" "$2" | awk '$1 > 1' | wc -l)
	_n=$(lost "$1" "$2" | wc -l)
	check "[ $_bad = 0 ] && [ $_n = $(echo "$1" | tr ',' '\n' | wc -l) ]" \
	    "$3: hops $1 before the lossy link lose at most 1 each ($_l)"
}
past() {	# HOPS FILE NAME
	set -- "$1" "$2" "$3" $(lost "$1" "$2" | awk '{ l += $1; s += $2 } END { print l + 0, s + 0 }')
	set -- "$@" $(binom_range "$5" 0.1536 0.00005)
	check "[ $5 -ge 140 ] && [ $4 -ge $6 ] && [ $4 -le $7 ]" \
	    "$3: hops $1 past the lossy link lose $4 of $5 together (15.4 % expected; range $6..$7)"
}
clean 1,2,3,4,5,6 "$T/fwd.json" forward
past 7,8,9,10,11 "$T/fwd.json" forward
clean 1,2,3,4 "$T/rev.json" reverse
past 5,6,7,8,9,10 "$T/rev.json" reverse

_m=$(jq -r '[.hops[] | .loss_method] | unique | join(",")' "$T/fwd.json")
check "[ \"$_m\" = echo ]" "forward: every hop's loss figure is by echo ($_m)"
_rl=$(jq -r '.hops[] | select(.ttl == 4) | .rate_limit.replies_per_s // 0' "$T/fwd.json")
check "awk -v r=$_rl 'BEGIN { exit !(r >= 0.45 && r <= 1.9) }'" \
    "geo-maew (hop 4) is rate-limited at $_rl replies/s (kernel global 1/s: 0.45..1.9 on a 0.5 s grid)"
_np=$(jq -r '.hops[] | select(.ttl == 4) | .probes | length' "$T/fwd.json")
check "[ \"$_np\" -lt 30 ]" "geo-maew: probes thinned to stay under its limit ($_np of 30 sent)"
_c1=$(jq -r '.hops[] | select(.ttl == 3) | .rate_limit // "none"' "$T/fwd.json")
check "[ \"$_c1\" = none ]" "geo-core1 (global limit only) is not rate-limited at this rate ($_c1)"

"$TP_BIN/tracepair" analyze --json "$T/fwd.json" "$T/rev.json" >"$T/an.json" 2>"$T/an.err"
_maew=$(lab_addr geo-maew)
_sus=$(jq -r '[.analysis.suspects[] | .. | strings] | join(" ")' "$T/an.json" 2>/dev/null)
check "jq -e '.analysis.suspects | type == \"array\"' \"$T/an.json\" >/dev/null && ! printf '%s\n' \"$_sus\" | grep -qw -e 198.18.10.14 -e 198.18.10.17 -e $_maew" \
    "geo-maew is never a suspect (suspects: ${_sus:-none})"
# 30 rounds, as the runs above: at -q 20 (about 10 declined rounds for
# a sign test that wants 7) geo-maew's limit went unreported once in
# about 45 CI runs (stop 26: "[echo]" alone), though 35 runs here, 20 of
# them beside three busy loops, all found it
_sum=$(lab_exec sf-office "$TPA" trace -n --summary -q 30 -m 4 "$chi" 2>/dev/null | awk '$1 == "4.|--"')
check "printf '%s\n' \"$_sum\" | grep -q 'echo; limited'" \
    "the summary marks geo-maew's echo figure and its limit ($_sum)"
