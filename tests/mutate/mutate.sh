#!/bin/sh
# mutate.sh: the mutation score of the test suite (make mutate).  Each line
# of tests/mutate/mutations.txt is one small deliberate bug; for each, a
# scratch copy of the tree (never the real one) gets that bug, is rebuilt,
# and the tests the line names are run, then (if none failed) every unit
# test.  A mutation is
# caught when a test fails, survives when all pass, and is stillborn when it
# does not compile (a bad line: fix it).  Prints one line per mutation and
#   mutation score: C of N caught (P %)
# and exits 1 below 90 %.
#
#   sh tests/mutate/mutate.sh [ID...]     only the named mutations
#
# mutations.txt: "ID<TAB>FILE<TAB>ORIGINAL<TAB>REPLACEMENT<TAB>TESTS", '#'
# comments.  ORIGINAL must occur exactly once in FILE; "\t" and "\n" in
# ORIGINAL or REPLACEMENT stand for a tab and a newline.  TESTS: run-tests.sh patterns (beside the
# unit tests, run after them), e.g. "unit/test_probe_pkt lab/t_probe_forge".
# Lab tests need root.  Run from the top of a built tree (make everything):
# the copy starts from its build/ so only what a mutation touches is rebuilt.

set -u
TOP=$PWD
LIST=${MUTATIONS:-$TOP/tests/mutate/mutations.txt}
[ -f "$LIST" ] || { echo "mutate: no $LIST" >&2; exit 2; }
[ -d "$TOP/build" ] || { echo "mutate: build first (make everything)" >&2; exit 2; }
WORK=$(mktemp -d /tmp/tp-mutate.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM HUP
SCR=$WORK/tree

# the tracked files as they are now (uncommitted edits included) and the build
mkdir -p "$SCR"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$SCR"
cp -a "$TOP/build" "$SCR/build"
# sources copied after the objects would look newer: make them older
find "$SCR" -path "$SCR/build" -prune -o -type f -exec touch -d '2000-01-01' {} +
echo "mutate: scratch tree $SCR"
( cd "$SCR" && make -j2 everything >"$WORK/base.log" 2>&1 ) ||
    { cat "$WORK/base.log"; echo "mutate: the unmutated tree does not build" >&2; exit 2; }

caught=0 survived=0 stillborn=0 total=0
survivors=
us=$(printf '\037')
# the list with its fields split by US (a tab is IFS white space: empty
# fields would vanish); comments and blank lines dropped
python3 -c '
import sys
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    f = line.split("\t")
    if len(f) != 5:
        sys.exit("mutate: bad line (%d fields): %s" % (len(f), line))
    print("\037".join(f))
' "$LIST" >"$WORK/list" || exit 2
while IFS="$us" read -r id file orig repl tests; do
	if [ $# -gt 0 ]; then
		_want=0
		for _a in "$@"; do [ "$_a" = "$id" ] && _want=1; done
		[ $_want -eq 1 ] || continue
	fi
	total=$((total + 1))
	f=$SCR/$file
	cp "$f" "$WORK/orig"
	if ! python3 - "$f" "$orig" "$repl" <<'PY'
import sys
def unesc(x):
    return x.replace('\\t', '\t').replace('\\n', '\n')
p, a, b = sys.argv[1], unesc(sys.argv[2]), unesc(sys.argv[3])
s = open(p).read()
if s.count(a) != 1:
    sys.stderr.write("original text found %d times\n" % s.count(a))
    sys.exit(1)
open(p, 'w').write(s.replace(a, b))
PY
	then
		echo "STILLBORN $id: $file: text not found exactly once"
		stillborn=$((stillborn + 1))
		continue
	fi
	verdict=survived
	if ! ( cd "$SCR" && make -j2 everything >"$WORK/build.log" 2>&1 </dev/null ); then
		verdict=stillborn
	else
		# the named tests first (the likely catchers), then every unit test
		for t in $tests unit/; do
			if ! ( cd "$SCR" && BUILD=build TEST_TIMEOUT=300 \
			    sh tests/run-tests.sh "$t" >"$WORK/test.log" 2>&1 </dev/null ); then
				verdict="caught by $t"
				break
			fi
		done
	fi
	# undo: the original bytes, with a new time so that make rebuilds
	cp "$WORK/orig" "$f"
	touch "$f"
	case $verdict in
	caught*) caught=$((caught + 1)); echo "caught    $id ($verdict)" ;;
	stillborn) stillborn=$((stillborn + 1)); echo "STILLBORN $id: does not compile"
		sed 's/^/    /' "$WORK/build.log" | grep -i error | head -3 ;;
	*) survived=$((survived + 1)); survivors="$survivors $id"
		echo "SURVIVED  $id ($file; ran: $tests unit/)" ;;
	esac
done <"$WORK/list"

n=$((caught + survived))
if [ $n -eq 0 ]; then
	echo "mutation score: no mutation ran ($stillborn stillborn)"
	exit 1
fi
pct=$((100 * caught / n))
echo "mutation score: $caught of $n caught ($pct %), $stillborn stillborn"
[ -n "$survivors" ] && echo "survivors:$survivors"
[ "$pct" -ge 90 ] && [ "$stillborn" -eq 0 ]
