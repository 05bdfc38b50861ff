#!/bin/sh
# t_testbed_traceroute.sh: the forward and reverse paths the system
# traceroute (-n) sees match the scenario file, for chain12 and seed 003
# (sf-chicago, with its lossy link), both directions, IPv4 and IPv6; and the
# seed's names come back from reverse DNS inside the office nodes.
. tests/lab/lib.sh
require_root
plan 13

# path_check SRC DST FAMILY PROBES: traceroute -n hops == tplab expect
path_check() {
	_want=$(lab_expect "$1" "$2" "$3" | tr '\n' ' ')
	_got=$(traceroute_hops "$1" "$3" "$(lab_addr "$2" "$3")" "$4" | tr '\n' ' ')
	if [ -n "$_want" ] && [ "$_got" = "$_want" ]; then
		ok "$(basename "$SCN" .scn) IPv$3 $1 -> $2: $(echo $_got | wc -w) hops as the scenario says"
	else
		not_ok "$(basename "$SCN" .scn) IPv$3 $1 -> $2" "want: $_want" "got:  $_got"
	fi
}

SCN=tests/lab/scenarios/chain12.scn
lab_up $SCN
check "[ \$(lab_expect src dst 4 | wc -l) -eq 12 ]" "chain12: 12 hops from src to dst"
path_check src dst 4 3
path_check dst src 4 3
path_check src dst 6 3
path_check dst src 6 3
lab_down

SCN=tests/lab/scenarios/sf-chicago.scn
lab_up $SCN
check "[ \$(lab_expect sf-office chicago-office 4 | wc -l) -eq 11 ]" \
    "sf-chicago: 11 hops SF -> Chicago"
check "[ \$(lab_expect chicago-office sf-office 4 | wc -l) -eq 10 ]" \
    "sf-chicago: 10 hops Chicago -> SF (asymmetric)"
# 12 % loss each way on one link: a hop behind it loses a probe or its
# reply with p <= 1 - 0.88^2 = 0.2256, all 10 probes with 3.4e-7; at most 6
# such hops per trace: P(false failure) < 2.1e-6 per check (with 6 probes,
# 0.2256^6 = 1.3e-4 per hop, it was 8e-4 per check)
path_check sf-office chicago-office 4 10
path_check chicago-office sf-office 4 10
path_check sf-office chicago-office 6 10
path_check chicago-office sf-office 6 10

# names through DNS: the nodes' /etc/hosts holds only localhost, so every
# name below is a PTR answer of the dnsmasq in sf-office
# (10 probes per hop: as above, P(a hop of the 5 past the link all stars)
# < 1.7e-6)
_names=$(lab_exec sf-office traceroute -q 10 -w 2 "$(lab_addr chicago-office)" 2>/dev/null |
    awk 'NR > 1 { for (i = 2; i <= NF; i++) if ($i != "*") { print $i; break } }' | tr '\n' ' ')
_seed="router.SanFrancisco.mycompany.com some_interconnect.geo.net SF-core1-h1.geo.net MAE-West-h0.geo.net mae-west.other-isp.net core2.SanFrancisco.other-isp.net core1.Denver.other-isp.net border3.Chicaco.other-isp.net my-company-t1.Chicago.other-isp.net router.Chicago.other-isp.net chicago4.mycompany.com "
# (DNS names are case-insensitive; dnsmasq answers in lower case)
_lc() { printf '%s' "$1" | tr 'A-Z' 'a-z'; }
if [ "$(_lc "$_names")" = "$(_lc "$_seed")" ]; then
	ok "sf-chicago: traceroute shows the seed's 11 names SF -> Chicago"
else
	not_ok "sf-chicago: traceroute names SF -> Chicago" "want: $_seed" "got:  $_names"
fi
_ptr=$(lab_exec chicago-office getent hosts 2001:db8:10:c::2 | awk '{ print $2 }')
check "[ \"$_ptr\" = pb-nap.geo.net ]" "sf-chicago: IPv6 PTR pb-nap.geo.net from chicago-office's DNS ($_ptr)"
