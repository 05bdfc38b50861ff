/* estimate.c: penalised-likelihood choice of the lossy elements of a round-trip table (estimate.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estimate.h"

#define EST_PMAX	0.999	/* highest loss an element is given */
#define EST_QMAX	0.9999	/* a round trip's reply comes back with at most
				   this probability: a probe lost once in ten
				   thousand is noise, not impossible */
#define EST_QMIN	1e-9
#define EST_SCREEN	4	/* candidates refitted fully at each step */
#define EST_ROUNDS	3	/* coordinate-ascent rounds of a refit */

/* Working state: the table, its inverse index and the current fit. */
struct ctx {
	const struct est_table *t;
	double		 pen;		/* ln(N)/2 */
	int		*ioff;		/* element e's observations: iobs[ioff[e]..ioff[e+1]) */
	int		*iobs;
	unsigned char	*imult;
	double		*q;		/* each observation's reply probability */
	double		*c;		/* scratch: q without one element */
	double		*ownr;		/* per observation: its reply rate
					   recv / sent */
	double		*ownll;		/* its log-likelihood at that rate
					   with the own-loss parameter's
					   penalty (llh()'s second branch,
					   which depends on nothing else) */
	int		*slot;		/* element -> its slot in the set, -1 none */
	double		*gq;		/* gain_of()'s memo: per entry of iobs,
					   the q its observation had when the
					   element's gain was last computed */
	double		*gval, *gp;	/* per element: that gain and loss */
	unsigned char	*gok;		/* per element: 1 once computed */
	int		 k;		/* the set: e[0..k), p[0..k) */
	int		 e[EST_KMAX + 1];
	double		 p[EST_KMAX + 1];
};

/* (1 - p)^m for a small whole m, without pow(). */
static double
powm(double s, int m)
{
	double	 r = 1;

	while (m-- > 0)
		r *= s;
	return r;
}

/*
 * The logarithms llh() last took, of q and 1 - q: neighbouring hops often
 * have the same reply probability (the same elements lossy in front of
 * them), and their terms are then built from the same two doubles.
 */
struct llh_memo {
	double		 q;		/* clamped; -1: nothing yet */
	double		 lq, l1q;	/* log(q), log(1 - q) */
	int		 have_lq, have_l1q;
};

#define LLH_MEMO_INIT	{ -1, 0, 0, 0, 0 }

/*
 * log-likelihood of one observation at reply probability q, own loss
 * allowed.  The hot spot of the estimator (golden sections over every
 * element): a term whose count is 0 is left out rather than computed as
 * 0 * log(), which is the same double (the other term is not zero), the
 * logarithms come from m when q is the last one's, and the own-loss
 * branch is read from ctx_init()'s table.
 */
static double
llh(const struct ctx *x, int o, double q, struct llh_memo *m, int *own)
{
	const struct est_obs *b = &x->t->obs[o];
	int	 lost = b->sent - b->recv;
	double	 ll;

	if (own != NULL)
		*own = 0;
	if (b->skip || b->sent <= 0)
		return 0;
	q = q > EST_QMAX ? EST_QMAX : q < EST_QMIN ? EST_QMIN : q;
	if (q != m->q) {
		m->q = q;
		m->have_lq = m->have_l1q = 0;
	}
	if (b->recv != 0 && !m->have_lq) {
		m->lq = log(q);
		m->have_lq = 1;
	}
	if (lost != 0 && !m->have_l1q) {
		m->l1q = log(1 - q);
		m->have_l1q = 1;
	}
	if (lost == 0)
		ll = b->recv * m->lq;
	else if (b->recv == 0)
		ll = lost * m->l1q;
	else
		ll = b->recv * m->lq + lost * m->l1q;
	if (x->ownr[o] >= q)
		return ll;
	/* the router loses replies of its own: success r, one parameter */
	if (x->ownll[o] > ll) {
		if (own != NULL)
			*own = 1;
		return x->ownll[o];
	}
	return ll;
}

/* ownr[o] and ownll[o] (llh()): the figures of o's own loss. */
static void
own_init(struct ctx *x, int o)
{
	const struct est_obs *b = &x->t->obs[o];
	int	 lost = b->sent - b->recv;
	double	 r;

	if (b->skip || b->sent <= 0)
		return;
	r = x->ownr[o] = (double)b->recv / b->sent;
	r = r > EST_QMAX ? EST_QMAX : r < EST_QMIN ? EST_QMIN : r;
	x->ownll[o] = (b->recv ? b->recv * log(r) : 0) +
	    (lost ? lost * log(1 - r) : 0) - x->pen;
}

