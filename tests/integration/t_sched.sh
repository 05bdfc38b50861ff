#!/bin/sh
# t_sched.sh: a schedule in the lab (docs/history.md): runs every 10 s; a
# destination made unreachable (r2 answers !X) opens exactly one alert and
# its repair exactly one "resolved", each delivered to the alert command
# and to an HTTPS webhook (a python3 receiver with its own certificate,
# checked by the controller; down at first: retried with backoff, then
# both in order); a route moved (r1 -> r3 instead of r1 -> r2)
# is reported as a change with the right routers (198.18.60.14 added,
# 198.18.60.6 removed) and, the schedule being --quick, fires a full pair
# at once; `kill -9` of the controller, down for two slots:
# after the restart the missed slots run once, not twice, no slot is run
# twice, every pair stored ok has both traces, PRAGMA integrity_check ok,
# and the change alert the webhook had not taken before the kill arrives;
# `evidence --schedule` packs the schedule's runs; a paused schedule takes
# no slot until resumed; a slot whose agent is offline is skipped, with
# the reason, and makes no pair.
# Nothing here is random (no loss): no false-failure probability to state
# beyond timing, and every wait polls with a generous bound.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 17

W=$(mktemp -d /tmp/t_sched.XXXXXX)
chmod 755 "$W"
HOOK=
trap '[ -n "$HOOK" ] && kill $HOOK 2>/dev/null && wait $HOOK 2>/dev/null; pairlab_down; rm -rf "$W"' EXIT INT TERM HUP

# The webhook's certificate (localhost) and receiver: one line per POST.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost -days 1 \
    -keyout "$W/hook.key" -out "$W/hook.crt" >/dev/null 2>&1
cat >"$W/hook.py" <<'PY'
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get('Content-Length', '0'))
        body = self.rfile.read(n)
        with open(sys.argv[3], 'ab') as f:
            f.write(body.replace(b'\n', b' ') + b'\n')
        self.send_response(200)
        self.send_header('Content-Length', '0')
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(('127.0.0.1', 7443), H)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.load_cert_chain(sys.argv[1], sys.argv[2])
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
PY
PAIRLAB_CTL_EXTRA="alert_command cat >> $W/cmd.out; echo >> $W/cmd.out
alert_webhook https://localhost:7443/hook
alert_webhook_ca $W/hook.crt
schedule_grace 15"
: >"$W/cmd.out"
: >"$W/hook.out"
pairlab_up_small "alert command and webhook configured"
ip netns exec "$PAIRLAB_ID-controller" ip link set lo up 2>/dev/null
# The webhook receiver is down at first: the alert and its "resolved"
# wait, retried with backoff, and arrive in order once it is up.
hook_up() {
	ip netns exec "$PAIRLAB_ID-controller" python3 "$W/hook.py" \
	    "$W/hook.crt" "$W/hook.key" "$W/hook.out" 2>>"$W/hook.err" &
	HOOK=$!
}
hook_down() {
	kill $HOOK 2>/dev/null
	wait $HOOK 2>/dev/null
	HOOK=
}
hook_types() { jq -r .type "$W/hook.out" 2>/dev/null | tr '\n' ' '; }
CHI=$("$TPLAB" addr "$PAIRLAB_ID" chicago-office 4)

# runs N: until the schedule has N finished runs (at most S seconds)
runs_done() {
	pairlab_cli history sf-office chicago-office --json 2>/dev/null |
	    jq '[.[] | select(.status != "running" and .escalated_from == "")] | length' 2>/dev/null || echo 0
}
wait_runs() {
	_i=0
	while [ "$(runs_done)" -lt "$1" ] && [ $_i -lt $(($2 * 5)) ]; do
		sleep 0.2
		_i=$((_i + 1))
	done
	[ "$(runs_done)" -ge "$1" ]
}

pairlab_cli schedule add sf-office chicago-office --every 10s --quick \
    >"$W/add.out" 2>&1
pcheck "grep -q 'schedule sf-office~chicago-office added' $W/add.out" \
    "schedule add: $(cat $W/add.out)"
wait_runs 1 15
pcheck "[ \"\$(pairlab_cli history sf-office chicago-office --json | jq -r '[.[] | select(.escalated_from == \"\")][0].status')\" = ok ]" \
    "the first run is ok"

# Unreachable: r2 refuses the way to chicago-office (!X): one alert.
"$TPLAB" exec "$PAIRLAB_ID" r2 ip route add prohibit "$CHI/32"
wait_runs 2 15
"$TPLAB" exec "$PAIRLAB_ID" r2 ip route del prohibit "$CHI/32"
wait_runs 3 15
wait_for 5 "[ \"\$(jq -r .type $W/cmd.out | tr '\\n' ' ')\" = 'alert resolved ' ]"
pcheck "[ \"\$(jq -r .type $W/cmd.out | tr '\n' ' ')\" = 'alert resolved ' ]" \
    "alert command: one alert, one resolved ($(jq -r .type $W/cmd.out | tr '\n' ' '))"
