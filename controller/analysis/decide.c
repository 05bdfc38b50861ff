/*
 * decide.c: how many probes per hop would decide a loss verdict the
 * round-trip model left inconclusive or not firm (docs/analysis.md 3a,
 * "Inconclusive" and "The count asked of a user"): the deciding hops,
 * the evidence one probe there adds against the hardest alternative and
 * its spread, the count the controller's follow-up round plans on and
 * the count a user is asked for.  The model and the fit are roundtrip.c's.
 */
#include <math.h>

#include "roundtrip_priv.h"

#define RT_RERUN_Z	1.2816	/* the count a user is asked for decides one
				   rerun in 9 of 10 draws (normal quantile) */
#define RT_FOLLOW	0.01	/* an alternative with this share of the weight
				   is a candidate a follow-up round should
				   tell apart (listed or not) */

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

/* Bernoulli(x) against Bernoulli(y): the evidence one probe adds, nats. */
static double
kl_bern(double x, double y)
{
	x = x < 1e-4 ? 1e-4 : x > 0.9999 ? 0.9999 : x;
	y = y < 1e-4 ? 1e-4 : y > 0.9999 ? 0.9999 : y;
	return x * log(x / y) + (1 - x) * log((1 - x) / (1 - y));
}

/*
 * The spread of that evidence: the variance of one probe's log-likelihood
 * ratio, Bernoulli(x) against Bernoulli(y), drawn from x, nats squared.
 */
