/* ctl_sched.c: schedules and meshes: pairs run every N seconds, each at the phase ctl_spread.c gives it, durable across restarts; each run compared with the one before it; history, changes and mesh status for operators. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"
#include "log.h"
#include "wire.h"

/* A run in flight: what its on_finish needs, whatever became of its schedule. */
struct ctl_sched_run {
	TAILQ_ENTRY(ctl_sched_run) entry;	/* ctl->sched_runs */
	char		 tenant[TLS_NAME_LEN];
	char		 name[CTL_SCHED_FULL_MAX + 1];
	long long	 run_id;	/* its runs row */
	int		 escalated;	/* a full pair fired by a quick run */
	int		 done;		/* on_finish ran */
};

double
ctl_sched_next(double now, long every, double phase)
{
	double	 k = floor((now - phase) / (double)every);
	double	 t = phase + k * (double)every;

	while (t <= now)
		t += (double)every;
	return t;
}

int
ctl_sched_due(double next_run, double now, long every, double phase,
    double *slot, long *missed)
{
	if (now < next_run)
		return 0;
	*slot = ctl_sched_next(now, every, phase) - (double)every;
	if (*slot < next_run)
		*slot = next_run;
	*missed = (long)floor((*slot - next_run) / (double)every + 0.5);
	return 1;
}

int
ctl_mesh_order(int n, int hub, int *out)
{
	int	 idx[CTL_MESH_SITES_MAX + 1], m, r, i, a, b, k = 0;

	if (n < 2 || n > CTL_MESH_SITES_MAX)
		return 0;
	if (hub >= 0) {
		for (i = 0; i < n; i++)
			if (i != hub)
				out[k++] = (hub < i ? hub : i) * 256 +
				    (hub < i ? i : hub);
		return k;
	}
	/* The circle method: n - 1 rounds (n even) of disjoint pairs. */
	m = n % 2 == 0 ? n : n + 1;
	for (i = 0; i < m; i++)
		idx[i] = i;
	for (r = 0; r < m - 1; r++) {
		for (i = 0; i < m / 2; i++) {
			a = idx[i];
			b = idx[m - 1 - i];
			if (a < n && b < n)
				out[k++] = (a < b ? a : b) * 256 + (a < b ? b : a);
		}
		/* keep idx[0], turn the rest one step */
		b = idx[m - 1];
		memmove(&idx[2], &idx[1], (size_t)(m - 2) * sizeof(idx[0]));
		idx[1] = b;
	}
	return k;
}

int
ctl_sched_movable(const struct ctl_sched *s, double now)
{
	return !s->mesh_row && !s->paused && s->next_run > now &&
	    (s->last_run <= 0 || now < s->last_run + (double)s->every_s);
}

void
ctl_sched_move(struct ctl_sched *s, double phase, double now)
{
	double	 T = (double)s->every_s, earliest = now, t;

	phase = fmod(phase, T);
	if (phase < 0)
		phase += T;
	if (s->last_run > 0 && s->last_run + T > earliest)
		earliest = s->last_run + T;
	/* at or after earliest, with a microsecond's slack for rounding */
	t = phase + ceil((earliest - phase) / T - 1e-9) * T;
	if (t < earliest - 1e-6)
		t += T;
	s->phase = phase;
	s->next_run = t;
}

struct ctl_sched *
ctl_sched_find(struct ctl *ctl, const char *tenant, const char *name)
{
	struct ctl_sched	*s;

	TAILQ_FOREACH(s, &ctl->scheds, entry)
		if (strcmp(s->name, name) == 0 && strcmp(s->tenant, tenant) == 0)
			return s;
	return NULL;
}

static void
ctl_sched_free(struct ctl_sched *s)
{
	if (s == NULL)
		return;
	free(s->opts);
	free(s->sites);
	free(s->hub);
	free(s->alert_state);
	free(s);
}

/* A schedule as its store row (strings point into s). */
static void
ctl_sched_row(const struct ctl_sched *s, struct store_schedule *c)
{
	memset(c, 0, sizeof(*c));
	c->tenant = s->tenant;
	c->name = s->name;
	c->kind = s->mesh_row ? "mesh" : "pair";
	c->mesh = s->mesh;
	c->agent_a = s->agent[0];
	c->agent_b = s->agent[1];
	c->every_s = s->every_s;
	c->phase = s->phase;
	c->options = s->opts;
	c->options_len = s->opts_len;
	c->quick = s->quick;
	c->paused = s->paused;
	c->timeout_ms = s->timeout_ms;
	c->sites = s->sites ? s->sites : "";
	c->hub = s->hub ? s->hub : "";
	c->created = s->created;
	c->next_run = s->next_run;
	c->last_run = s->last_run;
	c->last_pair = s->last_pair;
	c->alert_state = s->alert_state ? s->alert_state : "";
}

/* A new schedule from a store row.  NULL on memory exhaustion. */
static struct ctl_sched *
ctl_sched_from_row(const struct store_schedule *c)
{
	struct ctl_sched	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	snprintf(s->tenant, sizeof(s->tenant), "%s", c->tenant);
	snprintf(s->name, sizeof(s->name), "%s", c->name);
	s->mesh_row = strcmp(c->kind, "mesh") == 0;
	snprintf(s->mesh, sizeof(s->mesh), "%s", c->mesh ? c->mesh : "");
	snprintf(s->agent[0], sizeof(s->agent[0]), "%s", c->agent_a ?
	    c->agent_a : "");
	snprintf(s->agent[1], sizeof(s->agent[1]), "%s", c->agent_b ?
	    c->agent_b : "");
	s->every_s = c->every_s;
	s->phase = c->phase;
	s->quick = c->quick;
	s->paused = c->paused;
	s->timeout_ms = c->timeout_ms;
	s->created = c->created;
	s->next_run = c->next_run;
	s->last_run = c->last_run;
	snprintf(s->last_pair, sizeof(s->last_pair), "%s", c->last_pair ?
	    c->last_pair : "");
	if (c->options_len > 0) {
		if ((s->opts = malloc(c->options_len)) == NULL)
			goto oom;
		memcpy(s->opts, c->options, c->options_len);
		s->opts_len = c->options_len;
	}
	if ((s->sites = strdup(c->sites ? c->sites : "")) == NULL ||
	    (s->hub = strdup(c->hub ? c->hub : "")) == NULL ||
	    (s->alert_state = strdup(c->alert_state ? c->alert_state :
	    "")) == NULL)
		goto oom;
	return s;
oom:
	ctl_sched_free(s);
	return NULL;
}

struct ctl_sched_load {
	struct ctl	*ctl;
	int		 oom;
};

