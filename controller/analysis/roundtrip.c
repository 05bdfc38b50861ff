/* roundtrip.c: every hop as a round trip: reply paths, loss onsets as change points, lossy directed links and one-way delay from both traces at once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_priv.h"
#include "estimate.h"

/* a hop whose replies say its rate limit, not the path: a limit a loss
   measurement found (unless echo measured the hop instead), or the order
   of a pasted traceroute's stars (paste.c, tr_order_limits) */
static int
hop_limited(const struct trace_hop *th)
{
	return (th->rl_rate > 0 || th->rl_order) && !th->loss_by_echo;
}

#define RT_FLOOR	0.10	/* an alternative with less of the weight is not listed */
#define RT_DECIDE	0.60	/* a chosen suspect below this is inconclusive */
#define RT_FOLLOW	0.01	/* an alternative with this share of the weight
				   is a candidate a follow-up round should
				   tell apart (listed or not) */
#define RT_MAXSEQ	(TRACE_MAX_TTL + 3)	/* nodes of one trace's sequence */
#define RT_MAXPATH	(2 * RT_MAXSEQ)	/* nodes of one reply path */
#define RT_KMAX		3	/* most lossy elements in one explanation */
#define RT_ROUTER_PRIOR	1.0986	/* ln 3: a router element is lossy with a
				   third of a directed link's prior odds
				   (docs/analysis.md 3a) */

