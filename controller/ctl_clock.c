/* ctl_clock.c: each agent's clock offset and RTT over its connection (NTP-style, best of several pings). */
#include <stdint.h>
#include <stdio.h>

#include "ctl.h"
#include "log.h"

/*
 * t1 controller send, t2 agent receive, t3 agent send, t4 controller
 * receive.  offset = ((t2 - t1) + (t3 - t4)) / 2 is agent minus
 * controller; rtt = (t4 - t1) - (t3 - t2) is the time on the wire.
 */
int
ctl_clock_sample(int64_t t1, int64_t t2, int64_t t3, int64_t t4,
    int64_t *offset, int64_t *rtt)
{
	if (t1 <= 0 || t4 < t1 || t3 < t2)
		return -1;
	*rtt = (t4 - t1) - (t3 - t2);
	if (*rtt < 0)
		return -1;
	*offset = ((t2 - t1) + (t3 - t4)) / 2;
	return 0;
}

/* Send the next ping of the round in progress. */
static void
ctl_clock_ping(struct ctl *ctl, struct ctl_agent *a)
{
	frame_env		 env;
	Tracepair__Ping		 p;

	(void)ctl;
	tracepair__envelope__init(&env);
	tracepair__ping__init(&p);
	p.t1_ns = ctl_now_ns();
	env.body_case = TRACEPAIR__ENVELOPE__BODY_PING;
	env.ping = &p;
	a->clock.ping_t1 = p.t1_ns;
	a->clock.pings_left--;
	(void)ctl_send(a->sess, &env);
}

void
ctl_clock_stop(struct ctl *ctl, struct ctl_agent *a)
{
	if (!a->in_sync)
		return;
	TAILQ_REMOVE(&ctl->syncq, a, sync_entry);
	a->in_sync = 0;
}

void
ctl_clock_start(struct ctl *ctl, struct ctl_agent *a, int n)
{
	if (a->sess == NULL || a->clock.pings_left > 0 || n < 1)
		return;
	a->clock.pings_left = n;
	a->clock.next_sync = ctl_now() + (double)ctl->conf.clock_interval_s;
	/* Every round sets next_sync = now + interval: the tail stays last. */
	ctl_clock_stop(ctl, a);
	TAILQ_INSERT_TAIL(&ctl->syncq, a, sync_entry);
	a->in_sync = 1;
	ctl_clock_ping(ctl, a);
}

void
ctl_clock_add(struct ctl_clock *c, int64_t offset, int64_t rtt, double now)
{
	c->samp_off[c->next] = offset;
	c->samp_rtt[c->next] = rtt;
	c->samp_t[c->next] = now;
	c->next = (c->next + 1) % CTL_CLOCK_SAMPLES;
	if (c->nsamp < CTL_CLOCK_SAMPLES)
		c->nsamp++;
}

int
ctl_clock_pick(const struct ctl_clock *c, double now, double max_age,
    int64_t *offset, int64_t *rtt)
{
	int	 i, best = -1;

	for (i = 0; i < c->nsamp; i++) {
		if (now - c->samp_t[i] > max_age)
			continue;
		if (best == -1 || c->samp_rtt[i] < c->samp_rtt[best])
			best = i;
	}
	if (best == -1)
		return -1;
	*offset = c->samp_off[best];
	*rtt = c->samp_rtt[best];
	return 0;
}

/* End of a round: the filter picks the offset. */
static void
ctl_clock_finish(struct ctl *ctl, struct ctl_agent *a)
{
	int64_t	 off, rtt, doff, drtt;

	if (ctl_clock_pick(&a->clock, ctl_now(),
	    5.0 * (double)ctl->conf.clock_interval_s, &off, &rtt) == -1)
		return;
	/* The store row is informational: rewrite it on a 1 ms change only. */
	doff = off - a->clock.offset_ns;
	drtt = rtt - a->clock.rtt_ns;
	if (!a->clock.synced || doff > 1000000 || doff < -1000000 ||
	    drtt > 1000000 || drtt < -1000000)
		ctl_registry_dirty(ctl, a);
	a->clock.offset_ns = off;
	a->clock.rtt_ns = rtt;
	if (!a->clock.synced)
		log_info("agent %s (%s): clock offset %.3f ms, rtt %.3f ms",
		    a->name, a->tenant, (double)a->clock.offset_ns / 1e6,
		    (double)a->clock.rtt_ns / 1e6);
	else
		log_debug("agent %s (%s): clock offset %.3f ms, rtt %.3f ms",
		    a->name, a->tenant, (double)a->clock.offset_ns / 1e6,
		    (double)a->clock.rtt_ns / 1e6);
	a->clock.synced = 1;
}

void
ctl_clock_pong(struct ctl *ctl, struct ctl_agent *a, const Tracepair__Pong *p)
{
	int64_t	 t4 = ctl_now_ns(), off, rtt;

	if (a == NULL || a->sess == NULL)
		return;
	/* Only the pong of the ping in flight counts (no replays). */
	if (a->clock.ping_t1 == 0 || p->t1_ns != a->clock.ping_t1) {
		log_debug("agent %s: stray pong ignored", a->name);
		return;
	}
	a->clock.ping_t1 = 0;
	if (ctl_clock_sample(p->t1_ns, p->t2_ns, p->t3_ns, t4, &off, &rtt) == 0)
		ctl_clock_add(&a->clock, off, rtt, (double)t4 / 1e9);
	if (a->clock.pings_left > 0)
		ctl_clock_ping(ctl, a);
	else
		ctl_clock_finish(ctl, a);
}

void
ctl_clock_tick(struct ctl *ctl, double now)
{
	struct ctl_agent	*a;
	long long		 started = 0;
	char			 msg[96];

	/*
	 * Only agents that are due, from the head of the queue; at most
	 * clock_batch rounds per tick, so 5,000 agents that connected in the
	 * same second do not all ping in the same second a minute later.
	 */
	while ((a = TAILQ_FIRST(&ctl->syncq)) != NULL &&
	    a->clock.next_sync <= now && started < ctl->conf.clock_batch) {
		ctl_clock_stop(ctl, a);
		if (a->sess == NULL || a->sess->state != CTL_SESS_READY)
			continue;
		/* Agents answer every ping: silence this long is a dead peer. */
		if (now - a->sess->last_rx > (double)ctl->conf.idle_timeout_s) {
			snprintf(msg, sizeof(msg), "silent for %.0fs",
			    now - a->sess->last_rx);
			ctl_session_refuse(a->sess, 0,
			    TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED, msg);
			continue;
		}
		if (a->clock.pings_left > 0 || a->clock.ping_t1 != 0) {
			/* A pong got lost: close that round with what it has. */
			a->clock.pings_left = 0;
			a->clock.ping_t1 = 0;
			ctl_clock_finish(ctl, a);
		}
		ctl_clock_start(ctl, a, (int)ctl->conf.clock_pings_periodic);
		started++;
	}
}
