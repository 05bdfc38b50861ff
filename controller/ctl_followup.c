/* ctl_followup.c: a pair's follow-up round: planned from an inconclusive (or not firm) first round, its jobs started within the budget, the two rounds merged. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "ctl.h"
#include "followup.h"
#include "log.h"

/*
 * The end of pair p's follow-up round: each direction's two rounds
 * merged into mt[d] (NULL where no second round's trace came back: that
 * direction is the first round's), and p->fu told what was merged and
 * what failed.  A job that failed loses its id in the record, so that a
 * result stored later is not merged when the pair is read back.
 */
void
ctl_follow_up_merge(struct ctl_pair *p, struct trace *mt[2])
{
	struct followup_info *fu = p->fu;
	struct ctl_job	*j;
	char		 note[FOLLOWUP_WHY_LEN];
	size_t		 n = 0;
	int		 d;

	note[0] = '\0';
	for (d = 0; d < 2; d++) {
		j = p->job[d];
		if (fu->job[d][0] == '\0')
			continue;	/* not probed again */
		if (j->trace != NULL && (mt[d] = followup_merge(
		    p->first[d]->trace, j->trace, &fu->merged[d],
		    &fu->changed[d])) != NULL)
			continue;
		fu->job[d][0] = '\0';
		if (n < sizeof(note))
			n += (size_t)snprintf(note + n, sizeof(note) - n,
			    "%sthe %s round failed (%.100s)", n ? "; " : "",
			    analysis_dir_name(d), j->trace ? "out of memory" :
			    j->error);
	}
	fu->ran = mt[0] != NULL || mt[1] != NULL;
	if (note[0] != '\0')
		snprintf(fu->why, sizeof(fu->why), "%s", note);
}

/* The time one probe a hop takes in the slower of a pair's two runs. */
static double
round_s(const struct probe_opts o[2])
{
	double	 a = probe_opts_round_s(&o[0]), b = probe_opts_round_s(&o[1]);

	return a > b ? a : b;
}

/*
 * Pair p's first round is in (both jobs done): when both traces came back
 * and their analysis is inconclusive, start the follow-up round (1: job[]
 * are its jobs now, first[] the first round's), or record in p->fu why
 * none runs (0).  A first round decided below ANALYSIS_FIRM (confirm)
 * gets a confirming round the same way, but no record when none can run.
 * 0 without a record when the first round decided firmly or p takes no
 * follow-up.  The round probes each direction's deciding hops
 * (followup_plan) and ends, with the pair, within the budget
 * (follow_up_budget_ms from the pair's start) and the pair's deadline.
 */
