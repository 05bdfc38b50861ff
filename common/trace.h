/* trace.h: the trace model every part of tracepair shares (engine, analysis, wire, store). */
#ifndef TRACEPAIR_TRACE_H
#define TRACEPAIR_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_ADDR_LEN	46	/* INET6_ADDRSTRLEN */
#define TRACE_MAX_TTL	255
#define TRACE_MAX_MPLS	8
#define TRACE_MAX_QUERIES 1000
#define TRACE_MAX_MORE_ASNS 7	/* origin ASes of one address beyond the first */
#define TRACE_MAX_RTT_MS 3600e3	/* longest RTT a trace holds (an hour); JSON and pasted text alike */

/* How probes were sent. */
enum trace_method {
	TRACE_METHOD_UDP = 0,	/* classic: destination port grows per probe */
	TRACE_METHOD_UDP_PARIS,	/* constant 5-tuple, probes told apart by checksum */
	TRACE_METHOD_ICMP,	/* echo request, sequence grows per probe */
	TRACE_METHOD_ICMP_PARIS,/* echo with constant checksum (flow id) */
	TRACE_METHOD_TCP,	/* SYN to one port */
	TRACE_METHOD_UNKNOWN	/* pasted text that does not say */
};

/* One label stack entry of an RFC 4950 MPLS extension. */
struct trace_mpls {
	uint32_t	 label;		/* 20-bit label */
	uint8_t		 exp;		/* traffic class bits */
	uint8_t		 s;		/* bottom of stack */
	uint8_t		 ttl;
};

/*
 * What few probes carry: an annotation, MPLS labels, how a quoted header
 * differed, further origin ASes.  Allocated on first use
 * (trace_probe_more_alloc), freed with the probe; a probe without any
 * has none (trace_probe_more reads it as all empty).
 */
struct trace_probe_more {
	char		 annot[8];	/* "!H" "!N" "!P" "!S" "!F" "!X" "!<n>" "!" or "" */
	int		 nmpls;		/* entries used in mpls[] */
	struct trace_mpls mpls[TRACE_MAX_MPLS];
	char		*quoted_diff;	/* -D: how the quoted header differs, or NULL */
	int		 nmore_asns;	/* entries used in more_asns */
	uint32_t	 more_asns[TRACE_MAX_MORE_ASNS];	/* further origins of a
					   multi-origin prefix ([AS1/AS2]) */
};

/*
 * One probe sent at one TTL, and the reply matched to it (if any).  Kept
 * to 40 bytes (255 hops x 1,000 probes is 10 MB a trace; it was 208 and a
 * name apiece, docs/security.md): the strings belong to the probe's hop,
 * one copy of each (trace_probe_set_addr, trace_probe_set_name), and the
 * rare fields are out of line.  A probe is copied to another hop only by
 * trace_hop_copy_probe and dropped only by trace_hop_truncate (or with
 * its trace); moving it within its own hop (and trace_probe_init of the
 * place it left) is fine.
 */
struct trace_probe {
	double		 rtt_ms;	/* valid when replied */
	const char	*addr;		/* responder, never NULL: "" if unknown;
					   at most TRACE_ADDR_LEN - 1 bytes */
	const char	*name;		/* reverse-DNS name or pasted name, or NULL */
	struct trace_probe_more *more;	/* NULL: none of the rare fields */
	uint32_t	 asn;		/* origin AS of addr, 0 unknown */
	signed int	 reply_ttl : 10;	/* TTL / hop limit of the reply, -1 unknown */
	signed int	 icmp_type : 10;	/* -1 unknown (pasted text), else 0..255 */
	signed int	 icmp_code : 10;	/* -1 unknown, else 0..255 */
	unsigned int	 replied : 1;	/* 1 when a matching reply arrived */
};
_Static_assert(sizeof(struct trace_probe) == 40,
    "struct trace_probe grew: 255 x 1,000 of them per trace");

/*
 * All probes sent with one TTL.  A loss measurement (docs/probing.md) adds
 * ICMP echo to the hop's address and what the hop's rate limit was; all 0
 * when the trace was not a loss measurement.
 */