static void
ctl_sched_load_one(const struct store_schedule *c, void *arg)
{
	struct ctl_sched_load	*l = arg;
	struct ctl_sched	*s;

	if ((s = ctl_sched_from_row(c)) == NULL) {
		l->oom = 1;
		return;
	}
	TAILQ_INSERT_TAIL(&l->ctl->scheds, s, entry);
	l->ctl->nscheds++;
}

int
ctl_sched_load(struct ctl *ctl, char *err, size_t errlen)
{
	struct ctl_sched_load	 l;

	if (store_runs_interrupted(ctl->store, err, errlen) == -1)
		return -1;
	l.ctl = ctl;
	l.oom = 0;
	ctl->sched_since = ctl_now();
	if (store_schedule_list(ctl->store, NULL, ctl_sched_load_one, &l, err,
	    errlen) == -1)
		return -1;
	if (l.oom) {
		snprintf(err, errlen, "schedules: out of memory");
		return -1;
	}
	log_info("%d schedules loaded", ctl->nscheds);
	return 0;
}

void
ctl_sched_free_all(struct ctl *ctl)
{
	struct ctl_sched	*s;
	struct ctl_sched_run	*r;

	while ((s = TAILQ_FIRST(&ctl->scheds)) != NULL) {
		TAILQ_REMOVE(&ctl->scheds, s, entry);
		ctl_sched_free(s);
	}
	ctl->nscheds = 0;
	while ((r = TAILQ_FIRST(&ctl->sched_runs)) != NULL) {
		TAILQ_REMOVE(&ctl->sched_runs, r, entry);
		free(r);
	}
}

/* The schedule's options, decoded.  -1 with a reason. */
static int
ctl_sched_opts(const struct ctl_sched *s, struct probe_opts *o, char *err,
    size_t errlen)
{
	Tracepair__TraceOptions	*m;
	int			 rc;

	if (s->opts_len == 0) {
		probe_opts_init(o);
		return 0;
	}
	if ((m = tracepair__trace_options__unpack(NULL, s->opts_len,
	    s->opts)) == NULL) {
		snprintf(err, errlen, "stored options do not decode");
		return -1;
	}
	rc = wire_opts_from_pb(m, o, err, errlen);
	tracepair__trace_options__free_unpacked(m, NULL);
	return rc;
}

/* The analysis object of a record, parsed (NULL when none). */
static json_t *
ctl_rec_an(const struct ctl_pair_record *rec)
{
	if (rec->json == NULL || rec->json[0] == '\0')
		return NULL;
	return json_loads(rec->json, 0, NULL);
}

static void	 ctl_sched_start(struct ctl *, struct ctl_sched *, double slot,
		    double next_run, const char *escalated_from, double now);

/* A run of a schedule ended: compare, record, alert, escalate. */
static void
ctl_sched_finished(struct ctl *ctl, const struct ctl_pair_record *rec,
    void *arg)
{
	struct ctl_sched_run	*r = arg;
	struct ctl_sched	*s;
	struct ctl_pair_record	 prev;
	struct ctl_run_view	 pv, cv;
	struct store_run	 sr;
	json_t			*changes = NULL, *problems = NULL;
	char			 err[256], *ctext = NULL;
	const char		*prev_id;
	int			 have_prev = 0, alarm = 0;

	r->done = 1;
	s = ctl_sched_find(ctl, r->tenant, r->name);
	memset(&cv, 0, sizeof(cv));
	cv.status = rec->sp.status;
	cv.reason = rec->sp.reason;
	cv.fwd = rec->fwd;
	cv.rev = rec->rev;
	cv.an = ctl_rec_an(rec);
	prev_id = s == NULL ? "" : r->escalated ? s->last_full : s->last_pair;
	if (prev_id[0] != '\0' && ctl_pair_load(ctl, r->tenant, prev_id, &prev,
	    err, sizeof(err)) == 1) {
		have_prev = 1;
		memset(&pv, 0, sizeof(pv));
		pv.status = prev.sp.status;
		pv.reason = prev.sp.reason;
		pv.fwd = prev.fwd;
		pv.rev = prev.rev;
		pv.an = ctl_rec_an(&prev);
	}
	changes = ctl_change_diff(have_prev ? &pv : NULL, &cv);
	problems = ctl_change_problems(&cv);
	if (changes != NULL && json_array_size(changes) > 0)
		ctext = json_dumps(changes, JSON_COMPACT);
	memset(&sr, 0, sizeof(sr));
	sr.run_id = r->run_id;
	sr.pair_id = rec->sp.pair_id;
	sr.status = rec->sp.status;
	sr.reason = rec->sp.reason;
	sr.changes = ctext ? ctext : "";
	sr.prev_pair_id = have_prev ? prev_id : "";
	if (store_run_finish(ctl->store, &sr, err, sizeof(err)) == -1)
		log_warnx("schedule %s: run %lld: %s", r->name, r->run_id, err);
	log_info("schedule %s (%s): run %s %s, %zu changes", r->name,
	    r->tenant, rec->sp.pair_id, rec->sp.status,
	    changes ? json_array_size(changes) : 0);
	if (s != NULL) {
		if (s->running == r)
			s->running = NULL;
		snprintf(s->last_status, sizeof(s->last_status), "%s",
		    rec->sp.status);
		snprintf(s->last_reason, sizeof(s->last_reason), "%s",
		    rec->sp.reason ? rec->sp.reason : "");
		if (r->escalated)
			snprintf(s->last_full, sizeof(s->last_full), "%s",
			    rec->sp.pair_id);
		else {
			snprintf(s->last_pair, sizeof(s->last_pair), "%s",
			    rec->sp.pair_id);
			if (problems != NULL)
				ctl_alert_run(ctl, s, rec->sp.pair_id,
				    rec->sp.agent_a ? rec->sp.agent_a : s->agent[0],
				    rec->sp.agent_b ? rec->sp.agent_b : s->agent[1],
				    changes, problems, ctl_now());
			alarm = s->quick && have_prev && changes != NULL &&
			    ctl_change_alarm(changes);
		}
		if (store_schedule_note(ctl->store, s->tenant, s->name,
		    s->last_pair, s->alert_state, err, sizeof(err)) == -1)
			log_warnx("schedule %s: %s", s->name, err);
	}
	if (have_prev) {
		json_decref(pv.an);
		ctl_pair_record_free(&prev);
	}
	json_decref(cv.an);
	json_decref(changes);
	json_decref(problems);
	free(ctext);
	/* Quick watch: a change fires the full diagnosis at once. */
	if (alarm) {
		log_info("schedule %s: quick run %s shows a change: full pair "
		    "now", s->name, rec->sp.pair_id);
		ctl_sched_start(ctl, s, ctl_now(), 0, rec->sp.pair_id,
		    ctl_now());
	}
}

