/* probe_loss.c: loss measurement in rounds (docs/probing.md): the send order of rounds, an ICMP echo child per hop, each hop's rate limit learned, kept under and checked, and which figure stands for the hop. */
#include <sys/types.h>
#include <sys/queue.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "probe_pkt.h"
#include "probe_run.h"
#include "stats.h"

/*
 * The slot sent at position j of the send order.  A loss run sends round
 * by round (every TTL once per round); otherwise all of a TTL's probes go
 * before the next TTL's, as before.
 */
int
order_slot(const struct probe_run *r, int j)
{
	if (!r->loss)
		return j;
	return (j % r->nttl) * r->opts.queries + j / r->nttl;
}

/* 1 answered, 0 lost, -1 not known (yet): echo probe j of TTL k. */
static int
echo_state(const struct probe_run *r, int k, int j)
{
	const struct ttl_loss *l = &r->tl[k];

	if (j < 0)
		return -1;
	if (l->echo != NULL) {
		if (j >= l->echo->nprobes)
			return -1;
		switch (l->echo->slots[j].state) {
		case PROBE_ANSWERED: return 1;
		case PROBE_TIMEDOUT: return 0;
		default: return -1;
		}
	}
	return j < l->nsent && l->ok != NULL ? l->ok[j] : -1;
}

/* P(X >= d) for X binomial(n, 1/2). */
static double
binom_half_tail(int d, int n)
{
	double	 p = 0, lc;
	int	 i;

	for (i = d; i <= n; i++) {
		lc = lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0);
		p += exp(lc - n * log(2.0));
	}
	return p;
}

/*
 * Did TTL k's replies to its own probes (time-exceeded, or the
 * destination's reply) stay limited in rounds [0, upto)?  Pairs each
 * round's probe with the same round's echo to the hop's address: rounds
 * where the probe went unanswered but the echo came back ("declined")
 * against the opposite.  Both directions of discord are equally likely
 * when loss alone is at work; a limit makes the first far more frequent.
 * Limited: at least PROBE_LIMIT_MIN declined rounds, a one-sided sign
 * test below PROBE_LIMIT_ALPHA, and at least PROBE_LIMIT_SHARE of the
 * paired rounds from the second declined one on declined (a limit at
 * half the probing rate declines half; loss on the probes' path that
 * the echo does not cross, which the sign test alone takes for a limit,
 * declines as little as it loses).  Then *rate is the replies per second
 * from the first declined round on (the steady rate the limit allows)
 * and *burst the replies before it beyond that rate; *span the seconds
 * the rate was measured over.
 */
#define PROBE_LIMIT_MIN		4
#define PROBE_LIMIT_ALPHA	0.01
#define PROBE_LIMIT_SPAN	5.0	/* s of limited replies before thinning */
#define PROBE_LIMIT_SHARE	0.25	/* least share of declined rounds */
static int
loss_eval(const struct probe_run *r, int k, int upto, double *rate,
    int *burst, double *span, int *echo_worse)
{
	const struct ttl_loss *l = &r->tl[k];
	const struct probe_slot *s;
	int	 q = r->opts.queries, i, te, ec, d = 0, c = 0, first = -1;
	int	 total = 0, after = 0, last = -1, i0 = -1, np = 0, nd = 0;

	for (i = 0; i < upto && i < q; i++) {
		s = &r->slots[k * q + i];
		if (s->state != PROBE_ANSWERED && s->state != PROBE_TIMEDOUT)
			continue;
		if (i0 < 0)
			i0 = i;
		last = i;
		if ((ec = echo_state(r, k, i - l->round0)) < 0)
			continue;
		te = s->state == PROBE_ANSWERED;
		/*
		 * The limited phase starts at the second declined round: a
		 * single early one is as likely a lost packet.
		 */
		if (!te && ec && ++d == 2)
			first = i;
		else if (te && !ec)
			c++;
		if (first >= 0) {
			np++;
			nd += !te && ec;
		}
	}
	if (echo_worse != NULL)
		*echo_worse = c >= PROBE_LIMIT_MIN &&
		    binom_half_tail(c, d + c) < PROBE_LIMIT_ALPHA;
	if (d < PROBE_LIMIT_MIN || binom_half_tail(d, d + c) >= PROBE_LIMIT_ALPHA ||
	    nd < PROBE_LIMIT_SHARE * np)
		return 0;
	for (i = i0; i <= last; i++) {
		s = &r->slots[k * q + i];
		total += s->state == PROBE_ANSWERED;
		if (i >= first)
			after += s->state == PROBE_ANSWERED;
	}
	/* replies(t) = burst + rate * t once the limit shows */
	*span = r->slots[k * q + last].sent - r->slots[k * q + first].sent +
	    r->interval;
	*rate = after / *span;
	*burst = (int)lround(total - *rate * (r->slots[k * q + last].sent -
	    r->slots[k * q + i0].sent + r->interval));
	if (*burst < 1)
		*burst = 1;
	return *rate > 0;
}

