/* roundtrip.c: every hop as a round trip: reply paths and lossy directed links from both traces at once; the loss onset per direction is in onset.c, the probes per hop that would decide in decide.c, delay over the same model in delay.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roundtrip_priv.h"

/* a hop whose replies say its rate limit, not the path: a limit a loss
   measurement found (unless echo measured the hop instead), or the order
   of a pasted traceroute's stars (paste.c, tr_order_limits) */
int
rt_hop_limited(const struct trace_hop *th)
{
	return (th->rl_rate > 0 || th->rl_order) && !th->loss_by_echo;
}

#define RT_FLOOR	0.10	/* an alternative with less of the weight is not listed */
#define RT_DECIDE	0.60	/* a chosen suspect below this is inconclusive */
#define RT_KMAX		3	/* most lossy elements in one explanation */
#define RT_ROUTER_PRIOR	1.0986	/* ln 3: a router element is lossy with a
				   third of a directed link's prior odds
				   (docs/analysis.md 3a) */

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
			if (rt_hop_limited(h->th))
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

/*
 * Silent hops between two shared routers, where the other trace saw
 * routers between the same two, as many as the silent hops, each
 * answering: the silent hops are taken as those routers (the same two
 * routers a hop apart both ways are most often one link).  Without this a
 * trace's probes would cross one made-up link over the silent stretch
 * that no round trip crosses the other way, so a step in delay or loss
 * there could only be one-way, and what both ways show as distance (the
 * long link into a router that rate-limits one trace out entirely) would
 * be blamed as queueing.  The filled places observe nothing (hop -1); the
 * silent hop's note says which router it was taken as.
 */
