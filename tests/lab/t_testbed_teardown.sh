#!/bin/sh
# t_testbed_teardown.sh: teardown is complete: after `tplab down`, after a
# test is killed with SIGKILL and `tplab gc` runs, and after a build that
# fails half way, none of the lab's namespaces, delay lines, dnsmasq, node
# processes, /etc/netns entries or state remain.  Scenario errors are one
# clear line with FILE:LINE.
. tests/lab/lib.sh
require_root
plan 12

SCN=tests/lab/scenarios/sf-chicago.scn

# leftovers ID: what is left of lab ID, empty when nothing
leftovers() {
	_ns=$(ip netns list | awk -v p="$1-" 'index($1, p) == 1 { printf "%s ", $1 }')
	_etc=$(ls -d /etc/netns/"$1"-* 2>/dev/null | tr '\n' ' ')
	_st=$(ls -d /run/tplab/"$1" 2>/dev/null)
	_pr=
	for _p in $2; do
		# one read of its stat: a process that is no longer there, a
		# zombie (Z: exited, not yet reaped) or one being reaped right
		# now (X) is gone, as tplab's own check has it
		_stat=$(cat /proc/"$_p"/stat 2>/dev/null)
		_state=$(printf '%s' "$_stat" | sed 's/.*) //' | cut -c1)
		case "$_state" in
		''|Z|X) ;;
		*) _pr="$_pr $_p:$(printf '%s' "$_stat" | cut -d' ' -f2-4)" ;;
		esac
	done
	printf '%s' "$_ns$_etc$_st$_pr"
}
# recorded_pids ID: delay lines and dnsmasq of a lab
recorded_pids() { awk '{ printf "%s ", $1 }' /run/tplab/"$1"/pids 2>/dev/null; }

# 1. tplab down, with a process a test left running inside a node
lab_up $SCN
ID=$LAB
PIDS=$(recorded_pids "$ID")
# tplab exec itself, not the lab_exec function: tplab execs down to the
# sleep, so $! is the process inside the node.  Through the function, $!
# would be a subshell outside the lab that exits only after its child.
# Wait until it is the sleep inside the node (on a loaded machine bash
# takes a while to reach the exec): a process still on its way in is not
# in the namespace yet, and no teardown could find it.
"$TPLAB" exec "$ID" sf-office sleep 300 &
SLEEPER=$!
for _i in $(seq 200); do
	[ "$(cat /proc/$SLEEPER/comm 2>/dev/null)" = sleep ] && break
	sleep 0.05
done
_n=$(echo $PIDS | wc -w)
check "[ $_n -eq 17 ]" "sf-chicago runs 14 delay lines and 3 dnsmasq ($_n recorded)"
check "[ \$(ip netns list | grep -c '^$ID-') -eq 17 ]" "sf-chicago has 17 namespaces (15 nodes, dl, mgmt)"
lab_down "$ID"
_left=$(leftovers "$ID" "$PIDS $SLEEPER")
check "[ -z \"$_left\" ]" "tplab down: nothing left ($_left)"
wait "$SLEEPER" 2>/dev/null

# 2. a test killed with SIGKILL, then tplab gc
_idf=$(mktemp)
sh -c ". tests/lab/lib.sh; lab_up $SCN; echo \$LAB >$_idf; exec sleep 600" &
VICTIM=$!
for _i in $(seq 600); do [ -s "$_idf" ] && break; sleep 0.1; done
ID2=$(cat "$_idf"); rm -f "$_idf"
PIDS2=$(recorded_pids "$ID2")
check "[ -n \"$ID2\" ] && [ -n \"\$(leftovers $ID2 '$PIDS2')\" ]" "killed test: lab $ID2 was up"
kill -9 "$VICTIM"; wait "$VICTIM" 2>/dev/null
check "\"$TPLAB\" list | grep -q '^$ID2 .*(gone)'" "killed test: tplab list shows the owner gone"
"$TPLAB" gc --tests 2>/dev/null
_left=$(leftovers "$ID2" "$PIDS2")
check "[ -n \"$ID2\" ] && [ -z \"$_left\" ]" "killed test + tplab gc --tests: nothing left ($_left)"
_dl=$(ps -eo pid=,args= | grep "[t]p-delayline.*/run/tplab/$ID2/" | wc -l)
check "[ $_dl -eq 0 ]" "killed test + tplab gc: no delay line of $ID2 runs ($_dl)"

# 3. a build that fails half way (iptables refuses the rule) cleans up
_bad=$(mktemp)
sed 's/^mgmt .*/firewall sf-office -A INPUT --no-such-option -j DROP/' $SCN >"$_bad"
_err=$("$TPLAB" up --owner $$ "$_bad" 2>&1 >/dev/null); _rc=$?
rm -f "$_bad"
ID3=$(printf '%s\n' "$_err" | sed -n 's/^tplab: lab \(tp[0-9a-f]*\) not built.*/\1/p')
check "[ $_rc -ne 0 ] && [ -n \"$ID3\" ]" "failed build: tplab up exits $_rc and names the lab"
_left=$(leftovers "$ID3" "")
check "[ -n \"$ID3\" ] && [ -z \"$_left\" ]" "failed build: nothing left ($_left)"

# 4. scenario errors: FILE:LINE: message, exit 1
_bad=$(mktemp)
printf 'host a\nhost b\nlink a b 10.0.0.1/30 10.0.0.2/30\n' >"$_bad"
_err=$("$TPLAB" check "$_bad" 2>&1); _rc=$?
check "[ $_rc -eq 1 ] && echo \"$_err\" | grep -q '^$_bad:3: bad address'" \
    "scenario error: address outside 198.18.0.0/15 refused at line 3"
printf 'host a\nrouter r\nlink a r 198.18.0.1/30 198.18.0.2/30\npath a -> r via x\n' >"$_bad"
_err=$("$TPLAB" check "$_bad" 2>&1); _rc=$?
check "[ $_rc -eq 1 ] && echo \"$_err\" | grep -q '^$_bad:4: unknown node'" \
    "scenario error: unknown node in a path refused at line 4"
printf 'host a\nfrobnicate a\n' >"$_bad"
_err=$("$TPLAB" check "$_bad" 2>&1); _rc=$?
check "[ $_rc -eq 1 ] && echo \"$_err\" | grep -q \"^$_bad:2: unknown keyword 'frobnicate'\"" \
    "scenario error: unknown keyword refused at line 2"
rm -f "$_bad"