/*
 * Whether slot idx (not sent yet) is to be skipped to keep under its
 * hop's learned limit.  Learns the limit from the rounds already over
 * (a round is taken as over three rounds later) once it has been seen
 * for PROBE_LIMIT_SPAN seconds; from then on one probe in `every' rounds
 * goes, every chosen so that they come at most at 80 % of the limit.
 */
int
loss_skip(struct probe_run *r, int idx)
{
	int	 q = r->opts.queries, k = idx / q, round = idx % q, burst;
	struct ttl_loss *l;
	double	 rate, span;

	if (r->tl == NULL)
		return 0;
	l = &r->tl[k];
	if (!l->limited && l->started && loss_eval(r, k, round - 3, &rate,
	    &burst, &span, NULL) && span >= PROBE_LIMIT_SPAN) {
		l->limited = 1;
		l->rate = rate;
		l->burst = burst;
		l->lim_round = round;
		l->every = (int)ceil(1.0 / (0.8 * rate * r->interval));
		if (l->every < 1)
			l->every = 1;
	}
	if (!l->limited || round < l->lim_round)
		return 0;
	return (round - l->lim_round) % l->every != 0;
}

/*
 * Was TTL k's limit, learned during the run, a limit?  Once probes are
 * thinned under a real limit it answers nearly every one, so the rounds
 * where the probe went unanswered but the echo came back ("declined")
 * become rare.  Loss on the probes' path that the echo does not cross
 * (the echo reached the router's address another way) declines as
 * often after the thinning as before.  Refuted: at least
 * PROBE_REFUTE_MIN paired rounds after the thinning, some of them
 * declined, and no significant drop (one-sided Fisher test at
 * PROBE_REFUTE_ALPHA) from the limited phase before it (from the second
 * declined round, as loss_eval).  A limit learned only at the end was
 * never probed under and stands.
 */
#define PROBE_REFUTE_MIN	8
#define PROBE_REFUTE_ALPHA	0.05
static int
loss_refuted(const struct probe_run *r, int k)
{
	const struct ttl_loss *l = &r->tl[k];
	const struct probe_slot *s;
	int	 q = r->opts.queries, i, ec, dec, d = 0, first = -1;
	int	 dpre = 0, npre = 0, dpost = 0, npost = 0;

	if (!l->limited || l->lim_round <= 0)
		return 0;
	for (i = 0; i < q; i++) {
		s = &r->slots[k * q + i];
		if (s->state != PROBE_ANSWERED && s->state != PROBE_TIMEDOUT)
			continue;
		if ((ec = echo_state(r, k, i - l->round0)) < 0)
			continue;
		dec = s->state == PROBE_TIMEDOUT && ec;
		if (dec && first < 0 && ++d == 2)
			first = i;
		if (i >= l->lim_round) {
			npost++;
			dpost += dec;
		} else if (first >= 0) {
			npre++;
			dpre += dec;
		}
	}
	if (npost < PROBE_REFUTE_MIN || dpost == 0)
		return 0;
	return stats_fisher_more(dpre, npre, dpost, npost) >= PROBE_REFUTE_ALPHA;
}

static void	 echo_done(struct trace *, const char *, void *);

/*
 * TTL k answered from addr: measure the hop by ICMP echo to that address
 * in rounds alongside (one child run, paired with the rounds from the
 * current one on).  A child that cannot start leaves the hop to its own
 * replies.
 */
void
loss_echo_start(struct probe_run *r, int k, const char *addr, double now)
{
	struct ttl_loss *l = &r->tl[k];
	struct probe_opts o;
	struct probe_run *c;
	char	 err[160];
	int	 round0;

	l->started = 1;
	round0 = r->t0 > 0 ? (int)floor((now - r->t0) / r->interval) : 0;
	if (round0 < 0)
		round0 = 0;
	if (round0 >= r->opts.queries)
		return;
	probe_opts_init(&o);
	snprintf(o.host, sizeof(o.host), "%s", addr);
	o.af = r->flow.af;
	o.method = TRACE_METHOD_ICMP;
	o.first_ttl = o.max_ttl = r->opts.max_ttl;
	o.queries = r->opts.queries;	/* the hop's full count, if later */
	o.wait_max = r->opts.wait_max;
	o.wait_here = r->opts.wait_here;
	o.wait_near = r->opts.wait_near;
	o.pps = r->opts.pps;
	o.tos = r->opts.tos;
	o.no_dns = 1;
	o.loss = 1;
	o.interval = r->interval;
	snprintf(o.src, sizeof(o.src), "%s", r->trace->src);
	snprintf(o.iface, sizeof(o.iface), "%s", r->opts.iface);
	if ((c = run_create(r->eng, &o, r, echo_done, l, err, sizeof(err))) == NULL)
		return;
	l->run = r;
	l->echo = c;
	l->round0 = round0;
	r->children++;
}

