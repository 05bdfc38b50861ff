#!/bin/sh
# bigtrace.sh: one large generated trace on stdout, for the memory test and bench (issue 14).
#
# usage: sh tests/analysis/bigtrace.sh KIND DST SEED NET [HOPS]
#   text         traceroute text at the parser's limits: HOPS (255) hops x
#                1,000 probes, 100 a line, 5% stars, short names (the
#                densest text: about 11 bytes a probe)
#   names        traceroute text with 170-byte host names: HOPS (255) hops
#                x 100 lines x 10 probes, four responders a hop (ECMP), one
#                after the other, each with its own name
#   json-pretty  tracepair trace JSON as jansson indents it: HOPS (40)
#                hops x 760 probes
#   json         the same, compact: HOPS (60) hops x 1,000 probes
# DST is the destination's address (the last hop's), SEED seeds the RTTs,
# NET (1..255) the routers' addresses (10.TTL.NET.x).  The same arguments
# give the same bytes.
kind=$1 dst=$2 seed=$3 net=$4 hops=$5
case $kind in
text)		hops=${hops:-255} ;;
names)		hops=${hops:-255} ;;
json-pretty)	hops=${hops:-40} ;;
json)		hops=${hops:-60} ;;
*)		echo "usage: bigtrace.sh text|names|json-pretty|json DST SEED NET [HOPS]" >&2
		exit 2 ;;
esac
exec awk -v kind="$kind" -v d="$dst" -v s="$seed" -v net="$net" -v hops="$hops" '
function addr(ttl, k) { return ttl == hops ? d : "10." ttl "." net "." k }
function pad(str, n) { while (length(str) < n) str = str "-x"; return substr(str, 1, n) }
function text(perline, lines, longnames,   ttl, l, q, name) {
	printf "traceroute to %s (%s), %d hops max, 60 byte packets\n", d, d, hops
	for (ttl = 1; ttl <= hops; ttl++) for (l = 0; l < lines; l++) {
		name = longnames ? pad("core" ttl "-" l % 4 + 1 "-" net ".backbone.region" ttl % 7 ".example.net", 170) : "r" ttl ".example.net"
		printf "%3d  %s (%s)", ttl, name, addr(ttl, longnames ? l % 4 + 1 : 1)
		for (q = 0; q < perline; q++)
			if (rand() < 0.05) printf "  *"; else printf "  %.3f ms", ttl * 0.5 + rand()
		printf "\n"
	}
}
# one probe object; nl/ind: newline and indentation of its members
function jprobe(ttl, q, nl, in1, in2, sp,   a) {
	a = addr(ttl, q % 4 + 1)
	if (rand() < 0.05)
		printf "{%s%s\"addr\":%snull,%s%s\"name\":%snull,%s%s\"rtt_ms\":%snull,%s%s\"reply_ttl\":%snull,%s%s\"icmp_type\":%snull,%s%s\"icmp_code\":%snull,%s%s\"annotations\":%s\"\",%s%s\"mpls\":%s[]%s%s}",
		    nl, in2, sp, nl, in2, sp, nl, in2, sp, nl, in2, sp, nl, in2, sp, nl, in2, sp, nl, in2, sp, nl, in2, sp, nl, in1
	else
		printf "{%s%s\"addr\":%s\"%s\",%s%s\"name\":%s\"r%d-%d.example.net\",%s%s\"rtt_ms\":%s%.3f,%s%s\"reply_ttl\":%s%d,%s%s\"icmp_type\":%s%d,%s%s\"icmp_code\":%s0,%s%s\"annotations\":%s\"\",%s%s\"mpls\":%s[]%s%s}",
		    nl, in2, sp, a, nl, in2, sp, ttl, q % 4 + 1, nl, in2, sp, ttl * 0.5 + rand(), nl, in2, sp, 65 - ttl, nl, in2, sp, (ttl == hops ? 3 : 11), nl, in2, sp, nl, in2, sp, nl, in2, sp, nl, in1
}
function json(nprobes, pretty,   nl, sp, i0, i1, i2, i3, i4, ttl, q) {
	nl = pretty ? "\n" : ""; sp = pretty ? " " : ""
	i0 = pretty ? "  " : ""; i1 = pretty ? "    " : ""; i2 = pretty ? "      " : ""
	i3 = pretty ? "        " : ""; i4 = pretty ? "          " : ""
	printf "{%s%s\"version\":%s1,%s%s\"source\":%s\"tracepair\",%s%s\"dst\":%s\"%s\",%s%s\"af\":%s4,%s%s\"method\":%s\"udp-paris\",%s%s\"first_ttl\":%s1,%s%s\"max_ttl\":%s%d,%s%s\"queries\":%s%d,%s%s\"reached\":%strue,%s%s\"stop_reason\":%s\"completed\",%s%s\"hops\":%s[",
	    nl, i0, sp, nl, i0, sp, nl, i0, sp, d, nl, i0, sp, nl, i0, sp, nl, i0, sp, nl, i0, sp, hops, nl, i0, sp, nprobes, nl, i0, sp, nl, i0, sp, nl, i0, sp
	for (ttl = 1; ttl <= hops; ttl++) {
		printf "%s%s%s{%s%s\"ttl\":%s%d,%s%s\"probes\":%s[", (ttl > 1 ? "," : ""), nl, i1, nl, i2, sp, ttl, nl, i2, sp
		for (q = 0; q < nprobes; q++) {
			printf "%s%s%s", (q > 0 ? "," : ""), nl, i3
			jprobe(ttl, q, nl, i3, i4, sp)
		}
		printf "%s%s]%s%s}", nl, i2, nl, i1
	}
	printf "%s%s]%s}\n", nl, i0, nl
}
BEGIN {
	srand(s)
	if (kind == "text") text(100, 10, 0)
	else if (kind == "names") text(10, 100, 1)
	else if (kind == "json-pretty") json(760, 1)
	else json(1000, 0)
}'
