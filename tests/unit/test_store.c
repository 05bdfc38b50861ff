/* test_store.c: SQLite store round trips: agents, jobs + results (duplicates), pairs, analyses, reopen. */
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

	(void)state;
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	assert_int_equal(store_job_trace(s, "job-1", &back, &e, err,
	    sizeof(err)), 0);
	assert_int_equal(store_job_result(s, "job-1", "sf", t, NULL, 11, err,
	    sizeof(err)), 1);
	/* The same job id again: duplicate, nothing changes. */
	t->start = 1;
	assert_int_equal(store_job_result(s, "job-1", "sf", t, NULL, 12, err,
	    sizeof(err)), 0);
	assert_int_equal(store_job_result(s, "job-1", "sf", NULL, "late error",
	    13, err, sizeof(err)), 0);
	/* A result for a job this store never saw is kept too. */
	assert_int_equal(store_job_result(s, "job-x", "chi", NULL, "no route",
	    14, err, sizeof(err)), 1);
	store_close(s);

	/* Survives a reopen (a controller restart). */
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_job_trace(s, "job-1", &back, &e, err,
	    sizeof(err)), 1);
	assert_null(e);
	t->start = 1795000000.5;
	j1 = trace_to_json(t, 0);
	j2 = trace_to_json(back, 0);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	trace_free(back);
	assert_int_equal(store_job_trace(s, "job-x", &back, &e, err,
	    sizeof(err)), 1);
	assert_null(back);
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
		cmocka_unit_test(test_open_failure),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
