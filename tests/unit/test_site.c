/* test_site.c: site boundaries (site.c, addrclass.c) over hand-written traces with RFC 1918 and RFC 6598 addresses: no packet is sent anywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "addrclass.h"
#include "analysis.h"
#include "report.h"
#include "site.h"
#include "trace.h"

#define Q	20	/* probes per hop */

/*
 * A trace from src to dst through the addresses of path (NULL-ended):
 * every hop gets Q probes; the hops from lossy_from on (1-based, 0 none)
 * answer only `got` of them.  Reached when the last address is dst.
 */
static struct trace *
path_trace(const char *src, const char *dst, const char *const *path,
    int lossy_from, int got)
{
	struct trace	*t = trace_new();
	struct trace_hop *h;
	int		 i, j, n;

	assert_non_null(t);
	snprintf(t->src, sizeof(t->src), "%s", src);
	snprintf(t->dst, sizeof(t->dst), "%s", dst);
	t->af = strchr(dst, ':') ? 6 : 4;
	t->method = TRACE_METHOD_UDP_PARIS;
	for (i = 0; path[i] != NULL; i++) {
		h = trace_add_hop(t, i + 1, Q);
		assert_non_null(h);
		n = lossy_from > 0 && i + 1 >= lossy_from ? got : Q;
		for (j = 0; j < n; j++) {
			h->probes[j].replied = 1;
			h->probes[j].rtt_ms = 1.0 + i;
			h->probes[j].reply_ttl = 64 - i;
			trace_probe_set_addr(h, &h->probes[j], path[i]);
		}
	}
	t->reached = i > 0 && strcmp(path[i - 1], dst) == 0;
	return t;
}

static struct analysis *
analyse(const struct trace *f, const struct trace *r,
    const struct analysis_opts *o)
{
	char		 err[256];
	struct analysis	*a = analysis_run(f, r, o, err, sizeof(err));

	assert_non_null(a);
	return a;
}

/*
 * Office A 192.168.1.0/24 behind gateway 192.168.1.1 (public 198.51.100.1),
 * office B 10.0.0.0/24 behind 10.0.0.1 (public 198.51.100.10), a symmetric
 * two-router core R1 R2: links gwA-R1 198.51.100.0/30 (gwA .1, R1 .2),
 * R1-R2 .4/30 (.5, .6), R2-gwB .8/30 (.9, .10).  Routers answer from the
 * interface facing the prober.
 */
static const char *const nat_fwd[] = { "192.168.1.1", "198.51.100.2",
	"198.51.100.6", "198.51.100.10", NULL };
static const char *const nat_rev[] = { "10.0.0.1", "198.51.100.9",
	"198.51.100.5", "198.51.100.1", NULL };