static double
llr_var(double x, double y)
{
	double	 d;

	x = x < 1e-4 ? 1e-4 : x > 0.9999 ? 0.9999 : x;
	y = y < 1e-4 ? 1e-4 : y > 0.9999 ? 0.9999 : y;
	d = log(x / y) - log((1 - x) / (1 - y));
	return x * (1 - x) * d * d;
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
 * from it (of those some hop tells apart), were the first suspect right
 * with the least loss its 95 % interval allows (and in *est, unless
 * NULL, the same at its estimate):
 * the Kullback-Leibler divergence of their reply probabilities summed
 * over the hops, in nats; 0 when no hop decides.  In *var, unless NULL,
 * the variance of that evidence (llr_var, summed over the same hops,
 * against the same alternative).
 */
double
rt_deciding_hops(struct rt *r, const struct est_fit *fit, int top, double *est,
    double *var)
{
	const struct est_table *t = &r->tab;
	struct analysis	*a = r->st->a;
	double		 pc[EST_MAXALT + 1], kl = 0, ke = 0, sc = 1, v = 0;
	int		 cand[EST_MAXALT + 1], nc = 0, i, j, c, m, m0, d, ttl;
	int		 tw = rt_twin_of(r, fit->e[top]), differ;
	double		 klc, kle, vc;

	pc[nc] = fit->p[top];
	cand[nc++] = fit->e[top];
	for (j = 0; j < fit->nalt[top]; j++) {
		const struct est_alt *al = &fit->alt[top][j];

		if (al->elem == tw || (al->elem >= 0 && rt_names_limited(r,
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
	/*
	 * Planned at the low end of the first suspect's interval, every
	 * candidate's loss scaled alike: from few probes per hop the point
	 * estimate is rough, and a count planned on it came out mostly too
	 * low (docs/analysis.md 3a, "Inconclusive").
	 */
	if (fit->lo[top] > 0 && fit->lo[top] < fit->p[top])
		sc = fit->lo[top] / fit->p[top];
	/*
	 * The evidence against each alternative, over every deciding hop.
	 * The other chosen suspects' losses on a hop's round trip (a second
	 * fault) thin both explanations' replies alike: they stay in the
	 * reply probabilities, at their estimates (without them, the count
	 * for one of two faults came out about a third of what it needs).
	 */
	for (c = 1; c < nc; c++) {
		klc = kle = vc = 0;
		for (i = 0; i < t->nobs; i++) {
			const struct est_obs *o = &t->obs[i];
			int	 m1 = 0, k;
			double	 qo = 1;

			if (o->skip || o->sent == 0 || (r->own && r->own[i]))
				continue;
			m0 = 0;
			for (j = 0; j < o->n; j++) {
				int	 e = t->elem[o->off + j];

				if (e == cand[0] || (tw >= 0 && e == tw))
					m0 += t->mult[o->off + j];
				if (cand[c] >= 0 && e == cand[c])
					m1 += t->mult[o->off + j];
				for (k = 0; k < fit->k; k++)
					if (k != top && fit->e[k] == e &&
					    e != cand[c])
						qo *= pow(1 - fit->p[k],
						    t->mult[o->off + j]);
			}
			if (m0 == m1)
				continue;
			klc += kl_bern(qo * pow(1 - sc * pc[0], m0),
			    qo * pow(1 - sc * pc[c], m1));
			vc += llr_var(qo * pow(1 - sc * pc[0], m0),
			    qo * pow(1 - sc * pc[c], m1));
			if (est != NULL)
				kle += kl_bern(qo * pow(1 - pc[0], m0),
				    qo * pow(1 - pc[c], m1));
		}
		if (klc > 1e-9 && (kl == 0 || klc < kl)) {
			kl = klc;
			v = vc;
		}
		if (kle > 1e-9 && (ke == 0 || kle < ke))
			ke = kle;
	}
	if (est != NULL)
		*est = ke;
	if (var != NULL)
		*var = v;
	return kl;
}

/*
 * The probes per hop that would bring chosen suspect i of fit to 0.95
 * (into r's analysis: probes_needed, the most any suspect needs;
 * same_round_trips; the deciding hops, rt_deciding_hops()).  Returns 1 when
 * more probes would not decide it.
 */
int
rt_probes_to_decide(struct rt *r, const struct est_fit *fit, int i)
{
	struct analysis	*a = r->st->a;
	double		 kl, kle, kv, dp, dsc, need = 0, gap = 0, rerun;
	int		 q;

	q = median_sent(&r->tab);
	dsc = fit->nalt[i] > 0 ? fit->alt[i][0].dscore : 0;
	/* the priors' part of the gap does not grow with the probes */
	dp = fit->nalt[i] > 0 ? (fit->alt[i][0].elem >= 0 ?
	    r->prior[fit->alt[i][0].elem] : 0) - r->prior[fit->e[i]] : 0;
	kl = rt_deciding_hops(r, fit, i, &kle, &kv);
	/* the data's part of the score gap grows with the probes: 95 %
	   needs ln 19 */
	if (dsc - dp > 0.05 && q > 0)
		need = gap = ceil(q * (log(19.0) - dp) / (dsc - dp));
	/* what one probe at each deciding hop is expected to add against
	   the hardest alternative: the more of the two */
	if (kl > 1e-9 && ceil(log(19.0) / kl) > need)
		need = ceil(log(19.0) / kl);
	/* past the most a hop can take only at the low end, not at the
	   estimate: the most, not "would not decide" */
	if (need > TRACE_MAX_QUERIES && gap <= TRACE_MAX_QUERIES &&
	    kle > 1e-9 && ceil(log(19.0) / kle) <= TRACE_MAX_QUERIES)
		need = TRACE_MAX_QUERIES;
	/*
	 * Both figures weigh the suspect against its alternatives; when the
	 * weight it lacks is the no-fault model's (a lone suspect at 0.23)
	 * they can come out at or below the q probes that did not decide
	 * ("about 1 probes per hop").  What did not decide is not enough: at
	 * least twice q.
	 */
	if (need > 0 && need <= q)
		need = 2 * q;
	/*
	 * need is where the evidence reaches ln 19 on average: a rerun of
	 * that many falls short about half the time (the lab's pasted
	 * traceroute: right in 5-8 of 10 after one rerun as asked).  What a
	 * user is asked for is planned so that one rerun gets there in about
	 * 9 of 10 draws: the evidence of n probes per hop is near normal,
	 * mean n kl and variance n kv, and n kl - RT_RERUN_Z sqrt(n kv) =
	 * ln 19 gives the factor on need (2-3 on the lab's pairs).
	 */
	rerun = need;
	if (need > 0 && kl > 1e-9 && kv > 0) {
		double	 x = (RT_RERUN_Z * sqrt(kv) + sqrt(RT_RERUN_Z *
			    RT_RERUN_Z * kv + 4 * kl * log(19.0))) / (2 * kl);

		rerun = ceil(need * x * x * kl / log(19.0));
		if (rerun < need)
			rerun = need;
	}
	if (rerun > TRACE_MAX_QUERIES)
		rerun = TRACE_MAX_QUERIES;
	if (need <= 0)
		a->same_round_trips = 1;
	else if (need <= TRACE_MAX_QUERIES && need > a->probes_needed)
		a->probes_needed = (int)need;
	if (need > 0 && need <= TRACE_MAX_QUERIES && rerun > a->probes_rerun)
		a->probes_rerun = (int)rerun;
	/* more probes would not decide it: the verdict says so
	   (probes_needed 0) */
	return need <= 0 || need > TRACE_MAX_QUERIES;
}

