/* test_trace.c: the shared trace model, its statistics and its JSON form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "stats.h"
#include "trace.h"

static struct trace *
sample_trace(void)
{
	struct trace	*t = trace_new();
	struct trace_hop *h;

	t->source = strdup("tracepair");
	strcpy(t->dst, "198.18.1.2");
	t->af = 4;
	t->method = TRACE_METHOD_UDP_PARIS;
	t->first_ttl = 1;
	t->max_ttl = 30;
	t->queries = 3;
	t->start = 1795000000.125;
	t->end = 1795000000.250;
	t->reached = 1;
	strcpy(t->stop_reason, "completed");
	h = trace_add_hop(t, 1, 3);
	h->probes[0].replied = 1;
	h->probes[0].rtt_ms = 1.0;
	trace_probe_set_addr(h, &h->probes[0], "198.18.0.1");
	h->probes[1].replied = 1;
	h->probes[1].rtt_ms = 3.0;
	trace_probe_set_addr(h, &h->probes[1], "198.18.0.5");
	trace_probe_set_name(h, &h->probes[1], "r1b.lab");
	h->probes[2].replied = 1;
	h->probes[2].rtt_ms = 2.0;
	trace_probe_set_addr(h, &h->probes[2], "198.18.0.5");
	h = trace_add_hop(t, 2, 3);
	h->probes[1].replied = 1;
	h->probes[1].rtt_ms = 5.0;
	h->probes[1].reply_ttl = 62;
	h->probes[1].icmp_type = 3;
	h->probes[1].icmp_code = 3;
	trace_probe_more_alloc(&h->probes[1])->nmpls = 1;
	trace_probe_more_alloc(&h->probes[1])->mpls[0].label = 16001;
	trace_probe_more_alloc(&h->probes[1])->mpls[0].s = 1;
	trace_probe_more_alloc(&h->probes[1])->mpls[0].ttl = 1;
	trace_probe_set_addr(h, &h->probes[1], "198.18.1.2");
	return t;
}

static void
test_stats(void **state)
{
	struct trace	*t = sample_trace();
	struct trace_hop_stats s;

	(void)state;
	trace_hop_stats(&t->hops[0], &s);
	assert_int_equal(s.sent, 3);
	assert_int_equal(s.received, 3);
	assert_true(s.loss_pct == 0.0);
	assert_true(s.min_ms == 1.0 && s.max_ms == 3.0 && s.avg_ms == 2.0);
	assert_true(s.stddev_ms > 0.816 && s.stddev_ms < 0.817);
	trace_hop_stats(&t->hops[1], &s);
	assert_int_equal(s.received, 1);
	assert_true(s.loss_pct > 66.6 && s.loss_pct < 66.7);
	trace_free(t);
}

static void
test_responders(void **state)
{
	struct trace	*t = sample_trace();
	struct trace_responder r[4];
	const struct trace_probe *p;

	(void)state;
	assert_int_equal(trace_hop_responders(&t->hops[0], r, 4), 2);
	assert_string_equal(r[0].addr, "198.18.0.5");
	assert_int_equal(r[0].count, 2);
	assert_string_equal(r[0].name, "r1b.lab");
	assert_string_equal(r[1].addr, "198.18.0.1");
	p = trace_hop_main_probe(&t->hops[0]);
	assert_non_null(p);
	assert_string_equal(p->addr, "198.18.0.5");
	/* max bounds the output */
	assert_int_equal(trace_hop_responders(&t->hops[0], r, 1), 1);
	trace_free(t);
}

/*
 * trace_hop_is_dst: any answered probe of the hop by address, by name (case
 * aside) or by the address the user gave; unanswered probes and empty
 * strings never count.
 */
