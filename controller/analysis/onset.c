/*
 * onset.c: the loss onset of one direction as a change point
 * (docs/analysis.md, section 3b): where the loss rate steps up and stays
 * up, with its interval, hops known to limit their replies left out.
 * Fills st->a->loss[dir] and the rate-limit artifacts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roundtrip_priv.h"

int
rt_onset(struct an_state *st, enum analysis_dir dir)
{
	struct an_dir	*d = &st->d[dir];
	struct analysis_loss *L = &st->a->loss[dir];
	struct est_table t;
	struct est_fit	 fit;
	double		*sc = NULL, best, sum, acc, p;
	int		*ord = NULL, *oh = NULL;
	int		 i, j, k, e, on, lo_ttl, hi_ttl, rc = 0;

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
		o->skip = rt_hop_limited(h->th);
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
	goto done;
oom:
	rc = -1;
done:
	est_fit_free(&fit);
	free(t.obs);
	free(t.elem);
	free(t.mult);
	free(oh);
	free(sc);
	free(ord);
	return rc;
}

