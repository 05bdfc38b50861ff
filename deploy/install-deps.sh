#!/bin/sh
# install-deps.sh: install every build, test and lab dependency of tracepair
# from Debian 12 packages.  Idempotent: packages already present are skipped,
# and apt is only consulted when something is missing.
set -eu

PKGS="build-essential pkg-config
libevent-dev libssl-dev openssl
protobuf-c-compiler libprotobuf-c-dev
libsqlite3-dev sqlite3
libjansson-dev libcmocka-dev libcap-dev libarchive-dev
iproute2 ethtool iptables iputils-ping procps psmisc kmod
traceroute mtr-tiny scamper dnsmasq-base
clang libclang-rt-14-dev
time jq unzip zip chromium
debhelper dpkg-dev fakeroot lintian"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all dependencies present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install)" >&2
	exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
