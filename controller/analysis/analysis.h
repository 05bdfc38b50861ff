/* analysis.h: asymmetry analysis of a forward and a reverse trace (pure, no I/O). */
#ifndef TRACEPAIR_ANALYSIS_H
#define TRACEPAIR_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "site.h"
#include "trace.h"

#define ANALYSIS_NAME_LEN	256	/* longest host name kept */
#define ANALYSIS_WHY_LEN	1024	/* longest explanation kept */
#define ANALYSIS_MAX_ALIASES	1024	/* alias pairs an analysis accepts */

/* Which direction a finding belongs to. */
enum analysis_dir {
	ANALYSIS_FORWARD = 0,	/* the trace A -> B */
	ANALYSIS_REVERSE = 1	/* the trace B -> A */
};

/* How a forward hop and a reverse hop were judged to be one router. */
enum analysis_how {
	ANALYSIS_HOW_ADDR = 0,	/* the same address answered in both directions */
	ANALYSIS_HOW_ALIAS,	/* the agent's alias probing tied the two addresses */
	ANALYSIS_HOW_NAME,	/* the same reverse-DNS / pasted name */
	ANALYSIS_HOW_SUBNET,	/* point-to-point subnet mates of adjacent hops */
	ANALYSIS_HOW_GATEWAY	/* a site's gateway: its LAN address in its own
				   site's trace, its public address the other
				   trace's destination (site.h) */
};

/* Kinds of suspect, most specific first. */
enum analysis_suspect_kind {
	ANALYSIS_SUSPECT_LINK = 0,	/* the link between two routers */
	ANALYSIS_SUSPECT_ROUTER,	/* one router */
	ANALYSIS_SUSPECT_DESTINATION,	/* the far end host (down or filtering) */
	ANALYSIS_SUSPECT_FILTER,	/* probes stopped by a filter or an outage */
	ANALYSIS_SUSPECT_SITE,		/* a site's own gateway or LAN (a: the
					   gateway as its own trace saw it, b:
					   as the other trace did), or its
					   own access link or host */
	ANALYSIS_SUSPECT_LATENCY	/* one-way queueing on a directed link */
};

/* How a hop's reply path was found (the round-trip model). */
enum analysis_basis {
	ANALYSIS_BASIS_OTHER = 0,	/* the router is on the other trace: its
					   reply follows the rest of that trace */
	ANALYSIS_BASIS_TTL,		/* the reply TTL chose between the ways */
	ANALYSIS_BASIS_ASSUMED		/* off the other path: taken to retrace the
					   probe's path to the nearest shared router */
};

/* Kinds of artifact: things that look like faults and are not. */
enum analysis_artifact_kind {
	ANALYSIS_ART_RATELIMIT = 0,	/* loss at one hop that does not carry on */
	ANALYSIS_ART_DEST_RATELIMIT,	/* the destination drops replies when probed fast */
	ANALYSIS_ART_RTT_SPIKE,		/* delay at one hop that does not carry on */
	ANALYSIS_ART_SILENT,		/* a router that never answers, traffic passes */
	ANALYSIS_ART_ECHO_DETOUR	/* its echo went another way; its probes stand (echo.c) */
};

/* Two addresses the agent found to belong to one router (alias probing). */
struct analysis_alias {
	char		 a[TRACE_ADDR_LEN];	/* one interface address */
	char		 b[TRACE_ADDR_LEN];	/* another address of the same router */
};

/*
 * Alias evidence as text (what `analyze --aliases FILE` reads): lines
 * "ADDR ADDR [ADDR...]", the addresses of a line one router (each two of
 * them become a pair), '#' starts a comment, at most
 * ANALYSIS_ALIAS_MAX_LINE bytes a line and ANALYSIS_ALIAS_MAX_PER_LINE
 * addresses.  Returns the number of pairs (at most ANALYSIS_MAX_ALIASES)
 * and *out (free() it; NULL for none), or -1 with "LINE: cannot parse
 * ..." in err.
 */
#define ANALYSIS_ALIAS_MAX_LINE		1023
#define ANALYSIS_ALIAS_MAX_PER_LINE	32
int		 analysis_aliases_parse(const char *text, size_t len,
		    struct analysis_alias **out, char *err, size_t errlen);

/* Knobs of one analysis; analysis_opts_init() sets the defaults. */
struct analysis_opts {
	const struct analysis_alias *aliases;	/* alias evidence, or NULL */
	int		 naliases;	/* entries in aliases */
	double		 step_min_ms;	/* smallest RTT step that counts (10 ms) */
	double		 step_min_frac;	/* and at least this fraction of the base RTT (0.25) */
	double		 contradict_p;	/* a later hop this unlikely under the onset's loss
					   rate breaks persistence (0.005) */
	struct site_hint site[2];	/* what is known of site A (forward source)
					   and site B; zero: nothing */
};

