/* ctl_history.c: stored pairs: a pair's record read back and its PairReply built (for ctl_pair.c too); PairsRequest lists a tenant's pairs, PairGetRequest returns one as it was answered. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "followup.h"
#include "log.h"
#include "wire.h"

/* Room kept in a frame for the Envelope around a PairsReply's list. */
#define CTL_PAIRS_SLACK		256

/* A PairsReply being filled by store_pair_list. */
struct ctl_pairs_fill {
	Tracepair__PairsReply *r;	/* the reply; r->pairs has room for max */
	size_t		 max;		/* entries r->pairs can take */
	size_t		 size;		/* encoded bytes of the entries so far */
	size_t		 budget;	/* bytes the entries may take */
	int		 oom;		/* memory ran out */
};

/* ---- a stored pair's record and its PairReply */

void
ctl_pair_record_free(struct ctl_pair_record *rec)
{
	store_pair_free(&rec->sp);
	trace_free(rec->fwd);
	trace_free(rec->rev);
	free(rec->json);
	free(rec->report);
	memset(rec, 0, sizeof(*rec));
}

/*
 * The follow-up round's traces named by rec's analysis ("follow_up",
 * docs/analysis.md) merged into rec->fwd and rec->rev (followup_merge),
 * as the pair's answer had them.  -1 with a reason.
 */
