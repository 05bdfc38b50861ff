/*
 * roundtrip_priv.h: the round-trip model's working state (struct rt),
 * shared by roundtrip.c (reply paths, loss over directed links) and
 * delay.c (delay over directed links), and which hops limit their
 * replies (onset.c too).  Not an API.
 */
#ifndef TRACEPAIR_ROUNDTRIP_PRIV_H
#define TRACEPAIR_ROUNDTRIP_PRIV_H

#include <stddef.h>

#include "analysis_priv.h"
#include "estimate.h"

#define RT_MAXSEQ	(TRACE_MAX_TTL + 3)	/* nodes of one trace's sequence */
#define RT_MAXPATH	(2 * RT_MAXSEQ)	/* nodes of one reply path */
/* A router (or an end host) of the pair. */
struct rt_node {
	struct analysis_hop ref;	/* as the forward trace saw it, else the reverse */
	struct analysis_hop rref;	/* as the reverse trace saw it (ttl 0: not seen) */
	int		 pos[2];	/* position in each trace's sequence, -1 none */
	int		 host;		/* 0: site A's host, 1: B's, -1: a router */
	int		 limited;	/* a hop of it is known to limit its replies */
	int		 filled;	/* 1 << d: its place in trace d is a silent
					   hop taken as it (fill_silent), not seen */
	double		 min_ms[2];	/* lowest RTT of it in each trace, -1 none */
};

/* A directed link: traffic from node u to node v. */
struct rt_link {
	int		 u, v;
};

/* One trace as the nodes it crossed: source, answering hops, destination. */
struct rt_seq {
	int		 n;
	int		 node[RT_MAXSEQ];
	int		 hop[RT_MAXSEQ];	/* index in the an_dir, -1: source, implied
					   end or a silent hop taken as a router */
	int		 ttl[RT_MAXSEQ];	/* hop number (0: the source) */
};

/* One observation: a hop of a trace with its round trip. */
struct rt_obs {
	int		 dir;		/* the trace */
	int		 pos;		/* its position in the trace's sequence */
	int		 npath;		/* reply path: nodes from the hop to the source */
	int		 path[RT_MAXPATH];
	enum analysis_basis basis;	/* how the reply path was found */
};

/* Working state of the round-trip model. */
struct rt {
	struct an_state	*st;
	int		 nnodes;
	struct rt_node	*nodes;
	int		 nlinks, caplinks;
	struct rt_link	*links;
	struct rt_seq	 seq[2];
	int		 nobs;
	struct rt_obs	*obs;
	/* the estimator's table: links, then routers' transit, then routers' all */
	struct est_table tab;
	unsigned char	*part;		/* per tab entry: 1 probe path, 2 reply path */
	unsigned char	*cand;
	double		*prior;		/* per element: the estimator's prior */
	const unsigned char *own;	/* the fit's observations that lose replies
					   of their own (left out of the evidence) */
	int		 twin;		/* the link the other way, counted with the
					   element described, -1 none */
};

/* roundtrip.c */
int		 rt_hop_limited(const struct trace_hop *);
void		 rt_node_ref(const struct rt *, int, struct analysis_hop *);
const char	*rt_node_label(const struct rt *, int, char *, size_t);
int		 rt_link_toward(const struct rt *, int);
int		 rt_same_incidence(const struct rt *, int, int);
int		 rt_names_limited(const struct rt *, int);
int		 rt_twin_of(const struct rt *, int);

/* decide.c: the probes per hop that would decide (section 3a) */
double		 rt_deciding_hops(struct rt *, const struct est_fit *, int,
		    double *, double *);
int		 rt_probes_to_decide(struct rt *, const struct est_fit *, int);

/* delay.c: the delay fit, its suspects, distance and jitter (section 4a) */
int		 rt_find_delay(struct rt *);

#endif