/* One hop of one direction, copied out of its trace. */
struct analysis_hop {
	int		 ttl;		/* hop number in its own trace, 0 = none */
	char		 addr[TRACE_ADDR_LEN];	/* main responder's address, "" unknown */
	char		 name[ANALYSIS_NAME_LEN];	/* its name, "" unknown */
	uint32_t	 asn;		/* origin AS of addr (pfx2as), 0 unknown */
};

/* A forward hop and a reverse hop judged to be the same router. */
struct analysis_match {
	struct analysis_hop fwd;	/* the router as the forward trace saw it */
	struct analysis_hop rev;	/* the router as the reverse trace saw it */
	enum analysis_how how;		/* the strongest evidence that tied them */
};

/*
 * A stretch where the paths differ, read in the forward direction: they
 * part after `from` and meet again at `to`.  A hop with ttl 0 in from
 * means "from the source A", in to "up to the destination B".
 */
struct analysis_divergence {
	struct analysis_match from;	/* last shared router before the split */
	struct analysis_match to;	/* first shared router after it */
	int		 nfwd_only;	/* forward-only routers in between */
	int		 nrev_only;	/* reverse-only routers in between */
};

/* Loss seen by one direction. */
struct analysis_loss {
	int		 persistent;	/* 1: real loss with an onset (fields below) */
	struct analysis_hop onset;	/* first hop of the persistent loss */
	struct analysis_hop before;	/* the responding hop just before it (ttl 0: source) */
	int		 earliest_ttl;	/* earliest hop the loss could really start at,
					   given how few probes the hops before got */
	int		 latest_ttl;	/* latest (95 % set of change points) */
	int		 sent;		/* probes from the onset to the last hop */
	int		 lost;		/* of those, unanswered */
	double		 loss_pct;	/* 100 * lost / sent */
	double		 ci_low, ci_high;	/* 95% Wilson interval of the rate, in % */
	double		 confidence;	/* 0..1 that the loss is real and starts here */
};

/* A persistent RTT step seen by one direction. */
struct analysis_step {
	int		 found;		/* 1 when a persistent step exists */
	struct analysis_hop at;		/* first hop with the higher delay */
	double		 before_ms;	/* median RTT of the hops before it */
	double		 after_ms;	/* median RTT at the step */
	char		 cause[ANALYSIS_WHY_LEN / 2];	/* what explains it in the
					   round-trip model (a latency suspect's
					   link, or distance), "" unknown */
};

/* Something that looks like a fault and is not. */
struct analysis_artifact {
	enum analysis_artifact_kind kind;	/* what it is */
	enum analysis_dir dir;		/* which trace shows it */
	struct analysis_hop hop;	/* where */
	double		 value;		/* loss % (loss kinds) or extra ms (spike) */
	char		 why[ANALYSIS_WHY_LEN];	/* one sentence */
};

/* A hop whose reply came back over a different number of hops than the probe took. */
struct analysis_replyttl {
	enum analysis_dir dir;		/* which trace shows it */
	struct analysis_hop hop;	/* the hop whose reply came back another way */
	int		 return_hops;	/* hops the reply crossed (from its TTL) */
};

/* Where one direction stopped, if it did not reach its destination. */
struct analysis_stop {
	int		 stopped;	/* 1: destination not reached */
	struct analysis_hop last;	/* last hop that answered (ttl 0: none) */
	char		 annot[8];	/* !H !N !X ... seen at the last hop, or "" */
	int		 other_reached;	/* the other direction reached its destination */
	char		 advice[ANALYSIS_WHY_LEN];	/* what to try next */
};

