/* store.h: the controller's durable store (agents, jobs, traces, pairs, analyses) behind one small interface. */
#ifndef TRACEPAIR_STORE_H
#define TRACEPAIR_STORE_H

#include <stddef.h>

#include "trace.h"

/*
 * One implementation today: store_sqlite.c (SQLite, WAL, synchronous=FULL
 * so that a result is on disk before its ResultAck tells the agent to
 * drop its spooled copy; results arriving together share one commit,
 * store_job_results).  Every function returns -1 with a one-line reason
 * on failure and never exits.  Times are UNIX seconds (UTC).  The
 * interface is what a second backend (PostgreSQL, docs/scaling.md) must
 * provide: no SQL crosses it.
 */
struct store;

/*
 * How long a write waits for another writer of the database (SQLite's
 * busy timeout): results and jobs wait STORE_BUSY_MS, then fail (an
 * unstored result is not acknowledged and stays in the agent's spool);
 * registry rows, a copy of memory rewritten every second, wait only
 * STORE_CACHE_BUSY_MS.
 */
#define STORE_BUSY_MS		5000
#define STORE_CACHE_BUSY_MS	100

/* An agent as last seen (registry rows survive restarts). */
struct store_agent {
	const char	*name;	/* CN of its certificate */
	const char	*tenant;	/* O of its certificate */
	const char	*version;	/* Hello.software */
	const char	*address;	/* peer address of its last connection */
	const char	*probe_addr4;	/* "" when none */
	const char	*probe_addr6;	/* "" when none */
	double		 connected_since;	/* 0 when offline */
	double		 last_seen;	/* its last message */
	double		 offset_ms;	/* agent clock - controller clock */
	double		 rtt_ms;	/* best ping RTT */
};

/* A job sent to one agent. */
struct store_job {
	const char	*job_id;	/* unique per controller run */
	const char	*agent;	/* who runs it */
	const char	*tenant;	/* O of its certificate */
	const char	*pair_id;	/* NULL for a single trace */
	const char	*host;		/* destination */
	const char	*options;	/* options as text, for the record */
	double		 created;	/* when it was made */
	double		 start_at;	/* controller clock, 0 = now */
};

/* A paired trace and how it ended. */
struct store_pair {
	const char	*pair_id;	/* unique per controller run */
	const char	*tenant;	/* O of its certificate */
	const char	*operator_name;	/* who asked (certificate CN) */
	const char	*agent_a;	/* forward source */
	const char	*agent_b;	/* reverse source */
	const char	*job_a;	/* job of agent_a (A -> B) */
	const char	*job_b;	/* job of agent_b (B -> A) */
	double		 created;	/* when it was made */
	double		 start_at;	/* common start instant, controller clock */
	const char	*status;	/* "running", "ok", "partial", "failed" */
	const char	*reason;	/* "" when ok */
	double		 skew_ms;	/* measured start difference */
};

/*
 * Open (create) the database at path; "-" or ":memory:" for a private one.
 * The schema is brought to this release's version first (migrations run
 * in order, each in one transaction); a database from a newer release is
 * refused.
 */
struct store	*store_open(const char *path, char *err, size_t errlen);
void		 store_close(struct store *);
/*
 * Delete every row of every table (AUTOINCREMENT counters too), the
 * schema kept: an empty store again, without the cost of creating one
 * (the fuzz target of the controller's handlers starts each input so).
 * -1 with a reason.
 */
int		 store_clear(struct store *, char *err, size_t errlen);

/* Insert or update an agent row (key: tenant + name). */
int	 store_agent_put(struct store *, const struct store_agent *,
	    char *err, size_t errlen);
/*
 * Several agent rows in one transaction (the registry flushes what
 * changed once a second, so 5,000 agents do not mean 5,000 commits).
 * Waits at most STORE_CACHE_BUSY_MS for a locked database.
 */
int	 store_agent_put_many(struct store *, const struct store_agent *,
	    size_t n, char *err, size_t errlen);
/* Called for each stored agent of tenant (NULL = all), by name. */
typedef void (*store_agent_cb)(const struct store_agent *, void *arg);
int	 store_agent_list(struct store *, const char *tenant, store_agent_cb,
	    void *arg, char *err, size_t errlen);
/* Mark every agent offline (at start-up: nothing is connected yet). */
int	 store_agents_all_offline(struct store *, char *err, size_t errlen);

int	 store_job_add(struct store *, const struct store_job *, char *err,
	    size_t errlen);
/* What store_job_result did with a result. */
enum store_result {
	STORE_RESULT_FAILED = -1,	/* the store failed (err says why): nothing stored */
	STORE_RESULT_DUPLICATE = 0,	/* a result was already stored: ignore it, but ack it */
	STORE_RESULT_STORED = 1,	/* stored */
	STORE_RESULT_NOT_OWNER = 2,	/* the job is another agent's or tenant's: nothing
					 * stored (a result is only its own agent's word) */
	STORE_RESULT_NO_JOB = 3		/* no such job: nothing stored (every job is stored
					 * before it is sent, so only a lost database or a
					 * forger sends one) */
};
/*
 * Record the outcome of a job, sent by agent of tenant: a trace (stored as
 * trace JSON) or an error line.
 */
