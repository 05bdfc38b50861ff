/* test_followup.c: the follow-up round of an inconclusive pair: its deciding hops and probe count, the merge of two rounds, its record. */
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
#include "followup.h"
#include "paste.h"
#include "report.h"
#include "trace.h"

static struct trace *
load(const char *path)
{
	FILE	*f;
	char	 err[256], *buf;
	long	 n;
	struct trace *t;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("%s: cannot open", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	if ((t = paste_parse(buf, (size_t)n, PASTE_AUTO, err, sizeof(err))) ==
	    NULL)
		fail_msg("%s: %s", path, err);
	free(buf);
	return t;
}

/*
 * Every probe of hops lo..hi of t answered by the hop's main responder,
 * except every every-th one (the first, the every+1-th, ...), which is
 * lost: a deterministic stand-in for loss on a link these hops' round
 * trips cross.  Other hops answer every probe.
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
 * A second round of t over hops lo..hi: q probes per hop, answered by the
 * first round's main responder, every every-th one lost from hop lossy
 * on (0: none lost).
 */
static struct trace *
round2(const struct trace *t, int lo, int hi, int q, int lossy, int every)
{
	struct trace	*s = trace_new();
	int		 i, j;

	assert_non_null(s);
	for (i = 0; i < t->nhops; i++) {
		const struct trace_hop *h = &t->hops[i];
		const struct trace_probe *m = trace_hop_main_probe(h);
		struct trace_hop *x;

		if (h->ttl < lo || h->ttl > hi)
			continue;
		assert_non_null(m);
		x = trace_add_hop(s, h->ttl, q);
		assert_non_null(x);
		for (j = 0; j < q; j++) {
			struct trace_probe *p = &x->probes[j];

			assert_int_equal(trace_probe_set_addr(x, p, m->addr), 0);
			assert_int_equal(trace_probe_set_name(x, p, m->name), 0);
			p->rtt_ms = m->rtt_ms;
			p->reply_ttl = m->reply_ttl;
			p->replied = !(lossy > 0 && h->ttl >= lossy &&
			    j % every == 0);
		}
	}
	return s;
}

static struct analysis *
run(const struct trace *f, const struct trace *r)
{
	char		 err[256];
	struct analysis	*a = analysis_run(f, r, NULL, err, sizeof(err));

	assert_non_null(a);
	if (getenv("TP_TEST_DEBUG") != NULL) {
		char	*txt = report_text_str(f, r, a, NULL);

		fprintf(stderr, "%s\n", txt ? txt : "(no report)");
		free(txt);
	}
	return a;
}

/*
 * The seed lab with 10 % loss only on pb-nap -> SF-rt3 (a link of the
 * Chicago -> SF path), 10 probes per hop: forward hops 6-11 lose (their
 * replies come home through it), reverse hops 7-10 (their probes cross
 * it).  Router pb-nap (what it forwards) explains the same but for
 * SF-rt3's own round trip, whose reply retraces through pb-nap, and the
 * link core2 -> pb-nap the same but for pb-nap's own: the first round is
 * inconclusive.
 */
static void
retloss(struct trace **f, struct trace **r, int q)
{
	int	 i;

	*f = load("tests/analysis/lab-sfchi-forward.json");
	*r = load("tests/analysis/lab-sfchi-reverse.json");
	for (i = 0; i < (*f)->nhops + (*r)->nhops; i++) {
		struct trace_hop *h = i < (*f)->nhops ? &(*f)->hops[i] :
		    &(*r)->hops[i - (*f)->nhops];

		/* the first q probes of the lab's 20 */
		assert_true(h->nprobes >= q);
		trace_hop_truncate(h, q);
	}
	redraw(*f, 6, 11, 10);
	redraw(*r, 7, 10, 10);
}

static void
test_deciding_hops(void **state)
{
	struct trace	*f, *r;
	struct analysis	*a;

	(void)state;
	retloss(&f, &r, 10);
	a = run(f, r);
	assert_true(a->inconclusive);
	assert_true(a->probes_needed > 10);
	assert_non_null(strstr(a->verdict, "Inconclusive"));
	/* the candidates with 1 % of the weight or more: router pb-nap (what
	   it forwards, all it sends), the links core2 -> pb-nap, SF-rt3 ->
	   some_interconnect, mae-west -> core2 and router core2, and since
	   the prior against routers (docs/analysis.md 3a) weighs them less,
	   the link MAE-West-h0 -> mae-west (1.3 %), which forward hop 5's
	   probes already cross; the round trips that cross them unequally are forward
	   hops 5-11 and reverse hops 5-10, and those that cross the link,
	   whose loss the others are weighed against, forward hops 6-11 and
	   reverse hops 7-10 */
	assert_int_equal(a->decide_lo[ANALYSIS_FORWARD], 5);
	assert_int_equal(a->decide_hi[ANALYSIS_FORWARD], 11);
	assert_int_equal(a->decide_lo[ANALYSIS_REVERSE], 5);
	assert_int_equal(a->decide_hi[ANALYSIS_REVERSE], 10);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

static void
test_plan(void **state)
{
	struct trace	*f, *r;
	struct analysis	*a, b;
	struct followup_plan p;
	char		 why[FOLLOWUP_WHY_LEN];

	(void)state;
	retloss(&f, &r, 10);
	a = run(f, r);
	/* 52 s left, rounds 0.5 s apart, 5 s for the last replies: the cap
	   is (52 - 5 - 1) / 0.5 = 92 probes per hop */
	assert_int_equal(followup_plan(a, 10, 52, 0.5, 5, &p, why,
	    sizeof(why)), 1);
	assert_int_equal(p.cap, 92);
	/* six times the 258 asked for is more than fits (134 until the
	   count was planned at the low end of the loss's interval) */
	assert_int_equal(a->probes_needed, 258);
	assert_int_equal(p.queries, 92);
	assert_int_equal(p.ttl_lo[1], 5);
	assert_int_equal(p.ttl_hi[1], 10);
	assert_int_equal(p.ttl_lo[0], 5);
	assert_int_equal(p.ttl_hi[0], 11);
	/* 20 s left: (20 - 5 - 1) / 0.5 = 28 */
	assert_int_equal(followup_plan(a, 10, 20, 0.5, 5, &p, why,
	    sizeof(why)), 1);
	assert_int_equal(p.cap, 28);
	assert_int_equal(p.queries, 28);
	/* 10 s left: 8 probes would fit, fewer than a loss measurement's 10 */
	assert_int_equal(followup_plan(a, 10, 10, 0.5, 5, &p, why,
	    sizeof(why)), 0);
	assert_non_null(strstr(why, "the budget is spent"));
	/* a merged hop holds at most TRACE_MAX_QUERIES probes */
	assert_int_equal(followup_plan(a, 990, 3600, 0.5, 5, &p, why,
	    sizeof(why)), 1);
	assert_int_equal(p.cap, 10);
	/* more probes would not decide; the first round decided */
	b = *a;
	b.probes_needed = 0;
	assert_int_equal(followup_plan(&b, 10, 52, 0.5, 5, &p, why,
	    sizeof(why)), 0);
	assert_non_null(strstr(why, "more than 1000 per hop"));
	b = *a;
	b.decide_lo[0] = b.decide_lo[1] = 0;
	assert_int_equal(followup_plan(&b, 10, 52, 0.5, 5, &p, why,
	    sizeof(why)), 0);
	assert_non_null(strstr(why, "tells the candidates apart"));
	b = *a;
	b.inconclusive = 0;
	assert_int_equal(followup_plan(&b, 10, 52, 0.5, 5, &p, why,
	    sizeof(why)), 0);
	/* six times the ask, and a small one raised to a loss
	   measurement's 10 */
	b = *a;
	b.probes_needed = 20;
	assert_int_equal(followup_plan(&b, 10, 52, 0.5, 5, &p, why,
	    sizeof(why)), 1);
	assert_int_equal(p.queries, 92);
	b.probes_needed = 12;
	assert_int_equal(followup_plan(&b, 10, 52, 0.5, 5, &p, why,
	    sizeof(why)), 1);
	assert_int_equal(p.queries, 72);
	b.probes_needed = 1;
	assert_int_equal(followup_plan(&b, 10, 52, 0.5, 5, &p, why,
	    sizeof(why)), 1);
	assert_int_equal(p.queries, 10);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
}

/* A hand-made trace: hop ttl answered by addr (NULL: silent), q probes. */
static void
hop(struct trace *t, int ttl, const char *addr, int q, int lost)
{
	struct trace_hop *h = trace_add_hop(t, ttl, q);
	int	 j;

	assert_non_null(h);
	for (j = 0; j < q; j++) {
		h->probes[j].replied = addr != NULL && j >= lost;
		if (addr != NULL) {
			trace_probe_set_addr(h, &h->probes[j], addr);
			h->probes[j].rtt_ms = ttl;
		}
	}
}

static void
test_merge(void **state)
{
	struct trace	*a = trace_new(), *b = trace_new(), *m;
	struct trace_hop_stats st;
	int		 merged, changed;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	snprintf(a->dst, sizeof(a->dst), "198.18.0.14");
	a->reached = 1;
	a->end = 100;
	hop(a, 1, "198.18.0.2", 3, 0);
	hop(a, 2, "198.18.0.6", 3, 1);
	hop(a, 3, "198.18.0.10", 3, 0);
	hop(a, 4, "198.18.0.14", 3, 0);
	trace_probe_set_name(&a->hops[1], &a->hops[1].probes[1], "r2.example.net");
	a->hops[1].echo_sent = 3;
	a->hops[1].echo_received = 2;
	/* round 2: hops 2-3 and a hop 9 the first round never saw */
	hop(b, 2, "198.18.0.6", 5, 2);	/* same responder: merged */
	hop(b, 3, "198.18.0.99", 5, 0);	/* another one: the path changed */
	hop(b, 9, "198.18.0.30", 5, 0);	/* no hop 9 in round 1 */
	trace_probe_set_name(&b->hops[0], &b->hops[0].probes[4], "r2.example.net");
	b->hops[0].echo_sent = 5;
	b->hops[0].echo_received = 4;
	b->hops[0].loss_by_echo = 1;
	b->end = 160;
	m = followup_merge(a, b, &merged, &changed);
	assert_non_null(m);
	assert_int_equal(merged, 1);
	assert_int_equal(changed, 2);
	assert_int_equal(m->nhops, 4);
	assert_int_equal(m->hops[1].nprobes, 8);
	trace_hop_stats(&m->hops[1], &st);
	/* echo's figures: 3 + 5 sent, 2 + 4 answered */
	assert_true(m->hops[1].loss_by_echo);
	assert_int_equal(st.sent, 8);
	assert_int_equal(st.received, 6);
	assert_string_equal(m->hops[1].probes[7].name, "r2.example.net");
	assert_string_equal(m->hops[1].probes[1].name, "r2.example.net");
	assert_int_equal(m->hops[2].nprobes, 3);
	assert_string_equal(m->hops[2].probes[0].addr, "198.18.0.10");
	assert_int_equal(m->hops[3].nprobes, 3);
	assert_true(m->reached);
	assert_true(m->end == 160);
	/* the first round is left as it was */
	assert_int_equal(a->hops[1].nprobes, 3);
	trace_free(m);

	/* a hop of round 2 with no reply at all: losses at that ttl */
	trace_free(b);
	b = trace_new();
	hop(b, 3, NULL, 4, 0);
	m = followup_merge(a, b, &merged, &changed);
	assert_non_null(m);
	assert_int_equal(merged, 1);
	assert_int_equal(changed, 0);
	trace_hop_stats(&m->hops[2], &st);
	assert_int_equal(st.sent, 7);
	assert_int_equal(st.received, 3);
	trace_free(m);

	/* no second round: a copy */
	m = followup_merge(a, NULL, &merged, &changed);
	assert_non_null(m);
	assert_int_equal(merged, 0);
	assert_int_equal(m->nhops, 4);
	assert_int_equal(m->hops[1].nprobes, 3);
	trace_free(m);
	trace_free(a);
	trace_free(b);
}

/*
 * The whole round on the retloss pair: the plan's probes at its deciding
 * hops, losing as the link predicts (forward hop 5 nothing and 6-11 10 %, reverse hops
 * 5-6 nothing and 7-10 10 %), merged, decide for the link pb-nap ->
 * SF-rt3.
 */
static void
test_merge_decides(void **state)
{
	struct trace	*f, *r, *f2, *fm, *r2, *rm;
	struct analysis	*a, *b;
	struct followup_plan p;
	char		 why[FOLLOWUP_WHY_LEN];
	int		 merged, changed;

	(void)state;
	retloss(&f, &r, 10);
	a = run(f, r);
	assert_int_equal(followup_plan(a, 10, 52, 0.5, 5, &p, why,
	    sizeof(why)), 1);
	f2 = round2(f, p.ttl_lo[0], p.ttl_hi[0], p.queries, 6, 10);
	fm = followup_merge(f, f2, &merged, &changed);
	assert_non_null(fm);
	assert_int_equal(merged, 7);
	assert_int_equal(changed, 0);
	r2 = round2(r, p.ttl_lo[1], p.ttl_hi[1], p.queries, 7, 10);
	rm = followup_merge(r, r2, &merged, &changed);
	assert_non_null(rm);
	assert_int_equal(merged, 6);
	assert_int_equal(changed, 0);
	b = run(fm, rm);
	assert_false(b->inconclusive);
	assert_int_equal(b->suspects[0].kind, ANALYSIS_SUSPECT_LINK);
	assert_string_equal(b->suspects[0].from.name, "pb-nap.geo.net");
	assert_string_equal(b->suspects[0].to.name, "sf-rt3-f0.geo.net");
	assert_true(b->suspects[0].confidence >= 0.6);
	assert_non_null(strstr(b->verdict, "the link pb-nap.geo.net -> "
	    "sf-rt3-f0.geo.net"));
	analysis_free(a);
	analysis_free(b);
	trace_free(f);
	trace_free(r);
	trace_free(f2);
	trace_free(fm);
	trace_free(r2);
	trace_free(rm);
}

static void
test_record(void **state)
{
	struct followup_info fu;
	char		 buf[2048], jobs[2][FOLLOWUP_JOB_LEN], *rep, *js;
	json_t		*o, *x;

	(void)state;
	memset(&fu, 0, sizeof(fu));
	fu.ran = 1;
	fu.ttl_lo[1] = fu.ttl_hi[1] = 7;
	fu.queries = 53;
	fu.needed = 53;
	fu.cap = 92;
	fu.budget_s = 60;
	snprintf(fu.job[1], sizeof(fu.job[1]), "j-x-9");
	fu.merged[1] = 1;
	snprintf(fu.first_verdict, sizeof(fu.first_verdict), "Inconclusive: "
	    "the data cannot separate A or B.");
	followup_text(&fu, buf, sizeof(buf));
	assert_non_null(strstr(buf, "a second round sent 53 probes per hop to "
	    "reverse hop 7"));
	assert_non_null(strstr(buf, "First round alone: Inconclusive: the "
	    "data cannot separate A or B.\n"));
	rep = followup_report("Verdict: Loss on X.\n\nSuspects:\n", &fu);
	assert_non_null(rep);
	assert_int_equal(strncmp(rep, "Verdict: Loss on X.\nFollow-up round: ",
	    36), 0);
	assert_non_null(strstr(rep, "\n\nSuspects:\n"));
	free(rep);

	o = json_object();
	json_object_set_new(o, "verdict", json_string("Loss on X."));
	x = followup_to_jobj(&fu);
	assert_non_null(x);
	assert_true(json_is_true(json_object_get(x, "ran")));
	assert_int_equal(json_integer_value(json_object_get(x, "rounds")), 2);
	assert_true(json_is_null(json_object_get(json_object_get(x, "hops"),
	    "forward")));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(
	    json_object_get(x, "hops"), "reverse"), 0)), 7);
	json_object_set_new(o, "follow_up", x);
	js = json_dumps(o, JSON_COMPACT);
	assert_int_equal(followup_jobs(js, jobs), 1);
	assert_string_equal(jobs[0], "");
	assert_string_equal(jobs[1], "j-x-9");
	free(js);
	json_decref(o);
	assert_int_equal(followup_jobs("{\"verdict\":\"x\"}", jobs), 0);
	assert_int_equal(followup_jobs("{not json", jobs), -1);

	/* none ran, and why; one that failed keeps the first verdict */
	memset(&fu, 0, sizeof(fu));
	snprintf(fu.why, sizeof(fu.why), "agent chicago-office offline");
	followup_text(&fu, buf, sizeof(buf));
	assert_string_equal(buf, "No follow-up round: agent chicago-office "
	    "offline. The verdict is the first round's.\n");
	x = followup_to_jobj(&fu);
	assert_false(json_is_true(json_object_get(x, "ran")));
	assert_int_equal(json_integer_value(json_object_get(x, "rounds")), 1);
	assert_null(json_object_get(x, "jobs"));
	json_decref(x);
	fu.queries = 20;
	fu.ttl_lo[0] = 5;
	fu.ttl_hi[0] = 7;
	snprintf(fu.why, sizeof(fu.why), "the forward round failed (agent "
	    "sf-office disconnected)");
	followup_text(&fu, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Follow-up round failed: it sent 20 probes "
	    "per hop to forward hops 5-7, and the forward round failed"));
	assert_non_null(strstr(buf, "The verdict is the first round's."));
}