static void
fill_silent(struct rt *r)
{
	struct an_state	*st = r->st;
	int		 d, k, j, g, pu, pv;

	for (d = 0; d < 2; d++) {
		struct rt_seq	*S = &r->seq[d];
		const struct rt_seq *O = &r->seq[!d];

		for (k = 0; k + 1 < S->n; k++) {
			int	 u = S->node[k], v = S->node[k + 1];

			g = S->ttl[k + 1] - S->ttl[k];
			if (g < 2 || r->nodes[u].host >= 0 ||
			    r->nodes[v].host >= 0 || r->nodes[u].filled ||
			    r->nodes[v].filled ||
			    (pu = r->nodes[u].pos[!d]) < 0 ||
			    (pv = r->nodes[v].pos[!d]) < 0 ||
			    pu - pv != g || O->ttl[pu] - O->ttl[pv] != g ||
			    S->n + g - 1 > RT_MAXSEQ)
				continue;
			for (j = pv + 1; j < pu; j++)
				if (O->hop[j] < 0 || r->nodes[O->node[j]].pos[d] >= 0 ||
				    r->nodes[O->node[j]].host >= 0)
					break;
			if (j < pu)
				continue;
			/* make room for g - 1 places after k */
			memmove(&S->node[k + g], &S->node[k + 1],
			    (size_t)(S->n - k - 1) * sizeof(S->node[0]));
			memmove(&S->hop[k + g], &S->hop[k + 1],
			    (size_t)(S->n - k - 1) * sizeof(S->hop[0]));
			memmove(&S->ttl[k + g], &S->ttl[k + 1],
			    (size_t)(S->n - k - 1) * sizeof(S->ttl[0]));
			S->n += g - 1;
			for (j = 1; j < g; j++) {
				int	 x = O->node[pu - j];
				char	 lbl[ANALYSIS_NAME_LEN], lu[ANALYSIS_NAME_LEN],
					 lv[ANALYSIS_NAME_LEN];
				int	 i;

				S->node[k + j] = x;
				S->hop[k + j] = -1;
				S->ttl[k + j] = S->ttl[k] + j;
				r->nodes[x].filled |= 1 << d;
				for (i = 0; i < st->a->nartifacts; i++) {
					struct analysis_artifact *f = &st->a->artifacts[i];

					if (f->kind != ANALYSIS_ART_SILENT ||
					    (int)f->dir != d || f->hop.ttl != S->ttl[k + j])
						continue;
					an_bprintf(f->why + strlen(f->why),
					    sizeof(f->why) - strlen(f->why),
					    "; the round trips take it as %s (%s hop %d), "
					    "the router the %s trace saw between %s and %s",
					    rt_node_label(r, x, lbl, sizeof(lbl)),
					    analysis_dir_name(!d), O->ttl[pu - j],
					    analysis_dir_name(!d),
					    rt_node_label(r, u, lu, sizeof(lu)),
					    rt_node_label(r, v, lv, sizeof(lv)));
				}
			}
			/* every node's place in S, again */
			for (j = 0; j < r->nnodes; j++)
				r->nodes[j].pos[d] = -1;
			for (j = 0; j < S->n; j++)
				if (r->nodes[S->node[j]].pos[d] < 0)
					r->nodes[S->node[j]].pos[d] = j;
			k += g - 1;
		}
	}
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
 * 1 when trace d saw node n answer (a silent hop of d taken as n is no
 * evidence of where n sends).
 */
static int
seen_in(const struct rt *r, int n, int d)
{
	return r->nodes[n].pos[d] >= 0 && !(r->nodes[n].filled & (1 << d));
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
	via_other = seen_in(r, x, !d);
	for (i = k - 1; i >= 0; i--)
		if (seen_in(r, S->node[i], !d)) {
			pi = i;
			break;
		}
	for (i = k + 1; i < S->n; i++)
		if (seen_in(r, S->node[i], !d)) {
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
			if (sig[l] == sig[e] && rt_same_incidence(r, e, l)) {
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
		ob->skip = rt_hop_limited(h->th);
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
void
rt_node_ref(const struct rt *r, int n, struct analysis_hop *h)
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

const char *
rt_node_label(const struct rt *r, int n, char *buf, size_t len)
{
	struct analysis_hop h;

	if (r->nodes[n].host >= 0) {
		an_site_label(r->st, r->nodes[n].host, buf, len);
		return buf;
	}
	rt_node_ref(r, n, &h);
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
			rt_node_ref(r, via[m], &rt->via[m]);
			an_bprintf(list + strlen(list), sizeof(list) - strlen(list),
			    "%s%s", m == 0 ? "" : m == n - 1 ? " and " : ", ",
			    rt_node_label(r, via[m], lbl, sizeof(lbl)));
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

/* ---- lossy directed links and routers ------------------------------- */

/* Which site (0 A, 1 B) the traffic on link l heads for. */
int
rt_link_toward(const struct rt *r, int l)
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
		int	 tw = rt_link_toward(r, e), site;

		rt_node_ref(r, l->u, &x);
		rt_node_ref(r, l->v, &y);
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
		    "", rt_node_label(r, l->u, fl, sizeof(fl)),
		    rt_node_label(r, l->v, tl, sizeof(tl)), to, ev[0], ev[1]);
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
		    "ways. %s; %s", rt_node_label(r, n, fl, sizeof(fl)), s->after ?
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
int
rt_names_limited(const struct rt *r, int e)
{
	if (e < r->nlinks)
		return r->nodes[r->links[e].u].limited ||
		    r->nodes[r->links[e].v].limited;
	return !r->cand[e];
}

/* 1 when elements e and f are on exactly the same round trips, as often. */
int
rt_same_incidence(const struct rt *r, int e, int f)
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
int
rt_twin_of(const struct rt *r, int e)
{
	int	 l;

	if (e < 0 || e >= r->nlinks)
		return -1;
	for (l = 0; l < r->nlinks; l++)
		if (r->links[l].u == r->links[e].v && r->links[l].v == r->links[e].u)
			return rt_same_incidence(r, e, l) ? l : -1;
	return -1;
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
	    "both ways. %s; %s", rt_node_label(r, r->links[e].u, fl, sizeof(fl)),
	    rt_node_label(r, r->links[e].v, tl, sizeof(tl)), s->evidence[0],
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
		    rt_node_label(r, r->links[e].u, a, sizeof(a)),
		    rt_node_label(r, r->links[e].v, b, sizeof(b)),
		    t->cand && !t->cand[e] ? " (no candidate)" : "");
	for (e = r->nlinks; e < t->nelem; e++) {
		int	 n = e < r->nlinks + r->nnodes ? e - r->nlinks :
		    e - r->nlinks - r->nnodes;

		fprintf(stderr, "rt: element %d: router %s (%s)%s\n", e,
		    rt_node_label(r, n, a, sizeof(a)), e < r->nlinks + r->nnodes ?
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
		int	 tw = rt_twin_of(r, fit.e[i]);

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

			if (al->elem < 0 || rt_twin_of(r, fit.e[i]) == al->elem ||
			    rt_names_limited(r, al->elem))
				continue;
			/* a link whose two directions are on the same round
			   trips: one alternative, both ways, with the twin's
			   weight, listed where the first of the two is */
			atw = rt_twin_of(r, al->elem);
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
		if (rt_probes_to_decide(r, &fit, i))
			nodecide = 1;
	}
	/*
	 * Decided, but a chosen suspect below ANALYSIS_FIRM (the first, or a
	 * second fault beside a firm first): the same figures, the most any
	 * of them needs, for a controller's confirming follow-up round
	 * (followup_plan) or the user's rerun; the verdict and the JSON stay
	 * those of a decided pair.  (Until 2026-12-07 only the first counted:
	 * a firm first fault let a second one at 0.6-0.9, a router at one
	 * end of the lossy link in place of the link, stand unconfirmed.)
	 */
	for (i = 0; top >= 0 && !a->inconclusive && i < fit.k; i++) {
		if (fit.conf[i] >= ANALYSIS_FIRM)
			continue;
		a->confirm = 1;
		if (rt_probes_to_decide(r, &fit, i))
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
			(void)rt_deciding_hops(r, &fit, i, NULL, NULL);
	if (nodecide)
		a->probes_needed = a->probes_rerun = 0;
	r->own = NULL;
	est_fit_free(&fit);
	return 0;
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
	if (build_nodes(&r) == -1)
		goto out;
	fill_silent(&r);
	if (build_table(&r) == -1)
		goto out;
	describe_round_trips(&r);
	if (find_lossy(&r) == -1 || rt_find_delay(&r) == -1)
		goto out;
	rc = st->oom ? -1 : 0;
out:
	rt_free(&r);
	return rc;
}