/* A suspect: where the fault most likely is. */
struct analysis_suspect {
	enum analysis_suspect_kind kind;	/* link, router, latency, site,
						   destination or filter */
	struct analysis_hop from;	/* link, latency, site: the directed link's
					   upstream end (traffic flows from -> to) */
	struct analysis_hop to;		/* its downstream end */
	int		 directed;	/* 1: from/to are set */
	int		 bothways;	/* link: every round trip crossing it crosses
					   it both ways, so its two directions
					   cannot be told apart (from/to: one) */
	int		 toward;	/* the traffic heads for site 0 (A, the
					   reverse direction) or 1 (B, forward) */
	double		 loss_pct;	/* link/router/site: estimated loss, % */
	double		 loss_lo, loss_hi;	/* its 95 % interval, % */
	double		 delay_ms;	/* latency: one-way delay it adds */
	double		 jitter_ms;	/* latency: jitter (avg - min) it adds one
					   way, 0 when under the threshold */
	int		 step_ttl[2];	/* latency: the first hop of each trace
					   whose round trip crosses it, where
					   that trace's RTTs step up (0: none) */
	int		 alternative;	/* 1: an alternative to a chosen suspect
					   that cannot be ruled out (ranked by its
					   weight, never above that suspect: a link
					   both ways, with both directions' weight,
					   is capped at the suspect's) */
	int		 undecided;	/* link/router/site: 1 when it is a chosen
					   suspect below the confidence that
					   decides (the verdict is then
					   inconclusive) or an alternative to one */
	char		 evidence[2][ANALYSIS_WHY_LEN / 2];	/* what the forward
					   and the reverse trace show of it */
	struct analysis_hop a;		/* link: near side (forward order); router: the
					   router as the forward trace saw it */
	struct analysis_hop b;		/* link: far side; filter/destination: where it
					   stopped; router: the router as the reverse
					   trace saw it (ttl 0: not known) */
	int		 after;		/* router: 1 when loss begins just after it (what
					   it forwards), 0 when at it (its own replies too) */
	double		 confidence;	/* 0..1 */
	int		 seen_fwd;	/* the forward trace points here */
	int		 seen_rev;	/* the reverse trace points here */
	char		 why[ANALYSIS_WHY_LEN];	/* the evidence, one or two sentences */
};

/*
 * The round trips of a stretch of hops of one trace: where their replies
 * come back (the round-trip model, docs/analysis.md).
 */
struct analysis_roundtrip {
	enum analysis_dir dir;		/* the trace */
	int		 from_ttl, to_ttl;	/* the stretch of hops */
	enum analysis_basis basis;	/* how the reply path was found */
	int		 nvia;		/* entries in via */
	struct analysis_hop via[8];	/* routers the replies cross that the
					   probes do not (the other trace's view) */
	char		 text[ANALYSIS_WHY_LEN / 2];	/* in words */
};

/* A delay step both directions show on one link: distance, not a fault. */
struct analysis_distance {
	struct analysis_hop a, b;	/* the link, forward order */
	double		 rtt_ms;	/* round-trip delay it adds (both ways) */
};

/*
 * A link whose round trips spread: jitter (avg - min RTT) it adds, one
 * way, or both ways when its two directions are on the same round trips.
 */
struct analysis_jitter {
	struct analysis_hop from, to;	/* the directed link (both ways: forward order) */
	int		 toward;	/* the traffic heads for site 0 (A) or 1 (B) */
	int		 bothways;	/* 1: the two directions cannot be told apart */
	double		 jitter_ms;	/* avg - min it adds */
};

/* A decided first suspect below this confidence gets a confirming
   follow-up round from the controller (docs/analysis.md 3c). */
#define ANALYSIS_FIRM	0.90

/* The result of analysis_run(); free with analysis_free(). */
struct analysis {
	int		 nshared;	/* entries in shared */
	struct analysis_match *shared;	/* routers both saw, in forward order */
	int		 nfwd_only;	/* entries in fwd_only */
	struct analysis_hop *fwd_only;	/* routers seen going forward only */
	int		 nrev_only;	/* entries in rev_only */
	struct analysis_hop *rev_only;	/* routers seen going back only */
	int		 ndivergence;	/* entries in divergence */
	struct analysis_divergence *divergence;	/* stretches where the paths differ */
	struct analysis_loss loss[2];	/* indexed by enum analysis_dir */
	struct analysis_step step[2];	/* indexed by enum analysis_dir */
	struct analysis_stop stop[2];	/* indexed by enum analysis_dir */
	int		 nartifacts;	/* entries in artifacts */
	struct analysis_artifact *artifacts;	/* what looks like a fault and is not */
	int		 nreplyttl;	/* entries in replyttl */
	struct analysis_replyttl *replyttl;	/* replies that came back another way */
	int		 nsuspects;	/* entries in suspects */
	struct analysis_suspect *suspects;	/* most likely first */
	struct site	 site[2];	/* site A (source of forward), site B */
	int		 nsegment[2];	/* entries in segment[] */
	struct analysis_hop *segment[2];	/* each site's own hops (gateway
					   included), from its own trace */
	int		 min_probes;	/* fewest probes any responding hop got */
	int		 nroundtrip;	/* entries in roundtrip */
	struct analysis_roundtrip *roundtrip;	/* reply paths, by stretch */
	int		 ndistance;	/* entries in distance */
	struct analysis_distance *distance;	/* long links, seen both ways */
	int		 njitter;	/* entries in jitter */
	struct analysis_jitter *jitter;	/* links whose round trips spread */
	int		 inconclusive;	/* 1: the data cannot separate the first
					   suspect from its alternatives */
	int		 confirm;	/* 1: decided, but a chosen suspect
					   (the first, or a second fault)
					   below ANALYSIS_FIRM: probes_needed and the
					   deciding hops are set for a
					   confirming follow-up round (not
					   reported: the verdict is decided) */
	int		 probes_needed;	/* then: probes per hop that would decide,
					   0 when more probes would not */
	int		 probes_rerun;	/* then: the probes per hop a user is
					   asked for (the verdict's words, the
					   JSON): one rerun of that many decides
					   in about 9 of 10 draws, where
					   probes_needed, which a controller's
					   follow-up round plans on, does on
					   average; 0 when probes_needed is */
	int		 same_round_trips;	/* then, probes_needed 0: 1 when
					   no hop tells the candidates apart,
					   0 when more than TRACE_MAX_QUERIES
					   per hop would be needed */
	int		 rerun_paced;	/* 1: pasted traceroute whose hops
					   mostly showed an ICMP rate limit's
					   order: more probes per hop must come
					   one a second per hop (mtr -i 1), not
					   as more runs (analysis_verdict.c) */
	int		 rerun_mtr;	/* 1: pasted traceroute, not limited,
					   whose count is more than 10 runs of
					   traceroute -q 10: its words ask for
					   mtr -c instead (analysis_verdict.c) */
	int		 rerun_probes;	/* then (rerun_paced or rerun_mtr),
					   inconclusive or confirm: the probes
					   per hop its words ask of mtr */
	int		 decide_lo[2], decide_hi[2];	/* then: per direction, the
					   hops (ttl range) whose round trips
					   tell the candidates apart; 0 none */
	char		 verdict[ANALYSIS_WHY_LEN];	/* one sentence */
};

