#!/bin/sh
# demo-msp.sh: `make demo-msp`: an MSP watching six customer sites.
#
# Builds tests/lab/scenarios/msp-mesh.scn (six sites behind two upstream
# routers, 20 % loss both ways on the upstream link between them), starts a
# controller and one agent per site, adds a mesh of every pair of sites
# (15 pairs, -q 10: a loss measurement of 10 rounds each) run every 30 s and
# spread over the interval, waits for ROUNDS rounds (default 2), and prints
# the mesh summary (`tracepair mesh status`: the shared culprit first) and
# the change list (`tracepair changes`).  Everything it started is stopped,
# and the lab torn down, on exit.
#
# MSP_CHECK=1 (bench/mesh-culprit.sh): after every round, one line
# "round N: first LABEL (KIND, M pairs)" and exit 1 unless the upstream
# link (198.18.30.12/30) is named first in every round.

cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
TP_BIN=${TP_BIN:-$PWD/$BUILD/bin}
export TP_BIN
ROUNDS=${ROUNDS:-2}
EVERY=30

if [ "$(id -u)" -ne 0 ]; then
	echo "make demo-msp: needs root (it builds network namespaces)" >&2
	exit 1
fi

. tests/integration/pairlab.sh
trap pairlab_down EXIT
trap 'exit 130' INT TERM

SITES="site1 site2 site3 site4 site5 site6"
echo "== tracepair demo-msp: a mesh of six customer sites, one lossy upstream link"
echo "== building the lab, the PKI, a controller and one agent per site ..."
if ! pairlab_up msp-mesh $SITES; then
	echo "demo-msp: the lab did not come up" >&2
	PAIRLAB_FAILED=1
	exit 1
fi
echo
echo "\$ tracepair mesh add customers --every ${EVERY}s -q 10"
pairlab_cli mesh add customers --every ${EVERY}s -q 10 || exit 1

# runs of the mesh finished so far
mesh_runs() {
	sqlite3 "$PAIRLAB_DIR/controller.db" "SELECT count(*) FROM runs WHERE
	    mesh = 'customers' AND status NOT IN ('running')" 2>/dev/null || echo 0
}

fail=0
r=1
while [ $r -le "$ROUNDS" ]; do
	i=0
	while [ "$(mesh_runs)" -lt $((r * 15)) ] && [ $i -lt $((EVERY * 3)) ]; do
		sleep 1
		i=$((i + 1))
	done
	if [ -n "${MSP_CHECK:-}" ]; then
		pairlab_cli mesh status customers --json >"$PAIRLAB_DIR/status.$r.json"
		first=$(jq -r '.culprits[0] | "\(.label) (\(.kind), \(.failing_pairs) pairs)"' \
		    "$PAIRLAB_DIR/status.$r.json")
		echo "round $r: first $first"
		jq -e '.culprits[0].kind == "link" and (.culprits[0].label |
		    test("198[.]18[.]30[.]1[34]"))' \
		    "$PAIRLAB_DIR/status.$r.json" >/dev/null || fail=1
	fi
	r=$((r + 1))
done
echo
echo "\$ tracepair mesh status customers"
pairlab_cli mesh status customers
echo
echo "\$ tracepair changes --schedule customers"
pairlab_cli changes --schedule customers
exit $fail