/* Record a slot skipped with reason (no pair). */
static void
ctl_sched_skip(struct ctl *ctl, struct ctl_sched *s, double slot,
    double next_run, const char *reason, double now)
{
	struct store_run	 sr;
	char			 err[256];

	memset(&sr, 0, sizeof(sr));
	sr.tenant = s->tenant;
	sr.schedule = s->name;
	sr.mesh = s->mesh;
	sr.slot = slot;
	sr.started = now;
	sr.agent_a = s->agent[0];
	sr.agent_b = s->agent[1];
	sr.status = "skipped";
	sr.reason = reason;
	sr.quick = s->quick;
	if (store_run_begin(ctl->store, &sr, next_run, err, sizeof(err)) == -1) {
		log_warnx("schedule %s: %s", s->name, err);
		return;
	}
	s->next_run = next_run;
	s->last_run = slot;
	snprintf(s->last_status, sizeof(s->last_status), "skipped");
	snprintf(s->last_reason, sizeof(s->last_reason), "%s", reason);
	log_info("schedule %s (%s): skipped: %s", s->name, s->tenant, reason);
}

/*
 * Take slot of s and start its pair; next_run is the schedule's next slot
 * (ignored for an escalation, escalated_from not NULL).  The slot is
 * taken in the store before the pair starts: after a crash it is not
 * taken again.
 */
static void
ctl_sched_start(struct ctl *ctl, struct ctl_sched *s, double slot,
    double next_run, const char *escalated_from, double now)
{
	struct ctl_pair_origin	 origin;
	struct ctl_sched_run	*r;
	struct ctl_agent	*ag[2];
	struct probe_opts	 o;
	struct store_run	 sr;
	Tracepair__ErrorCode	 code;
	char			 err[256], why[300], opname[CTL_SCHED_FULL_MAX + 16];
	char			 pid[48];
	int			 i, esc = escalated_from != NULL;

	for (i = 0; i < 2; i++) {
		ag[i] = ctl_registry_find(ctl, s->tenant, s->agent[i]);
		if (ag[i] == NULL || ag[i]->sess == NULL ||
		    ag[i]->sess->state != CTL_SESS_READY) {
			snprintf(why, sizeof(why), "agent %s %s", s->agent[i],
			    ag[i] == NULL ? "unknown" : "offline");
			if (!esc)
				ctl_sched_skip(ctl, s, slot, next_run, why, now);
			return;
		}
	}
	if (!esc && s->running != NULL) {
		ctl_sched_skip(ctl, s, slot, next_run, "the previous run is "
		    "still running", now);
		return;
	}
	if (ctl_sched_opts(s, &o, err, sizeof(err)) == -1) {
		if (!esc)
			ctl_sched_skip(ctl, s, slot, next_run, err, now);
		return;
	}
	if (esc) {
		/* the full diagnosis: a loss measurement as `pair` makes */
		o.loss = 0;
		o.queries = 30;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_warnx("schedule %s: out of memory", s->name);
		return;
	}
	snprintf(r->tenant, sizeof(r->tenant), "%s", s->tenant);
	snprintf(r->name, sizeof(r->name), "%s", s->name);
	r->escalated = esc;
	memset(&sr, 0, sizeof(sr));
	sr.tenant = s->tenant;
	sr.schedule = s->name;
	sr.mesh = s->mesh;
	sr.slot = slot;
	sr.started = now;
	sr.agent_a = s->agent[0];
	sr.agent_b = s->agent[1];
	sr.status = "running";
	sr.quick = s->quick && !esc;
	sr.escalated_from = escalated_from;
	if (store_run_begin(ctl->store, &sr, next_run, err, sizeof(err)) == -1) {
		log_warnx("schedule %s: %s", s->name, err);
		free(r);
		return;
	}
	r->run_id = sr.run_id;
	if (!esc) {
		s->next_run = next_run;
		s->last_run = slot;
		s->running = r;
	}
	TAILQ_INSERT_TAIL(&ctl->sched_runs, r, entry);
	snprintf(opname, sizeof(opname), "schedule %s", s->name);
	memset(&origin, 0, sizeof(origin));
	origin.tenant = s->tenant;
	origin.operator_name = opname;
	origin.on_finish = ctl_sched_finished;
	origin.finish_arg = r;
	origin.id_out = pid;
	pid[0] = '\0';
	if (ctl_pair_start(ctl, &origin, ag[0], ag[1], &o,
	    (uint32_t)s->timeout_ms, &code, err, sizeof(err)) == -1) {
		/* nothing started: the run fails with the reason */
		struct ctl_pair_record	 rec;

		memset(&rec, 0, sizeof(rec));
		rec.sp.pair_id = "";
		rec.sp.status = "failed";
		rec.sp.reason = err;
		rec.sp.agent_a = s->agent[0];
		rec.sp.agent_b = s->agent[1];
		ctl_sched_finished(ctl, &rec, r);
	} else if (!r->done && pid[0] != '\0') {
		/* the pair of a run in flight, for history after a crash */
		sr.pair_id = pid;
		sr.status = "running";
		sr.reason = "";
		sr.changes = "";
		sr.prev_pair_id = "";
		if (store_run_finish(ctl->store, &sr, err, sizeof(err)) == -1)
			log_warnx("schedule %s: %s", s->name, err);
	}
	if (r->done) {
		TAILQ_REMOVE(&ctl->sched_runs, r, entry);
		free(r);
	}
}

/* Forget the finished runs (on_finish ran during the tick). */
static void
ctl_sched_reap(struct ctl *ctl)
{
	struct ctl_sched_run	*r, *next;

	for (r = TAILQ_FIRST(&ctl->sched_runs); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->done) {
			TAILQ_REMOVE(&ctl->sched_runs, r, entry);
			free(r);
		}
	}
}

/* An agent back just now gets this long (s after it connected) to have
   its clock measured before a slot runs without it: the first sync round
   ends within a second or so of Hello. */
#define CTL_SCHED_CLOCK_WAIT	10.0

/*
 * 1 when s's due slot should wait for its agents: an agent not back yet
 * while the controller has just restarted (the grace: agents reconnect
 * with backoff), or an agent back but its clock not measured yet (a pair
 * needs it; without the wait the run failed "clock not measured yet"),
 * for at most CTL_SCHED_CLOCK_WAIT after it connected.  After that the
 * slot runs and fails with the reason, which the run records.
 */
