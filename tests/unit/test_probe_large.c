/* test_probe_large.c: large runs on loopback (-q 1000 over 30 TTLs, several at once): every probe accounted for, the hops past the end dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "probe_harness.h"

#define Q	1000	/* probes per TTL: TRACE_MAX_QUERIES */

/*
 * 5000 probes/s: at 50,000/s some loopback replies were lost (with the
 * old run_check as well): the reply sockets' buffers overflow.
 */
static int
setup(void **state)
{
	(void)state;
	return ph_open(1, 5000);
}

/* Q probes per TTL from TTL first up to 30, at 5000/s, no names. */
static void
opts(struct probe_opts *o, const char *host, enum trace_method m, int first)
{
	ph_opts(o, host, m, Q, 30);
	o->first_ttl = first;
	o->pps = 5000;
}

/* Run the loop until every run has called back (at most 60 s). */
static void
wait_all(void)
{
	ph_wait(60);
	assert_int_equal(ph_pending, 0);
}

/* Loopback answers at the first TTL: one hop of Q probes, all answered. */
static void
check_one_hop(const struct ph_result *r, int ttl, const char *addr)
{
	const struct trace_hop *h;
	int	 i, answered = 0;

	assert_true(r->done);
	if (r->t == NULL)
		fail_msg("%s", r->err);
	assert_true(r->t->reached);
	assert_string_equal(r->t->stop_reason, "completed");
	assert_int_equal(r->t->nhops, 1);
	h = &r->t->hops[0];
	assert_int_equal(h->ttl, ttl);
	assert_int_equal(h->nprobes, Q);
	for (i = 0; i < Q; i++)
		if (h->probes[i].replied) {
			answered++;
			assert_string_equal(h->probes[i].addr, addr);
			assert_true(h->probes[i].rtt_ms >= 0);
		}
	if (answered != Q)
		fail_msg("%s TTL %d: %d of %d probes answered", addr, ttl,
		    answered, Q);
}

/*
 * Four runs of 30,000 slots each at once (ICMP and TCP, IPv4 and IPv6,
 * one starting at TTL 3): each ends with exactly its Q answered probes at
 * its first TTL, the 29 TTLs past the destination dropped.
 */
static void
test_many_probes(void **state)
{
	static const struct {
		const char	*host;
		enum trace_method m;
		int		 first;
	} runs[] = {
		{ "127.0.0.1", TRACE_METHOD_ICMP, 1 },
		{ "::1", TRACE_METHOD_ICMP, 1 },
		{ "127.0.0.1", TRACE_METHOD_TCP, 1 },
		{ "127.0.0.1", TRACE_METHOD_ICMP_PARIS, 3 },
	};
	struct ph_result res[4];
	struct probe_opts o;
	char	 err[160];
	size_t	 i;

	(void)state;
	if (ph_eng == NULL)
		skip();
	memset(res, 0, sizeof(res));
	for (i = 0; i < 4; i++) {
		opts(&o, runs[i].host, runs[i].m, runs[i].first);
		o.port = 9;		/* TCP: a closed port answers RST+ACK */
		/*
		 * A fixed 10 s wait, not the adaptive one (50 ms here): a
		 * process stalled that long on a loaded machine would give
		 * probes up before reading their replies.
		 */
		o.wait_max = 10;
		o.wait_here = o.wait_near = 0;
		ph_pending++;
		if (probe_start(ph_eng, &o, ph_done, &res[i], err,
		    sizeof(err)) == NULL)
			fail_msg("%s: %s", runs[i].host, err);
	}
	wait_all();
	for (i = 0; i < 4; i++) {
		check_one_hop(&res[i], runs[i].first, runs[i].host);
		trace_free(res[i].t);
	}
}

/*
 * Probes that are never answered time out, thousands of them: UDP to a
 * loopback port gets ICMP port unreachable only as fast as the kernel's
 * global ICMP rate limit allows, so the rest are given up after the
 * adaptive wait.  Every probe is sent once and the run ends.
 */
static void
test_many_timeouts(void **state)
{
	struct ph_result res;
	struct probe_opts o;
	char	 err[160];
	int	 i, answered = 0;

	(void)state;
	if (ph_eng == NULL)
		skip();
	memset(&res, 0, sizeof(res));
	opts(&o, "127.0.0.1", TRACE_METHOD_UDP_PARIS, 1);
	o.max_ttl = 3;
	ph_pending = 1;
	if (probe_start(ph_eng, &o, ph_done, &res, err, sizeof(err)) == NULL)
		fail_msg("%s", err);
	wait_all();
	if (res.t == NULL)
		fail_msg("%s", res.err);
	assert_true(res.t->reached);
	assert_int_equal(res.t->nhops, 1);
	assert_int_equal(res.t->hops[0].nprobes, Q);
	for (i = 0; i < Q; i++)
		answered += res.t->hops[0].probes[i].replied;
	assert_true(answered >= 1);
	trace_free(res.t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_probes),
		cmocka_unit_test(test_many_timeouts),
	};

	return cmocka_run_group_tests(tests, setup, ph_teardown);
}