void		 analysis_opts_init(struct analysis_opts *);
/*
 * Analyse fwd (A -> B) and rev (B -> A).  opts may be NULL for defaults.
 * Returns NULL with a one-line reason in err (out of memory, empty trace).
 */
struct analysis	*analysis_run(const struct trace *fwd, const struct trace *rev,
		    const struct analysis_opts *opts, char *err, size_t errlen);
void		 analysis_free(struct analysis *);

const char	*analysis_how_name(enum analysis_how);
const char	*analysis_suspect_kind_name(enum analysis_suspect_kind);
const char	*analysis_artifact_kind_name(enum analysis_artifact_kind);
const char	*analysis_dir_name(enum analysis_dir);
/* A hop's label for people: its name, else its address, else "*". */
const char	*analysis_hop_label(const struct analysis_hop *);
/* A confidence as the text prints it (two decimals): one just below
   ANALYSIS_FIRM that would round up to it is shown as 0.89, so "not yet
   firm (below 0.90)" never stands beside "confidence 0.90". */
double		 analysis_conf_shown(double);
/*
 * A router suspect's label for people, from what both traces saw of it:
 * "name (addr)", "name (addr forward, addr reverse)" when the two
 * directions saw different interfaces, or "x (forward) / y (reverse)"
 * when they gave different names.  Writes into buf and returns it.
 */
const char	*analysis_router_label(const struct analysis_suspect *, char *buf,
		    size_t len);

/*
 * The AS numbers of a suspect for people, "" when none is known:
 * " (AS64498)" when its hops share one AS, " (AS64497 - AS64498)" for a
 * link (or a router whose two views) between two ASes, "?" for an
 * unknown side.  Writes into buf and returns it.
 */
const char	*analysis_suspect_asn(const struct analysis_suspect *, char *buf,
		    size_t len);
/*
 * The AS numbers of a suspect's two ends (a link) or of its two views (a
 * router: forward and reverse interface; 0 unknown).  A router known from
 * one view only has that AS on both.
 */
void		 analysis_suspect_asns(const struct analysis_suspect *,
		    uint32_t *x, uint32_t *y);

/*
 * The analysis as the "analysis" object of docs/analysis.md (jansson;
 * analysis_json.c); NULL when out of memory.
 */
struct json_t;
struct json_t	*analysis_to_jobj(const struct analysis *);

/* 95% Wilson score interval of k successes in n trials, as fractions. */
void		 analysis_wilson(int k, int n, double *lo, double *hi);

/*
 * A decided verdict below ANALYSIS_FIRM (a->confirm): the probes per hop
 * its text says would confirm it (a->probes_rerun, at least 20 when a hop
 * got fewer than 10); 0 when firm, inconclusive, or more probes would not.
 */
int		 analysis_confirm_probes(const struct analysis *);

/* Why more probes would not decide an inconclusive a (probes_needed 0). */
void		 analysis_nodecide_why(const struct analysis *, char *, size_t);

#endif