enum store_result store_job_result(struct store *, const char *job_id,
	    const char *agent, const char *tenant, const struct trace *,
	    const char *error, double received, char *err, size_t errlen);
/* One result of a batch: in, and res out. */
struct store_result_in {
	const char	*job_id;
	const char	*agent;		/* who sent it (certificate CN) */
	const char	*tenant;	/* O of its certificate */
	const struct trace *trace;	/* or NULL and */
	const char	*error;		/* an error line */
	double		 received;
	enum store_result res;		/* what was done with it */
};
/*
 * store_job_result for n results in one transaction (one commit): 0 when
 * it committed (each res says what was done with its result), -1 when
 * nothing was stored (every res STORE_RESULT_FAILED).
 */
int	 store_job_results(struct store *, struct store_result_in *, size_t n,
	    char *err, size_t errlen);
/*
 * The stored trace of job_id: 1 and *out (trace_free) when there is one,
 * 0 when none is stored, -1 on failure.  *error_out, when not NULL, gets
 * a malloc'd copy of the job's error line (or NULL); *received, when not
 * NULL, when the result was stored (0 when none is).
 */
int	 store_job_trace(struct store *, const char *job_id,
	    struct trace **out, char **error_out, double *received, char *err,
	    size_t errlen);
/* Mark jobs and pairs still running from a previous run as failed. */
int	 store_fail_unfinished(struct store *, const char *reason,
	    char *err, size_t errlen);

int	 store_pair_add(struct store *, const struct store_pair *, char *err,
	    size_t errlen);
int	 store_pair_finish(struct store *, const char *pair_id,
	    const char *status, const char *reason, double skew_ms,
	    char *err, size_t errlen);
/*
 * Read a pair: 1 found (strings in *out point into a buffer freed by
 * store_pair_free), 0 not found, -1 failure.
 */
int	 store_pair_get(struct store *, const char *pair_id,
	    struct store_pair *out, char *err, size_t errlen);
void	 store_pair_free(struct store_pair *);
/*
 * Called for each pair store_pair_list finds, with the verdict of its
 * analysis ("" when it has none); strings live until the callback returns.
 * Return 0 to go on, 1 to stop the listing there.
 */
typedef int (*store_pair_cb)(const struct store_pair *, const char *verdict,
    void *arg);
/*
 * The pairs of tenant (NULL = every tenant, for an MSP operator), newest
 * first (by created): only those where agent (NULL = any) is A or B and
 * created at or after since (0 = any), at most limit (> 0) of them.
 * Indexes keep it a short walk at 100,000 pairs.
 */
int	 store_pair_list(struct store *, const char *tenant, const char *agent,
	    double since, int limit, store_pair_cb, void *arg, char *err,
	    size_t errlen);
/*
 * The runs of one pair of agents, either way round (A -> B and B -> A),
 * as store_pair_list: newest first, since, at most limit.
 */
int	 store_pair_history(struct store *, const char *tenant,
	    const char *agent_a, const char *agent_b, double since, int limit,
	    store_pair_cb, void *arg, char *err, size_t errlen);
/*
 * Retention: remove about max of the oldest finished pairs (with their
 * jobs, traces and analysis) and single traces created before `before`,
 * in one short transaction that waits at most STORE_CACHE_BUSY_MS for a
 * lock.  How many pairs and jobs went (0: none older is left), -1 on
 * failure.  Called in batches from the event loop (ctl_prune).
 */
int	 store_prune(struct store *, double before, int max, char *err,
	    size_t errlen);

int	 store_analysis_put(struct store *, const char *pair_id,
	    const char *json, const char *report, char *err, size_t errlen);
/* 1 and malloc'd copies, 0 none, -1 failure. */
int	 store_analysis_get(struct store *, const char *pair_id, char **json,
	    char **report, char *err, size_t errlen);

/*
 * ---- Schedules, meshes, runs and alerts (issue 16; ctl_sched.c and
 * ctl_alert.c).  Their tables are made by store_schema_msp() in
 * store_sqlite.c, called from store_open().
 */

/* A schedule: a pair run every every_s seconds, or a mesh of them. */
struct store_schedule {
	const char	*tenant;	/* O of the certificates */
	const char	*name;		/* unique per tenant */
	const char	*kind;		/* "pair" or "mesh" (a mesh row is not run) */
	const char	*mesh;		/* a pair of a mesh: its name, else "" */
	const char	*agent_a, *agent_b;	/* kind pair */
	long		 every_s;	/* interval */
	double		 phase;		/* seconds into each interval it runs at */
	const void	*options;	/* packed TraceOptions */
	size_t		 options_len;
	int		 quick;		/* quick runs, escalated on a change */
	int		 paused;
	long		 timeout_ms;	/* 0: the controller's default */
	const char	*sites;		/* mesh: comma-separated */
	const char	*hub;		/* mesh: "" full mesh */
	double		 created;
	double		 next_run;	/* next slot due */
	double		 last_run;	/* last slot taken (0 none) */
	const char	*last_pair;	/* pair of the last finished run ("" none) */
	const char	*alert_state;	/* ctl_alert.c's JSON ("" none) */
};

