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
#include <event2/event.h>

#include "probe.h"

#define Q	1000	/* probes per TTL: TRACE_MAX_QUERIES */

/* One run's outcome. */
struct result {
	struct trace	*t;		/* the trace, NULL on failure */
	char		 err[160];	/* why it failed */
	int		 done;		/* the callback ran */
};

static struct event_base *base;
static struct probe_engine *eng;
static int	 pending;

static void
done(struct trace *t, const char *err, void *arg)
{
	struct result	*r = arg;

	r->t = t;
	if (err)
		snprintf(r->err, sizeof(r->err), "%s", err);
	r->done = 1;
	if (--pending == 0)
		event_base_loopbreak(base);
}

/*
 * 5000 probes/s: at 50,000/s some loopback replies were lost (with the
 * old run_check as well): the reply sockets' buffers overflow.
 */
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
	else
		probe_engine_set_rate(eng, 5000);
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

static void
opts(struct probe_opts *o, const char *host, enum trace_method m, int first)
{
	probe_opts_init(o);
	snprintf(o->host, sizeof(o->host), "%s", host);
	o->method = m;
	o->queries = Q;
	o->first_ttl = first;
	o->max_ttl = 30;
	o->pps = 5000;
	o->no_dns = 1;
}

/* Run the loop until every run has called back (at most 60 s). */
static void
wait_all(void)
{
	struct timeval tv = { 60, 0 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	assert_int_equal(pending, 0);
}

/* Loopback answers at the first TTL: one hop of Q probes, all answered. */
static void
check_one_hop(const struct result *r, int ttl, const char *addr)
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
	struct result	 res[4];
	struct probe_opts o;
	char	 err[160];
	size_t	 i;

	(void)state;
	if (eng == NULL)
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
		pending++;
		if (probe_start(eng, &o, done, &res[i], err, sizeof(err)) == NULL)
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
	struct result	 res;
	struct probe_opts o;
	char	 err[160];
	int	 i, answered = 0;

	(void)state;
	if (eng == NULL)
		skip();
	memset(&res, 0, sizeof(res));
	opts(&o, "127.0.0.1", TRACE_METHOD_UDP_PARIS, 1);
	o.max_ttl = 3;
	pending = 1;
	if (probe_start(eng, &o, done, &res, err, sizeof(err)) == NULL)
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

	return cmocka_run_group_tests(tests, setup, teardown);
}
