/* store-bench.c: the controller store's figures: traces stored per second (30 hops x 3 probes) and the history of one pair among 100,000 pairs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ctl.h"
#include "store.h"

/*
 * usage: store-bench ingest DB N BATCH    store N traces, BATCH per commit
 *        store-bench history DB PAIRS     PAIRS pairs over 210 agent pairs,
 *                                         then the history of one of them
 *        store-bench prune DB PAIRS       PAIRS old pairs with both traces,
 *                                         pruned as the controller does
 *                                         (CTL_PRUNE_BATCH): the longest batch
 *        store-bench runs DB RUNS         RUNS runs of 1,000 schedules, then
 *                                         tracepair history's queries
 * DB is a file (removed first, with its -wal and -shm).  One line of
 * figures per run on stdout.
 */

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "store-bench: %s: %s\n", what, err);
	exit(1);
}

static struct store *
fresh(const char *db)
{
	char		 err[256], p[1100];
	struct store	*s;

	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
	if ((s = store_open(db, err, sizeof(err))) == NULL)
		die("open", err);
	return s;
}

/* A trace as an agent sends it: 30 hops, 3 probes each, all answered. */
static struct trace *
big_trace(int seed)
{
	struct trace		*t = trace_new();
	struct trace_hop	*h;
	char			 a[TRACE_ADDR_LEN];
	int			 i, k;

	t->agent = strdup("sf-office");
	snprintf(t->dst, sizeof(t->dst), "198.19.%d.%d", seed / 256 % 256,
	    seed % 256);
	t->af = 4;
	t->method = TRACE_METHOD_ICMP;
	t->start = 1795000000.0 + seed;
	t->reached = 1;
	for (i = 1; i <= 30; i++) {
		h = trace_add_hop(t, i, 3);
		for (k = 0; k < 3; k++) {
			h->probes[k].replied = 1;
			h->probes[k].rtt_ms = 1.0 + i * 2.5 + k * 0.1;
			snprintf(a, sizeof(a), "198.18.%d.%d", i, 1 + k % 2);
			if (trace_probe_set_addr(h, &h->probes[k], a) == -1)
				abort();	/* out of memory */
		}
	}
	return t;
}

static int
ingest(const char *db, int n, int batch)
{
	struct store		*s = fresh(db);
	struct store_job	 j;
	struct store_result_in	*r;
	struct trace		**t;
	char			 err[256], (*ids)[32];
	double			 t0, t1, enc;
	int			 i, k, m;

	if ((r = calloc((size_t)batch, sizeof(*r))) == NULL ||
	    (t = calloc((size_t)n, sizeof(*t))) == NULL ||
	    (ids = calloc((size_t)n, sizeof(*ids))) == NULL)
		die("ingest", "out of memory");
	memset(&j, 0, sizeof(j));
	j.agent = "sf-office";
	j.tenant = "acme";
	j.host = "198.19.0.1";
	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "j-bench-%d", i);
		j.job_id = ids[i];
		j.created = 1795000000.0 + i;
		if (store_job_add(s, &j, err, sizeof(err)) == -1)
			die("job", err);
		t[i] = big_trace(i);	/* decoded before: the agent's part */
	}
	/* The controller's part before SQLite: the trace as JSON. */
	t0 = now();
	for (i = 0; i < n; i++)
		free(trace_to_json(t[i], 0));
	enc = now() - t0;
	t0 = now();
	for (i = 0; i < n; i += m) {
		m = n - i < batch ? n - i : batch;
		for (k = 0; k < m; k++) {
			r[k].job_id = ids[i + k];
			r[k].agent = "sf-office";
			r[k].tenant = "acme";
			r[k].trace = t[i + k];
			r[k].received = 1795000000.0 + i + k;
		}
		if (store_job_results(s, r, (size_t)m, err, sizeof(err)) == -1)
			die("results", err);
		for (k = 0; k < m; k++)
			if (r[k].res != STORE_RESULT_STORED)
				die("results", "not stored");
	}
	t1 = now();
	printf("ingest: %d traces (30 hops x 3 probes), %d per commit: "
	    "%.3f s, %.0f traces/s (encoding them as JSON alone: %.3f s)\n", n,
	    batch, t1 - t0, n / (t1 - t0), enc);
	for (i = 0; i < n; i++)
		trace_free(t[i]);
	free(t);
	free(r);
	free(ids);
	store_close(s);
	return 0;
}

static int
count_cb(const struct store_pair *p, const char *verdict, void *arg)
{
	(void)p;
	(void)verdict;
	(*(int *)arg)++;
	return 0;
}