/* A router (or an end host) of the pair. */
struct rt_node {
	struct analysis_hop ref;	/* as the forward trace saw it, else the reverse */
	struct analysis_hop rref;	/* as the reverse trace saw it (ttl 0: not seen) */
	int		 pos[2];	/* position in each trace's sequence, -1 none */
	int		 host;		/* 0: site A's host, 1: B's, -1: a router */
	int		 limited;	/* a hop of it is known to limit its replies */
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
	int		 hop[RT_MAXSEQ];	/* index in the an_dir, -1: source or implied end */
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

/* ---- nodes, sequences, links ----------------------------------------- */


static int
new_node(struct rt *r, int host)
{
	struct rt_node *n = &r->nodes[r->nnodes];

	memset(n, 0, sizeof(*n));
	n->pos[0] = n->pos[1] = -1;
	n->host = host;
	n->min_ms[0] = n->min_ms[1] = -1;
	return r->nnodes++;
}

static int
link_id(struct rt *r, int u, int v)
{
	struct rt_link *p;
	int	 i;

	for (i = 0; i < r->nlinks; i++)
		if (r->links[i].u == u && r->links[i].v == v)
			return i;
	if (r->nlinks == r->caplinks) {
		int	 cap = r->caplinks ? 2 * r->caplinks : 64;

		if ((p = realloc(r->links, (size_t)cap * sizeof(*p))) == NULL)
			return -1;
		r->links = p;
		r->caplinks = cap;
	}
	r->links[r->nlinks].u = u;
	r->links[r->nlinks].v = v;
	return r->nlinks++;
}

static double
hop_min_ms(const struct an_hop *h)
{
	double	 m = -1;
	int	 i;

	for (i = 0; i < h->th->nprobes; i++)
		if (h->th->probes[i].replied && (m < 0 ||
		    h->th->probes[i].rtt_ms < m))
			m = h->th->probes[i].rtt_ms;
	return m;
}

/* Append node to seq d (its hop index, ttl). */
static void
seq_add(struct rt *r, int d, int node, int hop, int ttl)
{
	struct rt_seq *s = &r->seq[d];

	if (s->n >= RT_MAXSEQ)
		return;
	s->node[s->n] = node;
	s->hop[s->n] = hop;
	s->ttl[s->n] = ttl;
	if (r->nodes[node].pos[d] < 0)
		r->nodes[node].pos[d] = s->n;
	s->n++;
}

/*
 * The nodes: A, B, every answering router (one node for a router both
 * traces saw), and each trace as the sequence of its nodes, from its
 * source to its destination (implied when it did not reach it).
 */
static int
build_nodes(struct rt *r)
{
	struct an_state	*st = r->st;
	int		 d, i, n, *fnode;
	int		 cap = 2 + st->d[0].nhops + st->d[1].nhops;

	if ((r->nodes = calloc((size_t)cap, sizeof(*r->nodes))) == NULL)
		return -1;
	if ((fnode = calloc((size_t)st->d[0].nhops + 1, sizeof(*fnode))) == NULL)
		return -1;
	new_node(r, 0);
	new_node(r, 1);
	for (d = 0; d < 2; d++) {
		struct an_dir *D = &st->d[d];

		seq_add(r, d, d == 0 ? 0 : 1, -1, 0);
		for (i = 0; i < D->nhops; i++) {
			struct an_hop *h = &D->hops[i];

			if (h->recv == 0)
				continue;
			if (d == 1 && h->match >= 0)
				n = fnode[h->match];
			else if (h->is_dest && h->match < 0)
				n = d == 0 ? 1 : 0;
			else
				n = new_node(r, -1);
			if (d == 0)
				fnode[i] = n;
			if (r->nodes[n].host < 0) {
				if (d == 0 || r->nodes[n].ref.ttl == 0)
					r->nodes[n].ref = h->ref;
				if (d == 1)
					r->nodes[n].rref = h->ref;
			}
			if (hop_limited(h->th))
				r->nodes[n].limited = 1;
			r->nodes[n].min_ms[d] = hop_min_ms(h);
			seq_add(r, d, n, i, h->ref.ttl);
		}
		/* the destination, implied when not reached (or reached at a
		   site's edge box in front of it) */
		n = d == 0 ? 1 : 0;
		if (r->seq[d].node[r->seq[d].n - 1] != n)
			seq_add(r, d, n, -1, r->seq[d].ttl[r->seq[d].n - 1] + 1);
	}
	free(fnode);
	return 0;
}

/* Hops (by ttl) from position i to the end of seq s. */
static int
hops_to_end(const struct rt_seq *s, int i)
{
	return s->ttl[s->n - 1] - s->ttl[i];
}

/* The return hop count a reply TTL says, -1 unknown. */
static int
return_hops(const struct an_hop *h)
{
	static const int inits[] = { 32, 64, 128, 255 };
	int	 k;

	if (h->reply_ttl <= 0 || h->reply_ttl > 255)
		return -1;
	for (k = 0; k < 4; k++)
		if (h->reply_ttl <= inits[k])
			return inits[k] - h->reply_ttl + 1;
	return -1;
}

/*
 * The reply path of the hop at position k of trace d: the nodes from it
 * back to the trace's source.  A router on the other trace sends towards
 * the source along the rest of that trace (destination-based routing);
 * one off it is taken to retrace the probe's path to the nearest shared
 * router before it.  A reply TTL, where known, chooses between these and
 * the way through the nearest shared router after it.
 */
static void
reply_path(struct rt *r, int d, int k, struct rt_obs *o)
{
	const struct rt_seq *S = &r->seq[d], *O = &r->seq[!d];
	int	 x = S->node[k], i, j, n = 0, ret = -1;
	int	 pi = -1, ni = -1, via_other, cnt_a = -1, cnt_b, cnt_c = -1, pick;

	if (S->hop[k] >= 0)
		ret = return_hops(&r->st->d[d].hops[S->hop[k]]);
	via_other = r->nodes[x].pos[!d] >= 0;
	for (i = k - 1; i >= 0; i--)
		if (r->nodes[S->node[i]].pos[!d] >= 0) {
			pi = i;
			break;
		}
	for (i = k + 1; i < S->n; i++)
		if (r->nodes[S->node[i]].pos[!d] >= 0) {
			ni = i;
			break;
		}
	if (via_other)
		cnt_a = hops_to_end(O, r->nodes[x].pos[!d]);
	cnt_b = pi >= 0 ? S->ttl[k] - S->ttl[pi] +
	    hops_to_end(O, r->nodes[S->node[pi]].pos[!d]) : -1;
	if (ni >= 0)
		cnt_c = S->ttl[ni] - S->ttl[k] +
		    hops_to_end(O, r->nodes[S->node[ni]].pos[!d]);
	pick = via_other ? 0 : 1;
	o->basis = via_other ? ANALYSIS_BASIS_OTHER : ANALYSIS_BASIS_ASSUMED;
	if (ret > 0 && (pick == 0 ? cnt_a : cnt_b) != ret) {
		if (cnt_a == ret)
			pick = 0;
		else if (cnt_b == ret)
			pick = 1;
		else if (cnt_c == ret)
			pick = 2;
		if ((pick == 0 ? cnt_a : pick == 1 ? cnt_b : cnt_c) == ret)
			o->basis = ANALYSIS_BASIS_TTL;
	} else if (ret > 0 && pick == 1)
		o->basis = ANALYSIS_BASIS_TTL;	/* the TTL confirms the retrace */
	if (pick == 1 && pi < 0)
		pick = 0;
	if (pick == 0 && !via_other)
		pick = 1;
	if (pick == 0) {
		for (j = r->nodes[x].pos[!d]; j < O->n && n < RT_MAXPATH; j++)
			o->path[n++] = O->node[j];
	} else {
		int	 via = pick == 1 ? pi : ni;

		if (pick == 1)
			for (i = k; i >= via && n < RT_MAXPATH; i--)
				o->path[n++] = S->node[i];
		else
			for (i = k; i <= via && n < RT_MAXPATH; i++)
				o->path[n++] = S->node[i];
		for (j = r->nodes[S->node[via]].pos[!d] + 1; j < O->n &&
		    n < RT_MAXPATH; j++)
			o->path[n++] = O->node[j];
	}
	o->npath = n;
}

/* ---- the estimator's table -------------------------------------------- */

/* Add element e (part bit) to the entries of the current observation. */
static int
tab_add(struct rt *r, int *cap, int e, int part)
{
	struct est_table *t = &r->tab;
	struct est_obs *ob = &t->obs[t->nobs - 1];
	int	 i;

	for (i = 0; i < ob->n; i++)
		if (t->elem[ob->off + i] == e) {
			t->mult[ob->off + i]++;
			r->part[ob->off + i] |= part;
			return 0;
		}
	if (ob->off + ob->n == *cap) {
		int	 nc = *cap * 2;
		int	*ne = realloc(t->elem, (size_t)nc * sizeof(*ne));
		unsigned char *nm, *np;

		if (ne == NULL)
			return -1;
		t->elem = ne;
		if ((nm = realloc(t->mult, (size_t)nc)) == NULL)
			return -1;
		t->mult = nm;
		if ((np = realloc(r->part, (size_t)nc)) == NULL)
			return -1;
		r->part = np;
		*cap = nc;
	}
	t->elem[ob->off + ob->n] = e;
	t->mult[ob->off + ob->n] = 1;
	r->part[ob->off + ob->n] = (unsigned char)part;
	ob->n++;
	return 0;
}

static int	 same_incidence(const struct rt *, int, int);

/* Element ids: links, then each node's transit, then each node's all. */
#define EL_THRU(r, n)	((r)->nlinks + (n))
#define EL_ALL(r, n)	((r)->nlinks + (r)->nnodes + (n))

/*
 * A router element on exactly the round trips of a link (a router one
 * trace alone crosses, entered by one link) cannot be told from that
 * link: the link, the simpler cause, stands for both.
 */
static int
untie_routers(struct rt *r)
{
	const struct est_table *t = &r->tab;
	unsigned long long *sig;
	int		 i, j, e, l;

	if ((sig = calloc((size_t)t->nelem + 1, sizeof(*sig))) == NULL)
		return -1;
	for (i = 0; i < t->nobs; i++)
		for (j = 0; j < t->obs[i].n; j++)
			sig[t->elem[t->obs[i].off + j]] += (unsigned long long)
			    (i + 1) * 0x9e3779b97f4a7c15ULL *
			    t->mult[t->obs[i].off + j] + 1;
	for (e = r->nlinks; e < t->nelem; e++) {
		if (!r->cand[e])
			continue;
		for (l = 0; l < r->nlinks; l++)
			if (sig[l] == sig[e] && same_incidence(r, e, l)) {
				r->cand[e] = 0;
				break;
			}
	}
	free(sig);
	return 0;
}

static int
build_table(struct rt *r)
{
	struct an_state	*st = r->st;
	struct est_table *t = &r->tab;
	int		 d, k, i, cap = 1024, total = r->seq[0].n + r->seq[1].n;
	int		 x, e;

	if ((r->obs = calloc((size_t)total + 1, sizeof(*r->obs))) == NULL)
		return -1;
	/* reply paths first: they add the links replies retrace */
	for (d = 0; d < 2; d++)
		for (k = 1; k < r->seq[d].n; k++) {
			struct rt_obs *o;

			if (r->seq[d].hop[k] < 0)
				continue;
			o = &r->obs[r->nobs++];
			o->dir = d;
			o->pos = k;
			reply_path(r, d, k, o);
			for (i = 0; i + 1 < o->npath; i++)
				if (link_id(r, o->path[i], o->path[i + 1]) < 0)
					return -1;
		}
	for (d = 0; d < 2; d++)
		for (k = 0; k + 1 < r->seq[d].n; k++)
			if (link_id(r, r->seq[d].node[k], r->seq[d].node[k + 1]) < 0)
				return -1;
	t->nelem = r->nlinks + 2 * r->nnodes;
	t->obs = calloc((size_t)r->nobs + 1, sizeof(*t->obs));
	t->elem = calloc((size_t)cap, sizeof(*t->elem));
	t->mult = calloc((size_t)cap, 1);
	r->part = calloc((size_t)cap, 1);
	r->cand = calloc((size_t)t->nelem + 1, 1);
	r->prior = calloc((size_t)t->nelem + 1, sizeof(*r->prior));
	if (t->obs == NULL || t->elem == NULL || t->mult == NULL ||
	    r->part == NULL || r->cand == NULL || r->prior == NULL)
		return -1;
	t->cand = r->cand;
	t->prior = r->prior;
	for (e = r->nlinks; e < t->nelem; e++)
		r->prior[e] = RT_ROUTER_PRIOR;
	for (e = 0; e < r->nlinks; e++)
		r->cand[e] = 1;
	for (i = 0; i < r->nnodes; i++)
		if (r->nodes[i].host < 0 && !r->nodes[i].limited)
			r->cand[EL_THRU(r, i)] = r->cand[EL_ALL(r, i)] = 1;
	for (i = 0; i < r->nobs; i++) {
		const struct rt_obs *o = &r->obs[i];
		const struct rt_seq *S = &r->seq[o->dir];
		const struct an_hop *h = &st->d[o->dir].hops[S->hop[o->pos]];
		struct est_obs *ob = &t->obs[t->nobs++];

		ob->off = i == 0 ? 0 : t->obs[t->nobs - 2].off + t->obs[t->nobs - 2].n;
		ob->sent = h->sent;
		ob->recv = h->recv;
		ob->skip = hop_limited(h->th);
		for (k = 0; k < o->pos; k++) {
			if (tab_add(r, &cap, link_id(r, S->node[k], S->node[k + 1]), 1) < 0)
				return -1;
			x = S->node[k];
			if (k > 0 && r->nodes[x].host < 0 &&
			    (tab_add(r, &cap, EL_THRU(r, x), 1) < 0 ||
			    tab_add(r, &cap, EL_ALL(r, x), 1) < 0))
				return -1;
		}
		x = S->node[o->pos];
		if (r->nodes[x].host < 0 && tab_add(r, &cap, EL_ALL(r, x), 1) < 0)
			return -1;
		for (k = 0; k + 1 < o->npath; k++) {
			if (tab_add(r, &cap, link_id(r, o->path[k], o->path[k + 1]), 2) < 0)
				return -1;
			x = o->path[k];
			if (k > 0 && r->nodes[x].host < 0 &&
			    (tab_add(r, &cap, EL_THRU(r, x), 2) < 0 ||
			    tab_add(r, &cap, EL_ALL(r, x), 2) < 0))
				return -1;
		}
	}
	return untie_routers(r);
}

/* ---- words ------------------------------------------------------------- */

/* A node as a suspect's end. */
static void
node_ref(const struct rt *r, int n, struct analysis_hop *h)
{
	const struct an_state *st = r->st;
	const struct rt_node *x = &r->nodes[n];

	if (x->host == 0) {
		an_src_hop(h, "A (forward source)");
		an_copy_str(h->addr, sizeof(h->addr), st->d[0].t->src);
	} else if (x->host == 1) {
		const struct an_dir *F = &st->d[0];

		if (F->reached && F->last >= 0)
			*h = F->hops[F->last].ref;
		else {
			memset(h, 0, sizeof(*h));
			an_copy_str(h->addr, sizeof(h->addr), F->t->dst);
			an_copy_str(h->name, sizeof(h->name), F->t->dst_name);
			if (h->addr[0] == '\0' && h->name[0] == '\0')
				an_copy_str(h->name, sizeof(h->name), "B");
		}
	} else
		*h = x->ref.ttl ? x->ref : x->rref;
}

static const char *
node_label(const struct rt *r, int n, char *buf, size_t len)
{
	struct analysis_hop h;

	if (r->nodes[n].host >= 0) {
		an_site_label(r->st, r->nodes[n].host, buf, len);
		return buf;
	}
	node_ref(r, n, &h);
	an_bprintf(buf, len, "%s", analysis_hop_label(&h));
	return buf;
}

/* 1 when node n is on the probe path of observation o. */
static int
on_probe_path(const struct rt *r, const struct rt_obs *o, int n)
{
	int	 i;

	for (i = 0; i <= o->pos; i++)
		if (r->seq[o->dir].node[i] == n)
			return 1;
	return 0;
}

/* The routers o's replies cross that its probes do not. */
static int
reply_only(const struct rt *r, const struct rt_obs *o, int *out, int max)
{
	int	 i, n = 0;

	for (i = 1; i + 1 < o->npath && n < max; i++)
		if (!on_probe_path(r, o, o->path[i]) &&
		    r->nodes[o->path[i]].host < 0)
			out[n++] = o->path[i];
	return n;
}

/* Group each trace's hops by where their replies come back, in words. */
static void
describe_round_trips(struct rt *r)
{
	struct analysis	*a = r->st->a;
	int		 i, j, n, m, via[8], via2[8];
	char		 lbl[ANALYSIS_NAME_LEN], list[ANALYSIS_WHY_LEN / 2];

	for (i = 0; i < r->nobs; i = j) {
		const struct rt_obs *o = &r->obs[i];
		struct analysis_roundtrip *rt;

		n = reply_only(r, o, via, 8);
		for (j = i + 1; j < r->nobs; j++) {
			const struct rt_obs *p = &r->obs[j];

			if (p->dir != o->dir || p->basis != o->basis)
				break;
			if ((m = reply_only(r, p, via2, 8)) != n ||
			    memcmp(via, via2, (size_t)n * sizeof(via[0])) != 0)
				break;
		}
		if ((rt = an_grow(r->st, a->roundtrip, &a->nroundtrip,
		    sizeof(*rt))) == NULL)
			return;
		a->roundtrip = rt;
		rt = &rt[a->nroundtrip - 1];
		rt->dir = o->dir;
		rt->from_ttl = r->seq[o->dir].ttl[o->pos];
		rt->to_ttl = r->seq[r->obs[j - 1].dir].ttl[r->obs[j - 1].pos];
		rt->basis = o->basis;
		rt->nvia = n;
		list[0] = '\0';
		for (m = 0; m < n; m++) {
			node_ref(r, via[m], &rt->via[m]);
			an_bprintf(list + strlen(list), sizeof(list) - strlen(list),
			    "%s%s", m == 0 ? "" : m == n - 1 ? " and " : ", ",
			    node_label(r, via[m], lbl, sizeof(lbl)));
		}
		{
			char	 hops[32];

			if (rt->from_ttl == rt->to_ttl)
				an_bprintf(hops, sizeof(hops), "hop %d", rt->from_ttl);
			else
				an_bprintf(hops, sizeof(hops), "hops %d-%d",
				    rt->from_ttl, rt->to_ttl);
			if (n > 0)
				an_bprintf(rt->text, sizeof(rt->text), "%s: replies "
				    "from %s come back via %s%s", analysis_dir_name(
				    o->dir), hops, list, o->basis == ANALYSIS_BASIS_TTL ?
				    " (as their reply TTLs say)" : o->basis ==
				    ANALYSIS_BASIS_ASSUMED ? " (assumed)" :
				    " (the other trace's path)");
			else
				an_bprintf(rt->text, sizeof(rt->text), "%s: replies "
				    "from %s come back the way the probes went%s",
				    analysis_dir_name(o->dir), hops, o->basis ==
				    ANALYSIS_BASIS_ASSUMED ? " (assumed: off the "
				    "other trace's path)" : o->basis ==
				    ANALYSIS_BASIS_TTL ? " (as their reply TTLs say)" :
				    "");
		}
	}
}

/* ---- loss onset per direction: a change point ------------------------- */

int
rt_onset(struct an_state *st, enum analysis_dir dir)
{
	struct an_dir	*d = &st->d[dir];
	struct analysis_loss *L = &st->a->loss[dir];
	struct est_table t;
	struct est_fit	 fit;
	double		*sc = NULL, best, sum, acc, p;
	int		*ord = NULL, *oh = NULL;
	int		 i, j, k, e, on, lo_ttl, hi_ttl;

	memset(&t, 0, sizeof(t));
	memset(&fit, 0, sizeof(fit));
	if (d->nhops == 0)
		return 0;
	t.nelem = d->nhops;	/* element j: the loss rate steps up at hop j */
	t.obs = calloc((size_t)d->nhops, sizeof(*t.obs));
	t.elem = calloc((size_t)d->nhops * d->nhops, sizeof(*t.elem));
	t.mult = calloc((size_t)d->nhops * d->nhops, 1);
	oh = calloc((size_t)d->nhops, sizeof(*oh));
	sc = calloc((size_t)d->nhops, sizeof(*sc));
	ord = calloc((size_t)d->nhops, sizeof(*ord));
	if (t.obs == NULL || t.elem == NULL || t.mult == NULL || oh == NULL ||
	    sc == NULL || ord == NULL)
		goto oom;
	for (i = 0, k = 0; i < d->nhops; i++) {
		struct an_hop *h = &d->hops[i];
		struct est_obs *o;

		if (h->recv == 0)
			continue;
		o = &t.obs[t.nobs];
		oh[t.nobs++] = i;
		o->sent = h->sent;
		o->recv = h->recv;
		o->skip = hop_limited(h->th);
		o->off = k;
		for (j = 0; j <= i; j++) {
			t.elem[k] = j;
			t.mult[k++] = 1;
			o->n++;
		}
	}
	if (est_run(&t, 1, &fit) == -1)
		goto oom;
	/* artifacts: hops that lose replies of their own */
	for (j = 0; j < t.nobs; j++) {
		struct an_hop *h = &d->hops[oh[j]];
		int	 lost = h->sent - h->recv;

		if (t.obs[j].skip) {
			if (lost > 0 && h->th->rl_rate > 0)
				an_add_artifact(st, ANALYSIS_ART_RATELIMIT, dir, h,
				    100.0 * lost / h->sent, "%d of %d probes "
				    "unanswered at a hop that limits its replies to "
				    "%.1f per second: rate limiting, not a fault",
				    lost, h->sent, h->th->rl_rate);
			else if (lost > 0)
				an_add_artifact(st, ANALYSIS_ART_RATELIMIT, dir, h,
				    100.0 * lost / h->sent, "%d of %d probes "
				    "unanswered, all after its first %d answers: "
				    "the hop's ICMP rate limit on probes sent at "
				    "once, not a fault", lost, h->sent,
				    h->th->rl_burst);
			continue;
		}
		if (!fit.own[j])
			continue;
		if (h->is_dest && oh[j] == d->last)
			an_add_artifact(st, ANALYSIS_ART_DEST_RATELIMIT, dir, h,
			    100.0 * lost / h->sent, "only the destination loses "
			    "replies (%d of %d): it rate-limits its ICMP/port-"
			    "unreachable replies when probed fast; probe with a "
			    "pause (-z) to confirm", lost, h->sent);
		else if (oh[j] == d->last)
			an_add_artifact(st, ANALYSIS_ART_RATELIMIT, dir, h,
			    100.0 * lost / h->sent, "loss at the last hop that "
			    "answered (%d of %d); no later hop shows whether it "
			    "carries on", lost, h->sent);
		else
			an_add_artifact(st, ANALYSIS_ART_RATELIMIT, dir, h,
			    100.0 * lost / h->sent, "%d of %d probes lost at this "
			    "hop, more than the hops after it lose: ICMP rate "
			    "limiting or de-prioritisation, not a fault", lost,
			    h->sent);
	}
	if (fit.k == 0)
		goto done;
	/* every change point's weight: the 95 % set, and the onset's share */
	best = -HUGE_VAL;
	for (e = 0; e < d->nhops; e++) {
		sc[e] = est_score1(&t, e, &p);
		if (p <= 0)
			sc[e] = -HUGE_VAL;
		if (sc[e] > best)
			best = sc[e];
		ord[e] = e;
	}
	/* the onset: the answering hop with the best change point (a silent
	   stretch before it scores the same and widens the set below) */
	on = -1;
	for (e = 0; e < d->nhops; e++)
		if (d->hops[e].recv > 0 && sc[e] > -HUGE_VAL &&
		    (on < 0 || sc[e] > sc[on] + 1e-9))
			on = e;
	if (on < 0 || sc[on] <= fit.score_null)
		goto done;
	sum = exp(fit.score_null - best);
	for (e = 0; e < d->nhops; e++)
		sum += exp(sc[e] - best);
	for (i = 1; i < d->nhops; i++)	/* insertion sort by score, best first */
		for (j = i; j > 0 && sc[ord[j]] > sc[ord[j - 1]]; j--) {
			k = ord[j];
			ord[j] = ord[j - 1];
			ord[j - 1] = k;
		}
	lo_ttl = hi_ttl = d->hops[on].ref.ttl;
	acc = 0;
	for (i = 0; i < d->nhops && acc < 0.95 * (sum - exp(fit.score_null -
	    best)); i++) {
		acc += exp(sc[ord[i]] - best);
		if (d->hops[ord[i]].ref.ttl < lo_ttl)
			lo_ttl = d->hops[ord[i]].ref.ttl;
		if (d->hops[ord[i]].ref.ttl > hi_ttl)
			hi_ttl = d->hops[ord[i]].ref.ttl;
	}
	L->persistent = 1;
	L->onset = d->hops[on].ref;
	for (i = on - 1; i >= 0; i--)
		if (d->hops[i].recv > 0) {
			L->before = d->hops[i].ref;
			break;
		}
	L->sent = L->lost = 0;
	for (j = 0; j < t.nobs; j++)
		if (oh[j] >= on && !t.obs[j].skip && !fit.own[j]) {
			L->sent += t.obs[j].sent;
			L->lost += t.obs[j].sent - t.obs[j].recv;
		}
	L->loss_pct = 100.0 * fit.p[0];
	L->ci_low = 100.0 * fit.lo[0];
	L->ci_high = 100.0 * fit.hi[0];
	L->earliest_ttl = lo_ttl;
	L->latest_ttl = hi_ttl;
	L->confidence = exp(sc[on] - best) / sum;
done:
	est_fit_free(&fit);
	free(t.obs);
	free(t.elem);
	free(t.mult);
	free(oh);
	free(sc);
	free(ord);
	return 0;
oom:
	est_fit_free(&fit);
	free(t.obs);
	free(t.elem);
	free(t.mult);
	free(oh);
	free(sc);
	free(ord);
	return -1;
}

/* ---- lossy directed links and routers ------------------------------- */

/* Which site (0 A, 1 B) the traffic on link l heads for. */
static int
link_toward(const struct rt *r, int l)
{
	const struct rt_node *u = &r->nodes[r->links[l].u];
	const struct rt_node *v = &r->nodes[r->links[l].v];

	if (u->host == 0 || v->host == 1)
		return 1;
	if (u->host == 1 || v->host == 0)
		return 0;
	if (u->pos[0] >= 0 && v->pos[0] >= 0)
		return u->pos[0] < v->pos[0];
	if (u->pos[1] >= 0 && v->pos[1] >= 0)
		return u->pos[1] > v->pos[1];
	return u->pos[0] >= 0;
}

/*
 * What trace d shows of element e: the hops whose round trips cross it
 * (how, and what they lose) against the others.  Returns 1 when any does.
 */
static int
evidence_of(const struct rt *r, int e, int d, char *buf, size_t len)
{
	const struct est_table *t = &r->tab;
	int	 i, j, lo = 0, hi = 0, sent = 0, lost = 0, osent = 0, olost = 0;
	int	 part = 0, n = 0;

	for (i = 0; i < t->nobs; i++) {
		const struct est_obs *o = &t->obs[i];
		int	 in = 0, ttl = r->seq[d].ttl[r->obs[i].pos];

		if (r->obs[i].dir != d || o->skip || (r->own && r->own[i]))
			continue;
		for (j = 0; j < o->n; j++)
			if (t->elem[o->off + j] == e || (r->twin >= 0 &&
			    t->elem[o->off + j] == r->twin)) {
				in = 1;
				part |= r->part[o->off + j];
			}
		if (!in) {
			osent += o->sent;
			olost += o->sent - o->recv;
			continue;
		}
		if (n++ == 0)
			lo = ttl;
		hi = ttl;
		sent += o->sent;
		lost += o->sent - o->recv;
	}
	if (n == 0) {
		an_bprintf(buf, len, "%s: no hop's round trip crosses it (%d of "
		    "%d probes lost)", analysis_dir_name(d), olost, osent);
		return 0;
	}
	an_bprintf(buf, len, "%s: hop%s %d%s%.0d lose %.0f%% (%d of %d), their "
	    "%s cross%s it; the other hops %.0f%% (%d of %d)",
	    analysis_dir_name(d), lo == hi ? "" : "s", lo, lo == hi ? "" : "-",
	    lo == hi ? 0 : hi, sent ? 100.0 * lost / sent : 0.0, lost, sent,
	    part == 1 ? "probes" : part == 2 ? "replies" : "probes and replies",
	    part == 3 ? "" : "", osent ? 100.0 * olost / osent : 0.0, olost,
	    osent);
	return 1;
}

/* A suspect for element e with loss p (interval lo..hi) and confidence c. */
static struct analysis_suspect *
suspect_of(struct rt *r, int e, double p, double lo, double hi, double c)
{
	struct analysis_suspect *s;
	struct analysis_hop x, y;
	char	 ev[2][ANALYSIS_WHY_LEN / 2], fl[ANALYSIS_NAME_LEN],
		 tl[ANALYSIS_NAME_LEN], to[ANALYSIS_NAME_LEN];
	int	 seen[2], d, n;

	for (d = 0; d < 2; d++)
		seen[d] = evidence_of(r, e, d, ev[d], sizeof(ev[d]));
	if (e < r->nlinks) {
		const struct rt_link *l = &r->links[e];
		int	 tw = link_toward(r, e), site;

		node_ref(r, l->u, &x);
		node_ref(r, l->v, &y);
		site = r->nodes[l->u].host >= 0 || r->nodes[l->v].host >= 0;
		s = an_add_suspect(r->st, site ? ANALYSIS_SUSPECT_SITE :
		    ANALYSIS_SUSPECT_LINK, tw ? &x : &y, tw ? &y : &x, c);
		if (s == NULL)
			return NULL;
		s->from = x;
		s->to = y;
		s->directed = 1;
		s->toward = tw;
		an_site_label(r->st, tw, to, sizeof(to));
		an_bprintf(s->why, sizeof(s->why), "%sloss on the link %s -> %s, "
		    "on traffic towards %s. %s; %s",
		    site ? (r->nodes[l->u].host >= 0 ? "the site's own access "
		    "link or host: " : "the site's own access link or host: ") :
		    "", node_label(r, l->u, fl, sizeof(fl)),
		    node_label(r, l->v, tl, sizeof(tl)), to, ev[0], ev[1]);
	} else {
		n = e < r->nlinks + r->nnodes ? e - r->nlinks :
		    e - r->nlinks - r->nnodes;
		x = r->nodes[n].ref;
		y = r->nodes[n].rref;
		s = an_add_suspect(r->st, ANALYSIS_SUSPECT_ROUTER, &x, &y, c);
		if (s == NULL)
			return NULL;
		s->after = e < r->nlinks + r->nnodes;
		an_bprintf(s->why, sizeof(s->why), "router %s loses %s, both "
		    "ways. %s; %s", node_label(r, n, fl, sizeof(fl)), s->after ?
		    "what it forwards" : "what it forwards and its own replies",
		    ev[0], ev[1]);
	}
	s->seen_fwd = seen[0];
	s->seen_rev = seen[1];
	s->loss_pct = 100 * p;
	s->loss_lo = 100 * lo;
	s->loss_hi = 100 * hi;
	an_copy_str(s->evidence[0], sizeof(s->evidence[0]), ev[0]);
	an_copy_str(s->evidence[1], sizeof(s->evidence[1]), ev[1]);
	return s;
}

/* 1 when element e names a router known to limit its replies. */
static int
names_limited(const struct rt *r, int e)
{
	if (e < r->nlinks)
		return r->nodes[r->links[e].u].limited ||
		    r->nodes[r->links[e].v].limited;
	return !r->cand[e];
}

/* Median probes per hop of the table (what "N probes per hop" scales). */
static int
median_sent(const struct est_table *t)
{
	int	 i, j, n = 0, v[RT_MAXSEQ * 2], x;

	for (i = 0; i < t->nobs && n < RT_MAXSEQ * 2; i++)
		if (!t->obs[i].skip && t->obs[i].sent > 0)
			v[n++] = t->obs[i].sent;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j] < v[j - 1]; j--) {
			x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	return n ? v[n / 2] : 0;
}

