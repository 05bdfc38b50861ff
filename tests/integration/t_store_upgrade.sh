#!/bin/sh
# t_store_upgrade.sh: a controller started on a database of the release
# before schema versions (tests/unit/store-v0.sql, pairs of 2026-11-18/19)
# plus one pair and one single trace of today, with "keep 1h": it upgrades
# the schema in place (user_version 3: the indexes of 2, the schedules,
# runs and alert tables of 3), serves the old
# rows' tenant, and retention removes the old pairs, jobs, traces and
# analyses in the background while today's stay; the database passes
# PRAGMA integrity_check.  A config with a bad keep is refused by -n.
# Runs on the loopback of a private network namespace; no randomness.
. tests/lab/lib.sh
require_root
plan 6

for b in tracepair-controller tracepair; do
	[ -x "$TP_BIN/$b" ] || { echo "not ok 1 - $TP_BIN/$b not built"; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "ok 1 - # SKIP no sqlite3"; exit 0; }
NS=tpstore$$
W=$(mktemp -d /tmp/t_store_upgrade.XXXXXX)
CTL=
cleanup() {
	[ -n "$CTL" ] && kill "$CTL" 2>/dev/null && wait "$CTL" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT INT TERM HUP
ip netns add "$NS" && ip -n "$NS" link set lo up || { echo "not ok 1 - netns"; exit 1; }

P=$W/pki
sh certs/tp-pki.sh init "$P" >/dev/null 2>&1
sh certs/tp-pki.sh issue "$P" controller ctl >/dev/null 2>&1
sh certs/tp-pki.sh issue "$P" operator alice --org acme >/dev/null 2>&1
DB=$W/controller.db
sqlite3 "$DB" <tests/unit/store-v0.sql
NOW=$(date +%s)
sqlite3 "$DB" "INSERT INTO pairs VALUES('p-today','acme','alice','sf-office',
    'chicago-office','j-today-a','',$NOW,$NOW,'ok','',0.1,$NOW);
  INSERT INTO jobs VALUES('j-today-a','sf-office','acme','p-today','198.18.2.2',
    '',$NOW,$NOW,'failed','no route',$NOW);
  INSERT INTO traces VALUES('j-today-a','sf-office',$NOW,NULL,'no route');
  INSERT INTO jobs VALUES('j-today-single','berlin','other',NULL,'198.18.3.3',
    '',$NOW,0,'failed','x',$NOW);
  INSERT INTO traces VALUES('j-today-single','berlin',$NOW,NULL,'x');"
before=$(sqlite3 "$DB" "PRAGMA user_version; SELECT count(*) FROM pairs; SELECT count(*) FROM traces" | tr '\n' ' ')

cat >"$W/controller.conf" <<CONF
listen 127.0.0.1:7300
ca $P/ca.crt
cert $P/ctl.crt
key $P/ctl.key
database $DB
keep 1h
CONF
sed 's/^keep 1h$/keep 10x/' "$W/controller.conf" >"$W/bad.conf"
"$TP_BIN/tracepair-controller" -n --config "$W/bad.conf" >"$W/bad.out" 2>&1
rc=$?
check "[ $rc -ne 0 ] && grep -q \"keep '10x': want a duration\" $W/bad.out" \
    "a bad keep is refused by -n (exit $rc: $(head -1 "$W/bad.out"))"

ip netns exec "$NS" "$TP_BIN/tracepair-controller" --config "$W/controller.conf" -v \
    >"$W/controller.log" 2>&1 &
CTL=$!
wait_for 10 "grep -q 'retention: removed' $W/controller.log" ||
    diag "no retention line: $(tail -5 "$W/controller.log")"
check "[ '$before' = '0 4 9 ' ] && [ \"\$(sqlite3 $DB 'PRAGMA user_version')\" = 3 ] &&
    [ \"\$(sqlite3 $DB \"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND
      name IN ('pairs_ab', 'pairs_b', 'pairs_created', 'jobs_single_created')\")\" = 4 ] &&
    [ \"\$(sqlite3 $DB \"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND
      name IN ('schedules', 'runs', 'alert_outbox')\")\" = 3 ]" \
    "the old database ($before: version, pairs, traces) is upgraded in place to version 3 with the indexes of 2 and the schedule tables of 3"
check "grep -q 'retention: pairs and traces older than 1h are removed' $W/controller.log &&
    grep -q 'retention: removed 10 pairs and jobs older than' $W/controller.log" \
    "retention runs in the background and says what it removed (3 pairs, 6 jobs, 1 single trace)"
check "[ \"\$(sqlite3 $DB \"SELECT group_concat(pair_id) FROM pairs\")\" = p-today ] &&
    [ \"\$(sqlite3 $DB \"SELECT group_concat(job_id) FROM (SELECT job_id FROM jobs ORDER BY job_id)\")\" = j-today-a,j-today-single ] &&
    [ \"\$(sqlite3 $DB \"SELECT group_concat(job_id) FROM (SELECT job_id FROM traces ORDER BY job_id)\")\" = j-today-a,j-today-single ] &&
    [ \"\$(sqlite3 $DB 'SELECT count(*) FROM analyses')\" = 0 ] &&
    [ \"\$(sqlite3 $DB 'SELECT count(*) FROM agents')\" = 3 ]" \
    "old pairs, jobs, traces and analyses are gone; today's pair and trace and the agents stay"
cli() {
	ip netns exec "$NS" env TRACEPAIR_CONTROLLER=127.0.0.1:7300 TRACEPAIR_CA="$P/ca.crt" \
	    TRACEPAIR_CERT="$P/alice.crt" TRACEPAIR_KEY="$P/alice.key" \
	    TRACEPAIR_CONFIG=/dev/null "$TP_BIN/tracepair" "$@"
}
check "[ \"\$(cli pairs --json | jq -r '[.[].pair_id] | join(\" \")')\" = p-today ] &&
    cli agents --json | jq -e 'length == 2' >/dev/null" \
    "the upgraded store serves acme: today's pair listed, both agents known"
kill "$CTL" && wait "$CTL" 2>/dev/null
CTL=
check "[ \"\$(sqlite3 $DB 'PRAGMA integrity_check')\" = ok ]" "PRAGMA integrity_check: ok"
