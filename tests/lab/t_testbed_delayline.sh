#!/bin/sh
# t_testbed_delayline.sh: tp-delayline on its own: a fixed seed gives the
# same losses twice; jitter never reorders (FIFO per direction); delay stays
# within delay +- jitter; the counters add up exactly; the bounded queue
# drops and counts; SIGUSR1 and SIGTERM report the counters.
. tests/lab/lib.sh
require_root
plan 9

SCN=tests/lab/scenarios/testbed-delayline.scn
N=200

# run_pings: N pings a -> b every 2 ms; prints the icmp_seq and RTT of each reply
run_pings() {
	lab_exec a ping -n -c $N -i 0.002 -W 1 198.18.40.2 2>/dev/null |
	    sed -n 's/.*icmp_seq=\([0-9]*\) .*time=\([0-9.]*\) ms.*/\1 \2/p'
}

TPLAB_SEED=4242 lab_up $SCN
R1=$(run_pings)
C1=$("$TPLAB" counters "$LAB")
lab_down
TPLAB_SEED=4242 lab_up $SCN
R2=$(run_pings)

_s1=$(printf '%s\n' "$R1" | awk '{ printf "%s,", $1 }')
_s2=$(printf '%s\n' "$R2" | awk '{ printf "%s,", $1 }')
_n1=$(printf '%s\n' "$R1" | grep -c .)
check "[ -n \"$_s1\" ] && [ \"$_s1\" = \"$_s2\" ]" \
    "same seed: the same $_n1 of $N pings answered in both runs"
check "[ $_n1 -ge 110 ] && [ $_n1 -le 190 ]" "25 % loss: $_n1 of $N answered"

# FIFO: replies arrive in sequence order although jitter (8 ms wide) is
# larger than the 2 ms between pings
_ooo=$(printf '%s\n' "$R1" | awk 'NR > 1 && $1 < prev { n++ } { prev = $1 } END { print n + 0 }')
check "[ $_ooo -eq 0 ]" "jitter never reorders: $_ooo replies out of order"

# RTT = 2 x (10 +- 4) ms: from 12 to 28 ms.  Slack: 0.5 ms below (a frame
# may leave a wake-up lead early), and the top 5 % are not looked at (a
# stall of the loaded machine delays single replies)
_mm=$(printf '%s\n' "$R1" | awk '{ print $2 }' | sort -n |
    awk '{ v[NR] = $1 } END { print v[1], v[int(NR * 0.95)] }')
check "echo $_mm | awk '{ exit !(\$1 >= 11.5 && \$2 <= 29) }'" \
    "delay with jitter: RTT from $(echo $_mm | sed 's/ / to (95 %) /') ms, configured 12 to 28"

# counters: every request entered a>b and was forwarded or lost; every
# forwarded request produced one reply on b>a, none lost (no loss b>a)
_ab=$(printf '%s\n' "$C1" | awk '$2 == 0 && $3 == "a>b" { split($4, f, "="); split($5, l, "="); print f[2], l[2] }')
_ba=$(printf '%s\n' "$C1" | awk '$2 == 0 && $3 == "b>a" { split($4, f, "="); split($5, l, "="); print f[2], l[2] }')
set -- $_ab $_ba
check "[ \$(($1 + $2)) -eq $N ] && [ $3 -eq $1 ] && [ $4 -eq 0 ] && [ $3 -eq $_n1 ]" \
    "counters: a>b forwarded $1 + lost $2 = $N; b>a forwarded $3 = replies $_n1"

# bounded queue: 20 pings sent at once (preload) into a line holding 4 frames
_rx=$(lab_exec c ping -n -q -c 20 -l 20 -W 1 198.18.40.6 2>/dev/null | sed -n 's/.* \([0-9]*\) received.*/\1/p')
_ov=$("$TPLAB" counters "$LAB" | awk '$2 == 1 && $3 == "a>b" { split($6, o, "="); print o[2] }')
check "[ \"${_ov:-0}\" -ge 10 ] && [ \"${_rx:-20}\" -le 10 ]" \
    "queue bound 4: $_ov requests dropped as overflow, ${_rx:-?} of 20 answered"

# signals: SIGUSR1 reports and goes on, SIGTERM reports and exits 0
_pid=$(awk '$2 == "dl0" { print $1 }' /run/tplab/"$LAB"/pids)
_log=/run/tplab/$LAB/dl0.log
_before=$(grep -c 'a>b forwarded=' "$_log")
kill -USR1 "$_pid"
wait_for 5 "[ \$(grep -c 'a>b forwarded=' $_log) -gt $_before ]"
_after=$(grep -c 'a>b forwarded=' "$_log")
check "[ $_after -eq $((_before + 1)) ] && kill -0 $_pid" "SIGUSR1: counters reported, still running"
kill -TERM "$_pid"
for _i in $(seq 50); do kill -0 "$_pid" 2>/dev/null || break; sleep 0.05; done
check "! kill -0 $_pid 2>/dev/null && [ \$(grep -c 'a>b forwarded=' $_log) -eq $((_after + 1)) ]" \
    "SIGTERM: counters reported, exited"
check "! lab_exec a ping -c 1 -W 1 198.18.40.2 >/dev/null 2>&1" \
    "without its delay line the link carries nothing"