/* 1 when elements e and f are on exactly the same round trips, as often. */
static int
same_incidence(const struct rt *r, int e, int f)
{
	const struct est_table *t = &r->tab;
	int	 i, j, me, mf;

	for (i = 0; i < t->nobs; i++) {
		me = mf = 0;
		for (j = 0; j < t->obs[i].n; j++) {
			if (t->elem[t->obs[i].off + j] == e)
				me = t->mult[t->obs[i].off + j];
			if (t->elem[t->obs[i].off + j] == f)
				mf = t->mult[t->obs[i].off + j];
		}
		if (me != mf)
			return 0;
	}
	return 1;
}

/* The link the other way, when it is on the same round trips; else -1. */
static int
twin_of(const struct rt *r, int e)
{
	int	 l;

	if (e < 0 || e >= r->nlinks)
		return -1;
	for (l = 0; l < r->nlinks; l++)
		if (r->links[l].u == r->links[e].v && r->links[l].v == r->links[e].u)
			return same_incidence(r, e, l) ? l : -1;
	return -1;
}

/* Bernoulli(x) against Bernoulli(y): the evidence one probe adds, nats. */
static double
kl_bern(double x, double y)
{
	x = x < 1e-4 ? 1e-4 : x > 0.9999 ? 0.9999 : x;
	y = y < 1e-4 ? 1e-4 : y > 0.9999 ? 0.9999 : y;
	return x * log(x / y) + (1 - x) * log((1 - x) / (1 - y));
}