# the schedule waits (paused) while the webhook's retries play out
pairlab_cli schedule pause sf-office~chicago-office >/dev/null 2>&1
hook_up
wait_for 40 "[ \"\$(hook_types)\" = 'alert resolved ' ]"
retries=$(sed -n 's/.*alert [0-9]* not delivered (webhook: .*); again in \([0-9]*\) s$/\1/p' \
    "$PAIRLAB_DIR/controller.log" | tr '\n' ' ')
pcheck "[ \"\$(hook_types)\" = 'alert resolved ' ] && echo '$retries' | grep -q '^5 10 '" \
    "webhook down, then up: the alert retried with backoff (again in: $retries s), then one alert and one resolved, in that order ($(hook_types))"

# The route moved: r1 sends towards chicago-office through r3.  The
# webhook is down again: its "change" alert is still queued when the
# controller is killed below, and delivered after the restart.
hook_down
"$TPLAB" exec "$PAIRLAB_ID" r3 ip route replace "$CHI/32" via 198.18.60.18
"$TPLAB" exec "$PAIRLAB_ID" r1 ip route replace "$CHI/32" via 198.18.60.14
MOVED=$(date +%s.%N)
pairlab_cli schedule resume sf-office~chicago-office >/dev/null 2>&1
wait_runs 4 15
pairlab_cli changes --json >"$W/changes.json" 2>"$W/changes.err"
jq -e '[[.[] | select(.escalated_from == "")][0].changes[] | select(.kind == "routers")] | length > 0' "$W/changes.json" >/dev/null 2>&1 ||
    diag "route moved at $MOVED; runs: $(pairlab_cli history sf-office chicago-office --json 2>&1 | jq -c '[.[] | {pair_id, started, status, escalated_from, changes}]' 2>&1)"
pcheck "jq -e '[[.[] | select(.escalated_from == \"\")][0].changes[] | select(.kind == \"routers\" and .direction == \"forward\")][0] | (.added == [\"198.18.60.14\"]) and (.removed == [\"198.18.60.6\"])' $W/changes.json >/dev/null" \
    "changes: forward routers 198.18.60.14 added, 198.18.60.6 removed"
pairlab_cli history sf-office chicago-office --json >"$W/hist4.json"
ID4=$(jq -r '[.[] | select(.escalated_from == "")][0].pair_id' "$W/hist4.json")
# quick watch: the route change fired a full pair at once
sleep 1
pairlab_cli history sf-office chicago-office --json >"$W/hist4.json"
pcheck "jq -e --arg q '$ID4' '[.[] | select(.escalated_from == \$q)] | length == 1' $W/hist4.json >/dev/null &&
    jq -e --arg q '$ID4' '([.[] | select(.escalated_from == \$q)][0].started) - ([.[] | select(.pair_id == \$q)][0].started) < 3' $W/hist4.json >/dev/null" \
    "quick run $ID4 showed the change: a full pair fired at once"
pairlab_cli show "$ID4" >"$W/show.txt" 2>&1
pcheck "grep -q '^Changes since ' $W/show.txt && grep -q 'routers forward:.*198.18.60.14' $W/show.txt" \
    "show $ID4: the difference to the previous run"

# kill -9, down for two slots, restart: the missed slots run once, as
# soon as the agents are back (not skipped as offline while they
# reconnect: the controller's schedule_grace after a start, 15 s here;
# the agents' backoff is capped at 2 s in pairlab).
pairlab_stop_controller KILL
KILLED=$(date +%s.%N)
# chicago-office comes back 4 s after the controller: the missed slot,
# due at once, must wait for it (without the grace it is skipped at the
# first tick, "agent chicago-office offline")
pairlab_stop_agent chicago-office
sleep 21
hook_up
pairlab_start_controller
RESTARTED=$(date +%s.%N)
sleep 4
pairlab_start_agent chicago-office
pairlab_wait_agents 2 30
DB=$PAIRLAB_DIR/controller.db
# the first main run started after the restart, once finished
first_after() {
	sqlite3 "$DB" "SELECT slot || ' ' || status || ' ' || reason FROM runs
	    WHERE escalated_from = '' AND started >= $RESTARTED AND
	    status != 'running' ORDER BY started LIMIT 1" 2>/dev/null
}
wait_for 30 '[ -n "$(first_after)" ]'
missed=$(grep 'runs missed while the controller was down' \
    "$PAIRLAB_DIR/controller.log" | sed 's/.*: //')
slot1=$(first_after | cut -d' ' -f1)
[ -n "$slot1" ] || slot1=0
pcheck "[ \"\$(echo '$missed' | grep -c .)\" = 1 ] && first_after | grep -q '^[0-9.]* ok' &&
    awk -v s=$slot1 -v k=$KILLED -v r=$RESTARTED 'BEGIN { exit !(s > k && s < r + 10) }'" \
    "after 21 s down: $missed; the first run after the restart ($(first_after)) ran once the agents were back, its slot after the kill"