static void
ctx_free(struct ctx *x)
{
	free(x->ioff);
	free(x->iobs);
	free(x->imult);
	free(x->q);
	free(x->c);
	free(x->ownr);
	free(x->ownll);
	free(x->slot);
	free(x->gq);
	free(x->gval);
	free(x->gp);
	free(x->gok);
}

static int
ctx_init(struct ctx *x, const struct est_table *t)
{
	int	 o, i, e, total = 0, *fill = NULL;
	double	 N = 0;

	memset(x, 0, sizeof(*x));
	x->t = t;
	for (o = 0; o < t->nobs; o++) {
		if (!t->obs[o].skip && t->obs[o].sent > 0)
			N += t->obs[o].sent;
		total += t->obs[o].n;
	}
	x->pen = 0.5 * log(N > 2 ? N : 2);
	x->ioff = calloc((size_t)t->nelem + 1, sizeof(*x->ioff));
	x->iobs = calloc((size_t)total + 1, sizeof(*x->iobs));
	x->imult = calloc((size_t)total + 1, 1);
	x->q = calloc((size_t)t->nobs + 1, sizeof(*x->q));
	x->c = calloc((size_t)t->nobs + 1, sizeof(*x->c));
	x->ownr = calloc((size_t)t->nobs + 1, sizeof(*x->ownr));
	x->ownll = calloc((size_t)t->nobs + 1, sizeof(*x->ownll));
	x->slot = calloc((size_t)t->nelem + 1, sizeof(*x->slot));
	x->gq = calloc((size_t)total + 1, sizeof(*x->gq));
	x->gval = calloc((size_t)t->nelem + 1, sizeof(*x->gval));
	x->gp = calloc((size_t)t->nelem + 1, sizeof(*x->gp));
	x->gok = calloc((size_t)t->nelem + 1, 1);
	fill = calloc((size_t)t->nelem + 1, sizeof(*fill));
	if (x->ioff == NULL || x->iobs == NULL || x->imult == NULL ||
	    x->q == NULL || x->c == NULL || x->ownr == NULL ||
	    x->ownll == NULL || x->slot == NULL || x->gq == NULL ||
	    x->gval == NULL || x->gp == NULL || x->gok == NULL || fill == NULL) {
		free(fill);
		ctx_free(x);
		return -1;
	}
	for (o = 0; o < t->nobs; o++)
		for (i = 0; i < t->obs[o].n; i++) {
			e = t->elem[t->obs[o].off + i];
			if (e >= 0 && e < t->nelem)
				x->ioff[e + 1]++;
		}
	for (e = 0; e < t->nelem; e++) {
		x->ioff[e + 1] += x->ioff[e];
		x->slot[e] = -1;
	}
	for (o = 0; o < t->nobs; o++) {
		x->q[o] = 1;
		own_init(x, o);
		for (i = 0; i < t->obs[o].n; i++) {
			e = t->elem[t->obs[o].off + i];
			if (e < 0 || e >= t->nelem)
				continue;
			x->iobs[x->ioff[e] + fill[e]] = o;
			x->imult[x->ioff[e] + fill[e]] = t->mult[t->obs[o].off + i];
			fill[e]++;
		}
	}
	free(fill);
	return 0;
}

/* Recompute every q from the set. */
static void
ctx_q(struct ctx *x)
{
	int	 o, s, j;

	for (o = 0; o < x->t->nobs; o++)
		x->q[o] = 1;
	for (s = 0; s < x->k; s++)
		for (j = x->ioff[x->e[s]]; j < x->ioff[x->e[s] + 1]; j++)
			x->q[x->iobs[j]] *= powm(1 - x->p[s], x->imult[j]);
}

/*
 * What element e costs in the penalised score: the BIC's ln(N)/2 for its
 * parameter and the table's prior against it (estimate.h).
 */
static double
cost(const struct ctx *x, int e)
{
	return x->pen + (x->t->prior != NULL ? x->t->prior[e] : 0);
}

