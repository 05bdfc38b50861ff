/* test_analysis.c: the asymmetry analysis and its reports, over hand-written trace pairs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "analysis.h"
#include "estimate.h"
#include "paste.h"
#include "report.h"
#include "trace.h"

/* One hop of a hand-written trace. */
struct hopdef {
	const char	*addr;		/* NULL: no address */
	const char	*name;		/* NULL: no name */
	int		 sent;		/* probes */
	int		 recv;		/* replies (the first recv probes) */
	double		 rtt;		/* RTT of every reply */
	int		 reply_ttl;	/* 0: unknown */
};

#define END	{ NULL, NULL, 0, 0, 0, 0 }

/* A trace from a table ending in END; reached when the last hop answers. */
/* s starts with the whole of prefix (no hand-counted lengths). */
#define assert_prefix(s, prefix) assert_prefix_at((s), (prefix), __FILE__, __LINE__)
static void
assert_prefix_at(const char *s, const char *prefix, const char *file, int line)
{
	if (s == NULL || strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("%s:%d: want a text starting \"%s\", got \"%.300s\"",
		    file, line, prefix, s ? s : "(null)");
}

static struct trace *
mk(const struct hopdef *d, const char *dst)
{
	struct trace	*t = trace_new();
	struct trace_hop *h;
	int		 i, j, last = 0;

	assert_non_null(t);
	snprintf(t->dst, sizeof(t->dst), "%s", dst);
	t->af = 4;
	t->method = TRACE_METHOD_UDP_PARIS;
	for (i = 0; d[i].sent > 0; i++) {
		h = trace_add_hop(t, i + 1, d[i].sent);
		assert_non_null(h);
		for (j = 0; j < d[i].recv; j++) {
			h->probes[j].replied = 1;
			h->probes[j].rtt_ms = d[i].rtt;
			if (d[i].addr != NULL)
				trace_probe_set_addr(h, &h->probes[j], d[i].addr);
			if (d[i].name != NULL)
				trace_probe_set_name(h, &h->probes[j], d[i].name);
			h->probes[j].reply_ttl = d[i].reply_ttl ? d[i].reply_ttl : -1;
		}
		last = d[i].recv > 0;
	}
	t->reached = last && d[i - 1].addr != NULL && strcmp(d[i - 1].addr, dst) == 0;
	return t;
}

static struct analysis *
run(const struct trace *f, const struct trace *r, const struct analysis_opts *o)
{
	char		 err[256];
	struct analysis	*a = analysis_run(f, r, o, err, sizeof(err));

	assert_non_null(a);
	if (getenv("TP_TEST_DEBUG") != NULL) {	/* the report, to see why */
		char	*txt = report_text_str(f, r, a, NULL);

		fprintf(stderr, "%s\n", txt ? txt : "(no report)");
		free(txt);
	}
	return a;
}

/*
 * The lab topology A - R1 - R2 - R3 - B on /30 links: 198.18.0.0/30
 * (A .1, R1 .2), .4/30 (R1 .5, R2 .6), .8/30 (R2 .9, R3 .10), .12/30
 * (R3 .13, B .14).  Routers answer from the interface facing the prober.
 */
static struct trace *
fwd_sym(int s, int r3, int rb, double base)
{
	const struct hopdef d[] = {
		{ "198.18.0.2", NULL, s, s, base + 1, 64 },
		{ "198.18.0.6", NULL, s, s, base + 2, 63 },
		{ "198.18.0.10", NULL, s, r3, base + 3, 62 },
		{ "198.18.0.14", NULL, s, rb, base + 4, 61 },
		END
	};

	return mk(d, "198.18.0.14");
}

static struct trace *
rev_sym(int s, int r2, int r1, int ra)
{
	const struct hopdef d[] = {
		{ "198.18.0.13", NULL, s, s, 1, 64 },
		{ "198.18.0.9", NULL, s, r2, 2, 63 },
		{ "198.18.0.5", NULL, s, r1, 3, 62 },
		{ "198.18.0.1", NULL, s, ra, 4, 61 },
		END
	};

	return mk(d, "198.18.0.1");
}

static void
test_wilson(void **state)
{
	double	 lo, hi;

	(void)state;
	analysis_wilson(0, 3, &lo, &hi);
	assert_true(lo == 0.0);
	assert_true(hi > 0.55 && hi < 0.57);
	analysis_wilson(4, 15, &lo, &hi);
	assert_true(lo > 0.10 && lo < 0.12);
	assert_true(hi > 0.51 && hi < 0.53);
	analysis_wilson(0, 0, &lo, &hi);
	assert_true(lo == 0.0 && hi == 1.0);
}

static void
test_align_subnet_symmetric(void **state)
{
	struct trace	*f = fwd_sym(3, 3, 3, 0), *r = rev_sym(3, 3, 3, 3);
	struct analysis	*a = run(f, r, NULL);
	int		 i;

	(void)state;
	assert_int_equal(a->nshared, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(a->shared[i].how, ANALYSIS_HOW_SUBNET);
	assert_string_equal(a->shared[0].fwd.addr, "198.18.0.2");
	assert_string_equal(a->shared[0].rev.addr, "198.18.0.5");
	assert_int_equal(a->shared[2].rev.ttl, 1);
	assert_int_equal(a->nfwd_only, 0);
	assert_int_equal(a->nrev_only, 0);
	assert_int_equal(a->ndivergence, 0);
	assert_int_equal(a->nsuspects, 0);
	assert_int_equal(a->nreplyttl, 0);
	assert_non_null(strstr(a->verdict, "No fault"));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

static void
test_align_address_alias_name(void **state)
{
	const struct hopdef fd[] = {
		{ "198.18.5.1", NULL, 3, 3, 1, 0 },		/* same address back */
		{ "198.18.6.1", NULL, 3, 3, 2, 0 },		/* alias of 198.18.7.9 */
		{ "198.18.8.1", "core1.x.net", 3, 3, 3, 0 },	/* same name */
		{ "198.18.9.9", NULL, 3, 3, 4, 0 },
		END
	};
	const struct hopdef rd[] = {
		{ "198.18.20.1", "core1.x.net", 3, 3, 1, 0 },
		{ "198.18.7.9", NULL, 3, 3, 2, 0 },
		{ "198.18.5.1", NULL, 3, 3, 3, 0 },
		{ "198.18.1.1", NULL, 3, 3, 4, 0 },
		END
	};
	struct analysis_alias al = { "198.18.6.1", "198.18.7.9" };
	struct analysis_opts o;
	struct trace	*f = mk(fd, "198.18.9.9"), *r = mk(rd, "198.18.1.1");
	struct analysis	*a;

	(void)state;
	/* without the alias evidence the middle router stays unmatched */
	a = run(f, r, NULL);
	assert_int_equal(a->nshared, 2);
	assert_int_equal(a->nfwd_only, 1);
	assert_int_equal(a->nrev_only, 1);
	assert_int_equal(a->ndivergence, 1);
	analysis_free(a);
	analysis_opts_init(&o);
	o.aliases = &al;
	o.naliases = 1;
	a = run(f, r, &o);
	assert_int_equal(a->nshared, 3);
	assert_int_equal(a->shared[0].how, ANALYSIS_HOW_ADDR);
	assert_int_equal(a->shared[1].how, ANALYSIS_HOW_ALIAS);
	assert_int_equal(a->shared[2].how, ANALYSIS_HOW_NAME);
	assert_int_equal(a->shared[2].rev.ttl, 1);
	assert_int_equal(a->ndivergence, 0);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

static void
test_divergence(void **state)
{
	/* forward A R1 R2 R3 B; reverse B R3 R4 R5 R1 A */
	const struct hopdef fd[] = {
		{ NULL, "r1", 3, 3, 1, 0 }, { NULL, "r2", 3, 3, 2, 0 },
		{ NULL, "r3", 3, 3, 3, 0 }, { "198.18.9.9", "b", 3, 3, 4, 0 }, END
	};
	const struct hopdef rd[] = {
		{ NULL, "r3", 3, 3, 1, 0 }, { NULL, "r4", 3, 3, 2, 0 },
		{ NULL, "r5", 3, 3, 2, 0 }, { NULL, "r1", 3, 3, 3, 0 },
		{ "198.18.1.1", "a", 3, 3, 4, 0 }, END
	};
	struct trace	*f = mk(fd, "198.18.9.9"), *r = mk(rd, "198.18.1.1");
	struct analysis	*a = run(f, r, NULL);
	json_t		*o;

	(void)state;
	assert_int_equal(a->nshared, 2);
	assert_int_equal(a->nfwd_only, 1);
	assert_string_equal(a->fwd_only[0].name, "r2");
	assert_int_equal(a->nrev_only, 2);
	assert_string_equal(a->rev_only[0].name, "r4");
	assert_string_equal(a->rev_only[1].name, "r5");
	assert_int_equal(a->ndivergence, 1);
	assert_string_equal(a->divergence[0].from.fwd.name, "r1");
	assert_string_equal(a->divergence[0].to.fwd.name, "r3");
	assert_int_equal(a->divergence[0].nfwd_only, 1);
	assert_int_equal(a->divergence[0].nrev_only, 2);
	assert_int_equal(a->nsuspects, 0);
	assert_non_null(strstr(a->verdict, "asymmetric"));
	o = analysis_to_jobj(a);
	assert_int_equal(json_array_size(json_object_get(o, "forward_only")), 1);
	assert_int_equal(json_array_size(json_object_get(o, "reverse_only")), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(o, "divergence"), 0), "diverge_after"),
	    "how")), "name");
	json_decref(o);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* Loss on the R2 - R3 link in both directions: the suspect is that link. */
static void
test_loss_link_both_directions(void **state)
{
	struct trace	*f = fwd_sym(20, 16, 15, 0), *r = rev_sym(20, 17, 16, 16);
	struct trace	*f3 = fwd_sym(3, 2, 2, 0), *r3 = rev_sym(3, 2, 2, 3);
	struct analysis	*a = run(f, r, NULL), *a3;
	const struct analysis_suspect *s;
	char		 want[200];
	json_t		*j;
	int		 n;

	(void)state;
	assert_true(a->loss[0].persistent);
	assert_int_equal(a->loss[0].onset.ttl, 3);
	assert_string_equal(a->loss[0].before.addr, "198.18.0.6");
	assert_true(a->loss[1].persistent);
	assert_int_equal(a->loss[1].onset.ttl, 2);
	assert_true(a->loss[0].ci_low > 0 && a->loss[0].ci_high < 50);
	assert_true(a->nsuspects >= 1);
	s = &a->suspects[0];
	assert_int_equal(s->kind, ANALYSIS_SUSPECT_LINK);
	assert_string_equal(s->a.addr, "198.18.0.6");	/* R2 */
	assert_string_equal(s->b.addr, "198.18.0.10");	/* R3 */
	assert_true(s->seen_fwd && s->seen_rev);
	/* every round trip crossing it crosses it both ways: one suspect,
	   its two directions not told apart */
	assert_true(s->bothways);
	assert_true(s->confidence > 0.8);
	assert_true(s->loss_lo < s->loss_pct && s->loss_pct < s->loss_hi);
	/* one link explains both: no router suspect, nothing else listed */
	assert_int_equal(a->nsuspects, 1);
	assert_non_null(strstr(a->verdict, "Loss on the link 198.18.0.6 - "
	    "198.18.0.10, seen in both directions"));
	/* the same picture from 3 probes per hop is less certain: the link
	   is still first (its only rivals are the routers at its ends, each
	   with a third of a link's prior odds: docs/analysis.md 3a), at a
	   lower confidence, and the verdict asks for more probes */
	a3 = run(f3, r3, NULL);
	assert_true(a3->nsuspects >= 1);
	assert_int_equal(a3->suspects[0].kind, ANALYSIS_SUSPECT_LINK);
	assert_true(a3->suspects[0].bothways);
	assert_true(a3->suspects[0].confidence < s->confidence);
	assert_true(a3->suspects[0].confidence < 0.8);
	assert_true(a3->loss[0].confidence < a->loss[0].confidence);
	/* decided below 0.90: not firm, and the probes that would confirm it
	   (at least 20 when a hop had fewer than 10) in tracepair's terms */
	assert_false(a3->inconclusive);
	assert_true(a3->confirm);
	n = analysis_confirm_probes(a3);
	assert_true(n >= 20 && n >= a3->probes_needed);
	snprintf(want, sizeof(want), "Only 3 probes per hop, and not yet firm "
	    "(below 0.90): about %d probes per hop would confirm it: rerun "
	    "with -q %d.", n, n);
	assert_non_null(strstr(a3->verdict, want));
	/* the JSON says the same: not firm, n probes to confirm */
	j = analysis_to_jobj(a3);
	assert_true(json_is_false(json_object_get(j, "firm")));
	assert_int_equal(json_integer_value(json_object_get(j,
	    "probes_per_hop_to_confirm")), n);
	json_decref(j);
	j = analysis_to_jobj(a);
	assert_true(json_is_true(json_object_get(j, "firm")));
	assert_null(json_object_get(j, "probes_per_hop_to_confirm"));
	json_decref(j);
	/* 0.90 or more: firm, and the verdict asks for nothing */
	assert_true(s->confidence >= 0.90);
	assert_false(a->confirm);
	assert_null(strstr(a->verdict, "firm"));
	assert_null(strstr(a->verdict, "probes per hop"));
	analysis_free(a);
	analysis_free(a3);
	trace_free(f);
	trace_free(r);
	trace_free(f3);
	trace_free(r3);
}

/* Give every reply from addr the origin AS asn (what asn_annotate does). */
static void
set_asn(struct trace *t, const char *addr, uint32_t asn)
{
	int	 i, j;

	for (i = 0; i < t->nhops; i++)
		for (j = 0; j < t->hops[i].nprobes; j++)
			if (strcmp(t->hops[i].probes[j].addr, addr) == 0)
				t->hops[i].probes[j].asn = asn;
}

/* The AS numbers of suspect i in the JSON, as "64497,64498", or "none". */
static void
json_suspect_asn(const struct analysis *a, int i, char *buf, size_t len)
{
	json_t	*js = analysis_to_jobj(a), *arr;
	size_t	 k, n = 0;

	assert_non_null(js);
	arr = json_object_get(json_array_get(json_object_get(js, "suspects"),
	    (size_t)i), "asn");
	if (arr == NULL)
		n += (size_t)snprintf(buf, len, "none");
	else
		for (k = 0; k < json_array_size(arr) && n < len; k++)
			n += (size_t)snprintf(buf + n, len - n, "%s%lld",
			    k ? "," : "", (long long)json_integer_value(
			    json_array_get(arr, k)));
	json_decref(js);
}

/*
 * AS numbers (pfx2as) name the networks of the suspect in the verdict,
 * the suspects list and the JSON; without them nothing changes.
 */
static void
test_asn_link(void **state)
{
	struct trace	*f = fwd_sym(20, 16, 15, 0), *r = rev_sym(20, 17, 16, 16);
	struct analysis	*a;
	json_t		*js, *near;
	char		 buf[64], *txt;

	(void)state;
	/* none known: no "(AS", no asn members */
	a = run(f, r, NULL);
	assert_null(strstr(a->verdict, "(AS"));
	json_suspect_asn(a, 0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	js = analysis_to_jobj(a);
	near = json_object_get(json_array_get(json_object_get(js, "suspects"),
	    0), "near");
	assert_null(json_object_get(near, "asn"));
	json_decref(js);
	analysis_free(a);

	/* R2 (.6 forward, .9 reverse) in AS64497, R3 (.10, .13) in AS64498 */
	set_asn(f, "198.18.0.6", 64497);
	set_asn(r, "198.18.0.9", 64497);
	set_asn(f, "198.18.0.10", 64498);
	set_asn(r, "198.18.0.13", 64498);
	a = run(f, r, NULL);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_LINK);
	assert_int_equal(a->suspects[0].a.asn, 64497);
	assert_int_equal(a->suspects[0].b.asn, 64498);
	assert_non_null(strstr(a->verdict, "Loss on the link 198.18.0.6 - "
	    "198.18.0.10 (AS64497 - AS64498), seen in both directions"));
	txt = report_text_str(f, r, a, NULL);
	assert_non_null(txt);
	assert_non_null(strstr(txt, "  1. link 198.18.0.6 - 198.18.0.10 "
	    "(AS64497 - AS64498), confidence "));
	free(txt);
	json_suspect_asn(a, 0, buf, sizeof(buf));
	assert_string_equal(buf, "64497,64498");
	js = analysis_to_jobj(a);
	near = json_object_get(json_array_get(json_object_get(js, "suspects"),
	    0), "near");
	assert_int_equal(json_integer_value(json_object_get(near, "asn")), 64497);
	json_decref(js);
	analysis_free(a);

	/* both ends in one AS: named once */
	set_asn(f, "198.18.0.6", 64498);
	set_asn(r, "198.18.0.9", 64498);
	a = run(f, r, NULL);
	assert_non_null(strstr(a->verdict, "198.18.0.10 (AS64498), seen in both"));
	json_suspect_asn(a, 0, buf, sizeof(buf));
	assert_string_equal(buf, "64498");
	analysis_free(a);

	/* one end unknown: "?" in its place */
	set_asn(f, "198.18.0.6", 0);
	set_asn(r, "198.18.0.9", 0);
	a = run(f, r, NULL);
	assert_non_null(strstr(a->verdict, "198.18.0.10 (? - AS64498), seen"));
	json_suspect_asn(a, 0, buf, sizeof(buf));
	assert_string_equal(buf, "64498");
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* The suspect of kind ROUTER in a, or NULL; *n counts the router suspects. */
static const struct analysis_suspect *
router_suspect(const struct analysis *a, int *n)
{
	const struct analysis_suspect *r = NULL;
	int	 i;

	*n = 0;
	for (i = 0; i < a->nsuspects; i++)
		if (a->suspects[i].kind == ANALYSIS_SUSPECT_ROUTER) {
			r = &a->suspects[i];
			(*n)++;
		}
	return r;
}

/*
 * R2 loses what it forwards, both ways: the forward loss starts at R3
 * (after R2), the reverse loss at R1 (after R2).  The links R2 - R3 and
 * R1 - R2 share R2, which each direction sees from another interface
 * (.6 forward, .9 reverse): one router suspect ahead of both links.
 */
static void
test_router_after(void **state)
{
	const struct hopdef fd[] = {
		{ "198.18.0.2", "r1.lab", 20, 20, 1, 0 },
		{ "198.18.0.6", "r2.lab", 20, 20, 2, 0 },
		{ "198.18.0.10", "r3.lab", 20, 15, 3, 0 },
		{ "198.18.0.14", "b.lab", 20, 15, 4, 0 }, END
	};
	const struct hopdef rd[] = {
		{ "198.18.0.13", "r3.lab", 20, 20, 1, 0 },
		{ "198.18.0.9", "r2.lab", 20, 20, 2, 0 },
		{ "198.18.0.5", "r1.lab", 20, 16, 3, 0 },
		{ "198.18.0.1", "a.lab", 20, 15, 4, 0 }, END
	};
	struct trace	*f = mk(fd, "198.18.0.14"), *r = mk(rd, "198.18.0.1");
	struct analysis	*a = run(f, r, NULL);
	const struct analysis_suspect *s;
	char		*text, lbl[256];
	json_t		*x, *js;
	double		 both;
	int		 n;

	(void)state;
	assert_int_equal(a->loss[0].onset.ttl, 3);
	assert_int_equal(a->loss[1].onset.ttl, 3);
	s = &a->suspects[0];
	assert_int_equal(s->kind, ANALYSIS_SUSPECT_ROUTER);
	assert_ptr_equal(router_suspect(a, &n), s);
	assert_int_equal(n, 1);
	assert_string_equal(s->a.addr, "198.18.0.6");	/* R2 seen forward */
	assert_int_equal(s->a.ttl, 2);
	assert_string_equal(s->b.addr, "198.18.0.9");	/* R2 seen in reverse */
	assert_int_equal(s->b.ttl, 2);
	assert_int_equal(s->after, 1);
	assert_true(s->seen_fwd && s->seen_rev);
	/* no single link explains both directions' round trips: the router
	   does, firmly (0.90: two links would be needed, and they cost more
	   than the router's prior odds of a third of a link's); no
	   alternative comes close */
	both = s->confidence;
	assert_true(both > 0.85);
	assert_int_equal(a->nsuspects, 1);
	assert_string_equal(analysis_router_label(s, lbl, sizeof(lbl)),
	    "r2.lab (198.18.0.6 forward, 198.18.0.9 reverse)");
	assert_prefix(a->verdict, "Router r2.lab (198.18.0.6 forward, "
	    "198.18.0.9 reverse) or one of its links: loss begins just after "
	    "it in both directions (forward ");
	assert_non_null(strstr(s->why, "forward: hops 3-4 lose 25% (10 of 40)"));
	assert_non_null(strstr(s->why, "reverse: hops 3-4 lose 22% (9 of 40)"));
	/* text: the router line names both interfaces */
	text = report_text_str(f, r, a, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "  1. router r2.lab (198.18.0.6 forward, "
	    "198.18.0.9 reverse), confidence "));
	free(text);
	/* JSON: router (forward view), router_reverse, loss_begins */
	js = analysis_to_jobj(a);
	assert_non_null(js);
	x = json_array_get(json_object_get(js, "suspects"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "kind")), "router");
	assert_string_equal(json_string_value(json_object_get(json_object_get(x,
	    "router"), "addr")), "198.18.0.6");
	assert_string_equal(json_string_value(json_object_get(json_object_get(x,
	    "router_reverse"), "addr")), "198.18.0.9");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(x,
	    "router_reverse"), "ttl")), 2);
	assert_string_equal(json_string_value(json_object_get(x, "loss_begins")),
	    "after");
	assert_true(json_is_null(json_object_get(x, "far")));
	assert_int_equal(json_array_size(json_object_get(x, "between")), 0);
	json_decref(js);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * A - R1 - R2 - R3 - B where both directions start losing at R2 itself
 * (test_router_at, test_asn_router): R2 loses 20 % of all it sends, so
 * its own replies 20 % and the round trips through it 36 %, 50 probes per
 * hop (20, as once here, leave the router below 0.60 against the links
 * at its ends since the prior against routers).
 */
