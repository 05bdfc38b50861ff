/* store_sqlite.c: the controller store (store.h) on SQLite in WAL mode. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

/* An open database. */
struct store {
	sqlite3		*db;
};

static const char store_schema[] =
	"CREATE TABLE IF NOT EXISTS agents ("
	" tenant TEXT NOT NULL, name TEXT NOT NULL, version TEXT,"
	" address TEXT, probe_addr4 TEXT, probe_addr6 TEXT,"
	" connected_since REAL, last_seen REAL, offset_ms REAL, rtt_ms REAL,"
	" PRIMARY KEY (tenant, name));"
	"CREATE TABLE IF NOT EXISTS jobs ("
	" job_id TEXT PRIMARY KEY, agent TEXT, tenant TEXT, pair_id TEXT,"
	" host TEXT, options TEXT, created REAL, start_at REAL,"
	" status TEXT NOT NULL DEFAULT 'running', error TEXT, finished REAL);"
	"CREATE TABLE IF NOT EXISTS traces ("
	" job_id TEXT PRIMARY KEY, agent TEXT, received REAL,"
	" json TEXT, error TEXT);"
	"CREATE TABLE IF NOT EXISTS pairs ("
	" pair_id TEXT PRIMARY KEY, tenant TEXT, operator TEXT,"
	" agent_a TEXT, agent_b TEXT, job_a TEXT, job_b TEXT,"
	" created REAL, start_at REAL, status TEXT, reason TEXT,"
	" skew_ms REAL, finished REAL);"
	"CREATE TABLE IF NOT EXISTS analyses ("
	" pair_id TEXT PRIMARY KEY, json TEXT, report TEXT, created REAL);"
	"CREATE INDEX IF NOT EXISTS jobs_pair ON jobs(pair_id);"
	"CREATE INDEX IF NOT EXISTS pairs_tenant_created ON pairs(tenant, created);";

static int
store_fail(struct store *s, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "store: %s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

static int
store_exec(struct store *s, const char *sql, char *err, size_t errlen)
{
	char	*msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "store: %s", msg ? msg : "exec failed");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "store: out of memory");
		return NULL;
	}
	if (strcmp(path, "-") == 0)
		path = ":memory:";
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "store: %s: %s", path,
		    s->db ? sqlite3_errmsg(s->db) : "cannot open");
		sqlite3_close(s->db);
		free(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (store_exec(s, "PRAGMA journal_mode=WAL;", err, errlen) == -1 ||
	    store_exec(s, "PRAGMA synchronous=FULL;", err, errlen) == -1 ||
	    store_exec(s, store_schema, err, errlen) == -1) {
		char tmp[256];
		snprintf(tmp, sizeof(tmp), "%s", err);
		snprintf(err, errlen, "%s (%s)", tmp, path);
		store_close(s);
		return NULL;
	}
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

/* Prepare sql.  NULL with a reason. */
static sqlite3_stmt *
store_prep(struct store *s, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_fail(s, "prepare", err, errlen);
		return NULL;
	}
	return st;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* Step a statement that returns no rows, then finalize it. */
static int
store_done(struct store *s, sqlite3_stmt *st, const char *what, char *err,
    size_t errlen)
{
	int	 rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, what, err, errlen);
	return 0;
}

static const char agent_upsert_sql[] =
	"INSERT INTO agents (tenant, name, version, address, probe_addr4,"
	" probe_addr6, connected_since, last_seen, offset_ms, rtt_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	" ON CONFLICT (tenant, name) DO UPDATE SET version = ?3,"
	" address = ?4, probe_addr4 = ?5, probe_addr6 = ?6,"
	" connected_since = ?7, last_seen = ?8, offset_ms = ?9, rtt_ms = ?10";