int
ctl_sched_wait(struct ctl *ctl, const struct ctl_sched *s, double now)
{
	struct ctl_agent	*ag;
	int			 i;

	for (i = 0; i < 2; i++) {
		ag = ctl_registry_find(ctl, s->tenant, s->agent[i]);
		if (ag == NULL || ag->sess == NULL ||
		    ag->sess->state != CTL_SESS_READY) {
			if (now - ctl->sched_since <
			    (double)ctl->conf.schedule_grace_s)
				return 1;
			continue;
		}
		if (!ag->clock.synced &&
		    now - ag->sess->opened < CTL_SCHED_CLOCK_WAIT)
			return 1;
	}
	return 0;
}

void
ctl_sched_tick(struct ctl *ctl, double now)
{
	struct ctl_sched	*s;
	double			 slot;
	long			 missed;

	ctl_sched_reap(ctl);
	TAILQ_FOREACH(s, &ctl->scheds, entry) {
		if (s->mesh_row || s->paused || !ctl_sched_due(s->next_run, now,
		    s->every_s, s->phase, &slot, &missed))
			continue;
		/* an agent on its way back, or its clock on its way */
		if (ctl_sched_wait(ctl, s, now))
			continue;
		if (missed > 0)
			log_info("schedule %s (%s): %ld runs missed while the "
			    "controller was down; running once", s->name,
			    s->tenant, missed);
		ctl_sched_start(ctl, s, slot, slot + (double)s->every_s, NULL,
		    now);
	}
	ctl_sched_reap(ctl);
}

/* ---- operator requests */

/* Letters, digits, '-', '_', '.', '~'; at most CTL_SCHED_NAME_MAX. */
static const char *
ctl_sched_name_bad(const char *n)
{
	size_t	 i, len;

	if (n == NULL || n[0] == '\0')
		return "no schedule name";
	if ((len = strlen(n)) > CTL_SCHED_NAME_MAX)
		return "schedule name too long";
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)n[i]) && n[i] != '-' &&
		    n[i] != '_' && n[i] != '.' && n[i] != '~')
			return "schedule name with characters other than "
			    "letters, digits, '-', '_', '.' and '~'";
	return NULL;
}

/* The options of s as one line ("udp ttl 1-30 q 3 quick"). */
static void
ctl_sched_opts_text(const struct ctl_sched *s, char *buf, size_t len)
{
	struct probe_opts	 o;
	char			 err[128];

	if (ctl_sched_opts(s, &o, err, sizeof(err)) == -1) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s ttl %d-%d q %d%s%s%s", trace_method_name(
	    o.method), o.first_ttl, o.max_ttl, o.queries,
	    o.af ? (o.af == 4 ? " -4" : " -6") : "", o.loss > 0 ? " loss" : "",
	    s->quick ? " quick" : "");
}

static Tracepair__ScheduleInfo *
ctl_sched_info(struct ctl *ctl, const struct ctl_sched *s)
{
	Tracepair__ScheduleInfo	*m;
	const struct ctl_sched	*x;
	char			 text[200], *sites, *p, *save = NULL;

	if ((m = malloc(sizeof(*m))) == NULL)
		return NULL;
	tracepair__schedule_info__init(m);
	ctl_sched_opts_text(s, text, sizeof(text));
	m->name = wire_strdup(s->name);
	m->kind = wire_strdup(s->mesh_row ? "mesh" : "pair");
	m->mesh = wire_strdup(s->mesh);
	m->agent_a = wire_strdup(s->agent[0]);
	m->agent_b = wire_strdup(s->agent[1]);
	m->last_pair = wire_strdup(s->last_pair);
	m->last_status = wire_strdup(s->running ? "running" : s->last_status);
	m->last_reason = wire_strdup(s->running ? "" : s->last_reason);
	m->options = wire_strdup(text);
	m->hub = wire_strdup(s->hub);
	m->every_s = (uint32_t)s->every_s;
	m->paused = s->paused;
	m->quick = s->quick;
	m->next_run = s->next_run;
	m->last_run = s->last_run;
	m->created = s->created;
	if (m->name == NULL || m->kind == NULL || m->mesh == NULL ||
	    m->agent_a == NULL || m->agent_b == NULL || m->last_pair == NULL ||
	    m->last_status == NULL || m->last_reason == NULL ||
	    m->options == NULL || m->hub == NULL)
		goto oom;
	if (s->mesh_row) {
		TAILQ_FOREACH(x, &ctl->scheds, entry)
			if (strcmp(x->mesh, s->name) == 0 &&
			    strcmp(x->tenant, s->tenant) == 0)
				m->members++;
		if ((sites = strdup(s->sites ? s->sites : "")) == NULL ||
		    (m->sites = calloc(CTL_MESH_SITES_MAX, sizeof(char *))) ==
		    NULL) {
			free(sites);
			goto oom;
		}
		for (p = strtok_r(sites, ",", &save); p != NULL &&
		    m->n_sites < CTL_MESH_SITES_MAX; p = strtok_r(NULL, ",",
		    &save))
			if ((m->sites[m->n_sites++] = strdup(p)) == NULL) {
				m->n_sites--;
				free(sites);
				goto oom;
			}
		free(sites);
	}
	return m;
oom:
	wire_free(m);
	return NULL;
}

/* Reply with the schedules listed in v (n of them) and msg. */
static void
ctl_sched_reply(struct ctl *ctl, struct ctl_session *op, uint64_t request_id,
    struct ctl_sched **v, size_t n, const char *msg)
{
	Tracepair__ScheduleReply *r;
	frame_env		 env;
	size_t			 i;

	if ((r = malloc(sizeof(*r))) == NULL)
		goto oom;
	tracepair__schedule_reply__init(r);
	if ((r->message = wire_strdup(msg)) == NULL ||
	    (n > 0 && (r->schedules = calloc(n, sizeof(*r->schedules))) ==
	    NULL))
		goto oom;
	for (i = 0; i < n; i++) {
		if ((r->schedules[i] = ctl_sched_info(ctl, v[i])) == NULL)
			goto oom;
		r->n_schedules++;
	}
	tracepair__envelope__init(&env);
	env.request_id = request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_SCHEDULE_REPLY;
	env.schedule_reply = r;
	(void)ctl_send(op, &env);
	wire_free(r);
	return;
oom:
	wire_free(r);
	ctl_reply_error(op, request_id, TRACEPAIR__ERROR_CODE__ERROR_INTERNAL,
	    "out of memory");
}

/* Remove schedule name of tenant and the pairs of the mesh name from memory. */
static int
ctl_sched_forget(struct ctl *ctl, const char *tenant, const char *name)
{
	struct ctl_sched	*s, *next;
	int			 n = 0;

	for (s = TAILQ_FIRST(&ctl->scheds); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (strcmp(s->tenant, tenant) != 0 || (strcmp(s->name,
		    name) != 0 && strcmp(s->mesh, name) != 0))
			continue;
		TAILQ_REMOVE(&ctl->scheds, s, entry);
		ctl->nscheds--;
		/* a run in flight finishes without its schedule */
		ctl_sched_free(s);
		n++;
	}
	return n;
}

