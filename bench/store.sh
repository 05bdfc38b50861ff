#!/bin/sh
# store.sh: the controller store's figures (bench/store-bench.c): traces
# stored per second (30 hops x 3 probes; one commit each, as before
# batching, and 16/64/256 per commit, as the controller batches), the
# history of one pair among 100,000 stored pairs, tracepair history's
# queries among 300,000 runs of 1,000 schedules, and how long one
# retention batch holds the event loop.  Writes bench/results/store.txt.
#
#   sh bench/store.sh [DIR]     DIR: where the database goes (default
#                               /var/tmp, a real disk: fsync is measured)
set -eu
DIR=${1:-/var/tmp}
B=${TP_BIN:-build/bin}/store-bench
[ -x "$B" ] || { echo "store.sh: build first (make)" >&2; exit 1; }
DB=$DIR/tp-store-bench.$$.db
OUT=bench/results/store.txt
trap 'rm -f "$DB" "$DB-wal" "$DB-shm"' EXIT INT TERM
{
	echo "# bench/store.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n): $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), database in $DIR"
	for b in 1 16 64 256; do "$B" ingest "$DB" 4000 $b; done
	"$B" history "$DB" 100000
	"$B" prune "$DB" 2000
	"$B" runs "$DB" 300000
} | tee "$OUT"
