# lib.sh: helpers every lab test sources (POSIX sh): TAP output, root check,
# one or more labs built with tplab and torn down on exit, INT, TERM or HUP.
#
#   . tests/lab/lib.sh
#   require_root
#   plan 3
#   lab_up tests/lab/scenarios/chain12.scn      # sets $LAB
#   dst=$(lab_addr dst 6)
#   check "lab_exec src ping -6 -c 1 $dst >/dev/null" "ping dst over IPv6"
#
# Run from the top of the tree (as tests/run-tests.sh does).  Programs are in
# $TP_BIN (default: $PWD/build/bin).

TP_BIN=${TP_BIN:-$PWD/${BUILD:-build}/bin}
TPLAB=${TPLAB:-$PWD/tests/lab/tplab}
export TP_BIN TPLAB

# TPLAB_SEED: the seed of every delay line's loss and jitter draws (tplab
# gives link i the seed TPLAB_SEED + i).  A new one per run unless set, so
# the statistical checks see fresh samples; every "not ok" prints it, and
#   TPLAB_SEED=N sh tests/lab/t_x.sh
# replays the same loss pattern (as far as the packet order repeats:
# ARP/ND and timing can shift a draw from one packet to the next).
if [ -z "${TPLAB_SEED:-}" ]; then
	TPLAB_SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
fi
export TPLAB_SEED

_tap_n=0	# number of the last TAP result printed
LAB=		# id of the lab lab_up built last
_labs=		# every lab this test built and has not torn down

# ------------------------------------------------------------------ TAP

plan() { echo "1..$1"; }

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

# not_ok NAME [DIAGNOSTIC...]: each diagnostic line is printed as "# ..."
not_ok() {
	_tap_n=$((_tap_n + 1))
	echo "not ok $_tap_n - $1"
	echo "# replay: TPLAB_SEED=$TPLAB_SEED sh $0"
	shift
	for _d in "$@"; do
		printf '%s\n' "$_d" | sed 's/^/# /'
	done
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

# check COND_CMD NAME: COND_CMD is a shell command line run with eval
check() {
	if eval "$1"; then ok "$2"; else not_ok "$2" "failed: $1"; fi
}

diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# wait_for SECONDS COND_CMD: poll COND_CMD (run with eval) every 50 ms
# until it succeeds (status 0) or SECONDS have passed (status 1).  Use it
# instead of a fixed sleep wherever there is a condition to wait on.
wait_for() {
	_wf_end=$(($(date +%s) + $1))
	while ! eval "$2"; do
		[ "$(date +%s)" -lt "$_wf_end" ] || return 1
		sleep 0.05
	done
}

# ------------------------------------------------------------------ labs

# require_root: skip the whole file (one SKIP result) unless we are root,
# network namespaces work and the lab tools are built.
require_root() {
	_why=
	if [ "$(id -u)" -ne 0 ]; then
		_why="not root"
	elif ! ip netns list >/dev/null 2>&1; then
		_why="no network namespace support"
	elif [ ! -x "$TP_BIN/tp-delayline" ]; then
		_why="$TP_BIN/tp-delayline not built"
	else
		_probe=tplabprobe$$
		if ! ip netns add "$_probe" 2>/dev/null; then
			_why="cannot create network namespaces"
		fi
		ip netns del "$_probe" 2>/dev/null
	fi
	if [ -n "$_why" ]; then
		echo "1..1"
		echo "ok 1 - $(basename "$0") # SKIP $_why"
		exit 0
	fi
}

# lab_down_all: tear down every lab of this test (the EXIT trap)
lab_down_all() {
	for _l in $_labs; do
		"$TPLAB" down "$_l" >/dev/null 2>&1
	done
	_labs=
}

# lab_up SCENARIO: build a lab owned by this shell; sets $LAB.  Leftovers of
# killed tests (labs of lab_up whose owner is gone) are collected first.
lab_up() {
	"$TPLAB" gc --tests 2>/dev/null
	LAB=$("$TPLAB" up --owner $$ --test "$1") || {
		not_ok "lab_up $1" "tplab up failed"
		exit 1
	}
	_labs="$_labs $LAB"
	trap 'lab_down_all' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# lab_down [ID]: tear one lab down now (default $LAB)
lab_down() {
	_id=${1:-$LAB}
	"$TPLAB" down "$_id"
	_rest=
	for _l in $_labs; do
		[ "$_l" = "$_id" ] || _rest="$_rest $_l"
	done
	_labs=$_rest
}

lab_exec() { "$TPLAB" exec "$LAB" "$@"; }
lab_addr() { "$TPLAB" addr "$LAB" "$@"; }
lab_expect() { "$TPLAB" expect "$LAB" "$@"; }

# ------------------------------------------------------------------ helpers

# median of the numbers on stdin, one per line
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# lower_quartile: the 25th percentile of numbers on stdin (nearest rank)
lower_quartile() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		k = int((NR + 3) / 4); print v[k] }'
}

# binom_bounds N P [TAIL]: the acceptance interval of a count X ~ Binomial(N,
# P): prints "LO HI PFAIL", where P(X < LO) <= TAIL and P(X > HI) <= TAIL
# (TAIL default 5e-5) and PFAIL = P(X < LO) + P(X > HI) exactly, the false-
# failure probability of a check "LO <= X <= HI".
binom_bounds() {
	awk -v n="$1" -v p="$2" -v tail="${3:-5e-5}" 'BEGIN {
		pm[0] = (1 - p) ^ n
		for (k = 0; k < n; k++)
			pm[k + 1] = pm[k] * (n - k) / (k + 1) * p / (1 - p)
		c = 0
		for (lo = 0; lo <= n && c + pm[lo] <= tail; lo++)
			c += pm[lo]
		u = 0
		for (hi = n; hi >= 0 && u + pm[hi] <= tail; hi--)
			u += pm[hi]
		printf "%d %d %.2g\n", lo, hi, c + u }'
}

# ping_rtts NODE FAMILY ADDR COUNT: one RTT (ms) per received reply
ping_rtts() {
	lab_exec "$1" ping -"$2" -n -c "$4" -i 0.1 -W 2 "$3" 2>/dev/null |
	    sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p'
}

# traceroute_hops NODE FAMILY ADDR [PROBES]: one line per hop: the first
# responding address, or "*" when no probe of that hop was answered
traceroute_hops() {
	lab_exec "$1" traceroute -"$2" -n -q "${4:-3}" -w 2 -m 30 "$3" 2>/dev/null |
	    awk 'NR > 1 { a = "*"
		for (i = 2; i <= NF; i++)
			if ($i != "*" && $i != "ms" && $(i + 1) != "ms" && $i !~ /^!/) {
				a = $i; break
			}
		print a }'
}
