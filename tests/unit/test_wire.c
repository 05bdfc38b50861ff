/* test_wire.c: struct trace / struct probe_opts through protobuf and back, and refusals of bad messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "wire.h"

/* A trace with every kind of field set. */
static struct trace *
sample_trace(void)
{
	struct trace		*t = trace_new();
	struct trace_hop	*h;
	struct trace_probe	*p;
	char			 addr[TRACE_ADDR_LEN];
	int			 ttl, i;

	t->agent = strdup("sf-office");
	t->source = strdup("tracepair");
	strcpy(t->src, "198.18.1.2");
	strcpy(t->dst, "198.18.9.9");
	t->dst_name = strdup("chicago.example");
	t->af = 4;
	t->method = TRACE_METHOD_UDP_PARIS;
	t->port = 33434;
	t->first_ttl = 1;
	t->max_ttl = 30;
	t->queries = 3;
	t->packet_size = 60;
	t->options = strdup("-q 3 --paris");
	t->start = 1795000000.125;
	t->end = 1795000001.5;
	t->reached = 1;
	strcpy(t->stop_reason, "completed");
	t->unmatched_icmp = 7;
	t->malformed_icmp = 1ULL << 40;
	for (ttl = 1; ttl <= 4; ttl++) {
		h = trace_add_hop(t, ttl, 3);
		if (ttl == 2) {		/* a loss measurement's hop */
			h->echo_sent = 30;
			h->echo_received = 26;
			h->loss_by_echo = 1;
			h->rl_rate = 0.9;
			h->rl_burst = 6;
		}
		for (i = 0; i < 3; i++) {
			p = &h->probes[i];
			if (ttl == 3 && i == 1)
				continue;	/* one star */
			p->replied = 1;
			p->rtt_ms = ttl * 10.25 + i;
			snprintf(addr, sizeof(addr), "198.18.%d.%d", ttl, i + 1);
			trace_probe_set_addr(h, p, addr);
			p->reply_ttl = 64 - ttl;
			p->icmp_type = ttl == 4 ? 3 : 11;
			p->icmp_code = ttl == 4 ? 3 : 0;
			if (ttl == 2)
				trace_probe_set_name(h, p, "core2.sanfrancisco.example");
			if (ttl == 4 && i == 2)
				strcpy(trace_probe_more_alloc(p)->annot, "!H");
			if (ttl == 3) {
				struct trace_probe_more *m = trace_probe_more_alloc(p);

				m->nmpls = 2;
				m->mpls[0] = (struct trace_mpls){ 16001, 5, 0, 1 };
				m->mpls[1] = (struct trace_mpls){ 0xfffff, 7, 1, 255 };
				m->quoted_diff = strdup("tos 0x00->0x20");
			}
			p->asn = 64500 + (uint32_t)ttl;
		}
	}
	return t;
}

/* to_pb, pack, unpack, from_pb. */
static struct trace *
round_trip(const struct trace *t)
{
	Tracepair__Trace	*m, *u;
	struct trace		*back;
	uint8_t			*buf;
	size_t			 n;
	char			 err[256];

	m = wire_trace_to_pb(t);
	assert_non_null(m);
	n = tracepair__trace__get_packed_size(m);
	buf = malloc(n ? n : 1);
	tracepair__trace__pack(m, buf);
	wire_free(m);
	u = tracepair__trace__unpack(NULL, n, buf);
	free(buf);
	assert_non_null(u);
	back = wire_trace_from_pb(u, err, sizeof(err));
	if (back == NULL)
		fail_msg("from_pb: %s", err);
	wire_free(u);
	return back;
}

static void
test_trace_round_trip(void **state)
{
	struct trace	*t, *back;
	char		*j1, *j2;

	(void)state;
	t = sample_trace();
	back = round_trip(t);
	j1 = trace_to_json(t, 0);
	j2 = trace_to_json(back, 0);
	assert_string_equal(j1, j2);
	/* Fields the JSON might not show, checked directly. */
	assert_int_equal(back->nhops, 4);
	assert_int_equal(trace_probe_more_alloc(&back->hops[2].probes[0])->nmpls, 2);
	assert_int_equal(trace_probe_more_alloc(&back->hops[2].probes[0])->mpls[1].label, 0xfffff);
	assert_int_equal(trace_probe_more_alloc(&back->hops[2].probes[0])->mpls[1].s, 1);
	assert_int_equal(back->hops[2].probes[1].replied, 0);
	assert_null(back->hops[2].probes[1].name);
	assert_string_equal(back->hops[1].probes[0].name,
	    "core2.sanfrancisco.example");
	assert_string_equal(trace_probe_more_alloc(&back->hops[3].probes[2])->annot, "!H");
	assert_int_equal(back->hops[1].echo_sent, 30);
	assert_int_equal(back->hops[1].echo_received, 26);
	assert_int_equal(back->hops[1].loss_by_echo, 1);
	assert_true(back->hops[1].rl_rate == 0.9);
	assert_int_equal(back->hops[1].rl_burst, 6);
	assert_int_equal(back->hops[0].echo_sent, 0);
	assert_int_equal(back->malformed_icmp, 1ULL << 40);
	assert_int_equal(back->method, TRACE_METHOD_UDP_PARIS);
	assert_true(back->start == 1795000000.125);
	free(j1);
	free(j2);
	trace_free(t);
	trace_free(back);
}