/*
 * The deciding hops of an inconclusive verdict: per direction, the ttl
 * range of the hops whose round trips cross the candidates (the first
 * suspect top, with its twin, and its alternatives with RT_FOLLOW of the
 * weight or more, listed or not) a different number of times (only their
 * replies tell the candidates apart), and the hops whose round trips
 * cross the first suspect (they measure its loss, which the others'
 * replies are weighed against).  An alternative on exactly the first
 * suspect's round trips adds no hop.
 * Returns the evidence one probe at each deciding hop is expected to add
 * for the first suspect against the alternative hardest to tell apart
 * from it (of those some hop tells apart), were the first suspect right:
 * the Kullback-Leibler divergence of their reply probabilities summed
 * over the hops, in nats; 0 when no hop decides.
 */
static double
deciding_hops(struct rt *r, const struct est_fit *fit, int top)
{
	const struct est_table *t = &r->tab;
	struct analysis	*a = r->st->a;
	double		 pc[EST_MAXALT + 1], kl = 0;
	int		 cand[EST_MAXALT + 1], nc = 0, i, j, c, m, m0, d, ttl;
	int		 tw = twin_of(r, fit->e[top]), differ;
	double		 klc;

	pc[nc] = fit->p[top];
	cand[nc++] = fit->e[top];
	for (j = 0; j < fit->nalt[top]; j++) {
		const struct est_alt *al = &fit->alt[top][j];

		if (al->elem == tw || (al->elem >= 0 && names_limited(r,
		    al->elem)) || (al->share < RT_FOLLOW && nc > 1))
			continue;
		pc[nc] = al->elem >= 0 ? al->p : 0;
		cand[nc++] = al->elem;
	}
	for (i = 0; i < t->nobs; i++) {
		const struct est_obs *o = &t->obs[i];

		if (o->skip || o->sent == 0 || (r->own && r->own[i]))
			continue;
		differ = 0;
		m0 = -1;
		for (c = 0; c < nc; c++) {
			m = 0;
			for (j = 0; j < o->n; j++)
				if (cand[c] >= 0 && (t->elem[o->off + j] ==
				    cand[c] || (c == 0 && tw >= 0 &&
				    t->elem[o->off + j] == tw)))
					m += t->mult[o->off + j];
			if (m0 < 0)
				m0 = m;
			else if (m != m0)
				differ = 1;
		}
		if (!differ && m0 == 0)
			continue;
		d = r->obs[i].dir;
		ttl = r->seq[d].ttl[r->obs[i].pos];
		if (a->decide_lo[d] == 0 || ttl < a->decide_lo[d])
			a->decide_lo[d] = ttl;
		if (ttl > a->decide_hi[d])
			a->decide_hi[d] = ttl;
	}
	/* the evidence against each alternative, over every deciding hop */
	for (c = 1; c < nc; c++) {
		klc = 0;
		for (i = 0; i < t->nobs; i++) {
			const struct est_obs *o = &t->obs[i];
			int	 m1 = 0;

			if (o->skip || o->sent == 0 || (r->own && r->own[i]))
				continue;
			m0 = 0;
			for (j = 0; j < o->n; j++) {
				if (t->elem[o->off + j] == cand[0] || (tw >= 0 &&
				    t->elem[o->off + j] == tw))
					m0 += t->mult[o->off + j];
				if (cand[c] >= 0 && t->elem[o->off + j] ==
				    cand[c])
					m1 += t->mult[o->off + j];
			}
			if (m0 != m1)
				klc += kl_bern(pow(1 - pc[0], m0),
				    pow(1 - pc[c], m1));
		}
		if (klc > 1e-9 && (kl == 0 || klc < kl))
			kl = klc;
	}
	return kl;
}

/*
 * suspect_of for element e; when tw >= 0 (e's twin: the link the other
 * way, on the same round trips) the suspect is the link both ways, its
 * evidence counting both directions.
 */
static struct analysis_suspect *
suspect_both(struct rt *r, int e, int tw, double p, double lo, double hi,
    double c)
{
	struct analysis_suspect *s;
	char	 why[ANALYSIS_WHY_LEN], fl[ANALYSIS_NAME_LEN],
		 tl[ANALYSIS_NAME_LEN];

	r->twin = tw;
	s = suspect_of(r, e, p, lo, hi, c);
	r->twin = -1;
	if (s == NULL || tw < 0)
		return s;
	s->bothways = 1;
	an_bprintf(why, sizeof(why), "loss on the link %s - %s, in one "
	    "direction or both: every round trip that crosses it crosses it "
	    "both ways. %s; %s", node_label(r, r->links[e].u, fl, sizeof(fl)),
	    node_label(r, r->links[e].v, tl, sizeof(tl)), s->evidence[0],
	    s->evidence[1]);
	memcpy(s->why, why, sizeof(s->why));
	s->why[sizeof(s->why) - 1] = '\0';
	return s;
}

/*
 * RT_DEBUG (environment): the table the loss fit worked on and the fit,
 * hop by hop, on stderr: per observation its trace, ttl, probes and
 * replies, the reply probability the fit gives it, whether it loses
 * replies of its own, and the elements its round trip crosses (the
 * chosen ones starred); then each chosen element with its loss,
 * confidence and first alternatives.  For studying fits, not an interface.
 */