static int
store_agent_bind_step(struct store *s, sqlite3_stmt *st,
    const struct store_agent *a, char *err, size_t errlen)
{
	int	 rc;

	sqlite3_reset(st);
	bind_text(st, 1, a->tenant ? a->tenant : "");
	bind_text(st, 2, a->name);
	bind_text(st, 3, a->version);
	bind_text(st, 4, a->address);
	bind_text(st, 5, a->probe_addr4);
	bind_text(st, 6, a->probe_addr6);
	sqlite3_bind_double(st, 7, a->connected_since);
	sqlite3_bind_double(st, 8, a->last_seen);
	sqlite3_bind_double(st, 9, a->offset_ms);
	sqlite3_bind_double(st, 10, a->rtt_ms);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return store_fail(s, "agent", err, errlen);
	return 0;
}

int
store_agent_put(struct store *s, const struct store_agent *a, char *err,
    size_t errlen)
{
	return store_agent_put_many(s, a, 1, err, errlen);
}

static int
store_agent_put_rows(struct store *s, const struct store_agent *a, size_t n,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	size_t		 i;

	if ((st = store_prep(s, agent_upsert_sql, err, errlen)) == NULL)
		return -1;
	if (store_exec(s, "BEGIN", err, errlen) == -1) {
		sqlite3_finalize(st);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (a[i].name == NULL ||
		    store_agent_bind_step(s, st, &a[i], err, errlen) == -1) {
			if (a[i].name == NULL)
				snprintf(err, errlen, "store: agent without a name");
			sqlite3_finalize(st);
			(void)store_exec(s, "ROLLBACK", err + strlen(err),
			    errlen - strlen(err));
			return -1;
		}
	sqlite3_finalize(st);
	return store_exec(s, "COMMIT", err, errlen);
}

int
store_agent_put_many(struct store *s, const struct store_agent *a, size_t n,
    char *err, size_t errlen)
{
	int	 rc;

	if (n == 0)
		return 0;
	/*
	 * Registry rows copy what the controller holds in memory and are
	 * written again a second later: with the database locked they give
	 * up after a short wait, so that the event loop goes on to results
	 * (which do wait the full STORE_BUSY_MS) instead of blocking five
	 * seconds every second.
	 */
	sqlite3_busy_timeout(s->db, STORE_CACHE_BUSY_MS);
	rc = store_agent_put_rows(s, a, n, err, errlen);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	return rc;
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

int
store_agent_list(struct store *s, const char *tenant, store_agent_cb cb,
    void *arg, char *err, size_t errlen)
{
	struct store_agent	 a;
	sqlite3_stmt		*st;
	int			 rc;

	st = store_prep(s, "SELECT tenant, name, version, address, probe_addr4,"
	    " probe_addr6, connected_since, last_seen, offset_ms, rtt_ms"
	    " FROM agents WHERE ?1 IS NULL OR tenant = ?1 ORDER BY name",
	    err, errlen);
	if (st == NULL)
		return -1;
	bind_text(st, 1, tenant);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a.tenant = col_text(st, 0);
		a.name = col_text(st, 1);
		a.version = col_text(st, 2);
		a.address = col_text(st, 3);
		a.probe_addr4 = col_text(st, 4);
		a.probe_addr6 = col_text(st, 5);
		a.connected_since = sqlite3_column_double(st, 6);
		a.last_seen = sqlite3_column_double(st, 7);
		a.offset_ms = sqlite3_column_double(st, 8);
		a.rtt_ms = sqlite3_column_double(st, 9);
		cb(&a, arg);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, "agent list", err, errlen);
	return 0;
}

int
store_agents_all_offline(struct store *s, char *err, size_t errlen)
{
	return store_exec(s, "UPDATE agents SET connected_since = 0", err,
	    errlen);
}

int
store_job_add(struct store *s, const struct store_job *j, char *err,
    size_t errlen)
{
	sqlite3_stmt	*st;

	st = store_prep(s, "INSERT INTO jobs (job_id, agent, tenant, pair_id,"
	    " host, options, created, start_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
	    err, errlen);
	if (st == NULL)
		return -1;
	bind_text(st, 1, j->job_id);
	bind_text(st, 2, j->agent);
	bind_text(st, 3, j->tenant);
	bind_text(st, 4, j->pair_id);
	bind_text(st, 5, j->host);
	bind_text(st, 6, j->options);
	sqlite3_bind_double(st, 7, j->created);
	sqlite3_bind_double(st, 8, j->start_at);
	return store_done(s, st, "job", err, errlen);
}

enum store_result
store_job_result(struct store *s, const char *job_id, const char *agent,
    const char *tenant, const struct trace *t, const char *error,
    double received, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	char		*json = NULL;
	enum store_result res;
	int		 changed, rc;

	if (t != NULL && (json = trace_to_json(t, 0)) == NULL) {
		snprintf(err, errlen, "store: cannot encode the trace");
		return STORE_RESULT_FAILED;
	}
	if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) == -1) {
		free(json);
		return STORE_RESULT_FAILED;
	}
	/* Only the job's own agent may store its result. */
	st = store_prep(s, "SELECT agent IS ?2 AND tenant IS ?3 FROM jobs"
	    " WHERE job_id = ?1", err, errlen);
	if (st == NULL)
		goto fail;
	bind_text(st, 1, job_id);
	bind_text(st, 2, agent);
	bind_text(st, 3, tenant);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		res = sqlite3_column_int(st, 0) ? STORE_RESULT_STORED :
		    STORE_RESULT_NOT_OWNER;
	else if (rc == SQLITE_DONE)
		res = STORE_RESULT_NO_JOB;
	else {
		(void)store_fail(s, "job", err, errlen);	/* before finalize */
		res = STORE_RESULT_FAILED;
	}
	sqlite3_finalize(st);
	if (res == STORE_RESULT_FAILED)
		goto fail;
	if (res != STORE_RESULT_STORED) {
		free(json);
		if (store_exec(s, "ROLLBACK", err, errlen) == -1)
			return STORE_RESULT_FAILED;
		return res;
	}
	st = store_prep(s, "INSERT OR IGNORE INTO traces (job_id, agent,"
	    " received, json, error) VALUES (?1, ?2, ?3, ?4, ?5)", err, errlen);
	if (st == NULL)
		goto fail;
	bind_text(st, 1, job_id);
	bind_text(st, 2, agent);
	sqlite3_bind_double(st, 3, received);
	bind_text(st, 4, json);
	bind_text(st, 5, t == NULL ? (error ? error : "") : NULL);
	if (store_done(s, st, "trace", err, errlen) == -1)
		goto fail;
	changed = sqlite3_changes(s->db);
	if (changed) {
		st = store_prep(s, "UPDATE jobs SET status = ?2, error = ?3,"
		    " finished = ?4 WHERE job_id = ?1", err, errlen);
		if (st == NULL)
			goto fail;
		bind_text(st, 1, job_id);
		bind_text(st, 2, t ? "done" : "failed");
		bind_text(st, 3, t ? NULL : error);
		sqlite3_bind_double(st, 4, received);
		if (store_done(s, st, "job", err, errlen) == -1)
			goto fail;
	}
	free(json);
	if (store_exec(s, "COMMIT", err, errlen) == -1)
		return STORE_RESULT_FAILED;
	return changed ? STORE_RESULT_STORED : STORE_RESULT_DUPLICATE;