int
ctl_sched_add(struct ctl *ctl, struct ctl_sched *s, char *err, size_t errlen)
{
	struct store_schedule	 c;

	ctl_sched_row(s, &c);
	if (store_schedule_put(ctl->store, &c, err, errlen) == -1)
		return -1;
	TAILQ_INSERT_TAIL(&ctl->scheds, s, entry);
	ctl->nscheds++;
	return 0;
}

int
ctl_sched_place(struct ctl *ctl, struct ctl_sched **add, int nadd,
    double now, char *err, size_t errlen)
{
	struct ctl_sched	**moved;
	struct store_schedule	*rows;
	int			 nmoved, k;

	if ((moved = calloc(CTL_SPREAD_MOVES, sizeof(*moved))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	nmoved = ctl_spread_place(ctl, add, nadd, now, moved,
	    CTL_SPREAD_MOVES);
	if ((rows = calloc((size_t)(nadd + nmoved) + 1, sizeof(*rows))) ==
	    NULL) {
		free(moved);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (k = 0; k < nadd; k++)
		ctl_sched_row(add[k], &rows[k]);
	for (k = 0; k < nmoved; k++)
		ctl_sched_row(moved[k], &rows[nadd + k]);
	k = store_schedule_move_many(ctl->store, rows, (size_t)(nadd + nmoved),
	    err, errlen);
	free(rows);
	free(moved);
	return k == -1 ? -1 : nmoved;
}

/* A schedule of the operator's request with its options packed. */
static struct ctl_sched *
ctl_sched_new(struct ctl_session *op, const Tracepair__ScheduleRequest *req,
    const char *name, char *err, size_t errlen)
{
	struct ctl_sched	*s;
	struct probe_opts	 o;

	if (req->every_s < CTL_EVERY_MIN || req->every_s > CTL_EVERY_MAX) {
		snprintf(err, errlen, "every must be %d s to %d s",
		    CTL_EVERY_MIN, CTL_EVERY_MAX);
		return NULL;
	}
	if (req->options != NULL) {
		if (wire_opts_from_pb(req->options, &o, err, errlen) == -1)
			return NULL;
		o.host[0] = '\0';
		snprintf(o.host, sizeof(o.host), "192.0.2.1");
		if (probe_opts_check(&o, err, errlen) == -1 ||
		    probe_opts_fit(&o, (size_t)op->ctl->conf.frame_limit, err,
		    errlen) == -1)
			return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(s->tenant, sizeof(s->tenant), "%s", op->scope);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->every_s = req->every_s;
	s->quick = req->quick;
	s->timeout_ms = req->timeout_ms;
	s->created = ctl_now();
	if (req->options != NULL) {
		s->opts_len = tracepair__trace_options__get_packed_size(
		    req->options);
		if ((s->opts = malloc(s->opts_len + 1)) == NULL)
			goto oom;
		tracepair__trace_options__pack(req->options, s->opts);
	}
	if ((s->sites = strdup("")) == NULL || (s->hub = strdup("")) == NULL ||
	    (s->alert_state = strdup("")) == NULL)
		goto oom;
	return s;
oom:
	ctl_sched_free(s);
	snprintf(err, errlen, "out of memory");
	return NULL;
}

/* A known agent of the operator's tenant, or NULL after an Error reply. */
static struct ctl_agent *
ctl_sched_agent(struct ctl *ctl, struct ctl_session *op, uint64_t request_id,
    const char *name)
{
	struct ctl_agent	*a;
	char			 msg[128];

	if (name == NULL || name[0] == '\0' || strlen(name) >= TLS_NAME_LEN) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, "no agent named");
		return NULL;
	}
	if ((a = ctl_registry_find(ctl, op->scope, name)) == NULL) {
		snprintf(msg, sizeof(msg), "unknown agent %.64s", name);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_UNKNOWN_AGENT, msg);
	}
	return a;
}

static void
ctl_schedule_add(struct ctl *ctl, struct ctl_session *op, uint64_t request_id,
    const Tracepair__ScheduleRequest *req)
{
	struct ctl_sched	*s;
	struct ctl_agent	*a, *b;
	char			 name[CTL_SCHED_FULL_MAX + 1], err[256];
	const char		*why;
	int			 moved;

	if ((a = ctl_sched_agent(ctl, op, request_id, req->agent_a)) == NULL ||
	    (b = ctl_sched_agent(ctl, op, request_id, req->agent_b)) == NULL)
		return;
	if (a == b) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "a pair needs two different agents");
		return;
	}
	if (req->name != NULL && req->name[0] != '\0')
		snprintf(name, sizeof(name), "%s", req->name);
	else
		snprintf(name, sizeof(name), "%s~%s", a->name, b->name);
	if ((why = ctl_sched_name_bad(name)) != NULL) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, why);
		return;
	}
	if (ctl_sched_find(ctl, op->scope, name) != NULL) {
		snprintf(err, sizeof(err), "schedule %s exists", name);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, err);
		return;
	}
	if (ctl->nscheds >= CTL_SCHED_MAX) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "too many schedules");
		return;
	}
	if ((s = ctl_sched_new(op, req, name, err, sizeof(err))) == NULL) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, err);
		return;
	}
	snprintf(s->agent[0], sizeof(s->agent[0]), "%s", a->name);
	snprintf(s->agent[1], sizeof(s->agent[1]), "%s", b->name);
	/* stored at the next tick's phase, then placed (ctl_spread.c) */
	ctl_sched_move(s, s->created + 1, s->created);
	if (ctl_sched_add(ctl, s, err, sizeof(err)) == -1) {
		log_warnx("schedule %s: %s", name, err);
		ctl_sched_free(s);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "store failure");
		return;
	}
	if ((moved = ctl_sched_place(ctl, &s, 1, s->created, err,
	    sizeof(err))) == -1) {
		log_warnx("schedule %s: placing: %s", name, err);
		moved = 0;
	}
	log_info("schedule %s (%s) added by %s: %s <-> %s every %ld s, first "
	    "run in %.0f s; %d other schedule%s moved", name, s->tenant,
	    op->peer.name, a->name, b->name, s->every_s,
	    ceil(s->next_run - s->created), moved, moved == 1 ? "" : "s");
	snprintf(err, sizeof(err), "schedule %s added: first run in %.0f s",
	    name, ceil(s->next_run - s->created));
	if (moved > 0)
		snprintf(err + strlen(err), sizeof(err) - strlen(err),
		    "; %d other schedule%s of these agents moved to spread "
		    "their runs", moved, moved == 1 ? "" : "s");
	ctl_sched_reply(ctl, op, request_id, &s, 1, err);
}

