#!/bin/sh
# tp-pki.sh: a deployment CA for tracepair and the certificates it issues (OpenSSL CLI).
#
#   tp-pki.sh init DIR                               new CA in DIR (+ empty CRL)
#   tp-pki.sh issue DIR controller NAME [--days N]   controller certificate
#   tp-pki.sh issue DIR agent NAME --org TENANT [--days N]
#   tp-pki.sh issue DIR operator NAME --org TENANT [--days N]
#   tp-pki.sh issue DIR msp NAME --org MSP [--days N]    MSP operator: every tenant
#   tp-pki.sh issue DIR signer NAME --org TENANT [--days N]   evidence signing
#   tp-pki.sh revoke DIR NAME                        revoke NAME, regenerate the CRL
#   tp-pki.sh crl DIR                                regenerate the CRL (do it before it expires)
#   tp-pki.sh expired DIR ROLE NAME [--org TENANT]   a certificate that expired in 2020 (tests)
#   tp-pki.sh notenant DIR ROLE NAME                 an agent/operator certificate without O (tests)
#   tp-pki.sh show DIR NAME                          subject, role URI, validity
#
# Every certificate: subject CN=NAME, O=TENANT (the tenant of an MSP
# customer), and a SAN URI tracepair:ROLE:NAME, which is what the
# controller reads to decide what the peer may do.  Files: DIR/NAME.crt,
# DIR/NAME.key (mode 600), DIR/ca.crt, DIR/crl.pem.  Keys are EC P-256,
# except a signer's: Ed25519, with extendedKeyUsage documentSigning
# (1.3.6.1.5.5.7.3.36, RFC 9336) and no TLS use, so that it signs evidence
# packages (docs/evidence.md) and cannot log in.
set -eu

prog=$(basename "$0")
usage() {
	sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "$prog: $*" >&2
	exit 1
}

[ $# -ge 2 ] || usage
cmd=$1 dir=$2
shift 2

# The openssl ca configuration of DIR (written by init).
write_cnf() {
	cat >"$dir/ca.cnf" <<EOF
[ ca ]
default_ca = tpca

[ tpca ]
dir = $dir
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
certificate = \$dir/ca.crt
private_key = \$dir/ca.key
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_days = 825
default_crl_days = 30
policy = tppolicy
copy_extensions = none
unique_subject = no
email_in_dn = no

[ tppolicy ]
commonName = supplied
organizationName = optional

[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = tracepair CA
EOF
}

need_ca() {
	[ -f "$dir/ca.cnf" ] && [ -f "$dir/ca.key" ] ||
	    die "$dir is not a tracepair CA (run: $prog init $dir)"
}

gencrl() {
	openssl ca -batch -config "$dir/ca.cnf" -gencrl -out "$dir/crl.pem" \
	    2>"$dir/.openssl.log" || { cat "$dir/.openssl.log" >&2; die "cannot generate the CRL"; }
}

check_name() {	# names and tenants: letters, digits, . _ - only
	case "$1" in
	""|*[!A-Za-z0-9._-]*) die "bad $2 '$1' (use letters, digits, . _ -)" ;;
	esac
	[ ${#1} -le 63 ] || die "$2 '$1' is longer than 63 characters"
}

# issue_cert ROLE NAME ORG DAYS STARTDATE ENDDATE
issue_cert() {
	role=$1 name=$2 org=$3 days=$4 start=$5 end=$6
	[ -e "$dir/$name.crt" ] && die "$dir/$name.crt exists (revoke it and remove the files first)"
	case $role in
	controller) eku="serverAuth, clientAuth" ;;
	agent|operator|msp) eku="clientAuth" ;;
	signer) eku="1.3.6.1.5.5.7.3.36" ;;
	*) die "unknown role '$role' (controller, agent, operator, msp or signer)" ;;
	esac
	keyalg="-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
	[ "$role" = signer ] && keyalg="-algorithm ED25519"
	subj="/CN=$name"
	[ -n "$org" ] && subj="/CN=$name/O=$org"
	ext="$dir/.ext.$$"
	san="URI:tracepair:$role:$name"
	[ "$role" = controller ] && san="$san, DNS:$name"
	cat >"$ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature$([ "$role" = signer ] && echo ", nonRepudiation")
