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

#include "probe_harness.h"

#define Q	10	/* probes per TTL: all sent at once (bucket depth 32) */

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
	struct ph_result res;
	struct probe_opts o;
	const struct trace_hop *h;
	char		 err[160];
	int		 i, answered = 0;

	memset(&res, 0, sizeof(res));
	ph_opts(&o, af == 6 ? "::1" : "127.0.0.1", TRACE_METHOD_ICMP, Q, 2);
	if (probe_start(ph_eng, &o, ph_done, &res, err, sizeof(err)) == NULL)
		fail_msg("%s", err);
	stall(0.4);
	ph_wait(30);
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
	if (ph_eng == NULL)
		skip();
	stalled_run(4);
}

static void
test_stall_ipv6(void **state)
{
	(void)state;
	if (ph_eng == NULL)
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

	return cmocka_run_group_tests(tests, ph_setup, ph_teardown);
}