/* Collect the known agents of a tenant (names sorted). */
struct ctl_sched_sites {
	char		 names[CTL_MESH_SITES_MAX][TLS_NAME_LEN];
	int		 n;
	int		 over;
};

static int
ctl_sched_name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
ctl_mesh_add(struct ctl *ctl, struct ctl_session *op, uint64_t request_id,
    const Tracepair__ScheduleRequest *req)
{
	struct ctl_sched_sites	 st;
	struct ctl_sched	*m, *s;
	struct ctl_agent	*a;
	int			 order[CTL_MESH_SITES_MAX * CTL_MESH_SITES_MAX / 2];
	char			 err[300], sites[CTL_MESH_SITES_MAX * (TLS_NAME_LEN + 1)];
	const char		*why;
	size_t			 i;
	struct ctl_sched	**pairs = NULL;
	int			 k, n, hub = -1, x, y, moved;
	double			 now = ctl_now();

	if ((why = ctl_sched_name_bad(req->name)) != NULL) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, why);
		return;
	}
	if (ctl_sched_find(ctl, op->scope, req->name) != NULL) {
		snprintf(err, sizeof(err), "schedule %s exists", req->name);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, err);
		return;
	}
	memset(&st, 0, sizeof(st));
	if (req->n_sites > CTL_MESH_SITES_MAX) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "a mesh has at most 64 sites");
		return;
	}
	if (req->n_sites > 0) {
		for (i = 0; i < req->n_sites; i++) {
			if ((a = ctl_sched_agent(ctl, op, request_id,
			    req->sites[i])) == NULL)
				return;
			for (k = 0; k < st.n; k++)
				if (strcmp(st.names[k], a->name) == 0)
					break;
			if (k == st.n)
				snprintf(st.names[st.n++], TLS_NAME_LEN, "%s",
				    a->name);
		}
	} else {
		TAILQ_FOREACH(a, &ctl->agents, entry) {
			if (strcmp(a->tenant, op->scope) != 0)
				continue;
			if (st.n == CTL_MESH_SITES_MAX) {
				ctl_reply_error(op, request_id,
				    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
				    "more than 64 sites: name them with --sites");
				return;
			}
			snprintf(st.names[st.n++], TLS_NAME_LEN, "%s", a->name);
		}
		qsort(st.names, (size_t)st.n, sizeof(st.names[0]),
		    ctl_sched_name_cmp);
	}
	if (req->hub != NULL && req->hub[0] != '\0') {
		if ((a = ctl_sched_agent(ctl, op, request_id, req->hub)) == NULL)
			return;
		for (k = 0; k < st.n; k++)
			if (strcmp(st.names[k], a->name) == 0)
				hub = k;
		if (hub < 0 && st.n < CTL_MESH_SITES_MAX) {
			snprintf(st.names[st.n], TLS_NAME_LEN, "%s", a->name);
			hub = st.n++;
		}
	}
	if (st.n < 2) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "a mesh needs at least two sites");
		return;
	}
	n = ctl_mesh_order(st.n, hub, order);
	if (ctl->nscheds + n + 1 > CTL_SCHED_MAX) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "too many schedules");
		return;
	}
	if ((m = ctl_sched_new(op, req, req->name, err, sizeof(err))) == NULL) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, err);
		return;
	}
	sites[0] = '\0';
	for (k = 0; k < st.n; k++) {
		if (k > 0)
			strcat(sites, ",");
		strcat(sites, st.names[k]);
	}
	free(m->sites);
	free(m->hub);
	m->mesh_row = 1;
	m->sites = strdup(sites);
	m->hub = strdup(hub >= 0 ? st.names[hub] : "");
	m->next_run = now + 1;
	m->phase = fmod(m->next_run, (double)m->every_s);
	if (m->sites == NULL || m->hub == NULL) {
		ctl_sched_free(m);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	if (ctl_sched_add(ctl, m, err, sizeof(err)) == -1) {
		ctl_sched_free(m);
		goto store_fail;
	}
	/*
	 * The pairs in round-robin order, each placed in turn where it
	 * keeps farthest from the runs its agents already have, the mesh's
	 * earlier pairs included (ctl_spread.c): spread, no burst.
	 */
	if ((pairs = calloc((size_t)n + 1, sizeof(*pairs))) == NULL)
		goto mem_fail;
	for (k = 0; k < n; k++) {
		x = order[k] / 256;
		y = order[k] % 256;
		if ((s = ctl_sched_new(op, req, "", err, sizeof(err))) == NULL)
			goto mem_fail;
		snprintf(s->name, sizeof(s->name), "%s:%s~%s", req->name,
		    st.names[x], st.names[y]);
		snprintf(s->mesh, sizeof(s->mesh), "%s", req->name);
		snprintf(s->agent[0], sizeof(s->agent[0]), "%s", st.names[x]);
		snprintf(s->agent[1], sizeof(s->agent[1]), "%s", st.names[y]);
		ctl_sched_move(s, now + 1 + (double)m->every_s * k / n, now);
		if (ctl_sched_add(ctl, s, err, sizeof(err)) == -1) {
			ctl_sched_free(s);
			goto store_fail;
		}
		pairs[k] = s;
	}
	if ((moved = ctl_sched_place(ctl, pairs, n, now, err,
	    sizeof(err))) == -1)
		goto store_fail;
	free(pairs);
	pairs = NULL;
	log_info("mesh %s (%s) added by %s: %d sites, %d pairs every %ld s%s%s;"
	    " %d other schedule%s moved", m->name, m->tenant, op->peer.name,
	    st.n, n, m->every_s, hub >= 0 ? ", hub " : "",
	    hub >= 0 ? st.names[hub] : "", moved, moved == 1 ? "" : "s");
	snprintf(err, sizeof(err), "mesh %s added: %d sites, %d pairs every "
	    "%ld s, each first within one interval", m->name, st.n, n,
	    m->every_s);
	if (moved > 0)
		snprintf(err + strlen(err), sizeof(err) - strlen(err),
		    "; %d other schedule%s of these agents moved to spread "
		    "their runs", moved, moved == 1 ? "" : "s");
	ctl_sched_reply(ctl, op, request_id, &m, 1, err);
	return;
mem_fail:
	snprintf(err, sizeof(err), "out of memory");
store_fail:
	free(pairs);
	log_warnx("mesh %s: %s", req->name, err);
	/* undo what was added */
	(void)store_schedule_del(ctl->store, op->scope, req->name, err,
	    sizeof(err));
	ctl_sched_forget(ctl, op->scope, req->name);
	ctl_reply_error(op, request_id, TRACEPAIR__ERROR_CODE__ERROR_INTERNAL,
	    "store failure");
}

