/* probe_opts.h: what a trace asks of the probe engine; shared by agent, CLI and wire. */
#ifndef TRACEPAIR_PROBE_OPTS_H
#define TRACEPAIR_PROBE_OPTS_H

#include <stddef.h>

#include "trace.h"

#define PROBE_HOST_LEN	256
#define PROBE_IFACE_LEN	16
#define PROBE_MAX_GW	8

/*
 * Options of one trace.  probe_opts_init() sets the defaults a traceroute
 * user expects (udp, ttl 1..30, 3 queries, adaptive wait 5,3,10).
 */
struct probe_opts {
	char		 host[PROBE_HOST_LEN];	/* destination name or address */
	int		 af;		/* 0 any, 4 or 6 (-4/-6) */
	enum trace_method method;	/* -I -T -U -P, --paris */
	int		 port;		/* -p: base port (udp), dest port (tcp) */
	int		 first_ttl;	/* -f */
	int		 max_ttl;	/* -m */
	int		 queries;	/* -q: probes per hop */
	double		 wait_max;	/* -w MAX: seconds to wait at most */
	double		 wait_here;	/* -w ,HERE: multiple of RTT at this hop */
	double		 wait_near;	/* -w ,,NEAR: multiple of RTT at nearby hops */
	double		 pause;		/* -z: seconds between probes (0 none) */
	double		 pps;		/* probe-rate cap, probes per second */
	int		 packet_size;	/* [packetsize]: total IP length, 0 default */
	int		 tos;		/* -t: TOS / traffic class */
	int		 dont_fragment;	/* -F */
	int		 fixed_port;	/* -e: no port increment */
	int		 bypass_route;	/* -r */
	char		 src[TRACE_ADDR_LEN];	/* -s: source address */
	char		 iface[PROBE_IFACE_LEN];	/* -i */
	int		 ngw;		/* -g: loose source route (IPv4) */
	char		 gw[PROBE_MAX_GW][TRACE_ADDR_LEN];
	int		 no_dns;	/* -n */
	int		 quoted_diff;	/* -D */
	int		 unanswered_summary;	/* -S: print unanswered count per hop */
	char		 asfile[256];	/* -A FILE: pfx2as table */
	int		 show_mpls;	/* -e is taken: MPLS always parsed; this prints it */
	/* Added by the engine (issue 3); 0 in these means "the default". */
	int		 max_inflight;	/* -N: probes in flight at once, 0 no cap */
	int		 gap_limit;	/* --gap: stop after N silent TTLs past the
					   last responder; 0 default (5), -1 off */
	/* Loss measurement (issue 10, docs/probing.md). */
	int		 loss;		/* --loss 1, --quick -1, 0: loss when
					   queries >= PROBE_LOSS_QUERIES */
	double		 interval;	/* --interval: s between rounds, 0 default */
};

void	probe_opts_init(struct probe_opts *);
/*
 * Parse traceroute-style arguments (without the program name) into o;
 * the destination and optional packet size are the non-option arguments.
 * Returns -1 with a one-line reason in err.
 */
int	probe_opts_parse(struct probe_opts *o, int argc, char **argv,
	    char *err, size_t errlen);
/* Check a filled-in struct (from the wire, say).  Same contract. */
int	probe_opts_check(const struct probe_opts *, char *err, size_t errlen);
/*
 * The fewest bytes one probe takes in a result on the wire (an echo reply
 * from "1.1.1.1": type and code 0 are not sent; a time-exceeded answer
 * takes 26 from there, 34 from a longer IPv4 address, 41 from an IPv6
 * one, an unanswered probe 35, names and MPLS labels more), one hop's
 * header, and the rest of a result (the trace's own fields, the job id,
 * the envelope), at least.  A measured RTT is never exactly 0.
 */
#define PROBE_WIRE_PROBE_MIN	24
#define PROBE_WIRE_HOP_MIN	8
#define PROBE_WIRE_FIXED	64
/*
 * Whether a trace with these options can fit one frame of limit bytes,
 * its probes at the fewest bytes each.  -1 with a reason when even that
 * is over the limit: such a result could never be delivered.  A result
 * that passes may still be over (names, IPv6 addresses); the agent then
 * sends an error in its place.
 */
int	probe_opts_fit(const struct probe_opts *, size_t limit, char *err,
	    size_t errlen);
/*
 * How probes from outside get into a site (the agent's site_method,
 * Hello.site_method): a method name of -P (udp, udp-paris, icmp,
 * icmp-paris, tcp), tcp with ":PORT" (default PROBE_SITE_TCP_PORT).
 * *port is 0 for methods without one.  -1 with a one-line reason.
 */
#define PROBE_SITE_TCP_PORT	443
int	probe_site_method_parse(const char *, enum trace_method *, int *port,
	    char *err, size_t errlen);
/* The gap limit a run uses (0 is PROBE_GAP_DEFAULT, -1 is off: returns 0). */
#define PROBE_GAP_DEFAULT	5
#define PROBE_PPS_DEFAULT	2000.0
int	probe_opts_gap_limit(const struct probe_opts *);
/* Probes per hop from which a trace measures loss unless --quick. */
#define PROBE_LOSS_QUERIES	10
/* Seconds between the rounds of a loss measurement by default. */
#define PROBE_INTERVAL_DEFAULT	0.5
/* 1 when the run measures loss in rounds (--loss, or -q >= 10). */
int	probe_opts_loss(const struct probe_opts *);
/* The interval between rounds a loss run uses (seconds). */
double	probe_opts_interval(const struct probe_opts *);
/*
 * Seconds a run takes per probe of each hop, for planning how many probes
 * per hop fit a time budget: a loss measurement sends one probe a hop each
 * round, rounds probe_opts_interval() apart; a --quick run sends every
 * probe at once, paced only by its rate cap (pps, or -z's pause if
 * longer), so one probe for each of its hops (first_ttl..max_ttl) takes
 * that many probes' time.  The wait for the last replies is not counted.
 */
double	probe_opts_round_s(const struct probe_opts *);
/* The usage text of the traceroute flags probe_opts_parse() knows. */
extern const char probe_opts_usage[];

#endif