/* An echo child is over: keep which of its probes were answered. */
static void
echo_done(struct trace *t, const char *err, void *arg)
{
	struct ttl_loss *l = arg;
	struct probe_run *r = l->run;	/* l->echo is freed by now */
	int	 j;

	(void)err;
	l->echo = NULL;
	r->children--;
	if (t != NULL && t->nhops > 0 &&
	    (l->ok = calloc((size_t)t->hops[0].nprobes + 1, 1)) != NULL) {
		l->nsent = t->hops[0].nprobes;
		for (j = 0; j < l->nsent; j++)
			l->ok[j] = t->hops[0].probes[j].replied != 0;
	}
	trace_free(t);
	run_check(r, now_real());
}

/*
 * The loss run is over (its children too): each hop's echo figures, its
 * learned limit, and which figure stands for it.  Probes skipped to keep
 * under a limit leave the result.
 */
void
loss_conclude(struct probe_run *r, int keep)
{
	struct trace_hop *h;
	struct ttl_loss *l;
	double	 rate, span;
	int	 k, j, q = r->opts.queries, w, burst, echo_worse = 0;

	for (k = 0; k < r->nttl && k + r->opts.first_ttl <= keep; k++) {
		if ((h = trace_hop_by_ttl(r->trace, k + r->opts.first_ttl)) == NULL)
			continue;
		for (j = 0, w = 0; j < q; j++) {
			struct probe_slot *s = &r->slots[k * q + j];

			if (s->state == PROBE_SKIPPED) {
				s->tp = NULL;
				continue;
			}
			if (w != j) {
				h->probes[w] = h->probes[j];
				trace_probe_init(&h->probes[j]);
			}
			s->tp = &h->probes[w++];
		}
		h->nprobes = w;
		l = &r->tl[k];
		if (l->ok == NULL)
			continue;
		h->echo_sent = l->nsent;
		for (j = 0; j < l->nsent; j++)
			h->echo_received += l->ok[j];
		if (loss_eval(r, k, q, &rate, &burst, &span, &echo_worse) &&
		    !l->limited) {
			l->limited = 1;
			l->rate = rate;
			l->burst = burst;
		}
		if (l->limited && !loss_refuted(r, k)) {
			h->rl_rate = l->rate;
			h->rl_burst = l->burst;
		}
		/*
		 * Echo stands for the hop unless it never came back or lost
		 * significantly more than the hop's own replies (a router
		 * that polices echo harder than its errors).
		 */
		h->loss_by_echo = h->echo_received > 0 && !echo_worse;
	}
}

/* After each round: tell the progress callback where the run stands. */
void
loss_progress(struct probe_run *r, double now)
{
	struct probe_progress p;
	int	 k, j, q = r->opts.queries, sent, got, done;

	if (r->progress == NULL || r->t0 == 0)
		return;
	done = (int)floor((now - r->t0) / r->interval);
	if (done > q)
		done = q;
	if (done <= r->rounds_done)
		return;
	r->rounds_done = done;
	memset(&p, 0, sizeof(p));
	p.rounds_done = done;
	p.rounds = q;
	p.seconds_left = (q - done) * r->interval;
	for (k = 0; k < r->nttl; k++) {
		int by_echo = r->tl != NULL && r->tl[k].echo != NULL;

		for (j = 0, sent = got = 0; j < q && j < done; j++) {
			int st = by_echo ? echo_state(r, k, j - r->tl[k].round0) :
			    r->slots[k * q + j].state == PROBE_ANSWERED ? 1 :
			    r->slots[k * q + j].state == PROBE_TIMEDOUT ? 0 : -1;

			if (st < 0)
				continue;
			sent++;
			got += st;
		}
		if (sent > 0 && got > 0 && 100.0 * (sent - got) / sent > p.worst_loss) {
			p.worst_loss = 100.0 * (sent - got) / sent;
			p.worst_ttl = k + r->opts.first_ttl;
		}
	}
	r->progress(&p, r->progress_arg);
}