/* list: pair schedules and meshes (a mesh's pairs only with show MESH). */
static void
ctl_schedule_list(struct ctl *ctl, struct ctl_session *op, uint64_t request_id,
    const char *name)
{
	struct ctl_sched	*s, **v;
	size_t			 n = 0;

	if ((v = calloc((size_t)ctl->nscheds + 1, sizeof(*v))) == NULL) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	TAILQ_FOREACH(s, &ctl->scheds, entry) {
		if (strcmp(s->tenant, op->scope) != 0)
			continue;
		if (name == NULL ? s->mesh[0] == '\0' :
		    strcmp(s->name, name) == 0 || strcmp(s->mesh, name) == 0)
			v[n++] = s;
	}
	if (name != NULL && n == 0) {
		free(v);
		/* another tenant's schedule reads as one never made */
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND, "no such schedule");
		return;
	}
	ctl_sched_reply(ctl, op, request_id, v, n, "");
	free(v);
}

static void
ctl_schedule_change(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id, const char *action, const char *name)
{
	struct ctl_sched	*s;
	char			 err[256];
	int			 rc, paused = strcmp(action, "pause") == 0;

	if (name == NULL || strlen(name) > CTL_SCHED_FULL_MAX ||
	    ctl_sched_find(ctl, op->scope, name) == NULL) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND, "no such schedule");
		return;
	}
	if (strcmp(action, "rm") == 0)
		rc = store_schedule_del(ctl->store, op->scope, name, err,
		    sizeof(err));
	else
		rc = store_schedule_pause(ctl->store, op->scope, name,
		    paused, err, sizeof(err));
	if (rc == -1) {
		log_warnx("schedule %s: %s", name, err);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "store failure");
		return;
	}
	if (strcmp(action, "rm") == 0)
		rc = ctl_sched_forget(ctl, op->scope, name);
	else {
		rc = 0;
		TAILQ_FOREACH(s, &ctl->scheds, entry)
			if (strcmp(s->tenant, op->scope) == 0 &&
			    (strcmp(s->name, name) == 0 ||
			    strcmp(s->mesh, name) == 0)) {
				s->paused = paused;
				rc++;
				/* resumed: the next slot from now, none missed */
				if (!paused && s->next_run < ctl_now())
					s->next_run = ctl_sched_next(ctl_now(),
					    s->every_s, s->phase);
			}
	}
	log_info("schedule %s (%s): %s by %s", name, op->scope, action,
	    op->peer.name);
	snprintf(err, sizeof(err), "schedule %s: %s (%d schedule%s)", name,
	    strcmp(action, "rm") == 0 ? "removed" : paused ? "paused" :
	    "resumed", rc, rc == 1 ? "" : "s");
	ctl_sched_reply(ctl, op, request_id, NULL, 0, err);
}

void
ctl_schedule_request(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id, const Tracepair__ScheduleRequest *req)
{
	const char	*a = req->action ? req->action : "";

	if (strcmp(a, "add") == 0)
		ctl_schedule_add(ctl, op, request_id, req);
	else if (strcmp(a, "mesh-add") == 0)
		ctl_mesh_add(ctl, op, request_id, req);
	else if (strcmp(a, "list") == 0)
		ctl_schedule_list(ctl, op, request_id, NULL);
	else if (strcmp(a, "show") == 0)
		ctl_schedule_list(ctl, op, request_id, req->name ? req->name :
		    "");
	else if (strcmp(a, "pause") == 0 || strcmp(a, "resume") == 0 ||
	    strcmp(a, "rm") == 0)
		ctl_schedule_change(ctl, op, request_id, a, req->name);
	else
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "unknown schedule action");
}

/* ---- history and changes */

struct ctl_history_fill {
	Tracepair__HistoryReply	*r;
	size_t			 max, size, budget;
	int			 oom;
};

static int
ctl_history_add(const struct store_run *sr, void *arg)
{
	struct ctl_history_fill	*f = arg;
	Tracepair__RunInfo	*m;
	char			 verdict[512];
	size_t			 n;

	if (f->r->n_runs >= f->max)
		return 1;
	if ((m = malloc(sizeof(*m))) == NULL) {
		f->oom = 1;
		return 1;
	}
	tracepair__run_info__init(m);
	snprintf(verdict, sizeof(verdict), "%s", sr->verdict ? sr->verdict : "");
	verdict[strcspn(verdict, "\n")] = '\0';
	m->pair_id = wire_strdup(sr->pair_id);
	m->schedule = wire_strdup(sr->schedule);
	m->mesh = wire_strdup(sr->mesh);
	m->agent_a = wire_strdup(sr->agent_a);
	m->agent_b = wire_strdup(sr->agent_b);
	m->status = wire_strdup(sr->status);
	m->reason = wire_strdup(sr->reason);
	m->verdict = wire_strdup(verdict);
	m->changes_json = wire_strdup(sr->changes);
	m->prev_pair_id = wire_strdup(sr->prev_pair_id);
	m->escalated_from = wire_strdup(sr->escalated_from);
	m->slot = sr->slot;
	m->started = sr->started;
	m->quick = sr->quick;
	if (m->pair_id == NULL || m->schedule == NULL || m->mesh == NULL ||
	    m->agent_a == NULL || m->agent_b == NULL || m->status == NULL ||
	    m->reason == NULL || m->verdict == NULL || m->changes_json == NULL ||
	    m->prev_pair_id == NULL || m->escalated_from == NULL) {
		wire_free(m);
		f->oom = 1;
		return 1;
	}
	n = tracepair__run_info__get_packed_size(m) + 6;
	if (f->size + n > f->budget) {
		wire_free(m);
		f->r->truncated = 1;
		return 1;
	}
	f->size += n;
	f->r->runs[f->r->n_runs++] = m;
	return 0;
}

