#!/bin/sh
# demo.sh: `make demo`: the seed-003 San Francisco <-> Chicago case, end to end.
#
# Builds the lab (tests/lab/scenarios/sf-chicago.scn: 11 hops SF->Chicago,
# 10 back through pb-nap and SF-rt3, 12 % loss both ways on the
# core2.SanFrancisco -- core1.Denver link), starts a controller on the
# management network and an agent in each office, runs one paired trace
# from the operator's side and shows the report.  The controller maps every
# router to its network (tests/lab/scenarios/sf-chicago.pfx2as: AS64496
# mycompany, AS64497 geo.net, AS64498 other-isp.net), so the report and
# its verdict name the culprit's AS.  Everything it started is
# stopped, and the lab torn down, on exit.

cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
TP_BIN=${TP_BIN:-$PWD/$BUILD/bin}
export TP_BIN

if [ "$(id -u)" -ne 0 ]; then
	echo "make demo: needs root (it builds network namespaces)" >&2
	exit 1
fi

. tests/integration/pairlab.sh
trap pairlab_down EXIT
trap 'exit 130' INT TERM

echo "== tracepair demo: San Francisco office <-> Chicago office (seed 003)"
echo "== building the lab, the PKI, a controller and one agent per office ..."
PAIRLAB_PFX2AS=tests/lab/scenarios/sf-chicago.pfx2as
if ! pairlab_up sf-chicago sf-office chicago-office; then
	echo "make demo: the lab did not come up; daemon logs follow" >&2
	pairlab_logs >&2
	exit 1
fi
echo
echo "\$ tracepair agents"
pairlab_cli agents || { pairlab_logs >&2; exit 1; }
echo
echo "\$ tracepair pair sf-office chicago-office"
pairlab_cli pair sf-office chicago-office || { pairlab_logs >&2; exit 1; }
echo
echo "\$ tracepair pairs      # stored: 'tracepair show ID' prints it again later"
pairlab_cli pairs >"$PAIRLAB_DIR/pairs.txt" || { pairlab_logs >&2; exit 1; }
cat "$PAIRLAB_DIR/pairs.txt"
ID=$(awk 'NR > 1 && $1 ~ /^p-/ { print $1; exit }' "$PAIRLAB_DIR/pairs.txt")
echo
echo "\$ tracepair evidence $ID -o demo-evidence.tar.gz   # signed, for the ISP"
(cd "$PAIRLAB_DIR" && pairlab_cli evidence "$ID" -o demo-evidence.tar.gz) ||
    { pairlab_logs >&2; exit 1; }
tar tzf "$PAIRLAB_DIR/demo-evidence.tar.gz" | sed 's/^/  /'
echo
echo "\$ tracepair verify demo-evidence.tar.gz --ca ca.crt --crl crl.pem"
"$TP_BIN/tracepair" verify "$PAIRLAB_DIR/demo-evidence.tar.gz" \
    --ca "$PAIRLAB_DIR/pki/ca.crt" --crl "$PAIRLAB_DIR/pki/crl.pem" || exit 1
cp "$PAIRLAB_DIR/demo-evidence.tar.gz" "${DEMO_OUT:-/tmp}/tracepair-demo-evidence.tar.gz" &&
    echo "(a copy: ${DEMO_OUT:-/tmp}/tracepair-demo-evidence.tar.gz)"
echo
echo "== done; the lab is being torn down."
