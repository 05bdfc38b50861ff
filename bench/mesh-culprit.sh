#!/bin/sh
# mesh-culprit.sh: the shared culprit over 5 rounds (issue 16): the mesh of
# tests/lab/scenarios/msp-mesh.scn (six sites, 20 % loss on the one
# upstream link nine of the fifteen pairs cross) run every 30 s with -q 10;
# after each round `tracepair mesh status` must name that link first.
# Prints one line per round; exit 0 when it was first in every round.
# Run as root from the top of the tree after `make everything`:
#   sh bench/mesh-culprit.sh [ROUNDS]
cd "$(dirname "$0")/.." || exit 1
MSP_CHECK=1 ROUNDS=${1:-5} exec sh tests/lab/demo-msp.sh