void
ctl_history_request(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id, const Tracepair__HistoryRequest *req)
{
	struct ctl_history_fill	 f;
	Tracepair__HistoryReply	*r = NULL;
	frame_env		 env;
	const char		*a = NULL, *b = NULL, *sched = NULL;
	char			 err[256];
	size_t			 limit;

	if (req->agent_a != NULL && req->agent_a[0] != '\0') {
		a = req->agent_a;
		b = req->agent_b ? req->agent_b : "";
	}
	if (req->schedule != NULL && req->schedule[0] != '\0')
		sched = req->schedule;
	if ((a != NULL && (strlen(a) >= TLS_NAME_LEN ||
	    strlen(b) >= TLS_NAME_LEN)) || (sched != NULL &&
	    strlen(sched) > CTL_SCHED_FULL_MAX) ||
	    !isfinite(req->since) || req->since < 0) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "bad agent, schedule or since");
		return;
	}
	limit = req->limit == 0 ? CTL_HISTORY_DEFAULT : req->limit;
	if (limit > CTL_HISTORY_MAX)
		limit = CTL_HISTORY_MAX;
	if ((r = malloc(sizeof(*r))) == NULL)
		goto oom;
	tracepair__history_reply__init(r);
	if ((r->runs = calloc(limit, sizeof(*r->runs))) == NULL)
		goto oom;
	memset(&f, 0, sizeof(f));
	f.r = r;
	f.max = limit;
	f.budget = ((size_t)ctl->conf.frame_limit < FRAME_LIMIT_DEFAULT ?
	    (size_t)ctl->conf.frame_limit : FRAME_LIMIT_DEFAULT) - 64;
	if (store_run_list(ctl->store, op->scope, sched, a, b,
	    req->since, req->changes_only, (int)limit, ctl_history_add, &f,
	    err, sizeof(err)) == -1) {
		log_warnx("history for %s (%s): %s", op->peer.name,
		    op->scope, err);
		wire_free(r);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "store failure");
		return;
	}
	if (f.oom)
		goto oom;
	tracepair__envelope__init(&env);
	env.request_id = request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_HISTORY_REPLY;
	env.history_reply = r;
	(void)ctl_send(op, &env);
	wire_free(r);
	return;
oom:
	wire_free(r);
	ctl_reply_error(op, request_id, TRACEPAIR__ERROR_CODE__ERROR_INTERNAL,
	    "out of memory");
}

/* ---- mesh status: the latest run of each of its pairs, ranked */

void
ctl_mesh_status_request(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id, const Tracepair__MeshStatusRequest *req)
{
	struct ctl_sched	*m, *s;
	struct ctl_culprit_pair	*cp = NULL;
	struct ctl_pair_record	*recs = NULL;
	Tracepair__MeshStatusReply r;
	frame_env		 env;
	json_t			*rank = NULL, *c, *p;
	char			 err[256], line[600], **fl = NULL;
	Tracepair__Culprit	*cv = NULL, **cvp = NULL;
	int			 n = 0, np = 0, i, cleared = 0;
	size_t			 k, j;

	if (req->name == NULL || ctl_sched_name_bad(req->name) != NULL ||
	    (m = ctl_sched_find(ctl, op->scope, req->name)) == NULL ||
	    !m->mesh_row) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND, "no such mesh");
		return;
	}
	TAILQ_FOREACH(s, &ctl->scheds, entry)
		if (strcmp(s->mesh, m->name) == 0 &&
		    strcmp(s->tenant, m->tenant) == 0)
			np++;
	if ((cp = calloc((size_t)np + 1, sizeof(*cp))) == NULL ||
	    (recs = calloc((size_t)np + 1, sizeof(*recs))) == NULL ||
	    (fl = calloc((size_t)np + 1, sizeof(*fl))) == NULL)
		goto oom;
	tracepair__mesh_status_reply__init(&r);
	r.mesh = m->name;
	r.pairs = (uint32_t)np;
	r.failing_pairs = fl;
	TAILQ_FOREACH(s, &ctl->scheds, entry) {
		if (strcmp(s->mesh, m->name) != 0 ||
		    strcmp(s->tenant, m->tenant) != 0 || s->last_pair[0] == '\0')
			continue;
		if (ctl_pair_load(ctl, s->tenant, s->last_pair, &recs[n], err,
		    sizeof(err)) != 1)
			continue;
		cp[n].label = s->name + strlen(m->name) + 1;
		cp[n].fwd = recs[n].fwd;
		cp[n].rev = recs[n].rev;
		cp[n].an = ctl_rec_an(&recs[n]);
		cp[n].failing = strcmp(recs[n].sp.status, "ok") != 0 ||
		    json_array_size(json_object_get(cp[n].an, "suspects")) > 0;
		if (r.round_start == 0 || recs[n].sp.created < r.round_start)
			r.round_start = recs[n].sp.created;
		if (cp[n].failing) {
			snprintf(line, sizeof(line), "%s: %s", cp[n].label,
			    strcmp(recs[n].sp.status, "ok") != 0 ?
			    recs[n].sp.reason : json_string_value(
			    json_object_get(cp[n].an, "verdict")) ?
			    json_string_value(json_object_get(cp[n].an,
			    "verdict")) : "?");
			line[strcspn(line, "\n")] = '\0';
			if ((fl[r.n_failing_pairs] = strdup(line)) == NULL) {
				n++;
				goto oom;
			}
			r.n_failing_pairs++;
			r.failing++;
		}
		n++;
	}
	r.measured = (uint32_t)n;
	if ((rank = ctl_culprit_rank(cp, n, &cleared)) == NULL)
		goto oom;
	r.cleared = (uint32_t)cleared;
	if ((cv = calloc(json_array_size(rank) + 1, sizeof(*cv))) == NULL ||
	    (cvp = calloc(json_array_size(rank) + 1, sizeof(*cvp))) == NULL)
		goto oom;
	json_array_foreach(rank, k, c) {
		tracepair__culprit__init(&cv[k]);
		cv[k].kind = (char *)(uintptr_t)json_string_value(
		    json_object_get(c, "kind"));
		cv[k].label = (char *)(uintptr_t)json_string_value(
		    json_object_get(c, "label"));
		cv[k].failing_pairs = (uint32_t)json_integer_value(
		    json_object_get(c, "failing_pairs"));
		p = json_object_get(c, "pairs");
		cv[k].n_pairs = json_array_size(p);
		if ((cv[k].pairs = calloc(cv[k].n_pairs + 1,
		    sizeof(char *))) == NULL)
			goto oom;
		for (j = 0; j < cv[k].n_pairs; j++)
			cv[k].pairs[j] = (char *)(uintptr_t)json_string_value(
			    json_array_get(p, j));
		cvp[k] = &cv[k];
		r.n_culprits++;
	}
	r.culprits = cvp;
	tracepair__envelope__init(&env);
	env.request_id = request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_MESH_STATUS_REPLY;
	env.mesh_status_reply = &r;
	(void)ctl_send(op, &env);
	goto done;
oom:
	ctl_reply_error(op, request_id, TRACEPAIR__ERROR_CODE__ERROR_INTERNAL,
	    "out of memory");
done:
	for (k = 0; cv != NULL && cvp != NULL && k < json_array_size(rank); k++)
		free(cv[k].pairs);
	free(cv);
	free(cvp);
	json_decref(rank);
	for (i = 0; i < n; i++) {
		json_decref(cp[i].an);
		ctl_pair_record_free(&recs[i]);
	}
	for (i = 0; fl != NULL && i < np; i++)
		free(fl[i]);
	free(fl);
	free(cp);
	free(recs);
}