/* The penalised score of the current set. */
static double
ctx_score(const struct ctx *x)
{
	struct llh_memo m = LLH_MEMO_INIT;
	double	 sum = 0;
	int	 o, s;

	for (o = 0; o < x->t->nobs; o++)
		sum += llh(x, o, x->q[o], &m, NULL);
	for (s = 0; s < x->k; s++)
		sum -= cost(x, x->e[s]);
	return sum;
}

/*
 * Element e's part of the likelihood at loss p: its observations, at the
 * reply probability the rest of the set gives them (x->c).
 */
static double
part(const struct ctx *x, int e, double p)
{
	struct llh_memo m = LLH_MEMO_INIT;
	double	 sum = 0;
	int	 j;

	for (j = x->ioff[e]; j < x->ioff[e + 1]; j++)
		sum += llh(x, x->iobs[j], x->c[x->iobs[j]] * powm(1 - p,
		    x->imult[j]), &m, NULL);
	return sum;
}

/* x->c for e's observations: q without e's factor (loss p_cur). */
static void
ctx_without(struct ctx *x, int e, double p_cur)
{
	int	 j;

	for (j = x->ioff[e]; j < x->ioff[e + 1]; j++)
		x->c[x->iobs[j]] = x->q[x->iobs[j]] / powm(1 - p_cur, x->imult[j]);
}

/* Best loss of e (x->c set): golden section over [0, EST_PMAX], and 0. */
static double
best_p(const struct ctx *x, int e, double *fbest)
{
	const double g = 0.6180339887498949;
	double	 lo = 0, hi = EST_PMAX, a, b, fa, fb, f0;
	int	 it;

	a = hi - g * (hi - lo);
	b = lo + g * (hi - lo);
	fa = part(x, e, a);
	fb = part(x, e, b);
	for (it = 0; it < 28; it++) {	/* 0.618^28: 1.4e-6 */
		if (fa < fb) {
			lo = a;
			a = b;
			fa = fb;
			b = lo + g * (hi - lo);
			fb = part(x, e, b);
		} else {
			hi = b;
			b = a;
			fb = fa;
			a = hi - g * (hi - lo);
			fa = part(x, e, a);
		}
	}
	a = (lo + hi) / 2;
	fa = part(x, e, a);
	f0 = part(x, e, 0);
	if (f0 >= fa) {
		*fbest = f0;
		return 0;
	}
	*fbest = fa;
	return a;
}

/*
 * Coordinate ascent over the set's losses; slot s0's loss (s0 >= 0) is
 * held at 0 (the set without it, the slot kept so that nothing moves).
 */
static void
refit_without(struct ctx *x, int s0)
{
	int	 r, s, j, e;
	double	 f;

	if (s0 >= 0)
		x->p[s0] = 0;
	ctx_q(x);
	for (r = 0; r < EST_ROUNDS; r++)
		for (s = 0; s < x->k; s++) {
			if (s == s0)
				continue;
			e = x->e[s];
			ctx_without(x, e, x->p[s]);
			x->p[s] = best_p(x, e, &f);
			for (j = x->ioff[e]; j < x->ioff[e + 1]; j++)
				x->q[x->iobs[j]] = x->c[x->iobs[j]] *
				    powm(1 - x->p[s], x->imult[j]);
		}
}

static void
refit(struct ctx *x)
{
	refit_without(x, -1);
}

/*
 * Score gain of adding e (not in the set) with its best loss, the rest
 * fixed.  It depends on nothing but the reply probabilities of e's
 * observations (x->c = x->q there, e having no loss yet): when they are
 * the ones of the last call for e, bit for bit, the last result is that
 * call's (the passes of est_run() over every element mostly change the
 * set far from most of them).
 */
static double
gain_of(struct ctx *x, int e, double *p)
{
	double	 f, g;
	int	 j, same = x->gok[e];

	for (j = x->ioff[e]; j < x->ioff[e + 1] && same; j++)
		same = x->gq[j] == x->q[x->iobs[j]];
	if (same) {
		*p = x->gp[e];
		return x->gval[e];
	}
	ctx_without(x, e, 0);
	*p = best_p(x, e, &f);
	g = f - part(x, e, 0) - cost(x, e);
	for (j = x->ioff[e]; j < x->ioff[e + 1]; j++)
		x->gq[j] = x->q[x->iobs[j]];
	x->gval[e] = g;
	x->gp[e] = *p;
	x->gok[e] = 1;
	return g;
}