static int
history(const char *db, int npairs)
{
	struct store		*s = fresh(db);
	sqlite3			*raw;
	sqlite3_stmt		*st;
	char			 err[256], id[32], a[16], b[16];
	double			 t0, t1, worst = 0, sum = 0, since;
	int			 i, k, x, y, npair = 0, nrecent = 0, n, q;
	int			 runs[2] = { 0, 0 };

	/*
	 * The pairs go in through SQLite in one transaction (the store
	 * commits each pair: 100,000 fsyncs would be the benchmark); the
	 * store made the schema and answers the queries.
	 */
	store_close(s);
	if (sqlite3_open(db, &raw) != SQLITE_OK ||
	    sqlite3_exec(raw, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw, "INSERT INTO pairs (pair_id, tenant,"
	    " operator, agent_a, agent_b, job_a, job_b, created, start_at,"
	    " status, reason, skew_ms) VALUES (?1, 'acme', 'schedule', ?2, ?3,"
	    " '', '', ?4, ?4, 'ok', '', 0)", -1, &st, NULL) != SQLITE_OK)
		die("insert", sqlite3_errmsg(raw));
	since = 1795000000.0 + npairs * 1.5 - 86400;
	/* Every (x, y), x < y, of 21 sites: 210 pairs, round robin. */
	for (i = 0, k = 0; i < npairs; ) {
		x = k / 21;
		y = k % 21;
		if (++k == 21 * 21)
			k = 0;
		if (x >= y)
			continue;
		snprintf(a, sizeof(a), "site-%02d", x);
		snprintf(b, sizeof(b), "site-%02d", y);
		snprintf(id, sizeof(id), "p-bench-%d", i);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		/* both ways round, in turn */
		sqlite3_bind_text(st, 2, (i / 210) % 2 ? b : a, -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, (i / 210) % 2 ? a : b, -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 4, 1795000000.0 + i * 1.5);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("insert", sqlite3_errmsg(raw));
		if (x == 3 && y == 17) {
			npair++;
			nrecent += 1795000000.0 + i * 1.5 >= since;
		}
		i++;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("commit", sqlite3_errmsg(raw));
	sqlite3_close(raw);
	if ((s = store_open(db, err, sizeof(err))) == NULL)
		die("open", err);
	for (q = 0; q < 200; q++) {
		n = 0;
		t0 = now();
		if (store_pair_history(s, "acme", "site-17", "site-03",
		    q % 2 ? since : 0, 1000, count_cb, &n, err,
		    sizeof(err)) == -1)
			die("history", err);
		t1 = now();
		runs[q % 2] = n;
		sum += t1 - t0;
		if (t1 - t0 > worst)
			worst = t1 - t0;
	}
	printf("history: %d pairs stored (210 pairs of agents), one pair's "
	    "runs (all %d; the last 24 h, %d) in turn: mean %.3f ms, worst "
	    "%.3f ms over 200 queries\n", npairs, runs[0], runs[1],
	    sum / 200 * 1000, worst * 1000);
	if (runs[0] != npair || runs[1] != nrecent)
		die("history", "wrong number of runs");
	store_close(s);
	return 0;
}

static int
prune(const char *db, int npairs)
{
	struct store		*s = fresh(db);
	struct store_job	 j;
	struct store_pair	 p;
	struct store_result_in	 r[2];
	struct trace		*t = big_trace(1);
	char			 err[256], id[32], ja[40], jb[40];
	double			 t0, t1, worst = 0, total = 0;
	int			 i, n, batches = 0, rows = 0;

	memset(&j, 0, sizeof(j));
	memset(&p, 0, sizeof(p));
	j.tenant = p.tenant = "acme";
	p.agent_a = "site-01";
	p.agent_b = "site-02";
	p.status = "ok";
	for (i = 0; i < npairs; i++) {
		snprintf(id, sizeof(id), "p-old-%d", i);
		snprintf(ja, sizeof(ja), "%s-a", id);
		snprintf(jb, sizeof(jb), "%s-b", id);
		j.pair_id = p.pair_id = id;
		j.created = p.created = 1700000000.0 + i;
		j.job_id = p.job_a = ja;
		j.agent = "site-01";
		if (store_job_add(s, &j, err, sizeof(err)) == -1)
			die("job", err);
		j.job_id = p.job_b = jb;
		j.agent = "site-02";
		if (store_job_add(s, &j, err, sizeof(err)) == -1 ||
		    store_pair_add(s, &p, err, sizeof(err)) == -1)
			die("pair", err);
		memset(r, 0, sizeof(r));
		r[0].job_id = ja;
		r[0].agent = "site-01";
		r[1].job_id = jb;
		r[1].agent = "site-02";
		r[0].tenant = r[1].tenant = "acme";
		r[0].trace = r[1].trace = t;
		if (store_job_results(s, r, 2, err, sizeof(err)) == -1)
			die("results", err);
	}
	trace_free(t);
	while ((t0 = now(), n = store_prune(s, 1800000000.0, CTL_PRUNE_BATCH, err,
	    sizeof(err))) > 0) {
		t1 = now();
		batches++;
		rows += n;
		total += t1 - t0;
		if (t1 - t0 > worst)
			worst = t1 - t0;
	}
	if (n == -1)
		die("prune", err);
	printf("prune: %d pairs with two 30-hop traces each, %d pairs a "
	    "batch: %d batches, %d pairs and jobs, mean %.1f ms, longest "
	    "%.1f ms a batch\n", npairs, CTL_PRUNE_BATCH, batches, rows,
	    batches ? total / batches * 1000 : 0, worst * 1000);
	store_close(s);
	return 0;
}

static int
run_count_cb(const struct store_run *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

/*
 * `tracepair history` of a controller watching many sites: nruns runs of
 * 1,000 schedules (each a pair of 2 of 200 agents, every 300 s, in turn),
 * each with a pair and a small analysis, then the newest CTL_HISTORY_DEFAULT
 * runs of one schedule, of one pair of agents, and of the changes only, as
 * ctl_history_request asks store_run_list.
 */
static int
runs(const char *db, int nruns)
{
	struct store	*s = fresh(db);
	sqlite3		*raw;
	sqlite3_stmt	*st, *an;
	char		 err[256], id[32], sched[32], a[16], b[16];
	double		 t0, t1, worst[3] = { 0, 0, 0 }, sum[3] = { 0, 0, 0 };
	int		 i, k, q, n[3] = { 0, 0, 0 }, m;
	static const char *what[3] = { "one schedule", "one pair of agents",
	    "one schedule's changes" };

	store_close(s);
	if (sqlite3_open(db, &raw) != SQLITE_OK ||
	    sqlite3_exec(raw, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw, "INSERT INTO runs (tenant, schedule, mesh,"
	    " slot, started, agent_a, agent_b, pair_id, status, reason,"
	    " changes, prev_pair_id, quick, escalated_from) VALUES ('acme',"
	    " ?1, '', ?2, ?2, ?3, ?4, ?5, 'ok', '', ?6, '', 0, '')", -1, &st,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw, "INSERT INTO analyses (pair_id, json)"
	    " VALUES (?1, '{\"verdict\":\"No fault found\"}')", -1, &an,
	    NULL) != SQLITE_OK)
		die("insert", sqlite3_errmsg(raw));
	for (i = 0; i < nruns; i++) {
		k = i % 1000;
		snprintf(sched, sizeof(sched), "watch-%03d", k);
		snprintf(a, sizeof(a), "site-%03d", k % 200);
		snprintf(b, sizeof(b), "site-%03d", (k / 200 + 1 + k) % 200);
		snprintf(id, sizeof(id), "p-run-%d", i);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, sched, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 2, 1795000000.0 + i * 0.3);
		sqlite3_bind_text(st, 3, a, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, b, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, id, -1, SQLITE_TRANSIENT);
		/* one round in ten changed something */
		sqlite3_bind_text(st, 6, (i / 1000) % 10 ? "[]" :
		    "[{\"kind\":\"routers\"}]", -1, SQLITE_STATIC);
		sqlite3_reset(an);
		sqlite3_bind_text(an, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE ||
		    sqlite3_step(an) != SQLITE_DONE)
			die("insert", sqlite3_errmsg(raw));
	}
	sqlite3_finalize(st);
	sqlite3_finalize(an);
	if (sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("commit", sqlite3_errmsg(raw));
	sqlite3_close(raw);
	if ((s = store_open(db, err, sizeof(err))) == NULL)
		die("open", err);
	for (q = 0; q < 300; q++) {
		k = q % 3;
		m = 0;
		t0 = now();
		if (store_run_list(s, "acme", k == 1 ? NULL : "watch-417",
		    k == 1 ? "site-017" : NULL, k == 1 ? "site-020" : NULL, 0,
		    k == 2, CTL_HISTORY_DEFAULT, run_count_cb, &m, err,
		    sizeof(err)) == -1)
			die("history", err);
		t1 = now();
		n[k] = m;
		sum[k] += t1 - t0;
		if (t1 - t0 > worst[k])
			worst[k] = t1 - t0;
	}
	for (k = 0; k < 3; k++)
		printf("history of runs: %d runs of 1000 schedules stored, %s "
		    "(newest %d: %d): mean %.3f ms, worst %.3f ms over 100 "
		    "queries\n", nruns, what[k], CTL_HISTORY_DEFAULT, n[k],
		    sum[k] / 100 * 1000, worst[k] * 1000);
	/* the pair of agents is schedule 17's (and 417's, 617's: k % 200) */
	if (n[0] != CTL_HISTORY_DEFAULT || n[1] != CTL_HISTORY_DEFAULT ||
	    n[2] != (nruns / 1000 + 9) / 10 || n[2] > CTL_HISTORY_DEFAULT)
		die("history", "wrong number of runs");
	store_close(s);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "ingest") == 0)
		return ingest(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "history") == 0)
		return history(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "prune") == 0)
		return prune(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "runs") == 0)
		return runs(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: store-bench ingest DB N BATCH | history DB "
	    "PAIRS | prune DB PAIRS | runs DB RUNS\n");
	return 2;
}
