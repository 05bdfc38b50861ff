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

#include <sqlite3.h>

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
	trace_probe_set_addr(h, &h->probes[0], "198.18.1.1");
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

	/* No tenant: every tenant's (an MSP operator's view). */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_list(s, NULL, "chi", 0, 20, list_cb, &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.id[0], "p-5");
	assert_string_equal(l.id[1], "p-3");

	/* The history of sf <-> chi: both ways round, one tenant's. */
	memset(&l, 0, sizeof(l));
	add_pair(s, "p-6", "acme", "chi", "sf", 500);
	assert_int_equal(store_pair_history(s, "acme", "sf", "chi", 0, 20,
	    list_cb, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.id[0], "p-6");
	assert_string_equal(l.id[1], "p-5");
	assert_string_equal(l.id[2], "p-1");

	/* Bad arguments are refused, not guessed. */
	assert_int_equal(store_pair_list(s, "acme", NULL, 0, 0, list_cb, &l,
	    err, sizeof(err)), -1);
	assert_int_equal(store_pair_history(s, "acme", "sf", NULL, 0, 20,
	    list_cb, &l, err, sizeof(err)), -1);
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

/* A new empty database file for one test (the group's teardown removes it). */
static int
fresh(void **state)
{
	(void)teardown(state);
	return setup(state);
}

static void
count_agents(const struct store_agent *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
}

/* Run sql on the file dbpath with SQLite itself (not the store). */
static void
raw_exec(const char *sql)
{
	sqlite3	*db;
	char	*msg = NULL;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(db);
}

/* The first column of the first row of sql on dbpath, as an integer. */
static long long
raw_int(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	long long	 v = -1;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 n;

	if (f == NULL)
		fail_msg("%s: cannot open (run from the top of the tree)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/*
 * A database made by the release before schema versions (the SQL dump
 * tests/unit/store-v0.sql) is upgraded in place: every row still reads
 * back through the store, the new indexes are there, a second open does
 * nothing more, and the history of a pair is an index walk.
 */
static void
test_migrate_v0(void **state)
{
	struct store	*s;
	struct store_pair p;
	struct trace	*t;
	struct listed	 l;
	char		 err[256], *sql, *json, *report, *error;
	double		 rcv;
	int		 n = 0;

	(void)state;
	sql = slurp("tests/unit/store-v0.sql");
	raw_exec(sql);
	free(sql);
	assert_int_equal(raw_int("PRAGMA user_version"), 0);
	assert_int_equal(raw_int("SELECT count(*) FROM sqlite_master WHERE"
	    " name = 'pairs_ab'"), 0);

	s = store_open(dbpath, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_pair_get(s, "p-fx-1", &p, err, sizeof(err)), 1);
	assert_string_equal(p.status, "ok");
	assert_string_equal(p.agent_b, "chicago-office");
	assert_string_equal(p.job_a, "j-fx-1a");
	store_pair_free(&p);
	assert_int_equal(store_job_trace(s, "j-fx-1a", &t, NULL, &rcv, err,
	    sizeof(err)), 1);
	assert_non_null(t);
	assert_int_equal(t->nhops, 1);
	assert_string_equal(t->hops[0].probes[0].addr, "198.18.1.1");
	assert_true(rcv == 1795000002.0);
	trace_free(t);
	assert_int_equal(store_job_trace(s, "j-fx-3b", &t, &error, NULL, err,
	    sizeof(err)), 1);
	assert_null(t);
	assert_string_equal(error, "agent chicago-office: no route");
	free(error);
	assert_int_equal(store_analysis_get(s, "p-fx-2", &json, &report, err,
	    sizeof(err)), 1);
	assert_string_equal(report, "Verdict: no loss\n");
	free(json);
	free(report);
	assert_int_equal(store_agent_list(s, NULL, count_agents, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 3);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_pair_history(s, "acme", "chicago-office",
	    "sf-office", 0, 20, list_cb, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.id[0], "p-fx-3");
	assert_string_equal(l.verdict[2], "no loss");
	/* Old results are still results: sent again, a duplicate. */
	assert_int_equal(store_job_result(s, "j-fx-1a", "sf-office", "acme",
	    NULL, "again", 1795000009, err, sizeof(err)),
	    STORE_RESULT_DUPLICATE);
	store_close(s);

	/* 2, or a later step's (tables appended as new versions) */
	assert_true(raw_int("PRAGMA user_version") >= 2);
	assert_int_equal(raw_int("SELECT count(*) FROM sqlite_master WHERE"
	    " type = 'index' AND name IN ('pairs_ab', 'pairs_b',"
	    " 'pairs_created', 'jobs_single_created')"), 4);
	assert_int_equal(raw_int("SELECT count(*) FROM pragma_integrity_check"
	    " WHERE integrity_check <> 'ok'"), 0);
	assert_int_equal(raw_int("SELECT count(*) FROM traces"), 7);
	/* Opened again: nothing more to do, nothing changed. */
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	store_close(s);
	/* 2, or a later step's (tables appended as new versions) */
	assert_true(raw_int("PRAGMA user_version") >= 2);
	assert_int_equal(raw_int("SELECT count(*) FROM pairs"), 3);
}

/*
 * A step that fails leaves the database as it was (its version too); a
 * database from a newer release is refused, untouched.
 */
static void
test_migrate_refused(void **state)
{
	char		 err[256];

	(void)state;
	/* Version 1 with a table in the way of step 2's index. */
	raw_exec("CREATE TABLE pairs (x); CREATE TABLE pairs_ab (y);"
	    " PRAGMA user_version = 1;");
	assert_null(store_open(dbpath, err, sizeof(err)));
	assert_non_null(strstr(err, "version 2"));
	assert_int_equal(raw_int("PRAGMA user_version"), 1);
	assert_int_equal(raw_int("SELECT count(*) FROM sqlite_master WHERE"
	    " name = 'pairs_b'"), 0);

	raw_exec("PRAGMA user_version = 99;");
	assert_null(store_open(dbpath, err, sizeof(err)));
	assert_non_null(strstr(err, "schema version 99 is newer"));
	assert_int_equal(raw_int("PRAGMA user_version"), 99);
}

/* A pair of tenant acme created at t, with both jobs, traces, analysis. */
static void
add_full_pair(struct store *s, const char *id, double t, const char *status)
{
	struct store_pair	 p;
	struct store_job	 j;
	struct trace		*tr = small_trace();
	char			 err[256], ja[40], jb[40];

	snprintf(ja, sizeof(ja), "%s-a", id);
	snprintf(jb, sizeof(jb), "%s-b", id);
	memset(&j, 0, sizeof(j));
	j.job_id = ja;
	j.agent = "sf";
	j.tenant = "acme";
	j.pair_id = id;
	j.created = t;
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	j.job_id = jb;
	j.agent = "chi";
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	memset(&p, 0, sizeof(p));
	p.pair_id = id;
	p.tenant = "acme";
	p.agent_a = "sf";
	p.agent_b = "chi";
	p.job_a = ja;
	p.job_b = jb;
	p.created = t;
	p.status = status;
	assert_int_equal(store_pair_add(s, &p, err, sizeof(err)), 0);
	assert_int_equal(store_job_result(s, ja, "sf", "acme", tr, NULL, t + 1,
	    err, sizeof(err)), STORE_RESULT_STORED);
	assert_int_equal(store_job_result(s, jb, "chi", "acme", NULL, "no route",
	    t + 1, err, sizeof(err)), STORE_RESULT_STORED);
	assert_int_equal(store_analysis_put(s, id, "{}", "r", err, sizeof(err)),
	    0);
	trace_free(tr);
}

/*
 * Retention: batches of at most about max remove the old pairs (jobs,
 * traces, analyses with them) and old single traces, oldest first; the
 * new ones and a pair still running stay; nothing is left orphaned.
 */
static void
test_prune(void **state)
{
	struct store	*s;
	struct store_pair p;
	struct store_job j;
	struct trace	*t;
	char		 err[256], id[32];
	int		 i, n, batches = 0, total = 0;

	(void)state;
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	for (i = 0; i < 25; i++) {
		snprintf(id, sizeof(id), "p-old-%d", i);
		add_full_pair(s, id, 1000 + i, "ok");
	}
	add_full_pair(s, "p-old-running", 1000, "running");
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "p-new-%d", i);
		add_full_pair(s, id, 5000 + i, "ok");
	}
	memset(&j, 0, sizeof(j));
	j.agent = "sf";
	j.tenant = "acme";
	j.job_id = "j-single-old";
	j.created = 1500;
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	assert_int_equal(store_job_result(s, "j-single-old", "sf", "acme", NULL,
	    "x", 1501, err, sizeof(err)), STORE_RESULT_STORED);
	j.job_id = "j-single-new";
	j.created = 5500;
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	assert_int_equal(store_job_result(s, "j-single-new", "sf", "acme", NULL,
	    "x", 5501, err, sizeof(err)), STORE_RESULT_STORED);

	/* Schedules' runs and delivered alerts of that age go too. */
	raw_exec("INSERT INTO runs (tenant, schedule, slot, started, status)"
	    " VALUES ('acme','s',1000,1000,'ok'), ('acme','s',1100,1100,"
	    "'skipped'), ('acme','s',1200,1200,'running'), ('acme','s',5000,"
	    "5000,'ok');"
	    "INSERT INTO alert_outbox (tenant, created, delivered) VALUES"
	    " ('acme',1000,1001), ('acme',1000,NULL), ('acme',5000,5001)");

	/* The oldest go first: after one batch of 10, p-old-0..9. */
	n = store_prune(s, 4000, 10, err, sizeof(err));
	assert_true(n > 0);
	assert_int_equal(store_pair_get(s, "p-old-9", &p, err, sizeof(err)), 0);
	assert_int_equal(store_pair_get(s, "p-old-10", &p, err, sizeof(err)),
	    1);
	store_pair_free(&p);
	total = n;
	batches = 1;
	while ((n = store_prune(s, 4000, 10, err, sizeof(err))) > 0) {
		assert_true(n <= 10 + 2 * 10 + 10);
		total += n;
		batches++;
		assert_true(batches < 10);
	}
	assert_int_equal(n, 0);
	assert_int_equal(batches, 3);
	/* pairs, their jobs, single, old finished runs */
	assert_int_equal(total, 25 + 50 + 1 + 2);

	assert_int_equal(store_pair_get(s, "p-old-24", &p, err, sizeof(err)), 0);
	assert_int_equal(store_job_trace(s, "p-old-24-a", &t, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(store_job_trace(s, "j-single-old", &t, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(store_pair_get(s, "p-old-running", &p, err,
	    sizeof(err)), 1);
	store_pair_free(&p);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "p-new-%d", i);
		assert_int_equal(store_pair_get(s, id, &p, err, sizeof(err)), 1);
		store_pair_free(&p);
		snprintf(id, sizeof(id), "p-new-%d-a", i);
		assert_int_equal(store_job_trace(s, id, &t, NULL, NULL, err,
		    sizeof(err)), 1);
		trace_free(t);
	}
	assert_int_equal(store_job_trace(s, "j-single-new", &t, NULL, NULL, err,
	    sizeof(err)), 1);
	assert_int_equal(store_prune(s, 4000, 0, err, sizeof(err)), -1);
	store_close(s);
	assert_int_equal(raw_int("SELECT count(*) FROM pairs"), 6);
	/* the running run and the new one; the undelivered and the new alert */
	assert_int_equal(raw_int("SELECT count(*) FROM runs WHERE slot IN"
	    " (1200, 5000)"), 2);
	assert_int_equal(raw_int("SELECT count(*) FROM runs"), 2);
	assert_int_equal(raw_int("SELECT count(*) FROM alert_outbox WHERE"
	    " delivered IS NULL OR created = 5000"), 2);
	assert_int_equal(raw_int("SELECT count(*) FROM alert_outbox"), 2);
	assert_int_equal(raw_int("SELECT count(*) FROM jobs"), 13);
	assert_int_equal(raw_int("SELECT count(*) FROM traces"), 13);
	assert_int_equal(raw_int("SELECT count(*) FROM analyses"), 6);
	assert_int_equal(raw_int("SELECT count(*) FROM traces WHERE job_id NOT IN"
	    " (SELECT job_id FROM jobs)"), 0);
}

/* A batch of results in one transaction: each gets its own outcome. */
static void
test_result_batch(void **state)
{
	struct store		*s;
	struct store_job	 j;
	struct store_result_in	 r[4];
	struct trace		*t = small_trace();
	char			 err[256];

	(void)state;
	s = store_open("-", err, sizeof(err));
	assert_non_null(s);
	memset(&j, 0, sizeof(j));
	j.agent = "sf";
	j.tenant = "acme";
	j.job_id = "j-1";
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	j.job_id = "j-2";
	assert_int_equal(store_job_add(s, &j, err, sizeof(err)), 0);
	memset(r, 0, sizeof(r));
	r[0].job_id = "j-1";
	r[0].trace = t;
	r[1].job_id = "j-2";
	r[1].error = "mine?";
	r[1].agent = "chi";	/* not its agent */
	r[1].tenant = "acme";
	r[2].job_id = "j-none";
	r[2].trace = t;
	r[3].job_id = "j-1";	/* the same result again, in the same batch */
	r[3].trace = t;
	r[0].agent = r[2].agent = r[3].agent = "sf";
	r[0].tenant = r[2].tenant = r[3].tenant = "acme";
	assert_int_equal(store_job_results(s, r, 4, err, sizeof(err)), 0);
	assert_int_equal(r[0].res, STORE_RESULT_STORED);
	assert_int_equal(r[1].res, STORE_RESULT_NOT_OWNER);
	assert_int_equal(r[2].res, STORE_RESULT_NO_JOB);
	assert_int_equal(r[3].res, STORE_RESULT_DUPLICATE);
	assert_int_equal(store_job_results(s, r, 0, err, sizeof(err)), 0);
	trace_free(t);
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

/* store_run_list: appends "schedule@started" of each run to a string. */
static int
run_cb(const struct store_run *r, void *arg)
{
	char	*out = arg;
	size_t	 n = strlen(out);

	snprintf(out + n, 512 - n, "%s%s@%.0f", n ? " " : "", r->schedule,
	    r->started);
	return 0;
}

/*
 * The history of runs by schedule (a mesh's name takes its pairs), by a
 * pair of agents either way round, changes only, since, the limit, the
 * tenant; newest first.
 */
static void
test_run_list(void **state)
{
	struct store	*s;
	char		 err[256], out[512];

	(void)state;
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	raw_exec("INSERT INTO runs (tenant, schedule, mesh, slot, started,"
	    " agent_a, agent_b, pair_id, status, changes) VALUES"
	    " ('acme', 'w', '', 10, 10, 'sf', 'chi', 'p1', 'ok', '[]'),"
	    " ('acme', 'w', '', 20, 20, 'sf', 'chi', 'p2', 'ok', '[{}]'),"
	    " ('acme', 'w', '', 30, 30, 'sf', 'chi', '', 'skipped', ''),"
	    " ('acme', 'm:chi~sf', 'm', 15, 15, 'chi', 'sf', 'p3', 'ok', '[]'),"
	    " ('acme', 'm:ny~sf', 'm', 25, 25, 'ny', 'sf', 'p4', 'ok', '[{}]'),"
	    " ('other', 'w', '', 40, 40, 'sf', 'chi', 'p5', 'ok', '[]')");
#define LIST(sched, a, b, since, chg, lim) (out[0] = '\0', \
	store_run_list(s, "acme", sched, a, b, since, chg, lim, run_cb, out, \
	    err, sizeof(err)))
	assert_int_equal(LIST("w", NULL, NULL, 0, 0, 100), 0);
	assert_string_equal(out, "w@30 w@20 w@10");
	assert_int_equal(LIST("m", NULL, NULL, 0, 0, 100), 0);
	assert_string_equal(out, "m:ny~sf@25 m:chi~sf@15");
	assert_int_equal(LIST("m:chi~sf", NULL, NULL, 0, 0, 100), 0);
	assert_string_equal(out, "m:chi~sf@15");
	assert_int_equal(LIST(NULL, "sf", "chi", 0, 0, 100), 0);
	assert_string_equal(out, "w@30 w@20 m:chi~sf@15 w@10");
	assert_int_equal(LIST(NULL, "chi", "sf", 12, 0, 100), 0);
	assert_string_equal(out, "w@30 w@20 m:chi~sf@15");
	assert_int_equal(LIST("w", "chi", "sf", 0, 0, 2), 0);
	assert_string_equal(out, "w@30 w@20");
	assert_int_equal(LIST(NULL, NULL, NULL, 0, 1, 100), 0);
	assert_string_equal(out, "m:ny~sf@25 w@20");
	assert_int_equal(LIST(NULL, NULL, NULL, 0, 0, 3), 0);
	assert_string_equal(out, "w@30 m:ny~sf@25 w@20");
	assert_int_equal(LIST("nosuch", NULL, NULL, 0, 0, 100), 0);
	assert_string_equal(out, "");
#undef LIST
	store_close(s);
}

/* Alert ids listed by store_alert_due, space-separated. */
static void
alert_cb(const struct store_alert *a, void *arg)
{
	char	*out = arg;
	size_t	 n = strlen(out);

	snprintf(out + n, 256 - n, "%s%lld", n ? " " : "", a->alert_id);
}

/*
 * The alert outbox: due alerts oldest first; an alert waits while an older
 * one of its schedule and action is undelivered (a receiver that was down
 * gets "alert" before "resolved"), other schedules and actions do not
 * wait; a failed try is due again at its next_try; delivered is final.
 */
static void
test_alert_order(void **state)
{
	struct store		*s;
	struct store_alert	 a = { 0 };
	char			 err[256], out[256];
	int			 i;
	static const char	*sched[] = { "w", "w", "w", "v" };
	static const char	*action[] = { "webhook", "webhook", "command",
				    "webhook" };

	(void)state;
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	a.tenant = "acme";
	a.target = "https://localhost/hook";
	a.body = "{}";
	a.created = 100;
	a.next_try = 100;
	for (i = 0; i < 4; i++) {	/* ids 1-4 */
		a.schedule = sched[i];
		a.action = action[i];
		assert_int_equal(store_alert_add(s, &a, err, sizeof(err)), 0);
	}
#define DUE(now) (out[0] = '\0', \
	store_alert_due(s, now, 10, alert_cb, out, err, sizeof(err)))
	assert_int_equal(DUE(50), 0);
	assert_string_equal(out, "");
	/* 2 waits for 1 (same schedule and action); 3 and 4 do not */
	assert_int_equal(DUE(100), 0);
	assert_string_equal(out, "1 3 4");
	/* 1 fails, due again at 200: 2 still waits for it */
	assert_int_equal(store_alert_result(s, 1, 0, "webhook: HTTP 503", 200,
	    err, sizeof(err)), 0);
	assert_int_equal(DUE(150), 0);
	assert_string_equal(out, "3 4");
	assert_int_equal(DUE(200), 0);
	assert_string_equal(out, "3 4 1");	/* by next_try */
	/* 1 delivered: 2 is due at once; 1 is never listed again */
	assert_int_equal(store_alert_result(s, 1, 1, "", 0, err, sizeof(err)),
	    0);
	assert_int_equal(DUE(201), 0);
	assert_string_equal(out, "2 3 4");
	/* the limit, oldest first */
	out[0] = '\0';
	assert_int_equal(store_alert_due(s, 201, 1, alert_cb, out, err,
	    sizeof(err)), 0);
	assert_string_equal(out, "2");
#undef DUE
	store_close(s);
}

/*
 * store_clear: every row gone (runs' AUTOINCREMENT counter too), the
 * schema kept, the store usable at once.
 */
static void
test_clear(void **state)
{
	struct store		*s;
	struct store_agent	 a = { "sf", "acme", "x", "198.18.1.2:5000",
				    "198.18.1.2", "", 100, 101, 1.5, 0.4 };
	struct seen		 seen = { 0 };
	char			 err[256];

	(void)state;
	s = store_open(dbpath, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_agent_put(s, &a, err, sizeof(err)), 0);
	raw_exec("INSERT INTO runs (tenant, schedule, mesh, slot, started,"
	    " agent_a, agent_b, pair_id, status, changes) VALUES"
	    " ('acme', 'w', '', 10, 10, 'sf', 'chi', 'p1', 'ok', '[]')");
	assert_int_equal(store_clear(s, err, sizeof(err)), 0);
	assert_int_equal(store_agent_list(s, NULL, collect, &seen, err,
	    sizeof(err)), 0);
	assert_int_equal(seen.n, 0);
	assert_int_equal(raw_int("SELECT count(*) FROM runs"), 0);
	assert_int_equal(raw_int("SELECT count(*) FROM sqlite_sequence"), 0);
	assert_true(raw_int("PRAGMA user_version") > 0);
	assert_int_equal(store_agent_put(s, &a, err, sizeof(err)), 0);
	assert_int_equal(store_agent_list(s, NULL, collect, &seen, err,
	    sizeof(err)), 0);
	assert_int_equal(seen.n, 1);
	store_close(s);
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
		cmocka_unit_test_setup(test_migrate_v0, fresh),
		cmocka_unit_test_setup(test_migrate_refused, fresh),
		cmocka_unit_test_setup(test_prune, fresh),
		cmocka_unit_test_setup(test_run_list, fresh),
		cmocka_unit_test_setup(test_alert_order, fresh),
		cmocka_unit_test(test_result_batch),
		cmocka_unit_test_setup(test_clear, fresh),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
