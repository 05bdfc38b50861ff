/* ctl_spread.c: where a schedule's runs go: each schedule's phase placed against every run its two agents already have, so that no agent sees a burst (issue 16; docs/history.md, "Where the runs go"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/*
 * The runs of schedule j fall at phase_j + k * T_j.  Those of a schedule
 * i placed at phase p fall at p + m * T_i.  Every difference of the two
 * is p - phase_j + n * gcd(T_i, T_j) (Bezout) and every such difference
 * occurs, so the closest the two ever come is the distance of p - phase_j
 * to the nearest multiple of g = gcd(T_i, T_j): exact over the whole
 * hyperperiod, no horizon needed.  Within one interval of i that is a
 * "tent" around each of the T_i / g points phase_j + n * g.
 *
 * A gap next to a run of agent A is weighted by R_A, A's total run rate
 * (runs per second, every schedule of A counted): gap * R_A is 1 when
 * A's runs are evenly spaced, so the weighted gap compares agents with
 * many schedules and agents with few.  A schedule sharing both agents
 * counts with the smaller rate (its gap is weighed for both agents and
 * the smaller product binds).
 */

/* The tenant's schedules, indexed by agent, for one add. */
struct ctl_spread {
	struct ctl_sched **v;		/* the tenant's pair schedules */
	int		*ag;		/* agent ids of v[i]: ag[2i], ag[2i+1] */
	unsigned char	*placed;	/* 0: a new schedule not placed yet */
	int		 n;
	int		 nagents;
	int		*first;		/* CSR: schedules of agent a are */
	int		*list;		/* list[first[a] .. first[a+1]) */
	double		*rate;		/* runs per second of each agent */
	struct ctl_spread_pt *pt;	/* scratch: the tents of one decision */
	size_t		 npt, maxpt;
};

/* One tent: a run of another schedule, class 0 (shares A), 1 (B), 2 (both). */
struct ctl_spread_pt {
	double		 pos;		/* in [0, T) of the schedule placed */
	int		 cls;
};

/* For the index's sort of agent names. */
struct ctl_spread_name {
	const char	*name;
	int		 slot;		/* 2 * schedule + side */
};