fail:
	free(json);
	{
		char	 dummy[64];
		(void)store_exec(s, "ROLLBACK", dummy, sizeof(dummy));
	}
	return STORE_RESULT_FAILED;
}

/*
 * Step sql with key as ?1 to its first row.  1 with *stp on that row (the
 * caller finalizes it), 0 when there is none, -1 with a reason.
 */
static int
store_row(struct store *s, const char *sql, const char *key, const char *what,
    sqlite3_stmt **stp, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prep(s, sql, err, errlen)) == NULL)
		return -1;
	bind_text(st, 1, key);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*stp = st;
		return 1;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(s, what, err, errlen);
}

int
store_job_trace(struct store *s, const char *job_id, struct trace **out,
    char **error_out, double *received, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	const char	*json;
	int		 rc;

	*out = NULL;
	if (error_out)
		*error_out = NULL;
	if (received)
		*received = 0;
	if ((rc = store_row(s, "SELECT json, error, received FROM traces"
	    " WHERE job_id = ?1", job_id, "trace", &st, err, errlen)) != 1)
		return rc;
	if (received)
		*received = sqlite3_column_double(st, 2);
	if ((json = (const char *)sqlite3_column_text(st, 0)) != NULL) {
		*out = trace_from_json(json, strlen(json), err, errlen);
		if (*out == NULL) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	if (error_out && sqlite3_column_text(st, 1) != NULL)
		*error_out = strdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return 1;
}

int
store_fail_unfinished(struct store *s, const char *reason, char *err,
    size_t errlen)
{
	sqlite3_stmt	*st;

	st = store_prep(s, "UPDATE pairs SET status = 'failed', reason = ?1"
	    " WHERE status = 'running'", err, errlen);
	if (st == NULL)
		return -1;
	bind_text(st, 1, reason);
	if (store_done(s, st, "pairs", err, errlen) == -1)
		return -1;
	st = store_prep(s, "UPDATE jobs SET status = 'failed', error = ?1"
	    " WHERE status = 'running'", err, errlen);
	if (st == NULL)
		return -1;
	bind_text(st, 1, reason);
	return store_done(s, st, "jobs", err, errlen);
}

int
store_pair_add(struct store *s, const struct store_pair *p, char *err,
    size_t errlen)
{
	sqlite3_stmt	*st;

	st = store_prep(s, "INSERT INTO pairs (pair_id, tenant, operator,"
	    " agent_a, agent_b, job_a, job_b, created, start_at, status,"
	    " reason, skew_ms) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
	    err, errlen);
	if (st == NULL)
		return -1;
	bind_text(st, 1, p->pair_id);
	bind_text(st, 2, p->tenant);
	bind_text(st, 3, p->operator_name);
	bind_text(st, 4, p->agent_a);
	bind_text(st, 5, p->agent_b);
	bind_text(st, 6, p->job_a);
	bind_text(st, 7, p->job_b);
	sqlite3_bind_double(st, 8, p->created);
	sqlite3_bind_double(st, 9, p->start_at);
	bind_text(st, 10, p->status ? p->status : "running");
	bind_text(st, 11, p->reason ? p->reason : "");
	sqlite3_bind_double(st, 12, p->skew_ms);
	return store_done(s, st, "pair", err, errlen);
}

int
store_pair_finish(struct store *s, const char *pair_id, const char *status,
    const char *reason, double skew_ms, char *err, size_t errlen)
{
	sqlite3_stmt	*st;

	st = store_prep(s, "UPDATE pairs SET status = ?2, reason = ?3,"
	    " skew_ms = ?4, finished = strftime('%s','now') WHERE pair_id = ?1",
	    err, errlen);
	if (st == NULL)
		return -1;
	bind_text(st, 1, pair_id);
	bind_text(st, 2, status);
	bind_text(st, 3, reason ? reason : "");
	sqlite3_bind_double(st, 4, skew_ms);
	if (store_done(s, st, "pair", err, errlen) == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		snprintf(err, errlen, "store: no pair %s", pair_id);
		return -1;
	}
	return 0;
}

int
store_pair_get(struct store *s, const char *pair_id, struct store_pair *out,
    char *err, size_t errlen)
{
	static const int textcols[] = { 0, 1, 2, 3, 4, 5, 6, 9, 10 };
	const char	**dst[9];
	sqlite3_stmt	*st;
	size_t		 total = 0, i, n;
	char		*buf, *p;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_row(s, "SELECT pair_id, tenant, operator, agent_a,"
	    " agent_b, job_a, job_b, created, start_at, status, reason, skew_ms"
	    " FROM pairs WHERE pair_id = ?1", pair_id, "pair", &st, err,
	    errlen)) != 1)
		return rc;
	dst[0] = &out->pair_id;
	dst[1] = &out->tenant;
	dst[2] = &out->operator_name;
	dst[3] = &out->agent_a;
	dst[4] = &out->agent_b;
	dst[5] = &out->job_a;
	dst[6] = &out->job_b;
	dst[7] = &out->status;
	dst[8] = &out->reason;
	/* One block for every string: pair_id is its start (store_pair_free). */
	for (i = 0; i < 9; i++)
		total += strlen(col_text(st, textcols[i])) + 1;
	if ((buf = malloc(total)) == NULL) {
		sqlite3_finalize(st);
		snprintf(err, errlen, "store: out of memory");
		return -1;
	}
	for (p = buf, i = 0; i < 9; i++) {
		n = strlen(col_text(st, textcols[i])) + 1;
		memcpy(p, col_text(st, textcols[i]), n);
		*dst[i] = p;
		p += n;
	}
	out->created = sqlite3_column_double(st, 7);
	out->start_at = sqlite3_column_double(st, 8);
	out->skew_ms = sqlite3_column_double(st, 11);
	sqlite3_finalize(st);
	return 1;
}