struct trace_hop {
	int		 ttl;
	int		 nprobes;
	struct trace_probe *probes;
	int		 probes_cap;	/* probes allocated (trace_hop_add_probe
					   grows it geometrically; below
					   nprobes: exactly nprobes) */
	int		 echo_sent;	/* echo requests to the hop's address */
	int		 echo_received;	/* their replies */
	int		 loss_by_echo;	/* 1: the hop's sent/received/loss are
					   echo's (its errors were limited) */
	double		 rl_rate;	/* the hop limited its replies to this
					   many per second (measured); 0: no */
	int		 rl_burst;	/* replies it gave before the limit */
	int		 rl_order;	/* pasted traceroute: the hop answered
					   its first rl_burst probes and then
					   (almost) none, the order a burst
					   limit gives probes sent at once;
					   its rate unknown (never on the wire
					   or in JSON: the paste says it) */
	char		**strs;		/* the probes' addresses and names, one
					   copy of each (trace_hop_intern) */
	uint32_t	*strs_hash;	/* hash of each of strs */
	int		 nstrs, strs_cap;
};

/*
 * Figures derived from a hop's probes (never stored, always recomputed);
 * sent/received/loss_pct are echo's when the hop's loss_by_echo is set.
 */
struct trace_hop_stats {
	int		 sent;
	int		 received;
	double		 loss_pct;	/* 0..100 */
	double		 min_ms, avg_ms, max_ms, stddev_ms;	/* 0 when received == 0 */
};

/* A distinct responder of a hop (ECMP shows several). */
struct trace_responder {
	const char	*addr;		/* a probe's (the hop's string); "" if unknown */
	const char	*name;		/* a probe's, or NULL */
	int		 count;		/* replies from it */
	int		 first;		/* index of its first probe in the hop */
};

/* One traceroute: who ran it, towards what, how, and every hop. */
struct trace {
	char		*agent;		/* agent name that ran it, or NULL */
	char		*source;	/* "tracepair", "linux", "tracert", "mtr", ... */
	char		 src[TRACE_ADDR_LEN];	/* source address or "" */
	char		 dst[TRACE_ADDR_LEN];	/* destination address or "" */
	char		*dst_name;	/* destination as the user gave it, or NULL */
	int		 af;		/* 4, 6, or 0 unknown */
	enum trace_method method;
	int		 port;		/* base/destination port, 0 n/a */
	int		 first_ttl, max_ttl, queries;
	int		 packet_size;	/* bytes, 0 unknown */
	char		*options;	/* options as given, for the record, or NULL */
	double		 start;		/* UNIX time (UTC) of the first probe, 0 unknown */
	double		 end;		/* UNIX time of the last reply/timeout */
	int		 reached;	/* destination answered */
	char		 stop_reason[24];	/* "completed" "unreachable" "max-ttl" "gap-limit" "" */
	uint64_t	 unmatched_icmp;	/* ICMP received that matched no probe */
	uint64_t	 malformed_icmp;	/* ICMP too short or inconsistent */
	int		 nhops;
	struct trace_hop *hops;	/* ordered by ttl, ascending */
};

struct trace	*trace_new(void);
void		 trace_free(struct trace *);
/* Append a hop for ttl with room for nprobes probes (all unanswered). */
struct trace_hop *trace_add_hop(struct trace *, int ttl, int nprobes);
/* Drop the hops beyond ttl last (hops are ordered by ttl). */
void		 trace_cut(struct trace *, int last);
struct trace_hop *trace_hop_by_ttl(const struct trace *, int ttl);
/* Grow a hop by one unanswered probe; returns it or NULL. */
struct trace_probe *trace_hop_add_probe(struct trace_hop *);
/*
 * Append a copy of src (a probe of any hop, or of none) to h: its strings
 * are h's, its rare fields its own.  Returns it, or NULL when h is full
 * or out of memory.
 */
struct trace_probe *trace_hop_copy_probe(struct trace_hop *h,
		    const struct trace_probe *src);
/* Forget the probes of h from the n-th on. */
void		 trace_hop_truncate(struct trace_hop *h, int n);
/* An unanswered probe with nothing known; what it held is not freed. */
void		 trace_probe_init(struct trace_probe *);
/*
 * h's copy of s (one per distinct string; freed with h), NULL when out
 * of memory.
 */
const char	*trace_hop_intern(struct trace_hop *h, const char *s);
/*
 * Set the address of p, a probe of h: NULL or "" for unknown, else s
 * (at most its first TRACE_ADDR_LEN - 1 bytes).  -1 when out of memory.
 */
int		 trace_probe_set_addr(struct trace_hop *h, struct trace_probe *p,
		    const char *s);