/* Bound of the 95 % profile interval of slot s's loss: dir -1 low, +1 high. */
static double
bound(struct ctx *x, int s, int dir)
{
	const double drop = 1.920729;	/* chi2(1) 95 % / 2 */
	double	 f0, in, out, mid;
	int	 it, e = x->e[s];

	ctx_without(x, e, x->p[s]);
	f0 = part(x, e, x->p[s]);
	in = x->p[s];
	out = dir < 0 ? 0 : EST_PMAX;
	if (part(x, e, out) >= f0 - drop)
		return out;
	for (it = 0; it < 40; it++) {
		mid = (in + out) / 2;
		if (part(x, e, mid) >= f0 - drop)
			in = mid;
		else
			out = mid;
	}
	return (in + out) / 2;
}

static int
cmp_alt(const void *a, const void *b)
{
	const struct est_alt *x = a, *y = b;

	return x->dscore < y->dscore ? -1 : x->dscore > y->dscore;
}

/* Confidence of slot s and its alternatives (the set's fit is current). */
static int
alternatives(struct ctx *x, struct est_fit *fit, int s, double best)
{
	struct est_alt *all;
	int	 n = 0, e, o, k0 = x->k, es = x->e[s];
	double	 ps = x->p[s], sum = 0, sc, base, p;

	if ((all = calloc((size_t)x->t->nelem + 1, sizeof(*all))) == NULL)
		return -1;
	/* drop slot s (the last slot takes its place) */
	x->e[s] = x->e[k0 - 1];
	x->p[s] = x->p[k0 - 1];
	x->k = k0 - 1;
	ctx_q(x);
	base = ctx_score(x);
	all[n].elem = -1;
	all[n].dscore = best - base;
	sum += exp(base - best);
	n++;
	for (e = 0; e < x->t->nelem; e++) {
		if ((x->t->cand != NULL && !x->t->cand[e]) || e == es ||
		    x->slot[e] >= 0 || x->ioff[e] == x->ioff[e + 1])
			continue;
		sc = base + gain_of(x, e, &p);
		if (p <= 0)
			continue;
		sum += exp(sc - best);
		all[n].elem = e;
		all[n].p = p;
		all[n].dscore = best - sc;
		n++;
	}
	qsort(all, n, sizeof(all[0]), cmp_alt);
	if (k0 > 1) {
		/*
		 * With other elements chosen, the scores above keep their
		 * losses: an alternative that would share the loss another
		 * way (two faults on the same round trips) scores too low,
		 * and the suspect looks surer than the data make it.  The
		 * best few (and no element at all) are refitted with the
		 * rest of the set.
		 */
		double	 save[EST_KMAX + 1], d;

		memcpy(save, x->p, sizeof(save));
		for (o = 0; o < n && o <= EST_SCREEN; o++) {
			if (all[o].elem >= 0) {
				x->e[k0 - 1] = all[o].elem;
				x->p[k0 - 1] = all[o].p;
				x->k = k0;
			}
			refit(x);
			d = best - ctx_score(x);
			if (d < all[o].dscore) {
				sum += exp(-d) - exp(-all[o].dscore);
				all[o].dscore = d < 0 ? 0 : d;
				if (all[o].elem >= 0)
					all[o].p = x->p[k0 - 1];
			}
			x->k = k0 - 1;
			memcpy(x->p, save, sizeof(save));
		}
		ctx_q(x);
		qsort(all, n, sizeof(all[0]), cmp_alt);
	}
	fit->conf[s] = 1 / (1 + sum);
	fit->nalt[s] = n > EST_MAXALT ? EST_MAXALT : n;
	for (o = 0; o < fit->nalt[s]; o++) {
		fit->alt[s][o] = all[o];
		fit->alt[s][o].share = exp(-all[o].dscore) / (1 + sum);
	}
	free(all);
	/* put the set back */
	x->e[k0 - 1] = x->e[s];
	x->p[k0 - 1] = x->p[s];
	x->e[s] = es;
	x->p[s] = ps;
	x->k = k0;
	ctx_q(x);
	return 0;
}

/*
 * Keep the best cap gains, best first: n entries of gain g[], loss pv[]
 * (NULL: not kept) and element el[]; element e with gain gv and loss p
 * goes in when there is room or it beats the last.  Returns the new n.
 */
