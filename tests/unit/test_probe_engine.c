/* test_probe_engine.c: the engine on loopback: every method, concurrent runs, the rate cap, start errors. */
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
#include <event2/dns.h>

#include "probe_harness.h"

/* Five methods on two families, all at once on one engine. */
static void
test_concurrent(void **state)
{
	static const enum trace_method m[] = { TRACE_METHOD_UDP,
	    TRACE_METHOD_UDP_PARIS, TRACE_METHOD_ICMP, TRACE_METHOD_ICMP_PARIS,
	    TRACE_METHOD_TCP };
	static const char *hosts[] = { "127.0.0.1", "::1" };
	struct ph_result res[10];
	struct probe_opts o;
	char	 err[160];
	int	 i, j, n = 0;

	(void)state;
	if (ph_eng == NULL)
		skip();
	memset(res, 0, sizeof(res));
	for (j = 0; j < 2; j++)
		for (i = 0; i < 5; i++, n++) {
			ph_opts(&o, hosts[j], m[i], 4, 5);
			ph_pending++;
			if (probe_start(ph_eng, &o, ph_done, &res[n], err,
			    sizeof(err)) == NULL)
				fail_msg("%s %s: %s", hosts[j],
				    trace_method_name(m[i]), err);
		}
	ph_wait(10);
	for (n = 0; n < 10; n++) {
		assert_true(res[n].done);
		assert_non_null(res[n].t);
		assert_true(res[n].t->reached);
		assert_string_equal(res[n].t->stop_reason, "completed");
		assert_int_equal(res[n].t->nhops, 1);
		assert_int_equal(res[n].t->hops[0].nprobes, 4);
		for (i = 0; i < 4; i++)
			assert_true(res[n].t->hops[0].probes[i].replied);
		assert_string_equal(res[n].t->hops[0].probes[0].addr,
		    n < 5 ? "127.0.0.1" : "::1");
		trace_free(res[n].t);
	}
}