static void
test_empty_trace(void **state)
{
	struct trace	*t = trace_new(), *back;

	(void)state;
	t->method = TRACE_METHOD_UNKNOWN;
	back = round_trip(t);
	assert_int_equal(back->nhops, 0);
	assert_null(back->agent);
	assert_null(back->dst_name);
	assert_string_equal(back->dst, "");
	assert_int_equal(back->method, TRACE_METHOD_UNKNOWN);
	trace_free(t);
	trace_free(back);
}

static void
test_trace_refusals(void **state)
{
	struct trace		*t;
	Tracepair__Trace	*m;
	char			 err[256], *saved;
	Tracepair__Hop		*h;

	(void)state;
	t = sample_trace();
	m = wire_trace_to_pb(t);
	trace_free(t);

	/* Address longer than the fixed buffer. */
	saved = m->hops[0]->probes[0]->addr;
	m->hops[0]->probes[0]->addr = strdup(
	    "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa");
	assert_null(wire_trace_from_pb(m, err, sizeof(err)));
	assert_non_null(strstr(err, "too long"));
	free(m->hops[0]->probes[0]->addr);
	m->hops[0]->probes[0]->addr = saved;

	/* Hops out of order. */
	h = m->hops[0];
	m->hops[0] = m->hops[1];
	m->hops[1] = h;
	assert_null(wire_trace_from_pb(m, err, sizeof(err)));
	m->hops[1] = m->hops[0];
	m->hops[0] = h;

	/* Unknown method, bad family, ttl 0. */
	m->method = 42;
	assert_null(wire_trace_from_pb(m, err, sizeof(err)));
	m->method = TRACEPAIR__METHOD__METHOD_TCP;
	m->af = 5;
	assert_null(wire_trace_from_pb(m, err, sizeof(err)));
	m->af = 6;
	m->hops[0]->ttl = 0;
	assert_null(wire_trace_from_pb(m, err, sizeof(err)));
	m->hops[0]->ttl = 1;

	/* Echo figures that do not add up, a negative rate limit. */
	m->hops[1]->echo_received = 31;
	assert_null(wire_trace_from_pb(m, err, sizeof(err)));
	m->hops[1]->echo_received = 26;
	m->hops[0]->loss_by_echo = 1;
	assert_null(wire_trace_from_pb(m, err, sizeof(err)));
	m->hops[0]->loss_by_echo = 0;
	m->hops[1]->rl_rate = -1;
	assert_null(wire_trace_from_pb(m, err, sizeof(err)));
	m->hops[1]->rl_rate = 0.9;

	/* MPLS label over 20 bits. */
	m->hops[2]->probes[0]->mpls[0]->label = 0x100000;
	assert_null(wire_trace_from_pb(m, err, sizeof(err)));
	m->hops[2]->probes[0]->mpls[0]->label = 1;

	/* Repaired: accepted again. */
	t = wire_trace_from_pb(m, err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(t->method, TRACE_METHOD_TCP);
	trace_free(t);
	wire_free(m);
}

static void
test_opts_round_trip(void **state)
{
	struct probe_opts	 o, back;
	Tracepair__TraceOptions	*m, *u;
	uint8_t			*buf;
	size_t			 n;
	char			 err[256];

	(void)state;
	memset(&o, 0, sizeof(o));
	strcpy(o.host, "2001:db8::9");
	o.af = 6;
	o.method = TRACE_METHOD_TCP;
	o.port = 443;
	o.first_ttl = 2;
	o.max_ttl = 40;
	o.queries = 20;
	o.wait_max = 5;
	o.wait_here = 3;
	o.wait_near = 10;
	o.pause = 0.05;
	o.pps = 200;
	o.packet_size = 1400;
	o.tos = 0x20;
	o.dont_fragment = 1;
	o.fixed_port = 1;
	o.bypass_route = 1;
	strcpy(o.src, "2001:db8::1");
	strcpy(o.iface, "eth0");
	o.ngw = 2;
	strcpy(o.gw[0], "198.18.0.1");
	strcpy(o.gw[1], "198.18.0.2");
	o.no_dns = 1;
	o.quoted_diff = 1;
	o.unanswered_summary = 1;
	strcpy(o.asfile, "/var/lib/tracepair/pfx2as");
	o.show_mpls = 1;
	o.max_inflight = 4;	/* -N and --gap reach the agent too */
	o.gap_limit = 7;

	m = wire_opts_to_pb(&o);
	assert_non_null(m);
	n = tracepair__trace_options__get_packed_size(m);
	buf = malloc(n);
	tracepair__trace_options__pack(m, buf);
	wire_free(m);
	u = tracepair__trace_options__unpack(NULL, n, buf);
	free(buf);
	assert_non_null(u);
	assert_int_equal(wire_opts_from_pb(u, &back, err, sizeof(err)), 0);
	assert_memory_equal(&o, &back, sizeof(o));

	/* Nine gateways do not fit. */
	u->n_gw = 9;
	assert_int_equal(wire_opts_from_pb(u, &back, err, sizeof(err)), -1);
	u->n_gw = 2;
	wire_free(u);
}

/*
 * Fixed wire bytes, written once by hand from tracepair.proto (not produced
 * by this code): a decode that only round-trips through itself would not
 * notice a field number or a type changed on both sides at once.
 *
 * Envelope{request_id 7, hello{protocol_version 1, software "ab",
 * probe_addr4 "198.18.0.1"}}, framed (4-byte big-endian length 22).
 */
static const uint8_t hello_frame[] = {
	0x00, 0x00, 0x00, 0x16,
	0x08, 0x07,				/* 1: request_id 7 */
	0x12, 0x12,				/* 2: hello, 18 bytes */
	0x08, 0x01,				/*   1: protocol_version 1 */
	0x12, 0x02, 'a', 'b',			/*   2: software "ab" */
	0x22, 0x0a, '1', '9', '8', '.', '1', '8', '.', '0', '.', '1',
						/*   4: probe_addr4 */
};

/*
 * Envelope{request_id 9, job_result{job_id "j1", trace{agent "a", af 4,
 * reached true, hops [{ttl 1, probes [{replied true, rtt_ms 1.5,
 * addr "198.18.0.2"}]}]}}}, framed (length 48).
 */
static const uint8_t result_frame[] = {
	0x00, 0x00, 0x00, 0x30,
	0x08, 0x09,				/* 1: request_id 9 */
	0x3a, 0x2c,				/* 7: job_result, 44 bytes */
	0x0a, 0x02, 'j', '1',			/*   1: job_id "j1" */
	0x12, 0x26,				/*   2: trace, 38 bytes */
	0x0a, 0x01, 'a',			/*     1: agent "a" */
	0x30, 0x04,				/*     6: af 4 */
	0x80, 0x01, 0x01,			/*     16: reached true */
	0xa2, 0x01, 0x1b,			/*     20: hops, 27 bytes */
	0x08, 0x01,				/*       1: ttl 1 */
	0x12, 0x17,				/*       2: probes, 23 bytes */
	0x08, 0x01,				/*         1: replied */
	0x11, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f,	/*         2: rtt_ms 1.5 */
	0x1a, 0x0a, '1', '9', '8', '.', '1', '8', '.', '0', '.', '2',
						/*         3: addr */
};

static void
test_fixed_bytes(void **state)
{
	frame_env	*env;
	struct trace	*t;
	uint8_t		*enc;
	size_t		 used, len;
	char		 err[256];

	(void)state;
	assert_int_equal(frame_decode(hello_frame, sizeof(hello_frame), 0, &env,
	    &used, err, sizeof(err)), FRAME_DONE);
	assert_int_equal(used, sizeof(hello_frame));
	assert_int_equal(env->request_id, 7);
	assert_int_equal(env->body_case, TRACEPAIR__ENVELOPE__BODY_HELLO);
	assert_int_equal(env->hello->protocol_version, 1);
	assert_string_equal(env->hello->software, "ab");
	assert_string_equal(env->hello->probe_addr4, "198.18.0.1");
	/* and encoding it gives the same bytes */
	enc = frame_encode(env, 0, &len, err, sizeof(err));
	assert_non_null(enc);
	assert_int_equal(len, sizeof(hello_frame));
	assert_memory_equal(enc, hello_frame, len);
	free(enc);
	frame_free(env);

	assert_int_equal(frame_decode(result_frame, sizeof(result_frame), 0, &env,
	    &used, err, sizeof(err)), FRAME_DONE);
	assert_int_equal(used, sizeof(result_frame));
	assert_int_equal(env->request_id, 9);
	assert_int_equal(env->body_case, TRACEPAIR__ENVELOPE__BODY_JOB_RESULT);
	assert_string_equal(env->job_result->job_id, "j1");
	t = wire_trace_from_pb(env->job_result->trace, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_string_equal(t->agent, "a");
	assert_int_equal(t->af, 4);
	assert_int_equal(t->reached, 1);
	assert_int_equal(t->nhops, 1);
	assert_int_equal(t->hops[0].ttl, 1);
	assert_int_equal(t->hops[0].nprobes, 1);
	assert_int_equal(t->hops[0].probes[0].replied, 1);
	assert_true(t->hops[0].probes[0].rtt_ms == 1.5);
	assert_string_equal(t->hops[0].probes[0].addr, "198.18.0.2");
	trace_free(t);
	frame_free(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_round_trip),
		cmocka_unit_test(test_empty_trace),
		cmocka_unit_test(test_trace_refusals),
		cmocka_unit_test(test_opts_round_trip),
		cmocka_unit_test(test_fixed_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
