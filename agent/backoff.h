/* backoff.h: jittered exponential backoff for the agent's reconnects. */
#ifndef TRACEPAIR_BACKOFF_H
#define TRACEPAIR_BACKOFF_H

#include <stdint.h>

/*
 * Reconnect delays: attempt n waits a random time in [d/2, d] with
 * d = min(cap, base * 2^n) ("equal jitter"), so a fleet that lost its
 * controller at the same moment does not come back in lock step, yet no
 * agent waits less than half the nominal delay.
 */
struct backoff {
	uint32_t	 base_ms;	/* delay of the first retry (nominal) */
	uint32_t	 cap_ms;	/* nominal delay never exceeds this */
	unsigned	 attempt;	/* retries since the last success */
};

void		 backoff_init(struct backoff *, uint32_t base_ms, uint32_t cap_ms);
/* Nominal (un-jittered) delay of attempt n. */
uint32_t	 backoff_nominal_ms(const struct backoff *, unsigned attempt);
/*
 * Delay of attempt n given a random number rnd (any uint32_t): pure, so
 * tests can pin the jitter.
 */
uint32_t	 backoff_delay_ms(const struct backoff *, unsigned attempt,
		    uint32_t rnd);
/* Next delay (random jitter), and count the attempt. */
uint32_t	 backoff_next(struct backoff *);
/* A connection succeeded: start again at base. */
void		 backoff_reset(struct backoff *);

#endif
