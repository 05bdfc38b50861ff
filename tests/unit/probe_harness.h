/* probe_harness.h: the harness the probe engine's unit tests share: one event loop, one engine, runs that call back into a ph_result. */
#ifndef PROBE_HARNESS_H
#define PROBE_HARNESS_H

#include <event2/event.h>

#include "probe.h"

/* One run's outcome, filled by ph_done. */
struct ph_result {
	struct trace	*t;		/* the trace, NULL on failure */
	char		 err[160];	/* why it failed */
	int		 done;		/* the callback ran */
};

/* The tests' loop; NULL when not root (the tests skip). */
extern struct event_base *ph_base;
/* The group's engine (ph_open with engine set); NULL: the tests skip. */
extern struct probe_engine *ph_eng;
/*
 * Runs still to call back; ph_done counts it down and breaks the loop when
 * it is 0.  Tests with one run at a time leave it at 0: every callback
 * breaks the loop.
 */
extern int	 ph_pending;

/* probe_start's callback: the outcome into arg (a struct ph_result). */
void	ph_done(struct trace *, const char *, void *);

/*
 * As root: ph_base and, if engine, ph_eng with at most pps probes/s
 * (0: the engine's default), 0; -1 if one could not be made (the reason on
 * stderr as a TAP comment).  Not root: nothing made, 0 (the tests skip).
 */
int	ph_open(int engine, int pps);

/* cmocka group set-up: ph_open(1, 0). */
int	ph_setup(void **);

/* cmocka group tear-down: ph_eng and ph_base freed (either may be NULL). */
int	ph_teardown(void **);

/*
 * Options of a trace to host: method m, q probes per TTL, TTLs 1 to
 * max_ttl, no reverse DNS; the rest probe_opts_init's defaults.
 */
void	ph_opts(struct probe_opts *, const char *host, enum trace_method m,
	    int q, int max_ttl);

/* Run the loop until a callback breaks it or secs seconds have passed. */
void	ph_wait(int secs);

#endif