static int
ctl_spread_name_cmp(const void *a, const void *b)
{
	const struct ctl_spread_name *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int
ctl_spread_pt_cmp(const void *a, const void *b)
{
	const struct ctl_spread_pt *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static long
ctl_spread_gcd(long a, long b)
{
	long	 t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

double
ctl_spread_dist(double a, double b, long g)
{
	double	 d = fmod(fabs(a - b), (double)g);

	return d < (double)g - d ? d : (double)g - d;
}

/* Free an index of ctl_spread_index. */
static void
ctl_spread_free(struct ctl_spread *x)
{
	if (x == NULL)
		return;
	free(x->v);
	free(x->ag);
	free(x->placed);
	free(x->first);
	free(x->list);
	free(x->rate);
	free(x->pt);
	free(x);
}

/* The tenant's pair schedules indexed by agent (NULL: out of memory). */
static struct ctl_spread *
ctl_spread_index(struct ctl *ctl, const char *tenant)
{
	struct ctl_spread	*x;
	struct ctl_spread_name	*nm = NULL;
	struct ctl_sched	*s;
	int			 i, k, a, *fill = NULL;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	TAILQ_FOREACH(s, &ctl->scheds, entry)
		if (!s->mesh_row && strcmp(s->tenant, tenant) == 0)
			x->n++;
	if ((x->v = calloc((size_t)x->n + 1, sizeof(*x->v))) == NULL ||
	    (x->ag = calloc(2 * (size_t)x->n + 1, sizeof(int))) == NULL ||
	    (x->placed = calloc((size_t)x->n + 1, 1)) == NULL ||
	    (nm = calloc(2 * (size_t)x->n + 1, sizeof(*nm))) == NULL)
		goto fail;
	i = 0;
	TAILQ_FOREACH(s, &ctl->scheds, entry) {
		if (s->mesh_row || strcmp(s->tenant, tenant) != 0)
			continue;
		x->v[i] = s;
		x->placed[i] = 1;
		nm[2 * i].name = s->agent[0];
		nm[2 * i].slot = 2 * i;
		nm[2 * i + 1].name = s->agent[1];
		nm[2 * i + 1].slot = 2 * i + 1;
		i++;
	}
	/* agent names to ids */
	/* never qsort an empty list: its base may be NULL (UBSan) */
	if (x->n > 0)
		qsort(nm, 2 * (size_t)x->n, sizeof(*nm), ctl_spread_name_cmp);
	for (k = 0; k < 2 * x->n; k++) {
		if (k > 0 && strcmp(nm[k].name, nm[k - 1].name) != 0)
			x->nagents++;
		x->ag[nm[k].slot] = x->nagents;
	}
	if (x->n > 0)
		x->nagents++;
	if ((x->first = calloc((size_t)x->nagents + 1, sizeof(int))) == NULL ||
	    (x->list = calloc(2 * (size_t)x->n + 1, sizeof(int))) == NULL ||
	    (x->rate = calloc((size_t)x->nagents + 1, sizeof(double))) ==
	    NULL || (fill = calloc((size_t)x->nagents + 1, sizeof(int))) ==
	    NULL)
		goto fail;
	for (k = 0; k < 2 * x->n; k++) {
		a = x->ag[k];
		x->first[a + 1]++;
		if (!x->v[k / 2]->paused)
			x->rate[a] += 1.0 / (double)x->v[k / 2]->every_s;
	}
	for (a = 0; a < x->nagents; a++)
		x->first[a + 1] += x->first[a];
	for (k = 0; k < 2 * x->n; k++) {
		a = x->ag[k];
		x->list[x->first[a] + fill[a]++] = k / 2;
	}
	free(fill);
	free(nm);
	return x;
fail:
	free(fill);
	free(nm);
	ctl_spread_free(x);
	return NULL;
}

/* The index of s in x, or -1. */
static int
ctl_spread_find(const struct ctl_spread *x, const struct ctl_sched *s)
{
	int	 i;

	for (i = 0; i < x->n; i++)
		if (x->v[i] == s)
			return i;
	return -1;
}

/* Weights of the three classes of tents for schedule i. */
static void
ctl_spread_weights(const struct ctl_spread *x, int i, double w[3])
{
	double	 ra = x->rate[x->ag[2 * i]], rb = x->rate[x->ag[2 * i + 1]];

	w[0] = ra;
	w[1] = rb;
	w[2] = ra < rb ? ra : rb;
}

/*
 * Call fn for each placed, running schedule j other than i that shares an
 * agent with i, once, with its class (0 shares A, 1 B, 2 both).
 */
static int
ctl_spread_each(const struct ctl_spread *x, int i,
    int (*fn)(const struct ctl_spread *, int i, int j, int cls, void *),
    void *arg)
{
	int	 a = x->ag[2 * i], b = x->ag[2 * i + 1], side, k, j, cls;

	for (side = 0; side < 2; side++) {
		int	 me = side == 0 ? a : b, other = side == 0 ? b : a;

		for (k = x->first[me]; k < x->first[me + 1]; k++) {
			j = x->list[k];
			if (j == i || !x->placed[j] || x->v[j]->paused)
				continue;
			cls = side;
			if (x->ag[2 * j] == other || x->ag[2 * j + 1] == other) {
				/* shares both: seen from A's side only */
				if (side == 1)
					continue;
				cls = 2;
			}
			if (fn(x, i, j, cls, arg) == -1)
				return -1;
		}
	}
	return 0;
}

/* The weighted gap of i at phase p, and the count of tents: one pass. */
struct ctl_spread_eval {
	double		 p;		/* the phase weighed */
	double		 w[3];		/* weights of the three classes */
	double		 score;		/* the smallest weighted gap so far */
	size_t		 npt;		/* tents counted so far */
};

static int
ctl_spread_eval_one(const struct ctl_spread *x, int i, int j, int cls,
    void *arg)
{
	struct ctl_spread_eval	*e = arg;
	long			 g = ctl_spread_gcd(x->v[i]->every_s,
				    x->v[j]->every_s);
	double			 d = ctl_spread_dist(e->p, x->v[j]->phase, g) *
				    e->w[cls];

	if (d < e->score)
		e->score = d;
	e->npt += (size_t)(x->v[i]->every_s / g);
	return 0;
}

/* The weighted gap of schedule i at phase p (HUGE_VAL with no neighbour). */
static double
ctl_spread_score(const struct ctl_spread *x, int i, double p, size_t *npt)
{
	struct ctl_spread_eval	 e;

	e.p = p;
	e.score = HUGE_VAL;
	e.npt = 0;
	ctl_spread_weights(x, i, e.w);
	(void)ctl_spread_each(x, i, ctl_spread_eval_one, &e);
	if (npt != NULL)
		*npt = e.npt;
	return e.score;
}

static int
ctl_spread_tents(const struct ctl_spread *x, int i, int j, int cls, void *arg)
{
	struct ctl_spread	*w = arg;
	long			 T = x->v[i]->every_s;
	long			 g = ctl_spread_gcd(T, x->v[j]->every_s), m;
	double			 base = fmod(x->v[j]->phase, (double)g);

	if (base < 0)
		base += (double)g;
	for (m = 0; m < T / g; m++) {
		w->pt[w->npt].pos = base + (double)m * (double)g;
		w->pt[w->npt].cls = cls;
		w->npt++;
	}
	return 0;
}

/*
 * The best phase of schedule i against the others placed, and its
 * weighted gap in *score: exact when the tents number at most
 * CTL_SPREAD_CANDS (the best of each stretch between two neighbouring
 * tents is where a rising and a falling side cross); else the best of
 * CTL_SPREAD_CANDS phases evenly spread.  -1 on memory exhaustion.
 */
static int
ctl_spread_best(struct ctl_spread *x, int i, double now, double *phase,
    double *score)
{
	long		 T = x->v[i]->every_s;
	double		 w[3], l[3], r[3], bestp, best = -1, p, f, v, q;
	double		*nxt = NULL;
	size_t		 npt, k, c, u, n;
	int		 cls;

	ctl_spread_weights(x, i, w);
	(void)ctl_spread_score(x, i, 0, &npt);
	/* no neighbour: the next tick's phase, the first run soonest */
	bestp = fmod(floor(now) + 1, (double)T);
	if (npt == 0) {
		*phase = bestp;
		*score = HUGE_VAL;
		return 0;
	}
	if (npt > CTL_SPREAD_CANDS) {
		for (k = 0; k < CTL_SPREAD_CANDS; k++) {
			p = (double)T * (double)k / CTL_SPREAD_CANDS;
			if ((v = ctl_spread_score(x, i, p, NULL)) > best) {
				best = v;
				bestp = p;
			}
		}
		*phase = bestp;
		*score = best;
		return 0;
	}
	if (npt > x->maxpt) {
		free(x->pt);
		x->maxpt = npt;
		if ((x->pt = calloc(npt, sizeof(*x->pt))) == NULL) {
			x->maxpt = 0;
			return -1;
		}
	}
	x->npt = 0;
	(void)ctl_spread_each(x, i, ctl_spread_tents, x);
	if ((n = x->npt) == 0) {	/* counted above: not reached */
		*phase = bestp;
		*score = HUGE_VAL;
		return 0;
	}
	qsort(x->pt, n, sizeof(*x->pt), ctl_spread_pt_cmp);
	/* nxt[3k + c]: the first tent of class c at or after k (circular) */
	if ((nxt = calloc(3 * n, sizeof(double))) == NULL)
		return -1;
	for (c = 0; c < 3; c++)
		r[c] = HUGE_VAL;
	/* two passes backwards: the second sees the wrap */
	for (u = 2 * n; u-- > 0;) {
		k = u % n;
		q = x->pt[k].pos + (u >= n ? (double)T : 0);
		r[x->pt[k].cls] = q;
		if (u < n)
			for (c = 0; c < 3; c++)
				nxt[3 * k + c] = r[c];
	}
	for (c = 0; c < 3; c++)
		l[c] = -HUGE_VAL;
	for (k = 0; k < n; k++)	/* the last of each class, a turn before */
		l[x->pt[k].cls] = x->pt[k].pos - (double)T;
	for (k = 0; k < n; k++) {
		double	 lo = x->pt[k].pos, hi = k + 1 < n ?
			    x->pt[k + 1].pos : x->pt[0].pos + (double)T;
		size_t	 a, b;

		l[x->pt[k].cls] = lo;
		if (hi - lo <= 0)
			continue;
		/* the right sides: the first of each class after k */
		for (c = 0; c < 3; c++)
			r[c] = k + 1 < n ? nxt[3 * (k + 1) + c] :
			    nxt[c] + (double)T;
		/* where each rising side meets each falling one */
		for (a = 0; a < 3; a++) {
			if (l[a] == -HUGE_VAL)
				continue;
			for (b = 0; b < 3; b++) {
				if (r[b] == HUGE_VAL)
					continue;
				p = (w[a] * l[a] + w[b] * r[b]) / (w[a] + w[b]);
				if (p < lo)
					p = lo;
				if (p > hi)
					p = hi;
				f = HUGE_VAL;
				for (cls = 0; cls < 3; cls++) {
					if (l[cls] != -HUGE_VAL &&
					    w[cls] * (p - l[cls]) < f)
						f = w[cls] * (p - l[cls]);
					if (r[cls] != HUGE_VAL &&
					    w[cls] * (r[cls] - p) < f)
						f = w[cls] * (r[cls] - p);
				}
				if (f > best) {
					best = f;
					bestp = p;
				}
			}
		}
	}
	free(nxt);
	bestp = fmod(bestp, (double)T);
	if (bestp < 0)
		bestp += (double)T;
	*phase = bestp;
	*score = best;
	return 0;
}

int
ctl_spread_place(struct ctl *ctl, struct ctl_sched **add, int nadd,
    double now, struct ctl_sched **moved, int maxmoved)
{
	struct ctl_spread	*x;
	unsigned char		*near = NULL, *touched = NULL;
	double			 p, sc, cur;
	int			*idx = NULL, i, j, k, pass, nmoved = 0, change;

	if (nadd <= 0)
		return 0;
	if ((x = ctl_spread_index(ctl, add[0]->tenant)) == NULL ||
	    (idx = calloc((size_t)nadd, sizeof(int))) == NULL ||
	    (near = calloc((size_t)x->nagents + 1, 1)) == NULL ||
	    (touched = calloc((size_t)x->n + 1, 1)) == NULL)
		goto fail;
	/* the new ones are not in the way of one another until placed */
	for (k = 0; k < nadd; k++) {
		if ((idx[k] = ctl_spread_find(x, add[k])) == -1)
			continue;
		x->placed[idx[k]] = 0;
		near[x->ag[2 * idx[k]]] = near[x->ag[2 * idx[k] + 1]] = 1;
	}
	for (k = 0; k < nadd; k++) {
		if ((i = idx[k]) == -1)
			continue;
		if (ctl_spread_best(x, i, now, &p, &sc) == -1)
			goto fail;
		ctl_sched_move(add[k], p, now);
		x->placed[i] = 1;
	}
	/*
	 * Then the other schedules of those agents, each to its own best
	 * phase when that is better than where it is, a few passes, at most
	 * maxmoved schedules moved.
	 */
	for (pass = 0; pass < CTL_SPREAD_PASSES; pass++) {
		change = 0;
		for (j = 0; j < x->n; j++) {
			/* only ctl_sched_movable ones: gaps within 2 intervals */
			if (!ctl_sched_movable(x->v[j], now) ||
			    (!near[x->ag[2 * j]] && !near[x->ag[2 * j + 1]]))
				continue;
			cur = ctl_spread_score(x, j, x->v[j]->phase, NULL);
			if (ctl_spread_best(x, j, now, &p, &sc) == -1)
				goto fail;
			if (!(sc > cur * (1 + 1e-9) + 1e-12))
				continue;
			if (!touched[j]) {
				for (k = 0; k < nadd; k++)
					if (idx[k] == j)
						break;
				if (k == nadd) {
					if (nmoved >= maxmoved)
						continue;
					moved[nmoved++] = x->v[j];
				}
				touched[j] = 1;
			}
			ctl_sched_move(x->v[j], p, now);
			change = 1;
		}
		if (!change)
			break;
	}
	free(idx);
	free(near);
	free(touched);
	ctl_spread_free(x);
	return nmoved;
fail:
	/* out of memory: what was placed stays placed, the rest where it was */
	free(idx);
	free(near);
	free(touched);
	ctl_spread_free(x);
	return nmoved;
}
