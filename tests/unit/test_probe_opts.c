/* test_probe_opts.c: traceroute-style flags parsed into probe_opts, bad values refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "probe_opts.h"
#include "trace.h"
#include "wire.h"

static int
parse(struct probe_opts *o, const char *line, char *err, size_t errlen)
{
	char	 buf[512], *argv[32], *p, *save = NULL;
	int	 argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (p = strtok_r(buf, " ", &save); p && argc < 31; p = strtok_r(NULL, " ", &save))
		argv[argc++] = p;
	argv[argc] = NULL;
	probe_opts_init(o);
	return probe_opts_parse(o, argc, argv, err, errlen);
}

static void
test_defaults(void **state)
{
	struct probe_opts o;
	char	 err[128];

	(void)state;
	assert_int_equal(parse(&o, "198.18.1.2", err, sizeof(err)), 0);
	assert_string_equal(o.host, "198.18.1.2");
	assert_int_equal(o.method, TRACE_METHOD_UDP);
	assert_int_equal(o.first_ttl, 1);
	assert_int_equal(o.max_ttl, 30);
	assert_int_equal(o.queries, 3);
	assert_true(o.wait_max == 5.0 && o.wait_here == 3.0 && o.wait_near == 10.0);
	assert_int_equal(probe_opts_gap_limit(&o), PROBE_GAP_DEFAULT);
	assert_int_equal(o.packet_size, 0);
}

/* A loss run: by -q, --loss, --quick, --interval; bad intervals refused. */
static void
test_loss(void **state)
{
	struct probe_opts o;
	char	 err[128];

	(void)state;
	assert_int_equal(parse(&o, "-q 9 h", err, sizeof(err)), 0);
	assert_int_equal(probe_opts_loss(&o), 0);
	assert_true(probe_opts_interval(&o) == PROBE_INTERVAL_DEFAULT);
	assert_int_equal(parse(&o, "-q 10 h", err, sizeof(err)), 0);
	assert_int_equal(probe_opts_loss(&o), 1);
	assert_int_equal(parse(&o, "-q 30 --quick h", err, sizeof(err)), 0);
	assert_int_equal(probe_opts_loss(&o), 0);
	/* --quick: a probe for each of hops 1-30 takes 30 probes' time at
	   the default 2000 per second, not a round's interval */
	assert_true(fabs(probe_opts_round_s(&o) - 30 / PROBE_PPS_DEFAULT) < 1e-9);
	assert_int_equal(parse(&o, "-q 30 --quick -f 6 -m 11 h", err,
	    sizeof(err)), 0);
	assert_true(fabs(probe_opts_round_s(&o) - 6 / PROBE_PPS_DEFAULT) < 1e-9);
	assert_int_equal(parse(&o, "-q 30 --quick -z 0.1 -m 10 h", err,
	    sizeof(err)), 0);
	assert_true(fabs(probe_opts_round_s(&o) - 1.0) < 1e-9);
	assert_int_equal(parse(&o, "--loss --interval 0.25 h", err, sizeof(err)), 0);
	assert_int_equal(probe_opts_loss(&o), 1);
	assert_true(probe_opts_interval(&o) == 0.25);
	/* a loss measurement: one round per interval */
	assert_true(probe_opts_round_s(&o) == 0.25);
	assert_int_equal(parse(&o, "--interval 0 h", err, sizeof(err)), -1);
	assert_string_equal(err, "--interval 0: bad value");
	assert_int_equal(parse(&o, "--interval 61 h", err, sizeof(err)), -1);
	assert_int_equal(parse(&o, "--interval x h", err, sizeof(err)), -1);
	assert_int_equal(parse(&o, "h", err, sizeof(err)), 0);
	o.interval = 0.001;
	assert_int_equal(probe_opts_check(&o, err, sizeof(err)), -1);
	o.interval = 0;
	o.loss = 2;
	assert_int_equal(probe_opts_check(&o, err, sizeof(err)), -1);
}

