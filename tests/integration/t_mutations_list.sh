#!/bin/sh
# t_mutations_list.sh: every line of tests/mutate/mutations.txt still
# applies to the tree: five fields, an ID no other line has, and its
# ORIGINAL text found exactly once in its FILE.  A refactor that rewrites
# a mutated line would otherwise leave the mutation stillborn until the
# next whole `make mutate` (two hours here); this catches it in `make test`
# (analysis-prior-gap was stale so for a day, 2026-12-06).  One check per
# line; no build, no root.
LIST=${MUTATIONS:-tests/mutate/mutations.txt}
exec python3 - "$LIST" <<'PY'
import sys
path = sys.argv[1]
lines = [l.rstrip("\n") for l in open(path)]
lines = [(i + 1, l) for i, l in enumerate(lines)
         if l.strip() and not l.startswith("#")]
print("1..%d" % len(lines))
seen = {}
fail = 0
for n, (lineno, l) in enumerate(lines, 1):
    f = l.split("\t")
    name = "%s:%d %s" % (path, lineno, f[0])
    why = None
    if len(f) != 5:
        why = "%d fields, not 5" % len(f)
    elif f[0] in seen:
        why = "ID also on line %d" % seen[f[0]]
    else:
        seen[f[0]] = lineno
        try:
            s = open(f[1]).read()
        except OSError as e:
            why = "cannot read %s: %s" % (f[1], e.strerror)
        else:
            c = s.count(f[2].replace("\\t", "\t").replace("\\n", "\n"))
            if c != 1:
                why = "ORIGINAL found %d times in %s" % (c, f[1])
    if why:
        fail = 1
        print("not ok %d - %s applies\n# %s" % (n, name, why))
    else:
        print("ok %d - %s applies" % (n, name))
sys.exit(fail)
PY
