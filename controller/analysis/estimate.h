/*
 * estimate.h: the loss estimator of the round-trip model (pure, no I/O).
 *
 * Input: a table of observations (one per hop of a trace: probes sent,
 * replies received) and, per observation, the elements its round trip
 * crosses with how often (a directed link, a router, a change point).
 * Each element e may lose a share p_e of what crosses it; an observation's
 * reply comes back with probability prod (1 - p_e)^m.  Any single
 * observation may also lose replies of its own (a router limiting its
 * ICMP): that costs one parameter and explains nothing else.
 *
 * The estimator picks the set of lossy elements that maximises the
 * penalised log-likelihood (BIC: each parameter costs ln(N)/2, N the
 * probes of the table; an element may cost more by the table's prior
 * against it), greedily (forward selection, at most EST_KMAX
 * elements), and reports each chosen element's loss with a 95 % profile
 * likelihood interval and its confidence: its weight against every
 * explanation that swaps it for another element or drops it,
 * w = exp(score - best score), confidence = 1 / (1 + sum of the others' w).
 */
#ifndef TRACEPAIR_ESTIMATE_H
#define TRACEPAIR_ESTIMATE_H

#define EST_KMAX	4	/* most lossy elements in one explanation */
#define EST_MAXALT	8	/* alternatives kept per chosen element */

/* One observation: a hop of a trace. */
struct est_obs {
	int		 sent;		/* probes */
	int		 recv;		/* replies */
	int		 skip;		/* 1: left out (rate limit known, no data) */
	int		 off;		/* its elements: elem[off .. off + n - 1] */
	int		 n;		/* how many */
};

/* The table the estimator works on. */
struct est_table {
	int		 nobs;		/* entries in obs */
	struct est_obs	*obs;
	int		*elem;		/* element ids, by obs[].off */
	unsigned char	*mult;		/* how often the round trip crosses it */
	int		 nelem;		/* element ids are 0 .. nelem - 1 */
	const unsigned char *cand;	/* cand[e]: e may be chosen (NULL: all) */
	const double	*prior;		/* prior[e]: ln of the prior odds
					   against e being lossy, beside the
					   BIC's cost of its parameter, >= 0
					   (NULL: none) */
};

/* Another element that explains the data nearly as well as a chosen one. */
struct est_alt {
	int		 elem;		/* the element, -1: none (the loss is noise) */
	double		 p;		/* its loss in that explanation */
	double		 share;		/* its share of the weight, 0..1 */
	double		 dscore;	/* best score - its score (>= 0) */
};

/* The best explanation. */
struct est_fit {
	double		 penalty;	/* ln(N)/2 */
	double		 score;		/* penalised log-likelihood */
	double		 score_null;	/* the same with no lossy element */
	int		 k;		/* lossy elements chosen */
	int		 e[EST_KMAX];	/* their ids */
	double		 p[EST_KMAX];	/* their loss, 0..1 */
	double		 lo[EST_KMAX], hi[EST_KMAX];	/* 95 % interval of p */
	double		 conf[EST_KMAX];	/* 0..1 */
	int		 nalt[EST_KMAX];	/* entries in alt[i] */
	struct est_alt	 alt[EST_KMAX][EST_MAXALT];	/* most likely first */
	int		 nown;		/* observations that lose replies of their own */
	unsigned char	*own;		/* own[o]: 1 when observation o does (nobs) */
};

/*
 * Fit tab, choosing at most kmax (<= EST_KMAX) elements.  Returns 0, or -1
 * when memory runs out.  Free fit->own with est_fit_free().
 */
int		 est_run(const struct est_table *tab, int kmax, struct est_fit *fit);
void		 est_fit_free(struct est_fit *);
/*
 * Score of the single-element explanation {e} (its loss fitted), with the
 * table's penalty; for change points and the inconclusive advice.
 */
double		 est_score1(const struct est_table *tab, int e, double *p);

/*
 * The delay fit of the round-trip model: a box-constrained, L1-penalised
 * weighted least-squares problem (a non-negative lasso), solved by
 * coordinate descent.  Observation o (a hop) has the value y[o] (its
 * minimum RTT, ms) and the weight w[o] (1 / sigma^2); column c (one
 * unknown: a link's distance, its one-way queueing, a hop's own delay)
 * has, per observation, a coefficient (how often the round trip crosses
 * it), a penalty pen[c] per ms (the prior: log-likelihood units) and an
 * upper bound ub[c] (0: the column is off).  It minimises
 *   sum_o w[o] (y[o] - sum_c A[o][c] x[c])^2 / 2 + sum_c pen[c] x[c],
 *   0 <= x[c] <= ub[c].
 */
struct est_lasso {
	int		 nobs;		/* observations */
	const double	*y;		/* their values */
	const double	*w;		/* their weights */
	int		 ncol;		/* columns */
	const int	*coff;		/* column c's entries: cobs/ccoef[coff[c]..coff[c+1]) */
	const int	*cobs;		/* the observation of an entry */
	const double	*ccoef;		/* its coefficient */
	const double	*pen;		/* per column: penalty per unit */
	const double	*ub;		/* per column: upper bound (HUGE_VAL: none) */
};

/*
 * Fit: x (ncol, read as the start, written with the fit) and r (nobs,
 * scratch: the residuals).  Returns the objective at the fit.
 */
double		 est_lasso_fit(const struct est_lasso *, double *x, double *r);

#endif