/*
 * A decided first round below 0.90 gets a confirming round: seed 003's
 * pasted pair (3 probes per hop) names the link core2.SF - Denver at
 * 0.66, decided; its deciding hops and the probes that would bring it to
 * 0.95 are set (not reported: the verdict is decided) and the plan runs.
 * The lab pair at 20 probes (0.96) decides firmly: no round.  The text
 * of a confirming round says so.
 */
static void
test_confirm(void **state)
{
	struct trace	*f = load("tests/analysis/seed003-forward.txt");
	struct trace	*r = load("tests/analysis/seed003-reverse.txt");
	struct trace	*lf, *lr;
	struct analysis	*a = run(f, r), *b;
	struct followup_plan p;
	struct followup_info fi;
	char		 why[FOLLOWUP_WHY_LEN], buf[2048];

	(void)state;
	assert_false(a->inconclusive);
	assert_true(a->confirm);
	assert_true(a->suspects[0].confidence >= 0.6 &&
	    a->suspects[0].confidence < 0.9);
	assert_true(a->probes_needed > 6);
	assert_true(a->decide_lo[0] > 0 || a->decide_lo[1] > 0);
	assert_int_equal(followup_plan(a, 3, 52, 0.5, 5, &p, why,
	    sizeof(why)), 1);
	assert_true(p.queries >= FOLLOWUP_MIN_QUERIES);

	lf = load("tests/analysis/lab-sfchi-forward.json");
	lr = load("tests/analysis/lab-sfchi-reverse.json");
	b = run(lf, lr);
	assert_false(b->inconclusive);
	assert_false(b->confirm);
	assert_true(b->suspects[0].confidence >= 0.9);
	assert_int_equal(followup_plan(b, 20, 52, 0.5, 5, &p, why,
	    sizeof(why)), 0);
	assert_string_equal(why, "the first round decided");

	memset(&fi, 0, sizeof(fi));
	fi.ran = 1;
	snprintf(fi.first_verdict, sizeof(fi.first_verdict), "%s", a->verdict);
	followup_text(&fi, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Follow-up round: the first round was "
	    "decided below 0.90 (to confirm it), so a second round sent "));
	snprintf(fi.first_verdict, sizeof(fi.first_verdict), "Inconclusive: x");
	followup_text(&fi, buf, sizeof(buf));
	assert_non_null(strstr(buf, "the first round was inconclusive, so "));
	analysis_free(a);
	analysis_free(b);
	trace_free(f);
	trace_free(r);
	trace_free(lf);
	trace_free(lr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deciding_hops),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_decides),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_confirm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