/* A run of a schedule (a slot taken, or skipped with a reason). */
struct store_run {
	long long	 run_id;	/* set by store_run_begin */
	const char	*tenant;
	const char	*schedule;
	const char	*mesh;		/* "" none */
	double		 slot;		/* the instant it was due */
	double		 started;	/* when it was taken */
	const char	*agent_a, *agent_b;
	const char	*pair_id;	/* "" when none (skipped) */
	const char	*status;	/* "running", "ok", "partial", "failed",
					   "skipped", "interrupted" */
	const char	*reason;
	const char	*changes;	/* JSON array, "" none */
	const char	*prev_pair_id;	/* "" none */
	int		 quick;
	const char	*escalated_from;	/* the quick run's pair, "" none */
	const char	*verdict;	/* store_run_list only: its analysis */
};

/* Insert or replace a schedule (every field). */
int	 store_schedule_put(struct store *, const struct store_schedule *,
	    char *err, size_t errlen);
/* Set phase and next_run of n schedules (by tenant and name), one transaction. */
int	 store_schedule_move_many(struct store *, const struct store_schedule *,
	    size_t n, char *err, size_t errlen);
/*
 * Remove schedule name of tenant and, for a mesh, its pairs.  1 removed,
 * 0 none such, -1 failure.
 */
int	 store_schedule_del(struct store *, const char *tenant,
	    const char *name, char *err, size_t errlen);
/* Set paused on name and on the pairs of the mesh name.  1, 0 none, -1. */
int	 store_schedule_pause(struct store *, const char *tenant,
	    const char *name, int paused, char *err, size_t errlen);
/* Every schedule (tenant NULL) or a tenant's, by name. */
typedef void (*store_schedule_cb)(const struct store_schedule *, void *arg);
int	 store_schedule_list(struct store *, const char *tenant,
	    store_schedule_cb, void *arg, char *err, size_t errlen);
/* What the last run of a schedule left: its pair and the alert state. */
int	 store_schedule_note(struct store *, const char *tenant,
	    const char *name, const char *last_pair, const char *alert_state,
	    char *err, size_t errlen);
/*
 * Take a slot: insert run r (its run_id set) and move the schedule's
 * next_run (and last_run to r->slot, unless r is an escalation), in one
 * transaction, so that a slot taken before a crash is never taken again.
 */
int	 store_run_begin(struct store *, struct store_run *r, double next_run,
	    char *err, size_t errlen);
/* How a run ended (pair_id, status, reason, changes, prev_pair_id). */
int	 store_run_finish(struct store *, const struct store_run *r,
	    char *err, size_t errlen);
/* Runs left "running" by a previous controller become "interrupted". */
int	 store_runs_interrupted(struct store *, char *err, size_t errlen);
/*
 * Runs of tenant, newest first: of schedule (or of the mesh so named;
 * NULL any), between agents a and b either way round (NULL any), started
 * at or after since, only those with changes when changes_only.  cb
 * returns 1 to stop.  Strings live until it returns.
 */
typedef int (*store_run_cb)(const struct store_run *, void *arg);
int	 store_run_list(struct store *, const char *tenant,
	    const char *schedule, const char *a, const char *b, double since,
	    int changes_only, int limit, store_run_cb, void *arg, char *err,
	    size_t errlen);
/* The run that made pair_id: 1 and *out (strings until the next call), 0 none. */
int	 store_run_of_pair(struct store *, const char *pair_id, char **changes,
	    char **prev_pair_id, char *err, size_t errlen);

/* One alert delivery waiting (or done), one per action. */
struct store_alert {
	long long	 alert_id;
	const char	*tenant;
	const char	*schedule;
	const char	*action;	/* "command" or "webhook" */
	const char	*target;	/* the command line or the URL */
	const char	*body;		/* the alert JSON */
	double		 created;
	int		 attempts;	/* deliveries tried */
	double		 next_try;	/* UNIX time */
};
/* Queue an alert; durable when it returns. */
int	 store_alert_add(struct store *, const struct store_alert *,
	    char *err, size_t errlen);
/*
 * Undelivered alerts due at now (next_try <= now), oldest first, at most
 * limit; only the oldest undelivered alert of a schedule and action (the
 * others wait for it: delivered in the order queued).
 */
typedef void (*store_alert_cb)(const struct store_alert *, void *arg);
int	 store_alert_due(struct store *, double now, int limit,
	    store_alert_cb, void *arg, char *err, size_t errlen);
/*
 * The outcome of one delivery: delivered, or failed with error and
 * tried again at next_try.
 */
int	 store_alert_result(struct store *, long long alert_id, int delivered,
	    const char *error, double next_try, char *err, size_t errlen);

#endif