static void
test_addrclass(void **state)
{
	char	 err[128];

	(void)state;
	assert_int_equal(addrclass_of("10.1.2.3"), ADDRCLASS_PRIVATE);
	assert_int_equal(addrclass_of("172.16.0.1"), ADDRCLASS_PRIVATE);
	assert_int_equal(addrclass_of("172.31.255.254"), ADDRCLASS_PRIVATE);
	assert_int_equal(addrclass_of("172.32.0.1"), ADDRCLASS_PUBLIC);
	assert_int_equal(addrclass_of("192.168.255.255"), ADDRCLASS_PRIVATE);
	assert_int_equal(addrclass_of("192.169.0.1"), ADDRCLASS_PUBLIC);
	assert_int_equal(addrclass_of("100.64.0.1"), ADDRCLASS_CGNAT);
	assert_int_equal(addrclass_of("100.127.255.255"), ADDRCLASS_CGNAT);
	assert_int_equal(addrclass_of("100.128.0.0"), ADDRCLASS_PUBLIC);
	assert_int_equal(addrclass_of("100.63.255.255"), ADDRCLASS_PUBLIC);
	assert_int_equal(addrclass_of("fd12:3456::1"), ADDRCLASS_PRIVATE);
	assert_int_equal(addrclass_of("fe80::1"), ADDRCLASS_LOCAL);
	assert_int_equal(addrclass_of("2001:db8::1"), ADDRCLASS_PUBLIC);
	assert_int_equal(addrclass_of("127.0.0.1"), ADDRCLASS_LOCAL);
	assert_int_equal(addrclass_of("nonsense"), ADDRCLASS_NONE);
	assert_int_equal(addrclass_of(""), ADDRCLASS_NONE);
	/* the lab's stand-ins: CGNAT first, nested in a private range */
	assert_int_equal(addrclass_set_test("198.18.64.0/20,2001:db8:64::/48",
	    "198.18.66.0/24", err, sizeof(err)), 0);
	assert_int_equal(addrclass_of("198.18.64.1"), ADDRCLASS_PRIVATE);
	assert_int_equal(addrclass_of("198.18.66.1"), ADDRCLASS_CGNAT);
	assert_int_equal(addrclass_of("198.18.80.1"), ADDRCLASS_PUBLIC);
	assert_int_equal(addrclass_of("2001:db8:64::9"), ADDRCLASS_PRIVATE);
	assert_int_equal(addrclass_set_test("198.18.64.0", NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no /len"));
	assert_int_equal(addrclass_set_test("198.18.64.0/33", NULL, err,
	    sizeof(err)), -1);
	assert_int_equal(addrclass_set_test("x/8", NULL, err, sizeof(err)), -1);
	assert_int_equal(addrclass_set_test("1.0.0.0/8,,2.0.0.0/8", NULL, err,
	    sizeof(err)), -1);
	/* a failed call changes nothing */
	assert_int_equal(addrclass_of("198.18.64.1"), ADDRCLASS_PRIVATE);
	assert_int_equal(addrclass_set_test(NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(addrclass_of("198.18.64.1"), ADDRCLASS_PUBLIC);
}

/* NAT at both sites: the gateways are one router each, nothing one-way. */
static void
test_nat_both(void **state)
{
	struct trace	*f = path_trace("192.168.1.20", "198.51.100.10", nat_fwd, 0, 0);
	struct trace	*r = path_trace("10.0.0.20", "198.51.100.1", nat_rev, 0, 0);
	struct analysis	*a = analyse(f, r, NULL);
	json_t		*o;
	char		*text;

	(void)state;
	assert_int_equal(a->site[0].how, SITE_HOW_PRIVATE);
	assert_true(a->site[0].nat);
	assert_string_equal(a->site[0].gw_inside, "192.168.1.1");
	assert_string_equal(a->site[0].edge_outside, "198.51.100.1");
	assert_int_equal(a->site[0].cgnat_ttl, 0);
	assert_string_equal(a->site[1].gw_inside, "10.0.0.1");
	assert_string_equal(a->site[1].edge_outside, "198.51.100.10");
	assert_int_equal(a->nfwd_only, 0);
	assert_int_equal(a->nrev_only, 0);
	assert_int_equal(a->ndivergence, 0);
	assert_int_equal(a->nshared, 4);
	assert_int_equal(a->shared[0].how, ANALYSIS_HOW_GATEWAY);
	assert_string_equal(a->shared[0].fwd.addr, "192.168.1.1");
	assert_string_equal(a->shared[0].rev.addr, "198.51.100.1");
	assert_int_equal(a->shared[3].how, ANALYSIS_HOW_GATEWAY);
	assert_string_equal(a->shared[3].fwd.addr, "198.51.100.10");
	assert_string_equal(a->shared[3].rev.addr, "10.0.0.1");
	assert_int_equal(a->nsuspects, 0);
	assert_non_null(strstr(a->verdict, "look symmetric"));
	o = analysis_to_jobj(a);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(o, "sites"), 1), "gateway"), "addr")),
	    "10.0.0.1");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "sites"), 0), "public_addr")), "198.51.100.1");
	json_decref(o);
	text = report_text_str(f, r, a, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "site A: behind NAT, gateway hop 1 "
	    "192.168.1.1 (public 198.51.100.1)"));
	free(text);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * NAT at A only: B is a public host; A's site is found from its private
 * addresses, B has none.  Without site knowledge A's gateway would be a
 * forward-only router and the destination an end host.
 */
