/*
 * delay.c: delay over directed links (docs/analysis.md, section 4a):
 * every hop's minimum RTT as the sum of the one-way delays its probe and
 * its reply cross, fitted over both traces at once; one-way queueing a
 * suspect of kind latency, what both ways show listed as distance, and
 * the jitter links add.  Works on the round-trip model roundtrip.c built.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roundtrip_priv.h"

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
		    (D->rev[l] < 0 || !rt_same_incidence(r, l, D->rev[l]));
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
	int	 seen[2], at[2], d, tw = rt_link_toward(r, l), lr = D->rev[l];

	for (d = 0; d < 2; d++)
		seen[d] = delay_evidence(r, D, l, d, ev[d], sizeof(ev[d]), &at[d]);
	rt_node_ref(r, r->links[l].u, &x);
	rt_node_ref(r, r->links[l].v, &y);
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
	    rt_node_label(r, r->links[l].u, fl, sizeof(fl)),
	    rt_node_label(r, r->links[l].v, tl, sizeof(tl)), to, other, ev[0],
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
		fwd = rt_link_toward(r, l);
		rt_node_ref(r, fwd ? k->u : k->v, &arr[a->ndistance - 1].a);
		rt_node_ref(r, fwd ? k->v : k->u, &arr[a->ndistance - 1].b);
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
			    rt_node_label(r, r->links[best].u, fl, sizeof(fl)),
			    rt_node_label(r, r->links[best].v, tl, sizeof(tl)), bv);
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
			int	 fwd = rt_link_toward(r, best);

			mark[D->edge[best]] = 1;
			an_bprintf(S->cause, sizeof(S->cause), "distance: the "
			    "link %s - %s, %.0f ms round trip, seen both ways: "
			    "not a fault", rt_node_label(r, fwd ? r->links[best].u :
			    r->links[best].v, fl, sizeof(fl)), rt_node_label(r, fwd ?
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
		if (D->rev[l] > l && rt_same_incidence(r, l, D->rev[l])) {
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
		tw = rt_link_toward(r, l);
		J->toward = tw;
		J->bothways = both[l];
		J->jitter_ms = jl[l];
		if (both[l] && !tw) {	/* both ways: in forward order */
			rt_node_ref(r, r->links[l].v, &J->from);
			rt_node_ref(r, r->links[l].u, &J->to);
		} else {
			rt_node_ref(r, r->links[l].u, &J->from);
			rt_node_ref(r, r->links[l].v, &J->to);
		}
	}
}

int
rt_find_delay(struct rt *r)
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
