# probe-lib.sh: helpers of the t_probe_*.sh lab tests (source after lib.sh).
#
#   tp_hops NODE ARGS...     one line per hop: first responder or "*"
#   tp_json NODE ARGS...     the trace as JSON (--json added)
#   path_is WANT GOT NAME    one TAP result comparing two hop lists

TPA=${TPA:-$TP_BIN/tracepair-agent}

tp_hops() {
	_node=$1; shift
	lab_exec "$_node" "$TPA" trace -n "$@" 2>/dev/null |
	    awk 'NR > 1 { a = "*"
		for (i = 2; i <= NF; i++)
			if ($i != "*" && $i != "ms" && $(i + 1) != "ms" && $i !~ /^!/) {
				a = $i; break
			}
		print a }'
}

tp_json() {
	_node=$1; shift
	lab_exec "$_node" "$TPA" trace -n --json "$@" 2>/dev/null
}

path_is() {
	_w=$(printf '%s\n' "$1" | tr '\n' ' ' | sed 's/ *$//')
	_g=$(printf '%s\n' "$2" | tr '\n' ' ' | sed 's/ *$//')
	if [ -n "$_w" ] && [ "$_w" = "$_g" ]; then
		ok "$3 ($(printf '%s\n' "$2" | grep -c .) hops)"
	else
		not_ok "$3" "want: $_w" "got:  $_g"
	fi
}

# method flags by name
tp_flags() {
	case $1 in
	udp) echo "-U" ;;
	udp-paris) echo "-U --paris" ;;
	icmp) echo "-I" ;;
	icmp-paris) echo "-I --paris" ;;
	tcp) echo "-T" ;;
	esac
}

TP_METHODS="udp udp-paris icmp icmp-paris tcp"