static const struct hopdef router_at_fwd[] = {
	{ "198.18.0.2", NULL, 50, 50, 1, 0 },
	{ "198.18.0.6", NULL, 50, 40, 2, 0 },
	{ "198.18.0.10", NULL, 50, 32, 3, 0 },
	{ "198.18.0.14", NULL, 50, 32, 4, 0 }, END
};
static const struct hopdef router_at_rev[] = {
	{ "198.18.0.13", NULL, 50, 50, 1, 0 },
	{ "198.18.0.9", NULL, 50, 40, 2, 0 },
	{ "198.18.0.5", NULL, 50, 32, 3, 0 },
	{ "198.18.0.1", NULL, 50, 32, 4, 0 }, END
};

/*
 * Both directions start losing at R2 itself (its own replies are lost
 * too): a router suspect "at it"; without names the label gives both
 * interfaces' addresses.
 */
static void
test_router_at(void **state)
{
	struct trace	*f = mk(router_at_fwd, "198.18.0.14");
	struct trace	*r = mk(router_at_rev, "198.18.0.1");
	struct analysis	*a = run(f, r, NULL);
	const struct analysis_suspect *s = &a->suspects[0];
	json_t		*js;
	char		 lbl[256];
	int		 n;

	(void)state;
	assert_int_equal(s->kind, ANALYSIS_SUSPECT_ROUTER);
	assert_ptr_equal(router_suspect(a, &n), s);
	assert_int_equal(n, 1);
	assert_int_equal(s->after, 0);
	assert_string_equal(s->a.addr, "198.18.0.6");
	assert_string_equal(s->b.addr, "198.18.0.9");
	assert_string_equal(analysis_router_label(s, lbl, sizeof(lbl)),
	    "198.18.0.6 (forward) / 198.18.0.9 (reverse)");
	assert_non_null(strstr(a->verdict, "or one of its links: loss begins at "
	    "it in both directions (forward "));
	assert_non_null(strstr(s->why, "its own replies"));
	js = analysis_to_jobj(a);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(js, "suspects"), 0), "loss_begins")), "at");
	json_decref(js);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}


/*
 * 50 % lost past R2 both ways, R2's own replies lost once each way, 20
 * probes: "just after R2" is decided and "at R2" is the first candidate
 * of an undecided second fault, one router twice: the verdict says which
 * is which (it printed the same words twice).
 */