pcheck "[ -z \"\$(sqlite3 $DB 'SELECT schedule, slot FROM runs GROUP BY schedule, slot, escalated_from HAVING count(*) > 1')\" ] &&
    [ \"\$(sqlite3 $DB 'SELECT count(*) FROM runs a JOIN runs b ON a.schedule = b.schedule AND a.run_id < b.run_id AND length(a.escalated_from) = 0 AND length(b.escalated_from) = 0 AND b.slot - a.slot < 9.99')\" = 0 ]" \
    "no slot run twice, slots at least the interval apart"
pcheck "[ \"\$(sqlite3 $DB \"SELECT count(*) FROM runs r JOIN pairs p ON p.pair_id = r.pair_id WHERE p.status = 'ok' AND (SELECT count(*) FROM traces t WHERE t.job_id IN (p.job_a, p.job_b) AND t.json IS NOT NULL) != 2\")\" = 0 ]" \
    "every run stored ok has both traces"
pcheck "[ \"\$(sqlite3 $DB 'PRAGMA integrity_check')\" = ok ]" \
    "PRAGMA integrity_check ok"
wait_for 20 "[ \"\$(hook_types)\" = 'alert resolved change ' ]"
# (the command had it at once; a command's run the kill cut before the
# controller noted it is run again: at least once, docs/history.md)
pcheck "[ \"\$(hook_types)\" = 'alert resolved change ' ]" \
    "the change alert queued for the webhook before the kill -9 is delivered after the restart, once ($(hook_types); the command: $(jq -r .type $W/cmd.out | tr '\n' ' '))"
pairlab_cli evidence --schedule sf-office~chicago-office --since 1h \
    -o "$W/ev.tar.gz" >"$W/ev.out" 2>&1
nruns=$(sqlite3 "$DB" "SELECT count(*) FROM runs WHERE status IN ('ok', 'partial')")
pcheck "[ \"\$(tar tzf $W/ev.tar.gz 2>/dev/null | grep -c 'runs/[^/]*/forward-atlas.json$')\" = $nruns ]" \
    "evidence --schedule --since 1h: one package of the schedule's $nruns runs with traces"
# Another tenant's operator: its schedule reads as one never made, its
# runs as none.
PAIRLAB_OPERATOR=mallory pairlab_cli schedule show sf-office~chicago-office \
    >/dev/null 2>"$W/m1.err"
m1=$?
pairlab_cli schedule show no-such-schedule >/dev/null 2>"$W/m2.err"
m2=$?
PAIRLAB_OPERATOR=mallory pairlab_cli history sf-office chicago-office \
    >"$W/m3.out" 2>&1
pcheck "[ $m1 -eq $m2 ] && [ $m1 -ne 0 ] && [ \"\$(sed 's/ [^ ]*\$//' $W/m1.err)\" = \"\$(sed 's/ [^ ]*\$//' $W/m2.err)\" ] && grep -qx 'no runs' $W/m3.out" \
    "another tenant: schedule show as for no schedule (exit $m1: $(cat $W/m1.err)), history empty"
# Paused: no run for more than one interval; resumed: the next slot runs.
pairlab_cli schedule pause sf-office~chicago-office >"$W/pause.out" 2>&1
sleep 1		# a run started before the pause may still finish
n0=$(runs_done)
sleep 12
n1=$(runs_done)
pairlab_cli schedule resume sf-office~chicago-office >"$W/resume.out" 2>&1
wait_runs $((n1 + 1)) 25
n2=$(runs_done)
pcheck "[ $n1 -eq $n0 ] && [ $n2 -gt $n1 ] && pairlab_cli schedule list --json | jq -e '.[0].paused == false' >/dev/null" \
    "schedule pause: no run in 12 s (runs $n0 -> $n1); resume: the next slot runs ($n2)" \
    "$(cat $W/pause.out $W/resume.out)"
# An agent offline at its slot: the run is skipped with the reason, no pair.
pairlab_stop_agent chicago-office
# (skipped once the controller's grace after its restart, schedule_grace
# 15 s here, is over)
wait_for 30 "pairlab_cli history sf-office chicago-office --json 2>/dev/null | jq -e '.[0].status == \"skipped\"' >/dev/null"
pairlab_cli history sf-office chicago-office --json >"$W/skip.json" 2>&1
pcheck "jq -e '.[0] | .status == \"skipped\" and (.reason | test(\"chicago-office.*offline|offline.*chicago-office\")) and (.pair_id // \"\") == \"\"' $W/skip.json >/dev/null" \
    "an agent offline at its slot: the run is skipped, says so, makes no pair" \
    "$(jq -c '.[0]' $W/skip.json)"
pairlab_cli schedule rm sf-office~chicago-office >"$W/rm.out" 2>&1
pairlab_cli schedule list >"$W/list.out" 2>&1
pcheck "grep -q removed $W/rm.out && grep -q 'no schedules' $W/list.out" \
    "schedule rm: gone from the list"