static int
keep_best(double *g, double *pv, int *el, int n, int cap, double gv,
    double p, int e)
{
	int	 i;

	if (n == cap && !(gv > g[n - 1]))
		return n;
	if (n == cap)
		n--;
	for (i = n; i > 0 && g[i - 1] < gv; i--) {
		g[i] = g[i - 1];
		if (pv != NULL)
			pv[i] = pv[i - 1];
		el[i] = el[i - 1];
	}
	g[i] = gv;
	if (pv != NULL)
		pv[i] = p;
	el[i] = e;
	return n + 1;
}

/*
 * Two faults whose single parts each explain little alone (each
 * contradicted by hops the other explains) escape forward selection:
 * try every pair of the EST_PAIRS best single elements, and start from
 * the best pair when it beats the best single element.
 */
#define EST_PAIRS	10
static int
best_pair(struct ctx *x, double *cur)
{
	int	 top[EST_PAIRS], n = 0, e, i, j, be = -1, bf = -1;
	double	 g[EST_PAIRS], gv, p, best1 = *cur, bestp = *cur, sc;
	double	 pe = 0, pf = 0;

	for (e = 0; e < x->t->nelem; e++) {
		if ((x->t->cand != NULL && !x->t->cand[e]) ||
		    x->ioff[e] == x->ioff[e + 1])
			continue;
		gv = gain_of(x, e, &p);
		if (p <= 0)
			continue;
		if (*cur + gv > best1)
			best1 = *cur + gv;
		n = keep_best(g, NULL, top, n, EST_PAIRS, gv, p, e);
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			x->k = 2;
			x->e[0] = top[i];
			x->e[1] = top[j];
			x->p[0] = x->p[1] = 0.05;
			refit(x);
			sc = ctx_score(x);
			if (sc > bestp) {
				bestp = sc;
				be = top[i];
				bf = top[j];
				pe = x->p[0];
				pf = x->p[1];
			}
		}
	x->k = 0;
	if (be >= 0 && bestp > best1 + 1e-6 && pe > 0 && pf > 0) {
		x->k = 2;
		x->e[0] = be;
		x->e[1] = bf;
		x->p[0] = pe;
		x->p[1] = pf;
		x->slot[be] = 0;
		x->slot[bf] = 1;
		refit(x);
		*cur = ctx_score(x);
		return 0;
	}
	ctx_q(x);
	return 0;
}

/*
 * The EST_SCREEN unchosen candidates with the most gain against the set as
 * it is (an element that explains nothing, or a loss of 0, left out),
 * best first: their gains in sc, losses in ps, elements in cand.  Returns
 * how many.
 */
static int
screen(struct ctx *x, double sc[EST_SCREEN], double ps[EST_SCREEN],
    int cand[EST_SCREEN])
{
	double	 g, p;
	int	 e, nc = 0;

	for (e = 0; e < x->t->nelem; e++) {
		if ((x->t->cand != NULL && !x->t->cand[e]) || x->slot[e] >= 0 ||
		    x->ioff[e] == x->ioff[e + 1])
			continue;
		g = gain_of(x, e, &p);
		if (p <= 0)
			continue;
		nc = keep_best(sc, ps, cand, nc, EST_SCREEN, g, p, e);
	}
	return nc;
}

/*
 * The exchange pass: forward selection keeps what it chose first, and with
 * two faults a first pick that half explains both (a router at one of a
 * lossy link's ends, say) can stay while the element that explains the
 * rest is never tried in its place.  Try swapping each chosen element for
 * each unchosen one (the best EST_SCREEN by their gain with that slot
 * empty, refitted fully), keep the best swap when it raises the score,
 * and repeat up to EST_XITER times: a local maximum of the penalised
 * likelihood over single swaps.  *cur is the set's score, kept current.
 */