static void
rt_debug_dump(const struct rt *r, const struct est_fit *fit)
{
	const struct est_table *t = &r->tab;
	char	 a[ANALYSIS_NAME_LEN], b[ANALYSIS_NAME_LEN];
	int	 i, j, s, e, m;
	double	 q;

	fprintf(stderr, "rt: %d observations, %d elements (%d links, %d "
	    "nodes), score %.3f, null %.3f, penalty %.3f\n", t->nobs,
	    t->nelem, r->nlinks, r->nnodes, fit->score, fit->score_null,
	    fit->penalty);
	for (i = 0; i < t->nobs; i++) {
		const struct est_obs *o = &t->obs[i];

		q = 1;
		for (j = 0; j < o->n; j++)
			for (s = 0; s < fit->k; s++)
				if (t->elem[o->off + j] == fit->e[s])
					for (m = 0; m < t->mult[o->off + j]; m++)
						q *= 1 - fit->p[s];
		fprintf(stderr, "rt: %s ttl %2d: %3d/%3d%s q %.3f (%.1f lost "
		    "expected)%s:", analysis_dir_name(r->obs[i].dir),
		    r->seq[r->obs[i].dir].ttl[r->obs[i].pos], o->recv, o->sent,
		    o->skip ? " skip" : "", q, o->sent * (1 - q),
		    fit->own && fit->own[i] ? " own" : "");
		for (j = 0; j < o->n; j++) {
			e = t->elem[o->off + j];
			for (s = 0; s < fit->k && fit->e[s] != e; s++)
				;
			fprintf(stderr, " %s%d", s < fit->k ? "*" : "", e);
			if (t->mult[o->off + j] > 1)
				fprintf(stderr, "x%d", t->mult[o->off + j]);
		}
		fprintf(stderr, "\n");
	}
	for (e = 0; e < r->nlinks; e++)
		fprintf(stderr, "rt: element %d: link %s -> %s%s\n", e,
		    node_label(r, r->links[e].u, a, sizeof(a)),
		    node_label(r, r->links[e].v, b, sizeof(b)),
		    t->cand && !t->cand[e] ? " (no candidate)" : "");
	for (e = r->nlinks; e < t->nelem; e++) {
		int	 n = e < r->nlinks + r->nnodes ? e - r->nlinks :
		    e - r->nlinks - r->nnodes;

		fprintf(stderr, "rt: element %d: router %s (%s)%s\n", e,
		    node_label(r, n, a, sizeof(a)), e < r->nlinks + r->nnodes ?
		    "what it forwards" : "and its own replies",
		    t->cand && !t->cand[e] ? " (no candidate)" : "");
	}
	for (s = 0; s < fit->k; s++) {
		fprintf(stderr, "rt: chosen %d: loss %.4f (%.4f-%.4f) "
		    "confidence %.3f; alternatives:", fit->e[s], fit->p[s],
		    fit->lo[s], fit->hi[s], fit->conf[s]);
		for (j = 0; j < fit->nalt[s] && j < 8; j++)
			fprintf(stderr, " %d (%.3f, -%.2f)", fit->alt[s][j].elem,
			    fit->alt[s][j].share, fit->alt[s][j].dscore);
		fprintf(stderr, "\n");
	}
}

/*
 * The probes per hop that would bring chosen suspect i of fit to 0.95
 * (into r's analysis: probes_needed, the most any suspect needs;
 * same_round_trips; the deciding hops, deciding_hops()).  Returns 1 when
 * more probes would not decide it.
 */
static int
probes_to_decide(struct rt *r, const struct est_fit *fit, int i)
{
	struct analysis	*a = r->st->a;
	double		 kl, dp, dsc, need = 0;
	int		 q;

	q = median_sent(&r->tab);
	dsc = fit->nalt[i] > 0 ? fit->alt[i][0].dscore : 0;
	/* the priors' part of the gap does not grow with the probes */
	dp = fit->nalt[i] > 0 ? (fit->alt[i][0].elem >= 0 ?
	    r->prior[fit->alt[i][0].elem] : 0) - r->prior[fit->e[i]] : 0;
	kl = deciding_hops(r, fit, i);
	/* the data's part of the score gap grows with the probes: 95 %
	   needs ln 19 */
	if (dsc - dp > 0.05 && q > 0)
		need = ceil(q * (log(19.0) - dp) / (dsc - dp));
	/* what one probe at each deciding hop is expected to add against
	   the hardest alternative: the more of the two */
	if (kl > 1e-9 && ceil(log(19.0) / kl) > need)
		need = ceil(log(19.0) / kl);
	/*
	 * Both figures weigh the suspect against its alternatives; when the
	 * weight it lacks is the no-fault model's (a lone suspect at 0.23)
	 * they can come out at or below the q probes that did not decide
	 * ("about 1 probes per hop").  What did not decide is not enough: at
	 * least twice q.
	 */
	if (need > 0 && need <= q)
		need = 2 * q;
	if (need <= 0)
		a->same_round_trips = 1;
	else if (need <= TRACE_MAX_QUERIES && need > a->probes_needed)
		a->probes_needed = (int)need;
	/* more probes would not decide it: the verdict says so
	   (probes_needed 0) */
	return need <= 0 || need > TRACE_MAX_QUERIES;
}

static int
find_lossy(struct rt *r)
{
	struct analysis	*a = r->st->a;
	struct est_fit	 fit;
	struct analysis_suspect *s;
	int		 i, j, k, top = -1, dup, nodecide = 0;

	if (est_run(&r->tab, RT_KMAX, &fit) == -1)
		return -1;
	if (getenv("RT_DEBUG") != NULL)
		rt_debug_dump(r, &fit);
	r->own = fit.own;
	r->twin = -1;
	for (i = 0; i < fit.k; i++) {
		int	 tw = twin_of(r, fit.e[i]);

		/* a link whose two directions are on the same round trips:
		   one suspect, both ways, with the twin's weight */
		for (j = 0; tw >= 0 && j < fit.nalt[i]; j++)
			if (fit.alt[i][j].elem == tw) {
				fit.conf[i] += fit.alt[i][j].share;
				fit.alt[i][j].share = 0;
				memmove(&fit.alt[i][j], &fit.alt[i][j + 1],
				    (size_t)(fit.nalt[i] - j - 1) *
				    sizeof(fit.alt[i][0]));
				fit.nalt[i]--;
				break;
			}
		s = suspect_both(r, fit.e[i], tw, fit.p[i], fit.lo[i],
		    fit.hi[i], fit.conf[i]);
		if (s == NULL)
			break;
		s->undecided = fit.conf[i] < RT_DECIDE;
		if (top < 0 || fit.conf[i] > fit.conf[top])
			top = i;
	}
	for (i = 0; i < fit.k && !r->st->oom; i++)
		for (j = 0; j < fit.nalt[i]; j++) {
			const struct est_alt *al = &fit.alt[i][j];
			int	 atw, seen = 0;
			double	 share = al->share;

			if (al->elem < 0 || twin_of(r, fit.e[i]) == al->elem ||
			    names_limited(r, al->elem))
				continue;
			/* a link whose two directions are on the same round
			   trips: one alternative, both ways, with the twin's
			   weight, listed where the first of the two is */
			atw = twin_of(r, al->elem);
			for (k = 0; atw >= 0 && k < fit.nalt[i]; k++)
				if (fit.alt[i][k].elem == atw) {
					if (k < j)
						seen = 1;
					else
						share += fit.alt[i][k].share;
				}
			if (seen || share < RT_FLOOR)
				continue;
			/*
			 * Never above the suspect it is an alternative to: the
			 * verdict is made from the first suspect, and an
			 * alternative is what cannot be ruled out beside it.
			 */
			if (share > fit.conf[i])
				share = fit.conf[i];
			for (k = 0, dup = 0; k < fit.k; k++)
				dup |= fit.e[k] == al->elem || (atw >= 0 &&
				    fit.e[k] == atw);
			if (dup)
				continue;
			if ((s = suspect_both(r, al->elem, atw, al->p, al->p,
			    al->p, share)) == NULL)
				break;
			s->alternative = 1;
			s->undecided = fit.conf[i] < RT_DECIDE;
			s->loss_lo = s->loss_hi = -1;	/* not estimated */
			{
				char	 why[ANALYSIS_WHY_LEN];

				an_bprintf(why, sizeof(why), "cannot be ruled "
				    "out: %s", s->why);
				memcpy(s->why, why, sizeof(s->why));
				s->why[sizeof(s->why) - 1] = '\0';
			}
		}
	/*
	 * Every chosen suspect must reach RT_DECIDE: one below it (the first,
	 * or a second fault beside a decided first) makes the verdict
	 * inconclusive, and the deciding hops and the probes needed cover
	 * every undecided one (the most any of them needs).
	 */
	for (i = 0; top >= 0 && i < fit.k; i++) {
		if (fit.conf[i] >= RT_DECIDE)
			continue;
		a->inconclusive = 1;
		if (probes_to_decide(r, &fit, i))
			nodecide = 1;
	}
	/*
	 * A decided first suspect below ANALYSIS_FIRM: the same figures, for a
	 * controller's confirming follow-up round (followup_plan); the
	 * verdict and the JSON stay those of a decided pair.
	 */
	if (top >= 0 && !a->inconclusive && fit.conf[top] < ANALYSIS_FIRM) {
		a->confirm = 1;
		if (probes_to_decide(r, &fit, top))
			nodecide = 1;
	}
	/*
	 * Several chosen suspects: the deciding hops (what a follow-up round
	 * probes) cover every chosen suspect's round trips, the decided ones'
	 * too.  A round over the undecided fault's hops alone left the
	 * merged traces with hundreds of probes there and the first round's
	 * few elsewhere, and the refit traded the decided fault for another
	 * element that explains the well-probed hops (tp-ansim on the
	 * twofaults lab, 20 probes, quick pacing: wrong or inconclusive in
	 * 8.8-12.8 % of pairs, 2.8-3.6 % with every chosen suspect's hops;
	 * docs/analysis.md 3c).
	 */
	if ((a->inconclusive || a->confirm) && fit.k > 1)
		for (i = 0; top >= 0 && i < fit.k; i++)
			(void)deciding_hops(r, &fit, i);
	if (nodecide)
		a->probes_needed = 0;
	r->own = NULL;
	est_fit_free(&fit);
	return 0;
}

/* ---- delay over directed links ---------------------------------------- */

/*
 * Every hop's minimum RTT is the sum of the one-way delays of the
 * directed links its probe and its reply cross (docs/analysis.md,
 * section 4a).  A link's delay is its distance, the same both ways, plus
 * one-way queueing: d(u->v) = s(uv) + q(u->v).  The fit is the most
 * probable set of delays under a prior that makes delay cost what it
 * adds (Laplace, scale mu: queueing costs 1/mu per ms, distance, which
 * adds delay both ways, RT_DDIST/mu) and each queueing link ln(N)/2 more
 * (BIC): a one-way explanation is chosen only where it saves more than
 * that.
 */
#define RT_DSIGMA	1.0	/* ms: least uncertainty of a hop's minimum RTT */
#define RT_DDIST	1.5	/* distance costs this much of queueing per ms:
				   it adds delay both ways, but what both ways
				   show is distance, not queueing both ways */
#define RT_DOWN		0.9	/* a hop's own delay (a slow control plane)
				   costs this much of a link's per ms: what
				   one hop alone shows is its own */
#define RT_DMU		0.5	/* ms: the prior's scale is at least this */
#define RT_JMIN		5.0	/* ms: jitter a link adds that is listed */
#define RT_DKMAX	3	/* most queueing links in one explanation */
#define RT_DSCREEN	8	/* candidates refitted at each step */

