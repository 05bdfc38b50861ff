/* backoff.c: jittered exponential backoff for the agent's reconnects. */
#include <stdlib.h>

#include "backoff.h"

void
backoff_init(struct backoff *b, uint32_t base_ms, uint32_t cap_ms)
{
	b->base_ms = base_ms ? base_ms : 1;
	b->cap_ms = cap_ms < b->base_ms ? b->base_ms : cap_ms;
	b->attempt = 0;
}

uint32_t
backoff_nominal_ms(const struct backoff *b, unsigned attempt)
{
	uint64_t d = b->base_ms;

	while (attempt-- > 0 && d < b->cap_ms)
		d *= 2;
	return d > b->cap_ms ? b->cap_ms : (uint32_t)d;
}

uint32_t
backoff_delay_ms(const struct backoff *b, unsigned attempt, uint32_t rnd)
{
	uint32_t d = backoff_nominal_ms(b, attempt);
	uint32_t half = d / 2;

	/* [d - half, d]: half + (rnd mod (half + 1)) added to d - half. */
	return (d - half) + (uint32_t)(rnd % ((uint64_t)half + 1));
}

uint32_t
backoff_next(struct backoff *b)
{
	uint32_t d = backoff_delay_ms(b, b->attempt, arc4random());

	if (b->attempt < 64)
		b->attempt++;
	return d;
}

void
backoff_reset(struct backoff *b)
{
	b->attempt = 0;
}