#define EST_XITER	4	/* most swaps of one exchange pass */
static void
exchange(struct ctx *x, double *cur)
{
	double	 sc[EST_SCREEN], ps[EST_SCREEN], save[EST_KMAX + 1], g, best;
	int	 cand[EST_SCREEN], nc, it, s, i, bs, be, k0 = x->k, old;
	double	 bp = 0;

	for (it = 0; it < EST_XITER && k0 > 0; it++) {
		best = *cur;
		bs = be = -1;
		for (s = 0; s < k0; s++) {
			memcpy(save, x->p, sizeof(save));
			old = x->e[s];
			/* slot s empty: the others' gains from there */
			x->p[s] = 0;
			ctx_q(x);
			nc = screen(x, sc, ps, cand);
			for (i = 0; i < nc; i++) {
				memcpy(x->p, save, sizeof(save));
				x->e[s] = cand[i];
				x->p[s] = ps[i];
				refit(x);
				g = ctx_score(x);
				if (g > best + 1e-6 && x->p[s] > 0) {
					best = g;
					bs = s;
					be = cand[i];
					bp = x->p[s];
				}
			}
			x->e[s] = old;
			/* or no element in its place: a swap that made
			   another chosen element redundant (the link the
			   other way, on the same round trips) leaves one
			   that no longer pays for itself */
			memcpy(x->p, save, sizeof(save));
			x->p[s] = 0;
			refit_without(x, s);
			g = ctx_score(x) + cost(x, x->e[s]);
			if (g > best + 1e-6) {
				best = g;
				bs = s;
				be = -1;
			}
			memcpy(x->p, save, sizeof(save));
			ctx_q(x);
		}
		if (bs < 0)
			break;
		x->slot[x->e[bs]] = -1;
		if (be < 0) {
			/* the last slot takes the dropped one's place */
			k0--;
			x->e[bs] = x->e[k0];
			x->p[bs] = x->p[k0];
			x->k = k0;
			if (bs < k0)
				x->slot[x->e[bs]] = bs;
		} else {
			x->e[bs] = be;
			x->p[bs] = bp;
			x->slot[be] = bs;
		}
		refit(x);
		*cur = ctx_score(x);
	}
}

double
est_score1(const struct est_table *t, int e, double *p)
{
	struct ctx x;
	double	 sc;

	*p = 0;
	if (ctx_init(&x, t) == -1)
		return -HUGE_VAL;
	sc = ctx_score(&x);
	if (e >= 0 && e < t->nelem)
		sc += gain_of(&x, e, p);
	ctx_free(&x);
	return sc;
}

int
est_run(const struct est_table *t, int kmax, struct est_fit *fit)
{
	struct ctx x;
	struct llh_memo memo = LLH_MEMO_INIT;
	double	 cur, sc[EST_SCREEN], ps[EST_SCREEN], g, bestsc;
	int	 cand[EST_SCREEN], nc, i, j, s, beste, o, own;

	memset(fit, 0, sizeof(*fit));
	if (kmax > EST_KMAX)
		kmax = EST_KMAX;
	if (ctx_init(&x, t) == -1)
		return -1;
	if ((fit->own = calloc((size_t)t->nobs + 1, 1)) == NULL) {
		ctx_free(&x);
		return -1;
	}
	fit->penalty = x.pen;
	cur = fit->score_null = ctx_score(&x);
	if (kmax >= 2 && best_pair(&x, &cur) == -1) {
		ctx_free(&x);
		est_fit_free(fit);
		return -1;
	}
	while (x.k < kmax) {
		/* screen: each candidate's gain with the set fixed */
		nc = screen(&x, sc, ps, cand);
		/* refit the best few fully; keep the best if it helps */
		beste = -1;
		bestsc = cur;
		for (i = 0; i < nc; i++) {
			double	 save[EST_KMAX + 1];

			memcpy(save, x.p, sizeof(save));
			x.e[x.k] = cand[i];
			x.p[x.k] = ps[i];
			x.k++;
			refit(&x);
			g = ctx_score(&x);
			x.k--;
			memcpy(x.p, save, sizeof(save));
			ctx_q(&x);
			if (g > bestsc + 1e-6) {
				bestsc = g;
				beste = i;
			}
		}
		if (beste < 0)
			break;
		x.e[x.k] = cand[beste];
		x.p[x.k] = ps[beste];
		x.slot[cand[beste]] = x.k;
		x.k++;
		refit(&x);
		cur = ctx_score(&x);
	}
	exchange(&x, &cur);
	/* drop elements the refit left without loss */
	for (s = 0, j = 0; s < x.k; s++) {
		if (x.p[s] <= 0) {
			x.slot[x.e[s]] = -1;
			continue;
		}
		x.e[j] = x.e[s];
		x.p[j] = x.p[s];
		x.slot[x.e[j]] = j;
		j++;
	}
	x.k = j;
	ctx_q(&x);
	cur = ctx_score(&x);
	fit->score = cur;
	fit->k = x.k;
	for (s = 0; s < x.k; s++) {
		fit->e[s] = x.e[s];
		fit->p[s] = x.p[s];
		fit->lo[s] = bound(&x, s, -1);
		fit->hi[s] = bound(&x, s, +1);
		ctx_q(&x);
	}
	for (s = 0; s < x.k; s++) {
		/* alternatives() swaps slots around and back */
		if (alternatives(&x, fit, s, cur) == -1) {
			ctx_free(&x);
			est_fit_free(fit);
			return -1;
		}
		for (i = 0; i < x.k; i++)
			x.slot[x.e[i]] = i;
	}
	ctx_q(&x);
	for (o = 0; o < t->nobs; o++) {
		llh(&x, o, x.q[o], &memo, &own);
		fit->own[o] = (unsigned char)own;
		fit->nown += own;
	}
	ctx_free(&x);
	return 0;
}