extendedKeyUsage = $eku
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	umask 077
	# shellcheck disable=SC2086
	openssl genpkey $keyalg -out "$dir/$name.key" 2>/dev/null ||
	    die "cannot create a key"
	umask 022
	openssl req -new -key "$dir/$name.key" -subj "$subj" \
	    -out "$dir/$name.csr" 2>/dev/null || die "cannot create a request"
	if [ -n "$start" ]; then
		dates="-startdate $start -enddate $end"
	else
		dates="-days $days"
	fi
	# shellcheck disable=SC2086
	if ! openssl ca -batch -config "$dir/ca.cnf" -notext $dates \
	    -extfile "$ext" -in "$dir/$name.csr" -out "$dir/$name.crt" \
	    2>"$dir/.openssl.log"; then
		cat "$dir/.openssl.log" >&2
		rm -f "$ext" "$dir/$name.key" "$dir/$name.csr"
		die "cannot sign the certificate"
	fi
	rm -f "$ext" "$dir/$name.csr"
	echo "$prog: issued $role certificate $dir/$name.crt (CN=$name${org:+, O=$org})"
}

parse_opts() {	# sets org, days
	org="" days=825
	while [ $# -gt 0 ]; do
		case $1 in
		--org) [ $# -ge 2 ] || usage; org=$2; shift 2 ;;
		--days) [ $# -ge 2 ] || usage; days=$2; shift 2 ;;
		*) die "unknown option '$1'" ;;
		esac
	done
	[ -z "$org" ] || check_name "$org" tenant
	case $days in ""|*[!0-9]*) die "bad --days '$days'" ;; esac
}

case $cmd in
init)
	[ -e "$dir/ca.key" ] && die "$dir already holds a CA"
	mkdir -p "$dir/newcerts"
	dir=$(cd "$dir" && pwd)
	: >"$dir/index.txt"
	echo "unique_subject = no" >"$dir/index.txt.attr"
	echo 1000 >"$dir/serial"
	echo 1000 >"$dir/crlnumber"
	write_cnf
	umask 077
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$dir/ca.key" 2>/dev/null || die "cannot create the CA key"
	umask 022
	openssl req -x509 -new -config "$dir/ca.cnf" -key "$dir/ca.key" \
	    -sha256 -days 3650 -subj "/CN=tracepair CA $(basename "$dir")" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    -out "$dir/ca.crt" 2>/dev/null || die "cannot create the CA certificate"
	gencrl
	echo "$prog: CA created in $dir (ca.crt, crl.pem)"
	;;
issue)
	need_ca
	[ $# -ge 2 ] || usage
	role=$1 name=$2
	shift 2
	check_name "$name" name
	parse_opts "$@"
	case $role in
	agent|operator|signer|msp) [ -n "$org" ] || die "$role certificates need --org TENANT" ;;
	esac
	issue_cert "$role" "$name" "$org" "$days" "" ""
	;;
notenant)
	need_ca
	[ $# -eq 2 ] || usage
	check_name "$2" name
	issue_cert "$1" "$2" "" 825 "" ""
	;;
expired)
	need_ca
	[ $# -ge 2 ] || usage
	role=$1 name=$2
	shift 2
	check_name "$name" name
	parse_opts "$@"
	issue_cert "$role" "$name" "$org" 1 20200101000000Z 20200102000000Z
	;;
revoke)
	need_ca
	[ $# -eq 1 ] || usage
	name=$1
	check_name "$name" name
	[ -f "$dir/$name.crt" ] || die "no certificate $dir/$name.crt"
	openssl ca -batch -config "$dir/ca.cnf" -revoke "$dir/$name.crt" \
	    2>"$dir/.openssl.log" || { cat "$dir/.openssl.log" >&2; die "cannot revoke $name"; }
	gencrl
	echo "$prog: revoked $name; new CRL $dir/crl.pem (reload the controller: SIGHUP)"
	;;
crl)
	need_ca
	gencrl
	echo "$prog: CRL regenerated: $dir/crl.pem"
	;;
show)
	[ $# -eq 1 ] || usage
	openssl x509 -in "$dir/$1.crt" -noout -subject -dates -ext subjectAltName
	;;
*)
	usage
	;;
esac