static void
test_flags(void **state)
{
	struct probe_opts o;
	char	 err[128];

	(void)state;
	assert_int_equal(parse(&o, "-4 -n -I -f 2 -m 12 -q 50 -w 2,4,8 -z 20 "
	    "-p 443 -s 198.18.0.1 -i eth0 -t 16 -F -N 32 -D -S -A /x -e host 120",
	    err, sizeof(err)), 0);
	assert_int_equal(o.af, 4);
	assert_true(o.no_dns);
	assert_int_equal(o.method, TRACE_METHOD_ICMP);
	assert_int_equal(o.first_ttl, 2);
	assert_int_equal(o.max_ttl, 12);
	assert_int_equal(o.queries, 50);
	assert_true(o.wait_max == 2 && o.wait_here == 4 && o.wait_near == 8);
	assert_true(o.pause > 0.0199 && o.pause < 0.0201);	/* 20 ms */
	assert_int_equal(o.port, 443);
	assert_string_equal(o.src, "198.18.0.1");
	assert_string_equal(o.iface, "eth0");
	assert_int_equal(o.tos, 16);
	assert_true(o.dont_fragment && o.quoted_diff && o.unanswered_summary &&
	    o.fixed_port);
	assert_int_equal(o.max_inflight, 32);
	assert_string_equal(o.asfile, "/x");
	assert_string_equal(o.host, "host");
	assert_int_equal(o.packet_size, 120);

	assert_int_equal(parse(&o, "-T 2001:db8::1", err, sizeof(err)), 0);
	assert_int_equal(o.method, TRACE_METHOD_TCP);
	assert_int_equal(parse(&o, "--paris 2001:db8::1", err, sizeof(err)), 0);
	assert_int_equal(o.method, TRACE_METHOD_UDP_PARIS);
	assert_int_equal(parse(&o, "-I --paris x", err, sizeof(err)), 0);
	assert_int_equal(o.method, TRACE_METHOD_ICMP_PARIS);
	assert_int_equal(parse(&o, "-P icmp-paris x", err, sizeof(err)), 0);
	assert_int_equal(o.method, TRACE_METHOD_ICMP_PARIS);
	assert_int_equal(parse(&o, "-P 6 x", err, sizeof(err)), 0);
	assert_int_equal(o.method, TRACE_METHOD_TCP);
	assert_int_equal(parse(&o, "-w 3 --rate 100 --gap 0 x", err, sizeof(err)), 0);
	assert_true(o.wait_max == 3 && o.wait_here == 3.0 && o.pps == 100);
	assert_int_equal(probe_opts_gap_limit(&o), 0);
	assert_int_equal(parse(&o, "--gap 2 x", err, sizeof(err)), 0);
	assert_int_equal(probe_opts_gap_limit(&o), 2);
	assert_int_equal(parse(&o, "-z 0.5 x", err, sizeof(err)), 0);
	assert_true(o.pause == 0.5);
}

static void
test_bad(void **state)
{
	static const struct { const char *line, *msg; } t[] = {
		{ "", "no destination" },
		{ "-m 0 x", "-m 0: bad value" },
		{ "-m 256 x", "-m 256: bad value" },
		{ "-f 10 -m 5 x", "above the maximum" },
		{ "-q 0 x", "-q 0" },
		{ "-q abc x", "-q abc" },
		{ "-w -1 x", "-w -1" },
		{ "-w 1,2,3,4 x", "-w 1,2,3,4" },
		{ "-p 70000 x", "-p 70000" },
		{ "-t 300 x", "-t 300" },
		{ "-s nothere x", "not an IP address" },
		{ "-4 -s 2001:db8::1 x", "not an IPv4 address" },
		{ "-P gre x", "unknown method" },
		{ "-x x", "unknown option -x" },
		{ "--bogus x", "unknown option --bogus" },
		{ "x 60 70", "unexpected argument" },
		{ "x big", "bad packet size" },
		{ "-q 1000 -m 255 x", "too many probes" },
		{ "-m", "needs a value" },
		{ "--rate 0 x", "--rate 0: bad value" },
		{ "-g 10.0.0.1 -g 10.0.0.2 -g 10.0.0.3 -g 10.0.0.4 -g 10.0.0.5 "
		  "-g 10.0.0.6 -g 10.0.0.7 -g 10.0.0.8 -g 10.0.0.9 x",
		  "at most 8 gateways" },
	};
	struct probe_opts o;
	char	 err[128];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(&o, t[i].line, err, sizeof(err)), -1);
		if (strstr(err, t[i].msg) == NULL)
			fail_msg("'%s': got '%s', want '%s'", t[i].line, err, t[i].msg);
	}
}