static void
test_hop_is_dst(void **state)
{
	struct trace	*t = sample_trace();
	struct trace_hop *h1 = &t->hops[0], *h2 = &t->hops[1];

	(void)state;
	/* by address: hop 2's one reply comes from t->dst */
	assert_int_equal(trace_hop_is_dst(t, h2), 1);
	assert_int_equal(trace_hop_is_dst(t, h1), 0);
	/* a responder that is not the main one still counts (ECMP at the last hop) */
	trace_probe_set_addr(h1, &h1->probes[0], "198.18.1.2");
	assert_int_equal(trace_hop_is_dst(t, h1), 1);
	/* an unanswered probe carrying the address does not */
	h1->probes[0].replied = 0;
	assert_int_equal(trace_hop_is_dst(t, h1), 0);
	/* by name, case aside, when the user gave a name */
	t->dst[0] = '\0';
	assert_int_equal(trace_hop_is_dst(t, h2), 0);
	t->dst_name = strdup("R1B.Lab");
	assert_int_equal(trace_hop_is_dst(t, h1), 1);
	/* by the address the user gave as dst_name */
	free(t->dst_name);
	t->dst_name = strdup("198.18.1.2");
	assert_int_equal(trace_hop_is_dst(t, h2), 1);
	assert_int_equal(trace_hop_is_dst(t, h1), 0);
	/* empty strings never match: no address, no name, empty dst_name */
	free(t->dst_name);
	t->dst_name = strdup("");
	h2->probes[1].addr = "";
	assert_int_equal(trace_hop_is_dst(t, h2), 0);
	trace_probe_set_name(h2, &h2->probes[1], "");
	assert_int_equal(trace_hop_is_dst(t, h2), 0);
	/* a hop with no probe answered */
	h2->probes[1].replied = 0;
	strcpy(t->dst, "198.18.1.2");
	trace_probe_set_addr(h2, &h2->probes[1], "198.18.1.2");
	assert_int_equal(trace_hop_is_dst(t, h2), 0);
	trace_free(t);
}