/* Run o to its end (at most 10 s) into res; returns the seconds it took. */
static double
timed_run(const struct probe_opts *o, struct ph_result *res)
{
	struct timespec	 a, b;
	char	 err[160];

	memset(res, 0, sizeof(*res));
	clock_gettime(CLOCK_MONOTONIC, &a);
	ph_pending = 1;
	assert_non_null(probe_start(ph_eng, o, ph_done, res, err, sizeof(err)));
	ph_wait(10);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_non_null(res->t);
	return (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

/*
 * 40 probes at 200 pps: a burst of 10, then 5 ms apart: (40 - 10) / 200 =
 * 150 ms.  Faster than 145 ms is a broken cap, at once (load cannot make
 * probes early).  Slower than 250 ms is a cap off by a factor (at 100 pps:
 * 300 ms) or a stall of the loaded machine: up to three runs, one within
 * bounds passes; a wrong rate fails all three.
 */
static double
rate_cap_run(void)
{
	struct ph_result res;
	struct probe_opts o;
	double	 el;

	ph_opts(&o, "127.0.0.1", TRACE_METHOD_ICMP, 40, 1);
	probe_engine_set_rate(ph_eng, 200);
	el = timed_run(&o, &res);
	probe_engine_set_rate(ph_eng, 0);
	assert_int_equal(res.t->hops[0].nprobes, 40);
	trace_free(res.t);
	return el;
}

static void
test_rate_cap(void **state)
{
	double	 el = 0;
	int	 i;

	(void)state;
	if (ph_eng == NULL)
		skip();
	for (i = 0; i < 3; i++) {
		el = rate_cap_run();
		if (el < 0.145)
			fail_msg("40 probes at 200 pps took %.3f s (< 0.145)", el);
		if (el <= 0.25)
			return;
	}
	fail_msg("40 probes at 200 pps took %.3f s (> 0.25) three times", el);
}

/*
 * A loss run on loopback: 10 rounds 50 ms apart (so at least 0.45 s), the
 * destination's echo run alongside gives its figure, loopback limits
 * nothing.
 */
static void
test_loss_rounds(void **state)
{
	struct ph_result res;
	struct probe_opts o;
	double	 el;

	(void)state;
	if (ph_eng == NULL)
		skip();
	ph_opts(&o, "127.0.0.1", TRACE_METHOD_UDP, 10, 3);
	o.loss = 1;
	o.interval = 0.05;
	el = timed_run(&o, &res);
	assert_int_equal(res.t->nhops, 1);
	assert_int_equal(res.t->hops[0].nprobes, 10);
	assert_int_equal(res.t->hops[0].echo_sent, 10);
	assert_int_equal(res.t->hops[0].echo_received, 10);
	assert_int_equal(res.t->hops[0].loss_by_echo, 1);
	assert_true(res.t->hops[0].rl_rate == 0);
	if (el < 0.45 || el > 5)
		fail_msg("10 rounds 50 ms apart took %.3f s", el);
	trace_free(res.t);
}

static void
test_start_errors(void **state)
{
	struct probe_opts o;
	char	 err[160];

	(void)state;
	if (ph_eng == NULL)
		skip();
	ph_opts(&o, "no-such-host.invalid", TRACE_METHOD_UDP, 1, 5);
	assert_null(probe_start(ph_eng, &o, ph_done, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown host"));
	ph_opts(&o, "127.0.0.1", TRACE_METHOD_UDP, 1, 5);
	strcpy(o.iface, "nosuchif0");
	assert_null(probe_start(ph_eng, &o, ph_done, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "no such interface"));
	ph_opts(&o, "127.0.0.1", TRACE_METHOD_UDP, 1, 5);
	o.first_ttl = 9;
	assert_null(probe_start(ph_eng, &o, ph_done, NULL, err, sizeof(err)));
	ph_opts(&o, "127.0.0.1", TRACE_METHOD_UDP, 1, 5);
	o.af = 6;
	assert_null(probe_start(ph_eng, &o, ph_done, NULL, err, sizeof(err)));
}

/*
 * A name the resolver answers at once (from a hosts file) calls back
 * inside evdns_getaddrinfo: the run still starts and completes (the
 * request it freed was once written to after the call).
 */
static void
test_name_at_once(void **state)
{
	struct ph_result res;
	struct probe_opts o;
	struct probe_engine *e2;
	struct evdns_base *dns;
	static const char hosts[] = "127.0.0.1 tp-engine-test\n";
	char	 err[160], path[] = "/tmp/tp-hosts.XXXXXX";
	int	 fd;

	(void)state;
	if (ph_eng == NULL)
		skip();
	/* No nameserver: nothing can leave the host. */
	assert_non_null(dns = evdns_base_new(ph_base, 0));
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, hosts, strlen(hosts)), (ssize_t)strlen(hosts));
	close(fd);
	assert_int_equal(evdns_base_load_hosts(dns, path), 0);
	unlink(path);
	e2 = probe_engine_new(ph_base, dns, err, sizeof(err));
	assert_non_null(e2);
	memset(&res, 0, sizeof(res));
	ph_opts(&o, "tp-engine-test", TRACE_METHOD_ICMP, 1, 5);
	ph_pending = 1;
	assert_non_null(probe_start(e2, &o, ph_done, &res, err, sizeof(err)));
	ph_wait(10);
	assert_true(res.done);
	assert_non_null(res.t);
	assert_string_equal(res.t->dst, "127.0.0.1");
	assert_true(res.t->reached);
	trace_free(res.t);
	probe_engine_free(e2);
	evdns_base_free(dns, 0);
}

/* A cancelled run never calls back and leaves the engine usable. */
static void
test_cancel(void **state)
{
	struct ph_result res[2];
	struct probe_opts o;
	struct probe_run *r;
	char	 err[160];

	(void)state;
	if (ph_eng == NULL)
		skip();
	memset(res, 0, sizeof(res));
	ph_opts(&o, "127.0.0.1", TRACE_METHOD_UDP, 2, 5);
	r = probe_start(ph_eng, &o, ph_done, &res[0], err, sizeof(err));
	assert_non_null(r);
	probe_cancel(r);
	ph_pending = 1;
	assert_non_null(probe_start(ph_eng, &o, ph_done, &res[1], err,
	    sizeof(err)));
	ph_wait(10);
	assert_false(res[0].done);
	assert_true(res[1].done);
	assert_non_null(res[1].t);
	assert_true(res[1].t->reached);
	trace_free(res[1].t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_rate_cap),
		cmocka_unit_test(test_loss_rounds),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_name_at_once),
	};

	return cmocka_run_group_tests(tests, ph_setup, ph_teardown);
}