static void
test_check(void **state)
{
	struct probe_opts o;
	char	 err[128];

	(void)state;
	probe_opts_init(&o);
	assert_int_equal(probe_opts_check(&o, err, sizeof(err)), -1);
	strcpy(o.host, "198.18.1.2");
	assert_int_equal(probe_opts_check(&o, err, sizeof(err)), 0);
	o.method = TRACE_METHOD_UNKNOWN;
	assert_int_equal(probe_opts_check(&o, err, sizeof(err)), -1);
	o.method = TRACE_METHOD_UDP;
	o.wait_max = 0;
	assert_int_equal(probe_opts_check(&o, err, sizeof(err)), -1);
	o.wait_max = 5;
	memset(o.src, 'a', sizeof(o.src));	/* not terminated */
	assert_int_equal(probe_opts_check(&o, err, sizeof(err)), -1);
}

/*
 * The packed size of a trace of hops x q probes, answered from addr (ICMP
 * type and code given) or not.
 */
static size_t
packed(int hops, int q, const char *addr, int type)
{
	struct trace	*t = trace_new();
	struct trace_hop *h;
	Tracepair__Trace *pt;
	size_t		 n;
	int		 i, j;

	assert_non_null(t);
	for (i = 1; i <= hops; i++) {
		assert_non_null(h = trace_add_hop(t, i, q));
		for (j = 0; j < q && addr != NULL; j++) {
			h->probes[j].replied = 1;
			h->probes[j].rtt_ms = 0.123;
			h->probes[j].reply_ttl = 64;
			h->probes[j].icmp_type = type;
			h->probes[j].icmp_code = 0;
			trace_probe_set_addr(h, &h->probes[j], addr);
		}
	}
	assert_non_null(pt = wire_trace_to_pb(t));
	n = tracepair__trace__get_packed_size(pt);
	wire_free(pt);
	trace_free(t);
	return n;
}

/*
 * The option checks agree with the frame limit (issue 14): options whose
 * result cannot fit even at the fewest bytes a probe takes are refused,
 * and that floor is one: no probe packs smaller.
 */
static void
test_fit(void **state)
{
	struct probe_opts o;
	char	 err[256];

	(void)state;
	probe_opts_init(&o);
	strcpy(o.host, "198.18.1.2");
	o.first_ttl = 1;
	o.max_ttl = 30;
	o.queries = 1000;
	assert_int_equal(probe_opts_check(&o, err, sizeof(err)), 0);
	assert_int_equal(probe_opts_fit(&o, FRAME_LIMIT_DEFAULT, err,
	    sizeof(err)), 0);
	o.max_ttl = 44;		/* 44,000 probes: allowed by probe_opts_check */
	assert_int_equal(probe_opts_check(&o, err, sizeof(err)), 0);
	assert_int_equal(probe_opts_fit(&o, FRAME_LIMIT_DEFAULT, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "44000 probes make a result of at least"));
	assert_non_null(strstr(err, "frame limit of 1048576 bytes"));
	/* and indeed no such result fits, answered or not */
	assert_true(packed(44, 1000, "1.1.1.1", 0) > FRAME_LIMIT_DEFAULT);
	assert_true(packed(44, 1000, NULL, 0) > FRAME_LIMIT_DEFAULT);
	/* a smaller limit (controller frame_limit 65536) */
	o.max_ttl = 30;
	o.queries = 100;
	assert_int_equal(probe_opts_fit(&o, 65536, err, sizeof(err)), -1);
	o.queries = 50;
	assert_int_equal(probe_opts_fit(&o, 65536, err, sizeof(err)), 0);
	/* the floor: no probe packs into fewer bytes */
	assert_true(packed(1, 1000, "1.1.1.1", 0) - packed(1, 0, NULL, 0) >=
	    1000 * PROBE_WIRE_PROBE_MIN);	/* 24,002: the hop's length grew */
	assert_true(packed(1, 1000, "1.1.1.1", 11) - packed(1, 0, NULL, 0) >=
	    1000 * PROBE_WIRE_PROBE_MIN);
	assert_true(packed(1, 1000, NULL, 0) - packed(1, 0, NULL, 0) >=
	    1000 * PROBE_WIRE_PROBE_MIN);
	assert_true(packed(255, 1, NULL, 0) - packed(0, 0, NULL, 0) >=
	    255 * (PROBE_WIRE_PROBE_MIN + PROBE_WIRE_HOP_MIN));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