static void
test_json_roundtrip(void **state)
{
	struct trace	*t = sample_trace(), *u;
	char		*a, *b, err[256];

	(void)state;
	a = trace_to_json(t, 0);
	assert_non_null(a);
	u = trace_from_json(a, strlen(a), err, sizeof(err));
	assert_non_null(u);
	assert_int_equal(u->nhops, 2);
	assert_int_equal(u->method, TRACE_METHOD_UDP_PARIS);
	assert_int_equal(trace_probe_more_alloc(&u->hops[1].probes[1])->mpls[0].label, 16001);
	assert_int_equal(u->hops[1].probes[0].replied, 0);
	assert_true(u->start > 1795000000.12 && u->start < 1795000000.13);
	b = trace_to_json(u, 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	trace_free(t);
	trace_free(u);
}

/* A loss measurement's hop: its echo figure stands, its limit is kept. */
static void
test_json_loss_hop(void **state)
{
	static const char in[] = "{\"hops\": [{\"ttl\": 1, \"probes\": "
	    "[{\"addr\": \"198.18.0.1\", \"rtt_ms\": 1.5}, {}], "
	    "\"loss_method\": \"echo\", \"echo\": {\"sent\": 4, \"received\": 3}, "
	    "\"rate_limit\": {\"replies_per_s\": 0.9, \"burst\": 6}}]}";
	struct trace_hop_stats st;
	struct trace	*t;
	char		 err[256], *out;

	(void)state;
	t = trace_from_json(in, strlen(in), err, sizeof(err));
	assert_non_null(t);
	trace_hop_stats(&t->hops[0], &st);
	assert_int_equal(st.sent, 4);
	assert_int_equal(st.received, 3);
	assert_true(st.loss_pct == 25.0);
	assert_true(st.avg_ms == 1.5);
	assert_true(t->hops[0].rl_rate == 0.9);
	assert_int_equal(t->hops[0].rl_burst, 6);
	out = trace_to_json(t, 0);
	assert_non_null(strstr(out, "\"loss_method\":\"echo\""));
	assert_non_null(strstr(out, "\"rate_limit\":{\"replies_per_s\":0.9,\"burst\":6}"));
	free(out);
	trace_free(t);
}

static void
test_json_rejects(void **state)
{
	static const char *bad[] = {
		"",
		"[]",
		"{\"hops\": 3}",
		"{\"hops\": [{\"ttl\": 2, \"probes\": []}, {\"ttl\": 1, \"probes\": []}]}",
		"{\"hops\": [{\"ttl\": 0, \"probes\": []}]}",
		"{\"hops\": [{\"ttl\": 1, \"probes\": [{\"rtt_ms\": -1}]}]}",
		"{\"hops\": [{\"ttl\": 1, \"probes\": [{\"addr\": \"0123456789012345678901234567890123456789012345678\"}]}]}",
		"{\"method\": \"carrier-pigeon\", \"hops\": []}",
		"{\"start\": \"yesterday\", \"hops\": []}",
		"{\"version\": 9, \"hops\": []}",
		"{\"hops\": [{\"ttl\": 1, \"probes\": [], \"loss_method\": \"smoke\"}]}",
		"{\"hops\": [{\"ttl\": 1, \"probes\": [], \"loss_method\": \"echo\"}]}",
		"{\"hops\": [{\"ttl\": 1, \"probes\": [], \"echo\": {\"sent\": 3, \"received\": 4}}]}",
		"{\"hops\": [{\"ttl\": 1, \"probes\": [], \"echo\": [3, 4]}]}",
		"{\"hops\": [{\"ttl\": 1, \"probes\": [], \"rate_limit\": {\"replies_per_s\": -1, \"burst\": 6}}]}",
		"{\"hops\": [{\"ttl\": 1, \"probes\": [], \"rate_limit\": {\"burst\": 6}}]}",
	};
	char	 err[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_null(trace_from_json(bad[i], strlen(bad[i]), err, sizeof(err)));
		assert_true(err[0] != '\0');
	}
}

/* Names from outside are inert: escapes and newlines escaped, once. */
static void
test_name_inert(void **state)
{
	struct trace	*t;
	struct trace_hop *h;
	struct trace_probe *p;
	char		*json, err[128], *n;

	(void)state;
	assert_non_null(t = trace_new());
	assert_non_null(h = trace_add_hop(t, 1, 1));
	p = &h->probes[0];
	assert_int_equal(trace_probe_set_name(h, p,
	    "evil\x1b[2J\nroot .example"), 0);
	assert_string_equal(p->name, "evil\\x1b\\x5b2J\\x0aroot\\x20.example");
	/* idempotent: read back, it stays the same */
	assert_non_null(n = trace_name_inert(p->name));
	assert_string_equal(n, p->name);
	free(n);
	assert_non_null(json = trace_to_json(t, 0));
	trace_free(t);
	assert_non_null(t = trace_from_json(json, strlen(json), err, sizeof(err)));
	assert_string_equal(t->hops[0].probes[0].name,
	    "evil\\x1b\\x5b2J\\x0aroot\\x20.example");
	free(json);
	trace_free(t);
	/* a raw escape in stored JSON is made inert where it is read */
	json = strdup("{\"version\":1,\"hops\":[{\"ttl\":1,\"probes\":"
	    "[{\"addr\":\"198.18.0.1\",\"name\":\"a\\u001bb\"}]}]}");
	t = trace_from_json(json, strlen(json), err, sizeof(err));
	if (t != NULL) {
		assert_string_equal(t->hops[0].probes[0].name, "a\\x1bb");
		trace_free(t);
	}
	free(json);
}

static void
test_time(void **state)
{
	char	 buf[40];
	double	 t;

	(void)state;
	trace_format_time(1795000000.5, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-18T11:06:40.500Z");
	assert_int_equal(trace_parse_time(buf, &t), 0);
	assert_true(t > 1795000000.49 && t < 1795000000.51);
	assert_int_equal(trace_parse_time("2026-13-01T00:00:00Z", &t), -1);
	assert_int_equal(trace_parse_time("2026-11-18T10:26:40", &t), -1);
}

/* What jansson dumps for t (trace_to_json's compact form before trace_jsonw.c). */
static char *
jansson_compact(const struct trace *t)
{
	json_t	*o = trace_to_jobj(t);
	char	*s;

	assert_non_null(o);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(6));
	json_decref(o);
	assert_non_null(s);
	return s;
}

/*
 * trace_json_dumpf() of t nested two levels deep in a document writes
 * what jansson writes for the whole tree, with flags: the hops through
 * the direct writer (trace_hop_to_json_direct) or, where it cannot,
 * jansson's own dump of each hop.
 */
static void
same_dumpf(const struct trace *t, size_t flags)
{
	json_t	*whole, *lazy;
	char	*a, *b = NULL;
	size_t	 blen = 0;
	FILE	*fp;

	whole = json_pack("{s:s, s:[{s:o}]}", "kind", "pair", "list",
	    "forward", trace_to_jobj(t));
	lazy = json_pack("{s:s, s:[{s:o}]}", "kind", "pair", "list",
	    "forward", trace_to_jobj_lazy(t, 0));
	assert_non_null(whole);
	assert_non_null(lazy);
	assert_non_null(a = json_dumps(whole, flags));
	assert_non_null(fp = open_memstream(&b, &blen));
	assert_int_equal(trace_json_dumpf(fp, lazy, &t, 1, flags), 0);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(a, b);
	json_decref(whole);
	json_decref(lazy);
	free(a);
	free(b);
}

/* The direct writer gives jansson's bytes, or NULL (and jansson's). */
static void
same_json(const struct trace *t, int direct)
{
	static const size_t dumpflags[] = {
	    JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6),
	    JSON_INDENT(4) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6),
	    JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6),
	    JSON_INDENT(0) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6),
	    JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII |
		JSON_REAL_PRECISION(6),
	    JSON_INDENT(2) | JSON_PRESERVE_ORDER };
	size_t	 i;

	for (i = 0; i < sizeof(dumpflags) / sizeof(dumpflags[0]); i++)
		same_dumpf(t, dumpflags[i]);
	char	*a = jansson_compact(t), *b = trace_to_json_compact(t),
		*c = trace_to_json(t, 0);

	if (direct) {
		assert_non_null(b);
		assert_string_equal(a, b);
	} else
		assert_null(b);
	assert_string_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 n;

	if (f == NULL)
		fail_msg("%s: cannot open (run from the top of the tree)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/*
 * trace_jsonw.c: byte for byte the JSON jansson writes, for every member
 * and escape, reals of every magnitude, and the stored lab traces; a
 * string that is not UTF-8 or a real that is not finite goes to jansson.
 * The same for the hops trace_json_dumpf() writes, compact and indented,
 * and for flags only jansson lays out.
 */
static void
test_json_direct(void **state)
{
	static const double reals[] = { 0, -0.0, 0.1, 1.25, 1e-7, 123456.5,
	    1234567, 1e21, -3.5e-12, 99.99999, 2.0 / 3 };
	static const char *const files[] = {
	    "tests/analysis/lab-sfchi-forward.json",
	    "tests/analysis/lab-sfchi-reverse.json" };
	struct trace		*t = trace_new();
	struct trace_hop	*h;
	char			 err[256], *text;
	size_t			 i;
	char			 addr[TRACE_ADDR_LEN];

	(void)state;
	same_json(t, 1);	/* empty: nulls, no hops */
	t->agent = strdup("sf-office");
	t->source = strdup("tracepair");
	t->options = strdup("-q 3 \"quoted\" \\ back\tslash\x01\x1f\x7f");
	t->dst_name = strdup("\xc3\xa9t\xc3\xa9.example \xe4\xb8\xad \xf0\x9f\x98\x80");
	strcpy(t->src, "2001:db8::1");
	strcpy(t->dst, "198.18.9.9");
	t->af = 6;
	t->method = TRACE_METHOD_TCP;
	t->port = 443;
	t->first_ttl = 1;
	t->max_ttl = 30;
	t->queries = 3;
	t->packet_size = 60;
	t->start = 1795000000.123;
	t->end = 1795000003.5;
	t->reached = 1;
	strcpy(t->stop_reason, "completed");
	t->unmatched_icmp = 18446744073709551615ULL;
	t->malformed_icmp = 7;
	for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		h = trace_add_hop(t, (int)i + 1, 3);
		h->probes[0].replied = 1;
		h->probes[0].rtt_ms = fabs(reals[i]);
		h->probes[1].replied = 1;
		h->probes[1].rtt_ms = reals[i] * 3 + 0.001;
		snprintf(addr, sizeof(addr), "198.18.%zu.1", i);
		trace_probe_set_addr(h, &h->probes[0], addr);
		trace_probe_set_addr(h, &h->probes[1], i % 2 ? "198.18.0.7" : "");
		h->probes[0].reply_ttl = 250;
		h->probes[0].icmp_type = 11;
		h->probes[0].icmp_code = 0;
		strcpy(trace_probe_more_alloc(&h->probes[1])->annot, "!H");
		if (i % 3 == 0)
			assert_int_equal(trace_probe_set_name(h, &h->probes[0],
			    "r\\1.\"x\".example"), 0);
		if (i == 2) {
			trace_probe_more_alloc(&h->probes[0])->nmpls = 2;
			trace_probe_more_alloc(&h->probes[0])->mpls[0].label = 1048575;
			trace_probe_more_alloc(&h->probes[0])->mpls[0].exp = 7;
			trace_probe_more_alloc(&h->probes[0])->mpls[0].s = 0;
			trace_probe_more_alloc(&h->probes[0])->mpls[0].ttl = 1;
			trace_probe_more_alloc(&h->probes[0])->mpls[1].label = 16;
			trace_probe_more_alloc(&h->probes[0])->mpls[1].s = 1;
			trace_probe_more_alloc(&h->probes[0])->mpls[1].ttl = 255;
			trace_probe_more_alloc(&h->probes[0])->quoted_diff = strdup("TOS 0x00 -> 0x04");
			h->probes[0].asn = 4294967295U;
			trace_probe_more_alloc(&h->probes[0])->nmore_asns = 2;
			trace_probe_more_alloc(&h->probes[0])->more_asns[0] = 64496;
			trace_probe_more_alloc(&h->probes[0])->more_asns[1] = 1;
			h->probes[1].asn = 3320;
		}
		if (i == 4) {
			h->echo_sent = 100;
			h->echo_received = 97;
			h->loss_by_echo = 1;
			h->rl_rate = reals[i] * 1e6 + 0.5;
			h->rl_burst = 10;
		}
		if (i == 5) {
			h->echo_sent = 10;
			h->loss_by_echo = 0;
		}
	}
	same_json(t, 1);

	/* Not UTF-8, or not finite: left to jansson, same output. */
	free(t->dst_name);
	t->dst_name = strdup("bad \xc3\x28 utf-8");
	same_json(t, 0);
	free(t->dst_name);
	t->dst_name = strdup("\xed\xa0\x80 surrogate");
	same_json(t, 0);
	free(t->dst_name);
	t->dst_name = NULL;
	same_json(t, 1);
	t->hops[3].probes[0].rtt_ms = NAN;
	same_json(t, 0);
	t->hops[3].probes[0].rtt_ms = INFINITY;
	same_json(t, 0);
	trace_free(t);

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		text = slurp(files[i]);
		t = trace_from_json(text, strlen(text), err, sizeof(err));
		if (t == NULL)
			fail_msg("%s: %s", files[i], err);
		same_json(t, 1);
		trace_free(t);
		free(text);
	}
}