static void
test_nat_one(void **state)
{
	static const char *const rev[] = { "198.51.100.9", "198.51.100.5",
		"198.51.100.1", NULL };
	struct trace	*f = path_trace("192.168.1.20", "198.51.100.10", nat_fwd, 0, 0);
	struct trace	*r = path_trace("198.51.100.10", "198.51.100.1", rev, 0, 0);
	struct analysis	*a = analyse(f, r, NULL);

	(void)state;
	assert_int_equal(a->site[0].how, SITE_HOW_PRIVATE);
	assert_int_equal(a->site[1].how, SITE_HOW_NONE);
	assert_int_equal(a->nfwd_only, 0);
	assert_int_equal(a->nrev_only, 0);
	assert_int_equal(a->nshared, 3);	/* gwA R1 R2; B is the end host */
	assert_int_equal(a->shared[0].how, ANALYSIS_HOW_GATEWAY);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Two hosts of one private network (a private destination): no site
 * boundary, the gateway between them is an ordinary shared router.
 */
static void
test_same_site(void **state)
{
	static const char *const fwd[] = { "192.168.1.1", "192.168.1.6", NULL };
	static const char *const rev[] = { "192.168.1.5", "192.168.1.2", NULL };
	struct trace	*f = path_trace("192.168.1.2", "192.168.1.6", fwd, 0, 0);
	struct trace	*r = path_trace("192.168.1.6", "192.168.1.2", rev, 0, 0);
	struct analysis	*a = analyse(f, r, NULL);

	(void)state;
	assert_int_equal(a->site[0].how, SITE_HOW_NONE);
	assert_int_equal(a->site[1].how, SITE_HOW_NONE);
	assert_int_equal(a->nshared, 1);
	assert_int_equal(a->shared[0].how, ANALYSIS_HOW_SUBNET);
	assert_int_equal(a->nfwd_only + a->nrev_only, 0);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* Double NAT: A's gateway, then carrier-grade NAT (RFC 6598), then the ISP. */
static void
test_cgnat(void **state)
{
	static const char *const fwd[] = { "192.168.1.1", "100.64.0.1",
		"198.51.100.2", "198.51.100.6", "198.51.100.10", NULL };
	struct trace	*f = path_trace("192.168.1.20", "198.51.100.10", fwd, 0, 0);
	struct trace	*r = path_trace("10.0.0.20", "198.51.100.1", nat_rev, 0, 0);
	struct analysis	*a = analyse(f, r, NULL);
	char		*text;

	(void)state;
	assert_int_equal(a->site[0].gw_ttl, 1);
	assert_string_equal(a->site[0].gw_inside, "192.168.1.1");
	assert_int_equal(a->site[0].cgnat_ttl, 2);
	assert_string_equal(a->site[0].cgnat_addr, "100.64.0.1");
	assert_int_equal(a->site[0].edge_ttl, 2);
	assert_int_equal(a->nsegment[0], 2);
	/* what B reaches at A's public address is the CGNAT box */
	assert_string_equal(a->shared[0].fwd.addr, "100.64.0.1");
	assert_string_equal(a->shared[0].rev.addr, "198.51.100.1");
	assert_int_equal(a->nfwd_only, 0);
	assert_int_equal(a->nrev_only, 0);
	text = report_text_str(f, r, a, NULL);
	assert_non_null(strstr(text, "carrier-grade NAT hop 2 100.64.0.1 "
	    "(public 198.51.100.1, shared)"));
	free(text);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* Public addresses inside: only the hint tells where site A ends. */
static void
test_hint(void **state)
{
	static const char *const fwd[] = { "198.51.100.129", "198.51.100.2",
		"198.51.100.6", "198.51.100.10", NULL };
	struct trace	*f = path_trace("198.51.100.130", "198.51.100.10", fwd, 0, 0);
	struct trace	*r = path_trace("10.0.0.20", "198.51.100.1", nat_rev, 0, 0);
	struct analysis_opts o;
	struct analysis	*a;

	(void)state;
	a = analyse(f, r, NULL);	/* no hint: A's gateway is one-way */
	assert_int_equal(a->site[0].how, SITE_HOW_NONE);
	assert_int_equal(a->nfwd_only, 1);
	analysis_free(a);
	analysis_opts_init(&o);
	snprintf(o.site[0].gateway, sizeof(o.site[0].gateway), "198.51.100.1");
	a = analyse(f, r, &o);		/* the outside address as the hint */
	assert_int_equal(a->site[0].how, SITE_HOW_HINT);
	assert_string_equal(a->site[0].gw_inside, "198.51.100.129");
	assert_int_equal(a->nfwd_only, 0);
	assert_int_equal(a->nrev_only, 0);
	analysis_free(a);
	snprintf(o.site[0].gateway, sizeof(o.site[0].gateway), "198.51.100.129");
	a = analyse(f, r, &o);		/* the inside one */
	assert_int_equal(a->site[0].how, SITE_HOW_HINT);
	assert_int_equal(a->nfwd_only, 0);
	analysis_free(a);
	analysis_opts_init(&o);
	o.site[0].nat = 1;		/* the controller saw NAT */
	a = analyse(f, r, &o);
	assert_int_equal(a->site[0].how, SITE_HOW_NAT);
	assert_int_equal(a->nfwd_only, 0);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * A lossy NAT gateway: what it forwards out is lost (hops past it answer
 * 12 of 20), the way in reaches its public address cleanly: the suspect
 * is the site's gateway.  The same loss plus loss at the public address
 * (the uplink loses both ways) stays a link.
 */
static void
test_site_suspect(void **state)
{
	struct trace	*f = path_trace("192.168.1.20", "198.51.100.10", nat_fwd, 2, 12);
	struct trace	*r = path_trace("10.0.0.20", "198.51.100.1", nat_rev, 0, 0);
	struct trace	*r2 = path_trace("10.0.0.20", "198.51.100.1", nat_rev, 4, 12);
	struct analysis	*a;

	(void)state;
	a = analyse(f, r, NULL);
	assert_true(a->nsuspects >= 1);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_SITE);
	assert_string_equal(analysis_suspect_kind_name(a->suspects[0].kind), "site");
	assert_string_equal(a->suspects[0].a.addr, "192.168.1.1");
	assert_string_equal(a->suspects[0].b.addr, "198.51.100.1");
	assert_non_null(strstr(a->verdict, "site's own gateway"));
	analysis_free(a);
	a = analyse(f, r2, NULL);
	assert_true(a->nsuspects >= 1);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_LINK);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
	trace_free(r2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addrclass),
		cmocka_unit_test(test_nat_both),
		cmocka_unit_test(test_nat_one),
		cmocka_unit_test(test_cgnat),
		cmocka_unit_test(test_same_site),
		cmocka_unit_test(test_hint),
		cmocka_unit_test(test_site_suspect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
