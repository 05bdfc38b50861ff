/* test_store.c: SQLite store round trips: agents, jobs + results (duplicates), pairs, analyses, reopen, pair listings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store.h"

static char dbpath[64];

static int
setup(void **state)
{
	int	 fd;

	(void)state;
	snprintf(dbpath, sizeof(dbpath), "/tmp/test_store.XXXXXX");
	if ((fd = mkstemp(dbpath)) == -1)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	char	 p[96];

	(void)state;
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	return 0;
}

static struct trace *
small_trace(void)
{
	struct trace		*t = trace_new();
	struct trace_hop	*h;

	t->agent = strdup("sf");
	strcpy(t->dst, "198.18.9.9");
	t->af = 4;
	t->method = TRACE_METHOD_ICMP;
	t->start = 1795000000.5;
	h = trace_add_hop(t, 1, 2);
	h->probes[0].replied = 1;
	h->probes[0].rtt_ms = 1.25;
	strcpy(h->probes[0].addr, "198.18.1.1");
	return t;
}

/* Agent rows collected by a listing. */
struct seen {
	int		 n;
	char		 names[8][32];
	double		 offset[8];
};

static void
collect(const struct store_agent *a, void *arg)
{
	struct seen	*s = arg;

	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s/%s", a->tenant,
		    a->name);
		s->offset[s->n] = a->offset_ms;
		s->n++;
	}
}

static void
test_agents(void **state)
{
	struct store		*s;
	struct store_agent	 a[3] = {
		{ "sf", "acme", "tracepair-agent 0.1", "198.18.1.2:5000", "198.18.1.2", "", 100, 101, 1.5, 0.4 },
		{ "chi", "acme", "tracepair-agent 0.1", "198.18.2.2:5000", "198.18.2.2", "", 100, 101, -2.5, 0.3 },
		{ "sf", "other", "x", "198.18.3.2:5000", "", "", 0, 50, 0, 0 },
	};
	struct seen		 seen = { 0 };
	char			 err[256];

	(void)state;
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_agent_put_many(s, a, 3, err, sizeof(err)), 0);
	a[0].offset_ms = 7.0;	/* update, same key */
	assert_int_equal(store_agent_put(s, &a[0], err, sizeof(err)), 0);
	assert_int_equal(store_agent_list(s, "acme", collect, &seen, err,
	    sizeof(err)), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.names[0], "acme/chi");
	assert_string_equal(seen.names[1], "acme/sf");
	assert_true(seen.offset[1] == 7.0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_agent_list(s, NULL, collect, &seen, err,
	    sizeof(err)), 0);
	assert_int_equal(seen.n, 3);
	store_close(s);
}