static int
ctl_pair_load_rounds(struct ctl *ctl, struct ctl_pair_record *rec, char *err,
    size_t errlen)
{
	char		 jobs[2][FOLLOWUP_JOB_LEN];
	struct trace	**t, *more, *m;
	int		 d, rc;

	if (followup_jobs(rec->json, jobs) != 1)
		return 0;
	for (d = 0; d < 2; d++) {
		if (jobs[d][0] == '\0')
			continue;
		if ((rc = store_job_trace(ctl->store, jobs[d], &more, NULL, NULL,
		    err, errlen)) == -1)
			return -1;
		if (rc == 0)
			continue;
		t = d == 0 ? &rec->fwd : &rec->rev;
		m = followup_merge(*t, more, NULL, NULL);
		trace_free(more);
		if (m == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		trace_free(*t);
		*t = m;
	}
	return 0;
}

int
ctl_pair_load(struct ctl *ctl, const char *tenant, const char *pair_id,
    struct ctl_pair_record *rec, char *err, size_t errlen)
{
	double	 ra = 0, rb = 0;
	int	 rc, failed, both;

	memset(rec, 0, sizeof(*rec));
	if ((rc = store_pair_get(ctl->store, pair_id, &rec->sp, err,
	    errlen)) != 1)
		return rc;
	/* Another tenant's pair is as absent as one never made. */
	if (tenant != NULL && strcmp(rec->sp.tenant, tenant) != 0) {
		ctl_pair_record_free(rec);
		return 0;
	}
	if ((rec->sp.job_a[0] != '\0' && store_job_trace(ctl->store,
	    rec->sp.job_a, &rec->fwd, NULL, &ra, err, errlen) == -1) ||
	    (rec->sp.job_b[0] != '\0' && store_job_trace(ctl->store,
	    rec->sp.job_b, &rec->rev, NULL, &rb, err, errlen) == -1) ||
	    store_analysis_get(ctl->store, pair_id, &rec->json, &rec->report,
	    err, errlen) == -1) {
		ctl_pair_record_free(rec);
		return -1;
	}
	/* after a follow-up round: each direction's rounds merged, as answered */
	if (rec->fwd != NULL && rec->rev != NULL && rec->json != NULL &&
	    ctl_pair_load_rounds(ctl, rec, err, errlen) == -1) {
		ctl_pair_record_free(rec);
		return -1;
	}
	/*
	 * A result stored after its pair ended (past the deadline, or resent
	 * after a reconnect) was not part of the answer: a failed pair had
	 * no trace, a partial one only the trace that was stored first.
	 */
	failed = strcmp(rec->sp.status, "failed") == 0;
	both = strcmp(rec->sp.status, "partial") == 0 && rec->fwd != NULL &&
	    rec->rev != NULL;
	if (failed || (both && ra > rb)) {
		trace_free(rec->fwd);
		rec->fwd = NULL;
	}
	if (failed || (both && ra <= rb)) {
		trace_free(rec->rev);
		rec->rev = NULL;
	}
	return 1;
}

int
ctl_pair_reply_fill(Tracepair__PairReply *r, const struct ctl_pair_record *rec)
{
	tracepair__pair_reply__init(r);
	r->pair_id = (char *)(uintptr_t)rec->sp.pair_id;
	r->status = (char *)(uintptr_t)rec->sp.status;
	r->reason = (char *)(uintptr_t)(rec->sp.reason ? rec->sp.reason : "");
	r->skew_ms = rec->sp.skew_ms;
	r->analysis_json = rec->json ? rec->json : (char *)(uintptr_t)"";
	r->report_text = rec->report ? rec->report : (char *)(uintptr_t)"";
	if ((rec->fwd && (r->forward = wire_trace_to_pb(rec->fwd)) == NULL) ||
	    (rec->rev && (r->reverse = wire_trace_to_pb(rec->rev)) == NULL)) {
		ctl_pair_reply_clear(r);
		return -1;
	}
	return 0;
}

void
ctl_pair_reply_clear(Tracepair__PairReply *r)
{
	wire_free(r->forward);
	wire_free(r->reverse);
	r->forward = r->reverse = NULL;
}

void
ctl_pair_reply_send(struct ctl_session *op, uint64_t request_id,
    const struct ctl_pair_record *rec)
{
	frame_env		 env;
	Tracepair__PairReply	 r;

	if (ctl_pair_reply_fill(&r, rec) == -1) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	tracepair__envelope__init(&env);
	env.request_id = request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_PAIR_REPLY;
	env.pair_reply = &r;
	(void)ctl_send(op, &env);
	ctl_pair_reply_clear(&r);
}

/* ---- PairsRequest, PairGetRequest */

/* The first line of a verdict, as a new string. */
static char *
ctl_first_line(const char *s)
{
	size_t	 n = strcspn(s, "\r\n");
	char	*l;

	if ((l = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(l, s, n);
	l[n] = '\0';
	return l;
}

/* store_pair_cb: one PairSummary, unless it would pass the frame budget. */
static int
ctl_pairs_add(const struct store_pair *p, const char *verdict, void *arg)
{
	struct ctl_pairs_fill	*f = arg;
	Tracepair__PairSummary	*m;
	size_t			 n;

	if (f->r->n_pairs >= f->max)
		return 1;
	if ((m = malloc(sizeof(*m))) == NULL) {
		f->oom = 1;
		return 1;
	}
	tracepair__pair_summary__init(m);
	m->pair_id = wire_strdup(p->pair_id);
	m->agent_a = wire_strdup(p->agent_a);
	m->agent_b = wire_strdup(p->agent_b);
	m->operator_name = wire_strdup(p->operator_name);
	m->status = wire_strdup(p->status);
	m->reason = wire_strdup(p->reason);
	m->tenant = wire_strdup(p->tenant);
	m->verdict = ctl_first_line(verdict);
	m->created = p->created;
	m->skew_ms = p->skew_ms;
	if (m->pair_id == NULL || m->agent_a == NULL || m->agent_b == NULL ||
	    m->operator_name == NULL || m->status == NULL ||
	    m->reason == NULL || m->verdict == NULL || m->tenant == NULL) {
		wire_free(m);
		f->oom = 1;
		return 1;
	}
	/* The entry, its tag and its length (a varint of at most 5 bytes). */
	n = tracepair__pair_summary__get_packed_size(m) + 6;
	if (f->size + n > f->budget) {
		wire_free(m);
		f->r->truncated = 1;
		return 1;
	}
	f->size += n;
	f->r->pairs[f->r->n_pairs++] = m;
	return 0;
}

void
ctl_pairs_request(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id, const Tracepair__PairsRequest *req)
{
	struct ctl_pairs_fill	 f;
	frame_env		 env;
	Tracepair__PairsReply	*r;
	const char		*agent = NULL;
	char			 err[256];
	size_t			 limit;

	if (req->agent != NULL && req->agent[0] != '\0') {
		if (strlen(req->agent) >= TLS_NAME_LEN) {
			ctl_reply_error(op, request_id,
			    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
			    "agent name too long");
			return;
		}
		agent = req->agent;
	}
	if (!isfinite(req->since) || req->since < 0) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "since must be a UNIX time (0 for any)");
		return;
	}
	limit = req->limit == 0 ? CTL_PAIRS_DEFAULT : req->limit;
	if (limit > CTL_PAIRS_MAX)
		limit = CTL_PAIRS_MAX;
	if ((r = malloc(sizeof(*r))) == NULL)
		goto oom;
	tracepair__pairs_reply__init(r);
	if ((r->pairs = calloc(limit, sizeof(*r->pairs))) == NULL)
		goto oom;
	memset(&f, 0, sizeof(f));
	f.r = r;
	f.max = limit;
	/* The CLI reads at most FRAME_LIMIT_DEFAULT, whatever ours is. */
	f.budget = (size_t)ctl->conf.frame_limit < FRAME_LIMIT_DEFAULT ?
	    (size_t)ctl->conf.frame_limit : FRAME_LIMIT_DEFAULT;
	f.budget -= CTL_PAIRS_SLACK;
	if (store_pair_list(ctl->store, ctl_op_tenant(op), agent, req->since,
	    (int)limit, ctl_pairs_add, &f, err, sizeof(err)) == -1) {
		log_warnx("pairs for %s (%s): %s", op->peer.name,
		    op->peer.tenant, err);
		wire_free(r);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "store failure");
		return;
	}
	if (f.oom)
		goto oom;
	tracepair__envelope__init(&env);
	env.request_id = request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_PAIRS_REPLY;
	env.pairs_reply = r;
	log_debug("pairs for %s (%s): %zu%s", op->peer.name, op->peer.tenant,
	    r->n_pairs, r->truncated ? " (truncated)" : "");
	(void)ctl_send(op, &env);
	wire_free(r);
	return;
oom:
	wire_free(r);
	ctl_reply_error(op, request_id, TRACEPAIR__ERROR_CODE__ERROR_INTERNAL,
	    "out of memory");
}