static void
test_router_twice_words(void **state)
{
	const struct hopdef fd[] = {
		{ "198.18.0.2", NULL, 20, 20, 1, 0 },
		{ "198.18.0.6", NULL, 20, 19, 2, 0 },
		{ "198.18.0.10", NULL, 20, 10, 3, 0 },
		{ "198.18.0.14", NULL, 20, 10, 4, 0 }, END
	};
	const struct hopdef rd[] = {
		{ "198.18.0.13", NULL, 20, 20, 1, 0 },
		{ "198.18.0.9", NULL, 20, 19, 2, 0 },
		{ "198.18.0.5", NULL, 20, 10, 3, 0 },
		{ "198.18.0.1", NULL, 20, 10, 4, 0 }, END
	};
	struct trace	*f = mk(fd, "198.18.0.14"), *r = mk(rd, "198.18.0.1");
	struct analysis	*a = run(f, r, NULL);

	(void)state;
	assert_true(a->inconclusive);
	assert_prefix(a->verdict, "Inconclusive: router 198.18.0.6 (forward) / "
	    "198.18.0.9 (reverse) (losing what it forwards) (");
	assert_non_null(strstr(a->verdict, "and a second fault the data "
	    "cannot separate: router 198.18.0.6 (forward) / 198.18.0.9 "
	    "(reverse) (losing what it forwards and its own replies) ("));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* A router suspect with an AS number: the verdict and the list name it. */
static void
test_asn_router(void **state)
{
	struct trace	*f = mk(router_at_fwd, "198.18.0.14");
	struct trace	*r = mk(router_at_rev, "198.18.0.1");
	struct analysis	*a;
	char		 buf[64], *txt;

	(void)state;
	set_asn(f, "198.18.0.6", 64498);
	set_asn(r, "198.18.0.9", 64498);
	a = run(f, r, NULL);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_ROUTER);
	assert_non_null(strstr(a->verdict, "Router 198.18.0.6 (forward) / "
	    "198.18.0.9 (reverse) (AS64498) or one of its links: loss begins at "
	    "it"));
	txt = report_text_str(f, r, a, NULL);
	assert_non_null(txt);
	assert_non_null(strstr(txt, "(reverse) (AS64498), confidence "));
	free(txt);
	json_suspect_asn(a, 0, buf, sizeof(buf));
	assert_string_equal(buf, "64498");
	analysis_free(a);
	/* only the reverse view known: still the router's AS */
	set_asn(f, "198.18.0.6", 0);
	a = run(f, r, NULL);
	assert_non_null(strstr(a->verdict, "(reverse) (AS64498) or one"));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Near miss: the forward loss starts on r3 - r4, the reverse loss on
 * r1 - r2.  The links share no router: two one-way links, as before, no
 * router suspect.
 */
static void
test_router_near_miss(void **state)
{
	const struct hopdef fd[] = {
		{ NULL, "r1", 20, 20, 1, 0 }, { NULL, "r2", 20, 20, 2, 0 },
		{ NULL, "r3", 20, 20, 3, 0 }, { NULL, "r4", 20, 15, 4, 0 },
		{ "198.18.9.9", "b", 20, 15, 5, 0 }, END
	};
	const struct hopdef rd[] = {
		{ NULL, "r4", 20, 20, 1, 0 }, { NULL, "r3", 20, 20, 2, 0 },
		{ NULL, "r2", 20, 20, 3, 0 }, { NULL, "r1", 20, 15, 4, 0 },
		{ "198.18.1.1", "a", 20, 15, 5, 0 }, END
	};
	struct trace	*f = mk(fd, "198.18.9.9"), *r = mk(rd, "198.18.1.1");
	struct analysis	*a = run(f, r, NULL);
	int		 n, i;

	(void)state;
	/*
	 * As round trips this picture fits no fault well: forward r3's reply
	 * crosses r2 -> r1 cleanly, reverse r2's crosses r3 -> r4 cleanly.
	 * The answer is inconclusive, naming the close candidates, each
	 * below the decision line.
	 */
	assert_true(a->loss[0].persistent && a->loss[1].persistent);
	(void)router_suspect(a, &n);
	assert_true(a->inconclusive);
	assert_true(a->nsuspects >= 2);
	for (i = 0; i < a->nsuspects; i++)
		assert_true(a->suspects[i].confidence < 0.6);
	assert_prefix(a->verdict, "Inconclusive: the data cannot separate ");
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * The router rests on both onsets: here the forward loss really starts at
 * r3 (12 of 20 lost) but the destination answering well made r3 look
 * like rate limiting, so the forward onset is r4 with little confidence
 * (it could start at r3).  The reverse onset r2, after r3, is firm.  The
 * hops before both onsets are r3, yet the router must not outrank the
 * reverse link r2 - r3 (the real fault, loss both ways on r2 - r3).
 */
static void
test_router_uncertain(void **state)
{
	const struct hopdef fd[] = {
		{ NULL, "r1", 20, 20, 1, 0 }, { NULL, "r2", 20, 20, 2, 0 },
		{ NULL, "r3", 20, 8, 3, 0 }, { NULL, "r4", 20, 9, 4, 0 },
		{ "198.18.9.9", "b", 20, 16, 5, 0 }, END
	};
	const struct hopdef rd[] = {
		{ NULL, "r4", 20, 20, 1, 0 }, { NULL, "r3", 20, 20, 2, 0 },
		{ NULL, "r2", 20, 11, 3, 0 }, { NULL, "r1", 20, 11, 4, 0 },
		{ "198.18.1.1", "a", 20, 8, 5, 0 }, END
	};
	struct trace	*f = mk(fd, "198.18.9.9"), *r = mk(rd, "198.18.1.1");
	struct analysis	*a = run(f, r, NULL);
	const struct analysis_suspect *s;
	int		 n;

	(void)state;
	/* the change point finds the forward onset at r3 itself, unsure */
	assert_int_equal(a->loss[0].onset.ttl, 3);
	assert_true(a->loss[0].confidence < 0.5);
	assert_int_equal(a->loss[1].onset.ttl, 3);
	assert_true(a->loss[1].confidence > 0.8);
	s = router_suspect(a, &n);
	assert_null(s);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_LINK);
	assert_true(a->suspects[0].bothways);
	assert_true(a->suspects[0].confidence > 0.8);
	assert_string_equal(a->suspects[0].a.name, "r2");
	assert_string_equal(a->suspects[0].b.name, "r3");
	assert_non_null(strstr(a->verdict, "Loss on the link r2 - r3"));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Loss on a forward-only link r2 -> r9: the forward probes cross it, and
 * so do the replies of the reverse trace's r1 and A, which go back to B
 * along the forward path (destination-based routing), while r3's and r4's
 * replies do not.  The old analysis read the reverse trace as clean
 * there (a test that pinned reverse r1 and A at 20 of 20); as round
 * trips, those hops lose too.
 */
static void
test_loss_one_direction(void **state)
{
	const struct hopdef fd[] = {
		{ NULL, "r1", 20, 20, 1, 0 }, { NULL, "r2", 20, 20, 2, 0 },
		{ NULL, "r9", 20, 14, 3, 0 }, { NULL, "r3", 20, 15, 4, 0 },
		{ "198.18.9.9", "b", 20, 14, 5, 0 }, END
	};
	const struct hopdef rd[] = {
		{ NULL, "r3", 20, 20, 1, 0 }, { NULL, "r4", 20, 20, 2, 0 },
		{ NULL, "r1", 20, 15, 3, 0 }, { "198.18.1.1", "a", 20, 14, 4, 0 },
		END
	};
	struct trace	*f = mk(fd, "198.18.9.9"), *r = mk(rd, "198.18.1.1");
	struct analysis	*a = run(f, r, NULL);

	(void)state;
	assert_true(a->loss[0].persistent);
	assert_true(a->loss[1].persistent);
	assert_int_equal(a->loss[1].onset.ttl, 3);
	/* router r2 (what it forwards) cannot be ruled out: listed below */
	assert_true(a->nsuspects >= 1 && a->nsuspects <= 2);
	assert_true(a->suspects[0].confidence > 0.5);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_LINK);
	assert_false(a->suspects[0].bothways);
	assert_true(a->suspects[0].directed && a->suspects[0].toward == 1);
	assert_string_equal(a->suspects[0].from.name, "r2");
	assert_string_equal(a->suspects[0].to.name, "r9");
	assert_string_equal(a->suspects[0].a.name, "r2");
	assert_string_equal(a->suspects[0].b.name, "r9");
	assert_true(a->suspects[0].seen_fwd && a->suspects[0].seen_rev);
	assert_non_null(strstr(a->suspects[0].evidence[1], "replies cross it"));
	assert_prefix(a->verdict, "Loss on the link r2 -> r9, on traffic "
	    "towards 198.18.9.9 (");
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* Loss at one router that does not carry on: rate limiting, not a fault. */
static void
test_ratelimit_artifact(void **state)
{
	struct trace	*f = fwd_sym(20, 20, 20, 0), *r = rev_sym(20, 20, 20, 20);
	struct analysis	*a;
	int		 i, found = 0;

	(void)state;
	for (i = 0; i < 10; i++)	/* R2 answers half the probes */
		f->hops[1].probes[i].replied = 0;
	a = run(f, r, NULL);
	assert_false(a->loss[0].persistent);
	assert_int_equal(a->nsuspects, 0);
	for (i = 0; i < a->nartifacts; i++)
		if (a->artifacts[i].kind == ANALYSIS_ART_RATELIMIT &&
		    a->artifacts[i].hop.ttl == 2 && a->artifacts[i].dir == ANALYSIS_FORWARD)
			found = 1;
	assert_true(found);
	assert_non_null(strstr(a->verdict, "rate limiting"));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* Only the destination drops replies (seed 003's first caveat). */
static void
test_destination_ratelimit(void **state)
{
	struct trace	*f = fwd_sym(20, 20, 13, 0), *r = rev_sym(20, 20, 20, 20);
	struct analysis	*a = run(f, r, NULL);

	(void)state;
	assert_false(a->loss[0].persistent);
	assert_int_equal(a->nsuspects, 0);
	assert_int_equal(a->nartifacts, 1);
	assert_int_equal(a->artifacts[0].kind, ANALYSIS_ART_DEST_RATELIMIT);
	assert_int_equal(a->artifacts[0].hop.ttl, 4);
	assert_true(a->artifacts[0].value > 30 && a->artifacts[0].value < 40);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* A hop that answers nothing while later hops do is a silent router. */
static void
test_silent_router(void **state)
{
	struct trace	*f = fwd_sym(3, 3, 3, 0), *r = rev_sym(3, 3, 3, 3);
	struct analysis	*a;
	int		 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		f->hops[1].probes[i].replied = 0;
		f->hops[1].probes[i].addr = "";
	}
	a = run(f, r, NULL);
	assert_int_equal(a->nsuspects, 0);
	assert_false(a->loss[0].persistent);
	assert_int_equal(a->nartifacts, 1);
	assert_int_equal(a->artifacts[0].kind, ANALYSIS_ART_SILENT);
	assert_int_equal(a->artifacts[0].hop.ttl, 2);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* A persistent RTT step versus an isolated spike. */
static void
test_latency(void **state)
{
	const struct hopdef step[] = {
		{ NULL, "r1", 5, 5, 1, 0 }, { NULL, "r2", 5, 5, 2, 0 },
		{ NULL, "r3", 5, 5, 40, 0 }, { NULL, "r4", 5, 5, 41, 0 },
		{ "198.18.9.9", "b", 5, 5, 42, 0 }, END
	};
	const struct hopdef spike[] = {
		{ NULL, "r3", 5, 5, 1, 0 }, { NULL, "r2", 5, 5, 80, 0 },
		{ NULL, "r1", 5, 5, 3, 0 }, { "198.18.1.1", "a", 5, 5, 4, 0 }, END
	};
	struct trace	*f = mk(step, "198.18.9.9"), *r = mk(spike, "198.18.1.1");
	struct analysis	*a = run(f, r, NULL);

	(void)state;
	assert_true(a->step[0].found);
	assert_int_equal(a->step[0].at.ttl, 3);
	assert_true(a->step[0].before_ms < 3 && a->step[0].after_ms >= 40);
	assert_false(a->step[1].found);
	assert_int_equal(a->nartifacts, 1);
	assert_int_equal(a->artifacts[0].kind, ANALYSIS_ART_RTT_SPIKE);
	assert_int_equal(a->artifacts[0].dir, ANALYSIS_REVERSE);
	assert_int_equal(a->artifacts[0].hop.ttl, 2);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * A rise of 12 ms on a 100 ms path is no step: above step_min_ms (10) but
 * below step_min_frac (25 %) of the level before it.  A rise of 30 ms is.
 */
static void
test_latency_step_fraction(void **state)
{
	const struct hopdef small[] = {
		{ NULL, "r1", 5, 5, 100, 0 }, { NULL, "r2", 5, 5, 100, 0 },
		{ NULL, "r3", 5, 5, 112, 0 }, { NULL, "r4", 5, 5, 112, 0 },
		{ "198.18.9.9", "b", 5, 5, 112, 0 }, END
	};
	const struct hopdef big[] = {
		{ NULL, "r4", 5, 5, 100, 0 }, { NULL, "r3", 5, 5, 100, 0 },
		{ NULL, "r2", 5, 5, 130, 0 }, { "198.18.1.1", "a", 5, 5, 130, 0 }, END
	};
	struct trace	*f = mk(small, "198.18.9.9"), *r = mk(big, "198.18.1.1");
	struct analysis	*a = run(f, r, NULL);

	(void)state;
	assert_false(a->step[0].found);
	assert_true(a->step[1].found);
	assert_int_equal(a->step[1].at.ttl, 3);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* A reply that crossed more hops than its probe: another way back. */
static void
test_reply_ttl(void **state)
{
	struct trace	*f = fwd_sym(3, 3, 3, 0), *r = rev_sym(3, 3, 3, 3);
	struct analysis	*a;
	int		 i;

	(void)state;
	for (i = 0; i < 3; i++)
		f->hops[2].probes[i].reply_ttl = 59;	/* 64 - 59 + 1 = 6 hops */
	a = run(f, r, NULL);
	assert_int_equal(a->nreplyttl, 1);
	assert_int_equal(a->replyttl[0].dir, ANALYSIS_FORWARD);
	assert_int_equal(a->replyttl[0].hop.ttl, 3);
	assert_int_equal(a->replyttl[0].return_hops, 6);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* The forward trace stops before B while the reverse gets through. */
static void
test_filtered(void **state)
{
	const struct hopdef fd[] = {
		{ NULL, "r1", 3, 3, 1, 0 }, { NULL, "r2", 3, 3, 2, 0 },
		{ NULL, "r3", 3, 3, 3, 0 }, { NULL, NULL, 3, 0, 0, 0 },
		{ NULL, NULL, 3, 0, 0, 0 }, END
	};
	const struct hopdef rd[] = {
		{ NULL, "r3", 3, 3, 1, 0 }, { NULL, "r2", 3, 3, 2, 0 },
		{ NULL, "r1", 3, 3, 3, 0 }, { "198.18.1.1", "a", 3, 3, 4, 0 }, END
	};
	struct trace	*f = mk(fd, "198.18.9.9"), *r = mk(rd, "198.18.1.1");
	struct analysis	*a = run(f, r, NULL);
	json_t		*j;

	(void)state;
	assert_true(a->stop[0].stopped);
	assert_false(a->stop[1].stopped);
	assert_true(a->stop[0].other_reached);
	assert_int_equal(a->stop[0].last.ttl, 3);
	assert_non_null(strstr(a->stop[0].advice, "443"));
	assert_int_equal(a->nsuspects, 1);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_FILTER);
	assert_string_equal(a->suspects[0].a.name, "r3");
	assert_string_equal(a->suspects[0].b.addr, "198.18.9.9");
	assert_non_null(strstr(a->verdict, "stops after r3"));
	/* "firm" follows the first suspect's confidence, whatever its kind;
	   only a loss verdict asks for probes to confirm it */
	j = analysis_to_jobj(a);
	assert_true(json_is_boolean(json_object_get(j, "firm")));
	assert_int_equal(json_is_true(json_object_get(j, "firm")),
	    a->suspects[0].confidence >= ANALYSIS_FIRM);
	assert_null(json_object_get(j, "probes_per_hop_to_confirm"));
	assert_null(strstr(a->verdict, "yet firm"));
	json_decref(j);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* The whole file at path (NUL-terminated), however long; fails the test otherwise. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp = fopen(path, "r");
	char	*buf = NULL;
	size_t	 cap = 0, n;

	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	*len = 0;
	do {
		if (*len + 1 >= cap) {
			cap = cap ? cap * 2 : 1 << 16;
			if ((buf = realloc(buf, cap)) == NULL)
				fail_msg("%s: out of memory", path);
		}
		n = fread(buf + *len, 1, cap - *len - 1, fp);
		*len += n;
	} while (n > 0);
	if (ferror(fp))
		fail_msg("%s: read error", path);
	fclose(fp);
	buf[*len] = '\0';
	return buf;
}

static struct trace *
load(const char *path)
{
	char	 err[256], *buf;
	size_t	 len;
	struct trace *t;

	buf = slurp(path, &len);
	t = paste_parse(buf, len, PASTE_AUTO, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s:%s", path, err);
	free(buf);
	return t;
}

/*
 * The data's count is never at or below the probes per hop that did not
 * settle it: the twofaults lab's pasted mtr (50 cycles, IPv6), decided
 * with a second fault below 0.90, whose gap and divergence alone ask for
 * 28 per hop; what did not confirm it is not enough, so at least twice
 * the 50 (and the count asked of a user, planned for one rerun, above
 * that).  The lab-paste test held this until the count asked grew past
 * 50 without it.
 */
static void
test_need_above_q(void **state)
{
	struct trace	*f = load("tests/analysis/lab-paste/sf-chicago-twofaults-v6-mtr-forward.txt");
	struct trace	*r = load("tests/analysis/lab-paste/sf-chicago-twofaults-v6-mtr-reverse.txt");
	struct analysis	*a = run(f, r, NULL);

	(void)state;
	assert_false(a->inconclusive);
	assert_true(a->confirm);
	assert_int_equal(a->min_probes, 50);
	assert_int_equal(a->probes_needed, 100);
	assert_true(a->probes_rerun > a->probes_needed);
	assert_int_equal(analysis_confirm_probes(a), a->probes_rerun);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * The count a decided, not firm verdict asks for to confirm it: the one
 * planned for a rerun, at least 20 when a hop got fewer than 10 probes
 * (the estimate from so few is rough); none when firm or inconclusive.
 * (With the count planned for one rerun in 9 of 10 draws, the pasted
 * fixtures all ask for more than 20, so the floor is held here.)
 */
static void
test_confirm_floor(void **state)
{
	struct analysis	 a;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.confirm = 1;
	a.min_probes = 3;
	a.probes_needed = 6;
	a.probes_rerun = 12;
	assert_int_equal(analysis_confirm_probes(&a), 20);
	a.probes_rerun = 25;
	assert_int_equal(analysis_confirm_probes(&a), 25);
	a.min_probes = 10;
	a.probes_rerun = 12;
	assert_int_equal(analysis_confirm_probes(&a), 12);
	a.inconclusive = 1;
	assert_int_equal(analysis_confirm_probes(&a), 0);
	a.inconclusive = 0;
	a.probes_needed = a.probes_rerun = 0;	/* more would not confirm */
	assert_int_equal(analysis_confirm_probes(&a), 0);
	a.probes_needed = 6;
	a.probes_rerun = 12;
	a.confirm = 0;	/* firm */
	assert_int_equal(analysis_confirm_probes(&a), 0);
}

/*
 * Pasted traceroute, 3 probes per hop, inconclusive between two links and
 * a router, the advice in traceroute's terms: it sends at most 10 a hop,
 * so -q N up to 10 and several runs past it.  The data ask for 9 (two of
 * three lost past hop 2; with one of three the count, planned at the low
 * end of the loss's interval since 2026-12-07, is 20), and a user 11, the
 * count one rerun decides with in 9 of 10 draws: two runs, not -q 11
 * (traceroute refuses it) and not "paste 1 runs".
 */
static void
test_advice_one_traceroute_run(void **state)
{
	static const char fwd[] =
	    "traceroute to 198.18.0.14 (198.18.0.14), 30 hops max, 60 byte packets\n"
	    " 1  198.18.0.2 (198.18.0.2)  1.01 ms  1.02 ms  1.03 ms\n"
	    " 2  198.18.0.6 (198.18.0.6)  2.01 ms  2.02 ms  2.03 ms\n"
	    " 3  198.18.0.10 (198.18.0.10)  *  *  3.03 ms\n"
	    " 4  198.18.0.14 (198.18.0.14)  *  *  4.03 ms\n";
	static const char rev[] =
	    "traceroute to 198.18.0.1 (198.18.0.1), 30 hops max, 60 byte packets\n"
	    " 1  198.18.0.13 (198.18.0.13)  1.01 ms  1.02 ms  1.03 ms\n"
	    " 2  198.18.0.9 (198.18.0.9)  2.01 ms  2.02 ms  2.03 ms\n"
	    " 3  198.18.0.5 (198.18.0.5)  *  *  3.03 ms\n"
	    " 4  198.18.0.1 (198.18.0.1)  *  *  4.03 ms\n";
	char		 err[256];
	struct trace	*f = paste_parse(fwd, sizeof(fwd) - 1, PASTE_AUTO, err,
			    sizeof(err));
	struct trace	*r = paste_parse(rev, sizeof(rev) - 1, PASTE_AUTO, err,
			    sizeof(err));
	struct analysis	*a;

	(void)state;
	assert_non_null(f);
	assert_non_null(r);
	a = run(f, r, NULL);
	assert_true(a->inconclusive);
	assert_true(a->probes_needed > 3 && a->probes_needed <= 10);
	/* the count asked of a user: one rerun decides in 9 of 10 draws */
	assert_int_equal(a->probes_rerun, 11);
	assert_non_null(strstr(a->verdict, "about 11 probes per hop would "
	    "decide: paste 2 runs of traceroute -q 10 one after another"));
	assert_null(strstr(a->verdict, "-q 11"));
	assert_null(strstr(a->verdict, "paste 1 runs"));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Pasted traceroute from the lab whose routers all keep the kernel's ICMP
 * limits (limitedstretch): most hops answered only the first few of each
 * run's probes, so the advice is mtr at one probe a second, with the count
 * the data ask for, or a minute's worth when the hops left cannot decide;
 * the JSON says it (rerun_with).  Seed 003 (test_seed003) has no limited
 * hops and keeps traceroute's runs.
 */
static void
test_advice_paced_when_limited(void **state)
{
	static const char *const pairs[][2] = {
		{ "tests/analysis/lab-paste/sf-chicago-limitedstretch-v4-traceroute-forward.txt",
		  "tests/analysis/lab-paste/sf-chicago-limitedstretch-v4-traceroute-reverse.txt" },
		{ "tests/analysis/lab-paste/sf-chicago-limitedstretch-v4-traceroute-n-forward.txt",
		  "tests/analysis/lab-paste/sf-chicago-limitedstretch-v4-traceroute-n-reverse.txt" },
	};
	char		 want[128];
	int		 k;

	(void)state;
	for (k = 0; k < 2; k++) {
		struct trace	*f = load(pairs[k][0]), *r = load(pairs[k][1]);
		struct analysis	*a = run(f, r, NULL);
		char		*js;
		json_t		*o, *w;

		assert_true(a->inconclusive);
		assert_true(a->rerun_paced);
		if (k == 0) {
			/* the count the data ask for (22), at least a
			   minute of mtr -i 1; the JSON keeps the data's */
			assert_true(a->probes_needed > 10 && a->probes_needed < 60);
			assert_int_equal(a->rerun_probes, 60);
			snprintf(want, sizeof(want), "about 60 probes per hop "
			    "would decide: rerun mtr with -c 60 -i 1");
			assert_non_null(strstr(a->verdict, want));
		} else {
			/* none from the hops left: a minute of mtr -i 1 */
			assert_int_equal(a->probes_needed, 0);
			assert_int_equal(a->rerun_probes, 60);
			assert_non_null(strstr(a->verdict, "the hops left once "
			    "the limited ones are set aside would not decide"));
		}
		snprintf(want, sizeof(want), "rerun mtr with -c %d -i 1, not "
		    "traceroute: ", a->rerun_probes);
		assert_non_null(strstr(a->verdict, want));
		assert_non_null(strstr(a->verdict, "of the 21 hops that answered "
		    "gave only the first few replies"));
		assert_null(strstr(a->verdict, "runs of traceroute"));
		js = report_json(f, r, a, 0);
		assert_non_null(js);
		o = json_loads(js, 0, NULL);
		assert_non_null(o);
		w = json_object_get(json_object_get(o, "analysis"), "rerun_with");
		assert_string_equal(json_string_value(json_object_get(w, "tool")),
		    "mtr");
		assert_true(json_real_value(json_object_get(w, "interval_s")) == 1.0);
		assert_int_equal(json_integer_value(json_object_get(w,
		    "probes_per_hop")), a->rerun_probes);
		json_decref(o);
		free(js);
		analysis_free(a);
		trace_free(f);
		trace_free(r);
	}
}

/*
 * Loss that persists with no element to explain it (the forward trace
 * loses from hop 4 on, and the reverse trace's last hop, whose round trip
 * the model lays over every link the forward ones cross, loses nothing):
 * the verdict says inconclusive, and so does the JSON (until 2026-12-07
 * it read as decided, no suspect, "firm").
 */
static void
test_persistent_loss_unexplained(void **state)
{
	static const char fwd[] =
	    "traceroute to 198.18.1.17 (198.18.1.17), 30 hops max, 60 byte packets\n"
	    " 1  198.18.1.1 (198.18.1.1)  1.100 ms  1.110 ms  1.120 ms  1.130 ms  1.140 ms  1.150 ms  1.160 ms  1.170 ms  1.180 ms  1.190 ms\n"
	    " 2  198.18.1.5 (198.18.1.5)  2.200 ms  2.210 ms  2.220 ms  2.230 ms  2.240 ms  2.250 ms  2.260 ms  2.270 ms  2.280 ms  2.290 ms\n"
	    " 3  198.18.1.9 (198.18.1.9)  3.300 ms  3.310 ms  3.320 ms  3.330 ms  3.340 ms  3.350 ms  3.360 ms  3.370 ms  3.380 ms  3.390 ms\n"
	    " 4  198.18.1.13 (198.18.1.13)  *  4.410 ms  *  4.430 ms  4.440 ms  *  4.460 ms  4.470 ms  4.480 ms  *\n"
	    " 5  198.18.1.17 (198.18.1.17)  *  5.510 ms  5.520 ms  *  *  *  5.560 ms  5.570 ms  *  5.590 ms\n";
	static const char rev[] =
	    "traceroute to 198.18.2.17 (198.18.2.17), 30 hops max, 60 byte packets\n"
	    " 1  198.18.2.1 (198.18.2.1)  1.100 ms  1.110 ms  1.120 ms  1.130 ms  1.140 ms  1.150 ms  1.160 ms  1.170 ms  1.180 ms  1.190 ms\n"
	    " 2  198.18.2.5 (198.18.2.5)  2.200 ms  2.210 ms  2.220 ms  2.230 ms  2.240 ms  2.250 ms  2.260 ms  2.270 ms  2.280 ms  2.290 ms\n"
	    " 3  198.18.2.9 (198.18.2.9)  3.300 ms  3.310 ms  3.320 ms  3.330 ms  3.340 ms  3.350 ms  3.360 ms  3.370 ms  3.380 ms  3.390 ms\n"
	    " 4  198.18.2.13 (198.18.2.13)  4.400 ms  4.410 ms  4.420 ms  4.430 ms  4.440 ms  4.450 ms  4.460 ms  4.470 ms  4.480 ms  4.490 ms\n"
	    " 5  198.18.2.17 (198.18.2.17)  5.500 ms  5.510 ms  5.520 ms  5.530 ms  5.540 ms  5.550 ms  5.560 ms  5.570 ms  5.580 ms  5.590 ms\n";
	char		 err[256], *js;
	struct trace	*f = paste_parse(fwd, sizeof(fwd) - 1, PASTE_AUTO, err,
			    sizeof(err));
	struct trace	*r = paste_parse(rev, sizeof(rev) - 1, PASTE_AUTO, err,
			    sizeof(err));
	struct analysis	*a;
	json_t		*o, *x;

	(void)state;
	assert_non_null(f);
	assert_non_null(r);
	a = run(f, r, NULL);
	assert_int_equal(a->nsuspects, 0);
	assert_true(a->loss[0].persistent);
	assert_true(a->inconclusive);
	assert_prefix(a->verdict, "Inconclusive: the forward trace loses from "
	    "hop 4 ");
	assert_non_null(strstr(a->verdict, "but no one link or router explains "
	    "what both traces show"));
	js = report_json(f, r, a, 0);
	assert_non_null(js);
	o = json_loads(js, 0, NULL);
	assert_non_null(o);
	x = json_object_get(o, "analysis");
	assert_true(json_is_true(json_object_get(x, "inconclusive")));
	assert_true(json_is_false(json_object_get(x, "firm")));
	json_decref(o);
	free(js);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * One pasted traceroute run (10 probes per hop) from the twofaults lab:
 * inconclusive about the second fault.  The count that would decide it
 * keeps the other fault's loss in both explanations' reply probabilities
 * (it thins their replies alike); without it the count came out 16 here,
 * and tp-ansim found such counts about a third of what they need (right
 * after one rerun 76 % of pairs, 86 % now).
 */
static void
test_two_fault_count(void **state)
{
	struct trace	*f = load("tests/analysis/lab-paste/sf-chicago-twofaults-v6-traceroute-forward.txt");
	struct trace	*r = load("tests/analysis/lab-paste/sf-chicago-twofaults-v6-traceroute-reverse.txt");
	struct analysis	*a = run(f, r, NULL);
	int		 i, nchosen = 0;

	(void)state;
	assert_true(a->inconclusive);
	for (i = 0; i < a->nsuspects; i++)
		nchosen += !a->suspects[i].alternative;
	assert_true(nchosen >= 2);
	assert_true(a->probes_needed >= 50);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

static int	latency_suspects(const struct analysis *,
		    const struct analysis_suspect **);

/* Trace t's hop at ttl loses its probe k (a pasted star where a reply was). */
static void
drop_probe(struct trace *t, int ttl, int k)
{
	struct trace_hop *h = trace_hop_by_ttl(t, ttl);

	assert_non_null(h);
	assert_true(k < h->nprobes);
	assert_true(h->probes[k].replied);
	h->probes[k].replied = 0;
}

/*
 * Inconclusive about loss with a one-way delay named first: the retdelay
 * lab's pasted traceroute (IPv4, +30 ms on pb-nap -> SF-rt3 alone), one
 * probe in ten lost at forward hops 7-11 and reverse hops 6-10 (a loss the
 * round trips of ten probes per hop cannot place).  The verdict names the
 * delay and then the loss it could not place, with the probes that would
 * decide it; before, the delay's sentence alone, and the advice only in
 * the JSON.  (Until the round trips took silent hops between shared
 * routers as the other trace's routers, the limited lab's pasted
 * traceroute held this, with a delay that was the long links' distance.)
 */
static void
test_loss_undecided_after_delay(void **state)
{
	struct trace	*f = load("tests/analysis/lab-paste/sf-chicago-retdelay-v4-traceroute-forward.txt");
	struct trace	*r = load("tests/analysis/lab-paste/sf-chicago-retdelay-v4-traceroute-reverse.txt");
	static const int fk[] = { 1, 2, 3, 5, 7 }, rk[] = { 2, 6, 1, 8, 3 };
	struct analysis	*a;
	char		 want[96];
	int		 i;

	(void)state;
	for (i = 0; i < 5; i++) {
		drop_probe(f, 7 + i, fk[i]);
		drop_probe(r, 6 + i, rk[i]);
	}
	a = run(f, r, NULL);
	assert_true(a->inconclusive);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_LATENCY);
	assert_string_equal(a->suspects[0].from.addr, "198.18.10.46");
	assert_string_equal(a->suspects[0].to.addr, "198.18.10.50");
	assert_prefix(a->verdict, "Delay on the link pb-nap.geo.net -> "
	    "sf-rt3-f0.geo.net");
	assert_non_null(strstr(a->verdict, "). Loss the data cannot place yet: "
	    "the link "));
	assert_true(a->probes_needed > 0);
	snprintf(want, sizeof(want), "; about %d probes per hop would decide: ",
	    a->rerun_probes);
	assert_non_null(strstr(a->verdict, want));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * A silent hop between two shared routers, where the other trace saw one
 * router between them, is taken as that router: the quiet lab (nothing
 * broken) traced with mtr -c 30 -i 1, where core1.Denver's one ICMP error
 * a second all went to the reverse trace, so the forward trace shows hop 7
 * silent between core2.SF and border3.  Before, the forward probes crossed
 * a made-up link core2.SF -> border3 no round trip crosses the other way,
 * the long links both ways were cheaper as one-way delay towards SF, and
 * the verdict blamed border3 -> Denver (+30 ms, 0.77).  Now both long
 * links are distance, nobody is blamed, and the silent hop's note says
 * which router it was taken as.  The limited lab's pasted traceroute
 * (IPv6: border3 silent in the forward trace) was blamed the same way,
 * ahead of the loss on core2.SF - Denver it could not yet place; now that
 * loss is named first.
 */
static void
test_silent_hop_filled(void **state)
{
	struct trace	*f = load("tests/analysis/lab-paste/sf-chicago-quiet-v4-mtr-denver-silent-forward.txt");
	struct trace	*r = load("tests/analysis/lab-paste/sf-chicago-quiet-v4-mtr-denver-silent-reverse.txt");
	struct analysis	*a = run(f, r, NULL);
	const struct analysis_suspect *s;
	int		 i, seen = 0;

	(void)state;
	assert_int_equal(a->nsuspects, 0);
	assert_false(a->inconclusive);
	assert_prefix(a->verdict, "No fault found");
	assert_int_equal(a->ndistance, 2);
	for (i = 0; i < a->ndistance; i++)
		seen |= (strcmp(a->distance[i].a.name, "core1.denver.other-isp.net") == 0 ||
		    strcmp(a->distance[i].b.name, "core1.denver.other-isp.net") == 0) << i;
	assert_int_equal(seen, 3);
	for (i = 0, seen = 0; i < a->nartifacts; i++)
		if (a->artifacts[i].kind == ANALYSIS_ART_SILENT &&
		    a->artifacts[i].dir == ANALYSIS_FORWARD && a->artifacts[i].hop.ttl == 7) {
			seen = 1;
			assert_non_null(strstr(a->artifacts[i].why, "; the round trips "
			    "take it as core1.denver.other-isp.net (reverse hop 4), "
			    "the router the reverse trace saw between "
			    "core2.sanfrancisco.other-isp.net and "
			    "border3.chicaco.other-isp.net"));
		} else if (a->artifacts[i].kind == ANALYSIS_ART_SILENT)
			/* no router the other trace saw fits: forward 3 (its
			   neighbours are not both shared), reverse 6 */
			assert_null(strstr(a->artifacts[i].why, "take it as"));
	assert_true(seen);
	/* Denver's own replies: a silent forward hop taken as it says
	   nothing of where it sends, so they are still assumed to retrace
	   the reverse probes' way, not known to follow the forward trace */
	for (i = 0, seen = 0; i < a->nroundtrip; i++)
		if (a->roundtrip[i].dir == ANALYSIS_REVERSE &&
		    a->roundtrip[i].from_ttl <= 4 && a->roundtrip[i].to_ttl >= 4) {
			seen = 1;
			assert_int_equal(a->roundtrip[i].basis, ANALYSIS_BASIS_ASSUMED);
		}
	assert_true(seen);
	analysis_free(a);
	trace_free(f);
	trace_free(r);

	f = load("tests/analysis/lab-paste/sf-chicago-limitedstretch-v6-traceroute-forward.txt");
	r = load("tests/analysis/lab-paste/sf-chicago-limitedstretch-v6-traceroute-reverse.txt");
	a = run(f, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	assert_true(a->inconclusive);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_LINK);
	assert_prefix(a->verdict, "Inconclusive: possibly the link "
	    "core2.sanfrancisco.other-isp.net - core1.denver.other-isp.net");
	assert_int_equal(a->ndistance, 2);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Two faults decided at once (the twofaults lab pair: 10 % each way on
 * core2.SF - Denver and on router.SF - some_interconnect): the verdict
 * names the second after the first, and the second below 0.90 makes the
 * pair not firm, with the probes that would confirm it, though the first
 * is at 0.92.
 */
static void
test_second_fault_named_and_confirmed(void **state)
{
	struct trace	*f = load("tests/analysis/lab-twofaults-forward.json");
	struct trace	*r = load("tests/analysis/lab-twofaults-reverse.json");
	struct analysis	*a = run(f, r, NULL);
	char		 want[160];
	int		 i, nchosen = 0;

	(void)state;
	assert_false(a->inconclusive);
	for (i = 0; i < a->nsuspects; i++)
		nchosen += !a->suspects[i].alternative;
	assert_int_equal(nchosen, 2);
	assert_true(a->suspects[0].confidence >= ANALYSIS_FIRM);
	assert_string_equal(a->suspects[0].a.name, "core2.sanfrancisco.other-isp.net");
	assert_true(a->suspects[1].confidence >= 0.6 &&
	    a->suspects[1].confidence < ANALYSIS_FIRM);
	assert_true(a->confirm);
	assert_true(a->probes_needed > 20);
	assert_non_null(strstr(a->verdict, "). A second fault: the link "
	    "router.sanfrancisco.mycompany.com - some_interconnect.geo.net ("));
	snprintf(want, sizeof(want), "Not yet firm (a fault beside the first "
	    "below 0.90): about %d probes per hop would confirm it",
	    analysis_confirm_probes(a));
	assert_non_null(strstr(a->verdict, want));
	/* the second fault comes before the advice that covers it */
	assert_true(strstr(a->verdict, "A second fault") < strstr(a->verdict,
	    "Not yet firm"));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* Seed 003 as pasted: the suspect is core2.SanFrancisco - core1.Denver. */
static void
test_seed003(void **state)
{
	struct trace	*f = load("tests/analysis/seed003-forward.txt");
	struct trace	*r = load("tests/analysis/seed003-reverse.txt");
	struct analysis	*a = run(f, r, NULL);
	const struct analysis_suspect *s;
	char		*text = NULL, *js;
	size_t		 tlen = 0;
	FILE		*fp;
	json_t		*o, *x;
	int		 i, found = 0;

	(void)state;
	/* 3 probes per hop: the change point cannot pin the forward onset;
	   its 95 % set holds the real one, at hop 7 */
	assert_true(a->loss[0].earliest_ttl <= 7 && a->loss[0].latest_ttl >= 7);
	assert_true(a->loss[0].confidence < 0.5);
	assert_int_equal(a->loss[1].onset.ttl, 5);
	assert_string_equal(a->loss[1].onset.name, "core2.SanFrancisco.other-isp.net");
	assert_true(a->nsuspects >= 1);
	s = &a->suspects[0];
	assert_int_equal(s->kind, ANALYSIS_SUSPECT_LINK);
	assert_string_equal(s->a.name, "core2.SanFrancisco.other-isp.net");
	assert_string_equal(s->b.name, "core1.Denver.other-isp.net");
	assert_true(s->seen_fwd && s->seen_rev);
	assert_true(s->bothways);
	/* first; 3 probes per hop rule out the two routers at its ends only
	   with their prior odds (a third of a link's each: docs/analysis.md
	   3a): decided, not firmly, and the verdict asks for more probes
	   (inconclusive at 0.48 before that prior), in traceroute's terms:
	   it sends at most 10 a hop, so several runs pasted together */
	assert_true(s->confidence > 0.6 && s->confidence < 0.75);
	assert_false(a->inconclusive);
	assert_true(a->confirm);
	assert_non_null(strstr(a->verdict, "Only 3 probes per hop, and not yet "
	    "firm (below 0.90): about 40 probes per hop would confirm it: paste "
	    "4 runs of traceroute -q 10 one after another (their probes add "
	    "up)."));
	assert_false(a->rerun_paced);
	for (i = 0; i < a->nshared; i++)
		if (strcmp(a->shared[i].fwd.name, "core1.Denver.other-isp.net") == 0 &&
		    a->shared[i].rev.ttl == 4 && a->shared[i].how == ANALYSIS_HOW_NAME)
			found = 1;
	assert_true(found);
	assert_int_equal(a->nrev_only, 2);
	assert_string_equal(a->rev_only[0].name, "pb-nap.geo.net");
	assert_int_equal(a->nfwd_only, 4);

	/* text: verdict first, onset marked */
	fp = open_memstream(&text, &tlen);
	assert_int_equal(report_text(fp, f, r, a, NULL), 0);
	fclose(fp);
	assert_prefix(text, "Verdict: Loss on the link "
	    "core2.SanFrancisco.other-isp.net - core1.Denver.other-isp.net, "
	    "seen in both directions");
	assert_non_null(strstr(text, "core1.Denver.other-isp.net              33%"));
	js = report_text_str(f, r, a, NULL);
	assert_non_null(js);
	assert_string_equal(js, text);
	free(js);
	free(text);

	/* JSON: the documented keys */
	js = report_json(f, r, a, 0);
	assert_non_null(js);
	o = json_loads(js, 0, NULL);
	assert_non_null(o);
	assert_true(json_is_object(json_object_get(o, "forward")));
	assert_true(json_is_object(json_object_get(o, "reverse")));
	x = json_object_get(o, "analysis");
	assert_true(json_is_string(json_object_get(x, "verdict")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(x, "shared"), 0), "how")), "name");
	assert_true(json_is_true(json_object_get(json_object_get(json_object_get(x,
	    "loss"), "forward"), "persistent")));
	assert_true(json_is_true(json_object_get(json_object_get(json_object_get(x,
	    "loss"), "reverse"), "persistent")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(x, "suspects"), 0), "kind")), "link");
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    json_array_get(json_object_get(x, "suspects"), 0), "between"), 1)),
	    "core1.Denver.other-isp.net");
	assert_true(json_is_array(json_object_get(x, "artifacts")));
	assert_true(json_is_array(json_object_get(x, "divergence")));
	json_decref(o);
	free(js);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Agent traces from the sf-chicago lab (12 % loss both ways on core2 -
 * core1.Denver) where the destination also dropped 19 of 20 replies
 * (probed fast): its drops must not hide the real onset at hop 7.
 */
static void
test_lab_sfchi(void **state)
{
	struct trace	*f = load("tests/analysis/lab-sfchi-forward.json");
	struct trace	*r = load("tests/analysis/lab-sfchi-reverse.json");
	struct analysis	*a = run(f, r, NULL);

	(void)state;
	assert_int_equal(a->loss[0].onset.ttl, 7);
	assert_int_equal(a->loss[1].onset.ttl, 5);
	assert_true(a->loss[0].loss_pct < 30);	/* the destination's drops left out */
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_LINK);
	assert_string_equal(a->suspects[0].a.name, "core2.sanfrancisco.other-isp.net");
	assert_string_equal(a->suspects[0].b.name, "core1.denver.other-isp.net");
	assert_string_equal(a->suspects[0].a.addr, "198.18.10.22");
	assert_true(a->suspects[0].seen_fwd && a->suspects[0].seen_rev);
	assert_true(a->suspects[0].bothways);
	assert_true(a->suspects[0].confidence > 0.85);
	assert_int_equal(a->nshared, 7);
	assert_int_equal(a->nfwd_only, 3);
	assert_int_equal(a->nrev_only, 2);
	assert_true(a->step[0].found && a->step[0].at.ttl == 7);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Rewrite a lab trace's probes: every probe answered (as its hop's main
 * responder), then in hops lo..hi (ttl) every `every`-th probe lost: a
 * deterministic stand-in for loss on a link these hops' round trips cross.
 */
static void
redraw(struct trace *t, int lo, int hi, int every)
{
	int	 i, j;

	for (i = 0; i < t->nhops; i++) {
		struct trace_hop *h = &t->hops[i];
		const struct trace_probe *m = trace_hop_main_probe(h);

		assert_non_null(m);
		for (j = 0; j < h->nprobes; j++) {
			struct trace_probe *p = &h->probes[j];

			if (p != m) {
				p->addr = m->addr;	/* the same hop's */
				p->name = m->name;
				p->rtt_ms = m->rtt_ms;
				p->reply_ttl = m->reply_ttl;
			}
		}
		for (j = 0; j < h->nprobes; j++)
			h->probes[j].replied = !(h->ttl >= lo && h->ttl <= hi &&
			    j % every == 0);
	}
}

/*
 * Rewrite a lab trace's probes as redraw does, then lose the first
 * lost[ttl - 1] probes of each hop: a sample as the lab drew it.
 */
static void
redraw_lost(struct trace *t, const int *lost, int n)
{
	int	 i, j;

	redraw(t, 0, 0, 1000);
	for (i = 0; i < t->nhops && t->hops[i].ttl <= n; i++)
		for (j = 0; j < t->hops[i].nprobes; j++)
			t->hops[i].probes[j].replied = j >= lost[t->hops[i].ttl - 1];
}

/* t with n probes at every hop: the extra ones copies of an unanswered probe */
static void
pad_probes(struct trace *t, int n)
{
	int	 i, k;

	for (i = 0; i < t->nhops; i++)
		for (k = t->hops[i].nprobes; k < n; k++) {
			struct trace_probe *p = trace_hop_add_probe(&t->hops[i]);

			assert_non_null(p);
			p->reply_ttl = -1;
			p->icmp_type = p->icmp_code = -1;
		}
	t->queries = n;
}

/* t's hops measured by their probes, not by the lab's echo figures (as
   tp-ansim draws them) */
static void
no_echo(struct trace *t)
{
	int	 i;

	for (i = 0; i < t->nhops; i++) {
		t->hops[i].loss_by_echo = 0;
		t->hops[i].echo_sent = t->hops[i].echo_received = 0;
	}
}

/*
 * Two faults (sf-chicago-twofaults.scn: 10 % each way on some_interconnect
 * - router.SF and on core2.SF - Denver), one lab pair's losses per hop,
 * but reverse hop 8 (some_interconnect's own) losing 8 of 20, not the
 * pair's 5: with the prior against routers the pair as traced names the
 * uplink itself, and this test needs the router chosen.  The estimator
 * picks the Denver link and router some_interconnect, whose round trips
 * differ from the link router.SF - some_interconnect at one hop.  That link's two directions are on the same round trips, so the
 * alternative is the link both ways, listed once with both directions'
 * weight (it was listed twice, each direction with half).
 */
/* 1 when link suspect s joins the routers named x and y, either way. */
static int
same_link(const struct analysis_suspect *s, const char *x, const char *y)
{
	return (strcmp(s->a.name, x) == 0 && strcmp(s->b.name, y) == 0) ||
	    (strcmp(s->a.name, y) == 0 && strcmp(s->b.name, x) == 0);
}

static void
test_twin_alternative(void **state)
{
	struct trace	*f = load("tests/analysis/lab-sfchi-forward.json");
	struct trace	*r = load("tests/analysis/lab-sfchi-reverse.json");
	const int	 lf[11] = { 0, 3, 2, 8, 2, 3, 9, 4, 8, 12, 7 };
	const int	 lr[10] = { 0, 0, 0, 0, 4, 2, 4, 8, 10, 6 };
	struct analysis	*a;
	int		 i, j, n = 0;

	(void)state;
	redraw_lost(f, lf, 11);
	redraw_lost(r, lr, 10);
	a = run(f, r, NULL);
	for (i = 0; i < a->nsuspects; i++) {
		const struct analysis_suspect *s = &a->suspects[i];

		if (s->kind != ANALYSIS_SUSPECT_LINK || !same_link(s,
		    "router.sanfrancisco.mycompany.com",
		    "some_interconnect.geo.net"))
			continue;
		n++;
		assert_true(s->alternative && s->bothways);
		/*
		 * both directions' weight (0.28 each here), capped at the
		 * suspect it is the alternative to (router some_interconnect,
		 * 0.30), and listed after it
		 */
		assert_true(s->confidence > 0.28);
		assert_true(i > 0 && !a->suspects[i - 1].alternative &&
		    a->suspects[i - 1].confidence >= s->confidence);
		assert_non_null(strstr(s->why, "in one direction or both"));
	}
	assert_int_equal(n, 1);
	/* no two suspects name the same link */
	for (i = 0; i < a->nsuspects; i++)
		for (j = i + 1; j < a->nsuspects; j++)
			if (a->suspects[i].kind == ANALYSIS_SUSPECT_LINK &&
			    a->suspects[j].kind == ANALYSIS_SUSPECT_LINK)
				assert_false(same_link(&a->suspects[i],
				    a->suspects[j].a.name, a->suspects[j].b.name));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * lab-sfchi's pair (seed 003, the topology of sf-chicago-twofaults.scn)
 * at 100 probes per hop: each hop's extra probes are copies of its first,
 * then the first lf[ttl - 1] / lr[ttl - 1] of each hop lost (redraw_lost).
 */
static struct analysis *
twofaults_run(const int lf[11], const int lr[10])
{
	struct trace	*f = load("tests/analysis/lab-sfchi-forward.json");
	struct trace	*r = load("tests/analysis/lab-sfchi-reverse.json");
	struct analysis	*a;

	pad_probes(f, 100);
	pad_probes(r, 100);
	redraw_lost(f, lf, 11);
	redraw_lost(r, lr, 10);
	a = run(f, r, NULL);
	trace_free(f);
	trace_free(r);
	return a;
}

/* The chosen (not alternative) suspects of a, how many and which links. */
static int
chosen_links(const struct analysis *a, int *uplink, int *longhaul)
{
	int	 i, n = 0;

	*uplink = *longhaul = 0;
	for (i = 0; i < a->nsuspects; i++) {
		const struct analysis_suspect *s = &a->suspects[i];

		if (s->alternative)
			continue;
		n++;
		if (s->kind == ANALYSIS_SUSPECT_LINK && s->bothways &&
		    same_link(s, "router.sanfrancisco.mycompany.com",
		    "some_interconnect.geo.net"))
			(*uplink)++;
		if (s->kind == ANALYSIS_SUSPECT_LINK && s->bothways &&
		    same_link(s, "core2.sanfrancisco.other-isp.net",
		    "core1.denver.other-isp.net"))
			(*longhaul)++;
	}
	return n;
}

/*
 * sf-chicago-twofaults, a lab pair at 100 probes per hop (hop by hop as
 * the lab lost them): forward selection settled on the Denver link and
 * router some_interconnect (confidence 0.005: the uplink router.SF -
 * some_interconnect, both ways, scored 5 nats better in its place, but
 * was never tried there).  The exchange pass swaps it in: both links,
 * decided.
 */
static void
test_twofaults_exchange(void **state)
{
	const int	 lf[11] = { 0, 20, 14, 16, 18, 22, 28, 31, 40, 33, 36 };
	const int	 lr[10] = { 0, 0, 0, 0, 18, 21, 22, 21, 36, 37 };
	struct analysis	*a;
	int		 up, lh;

	(void)state;
	a = twofaults_run(lf, lr);
	assert_int_equal(chosen_links(a, &up, &lh), 2);
	assert_int_equal(up, 1);
	assert_int_equal(lh, 1);
	assert_false(a->inconclusive);
	assert_true(a->suspects[0].confidence >= 0.6 &&
	    a->suspects[1].confidence >= 0.6);
	analysis_free(a);
}

/*
 * The same lab, a pair (tp-ansim's draw) whose second fault the data
 * cannot place: the uplink is decided (0.94), but router core2.SF (its own
 * replies too) and the link core2.SF - Denver differ only at forward hop
 * 6 and reverse hop 5, which answered between the two.  Every chosen
 * suspect must reach 0.60, so the verdict is inconclusive, names the
 * decided fault and the undecided candidates, and the deciding hops (what
 * a follow-up round probes) cover the undecided suspect's.  (Before, the
 * router was a chosen suspect at 0.45 under a decided first one, and the
 * verdict named the uplink alone.  Since the prior against routers the
 * fit spreads the second fault over two elements below 0.60, the link
 * pb-nap -> SF-rt3 and router Denver, with the link core2.SF - Denver
 * among their candidates: "2 more faults the data cannot separate
 * among ...".)
 */
static void
test_twofaults_undecided(void **state)
{
	const int	 lf[11] = { 0, 23, 18, 24, 19, 22, 28, 31, 44, 32, 39 };
	const int	 lr[10] = { 0, 0, 0, 0, 10, 12, 24, 18, 30, 45 };
	struct analysis	*a;
	int		 up, lh, i, undec = 0;

	(void)state;
	a = twofaults_run(lf, lr);
	assert_true(a->inconclusive);
	chosen_links(a, &up, &lh);
	assert_int_equal(up, 1);
	assert_false(a->suspects[0].undecided);
	assert_true(a->suspects[0].confidence >= 0.6);
	for (i = 0; i < a->nsuspects; i++)
		if (a->suspects[i].undecided) {
			undec++;
			assert_true(a->suspects[i].confidence < 0.6);
		}
	assert_true(undec >= 2);
	assert_prefix(a->verdict, "Inconclusive: the link "
	    "router.sanfrancisco.mycompany.com - some_interconnect.geo.net (0.");
	assert_non_null(strstr(a->verdict, "faults the data cannot separate "
	    "among "));
	assert_non_null(strstr(a->verdict, "the link "
	    "core2.sanfrancisco.other-isp.net - core1.denver.other-isp.net ("));
	assert_non_null(strstr(a->verdict, "probes per hop would decide"));
	assert_true(a->probes_needed > 100);
	/* the hops that tell router core2.SF from the link to Denver */
	assert_true(a->decide_lo[0] > 0 && a->decide_lo[0] <= 6 &&
	    a->decide_hi[0] >= 6);
	assert_true(a->decide_lo[1] > 0 && a->decide_lo[1] <= 5 &&
	    a->decide_hi[1] >= 5);
	/* and the decided uplink's too (forward hops 2-11, reverse 9-10):
	   a follow-up over the undecided fault's hops alone let the refit
	   trade the decided fault away (docs/analysis.md 3c) */
	assert_int_equal(a->decide_lo[0], 2);
	assert_int_equal(a->decide_hi[0], 11);
	assert_int_equal(a->decide_hi[1], 10);
	analysis_free(a);
}

/*
 * sf-chicago-retloss at 10 probes per hop (a tp-ansim draw): the link
 * pb-nap -> SF-rt3 first at 0.51, but against the link core2 -> pb-nap
 * the score gap is the data's and small, and what a probe at the
 * deciding hops adds is tiny: more than 1000 probes per hop would be
 * needed.  The verdict says so; it used to say "the candidates are on the
 * same round trips", which they are not (reverse hop 6 tells them apart).
 */
static void
test_nodecide_words(void **state)
{
	struct trace	*f = load("tests/analysis/lab-retloss-forward.json");
	struct trace	*r = load("tests/analysis/lab-retloss-reverse.json");
	const int	 lf[11] = { 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1 };
	const int	 lr[10] = { 0, 0, 0, 0, 0, 0, 1, 1, 4, 4 };
	struct analysis	*a;

	(void)state;
	redraw_lost(f, lf, 11);
	redraw_lost(r, lr, 10);
	no_echo(f);
	no_echo(r);
	a = run(f, r, NULL);
	assert_true(a->inconclusive);
	assert_int_equal(a->probes_needed, 0);
	assert_false(a->same_round_trips);
	assert_non_null(strstr(a->verdict, "more probes per hop would not "
	    "decide (more than 1000 per hop would be needed)."));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * sf-chicago-retloss at 100 probes per hop (the lab pair's, each hop's
 * extra probes copies of its first; the losses set by hand): forward hops
 * 6-11 and reverse hops 8-10 lose 10 each, as the link pb-nap -> SF-rt3
 * predicts, and SF-rt3's own reverse hop 7 loses 14, between the link's
 * 10 and router pb-nap's 19 (its reply retraces through pb-nap): the two
 * candidates differ only there.  The deciding hops, what a follow-up
 * probes, are that hop and also every hop both candidates cross, whose
 * losses weigh the link's rate the others are judged against: forward
 * 6-11, reverse 7-10, not reverse hop 7 alone (the mutation
 * followup-deciding: it survived the first whole make mutate of
 * 2026-12-06, when no test's candidates were this few).
 */
static void
test_deciding_common_hops(void **state)
{
	struct trace	*f = load("tests/analysis/lab-retloss-forward.json");
	struct trace	*r = load("tests/analysis/lab-retloss-reverse.json");
	const int	 lf[11] = { 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10 };
	const int	 lr[10] = { 0, 0, 0, 0, 0, 0, 14, 10, 10, 10 };
	struct analysis	*a;

	(void)state;
	no_echo(f);
	no_echo(r);
	pad_probes(f, 100);
	pad_probes(r, 100);
	redraw_lost(f, lf, 11);
	redraw_lost(r, lr, 10);
	a = run(f, r, NULL);
	/* decided on the link, not firmly (0.71): a confirming round's hops */
	assert_false(a->inconclusive);
	assert_true(a->confirm);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_LINK);
	assert_string_equal(a->suspects[0].from.addr, "198.18.10.46");
	assert_string_equal(a->suspects[0].to.addr, "198.18.10.50");
	assert_int_equal(a->decide_lo[ANALYSIS_FORWARD], 6);
	assert_int_equal(a->decide_hi[ANALYSIS_FORWARD], 11);
	assert_int_equal(a->decide_lo[ANALYSIS_REVERSE], 7);
	assert_int_equal(a->decide_hi[ANALYSIS_REVERSE], 10);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * The prior against routers (docs/analysis.md 3a): sf-chicago-retloss
 * (10 % on pb-nap -> SF-rt3 alone), pasted mtr -6 of both offices (50
 * cycles, tests/analysis/lab-paste/).  Router pb-nap differs from that
 * link only at SF-rt3's own reverse hop (its replies cross pb-nap on the
 * way back too), which lost 8 of 50 where the link predicts 5 and the
 * router 9: the data favour the router by about one nat, less than its
 * prior odds (a third of a link's) take away.  Without the prior the
 * verdict named router pb-nap at 0.70 (wrong); with it the link is first,
 * the router next, undecided, and the probes that would decide count the
 * prior's part of the score gap once, not in proportion to the probes.
 */
static void
test_router_prior(void **state)
{
	struct trace	*f = load("tests/analysis/lab-paste/"
	    "sf-chicago-retloss-v6-mtr-forward.txt");
	struct trace	*r = load("tests/analysis/lab-paste/"
	    "sf-chicago-retloss-v6-mtr-reverse.txt");
	struct analysis	*a = run(f, r, NULL);
	const struct analysis_suspect *s = &a->suspects[0];

	(void)state;
	assert_true(a->nsuspects >= 2);
	assert_int_equal(s->kind, ANALYSIS_SUSPECT_LINK);
	assert_true(s->directed && !s->bothways && s->toward == 0);
	assert_string_equal(s->from.name, "pb-nap.geo.net");
	assert_string_equal(s->to.name, "sf-rt3-f0.geo.net");
	assert_int_equal(a->suspects[1].kind, ANALYSIS_SUSPECT_ROUTER);
	assert_true(a->suspects[1].confidence < s->confidence);
	assert_true(a->inconclusive);
	assert_prefix(a->verdict, "Inconclusive: the data cannot separate the "
	    "link pb-nap.geo.net -> sf-rt3-f0.geo.net (0.");
	/* the score gap, 0.07 nats, is the prior's alone (the data favour
	   the router by 1.03): read as growing with the probes it would ask
	   for about 2,100 per hop ("would not decide"); the data's part
	   gives no estimate, and what each probe at the deciding hops adds
	   were the link right answers */
	assert_true(a->probes_needed > 100 && a->probes_needed < 300);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Seed 003's topology with loss only on pb-nap -> SF-rt3, a link of the
 * Chicago -> SF path alone: the forward trace loses from core2.SF (hop 6)
 * on, because those hops' replies come home via pb-nap; the reverse trace
 * from SF-rt3 (hop 7) on.  The old analysis listed both onset links at
 * 0.50; the round trips name the one directed link, towards SF.
 */
static void
test_return_only_loss(void **state)
{
	struct trace	*f = load("tests/analysis/lab-sfchi-forward.json");
	struct trace	*r = load("tests/analysis/lab-sfchi-reverse.json");
	struct analysis	*a;
	const struct analysis_suspect *s;
	int		 i, found = 0;

	(void)state;
	redraw(f, 6, 11, 10);	/* 2 of 20 lost */
	redraw(r, 7, 10, 10);
	a = run(f, r, NULL);
	s = &a->suspects[0];
	assert_int_equal(s->kind, ANALYSIS_SUSPECT_LINK);
	assert_true(s->directed && !s->bothways && s->toward == 0);
	assert_string_equal(s->from.name, "pb-nap.geo.net");
	assert_string_equal(s->to.name, "sf-rt3-f0.geo.net");
	assert_true(s->seen_fwd && s->seen_rev);
	/* first; 20 probes per hop at 10 % cannot yet rule out router
	   pb-nap (only SF-rt3's own round trip tells them apart): the
	   answer says how many probes per hop would */
	assert_true(s->confidence > 0.45);
	assert_true(a->suspects[1].alternative);
	assert_true(!a->inconclusive || a->probes_needed > 20);
	assert_true(s->loss_lo < 10 && s->loss_hi > 10);
	assert_non_null(strstr(s->evidence[0], "replies cross it"));
	assert_non_null(strstr(s->evidence[1], "probes cross it"));
	assert_non_null(strstr(a->verdict, "the link pb-nap.geo.net -> "
	    "sf-rt3-f0.geo.net"));
	for (i = 0; i < a->nroundtrip; i++)
		if (a->roundtrip[i].dir == ANALYSIS_FORWARD &&
		    a->roundtrip[i].from_ttl == 6 && a->roundtrip[i].to_ttl == 11 &&
		    strstr(a->roundtrip[i].text, "come back via pb-nap.geo.net "
		    "and sf-rt3-f0.geo.net") != NULL)
			found = 1;
	assert_true(found);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Loss only on the forward-only link SF-core1-h1 -> MAE-West-h0: the
 * forward probes cross it from hop 4 on, and the replies of the reverse
 * trace's some_interconnect, router.SF and sf13 (hops 8-10, routers of
 * the forward path) go back to Chicago across it.
 */
static void
test_forward_only_loss(void **state)
{
	struct trace	*f = load("tests/analysis/lab-sfchi-forward.json");
	struct trace	*r = load("tests/analysis/lab-sfchi-reverse.json");
	struct analysis	*a;
	const struct analysis_suspect *s;

	(void)state;
	redraw(f, 4, 11, 10);
	redraw(r, 8, 10, 10);
	a = run(f, r, NULL);
	s = &a->suspects[0];
	assert_int_equal(s->kind, ANALYSIS_SUSPECT_LINK);
	assert_true(s->directed && !s->bothways && s->toward == 1);
	assert_string_equal(s->from.name, "sf-core1-h1.geo.net");
	assert_string_equal(s->to.name, "mae-west-h0.geo.net");
	assert_true(s->seen_fwd && s->seen_rev);
	assert_true(s->confidence > 0.4);	/* first; its routers close */
	assert_true(!a->inconclusive || a->probes_needed > 20);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Echo that went another way (echo.c).  A forward trace of 8 hops where
 * the link before hop 3 loses 4 of 30 probes: hop 3's echo and the
 * destination's lose them too, but the echo to hops 4-7 reaches their
 * addresses another way and loses none, while their probes lose 4 of 30
 * each.  echo_trace() gives every hop both figures from the two tables
 * of losses; the reverse trace (echo_rev) is clean.
 */
#define ECHO_HOPS	8
static struct trace *
echo_trace(const int *elost, const int *plost)
{
	struct hopdef	 d[ECHO_HOPS + 1];
	char		 addr[ECHO_HOPS][16];
	struct trace	*t;
	int		 i;

	memset(d, 0, sizeof(d));
	for (i = 0; i < ECHO_HOPS; i++) {
		snprintf(addr[i], sizeof(addr[i]), "198.18.0.%d", 4 * i + 2);
		d[i].addr = addr[i];
		d[i].sent = 30;
		d[i].recv = 30 - plost[i];
		d[i].rtt = 1 + i;
	}
	t = mk(d, addr[ECHO_HOPS - 1]);
	for (i = 0; i < ECHO_HOPS; i++) {
		t->hops[i].loss_by_echo = 1;
		t->hops[i].echo_sent = 30;
		t->hops[i].echo_received = 30 - elost[i];
	}
	return t;
}

static struct trace *
echo_rev(void)
{
	const struct hopdef d[] = {
		{ "198.18.0.29", NULL, 30, 30, 1, 0 },
		{ "198.18.0.1", NULL, 30, 30, 2, 0 },
		END
	};

	return mk(d, "198.18.0.1");
}

/* the TTLs of a's echo-detour artifacts, as "4,5,6" */
static void
detours(const struct analysis *a, char *buf, size_t len)
{
	int	 i;

	buf[0] = '\0';
	for (i = 0; i < a->nartifacts; i++)
		if (a->artifacts[i].kind == ANALYSIS_ART_ECHO_DETOUR)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%d",
			    buf[0] ? "," : "", a->artifacts[i].hop.ttl);
}

/*
 * One case: the forward trace from the two loss tables (hop `limited',
 * 1-based, with a learned limit; 0 none) against the clean reverse, and
 * the echo-detour TTLs it must give.
 */
struct echo_case {
	const char	*what;
	int		 el[ECHO_HOPS], pl[ECHO_HOPS];
	int		 limited;
	const char	*want;
};

static void
test_echo_detour(void **state)
{
	static const struct echo_case cases[] = {
		{ "the probes stand for hops 4-7",
		    { 0, 0, 4, 0, 0, 0, 0, 4 }, { 0, 0, 4, 4, 4, 4, 4, 4 }, 0,
		    "4,5,6,7" },
		{ "a learned limit whose kept probes lose as the path does: "
		    "they stand for hop 5 too (the thinned probes answer but "
		    "for the path)",
		    { 0, 0, 4, 0, 0, 0, 0, 4 }, { 0, 0, 4, 4, 4, 4, 4, 4 }, 5,
		    "4,5,6,7" },
		{ "probes losing far more than the destination are a limit "
		    "(learned or not): hop 6 keeps its echo",
		    { 0, 0, 4, 0, 0, 0, 0, 4 }, { 0, 0, 4, 4, 4, 15, 4, 4 }, 0,
		    "4,5,7" },
		{ "no echo lost before the stretch (no anchor): every echo "
		    "stands",
		    { 0, 0, 0, 0, 0, 0, 0, 4 }, { 0, 0, 4, 4, 4, 4, 4, 4 }, 0,
		    "" },
		{ "a destination that loses nothing: no loss passes, echo "
		    "stands",
		    { 0, 0, 4, 0, 0, 0, 0, 0 }, { 0, 0, 4, 4, 4, 4, 4, 0 }, 0,
		    "" },
		{ "a destination losing too little to tell from the echo (2 of "
		    "60 against 0 of 120), though the probes lose more than "
		    "the echo",
		    { 0, 0, 4, 0, 0, 0, 0, 1 }, { 0, 0, 4, 2, 2, 2, 2, 1 }, 0,
		    "" },
		{ "an echo losing half the path's loss or more went the "
		    "probes' way",
		    { 0, 0, 4, 3, 0, 0, 0, 4 }, { 0, 0, 4, 4, 4, 4, 4, 4 }, 0,
		    "5,6,7" },
		{ "one hop alone with 30 probes does not decide",
		    { 0, 0, 4, 4, 4, 4, 0, 4 }, { 0, 0, 4, 4, 4, 4, 4, 4 }, 0,
		    "" },
	};
	struct trace	*f, *r = echo_rev();
	struct analysis	*a;
	char		 got[64];
	size_t		 i;

	(void)state;
	assert_string_equal(analysis_artifact_kind_name(ANALYSIS_ART_ECHO_DETOUR),
	    "echo-detour");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = echo_trace(cases[i].el, cases[i].pl);
		if (cases[i].limited > 0)
			f->hops[cases[i].limited - 1].rl_rate = 1.5;
		a = run(f, r, NULL);
		detours(a, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: echo-detour at \"%s\", want \"%s\"",
			    cases[i].what, got, cases[i].want);
		if (i == 0) {	/* and the loss persists from hop 3 */
			assert_true(a->loss[0].persistent);
			assert_int_equal(a->loss[0].onset.ttl, 3);
		}
		analysis_free(a);
		trace_free(f);
	}
	trace_free(r);
}

/* Nothing broken, silent and rate-limiting routers: nobody is blamed. */
static void
test_nothing_broken(void **state)
{
	struct trace	*f = load("tests/analysis/lab-sfchi-forward.json");
	struct trace	*r = load("tests/analysis/lab-sfchi-reverse.json");
	struct analysis	*a;
	int		 j;

	(void)state;
	redraw(f, 0, 0, 10);
	redraw(r, 0, 0, 10);
	for (j = 0; j < 20; j++) {
		f->hops[2].probes[j].replied = 0;	/* hop 3 silent */
		f->hops[4].probes[j].replied = j % 2;	/* hop 5 limits: half */
		r->hops[5].probes[j].replied = j % 4 != 0;	/* pb-nap: 3/4 */
	}
	f->hops[7].rl_rate = 2;	/* hop 8: a learned limit, and lossy */
	for (j = 0; j < 10; j++)
		f->hops[7].probes[j].replied = 0;
	a = run(f, r, NULL);
	assert_int_equal(a->nsuspects, 0);
	assert_false(a->loss[0].persistent || a->loss[1].persistent);
	assert_prefix(a->verdict, "No fault found");
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * A silent stretch before the first loss (hops 1-4 all '*'): the onset
 * could be anywhere in it, so its interval spans the stretch and its
 * confidence is low, never 1.00 right after silence.
 */
static void
test_silent_stretch(void **state)
{
	const struct hopdef d[] = {
		{ NULL, NULL, 30, 0, 0, 0 }, { NULL, NULL, 30, 0, 0, 0 },
		{ NULL, NULL, 30, 0, 0, 0 }, { NULL, NULL, 30, 0, 0, 0 },
		{ "198.18.3.5", NULL, 30, 24, 5, 0 },
		{ "198.18.3.6", NULL, 30, 23, 6, 0 },
		{ "198.18.3.7", NULL, 30, 24, 7, 0 }, END
	};
	const struct hopdef e[] = { END };
	struct trace	*f = mk(d, "198.18.3.7"), *r = mk(e, "198.18.3.1");
	struct analysis	*a = run(f, r, NULL);

	(void)state;
	assert_true(a->loss[0].persistent);
	assert_int_equal(a->loss[0].onset.ttl, 5);
	assert_true(a->loss[0].earliest_ttl <= 1);
	assert_true(a->loss[0].confidence < 0.3);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * A stray lost probe at hop 1 (1 of 30) and real loss from hop 5: the
 * change point is hop 5, and hop 1 is not a suspect.
 */
static void
test_stray_loss(void **state)
{
	const struct hopdef d[] = {
		{ "198.18.4.1", NULL, 30, 29, 1, 0 },
		{ "198.18.4.2", NULL, 30, 30, 2, 0 },
		{ "198.18.4.3", NULL, 30, 30, 3, 0 },
		{ "198.18.4.4", NULL, 30, 30, 4, 0 },
		{ "198.18.4.5", NULL, 30, 24, 5, 0 },
		{ "198.18.4.6", NULL, 30, 25, 6, 0 },
		{ "198.18.4.7", NULL, 30, 23, 7, 0 }, END
	};
	const struct hopdef e[] = { END };
	struct trace	*f = mk(d, "198.18.4.7"), *r = mk(e, "198.18.4.0");
	struct analysis	*a = run(f, r, NULL);
	int		 i;

	(void)state;
	assert_int_equal(a->loss[0].onset.ttl, 5);
	assert_true(a->loss[0].confidence > 0.5);
	for (i = 0; i < a->nsuspects; i++)
		assert_true(a->suspects[i].a.ttl != 1 || a->suspects[i].b.ttl != 0);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* Edge tables: all lost, one hop, zero probes: no crash, no loss blamed. */
static void
test_estimator_edges(void **state)
{
	const struct hopdef lost[] = {
		{ NULL, NULL, 5, 0, 0, 0 }, { NULL, NULL, 5, 0, 0, 0 }, END
	};
	const struct hopdef one[] = { { "198.18.5.9", NULL, 10, 6, 1, 0 }, END };
	const struct hopdef e[] = { END };
	struct trace	*f = mk(lost, "198.18.5.9"), *o = mk(one, "198.18.5.9");
	struct trace	*r = mk(e, "198.18.5.1"), *z = trace_new();
	struct analysis	*a;
	struct est_table t;
	struct est_fit	 fit;
	int		 i;

	(void)state;
	a = run(f, r, NULL);
	for (i = 0; i < a->nsuspects; i++)
		assert_true(a->suspects[i].kind == ANALYSIS_SUSPECT_FILTER ||
		    a->suspects[i].kind == ANALYSIS_SUSPECT_DESTINATION);
	analysis_free(a);
	a = run(o, r, NULL);	/* loss at the only hop: its own, not a link */
	assert_false(a->loss[0].persistent);
	assert_int_equal(a->nartifacts, 1);
	analysis_free(a);
	assert_non_null(trace_add_hop(z, 1, 0));	/* a hop with no probes */
	a = run(z, r, NULL);
	analysis_free(a);
	/* the estimator on an empty table and on zero-probe observations */
	memset(&t, 0, sizeof(t));
	assert_int_equal(est_run(&t, 3, &fit), 0);
	assert_int_equal(fit.k, 0);
	est_fit_free(&fit);
	{
		struct est_obs ob[2] = { { 0, 0, 0, 0, 1 }, { 0, 0, 0, 1, 1 } };
		int	 el[2] = { 0, 1 };
		unsigned char m[2] = { 1, 1 };

		t.nobs = 2;
		t.obs = ob;
		t.elem = el;
		t.mult = m;
		t.nelem = 2;
		assert_int_equal(est_run(&t, 3, &fit), 0);
		assert_int_equal(fit.k, 0);
		est_fit_free(&fit);
	}
	trace_free(f);
	trace_free(o);
	trace_free(r);
	trace_free(z);
}

/* Two faults on hand-made tables: two elements, each on its own hops. */
static void
test_estimator_two_faults(void **state)
{
	/* five observations on a chain of elements 0..4: obs i crosses 0..i */
	struct est_obs	 ob[5];
	int		 el[15];
	unsigned char	 m[15];
	struct est_table t;
	struct est_fit	 fit;
	int		 i, j, k = 0, hit1 = 0, hit3 = 0;
	const int	 recv[5] = { 100, 80, 80, 48, 48 };	/* 20 % at 1, 40 % more at 3 */

	(void)state;
	for (i = 0; i < 5; i++) {
		ob[i].sent = 100;
		ob[i].recv = recv[i];
		ob[i].skip = 0;
		ob[i].off = k;
		ob[i].n = i + 1;
		for (j = 0; j <= i; j++) {
			el[k] = j;
			m[k++] = 1;
		}
	}
	memset(&t, 0, sizeof(t));
	t.nobs = 5;
	t.obs = ob;
	t.elem = el;
	t.mult = m;
	t.nelem = 5;
	assert_int_equal(est_run(&t, 3, &fit), 0);
	assert_int_equal(fit.k, 2);
	for (i = 0; i < fit.k; i++) {
		if (fit.e[i] == 1) {
			hit1 = 1;
			assert_true(fabs(fit.p[i] - 0.2) < 0.02);
		}
		if (fit.e[i] == 3) {
			hit3 = 1;
			assert_true(fabs(fit.p[i] - 0.4) < 0.02);
		}
		assert_true(fit.conf[i] > 0.9);
		assert_true(fit.lo[i] < fit.p[i] && fit.p[i] < fit.hi[i]);
	}
	assert_true(hit1 && hit3);
	est_fit_free(&fit);
}

/* Empty traces and a trace against itself do not break the analysis. */
static void
test_edges(void **state)
{
	struct trace	*e1 = trace_new(), *e2 = trace_new();
	struct trace	*f = fwd_sym(3, 3, 3, 0);
	struct analysis	*a;
	char		 err[64];

	(void)state;
	a = run(e1, e2, NULL);
	assert_int_equal(a->nshared, 0);
	assert_true(a->stop[0].stopped && a->stop[1].stopped);
	assert_int_equal(a->nsuspects, 2);
	assert_int_equal(a->suspects[0].kind, ANALYSIS_SUSPECT_FILTER);
	assert_non_null(strstr(a->verdict, "at its first hop"));
	analysis_free(a);
	a = run(f, f, NULL);
	assert_int_equal(a->nsuspects, 0);
	analysis_free(a);
	assert_null(analysis_run(NULL, f, NULL, err, sizeof(err)));
	trace_free(e1);
	trace_free(e2);
	trace_free(f);
}

/* ---- delay over directed links ---------------------------------------- */

/* Add ms to the RTT of every probe of hops lo..hi (ttl) of t. */
static void
add_delay(struct trace *t, int lo, int hi, double ms)
{
	int	 i, j;

	for (i = 0; i < t->nhops; i++)
		for (j = 0; j < t->hops[i].nprobes; j++)
			if (t->hops[i].ttl >= lo && t->hops[i].ttl <= hi &&
			    t->hops[i].probes[j].replied)
				t->hops[i].probes[j].rtt_ms += ms;
}

/* The latency suspects of a, and the first one in *first (NULL: none). */
static int
latency_suspects(const struct analysis *a, const struct analysis_suspect **first)
{
	int	 i, n = 0;

	*first = NULL;
	for (i = 0; i < a->nsuspects; i++)
		if (a->suspects[i].kind == ANALYSIS_SUSPECT_LATENCY) {
			if (n++ == 0)
				*first = &a->suspects[i];
		}
	return n;
}

/*
 * Seed 003's topology (the lab's traces, every probe answered) with 30 ms
 * of queueing on pb-nap -> SF-rt3 alone: the forward RTTs step up at
 * core2.SF (hop 6: its replies come home via pb-nap), the reverse at
 * SF-rt3 (hop 7).  One directed link explains both: a latency suspect,
 * towards SF, of about 30 ms (the lab's minimum RTTs carry its own 2 ms
 * and a little noise); the Denver links stay distance.
 */
static void
test_delay_return_only(void **state)
{
	struct trace	*f = load("tests/analysis/lab-sfchi-forward.json");
	struct trace	*r = load("tests/analysis/lab-sfchi-reverse.json");
	struct analysis	*a;
	const struct analysis_suspect *s;
	char		*txt, *js;
	json_t		*o, *x;
	int		 i, denver = 0;

	(void)state;
	redraw(f, 0, 0, 10);
	redraw(r, 0, 0, 10);
	add_delay(f, 6, 11, 30);
	add_delay(r, 7, 10, 30);
	a = run(f, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 1);
	assert_true(s == &a->suspects[0]);
	assert_true(s->directed && !s->bothways && s->toward == 0);
	assert_string_equal(s->from.name, "pb-nap.geo.net");
	assert_string_equal(s->to.name, "sf-rt3-f0.geo.net");
	assert_true(s->delay_ms > 26 && s->delay_ms < 38);
	assert_true(s->seen_fwd && s->seen_rev);
	assert_true(s->confidence > 0.6);
	assert_non_null(strstr(s->evidence[0], "hops 6-11, their replies cross it"));
	assert_non_null(strstr(s->evidence[1], "hops 7-10, their probes cross it"));
	assert_prefix(a->verdict, "Delay on the link pb-nap.geo.net -> "
	    "sf-rt3-f0.geo.net, on traffic towards ");
	for (i = 0; i < a->ndistance; i++)
		if (strcmp(a->distance[i].a.name, "core2.sanfrancisco.other-isp.net") == 0 &&
		    strcmp(a->distance[i].b.name, "core1.denver.other-isp.net") == 0 &&
		    fabs(a->distance[i].rtt_ms - 40) < 3)
			denver = 1;
	assert_true(denver);
	/* the reverse step (Denver) is distance; a step the suspect makes
	   says so */
	assert_true(a->step[1].found);
	assert_non_null(strstr(a->step[1].cause, "distance: the link "
	    "core1.denver.other-isp.net - border3.chicaco.other-isp.net"));
	txt = report_text_str(f, r, a, NULL);
	assert_non_null(txt);
	assert_non_null(strstr(txt, "Delay one way: the link pb-nap.geo.net -> "
	    "sf-rt3-f0.geo.net adds "));
	assert_non_null(strstr(txt, " ms: the forward RTTs step up from hop 6, "
	    "the reverse from hop 7 (suspect 1, confidence 0."));
	assert_non_null(strstr(txt, "Distance (round trip over one link, seen "
	    "both ways; not a fault): "));
	free(txt);
	js = report_json(f, r, a, 0);
	assert_non_null(js);
	o = json_loads(js, 0, NULL);
	assert_non_null(o);
	x = json_array_get(json_object_get(json_object_get(o, "analysis"),
	    "suspects"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "kind")), "latency");
	assert_string_equal(json_string_value(json_object_get(json_object_get(x,
	    "from"), "name")), "pb-nap.geo.net");
	assert_string_equal(json_string_value(json_object_get(x, "toward")), "a");
	assert_true(json_real_value(json_object_get(x, "delay_ms")) > 26);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(x,
	    "step_ttl"), "forward")), 6);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(x,
	    "step_ttl"), "reverse")), 7);
	assert_true(json_array_size(json_object_get(json_object_get(o,
	    "analysis"), "distance")) >= 2);
	json_decref(o);
	free(js);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * A - R1 - R2 - R3 - B (fwd_sym's /30 links), every hop answered: base
 * RTTs of 2 ms per link round trip, plus extra one-way delay fx on R2 ->
 * R3 and rx on R3 -> R2.  Forward hop k crosses R2 -> R3 with its probe
 * and R3 -> R2 with its reply from R3 on; the reverse trace the other way
 * round: the link is shared and every round trip crossing it crosses it
 * both ways.
 */
static void
delay_pair(double fx, double rx, int sent, struct trace **f, struct trace **r)
{
	const struct hopdef fd[] = {
		{ "198.18.0.2", NULL, sent, sent, 2, 64 },
		{ "198.18.0.6", NULL, sent, sent, 4, 63 },
		{ "198.18.0.10", NULL, sent, sent, 6 + fx + rx, 62 },
		{ "198.18.0.14", NULL, sent, sent, 8 + fx + rx, 61 },
		END
	};
	const struct hopdef rd[] = {
		{ "198.18.0.13", NULL, sent, sent, 2, 64 },
		{ "198.18.0.9", NULL, sent, sent, 4 + fx + rx, 63 },
		{ "198.18.0.5", NULL, sent, sent, 6 + fx + rx, 62 },
		{ "198.18.0.1", NULL, sent, sent, 8 + fx + rx, 61 },
		END
	};

	*f = mk(fd, "198.18.0.14");
	*r = mk(rd, "198.18.0.1");
}

/* 15 ms each way on the shared link R2 - R3: distance, not blamed. */
static void
test_delay_distance(void **state)
{
	struct trace	*f, *r;
	struct analysis	*a;
	const struct analysis_suspect *s;

	(void)state;
	delay_pair(15, 15, 10, &f, &r);
	a = run(f, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	assert_int_equal(a->nsuspects, 0);
	assert_prefix(a->verdict, "No fault found");
	assert_int_equal(a->ndistance, 1);
	assert_string_equal(a->distance[0].a.addr, "198.18.0.6");
	assert_string_equal(a->distance[0].b.addr, "198.18.0.10");
	assert_true(fabs(a->distance[0].rtt_ms - 32) < 0.5);
	assert_true(a->step[0].found && a->step[0].at.ttl == 3);
	assert_non_null(strstr(a->step[0].cause, "distance: the link "
	    "198.18.0.6 - 198.18.0.10, 32 ms round trip"));
	assert_true(a->step[1].found && a->step[1].at.ttl == 2);
	assert_non_null(strstr(a->step[1].cause, "distance"));
	analysis_free(a);
	trace_free(f);
	trace_free(r);
	/* one way only on a shared link: still one round trip's worth, the
	   directions cannot be told apart (every round trip crosses both) */
	delay_pair(30, 0, 10, &f, &r);
	a = run(f, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	assert_int_equal(a->ndistance, 1);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* No delay step: no latency suspect, no distance, no cause. */
static void
test_delay_none(void **state)
{
	struct trace	*f, *r;
	struct analysis	*a;
	const struct analysis_suspect *s;

	(void)state;
	delay_pair(0, 0, 10, &f, &r);
	a = run(f, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	assert_int_equal(a->ndistance, 0);
	assert_false(a->step[0].found || a->step[1].found);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
	/* the lab's clean traces: the Denver links are distance */
	f = load("tests/analysis/lab-sfchi-forward.json");
	r = load("tests/analysis/lab-sfchi-reverse.json");
	redraw(f, 0, 0, 10);
	redraw(r, 0, 0, 10);
	a = run(f, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	assert_int_equal(a->nsuspects, 0);
	assert_true(a->ndistance >= 2);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/*
 * Edge cases: one hop, all lost, zero probes, one direction alone (its
 * steps cannot be told from distance: each link's two ways are on the
 * same round trips), a slow router answering late at one hop (its own).
 */
static void
test_delay_edges(void **state)
{
	const struct hopdef one[] = { { "198.18.5.9", NULL, 10, 10, 40, 0 }, END };
	const struct hopdef lost[] = {
		{ NULL, NULL, 5, 0, 0, 0 }, { NULL, NULL, 5, 0, 0, 0 }, END
	};
	const struct hopdef step[] = {
		{ "198.18.6.1", NULL, 10, 10, 1, 0 },
		{ "198.18.6.2", NULL, 10, 10, 2, 0 },
		{ "198.18.6.3", NULL, 10, 10, 42, 0 },
		{ "198.18.6.4", NULL, 10, 10, 43, 0 }, END
	};
	const struct hopdef e[] = { END };
	struct trace	*o = mk(one, "198.18.5.9"), *l = mk(lost, "198.18.5.9");
	struct trace	*st = mk(step, "198.18.6.4"), *r = mk(e, "198.18.5.1");
	struct trace	*z = trace_new(), *f, *rv;
	struct analysis	*a;
	const struct analysis_suspect *s;
	struct est_lasso L;
	double		 x[2] = { 0, 0 }, res[2], y[2] = { 1, 3 }, w[2] = { 1, 1 };
	double		 pen[2] = { 1e-6, 1e-6 }, ub[2] = { HUGE_VAL, HUGE_VAL };
	double		 cc[3] = { 1, 1, 1 };
	int		 coff[3] = { 0, 2, 3 }, cobs[3] = { 0, 1, 1 }, j;

	(void)state;
	a = run(o, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	analysis_free(a);
	a = run(l, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	assert_int_equal(a->ndistance, 0);
	analysis_free(a);
	assert_non_null(trace_add_hop(z, 1, 0));
	a = run(z, z, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	analysis_free(a);
	a = run(st, r, NULL);	/* one direction: distance, not blamed */
	assert_int_equal(latency_suspects(a, &s), 0);
	assert_int_equal(a->ndistance, 1);
	assert_true(fabs(a->distance[0].rtt_ms - 40) < 2);
	analysis_free(a);
	/* a router answering 25 ms late at one hop: its own, not a link */
	delay_pair(0, 0, 10, &f, &rv);
	for (j = 0; j < 10; j++)
		f->hops[1].probes[j].rtt_ms += 25;
	a = run(f, rv, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	analysis_free(a);
	trace_free(f);
	trace_free(rv);
	/* the solver alone: y = (1, 3), column 0 on both, column 1 on the
	   second: x = (1, 2); column 1 off: x0 the mean */
	memset(&L, 0, sizeof(L));
	L.nobs = 2;
	L.y = y;
	L.w = w;
	L.ncol = 2;
	L.coff = coff;
	L.cobs = cobs;
	L.ccoef = cc;
	L.pen = pen;
	L.ub = ub;
	est_lasso_fit(&L, x, res);
	assert_true(fabs(x[0] - 1) < 1e-3 && fabs(x[1] - 2) < 1e-3);
	ub[1] = 0;
	est_lasso_fit(&L, x, res);
	assert_true(fabs(x[0] - 2) < 1e-3 && x[1] == 0);
	L.nobs = 0;	/* no observations (columns with no entries): */
	coff[1] = coff[2] = 0;	/* nothing moves */
	ub[1] = HUGE_VAL;
	x[0] = x[1] = 0;
	est_lasso_fit(&L, x, res);
	assert_true(x[0] == 0 && x[1] == 0);
	trace_free(o);
	trace_free(l);
	trace_free(st);
	trace_free(r);
	trace_free(z);
}

/*
 * Jitter on pb-nap -> SF-rt3 alone (every other probe of the hops whose
 * round trips cross it 30 ms late: avg - min 15 ms): listed as that
 * directed link's jitter, no latency suspect (the minimum RTTs do not
 * move); with 30 ms of standing queue as well, the latency suspect
 * carries the jitter.
 */
/* The text never says "confidence 0.90" beside "not yet firm (below
   0.90)": a confidence that rounds up to ANALYSIS_FIRM from below is
   shown as 0.89 (a pasted retloss pair printed both, 0.897). */
static void
test_conf_shown(void **state)
{
	static const struct {
		double		 c;
		const char	*shown;
	} cases[] = {
		{ 0.897, "0.89" }, { 0.895, "0.89" }, { 0.8949, "0.89" },
		{ 0.90, "0.90" }, { 0.904, "0.90" }, { 0.62, "0.62" },
		{ 0.0, "0.00" }, { 1.0, "1.00" },
	};
	char	 buf[16];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%.2f",
		    analysis_conf_shown(cases[i].c));
		assert_string_equal(buf, cases[i].shown);
	}
}

static void
test_delay_jitter(void **state)
{
	struct trace	*f = load("tests/analysis/lab-sfchi-forward.json");
	struct trace	*r = load("tests/analysis/lab-sfchi-reverse.json");
	struct analysis	*a;
	const struct analysis_suspect *s;
	char		*txt;
	int		 i, j, k;

	(void)state;
	redraw(f, 0, 0, 10);
	redraw(r, 0, 0, 10);
	for (k = 0; k < 2; k++) {
		struct trace *t = k ? r : f;

		for (i = 0; i < t->nhops; i++)
			for (j = 0; j < t->hops[i].nprobes; j++)
				if (t->hops[i].ttl >= (k ? 7 : 6) && j % 2)
					t->hops[i].probes[j].rtt_ms += 30;
	}
	a = run(f, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 0);
	assert_int_equal(a->njitter, 1);
	assert_string_equal(a->jitter[0].from.name, "pb-nap.geo.net");
	assert_string_equal(a->jitter[0].to.name, "sf-rt3-f0.geo.net");
	assert_true(a->jitter[0].toward == 0 && !a->jitter[0].bothways);
	assert_true(fabs(a->jitter[0].jitter_ms - 15) < 2);
	txt = report_text_str(f, r, a, NULL);
	assert_non_null(strstr(txt, "Jitter (avg - min RTT a link adds): "
	    "pb-nap.geo.net -> sf-rt3-f0.geo.net 15 ms"));
	free(txt);
	analysis_free(a);
	add_delay(f, 6, 11, 30);
	add_delay(r, 7, 10, 30);
	a = run(f, r, NULL);
	assert_int_equal(latency_suspects(a, &s), 1);
	assert_string_equal(s->from.name, "pb-nap.geo.net");
	assert_true(fabs(s->jitter_ms - 15) < 2);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* What report_json_write() wrote to a memory stream, without its newline. */
static char *
written(const struct trace *f, const struct trace *r, const struct analysis *a,
    int pretty)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	assert_non_null(fp = open_memstream(&buf, &len));
	if (r != NULL)
		assert_int_equal(report_json_write(fp, f, r, a, pretty), 0);
	else
		assert_int_equal(report_one_json_write(fp, f, a, pretty), 0);
	fclose(fp);
	assert_true(len > 0 && buf[len - 1] == '\n');
	buf[len - 1] = '\0';
	return buf;
}

/*
 * `analyze --json` writes the document one hop at a time (the whole tree
 * of two 255 x 1,000-probe traces took 1 GB): byte for byte what the
 * tree dumps, pretty and compact, a pair and one direction, with no hops
 * and with a destination name that reads like the hops' mark.
 */
static void
test_json_write_same_bytes(void **state)
{
	struct trace	*f = fwd_sym(10, 7, 7, 0), *r = rev_sym(10, 10, 10, 10);
	struct trace	*none = trace_new();
	struct analysis	*a, *a1, *a0;
	char		*want, *got;
	int		 pretty;

	(void)state;
	free(f->dst_name);
	f->dst_name = strdup("\"hops\": \"@tracepair-hops-of-trace-0@\"\n]");
	a = run(f, r, NULL);
	a1 = run(f, none, NULL);
	a0 = run(none, none, NULL);
	for (pretty = 0; pretty <= 1; pretty++) {
		want = report_json(f, r, a, pretty);
		got = written(f, r, a, pretty);
		assert_string_equal(got, want);
		free(want);
		free(got);
		want = report_one_json(f, a1, pretty);
		got = written(f, NULL, a1, pretty);
		assert_string_equal(got, want);
		free(want);
		free(got);
		want = report_json(none, none, a0, pretty);
		got = written(none, none, a0, pretty);
		assert_string_equal(got, want);
		free(want);
		free(got);
	}
	analysis_free(a);
	analysis_free(a1);
	analysis_free(a0);
	trace_free(f);
	trace_free(r);
	trace_free(none);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_align_subnet_symmetric),
		cmocka_unit_test(test_align_address_alias_name),
		cmocka_unit_test(test_divergence),
		cmocka_unit_test(test_loss_link_both_directions),
		cmocka_unit_test(test_router_after),
		cmocka_unit_test(test_router_at),
		cmocka_unit_test(test_router_twice_words),
		cmocka_unit_test(test_asn_link),
		cmocka_unit_test(test_asn_router),
		cmocka_unit_test(test_router_near_miss),
		cmocka_unit_test(test_router_uncertain),
		cmocka_unit_test(test_loss_one_direction),
		cmocka_unit_test(test_ratelimit_artifact),
		cmocka_unit_test(test_destination_ratelimit),
		cmocka_unit_test(test_silent_router),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_json_write_same_bytes),
		cmocka_unit_test(test_latency_step_fraction),
		cmocka_unit_test(test_reply_ttl),
		cmocka_unit_test(test_filtered),
		cmocka_unit_test(test_seed003),
		cmocka_unit_test(test_advice_paced_when_limited),
		cmocka_unit_test(test_second_fault_named_and_confirmed),
		cmocka_unit_test(test_loss_undecided_after_delay),
		cmocka_unit_test(test_silent_hop_filled),
		cmocka_unit_test(test_persistent_loss_unexplained),
		cmocka_unit_test(test_two_fault_count),
		cmocka_unit_test(test_need_above_q),
		cmocka_unit_test(test_confirm_floor),
		cmocka_unit_test(test_advice_one_traceroute_run),
		cmocka_unit_test(test_lab_sfchi),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_return_only_loss),
		cmocka_unit_test(test_forward_only_loss),
		cmocka_unit_test(test_nothing_broken),
		cmocka_unit_test(test_echo_detour),
		cmocka_unit_test(test_silent_stretch),
		cmocka_unit_test(test_stray_loss),
		cmocka_unit_test(test_estimator_edges),
		cmocka_unit_test(test_estimator_two_faults),
		cmocka_unit_test(test_twin_alternative),
		cmocka_unit_test(test_twofaults_exchange),
		cmocka_unit_test(test_twofaults_undecided),
		cmocka_unit_test(test_router_prior),
		cmocka_unit_test(test_nodecide_words),
		cmocka_unit_test(test_deciding_common_hops),
		cmocka_unit_test(test_delay_return_only),
		cmocka_unit_test(test_delay_distance),
		cmocka_unit_test(test_delay_none),
		cmocka_unit_test(test_delay_edges),
		cmocka_unit_test(test_delay_jitter),
		cmocka_unit_test(test_conf_shown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