int
ctl_follow_up(struct ctl *ctl, struct ctl_pair *p)
{
	struct ctl_agent	*ag[2];
	struct ctl_job		*nj[2] = { NULL, NULL };
	struct followup_plan	 plan;
	struct followup_info	*fu;
	struct analysis		*an;
	struct probe_opts	 o[2];
	const char		*w;
	char			 buf[256];
	double			 end, wait, start;
	int64_t			 now_ns, start_ns, rtt_max;
	uint32_t		 left_ms;
	int			 i, q1, ok, confirm;

	if (!p->follow_up || p->round != 1 || p->opts == NULL ||
	    p->job[0]->trace == NULL || p->job[1]->trace == NULL)
		return 0;
	if ((an = ctl_analysis_run(ctl, p, p->job[0]->trace,
	    p->job[1]->trace)) == NULL)
		return 0;
	if ((!an->inconclusive && !an->confirm) ||
	    (fu = calloc(1, sizeof(*fu))) == NULL) {
		analysis_free(an);
		return 0;
	}
	confirm = !an->inconclusive;
	p->fu = fu;
	snprintf(fu->first_verdict, sizeof(fu->first_verdict), "%s",
	    an->verdict);
	fu->needed = an->probes_needed;
	fu->budget_s = ctl->conf.follow_up_budget_ms / 1000.0;
	end = p->started + fu->budget_s;
	if (end > p->deadline)
		end = p->deadline;
	q1 = p->opts[0].queries > p->opts[1].queries ? p->opts[0].queries :
	    p->opts[1].queries;
	wait = p->opts[0].wait_max > p->opts[1].wait_max ?
	    p->opts[0].wait_max : p->opts[1].wait_max;
	/*
	 * The time one probe a hop takes: a loss measurement's interval, or a
	 * --quick run's pacing (until 2026-12-06 the interval for both, so a
	 * quick pair's follow-up was capped at about 110 probes per hop as if
	 * sent in rounds 0.5 s apart)
	 */
	ok = followup_plan(an, q1, end - ctl_now(), round_s(p->opts), wait,
	    &plan, fu->why, sizeof(fu->why));
	analysis_free(an);
	fu->cap = plan.cap;
	if (!ok)
		goto none;
	for (i = 0; i < 2; i++) {
		if ((ag[i] = ctl_registry_find(ctl, p->tenant,
		    p->agent[i])) == NULL) {
			snprintf(fu->why, sizeof(fu->why), "agent %s is gone",
			    p->agent[i]);
			goto none;
		}
		if ((w = ctl_agent_unready(ag[i], 1, buf, sizeof(buf))) != NULL) {
			snprintf(fu->why, sizeof(fu->why), "%s", w);
			goto none;
		}
		o[i] = p->opts[i];
		if (plan.ttl_lo[i] == 0)
			continue;
		o[i].first_ttl = plan.ttl_lo[i];
		o[i].max_ttl = plan.ttl_hi[i];
		o[i].queries = plan.queries;
		/*
		 * Measured as the first round was: a loss measurement's hops
		 * may count ICMP echo to their address, whose round trip is
		 * not the probes' (docs/probing.md), and the two rounds'
		 * figures are added up hop by hop.
		 */
		o[i].loss = probe_opts_loss(&p->opts[i]) ? 1 : -1;
		if (probe_opts_check(&o[i], buf, sizeof(buf)) == -1) {
			snprintf(fu->why, sizeof(fu->why), "its options: %s", buf);
			goto none;
		}
	}
	/* a common instant again, as for the first round */
	now_ns = ctl_now_ns();
	rtt_max = ag[0]->clock.rtt_ns > ag[1]->clock.rtt_ns ?
	    ag[0]->clock.rtt_ns : ag[1]->clock.rtt_ns;
	start_ns = now_ns + 2 * rtt_max + ctl->conf.pair_margin_ms * 1000000LL;
	start = (double)start_ns / 1e9;
	if (end - start < plan.queries * round_s(o) + wait) {
		snprintf(fu->why, sizeof(fu->why), "the budget is spent: %.0f s "
		    "left", end - start > 0 ? end - start : 0);
		goto none;
	}
	left_ms = (uint32_t)((end - start) * 1000);
	for (i = 0; i < 2; i++) {
		p->first[i] = p->job[i];
		p->job[i] = NULL;
		if ((nj[i] = ctl_job_new(ctl, p, i, ag[i])) == NULL)
			break;
	}
	if (i < 2) {
		for (i = 0; i < 2; i++) {
			if (nj[i] != NULL) {
				TAILQ_REMOVE(&ctl->jobs, nj[i], entry);
				free(nj[i]);
			}
			p->job[i] = p->first[i];
			p->first[i] = NULL;
		}
		snprintf(fu->why, sizeof(fu->why), "out of memory");
		return 0;
	}
	p->round = 2;
	p->deadline = end;
	fu->queries = plan.queries;
	for (i = 0; i < 2; i++) {
		fu->ttl_lo[i] = plan.ttl_lo[i];
		fu->ttl_hi[i] = plan.ttl_hi[i];
	}
	log_info("pair %s: %s; follow-up round of %d probes per hop "
	    "on forward hops %d-%d, reverse hops %d-%d (%d asked for, %.1f s "
	    "left)", p->id, confirm ? "decided, not firmly" : "inconclusive",
	    plan.queries, plan.ttl_lo[0], plan.ttl_hi[0],
	    plan.ttl_lo[1], plan.ttl_hi[1], fu->needed, end - start);
	for (i = 0; i < 2; i++) {
		if (plan.ttl_lo[i] == 0) {
			/* nothing this way tells the candidates apart */
			nj[i]->done = 1;
			snprintf(nj[i]->error, sizeof(nj[i]->error), "no "
			    "deciding hop in this direction");
			continue;
		}
		snprintf(fu->job[i], sizeof(fu->job[i]), "%s", nj[i]->id);
		if (ctl_job_send(ctl, ag[i], nj[i], &o[i], start, start_ns +
		    ag[i]->clock.offset_ns, ctl_agent_deadline(left_ms), buf,
		    sizeof(buf)) == -1) {
			nj[i]->done = 1;
			snprintf(nj[i]->error, sizeof(nj[i]->error),
			    "agent %s: %.150s", ag[i]->name, buf);
		}
	}
	return 1;
none:
	log_info("pair %s: %s; no follow-up round: %s", p->id, confirm ?
	    "decided, not firmly" : "inconclusive", fu->why);
	if (confirm) {
		/* a decided pair that could not be confirmed reads as
		   before: no follow-up record */
		free(p->fu);
		p->fu = NULL;
	}
	return 0;
}