/* Ids are made by ctl_new_id ("p-PREFIX-N"). */
const char *
ctl_pair_id_bad(const char *id)
{
	size_t	 i, n;

	if (id == NULL || id[0] == '\0')
		return "no pair id";
	if ((n = strlen(id)) > CTL_PAIR_ID_MAX)
		return "pair id too long";
	for (i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= '0' && id[i] <= '9') || id[i] == '-' ||
		    id[i] == '_' || id[i] == '.'))
			return "pair id with characters other than letters, "
			    "digits, '-', '_' and '.'";
	return NULL;
}

/* A PairGetReply body, packed with request_id 0, shared by the sends. */
struct ctl_rcache {
	char		 tenant[TLS_NAME_LEN];
	char		 id[CTL_PAIR_ID_MAX + 1];
	uint8_t		*body;		/* packed Envelope */
	size_t		 len;
	double		 at;		/* UNIX time built */
	int		 refs;		/* output buffers holding body */
	int		 live;		/* in ctl->rcache */
};

static void
ctl_rcache_unref(const void *data, size_t len, void *arg)
{
	struct ctl_rcache	*c = arg;

	(void)data;
	(void)len;
	if (--c->refs == 0 && !c->live) {
		free(c->body);
		free(c);
	}
}

static void
ctl_rcache_drop(struct ctl *ctl, int i)
{
	struct ctl_rcache	*c = ctl->rcache[i];

	ctl->rcache[i] = NULL;
	if (c == NULL)
		return;
	c->live = 0;
	if (c->refs == 0) {
		free(c->body);
		free(c);
	}
}

void
ctl_rcache_free(struct ctl *ctl)
{
	int	 i;

	for (i = 0; i < CTL_RCACHE_N; i++)
		ctl_rcache_drop(ctl, i);
}

/* The fresh cached reply of tenant's pair id (tenant NULL: any), or NULL. */
static struct ctl_rcache *
ctl_rcache_find(struct ctl *ctl, const char *tenant, const char *id)
{
	struct ctl_rcache	*c;
	double			 now = ctl_now();
	int			 i;

	for (i = 0; i < CTL_RCACHE_N; i++) {
		if ((c = ctl->rcache[i]) == NULL)
			continue;
		if (now - c->at > CTL_RCACHE_SECS || now < c->at) {
			ctl_rcache_drop(ctl, i);
			continue;
		}
		if (strcmp(c->id, id) == 0 && (tenant == NULL ||
		    strcmp(c->tenant, tenant) == 0))
			return c;
	}
	return NULL;
}

