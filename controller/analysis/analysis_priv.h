/* analysis_priv.h: the working state analysis.c and roundtrip.c share (not an API). */
#ifndef TRACEPAIR_ANALYSIS_PRIV_H
#define TRACEPAIR_ANALYSIS_PRIV_H

#include <stddef.h>

#include "analysis.h"

#define AN_MAX_ADDRS	8	/* responder addresses kept per hop for matching */

/* One hop of one direction, as the analysis sees it. */
struct an_hop {
	const struct trace_hop *th;	/* the hop in its trace */
	struct analysis_hop ref;	/* ttl, main address and name */
	int		 sent;		/* probes sent */
	int		 recv;		/* replies */
	double		 med_ms;	/* median RTT of the replies */
	int		 naddrs;	/* entries in addrs */
	char		 addrs[AN_MAX_ADDRS][TRACE_ADDR_LEN];	/* every responder address */
	int		 is_dest;	/* the destination (an end host, not a router) */
	int		 reply_ttl;	/* reply TTL of the main responder, -1 unknown */
	char		 annot[8];	/* annotation of the last replying probe */
	int		 in_site;	/* 1 + side of the site whose segment it is, 0 none */
	int		 site_edge;	/* 1 + side: this hop is that site's edge box
					   (its own view, or the other's destination) */
	int		 match;		/* index of the aligned hop in the other direction, -1 */
	enum analysis_how how;		/* valid when match >= 0 */
};

/* One direction: its trace and the hops that answered. */
struct an_dir {
	const struct trace *t;		/* the trace itself */
	int		 nhops;		/* every hop of the trace with probes */
	struct an_hop	*hops;		/* by ttl, ascending */
	int		 last;		/* index of the last hop that answered, -1 none */
	int		 reached;	/* the destination answered */
};

/* Working state of one analysis_run(). */
struct an_state {
	const struct analysis_opts *opts;	/* knobs of this run */
	struct an_dir	 d[2];		/* ANALYSIS_FORWARD, ANALYSIS_REVERSE */
	struct analysis	*a;		/* the result being filled */
	int		 oom;		/* an allocation failed */
};

/* Grow *arr (n entries of size) by one zeroed entry; NULL sets st->oom. */
void		*an_grow(struct an_state *, void *arr, int *n, size_t size);
/* analysis_verdict.c: the name of site side (0 A, 1 B) for people: its
   agent, else its address */
void		 an_site_label(const struct an_state *, int side, char *buf,
		    size_t len);
/* echo.c: hops whose echo reached them another way get their probes' figures */
void		 an_echo_detours(struct an_state *, int dir);
struct analysis_artifact *an_add_artifact(struct an_state *,
		    enum analysis_artifact_kind, enum analysis_dir,
		    const struct an_hop *, double value, const char *fmt, ...)
		    __attribute__((format(printf, 6, 7)));
struct analysis_suspect *an_add_suspect(struct an_state *,
		    enum analysis_suspect_kind, const struct analysis_hop *x,
		    const struct analysis_hop *y, double conf);
/* snprintf for explanations: truncation of a long name is acceptable. */
void		 an_bprintf(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 an_copy_str(char *dst, size_t len, const char *src);
/* A pseudo hop for a trace's source, named who. */
void		 an_src_hop(struct analysis_hop *, const char *who);
/* 1 when forward hop fr and reverse hop rr (by ttl, 0 = source) are one router. */
int		 an_same_router(const struct an_state *,
		    const struct analysis_hop *fr, const struct analysis_hop *rr);
/* qsort comparison of doubles, ascending. */
int		 an_cmp_double(const void *, const void *);
/* P(X <= k) for X ~ Binomial(n, q). */
double		 an_binom_cdf(int k, int n, double q);

/* The verdict sentence of st->a, from its suspects (analysis_verdict.c). */
void		 an_make_verdict(struct an_state *);
/*
 * onset.c: per direction, the loss onset as a change point (fills
 * st->a->loss[dir] and the rate-limit artifacts).  roundtrip.c, over both
 * traces: the round-trip model (st->a->roundtrip), the lossy directed
 * links and routers (suspects), and (delay.c) delay per directed link
 * (latency suspects, distance).  Both return -1 when memory runs out.
 */
int		 rt_onset(struct an_state *, enum analysis_dir);
int		 rt_diagnose(struct an_state *);

#endif