void
est_fit_free(struct est_fit *fit)
{
	free(fit->own);
	fit->own = NULL;
}

/* ---- the delay fit: a non-negative lasso ------------------------------ */

#define EST_LSWEEPS	4000	/* most coordinate-descent sweeps of one fit */
#define EST_LTOL	1e-6	/* a sweep that moves no unknown more than this
				   (ms) ends the fit */

static double
lasso_objective(const struct est_lasso *l, const double *x, const double *r)
{
	double	 f = 0;
	int	 o, c;

	for (o = 0; o < l->nobs; o++)
		f += l->w[o] * r[o] * r[o] / 2;
	for (c = 0; c < l->ncol; c++)
		f += l->pen[c] * x[c];
	return f;
}

/* Column c's curvature, sum of w * coef^2 over its entries. */
static double
lasso_h(const struct est_lasso *l, int c)
{
	double	 h = 0;
	int	 j;

	for (j = l->coff[c]; j < l->coff[c + 1]; j++)
		h += l->w[l->cobs[j]] * l->ccoef[j] * l->ccoef[j];
	return h;
}

double
est_lasso_fit(const struct est_lasso *l, double *x, double *r)
{
	double	 g, h, nx, d, moved, *hc, *wc = NULL;
	int	 o, c, j, sweep, nent = l->coff[l->ncol];

	/* what does not change from sweep to sweep, computed once as the
	   sweep would (the same doubles): each column's curvature hc, each
	   entry's weighted coefficient wc; per sweep when memory runs out */
	if ((hc = malloc(((size_t)l->ncol + (size_t)nent + 1) *
	    sizeof(*hc))) != NULL) {
		wc = hc + l->ncol;
		for (c = 0; c < l->ncol; c++)
			hc[c] = lasso_h(l, c);
		for (j = 0; j < nent; j++)
			wc[j] = l->w[l->cobs[j]] * l->ccoef[j];
	}
	for (c = 0; c < l->ncol; c++)
		x[c] = x[c] < 0 ? 0 : x[c] > l->ub[c] ? l->ub[c] : x[c];
	for (o = 0; o < l->nobs; o++)
		r[o] = l->y[o];
	for (c = 0; c < l->ncol; c++)
		for (j = l->coff[c]; j < l->coff[c + 1] && x[c] != 0; j++)
			r[l->cobs[j]] -= l->ccoef[j] * x[c];
	for (sweep = 0; sweep < EST_LSWEEPS; sweep++) {
		moved = 0;
		for (c = 0; c < l->ncol; c++) {
			if (l->ub[c] <= 0 && x[c] == 0)
				continue;
			if ((h = hc != NULL ? hc[c] : lasso_h(l, c)) <= 0)
				continue;
			g = 0;
			if (wc != NULL)
				for (j = l->coff[c]; j < l->coff[c + 1]; j++)
					g += wc[j] * r[l->cobs[j]];
			else
				for (j = l->coff[c]; j < l->coff[c + 1]; j++)
					g += l->w[l->cobs[j]] * l->ccoef[j] *
					    r[l->cobs[j]];
			/* the one-dimensional minimum, clamped to the box */
			nx = x[c] + (g - l->pen[c]) / h;
			nx = nx < 0 ? 0 : nx > l->ub[c] ? l->ub[c] : nx;
			if ((d = nx - x[c]) == 0)
				continue;
			for (j = l->coff[c]; j < l->coff[c + 1]; j++)
				r[l->cobs[j]] -= l->ccoef[j] * d;
			x[c] = nx;
			if (fabs(d) > moved)
				moved = fabs(d);
		}
		if (moved < EST_LTOL)
			break;
	}
	free(hc);
	return lasso_objective(l, x, r);
}