/* Keep env (request_id 0) packed as tenant's pair id; NULL out of memory. */
static struct ctl_rcache *
ctl_rcache_add(struct ctl *ctl, const char *tenant, const char *id,
    const frame_env *env)
{
	struct ctl_rcache	*c;
	int			 i, oldest = 0;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->len = tracepair__envelope__get_packed_size(env);
	if (c->len == 0 || (c->body = malloc(c->len)) == NULL) {
		free(c);
		return NULL;
	}
	tracepair__envelope__pack(env, c->body);
	snprintf(c->tenant, sizeof(c->tenant), "%s", tenant);
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->at = ctl_now();
	for (i = 0; i < CTL_RCACHE_N; i++) {
		if (ctl->rcache[i] == NULL) {
			oldest = i;
			break;
		}
		if (ctl->rcache[i]->at < ctl->rcache[oldest]->at)
			oldest = i;
	}
	ctl_rcache_drop(ctl, oldest);
	c->live = 1;
	ctl->rcache[oldest] = c;
	return c;
}

/* Send a cached reply to request_id of op (refused when it cannot). */
static void
ctl_rcache_send(struct ctl_session *op, uint64_t request_id,
    struct ctl_rcache *c)
{
	char	 err[256];

	if (op->state == CTL_SESS_CLOSING)
		return;
	c->refs++;
	if (frame_conn_send_body(op->fc, request_id, c->body, c->len,
	    ctl_rcache_unref, c, err, sizeof(err)) == -1) {
		ctl_rcache_unref(c->body, c->len, c);
		log_warnx("%s: cannot send pair_get_reply: %s", ctl_who(op),
		    err);
		ctl_session_refuse(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, err);
	}
}

void
ctl_pair_get_request(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id, const Tracepair__PairGetRequest *req)
{
	struct ctl_rcache	*c;
	struct ctl_pair_record	 rec;
	frame_env		 env;
	Tracepair__PairGetReply	 g;
	Tracepair__PairReply	 r;
	const char		*why;
	char			 err[256], msg[128], *changes = NULL, *prev = NULL;
	int			 rc;

	if ((why = ctl_pair_id_bad(req->pair_id)) != NULL) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, why);
		return;
	}
	/*
	 * A finished pair's reply is built once: asked again (a pipelining
	 * operator asks thousands of times) it costs a reference, not a
	 * load, a parse and an encoding of up to a frame.  Cached under the
	 * pair's tenant; an MSP operator seeing every tenant matches any.
	 */
	if ((c = ctl_rcache_find(ctl, ctl_op_tenant(op), req->pair_id)) != NULL) {
		ctl_rcache_send(op, request_id, c);
		return;
	}
	rc = ctl_pair_load(ctl, ctl_op_tenant(op), req->pair_id, &rec, err,
	    sizeof(err));
	if (rc == -1) {
		log_warnx("pair %s for %s (%s): %s", req->pair_id,
		    op->peer.name, op->peer.tenant, err);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "store failure");
		return;
	}
	if (rc == 0) {
		snprintf(msg, sizeof(msg), "no such pair %s", req->pair_id);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND, msg);
		return;
	}
	if (ctl_pair_reply_fill(&r, &rec) == -1) {
		ctl_pair_record_free(&rec);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	tracepair__pair_get_reply__init(&g);
	g.pair = &r;
	g.agent_a = (char *)(uintptr_t)rec.sp.agent_a;
	g.agent_b = (char *)(uintptr_t)rec.sp.agent_b;
	g.operator_name = (char *)(uintptr_t)rec.sp.operator_name;
	g.created = rec.sp.created;
	g.tenant = (char *)(uintptr_t)rec.sp.tenant;
	/* a scheduled run: its changes to the run before it */
	if (store_run_of_pair(ctl->store, rec.sp.pair_id, &changes, &prev, err,
	    sizeof(err)) == 1) {
		g.changes_json = changes;
		g.prev_pair_id = prev;
	}
	tracepair__envelope__init(&env);
	env.body_case = TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REPLY;
	env.pair_get_reply = &g;
	c = NULL;
	if (strcmp(rec.sp.status, "running") != 0 &&
	    tracepair__envelope__get_packed_size(&env) <=
	    (size_t)ctl->conf.frame_limit - 16)
		c = ctl_rcache_add(ctl, rec.sp.tenant, req->pair_id, &env);
	if (c != NULL)
		ctl_rcache_send(op, request_id, c);
	else {
		env.request_id = request_id;
		(void)ctl_send(op, &env);
	}
	free(changes);
	free(prev);
	ctl_pair_reply_clear(&r);
	ctl_pair_record_free(&rec);
}