/* p's rare fields, all empty when it has none; never NULL. */
const struct trace_probe_more *trace_probe_more(const struct trace_probe *);
/* p's rare fields to write, allocated on first use; NULL out of memory. */
struct trace_probe_more *trace_probe_more_alloc(struct trace_probe *);
/*
 * Host names from outside (reverse DNS, agents, pasted text) are made inert
 * where they enter: letters, digits, '.', '-', '_', ':' stay, every other
 * byte (control characters, escape sequences, newlines, spaces, a
 * backslash) becomes backslash, 'x' and two hex digits.  A new string,
 * NULL when out of memory.  trace_name_make_inert does it in place of *name
 * (NULL stays NULL); -1 when out of memory.
 */
#define TRACE_NAME_CHAR(c) (((c) >= 'a' && (c) <= 'z') || \
	((c) >= 'A' && (c) <= 'Z') || ((c) >= '0' && (c) <= '9') || \
	(c) == '.' || (c) == '-' || (c) == '_' || (c) == ':')
char		*trace_name_inert(const char *);
int		 trace_name_make_inert(char **name);
/*
 * Set the name of p, a probe of h (made inert, above), NULL for none.  -1
 * out of memory.
 */
int		 trace_probe_set_name(struct trace_hop *h, struct trace_probe *p,
		    const char *);
void		 trace_hop_stats(const struct trace_hop *, struct trace_hop_stats *);
/*
 * Distinct responders of a hop, most replies first.  Fills at most max
 * entries of out and returns how many were filled.
 */
int		 trace_hop_responders(const struct trace_hop *,
		    struct trace_responder *out, int max);
/* The responder of a hop with most replies, or NULL if none answered. */
const struct trace_probe *trace_hop_main_probe(const struct trace_hop *);
/*
 * 1 when a probe of the hop that got a reply was answered by the trace's
 * destination: its address is t->dst, or its name (case-insensitive) or
 * its address is t->dst_name, the destination as the user gave it.  Empty
 * or missing strings never match.  Says nothing about t->reached.
 */
int		 trace_hop_is_dst(const struct trace *, const struct trace_hop *);

const char	*trace_method_name(enum trace_method);
/* Returns -1 when the name is unknown. */
int		 trace_method_parse(const char *, enum trace_method *);

/* ISO 8601 UTC with milliseconds ("2026-11-23T10:00:00.123Z"). */
void		 trace_format_time(double, char *buf, size_t len);
/* Returns -1 when s is not such a time. */
int		 trace_parse_time(const char *s, double *out);

/* trace_json.c: the JSON form documented in docs/trace-json.md. */
char		*trace_to_json(const struct trace *, int pretty);
/*
 * trace_jsonw.c: trace_to_json(t, 0) written directly, the same bytes;
 * NULL where only jansson can say what it would write (a string that is
 * not UTF-8, a real that is not finite) or out of memory.
 */
char		*trace_to_json_compact(const struct trace *);
/*
 * One hop's object as json_dumps(hop's tree) writes it with
 * JSON_REAL_PRECISION(6) and either JSON_COMPACT (indent 0) or
 * JSON_INDENT(indent), every line after the first indented col more
 * spaces (the hop's place in a larger document); *lenp its length.  NULL
 * where only jansson can say (as above) or out of memory.
 */
char		*trace_hop_to_json_direct(const struct trace_hop *, size_t indent,
		    size_t col, size_t *lenp);
/* Returns NULL and writes a one-line reason into err on bad input. */
struct trace	*trace_from_json(const char *text, size_t len, char *err, size_t errlen);
/* jansson object forms, for documents that embed traces. */
struct json_t;
struct json_t	*trace_to_jobj(const struct trace *);
struct trace	*trace_from_jobj(struct json_t *, char *err, size_t errlen);
/*
 * For documents too large to hold as one tree (255 hops x 1,000 probes
 * took some 400 MB as jansson objects): trace_to_jobj_lazy() is the trace
 * without its hops, a mark in their place naming traces[slot] of
 * trace_json_dumpf(), which writes doc to fp byte for byte as
 * json_dumpf(doc, flags) would write the whole tree, building one hop's
 * objects at a time.  flags: JSON_INDENT(n) or JSON_COMPACT, with any
 * other flags.  -1 when writing fails or out of memory.
 */
struct json_t	*trace_to_jobj_lazy(const struct trace *, int slot);
int		 trace_json_dumpf(FILE *, struct json_t *doc,
		    const struct trace *const *traces, int ntraces, size_t flags);

/*
 * trace_atlas.c: the trace as a RIPE Atlas traceroute result (what the
 * Atlas API returns for one probe; docs/trace-json.md), NULL when out of
 * memory.  paste_parse() reads it back.
 */
struct json_t	*trace_to_atlas_jobj(const struct trace *);
char		*trace_to_atlas(const struct trace *, int pretty);

#endif
