/* test_probe_stall.c: a process stalled with replies queued (a loaded machine) still counts every reply that arrived in time, with the adaptive wait. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "probe.h"

#define Q	10	/* probes per TTL: all sent at once (bucket depth 32) */

/* One run's outcome. */
struct result {
	struct trace	*t;		/* the trace, NULL on failure */
	char		 err[160];	/* why it failed */
	int		 done;		/* the callback ran */
};

static struct event_base *base;
static struct probe_engine *eng;

static void
done(struct trace *t, const char *err, void *arg)
{
	struct result	*r = arg;

	r->t = t;
	if (err)
		snprintf(r->err, sizeof(r->err), "%s", err);
	r->done = 1;
	event_base_loopbreak(base);
}

static int
setup(void **state)
{
	char	 err[160];

	(void)state;
	if (geteuid() != 0)
		return 0;
	base = event_base_new();
	eng = probe_engine_new(base, NULL, err, sizeof(err));
	if (eng == NULL)
		fprintf(stderr, "# %s\n", err);
	return eng == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	probe_engine_free(eng);
	if (base)
		event_base_free(base);
	return 0;
}

/* Sleep s seconds, whatever signals arrive. */
static void
stall(double s)
{
	struct timespec	 ts, rem;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &rem) == -1)
		ts = rem;
}

/*
 * Q ICMP echo probes to loopback at TTLs 1-2 (20 slots) go out at once from
 * probe_start; the process then does not run for 0.4 s, far past the
 * adaptive wait (the 50 ms floor: loopback answers in microseconds), while
 * all 20 replies queue in the socket, each stamped by the kernel on arrival.
 * Every TTL 1 probe was answered in time.  The first reply read ends the
 * trace at TTL 1 (the destination); its probes must not be judged against
 * the clock after the stall, or the other Q - 1 look timed out, nothing is
 * left to wait for, the run ends and their queued replies are thrown away
 * (the trace then shows the destination at 90 % loss).
 */
static void
stalled_run(int af)
{
	struct result	 res;
	struct probe_opts o;
	struct timeval	 tv = { 30, 0 };
	const struct trace_hop *h;
	char		 err[160];
	int		 i, answered = 0;

	memset(&res, 0, sizeof(res));
	probe_opts_init(&o);
	snprintf(o.host, sizeof(o.host), "%s", af == 6 ? "::1" : "127.0.0.1");
	o.method = TRACE_METHOD_ICMP;
	o.queries = Q;
	o.max_ttl = 2;
	o.no_dns = 1;
	if (probe_start(eng, &o, done, &res, err, sizeof(err)) == NULL)
		fail_msg("%s", err);
	stall(0.4);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	assert_true(res.done);
	if (res.t == NULL)
		fail_msg("%s", res.err);
	assert_true(res.t->reached);
	assert_int_equal(res.t->nhops, 1);
	h = &res.t->hops[0];
	assert_int_equal(h->nprobes, Q);
	for (i = 0; i < Q; i++)
		answered += h->probes[i].replied;
	if (answered != Q)
		fail_msg("%s: %d of %d probes answered", o.host, answered, Q);
	trace_free(res.t);
}

static void
test_stall_ipv4(void **state)
{
	(void)state;
	if (eng == NULL)
		skip();
	stalled_run(4);
}

static void
test_stall_ipv6(void **state)
{
	(void)state;
	if (eng == NULL)
		skip();
	stalled_run(6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stall_ipv4),
		cmocka_unit_test(test_stall_ipv6),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