/*
 * The 40-byte probe: equal strings of a hop are one copy; a copy to
 * another hop takes that hop's strings and its own rare fields; an
 * address is cut to TRACE_ADDR_LEN - 1 bytes; truncating frees (ASan).
 */
static void
test_probe_strings(void **state)
{
	struct trace	*t;
	struct trace_hop *h, *h2;
	struct trace_probe *p, *q;
	char		 long_addr[100];

	(void)state;
	assert_int_equal(sizeof(struct trace_probe), 40);
	assert_non_null(t = trace_new());
	assert_non_null(h = trace_add_hop(t, 1, 3));
	assert_string_equal(h->probes[0].addr, "");
	assert_null(h->probes[0].name);
	assert_int_equal(trace_probe_more(&h->probes[0])->nmpls, 0);
	assert_null(h->probes[0].more);
	assert_int_equal(trace_probe_set_addr(h, &h->probes[0], "198.18.0.1"), 0);
	assert_int_equal(trace_probe_set_addr(h, &h->probes[1], "198.18.0.1"), 0);
	assert_int_equal(trace_probe_set_addr(h, &h->probes[2], "198.18.0.2"), 0);
	assert_ptr_equal(h->probes[0].addr, h->probes[1].addr);
	assert_ptr_not_equal(h->probes[0].addr, h->probes[2].addr);
	assert_int_equal(trace_probe_set_name(h, &h->probes[0], "r1 .lab"), 0);
	assert_int_equal(trace_probe_set_name(h, &h->probes[1], "r1\\x20.lab"), 0);
	assert_string_equal(h->probes[0].name, "r1\\x20.lab");
	assert_ptr_equal(h->probes[0].name, h->probes[1].name);
	assert_int_equal(h->nstrs, 3);
	memset(long_addr, 'a', sizeof(long_addr) - 1);
	long_addr[sizeof(long_addr) - 1] = '\0';
	assert_int_equal(trace_probe_set_addr(h, &h->probes[2], long_addr), 0);
	assert_int_equal(strlen(h->probes[2].addr), TRACE_ADDR_LEN - 1);
	assert_int_equal(trace_probe_set_addr(h, &h->probes[2], NULL), 0);
	assert_string_equal(h->probes[2].addr, "");
	assert_non_null(trace_probe_more_alloc(&h->probes[0]));
	strcpy(h->probes[0].more->annot, "!H");
	h->probes[0].more->quoted_diff = strdup("tos 0x00->0x04");
	/* a copy to another hop: its strings and rare fields its own */
	assert_non_null(h2 = trace_add_hop(t, 2, 0));
	h = &t->hops[0];
	assert_non_null(q = trace_hop_copy_probe(h2, &h->probes[0]));
	assert_string_equal(q->addr, "198.18.0.1");
	assert_ptr_not_equal(q->addr, h->probes[0].addr);
	assert_string_equal(q->name, "r1\\x20.lab");
	assert_ptr_not_equal(q->more, h->probes[0].more);
	assert_string_equal(q->more->annot, "!H");
	assert_string_equal(q->more->quoted_diff, "tos 0x00->0x04");
	assert_ptr_not_equal(q->more->quoted_diff, h->probes[0].more->quoted_diff);
	/* a copy within the hop (its probes may move) */
	assert_non_null(p = trace_hop_copy_probe(h2, q));
	assert_ptr_equal(h2->probes[0].addr, h2->probes[1].addr);
	assert_int_equal(h2->nprobes, 2);
	trace_hop_truncate(h2, 1);
	assert_int_equal(h2->nprobes, 1);
	trace_hop_truncate(h, 0);
	assert_int_equal(h->nprobes, 0);
	trace_free(t);
}