static void
test_results_and_duplicates(void **state)
{
	struct store		*s;
	struct store_job	 j = { "job-1", "sf", "acme", NULL, "198.18.9.9", "-I", 10, 0 };
	struct trace		*t = small_trace(), *back;
	char			 err[256], *e, *j1, *j2;
	double			 rcv;

	(void)state;
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	assert_int_equal(store_job_trace(s, "job-1", &back, &e, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(store_job_result(s, "job-1", "sf", "acme", t, NULL, 11,
	    err, sizeof(err)), STORE_RESULT_STORED);
	/* The same job id again: duplicate, nothing changes. */
	t->start = 1;
	assert_int_equal(store_job_result(s, "job-1", "sf", "acme", t, NULL, 12,
	    err, sizeof(err)), STORE_RESULT_DUPLICATE);
	assert_int_equal(store_job_result(s, "job-1", "sf", "acme", NULL,
	    "late error", 13, err, sizeof(err)), STORE_RESULT_DUPLICATE);
	/*
	 * A result for a job this store never saw is not kept (STORE_RESULT_NO_JOB): every
	 * job is stored before it is sent, so only a forger (or a lost
	 * database) sends one, and a forger must not fill in a job id that
	 * is yet to come.
	 */
	assert_int_equal(store_job_result(s, "job-x", "chi", "acme", NULL,
	    "no route", 14, err, sizeof(err)), STORE_RESULT_NO_JOB);
	assert_int_equal(store_job_trace(s, "job-x", &back, &e, NULL, err,
	    sizeof(err)), 0);
	j.job_id = "job-x";
	j.agent = "chi";
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	assert_int_equal(store_job_result(s, "job-x", "chi", "acme", NULL,
	    "no route", 14, err, sizeof(err)), STORE_RESULT_STORED);
	j.agent = "sf";
	/*
	 * A job given to sf of acme: another agent's result, or one from an
	 * agent of the same name in another tenant, is refused (STORE_RESULT_NOT_OWNER) and
	 * leaves the job open for its own agent's result.
	 */
	j.job_id = "job-2";
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	assert_int_equal(store_job_result(s, "job-2", "chi", "acme", t, NULL,
	    15, err, sizeof(err)), STORE_RESULT_NOT_OWNER);
	assert_int_equal(store_job_result(s, "job-2", "sf", "globex", t, NULL,
	    15, err, sizeof(err)), STORE_RESULT_NOT_OWNER);
	assert_int_equal(store_job_trace(s, "job-2", &back, &e, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(store_job_result(s, "job-2", "sf", "acme", NULL,
	    "its own", 16, err, sizeof(err)), STORE_RESULT_STORED);
	store_close(s);

	/* Survives a reopen (a controller restart). */
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_job_trace(s, "job-1", &back, &e, &rcv, err,
	    sizeof(err)), 1);
	assert_null(e);
	/* When the first result came; the duplicates did not change it. */
	assert_true(rcv == 11);
	t->start = 1795000000.5;
	j1 = trace_to_json(t, 0);
	j2 = trace_to_json(back, 0);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	trace_free(back);
	assert_int_equal(store_job_trace(s, "job-x", &back, &e, &rcv, err,
	    sizeof(err)), 1);
	assert_null(back);
	assert_true(rcv == 14);
	assert_string_equal(e, "no route");
	free(e);
	store_close(s);
	trace_free(t);
}

static void
test_pairs(void **state)
{
	struct store		*s;
	struct store_pair	 p = { "pair-1", "acme", "alice", "sf", "chi",
	    "job-a", "job-b", 100, 100.5, "running", "", 0 }, got;
	char			 err[256], *json, *rep;

	(void)state;
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_pair_add(s, &p, err, sizeof(err)), 0);
	assert_int_equal(store_pair_add(s, &p, err, sizeof(err)), -1);
	assert_int_equal(store_pair_get(s, "pair-1", &got, err, sizeof(err)), 1);
	assert_string_equal(got.status, "running");
	assert_string_equal(got.agent_b, "chi");
	store_pair_free(&got);
	assert_int_equal(store_pair_finish(s, "pair-1", "partial",
	    "agent chi disconnected", 1.75, err, sizeof(err)), 0);
	assert_int_equal(store_pair_finish(s, "nope", "ok", "", 0, err,
	    sizeof(err)), -1);
	assert_int_equal(store_analysis_put(s, "pair-1", "{\"a\":1}", "text",
	    err, sizeof(err)), 0);
	p.pair_id = "pair-2";
	assert_int_equal(store_pair_add(s, &p, err, sizeof(err)), 0);
	store_close(s);

	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_fail_unfinished(s, "controller restarted", err,
	    sizeof(err)), 0);
	assert_int_equal(store_pair_get(s, "pair-1", &got, err, sizeof(err)), 1);
	assert_string_equal(got.status, "partial");
	assert_string_equal(got.reason, "agent chi disconnected");
	assert_true(got.skew_ms == 1.75);
	assert_string_equal(got.operator_name, "alice");
	store_pair_free(&got);
	assert_int_equal(store_pair_get(s, "pair-2", &got, err, sizeof(err)), 1);
	assert_string_equal(got.status, "failed");
	assert_string_equal(got.reason, "controller restarted");
	store_pair_free(&got);
	assert_int_equal(store_pair_get(s, "pair-3", &got, err, sizeof(err)), 0);
	assert_int_equal(store_analysis_get(s, "pair-1", &json, &rep, err,
	    sizeof(err)), 1);
	assert_string_equal(json, "{\"a\":1}");
	assert_string_equal(rep, "text");
	free(json);
	free(rep);
	store_close(s);
}

/* What a store_pair_list call saw: ids in order, the verdicts. */
struct listed {
	int	 n;		/* rows seen */
	int	 stop_after;	/* return 1 after this many (0: never) */
	char	 id[8][32];	/* the first 8 ids */
	char	 verdict[8][64];	/* and their verdicts */
};

static int
list_cb(const struct store_pair *p, const char *verdict, void *arg)
{
	struct listed	*l = arg;

	if (l->n < 8) {
		snprintf(l->id[l->n], sizeof(l->id[0]), "%s", p->pair_id);
		snprintf(l->verdict[l->n], sizeof(l->verdict[0]), "%s",
		    verdict);
	}
	l->n++;
	return l->stop_after > 0 && l->n >= l->stop_after;
}

/* Add pair id of tenant with agents a, b, created at t. */
static void
add_pair(struct store *s, const char *id, const char *tenant, const char *a,
    const char *b, double t)
{
	struct store_pair	 p;
	char			 err[256];

	memset(&p, 0, sizeof(p));
	p.pair_id = id;
	p.tenant = tenant;
	p.operator_name = "alice";
	p.agent_a = a;
	p.agent_b = b;
	p.created = t;
	p.status = "ok";
	assert_int_equal(store_pair_add(s, &p, err, sizeof(err)), 0);
}

static void
test_pair_list(void **state)
{
	struct store	*s;
	struct listed	 l;
	char		 err[256];

	(void)state;
	s = store_open("-", err, sizeof(err));	/* test_pairs left rows */
	assert_non_null(s);
	add_pair(s, "p-1", "acme", "sf", "chi", 100);
	add_pair(s, "p-2", "acme", "chi", "ny", 200);
	add_pair(s, "p-3", "other", "sf", "chi", 300);
	add_pair(s, "p-4", "acme", "ny", "sf", 400);
	add_pair(s, "p-5", "acme", "sf", "chi", 400);	/* same instant: newer row */
	assert_int_equal(store_analysis_put(s, "p-1", "{\"verdict\":"
	    "\"No fault found\",\"shared\":[]}", "report", err,
	    sizeof(err)), 0);
	assert_int_equal(store_analysis_put(s, "p-2", "not json", "report",
	    err, sizeof(err)), 0);

	/* Newest first, the tenant's only; verdicts from the analysis JSON. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, "acme", NULL, 0, 20, list_cb, &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.id[0], "p-5");
	assert_string_equal(l.id[1], "p-4");
	assert_string_equal(l.id[2], "p-2");
	assert_string_equal(l.id[3], "p-1");
	assert_string_equal(l.verdict[3], "No fault found");
	assert_string_equal(l.verdict[2], "");	/* not JSON: no verdict */
	assert_string_equal(l.verdict[0], "");	/* no analysis */

	/* Either side matches the agent filter; other tenants never. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, "acme", "ny", 0, 20, list_cb, &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.id[0], "p-4");
	assert_string_equal(l.id[1], "p-2");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, "other", "ny", 0, 20, list_cb, &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, "nobody", NULL, 0, 20, list_cb,
	    &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 0);

	/* since is inclusive; limit and the callback's stop cut the list. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, "acme", NULL, 200, 20, list_cb, &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.id[2], "p-2");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, "acme", NULL, 0, 2, list_cb, &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 2);
	memset(&l, 0, sizeof(l));
	l.stop_after = 1;
	assert_int_equal(store_pair_list(s, "acme", NULL, 0, 20, list_cb, &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.id[0], "p-5");

	/* Bad arguments are refused, not guessed. */
	assert_int_equal(store_pair_list(s, NULL, NULL, 0, 20, list_cb, &l,
	    err, sizeof(err)), -1);
	assert_int_equal(store_pair_list(s, "acme", NULL, 0, 0, list_cb, &l,
	    err, sizeof(err)), -1);
	store_close(s);
}

/*
 * 100,000 pairs of one tenant (in memory): the newest 20 are the last
 * ones added and the filters still find the few pairs of a rare agent.
 */
static void
test_pair_list_large(void **state)
{
	struct store	*s;
	struct listed	 l;
	char		 err[256], id[32];
	int		 i;

	(void)state;
	s = store_open("-", err, sizeof(err));
	assert_non_null(s);
	for (i = 0; i < 100000; i++) {
		snprintf(id, sizeof(id), "p-%d", i);
		add_pair(s, id, i % 2 ? "acme" : "other", i % 1000 ? "sf" :
		    "rare", "chi", 1000 + i);
	}
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, "acme", NULL, 0, 20, list_cb, &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 20);
	assert_string_equal(l.id[0], "p-99999");
	assert_string_equal(l.id[1], "p-99997");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, "other", "rare", 0, 1000, list_cb,
	    &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 100);
	assert_string_equal(l.id[0], "p-99000");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, "acme", NULL, 1000 + 99990, 1000,
	    list_cb, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 5);
	store_close(s);
}

static void
test_open_failure(void **state)
{
	char	 err[256];

	(void)state;
	assert_null(store_open("/nonexistent-dir/x.db", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x.db"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agents),
		cmocka_unit_test(test_results_and_duplicates),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_pair_list),
		cmocka_unit_test(test_pair_list_large),
		cmocka_unit_test(test_open_failure),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