/*
 * Working state of the delay fit.  Columns: each undirected link's
 * distance (0 .. nedge - 1), each directed link's queueing (DCOL_Q), each
 * observation's own delay (DCOL_OWN); observations as in the loss table.
 */
struct rt_delay {
	struct est_lasso l;		/* the problem handed to est_lasso_fit() */
	int		 nedge;		/* undirected links */
	int		*edge;		/* per directed link: its undirected link */
	int		*rev;		/* per directed link: the link the other way, -1 */
	int		*cand;		/* per directed link: may carry queueing */
	double		*y;		/* per observation: its minimum RTT, ms */
	double		*w;		/* its weight, 1 / sigma^2 (0: no reply) */
	double		*jit;		/* its jitter, avg - min RTT, ms */
	double		*pen;		/* per column: the prior's cost per ms */
	double		*ub;		/* per column: upper bound (0: off) */
	double		*x;		/* per column: the current fit, ms */
	double		*xs;		/* per column: scratch for trial fits */
	double		*res;		/* per observation: residual of the last fit */
	int		*coff;		/* column c's entries: coff[c] .. coff[c+1] */
	int		*cobs;		/* an entry's observation */
	double		*ccoef;		/* its coefficient (crossings) */
	double		 mu;		/* the prior's scale, ms */
	double		 bic;		/* ln(N)/2, N the observations */
};

#define DCOL_Q(r, D, l)	((D)->nedge + (l))
#define DCOL_OWN(r, D, o) ((D)->nedge + (r)->nlinks + (o))

/* How often observation o's round trip crosses link l. */
static int
crossings(const struct rt *r, int o, int l)
{
	const struct est_obs *ob = &r->tab.obs[o];
	int	 j;

	for (j = 0; j < ob->n; j++)
		if (r->tab.elem[ob->off + j] == l)
			return r->tab.mult[ob->off + j];
	return 0;
}

static void
delay_free(struct rt_delay *D)
{
	free(D->edge);
	free(D->rev);
	free(D->cand);
	free(D->y);
	free(D->w);
	free(D->jit);
	free(D->pen);
	free(D->ub);
	free(D->x);
	free(D->xs);
	free(D->res);
	free(D->coff);
	free(D->cobs);
	free(D->ccoef);
}

/*
 * Observation i's row of the fit: its columns (distance and queueing of
 * every link it crosses, its own delay) with their coefficients, a column
 * once (crossings added up), in the order first met; col and coef have
 * room for 2 x its elements + 1.  Returns how many.
 */
static int
delay_row(const struct rt *r, const struct rt_delay *D, int i, int *col,
    double *coef)
{
	const struct est_table *t = &r->tab;
	int	 cc[2], j, k, e, l, n = 0;

	for (j = 0; j < t->obs[i].n; j++) {
		if ((l = t->elem[t->obs[i].off + j]) >= r->nlinks)
			continue;
		cc[0] = D->edge[l];
		cc[1] = DCOL_Q(r, D, l);
		for (e = 0; e < 2; e++) {
			for (k = 0; k < n && col[k] != cc[e]; k++)
				;
			if (k == n) {
				col[n] = cc[e];
				coef[n++] = 0;
			}
			coef[k] += t->mult[t->obs[i].off + j];
		}
	}
	col[n] = DCOL_OWN(r, D, i);
	coef[n++] = 1;
	return n;
}

/*
 * The columns, their penalties and bounds (every queueing column off).
 * The matrix is built sparse, column by column, observations in order:
 * a dense one (observations x columns) took 8 MB for two traces of 255
 * hops, more than the traces' probes.
 */
static int
delay_build(struct rt *r, struct rt_delay *D)
{
	const struct est_table *t = &r->tab;
	struct trace_hop_stats hs;
	double	 v[RT_MAXSEQ * 2], mn, *rcoef = NULL;
	int	 nl = r->nlinks, no = t->nobs, nc, i, j, l, c, n, nv = 0, k, nr,
		 maxn = 0, *rcol = NULL, *pos = NULL;

	D->edge = calloc((size_t)nl + 1, sizeof(int));
	D->rev = calloc((size_t)nl + 1, sizeof(int));
	D->cand = calloc((size_t)nl + 1, sizeof(int));
	D->y = calloc((size_t)no + 1, sizeof(double));
	D->w = calloc((size_t)no + 1, sizeof(double));
	D->jit = calloc((size_t)no + 1, sizeof(double));
	if (D->edge == NULL || D->rev == NULL || D->cand == NULL ||
	    D->y == NULL || D->w == NULL || D->jit == NULL)
		return -1;
	for (l = 0; l < nl; l++) {
		D->rev[l] = -1;
		for (j = 0; j < nl; j++)
			if (r->links[j].u == r->links[l].v &&
			    r->links[j].v == r->links[l].u)
				D->rev[l] = j;
		D->edge[l] = D->rev[l] >= 0 && D->rev[l] < l ?
		    D->edge[D->rev[l]] : D->nedge++;
	}
	nc = D->nedge + nl + no;
	D->pen = calloc((size_t)nc + 1, sizeof(double));
	D->ub = calloc((size_t)nc + 1, sizeof(double));
	D->x = calloc((size_t)nc + 1, sizeof(double));
	D->xs = calloc((size_t)nc + 1, sizeof(double));
	D->res = calloc((size_t)no + 1, sizeof(double));
	D->coff = calloc((size_t)nc + 2, sizeof(int));
	for (i = 0; i < no; i++)
		maxn = t->obs[i].n > maxn ? t->obs[i].n : maxn;
	rcol = calloc((size_t)maxn * 2 + 1, sizeof(*rcol));
	rcoef = calloc((size_t)maxn * 2 + 1, sizeof(*rcoef));
	pos = calloc((size_t)nc + 1, sizeof(*pos));
	if (D->pen == NULL || D->ub == NULL || D->x == NULL || D->xs == NULL ||
	    D->res == NULL || D->coff == NULL || rcol == NULL || rcoef == NULL ||
	    pos == NULL)
		goto fail;
	/* the observations: min RTT, weight, and the typical link delay */
	for (i = 0; i < no; i++) {
		const struct rt_obs *o = &r->obs[i];
		const struct an_hop *h = &r->st->d[o->dir].hops[
		    r->seq[o->dir].hop[o->pos]];
		double	 sig;

		trace_hop_stats(h->th, &hs);
		mn = hs.received > 0 ? hs.min_ms : -1;
		D->y[i] = mn < 0 ? 0 : mn;
		D->jit[i] = mn < 0 ? 0 : hs.avg_ms - mn;
		sig = D->jit[i] / 2 > RT_DSIGMA ? D->jit[i] / 2 : RT_DSIGMA;
		D->w[i] = mn < 0 ? 0 : 1 / (sig * sig);
		for (j = 0, n = 0; j < t->obs[i].n; j++)
			if (t->elem[t->obs[i].off + j] < nl)
				n += t->mult[t->obs[i].off + j];
		nr = delay_row(r, D, i, rcol, rcoef);
		for (k = 0; k < nr; k++)
			D->coff[rcol[k] + 1] += rcoef[k] != 0;
		if (n > 0 && mn > 0 && nv < RT_MAXSEQ * 2)
			v[nv++] = mn / n;
	}
	qsort(v, (size_t)nv, sizeof(v[0]), an_cmp_double);
	D->mu = nv > 0 ? v[nv / 2] : 1;
	D->mu = D->mu < 0.1 ? 0.1 : D->mu;
	D->bic = log(no > 1 ? no : 2) / 2;
	/* columns: distance, queueing (off), a hop's own */
	for (c = 0; c < nc; c++) {
		D->coff[c + 1] += D->coff[c];
		pos[c] = D->coff[c];
	}
	n = D->coff[nc];
	D->cobs = calloc((size_t)n + 1, sizeof(int));
	D->ccoef = calloc((size_t)n + 1, sizeof(double));
	if (D->cobs == NULL || D->ccoef == NULL)
		goto fail;
	for (i = 0; i < no; i++) {
		nr = delay_row(r, D, i, rcol, rcoef);
		for (k = 0; k < nr; k++)
			if (rcoef[k] != 0) {
				D->cobs[pos[rcol[k]]] = i;
				D->ccoef[pos[rcol[k]]++] = rcoef[k];
			}
	}
	for (c = 0; c < nc; c++) {
		D->pen[c] = c < D->nedge ? RT_DDIST / D->mu : c < D->nedge + nl ?
		    1 / D->mu : RT_DOWN / D->mu;
		D->ub[c] = c < D->nedge + nl && c >= D->nedge ? 0 : HUGE_VAL;
	}
	/* queueing candidates: a link whose other way is not on exactly the
	   same round trips (then it is distance), crossed by the round trips
	   of both traces (one direction's probes show it, the other's
	   replies explain it; one hop alone would be that hop's own delay) */
	for (l = 0; l < nl; l++) {
		int	 seen = 0;

		c = DCOL_Q(r, D, l);
		for (j = D->coff[c]; j < D->coff[c + 1]; j++)
			seen |= 1 << r->obs[D->cobs[j]].dir;
		D->cand[l] = seen == 3 &&
		    (D->rev[l] < 0 || !same_incidence(r, l, D->rev[l]));
	}
	free(rcol);
	free(rcoef);
	free(pos);
	D->l.nobs = no;
	D->l.y = D->y;
	D->l.w = D->w;
	D->l.ncol = nc;
	D->l.coff = D->coff;
	D->l.cobs = D->cobs;
	D->l.ccoef = D->ccoef;
	D->l.pen = D->pen;
	D->l.ub = D->ub;
	return 0;
 fail:
	free(rcol);
	free(rcoef);
	free(pos);
	return -1;
}

/* Refit with the queueing links set[0..k) on, from x; returns the score. */
static double
delay_refit(struct rt *r, struct rt_delay *D, const int *set, int k, double *x)
{
	int	 l, i;

	for (l = 0; l < r->nlinks; l++)
		D->ub[DCOL_Q(r, D, l)] = 0;
	for (i = 0; i < k; i++)
		D->ub[DCOL_Q(r, D, set[i])] = HUGE_VAL;
	return est_lasso_fit(&D->l, x, D->res) + k * D->bic;
}

/*
 * The prior's scale: the typical distance of a link, the median of the
 * links' distances in a fit with no queueing (at least RT_DMU ms).  The
 * first fit uses the median of the hops' minimum RTTs per link crossed.
 */