void
store_pair_free(struct store_pair *p)
{
	free((void *)(uintptr_t)p->pair_id);
	memset(p, 0, sizeof(*p));
}

int
store_pair_list(struct store *s, const char *tenant, const char *agent,
    double since, int limit, store_pair_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct store_pair	 p;
	sqlite3_stmt		*st;
	int			 rc;

	if (tenant == NULL || limit <= 0) {
		snprintf(err, errlen, "store: pair list without a tenant or "
		    "a limit");
		return -1;
	}
	/* Ties on created (same instant) go newest row first. */
	st = store_prep(s, "SELECT p.pair_id, p.tenant, p.operator, p.agent_a,"
	    " p.agent_b, p.job_a, p.job_b, p.created, p.start_at, p.status,"
	    " p.reason, p.skew_ms, CASE WHEN json_valid(a.json) THEN"
	    " json_extract(a.json, '$.verdict') END"
	    " FROM pairs p LEFT JOIN analyses a ON a.pair_id = p.pair_id"
	    " WHERE p.tenant = ?1 AND (?2 IS NULL OR p.agent_a = ?2 OR"
	    " p.agent_b = ?2) AND p.created >= ?3"
	    " ORDER BY p.created DESC, p.rowid DESC LIMIT ?4", err, errlen);
	if (st == NULL)
		return -1;
	bind_text(st, 1, tenant);
	bind_text(st, 2, agent);
	sqlite3_bind_double(st, 3, since);
	sqlite3_bind_int(st, 4, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		p.pair_id = col_text(st, 0);
		p.tenant = col_text(st, 1);
		p.operator_name = col_text(st, 2);
		p.agent_a = col_text(st, 3);
		p.agent_b = col_text(st, 4);
		p.job_a = col_text(st, 5);
		p.job_b = col_text(st, 6);
		p.created = sqlite3_column_double(st, 7);
		p.start_at = sqlite3_column_double(st, 8);
		p.status = col_text(st, 9);
		p.reason = col_text(st, 10);
		p.skew_ms = sqlite3_column_double(st, 11);
		if (cb(&p, col_text(st, 12), arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, "pair list", err, errlen);
	return 0;
}

int
store_analysis_put(struct store *s, const char *pair_id, const char *json,
    const char *report, char *err, size_t errlen)
{
	sqlite3_stmt	*st;

	st = store_prep(s, "INSERT OR REPLACE INTO analyses (pair_id, json,"
	    " report, created) VALUES (?1, ?2, ?3, strftime('%s','now'))",
	    err, errlen);
	if (st == NULL)
		return -1;
	bind_text(st, 1, pair_id);
	bind_text(st, 2, json);
	bind_text(st, 3, report);
	return store_done(s, st, "analysis", err, errlen);
}

int
store_analysis_get(struct store *s, const char *pair_id, char **json,
    char **report, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	*json = *report = NULL;
	if ((rc = store_row(s, "SELECT json, report FROM analyses WHERE"
	    " pair_id = ?1", pair_id, "analysis", &st, err, errlen)) != 1)
		return rc;
	*json = strdup(col_text(st, 0));
	*report = strdup(col_text(st, 1));
	sqlite3_finalize(st);
	if (*json == NULL || *report == NULL) {
		free(*json);
		free(*report);
		*json = *report = NULL;
		snprintf(err, errlen, "store: out of memory");
		return -1;
	}
	return 1;
}
