#!/bin/sh
# make-deb.sh: `make deb`: the Debian packages tracepair, tracepair-agent
# and tracepair-controller, built with dpkg-buildpackage (debhelper) from a
# clean copy of the tracked files (deploy/debian/ becomes debian/), into
# build-deb/; lintian must find no errors.
set -eu

top=$(pwd)
out=$top/build-deb
for t in dpkg-buildpackage dh lintian; do
	command -v "$t" >/dev/null 2>&1 ||
	    { echo "make deb: $t missing (sh deploy/install-deps.sh)" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out/tracepair"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$out/tracepair"
cp -R "$out/tracepair/deploy/debian" "$out/tracepair/debian"
cd "$out/tracepair"
dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1 || {
	tail -30 "$out/build.log" >&2
	echo "make deb: dpkg-buildpackage failed (build-deb/build.log)" >&2
	exit 1
}
cd "$out"
ls -1 ./*.deb
lintian --fail-on error ./*.changes
echo "make deb: packages in build-deb/, lintian: no errors"