static int
delay_scale(struct rt *r, struct rt_delay *D)
{
	double	*v, mu;
	int	 e, n = 0, c;

	if ((v = calloc((size_t)D->nedge + 1, sizeof(*v))) == NULL)
		return -1;
	delay_refit(r, D, NULL, 0, D->x);
	for (e = 0; e < D->nedge; e++)
		if (D->coff[e + 1] > D->coff[e])
			v[n++] = D->x[e];
	qsort(v, (size_t)n, sizeof(v[0]), an_cmp_double);
	mu = n > 0 ? v[n / 2] : D->mu;
	mu = mu < RT_DMU ? RT_DMU : mu;
	free(v);
	for (c = 0; c < D->l.ncol; c++)
		D->pen[c] *= D->mu / mu;
	D->mu = mu;
	return 0;
}

/*
 * The best candidates to add to the fit in D->x (residuals in D->res):
 * those whose objective falls fastest when they get some queueing.
 */
static int
delay_screen(struct rt *r, struct rt_delay *D, const int *set, int k,
    int *out, int max)
{
	double	 g[RT_DSCREEN], gl;
	int	 l, i, j, n = 0, in;

	max = max > RT_DSCREEN ? RT_DSCREEN : max;

	for (l = 0; l < r->nlinks; l++) {
		int	 c = DCOL_Q(r, D, l);

		if (!D->cand[l])
			continue;
		for (i = 0, in = 0; i < k; i++)
			in |= set[i] == l;
		if (in)
			continue;
		for (j = D->coff[c], gl = -D->pen[c]; j < D->coff[c + 1]; j++)
			gl += D->w[D->cobs[j]] * D->ccoef[j] * D->res[D->cobs[j]];
		if (gl <= 0 || (n == max && gl <= g[n - 1]))
			continue;
		i = n < max ? n++ : n - 1;	/* insert, best first */
		for (; i > 0 && g[i - 1] < gl; i--) {
			g[i] = g[i - 1];
			out[i] = out[i - 1];
		}
		g[i] = gl;
		out[i] = l;
	}
	return n;
}

/* Observation o's RTT apart from queueing column l's share (ms). */
static double
delay_without(const struct rt *r, const struct rt_delay *D, int o, int l)
{
	return D->y[o] - crossings(r, o, l) * D->x[DCOL_Q(r, D, l)];
}

/*
 * What trace d shows of the delay on link l: the hops whose round trips
 * cross it (how), and the minimum RTT (and jitter) just before and at the
 * first of them.  Returns 1 when any hop's round trip crosses it.
 */
static int
delay_evidence(const struct rt *r, const struct rt_delay *D, int l, int d,
    char *buf, size_t len, int *first_ttl)
{
	const struct est_table *t = &r->tab;
	int	 i, j, lo = -1, hi = 0, part = 0, first = -1, prev = -1;

	for (i = 0; i < t->nobs; i++) {
		int	 in = 0;

		if (r->obs[i].dir != d)
			continue;
		for (j = 0; j < t->obs[i].n; j++)
			if (t->elem[t->obs[i].off + j] == l) {
				in = 1;
				part |= r->part[t->obs[i].off + j];
			}
		if (!in) {
			if (first < 0)
				prev = i;
			continue;
		}
		if (first < 0)
			first = i;
		if (lo < 0)
			lo = r->seq[d].ttl[r->obs[i].pos];
		hi = r->seq[d].ttl[r->obs[i].pos];
	}
	*first_ttl = lo < 0 ? 0 : lo;
	if (first < 0) {
		an_bprintf(buf, len, "%s: no hop's round trip crosses it",
		    analysis_dir_name(d));
		return 0;
	}
	if (prev >= 0)
		an_bprintf(buf, len, "%s: hop%s %d%s%.0d, their %s cross%s it; "
		    "the minimum RTT goes from %.1f ms at hop %d to %.1f ms at "
		    "hop %d (jitter, avg - min, %.1f -> %.1f ms)",
		    analysis_dir_name(d), lo == hi ? "" : "s", lo,
		    lo == hi ? "" : "-", lo == hi ? 0 : hi, part == 1 ? "probes" :
		    part == 2 ? "replies" : "probes and replies",
		    lo == hi ? "es" : "", D->y[prev],
		    r->seq[d].ttl[r->obs[prev].pos], D->y[first], lo,
		    D->jit[prev], D->jit[first]);
	else
		an_bprintf(buf, len, "%s: hop%s %d%s%.0d, their %s cross%s it "
		    "(from the first hop that answered: %.1f ms)",
		    analysis_dir_name(d), lo == hi ? "" : "s", lo,
		    lo == hi ? "" : "-", lo == hi ? 0 : hi, part == 1 ? "probes" :
		    part == 2 ? "replies" : "probes and replies",
		    lo == hi ? "es" : "", D->y[first]);
	return 1;
}

/* A latency suspect: queueing q ms on link l, with confidence c. */
static struct analysis_suspect *
delay_suspect(struct rt *r, const struct rt_delay *D, int l, double q,
    double c)
{
	struct analysis_suspect *s;
	struct analysis_hop x, y;
	char	 ev[2][ANALYSIS_WHY_LEN / 2], fl[ANALYSIS_NAME_LEN],
		 tl[ANALYSIS_NAME_LEN], to[ANALYSIS_NAME_LEN], other[160];
	int	 seen[2], at[2], d, tw = link_toward(r, l), lr = D->rev[l];

	for (d = 0; d < 2; d++)
		seen[d] = delay_evidence(r, D, l, d, ev[d], sizeof(ev[d]), &at[d]);
	node_ref(r, r->links[l].u, &x);
	node_ref(r, r->links[l].v, &y);
	if ((s = an_add_suspect(r->st, ANALYSIS_SUSPECT_LATENCY, tw ? &x : &y,
	    tw ? &y : &x, c)) == NULL)
		return NULL;
	s->from = x;
	s->to = y;
	s->directed = 1;
	s->toward = tw;
	s->delay_ms = q;
	s->loss_lo = s->loss_hi = -1;
	s->seen_fwd = seen[0];
	s->seen_rev = seen[1];
	s->step_ttl[0] = at[0];
	s->step_ttl[1] = at[1];
	an_site_label(r->st, tw, to, sizeof(to));
	if (lr >= 0)
		an_bprintf(other, sizeof(other), "the other way carries %.1f ms",
		    D->x[D->edge[l]] + D->x[DCOL_Q(r, D, lr)]);
	else
		an_bprintf(other, sizeof(other), "no round trip crosses it the "
		    "other way, so a longer way one way cannot be told from "
		    "queueing");
	an_bprintf(s->why, sizeof(s->why), "+%.0f ms one way on the link %s -> "
	    "%s, on traffic towards %s (queueing: %s). %s; %s", q,
	    node_label(r, r->links[l].u, fl, sizeof(fl)),
	    node_label(r, r->links[l].v, tl, sizeof(tl)), to, other, ev[0],
	    ev[1]);
	an_copy_str(s->evidence[0], sizeof(s->evidence[0]), ev[0]);
	an_copy_str(s->evidence[1], sizeof(s->evidence[1]), ev[1]);
	return s;
}

/* Forward-order key of an undirected link (for the distance list). */
static int
edge_key(const struct rt *r, int l)
{
	const struct rt_node *u = &r->nodes[r->links[l].u];
	const struct rt_node *v = &r->nodes[r->links[l].v];

	if (u->pos[0] >= 0 && v->pos[0] >= 0)
		return u->pos[0] < v->pos[0] ? u->pos[0] : v->pos[0];
	if (u->pos[1] >= 0 && v->pos[1] >= 0)
		return RT_MAXSEQ * 2 - (u->pos[1] > v->pos[1] ? u->pos[1] :
		    v->pos[1]);
	return RT_MAXSEQ * 3;
}

/*
 * Long links, seen both ways: distance (round trip 2 s >= step_min_ms, or
 * marked: the cause of a step).
 */
static void
delay_distance(struct rt *r, const struct rt_delay *D, const unsigned char *mark)
{
	struct analysis	*a = r->st->a;
	struct analysis_distance *arr, tmp;
	int		*key, l, i, n0 = a->ndistance;

	if ((key = calloc((size_t)r->nlinks + 1, sizeof(*key))) == NULL) {
		r->st->oom = 1;
		return;
	}
	for (l = 0; l < r->nlinks; l++) {
		const struct rt_link *k = &r->links[l];
		int	 fwd;

		if (D->rev[l] < 0 || D->rev[l] < l ||
		    (2 * D->x[D->edge[l]] < r->st->opts->step_min_ms &&
		    !mark[D->edge[l]]))
			continue;
		if ((arr = an_grow(r->st, a->distance, &a->ndistance,
		    sizeof(*arr))) == NULL)
			break;
		a->distance = arr;
		/* forward order: the end the forward trace reaches first */
		fwd = link_toward(r, l);
		node_ref(r, fwd ? k->u : k->v, &arr[a->ndistance - 1].a);
		node_ref(r, fwd ? k->v : k->u, &arr[a->ndistance - 1].b);
		arr[a->ndistance - 1].rtt_ms = 2 * D->x[D->edge[l]];
		key[a->ndistance - 1 - n0] = edge_key(r, l);
	}
	for (i = n0 + 1; i < a->ndistance; i++)	/* insertion sort, forward order */
		for (l = i; l > n0 && key[l - n0] < key[l - 1 - n0]; l--) {
			int	 kk = key[l - n0];

			key[l - n0] = key[l - 1 - n0];
			key[l - 1 - n0] = kk;
			tmp = a->distance[l];
			a->distance[l] = a->distance[l - 1];
			a->distance[l - 1] = tmp;
		}
	free(key);
}

/*
 * Tie each direction's delay step (section 4) to what explains it: the
 * queueing link or the long link the step hop's round trip crosses and
 * the hop before it does not (a long link: step_min_ms, or half the
 * step; it is marked in mark, by undirected link, to be listed as
 * distance).
 */