/* The one-sided Fisher test against values worked by hand. */
static void
test_fisher(void **state)
{
	(void)state;
	/* 3 of 3 lost against 0 of 3: C(3,3) C(3,0) / C(6,3) = 1/20 */
	assert_true(fabs(stats_fisher_more(3, 3, 0, 3) - 0.05) < 1e-9);
	/* 5 of 10 against 0 of 10: 252 / 15504 */
	assert_true(fabs(stats_fisher_more(5, 10, 0, 10) - 252.0 / 15504) < 1e-9);
	/* 1 of 2 against 1 of 2: P(X >= 1) = 1 - C(2,2)/C(4,2) = 5/6 */
	assert_true(fabs(stats_fisher_more(1, 2, 1, 2) - 5.0 / 6) < 1e-9);
	/* the first sample losing less is no evidence it loses more */
	assert_true(stats_fisher_more(0, 30, 5, 30) == 1.0);
	assert_true(stats_fisher_more(5, 30, 0, 30) < 0.05);
	assert_true(stats_fisher_more(5, 30, 0, 30) > 0.01);
	/* out of range, empty, nothing lost: no evidence */
	assert_true(stats_fisher_more(0, 0, 3, 10) == 1.0);
	assert_true(stats_fisher_more(3, 10, 0, 0) == 1.0);
	assert_true(stats_fisher_more(0, 10, 0, 10) == 1.0);
	assert_true(stats_fisher_more(11, 10, 0, 10) == 1.0);
	assert_true(stats_fisher_more(-1, 10, 0, 10) == 1.0);
	/* large samples stay finite and in range */
	assert_true(stats_fisher_more(100, 1000, 50, 1000) < 1e-4);
	assert_true(stats_fisher_more(100, 1000, 50, 1000) >= 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_fisher),
		cmocka_unit_test(test_responders),
		cmocka_unit_test(test_hop_is_dst),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_json_direct),
		cmocka_unit_test(test_json_rejects),
		cmocka_unit_test(test_json_loss_hop),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_name_inert),
		cmocka_unit_test(test_probe_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
