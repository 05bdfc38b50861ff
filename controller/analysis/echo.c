/*
 * echo.c: when a hop's echo does not stand for it.  A loss measurement
 * (agent/probe_loss.c, docs/probing.md) pings each hop's address beside its
 * TTL-limited probes, and the echo's figures stand for the hop, so that
 * a router that limits its ICMP errors is not read as loss.  But the
 * echo's way out is the route to the router's address, not the trace's
 * path: a router answers from the interface it faces the prober with, and
 * the route to that address can go another way (seed 003: core2.SF's
 * address is reached through pb-nap).  Only the way back is the probes'.
 * Such an echo dodges loss on the trace's own path, and hops read clean
 * between lossy neighbours.
 *
 * The reference is the loss of the whole path: the destination's figure
 * with its own replies beside its echo when it keeps no limit (the trace
 * must reach it).  An anchor is a hop whose echo loses (the loss is on
 * the path before it, and the echo there crosses it).  The candidates
 * are the hops after the first anchor, before the destination, measured
 * by echo, whose echo loses less than half what the reference loses,
 * whose probes lose at least as much as their echo, and no more than the
 * reference (one-sided Fisher test at ECHO_ALPHA: more is a limit, learned
 * or not; a hop whose learned limit thinned its probes answers them as
 * the path does).  Their probes stand instead of their echo when, pooled
 * over the candidates, the probes lose more than the echo (ECHO_ALPHA) and
 * the reference loses more than that echo too (ECHO_ALPHA_PATH): loss on
 * the path passes them, which their probes see and their echo does not.
 * Pooled, because with 30 probes a hop alone seldom tells 10 % from 0.
 */
#include <stdio.h>

#include "analysis_priv.h"
#include "stats.h"

#define ECHO_ALPHA	0.01
#define ECHO_ALPHA_PATH	0.05

/* probes sent and answered of hop h */
static void
probe_figures(const struct an_hop *h, int *sent, int *recv)
{
	int	 j;

	*sent = h->th->nprobes;
	for (j = 0, *recv = 0; j < *sent; j++)
		*recv += h->th->probes[j].replied != 0;
}

void
an_echo_detours(struct an_state *st, int dir)
{
	struct an_dir	*d = &st->d[dir];
	struct an_hop	*h;
	unsigned char	 cand[TRACE_MAX_TTL + 1];
	int		 i, ps, pr, ns, nr, anchor = 0, n = 0;
	int		 sp = 0, rp = 0, se = 0, re = 0;

	if (d->last < 0 || !d->hops[d->last].is_dest ||
	    d->last > TRACE_MAX_TTL)
		return;
	/* the destination's figure, and its own replies beside its echo
	   when it keeps no limit: both are the whole path's round trip */
	h = &d->hops[d->last];
	ns = h->sent;
	nr = h->recv;
	if (h->th->loss_by_echo && h->th->rl_rate <= 0) {
		probe_figures(h, &ps, &pr);
		ns += ps;
		nr += pr;
	}
	if (ns <= 0)
		return;
	for (i = 0; i < d->last; i++) {
		h = &d->hops[i];
		cand[i] = 0;
		if (!h->th->loss_by_echo || h->sent <= 0)
			continue;
		if (!anchor) {
			anchor = h->recv < h->sent;
			continue;
		}
		probe_figures(h, &ps, &pr);
		if (ps <= 0 ||
		    2.0 * (h->sent - h->recv) / h->sent >=
		    (double)(ns - nr) / ns ||
		    (double)(ps - pr) / ps < (double)(h->sent - h->recv) / h->sent ||
		    stats_fisher_more(ps - pr, ps, ns - nr, ns) < ECHO_ALPHA)
			continue;
		cand[i] = 1;
		n++;
		sp += ps;
		rp += pr;
		se += h->sent;
		re += h->recv;
	}
	if (n == 0 || stats_fisher_more(sp - rp, sp, se - re, se) >= ECHO_ALPHA ||
	    stats_fisher_more(ns - nr, ns, se - re, se) >= ECHO_ALPHA_PATH)
		return;
	for (i = 0; i < d->last; i++) {
		if (!cand[i])
			continue;
		h = &d->hops[i];
		probe_figures(h, &ps, &pr);
		an_add_artifact(st, ANALYSIS_ART_ECHO_DETOUR, dir, h,
		    100.0 * (ps - pr) / ps, "its echo lost %d of %d, its probes "
		    "%d of %d, the destination %d of %d: the echo reached its "
		    "address another way and missed the path's loss (%d hop%s "
		    "in all: %d of %d probes lost against %d of %d echoes), so "
		    "the probes stand for it", h->sent - h->recv, h->sent,
		    ps - pr, ps, ns - nr, ns, n, n == 1 ? "" : "s", sp - rp, sp,
		    se - re, se);
		h->sent = ps;
		h->recv = pr;
	}
}