static void
delay_causes(struct rt *r, const struct rt_delay *D, const int *set,
    const int *shown, int k, unsigned char *mark)
{
	struct analysis	*a = r->st->a;
	char		 fl[ANALYSIS_NAME_LEN], tl[ANALYSIS_NAME_LEN];
	int		 d, i, o, p, l, best;
	double		 bv, v;

	for (d = 0; d < 2; d++) {
		struct analysis_step *S = &a->step[d];

		if (!S->found)
			continue;
		for (o = 0, p = -1; o < r->nobs; o++) {
			if (r->obs[o].dir != d)
				continue;
			if (r->seq[d].ttl[r->obs[o].pos] == S->at.ttl)
				break;
			p = o;
		}
		if (o == r->nobs)
			continue;
		best = -1;
		bv = 0;
		for (i = 0; i < k; i++)	/* a queueing link first */
			if (shown[i] && crossings(r, o, set[i]) > (p >= 0 ?
			    crossings(r, p, set[i]) : 0) &&
			    D->x[DCOL_Q(r, D, set[i])] > bv) {
				best = set[i];
				bv = D->x[DCOL_Q(r, D, set[i])];
			}
		if (best >= 0) {
			an_bprintf(S->cause, sizeof(S->cause), "one-way delay on "
			    "the link %s -> %s, +%.0f ms: a suspect",
			    node_label(r, r->links[best].u, fl, sizeof(fl)),
			    node_label(r, r->links[best].v, tl, sizeof(tl)), bv);
			continue;
		}
		for (l = 0; l < r->nlinks; l++) {
			v = 2 * D->x[D->edge[l]];
			if (D->rev[l] < 0 || v < fmin(r->st->opts->step_min_ms,
			    (S->after_ms - S->before_ms) / 2) ||
			    crossings(r, o, l) <= (p >= 0 ? crossings(r, p, l) : 0))
				continue;
			if (v > bv) {
				best = l;
				bv = v;
			}
		}
		if (best >= 0) {
			int	 fwd = link_toward(r, best);

			mark[D->edge[best]] = 1;
			an_bprintf(S->cause, sizeof(S->cause), "distance: the "
			    "link %s - %s, %.0f ms round trip, seen both ways: "
			    "not a fault", node_label(r, fwd ? r->links[best].u :
			    r->links[best].v, fl, sizeof(fl)), node_label(r, fwd ?
			    r->links[best].v : r->links[best].u, tl, sizeof(tl)),
			    bv);
		}
	}
}

/*
 * Jitter over directed links: each hop's jitter (avg - min RTT) as the
 * sum of what the links of its round trip add (a link's queue that
 * fills and drains), fitted the same way (a non-negative lasso, no
 * distance: jitter is queueing; a hop's own at 0.9 of a link's cost;
 * scale the median jitter per link crossed, at least 0.5 ms).  Fills
 * jl[l], the jitter link l adds; for a link whose two ways are on the
 * same round trips the two are summed on the lower id and *both set.
 */
static int
delay_jitter(struct rt *r, const struct rt_delay *D, double *jl,
    unsigned char *both)
{
	struct est_lasso L;
	double	*pen, *ub, *x, *res, *v, mu;
	int	 nl = r->nlinks, no = r->tab.nobs, c, l, n = 0, o, j;

	pen = calloc((size_t)(nl + no) + 1, sizeof(double));
	ub = calloc((size_t)(nl + no) + 1, sizeof(double));
	x = calloc((size_t)(nl + no) + 1, sizeof(double));
	res = calloc((size_t)no + 1, sizeof(double));
	v = calloc((size_t)no + 1, sizeof(double));
	if (pen == NULL || ub == NULL || x == NULL || res == NULL || v == NULL)
		goto oom;
	for (o = 0; o < no; o++) {
		int	 m = 0;

		for (j = 0; j < r->tab.obs[o].n; j++)
			if (r->tab.elem[r->tab.obs[o].off + j] < nl)
				m += r->tab.mult[r->tab.obs[o].off + j];
		if (m > 0)
			v[n++] = D->jit[o] / m;
	}
	qsort(v, (size_t)n, sizeof(v[0]), an_cmp_double);
	mu = n > 0 ? v[n / 2] : RT_DMU;
	mu = mu < RT_DMU ? RT_DMU : mu;
	for (c = 0; c < nl + no; c++) {
		pen[c] = (c < nl ? 1 : RT_DOWN) / mu;
		ub[c] = HUGE_VAL;
	}
	memset(&L, 0, sizeof(L));
	L.nobs = no;
	L.y = D->jit;
	L.ncol = nl + no;
	L.coff = D->coff + D->nedge;	/* the queueing and own columns */
	L.cobs = D->cobs;
	L.ccoef = D->ccoef;
	L.pen = pen;
	L.ub = ub;
	for (o = 0; o < no; o++)	/* every answering hop counts as much
					   (sigma 1 ms); one with no reply not */
		v[o] = D->w[o] > 0 ? 1 : 0;
	L.w = v;
	est_lasso_fit(&L, x, res);
	for (l = 0; l < nl; l++) {
		jl[l] = x[l];
		both[l] = 0;
	}
	for (l = 0; l < nl; l++)
		if (D->rev[l] > l && same_incidence(r, l, D->rev[l])) {
			jl[l] += jl[D->rev[l]];
			jl[D->rev[l]] = 0;
			both[l] = 1;
		}
	free(pen);
	free(ub);
	free(x);
	free(res);
	free(v);
	return 0;
oom:
	free(pen);
	free(ub);
	free(x);
	free(res);
	free(v);
	return -1;
}

/* The links that add jitter of at least RT_JMIN ms: a->jitter. */
static void
delay_jitter_list(struct rt *r, const double *jl, const unsigned char *both)
{
	struct analysis	*a = r->st->a;
	struct analysis_jitter *arr, *J;
	int		 l, tw;

	for (l = 0; l < r->nlinks; l++) {
		if (jl[l] < RT_JMIN)
			continue;
		if ((arr = an_grow(r->st, a->jitter, &a->njitter,
		    sizeof(*arr))) == NULL)
			return;
		a->jitter = arr;
		J = &arr[a->njitter - 1];
		tw = link_toward(r, l);
		J->toward = tw;
		J->bothways = both[l];
		J->jitter_ms = jl[l];
		if (both[l] && !tw) {	/* both ways: in forward order */
			node_ref(r, r->links[l].v, &J->from);
			node_ref(r, r->links[l].u, &J->to);
		} else {
			node_ref(r, r->links[l].u, &J->from);
			node_ref(r, r->links[l].v, &J->to);
		}
	}
}

static int
find_delay(struct rt *r)
{
	struct rt_delay	 D;
	int		 set[RT_DKMAX], shown[RT_DKMAX], cand[RT_DSCREEN];
	unsigned char	*mark = NULL, *both = NULL;
	double		*jl = NULL;
	struct analysis_suspect *sp;
	int		 k = 0, n, i, j, c, best, nc;
	double		 F, Fc, bestF, conf[RT_DKMAX], sum, base, q;
	const struct analysis_opts *op = r->st->opts;

	memset(&D, 0, sizeof(D));
	if (r->tab.nobs == 0 || r->nlinks == 0)
		return 0;
	if (delay_build(r, &D) == -1)
		goto oom;
	nc = D.l.ncol;
	if (delay_scale(r, &D) == -1)
		goto oom;
	/* greedy forward selection of the queueing links */
	F = delay_refit(r, &D, set, 0, D.x);
	while (k < RT_DKMAX) {
		n = delay_screen(r, &D, set, k, cand, RT_DSCREEN);
		best = -1;
		bestF = F;
		for (i = 0; i < n; i++) {
			memcpy(D.xs, D.x, (size_t)nc * sizeof(double));
			set[k] = cand[i];
			if ((Fc = delay_refit(r, &D, set, k + 1, D.xs)) <
			    bestF - 1e-9) {
				bestF = Fc;
				best = cand[i];
			}
		}
		if (best < 0)
			break;
		set[k++] = best;
		F = delay_refit(r, &D, set, k, D.x);
	}
	/* each one's confidence: against dropping it or swapping it for
	   another candidate */
	for (i = 0; i < k; i++) {
		int	 alt[RT_DKMAX];

		for (j = 0, n = 0; j < k; j++)
			if (j != i)
				alt[n++] = set[j];
		memcpy(D.xs, D.x, (size_t)nc * sizeof(double));
		Fc = delay_refit(r, &D, alt, k - 1, D.xs);
		sum = exp(F - Fc);
		/* the residuals are now those of the fit without it */
		n = delay_screen(r, &D, alt, k - 1, cand, RT_DSCREEN);
		for (j = 0; j < n; j++) {
			if (cand[j] == set[i])
				continue;
			memcpy(D.xs, D.x, (size_t)nc * sizeof(double));
			alt[k - 1] = cand[j];
			sum += exp(F - delay_refit(r, &D, alt, k, D.xs));
		}
		conf[i] = 1 / (1 + sum);
	}
	delay_refit(r, &D, set, k, D.x);
	if ((jl = calloc((size_t)r->nlinks + 1, sizeof(*jl))) == NULL ||
	    (both = calloc((size_t)r->nlinks + 1, 1)) == NULL ||
	    delay_jitter(r, &D, jl, both) == -1)
		goto oom;
	delay_jitter_list(r, jl, both);
	/* the queueing links that make a step: latency suspects */
	for (i = 0; i < k; i++) {
		c = DCOL_Q(r, &D, set[i]);
		q = D.x[c];
		base = HUGE_VAL;
		for (j = D.coff[c]; j < D.coff[c + 1]; j++)
			if (delay_without(r, &D, D.cobs[j], set[i]) < base)
				base = delay_without(r, &D, D.cobs[j], set[i]);
		shown[i] = q >= op->step_min_ms && q >= op->step_min_frac * base;
		if (!shown[i])
			continue;
		if ((sp = delay_suspect(r, &D, set[i], q, conf[i])) == NULL)
			goto oom;
		if (jl[set[i]] >= RT_JMIN)
			sp->jitter_ms = jl[set[i]];
	}
	if ((mark = calloc((size_t)D.nedge + 1, 1)) == NULL)
		goto oom;
	delay_causes(r, &D, set, shown, k, mark);
	delay_distance(r, &D, mark);
	free(mark);
	free(jl);
	free(both);
	delay_free(&D);
	return r->st->oom ? -1 : 0;
oom:
	free(jl);
	free(both);
	delay_free(&D);
	r->st->oom = 1;
	return -1;
}

static void
rt_free(struct rt *r)
{
	free(r->nodes);
	free(r->links);
	free(r->obs);
	free(r->tab.obs);
	free(r->tab.elem);
	free(r->tab.mult);
	free(r->part);
	free(r->cand);
	free(r->prior);
}

int
rt_diagnose(struct an_state *st)
{
	struct rt	 r;
	int		 rc = -1;

	memset(&r, 0, sizeof(r));
	r.st = st;
	if (build_nodes(&r) == -1 || build_table(&r) == -1)
		goto out;
	describe_round_trips(&r);
	if (find_lossy(&r) == -1 || find_delay(&r) == -1)
		goto out;
	rc = st->oom ? -1 : 0;
out:
	rt_free(&r);
	return rc;
}
