/* ctl_pair.c: paired and single traces: jobs with a common start instant, results stored and acked, deadlines, replies. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis.h"
#include "asn.h"
#include "ctl.h"
#include "followup.h"
#include "log.h"
#include "report.h"
#include "wire.h"


static void
ctl_new_id(struct ctl *ctl, const char *kind, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s-%" PRIu64, kind, ctl->id_prefix,
	    ++ctl->next_id);
}

/*
 * The address src should probe dst at: the family asked for, else one
 * both have (IPv4 first), else whatever dst has.  NULL when none.  Two
 * agents behind one NAT (the same public address) probe each other at
 * their local addresses, unless dst configured a probe address.
 */
static const char *
ctl_pick_addr(const struct ctl_agent *src, const struct ctl_agent *dst, int af)
{
	int	 laf = strchr(dst->local, ':') != NULL ? 6 : 4;

	if (dst->nat != CTL_NAT_NONE && dst->sess != NULL &&
	    src->sess != NULL && dst->local[0] != '\0' &&
	    strcmp(src->public_addr, dst->public_addr) == 0 &&
	    (af == 0 || af == laf) &&
	    strcmp(laf == 4 ? dst->probe4 : dst->probe6, dst->public_addr) == 0)
		return dst->local;
	if (af == 4)
		return dst->probe4[0] ? dst->probe4 : NULL;
	if (af == 6)
		return dst->probe6[0] ? dst->probe6 : NULL;
	if (dst->probe4[0] && src->probe4[0])
		return dst->probe4;
	if (dst->probe6[0] && src->probe6[0])
		return dst->probe6;
	if (dst->probe4[0])
		return dst->probe4;
	return dst->probe6[0] ? dst->probe6 : NULL;
}

/*
 * A trace into dst's site with the default method (udp) uses the method
 * dst's site lets in (its agent's site_method: a firewall that drops
 * inbound UDP); any method the operator asked for is used as asked.
 */
static void
ctl_site_method(const struct ctl_agent *dst, struct probe_opts *o)
{
	enum trace_method m;
	int		 port;
	char		 err[128];

	if (dst->site_method[0] == '\0' || o->method != TRACE_METHOD_UDP ||
	    probe_site_method_parse(dst->site_method, &m, &port, err,
	    sizeof(err)) == -1)
		return;
	o->method = m;
	if (port != 0)
		o->port = port;
}

/* Options of a request, or the defaults.  -1 with a reason. */
static int
ctl_request_opts(const Tracepair__TraceOptions *m, struct probe_opts *o,
    char *err, size_t errlen)
{
	if (m == NULL) {
		probe_opts_init(o);
		return 0;
	}
	return wire_opts_from_pb(m, o, err, errlen);
}

static uint32_t
ctl_timeout(struct ctl *ctl, uint32_t asked)
{
	if (asked == 0)
		return (uint32_t)ctl->conf.pair_timeout_ms;
	if (asked > ctl->conf.max_timeout_ms)
		return (uint32_t)ctl->conf.max_timeout_ms;
	return asked;
}

/*
 * The deadline of an agent's job out of ms left to the controller's own: a
 * tenth less, at most 1 s less, so that the agent's answer beats ours.
 */
uint32_t
ctl_agent_deadline(uint32_t ms)
{
	return ms - (ms / 10 < 1000 ? ms / 10 : 1000);
}

struct ctl_job *
ctl_job_new(struct ctl *ctl, struct ctl_pair *p, int side,
    const struct ctl_agent *a)
{
	struct ctl_job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	ctl_new_id(ctl, "j", j->id, sizeof(j->id));
	j->pair = p;
	j->side = side;
	snprintf(j->agent, sizeof(j->agent), "%s", a->name);
	snprintf(j->tenant, sizeof(j->tenant), "%s", a->tenant);
	j->offset_ns = a->clock.offset_ns;
	TAILQ_INSERT_TAIL(&ctl->jobs, j, entry);
	p->job[side] = j;
	return j;
}

static void
ctl_pair_free(struct ctl *ctl, struct ctl_pair *p)
{
	int	 i;

	if (p->op != NULL)
		p->op->inflight--;

	for (i = 0; i < 4; i++) {
		struct ctl_job *j = i < 2 ? p->job[i] : p->first[i - 2];

		if (j == NULL)
			continue;
		TAILQ_REMOVE(&ctl->jobs, j, entry);
		trace_free(j->trace);
		free(j);
	}
	free(p->opts);
	free(p->fu);
	free(p);
}

/* Record a job in the store and send it.  -1 with a reason. */
int
ctl_job_send(struct ctl *ctl, struct ctl_agent *a, struct ctl_job *j,
    const struct probe_opts *o, double start_ctl, int64_t start_at_agent_ns,
    uint32_t deadline_ms, char *err, size_t errlen)
{
	struct store_job	 sj;
	frame_env		 env;
	Tracepair__TraceJob	 tj;
	char			 text[160];

	snprintf(text, sizeof(text), "%s ttl %d-%d q %d%s%s", trace_method_name(
	    o->method), o->first_ttl, o->max_ttl, o->queries,
	    o->af ? (o->af == 4 ? " -4" : " -6") : "", o->port ? " port" : "");
	memset(&sj, 0, sizeof(sj));
	sj.job_id = j->id;
	sj.agent = a->name;
	sj.tenant = a->tenant;
	sj.pair_id = j->pair->single ? NULL : j->pair->id;
	sj.host = o->host;
	sj.options = text;
	sj.created = ctl_now();
	sj.start_at = start_ctl;
	if (store_job_add(ctl->store, &sj, err, errlen) == -1)
		return -1;
	tracepair__envelope__init(&env);
	tracepair__trace_job__init(&tj);
	tj.job_id = j->id;
	tj.start_at_ns = start_at_agent_ns;
	tj.deadline_ms = deadline_ms;
	if ((tj.options = wire_opts_to_pb(o)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	env.body_case = TRACEPAIR__ENVELOPE__BODY_TRACE_JOB;
	env.trace_job = &tj;
	if (ctl_send(a->sess, &env) == -1) {
		wire_free(tj.options);
		snprintf(err, errlen, "agent %s: cannot send the job", a->name);
		return -1;
	}
	wire_free(tj.options);
	log_info("job %s -> agent %s (%s): %s, start %s", j->id, a->name,
	    a->tenant, o->host, start_at_agent_ns ? "scheduled" : "now");
	return 0;
}

/* The analysis of two traces of pair p, NULL (logged) when it fails. */
struct analysis *
ctl_analysis_run(struct ctl *ctl, const struct ctl_pair *p,
    const struct trace *fwd, const struct trace *rev)
{
	struct analysis_opts opts;
	struct analysis	*an;
	struct ctl_agent *ag;
	char		 err[256];
	int		 side;

	/* what the registry knows: which site is behind NAT (site.h) */
	analysis_opts_init(&opts);
	for (side = 0; side < 2; side++)
		if ((ag = ctl_registry_find(ctl, p->tenant, p->agent[side])) != NULL)
			opts.site[side].nat = ag->nat != CTL_NAT_NONE;
	if ((an = analysis_run(fwd, rev, &opts, err, sizeof(err))) == NULL) {
		log_warnx("analysis: %s", err);
		return NULL;
	}
	/* carrier-grade NAT on an agent's way out: said by `agents` too */
	for (side = 0; side < 2; side++)
		if (an->site[side].cgnat_ttl > 0 && (ag = ctl_registry_find(ctl,
		    p->tenant, p->agent[side])) != NULL && ag->nat != CTL_NAT_NONE)
			ctl_registry_note_cgnat(ctl, ag);
	return an;
}

/*
 * The analysis of two traces as JSON (the "analysis" object of
 * docs/analysis.md: the traces travel beside it, not inside it) and the
 * text report, with the follow-up round's record fu (when not NULL) in
 * both; NULLs when it fails.
 */
static void
ctl_analyse(struct ctl *ctl, const struct ctl_pair *p, const struct trace *fwd,
    const struct trace *rev, const struct followup_info *fu, char **json,
    char **text)
{
	struct analysis	*an;
	json_t		*o;
	char		*t;

	*json = *text = NULL;
	if ((an = ctl_analysis_run(ctl, p, fwd, rev)) == NULL)
		return;
	if ((o = analysis_to_jobj(an)) != NULL) {
		if (fu != NULL)
			json_object_set_new(o, "follow_up", followup_to_jobj(fu));
		*json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
		    JSON_REAL_PRECISION(6));
		json_decref(o);
	}
	*text = report_text_str(fwd, rev, an, NULL);
	if (*text != NULL && fu != NULL) {
		t = followup_report(*text, fu);
		free(*text);
		*text = t;
	}
	analysis_free(an);
}

/* Start-time difference of two traces, each corrected by its agent's offset. */
static double
ctl_skew_ms(const struct ctl_job *a, const struct ctl_job *b)
{
	double	 sa, sb;

	if (a->trace == NULL || b->trace == NULL || a->trace->start <= 0 ||
	    b->trace->start <= 0)
		return 0;
	sa = a->trace->start - (double)a->offset_ns / 1e9;
	sb = b->trace->start - (double)b->offset_ns / 1e9;
	return fabs(sa - sb) * 1000.0;
}

/* A pair row the store failed to finish (ctl->finishq). */
struct ctl_finish_retry {
	TAILQ_ENTRY(ctl_finish_retry) entry;
	char		 pair_id[48];
	char		 status[16];
	char		*reason;
	double		 skew;
};

/*
 * The store failed to record how pair_id ended: keep it and write it
 * again each tick, so that the row does not stay "running" until a
 * restart once the store recovers.
 */
static void
ctl_finish_later(struct ctl *ctl, const char *pair_id, const char *status,
    const char *reason, double skew)
{
	struct ctl_finish_retry	*f = NULL;

	if (ctl->nfinishq >= CTL_FINISHQ_MAX ||
	    (f = calloc(1, sizeof(*f))) == NULL ||
	    (f->reason = strdup(reason)) == NULL) {
		if (ctl->nfinishq < CTL_FINISHQ_MAX)
			free(f);
		log_warnx("pair %s: its row is not retried (%d waiting); a "
		    "restart records it as failed", pair_id, ctl->nfinishq);
		return;
	}
	snprintf(f->pair_id, sizeof(f->pair_id), "%s", pair_id);
	snprintf(f->status, sizeof(f->status), "%s", status);
	f->skew = skew;
	TAILQ_INSERT_TAIL(&ctl->finishq, f, entry);
	ctl->nfinishq++;
}

/* Tick: rows to finish again, agents to ask for their results again. */
static void
ctl_store_retry(struct ctl *ctl, double now)
{
	struct ctl_finish_retry	*f;
	struct ctl_agent	*a;
	frame_env		 env;
	Tracepair__Ping		 ping;
	char			 err[256];

	while ((f = TAILQ_FIRST(&ctl->finishq)) != NULL) {
		if (store_pair_finish(ctl->store, f->pair_id, f->status,
		    f->reason, f->skew, err, sizeof(err)) == -1)
			break;	/* still failing: next tick */
		log_info("pair %s: its outcome (%s) is stored now", f->pair_id,
		    f->status);
		TAILQ_REMOVE(&ctl->finishq, f, entry);
		ctl->nfinishq--;
		free(f->reason);
		free(f);
	}
	if (!ctl->resend_pending || now < ctl->resend_at)
		return;
	ctl->resend_pending = 0;
	TAILQ_FOREACH(a, &ctl->agents, entry) {
		if (!a->resend_due)
			continue;
		a->resend_due = 0;
		if (a->sess == NULL || a->sess->state != CTL_SESS_READY)
			continue;	/* it resends at its reconnect */
		tracepair__envelope__init(&env);
		tracepair__ping__init(&ping);
		ping.t1_ns = 1;		/* not a clock sample: its pong is stray */
		ping.resend_spool = 1;
		env.body_case = TRACEPAIR__ENVELOPE__BODY_PING;
		env.ping = &ping;
		log_info("agent %s: asked to resend its unacknowledged results",
		    a->name);
		(void)ctl_send(a->sess, &env);
	}
}

static void
ctl_single_finish(struct ctl_pair *p)
{
	struct ctl_job		*j = p->job[0];
	frame_env		 env;
	Tracepair__TraceReply	 r;

	log_info("trace %s (agent %s): %s%s%s", j->id, j->agent,
	    j->trace ? "ok" : "failed", j->trace ? "" : ": ",
	    j->trace ? "" : j->error);
	if (p->op == NULL)
		return;
	tracepair__envelope__init(&env);
	tracepair__trace_reply__init(&r);
	r.job_id = j->id;
	r.status = j->trace ? "ok" : "failed";
	r.reason = j->trace ? "" : j->error;
	if (j->trace != NULL && (r.trace = wire_trace_to_pb(j->trace)) == NULL) {
		ctl_reply_error(p->op, p->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	env.request_id = p->request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_TRACE_REPLY;
	env.trace_reply = &r;
	(void)ctl_send(p->op, &env);
	wire_free(r.trace);
}

/*
 * Record how the pair ended and answer its operator with what the store
 * now holds, the way PairGetRequest will later (traces read back from
 * their stored JSON), so that the two answers are the same.  Only if the
 * store cannot be read, or missed the outcome or the analysis (each
 * logged), is the answer made from memory.
 */
static void
ctl_pair_finish(struct ctl *ctl, struct ctl_pair *p)
{
	struct ctl_job		*a = p->first[0] ? p->first[0] : p->job[0];
	struct ctl_job		*b = p->first[1] ? p->first[1] : p->job[1];
	struct ctl_pair_record	 rec;
	struct trace		*mt[2] = { NULL, NULL };
	const struct trace	*fwd = a->trace, *rev = b->trace;
	char			 reason[600], err[256], *json = NULL, *text = NULL;
	const char		*status;
	double			 skew = 0;
	int			 rc;

	reason[0] = '\0';
	if (a->trace && b->trace) {
		status = "ok";
		skew = ctl_skew_ms(a, b);
		/* after a follow-up round, the verdict is on both rounds */
		if (p->round == 2 && p->fu != NULL) {
			ctl_follow_up_merge(p, mt);
			fwd = mt[0] != NULL ? mt[0] : a->trace;
			rev = mt[1] != NULL ? mt[1] : b->trace;
		}
		ctl_analyse(ctl, p, fwd, rev, p->fu, &json, &text);
		if (json != NULL && store_analysis_put(ctl->store, p->id, json,
		    text ? text : "", err, sizeof(err)) == -1)
			log_warnx("pair %s: %s", p->id, err);
	} else {
		status = a->trace || b->trace ? "partial" : "failed";
		snprintf(reason, sizeof(reason), "%s%s%s",
		    a->trace ? "" : a->error,
		    !a->trace && !b->trace ? "; " : "",
		    b->trace ? "" : b->error);
	}
	if (store_pair_finish(ctl->store, p->id, status, reason, skew, err,
	    sizeof(err)) == -1) {
		log_warnx("pair %s: %s; retried every second", p->id, err);
		ctl_finish_later(ctl, p->id, status, reason, skew);
	}
	log_info("pair %s (%s <-> %s): %s%s%s, skew %.3f ms", p->id,
	    p->agent[0], p->agent[1], status, reason[0] ? ": " : "", reason,
	    skew);
	if (p->op == NULL && p->on_finish == NULL)
		goto done;
	/* What the store holds, unless it missed the outcome or the analysis. */
	if ((rc = ctl_pair_load(ctl, p->tenant, p->id, &rec, err,
	    sizeof(err))) == 1 && strcmp(rec.sp.status, status) == 0 &&
	    (json == NULL || rec.json != NULL)) {
		if (p->op != NULL)
			ctl_pair_reply_send(p->op, p->request_id, &rec);
		if (p->on_finish != NULL)
			p->on_finish(ctl, &rec, p->finish_arg);
		ctl_pair_record_free(&rec);
		goto done;
	}
	if (rc == 1) {
		ctl_pair_record_free(&rec);
		log_warnx("pair %s: the store missed its outcome; answered "
		    "from memory", p->id);
	} else
		log_warnx("pair %s: reading it back: %s", p->id,
		    rc == 0 ? "not stored" : err);
	memset(&rec, 0, sizeof(rec));
	rec.sp.pair_id = p->id;
	rec.sp.status = status;
	rec.sp.reason = reason;
	rec.sp.skew_ms = skew;
	rec.fwd = (struct trace *)(uintptr_t)fwd;
	rec.rev = (struct trace *)(uintptr_t)rev;
	rec.json = json;
	rec.report = text;
	/* Not freed: borrowed. */
	if (p->op != NULL)
		ctl_pair_reply_send(p->op, p->request_id, &rec);
	if (p->on_finish != NULL)
		p->on_finish(ctl, &rec, p->finish_arg);
done:
	trace_free(mt[0]);
	trace_free(mt[1]);
	free(json);
	free(text);
}


/*
 * When every job of p is done: answer, record, forget; unless p's first
 * round is inconclusive and its follow-up round starts.
 */
static void
ctl_pair_check(struct ctl *ctl, struct ctl_pair *p)
{
	if (!p->job[0]->done || (!p->single && !p->job[1]->done))
		return;
	if (!p->single && ctl_follow_up(ctl, p) &&
	    (!p->job[0]->done || !p->job[1]->done))
		return;
	if (p->single)
		ctl_single_finish(p);
	else
		ctl_pair_finish(ctl, p);
	TAILQ_REMOVE(&ctl->pairs, p, entry);
	ctl_pair_free(ctl, p);
}

/* Fail one job (if still running) and see whether its pair is over. */
static void
ctl_job_fail(struct ctl *ctl, struct ctl_job *j, const char *reason)
{
	if (j->done)
		return;
	j->done = 1;
	snprintf(j->error, sizeof(j->error), "%s", reason);
	ctl_pair_check(ctl, j->pair);
}

/* A failed pair before any job was sent: record it, answer, tell on_finish. */
static void
ctl_pair_refuse(struct ctl *ctl, const struct ctl_pair_origin *origin,
    const char *agent_a, const char *agent_b, const char *reason)
{
	struct ctl_pair_record	 rec;
	char			 id[48], err[256];

	ctl_new_id(ctl, "p", id, sizeof(id));
	if (origin->id_out != NULL)
		snprintf(origin->id_out, 48, "%s", id);
	memset(&rec, 0, sizeof(rec));
	rec.sp.pair_id = id;
	rec.sp.tenant = origin->tenant;
	rec.sp.operator_name = origin->operator_name;
	rec.sp.agent_a = agent_a;
	rec.sp.agent_b = agent_b;
	rec.sp.created = ctl_now();
	rec.sp.status = "failed";
	rec.sp.reason = reason;
	if (store_pair_add(ctl->store, &rec.sp, err, sizeof(err)) == -1)
		log_warnx("pair %s: %s", id, err);
	log_info("pair %s (%s <-> %s): failed: %s", id, agent_a, agent_b,
	    reason);
	/* Nothing to free: rec borrows every string. */
	if (origin->op != NULL)
		ctl_pair_reply_send(origin->op, origin->request_id, &rec);
	if (origin->on_finish != NULL)
		origin->on_finish(ctl, &rec, origin->finish_arg);
}

/*
 * A known agent of the request's tenant (ctl_op_tenant), or an Error reply
 * and NULL.  Another tenant's agent is unknown, word for word.  An MSP
 * operator naming no tenant gets the one agent of that name, or is asked
 * for --tenant when several tenants have one.
 */
static struct ctl_agent *
ctl_op_agent(struct ctl *ctl, struct ctl_session *op, uint64_t request_id,
    const char *name)
{
	struct ctl_agent	*a, *found = NULL;
	const char		*tenant = ctl_op_tenant(op);
	char			 msg[160];
	int			 n = 0;

	if (name == NULL || name[0] == '\0') {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, "no agent named");
		return NULL;
	}
	if (tenant != NULL)
		found = ctl_registry_find(ctl, tenant, name);
	else
		TAILQ_FOREACH(a, &ctl->agents, entry)
			if (strcmp(a->name, name) == 0) {
				found = a;
				n++;
			}
	if (n > 1) {
		snprintf(msg, sizeof(msg), "agent %.64s: %d tenants have one; "
		    "name the tenant with --tenant", name, n);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, msg);
		return NULL;
	}
	if (found == NULL) {
		snprintf(msg, sizeof(msg), "unknown agent %.64s", name);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_UNKNOWN_AGENT, msg);
	}
	return found;
}

/*
 * Why agent a cannot take a job now (offline; or, for a job that needs its
 * clock, not measured yet), or NULL when it can.
 */
const char *
ctl_agent_unready(const struct ctl_agent *a, int need_clock, char *buf,
    size_t len)
{
	if (a->sess == NULL || a->sess->state != CTL_SESS_READY) {
		snprintf(buf, len, "agent %s offline", a->name);
		return buf;
	}
	if (need_clock && !a->clock.synced) {
		snprintf(buf, len, "agent %s: clock not measured yet (it "
		    "connected just now); try again in a second", a->name);
		return buf;
	}
	return NULL;
}

int
ctl_pair_start(struct ctl *ctl, const struct ctl_pair_origin *origin,
    struct ctl_agent *a, struct ctl_agent *b, const struct probe_opts *base,
    uint32_t timeout_ms, Tracepair__ErrorCode *code, char *err, size_t errlen)
{
	struct ctl_agent	*ag[2] = { a, b };
	struct ctl_pair		*p = NULL;
	struct store_pair	 sp;
	struct probe_opts	 o[2];
	const char		*host, *why;
	char			 buf[256];
	int64_t			 now_ns, start_ns, rtt_max;
	uint32_t		 timeout, left;
	int			 i;

	*code = TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST;
	if (a == b) {
		snprintf(err, errlen, "a pair needs two different agents");
		return -1;
	}
	for (i = 0; i < 2; i++)
		if ((why = ctl_agent_unready(ag[i], 1, buf,
		    sizeof(buf))) != NULL) {
			ctl_pair_refuse(ctl, origin, a->name, b->name, why);
			return 0;
		}
	for (i = 0; i < 2; i++) {
		o[i] = *base;
		if ((host = ctl_pick_addr(ag[i], ag[1 - i], base->af)) == NULL) {
			snprintf(buf, sizeof(buf), "agent %s has no %sprobe "
			    "address", ag[1 - i]->name, base->af == 4 ? "IPv4 " :
			    base->af == 6 ? "IPv6 " : "");
			ctl_pair_refuse(ctl, origin, a->name, b->name, buf);
			return 0;
		}
		snprintf(o[i].host, sizeof(o[i].host), "%s", host);
		ctl_site_method(ag[1 - i], &o[i]);
		if (probe_opts_check(&o[i], err, errlen) == -1 ||
		    probe_opts_fit(&o[i], (size_t)ctl->conf.frame_limit, err,
		    errlen) == -1)
			return -1;
	}
	timeout = ctl_timeout(ctl, timeout_ms);
	/* The common instant: both jobs arrive before it, with room to spare. */
	now_ns = ctl_now_ns();
	rtt_max = a->clock.rtt_ns > b->clock.rtt_ns ? a->clock.rtt_ns :
	    b->clock.rtt_ns;
	start_ns = now_ns + 2 * rtt_max + ctl->conf.pair_margin_ms * 1000000LL;
	if ((start_ns - now_ns) / 1000000 >= timeout) {
		snprintf(err, errlen,
		    "timeout is shorter than the time needed to start");
		return -1;
	}
	left = ctl_agent_deadline(timeout -
	    (uint32_t)((start_ns - now_ns) / 1000000));

	*code = TRACEPAIR__ERROR_CODE__ERROR_INTERNAL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto oom;
	ctl_new_id(ctl, "p", p->id, sizeof(p->id));
	if (origin->id_out != NULL)
		snprintf(origin->id_out, 48, "%s", p->id);
	p->op = origin->op;
	if (p->op != NULL)
		p->op->inflight++;
	p->request_id = origin->request_id;
	p->on_finish = origin->on_finish;
	p->finish_arg = origin->finish_arg;
	snprintf(p->tenant, sizeof(p->tenant), "%s", origin->tenant);
	p->deadline = (double)now_ns / 1e9 + timeout / 1000.0;
	p->round = 1;
	p->started = (double)now_ns / 1e9;
	p->follow_up = origin->follow_up && ctl->conf.follow_up_budget_ms > 0;
	if ((p->opts = calloc(2, sizeof(*p->opts))) == NULL)
		goto oom;
	p->opts[0] = o[0];
	p->opts[1] = o[1];
	for (i = 0; i < 2; i++) {
		snprintf(p->agent[i], sizeof(p->agent[i]), "%s", ag[i]->name);
		if (ctl_job_new(ctl, p, i, ag[i]) == NULL)
			goto oom;
	}
	memset(&sp, 0, sizeof(sp));
	sp.pair_id = p->id;
	sp.tenant = p->tenant;
	sp.operator_name = origin->operator_name;
	sp.agent_a = a->name;
	sp.agent_b = b->name;
	sp.job_a = p->job[0]->id;
	sp.job_b = p->job[1]->id;
	sp.created = (double)now_ns / 1e9;
	sp.start_at = (double)start_ns / 1e9;
	sp.status = "running";
	if (store_pair_add(ctl->store, &sp, buf, sizeof(buf)) == -1) {
		log_warnx("pair %s: %s", p->id, buf);
		ctl_pair_free(ctl, p);
		snprintf(err, errlen, "store failure");
		return -1;
	}
	TAILQ_INSERT_TAIL(&ctl->pairs, p, entry);
	log_info("pair %s: %s (%s) <-> %s (%s), start in %.1f ms, deadline %u ms",
	    p->id, a->name, o[0].host, b->name, o[1].host,
	    (double)(start_ns - now_ns) / 1e6, timeout);
	for (i = 0; i < 2; i++)
		if (ctl_job_send(ctl, ag[i], p->job[i], &o[i],
		    (double)start_ns / 1e9, start_ns + ag[i]->clock.offset_ns,
		    left, buf, sizeof(buf)) == -1) {
			/* The other side may run; this one has failed. */
			p->job[i]->done = 1;
			snprintf(p->job[i]->error, sizeof(p->job[i]->error),
			    "agent %s: %.150s", ag[i]->name, buf);
		}
	ctl_pair_check(ctl, p);
	return 0;
oom:
	if (p != NULL)
		ctl_pair_free(ctl, p);
	snprintf(err, errlen, "out of memory");
	return -1;
}

/*
 * 1 (and the operator told) when op already waits for CTL_OP_INFLIGHT
 * pairs and traces: one session cannot fill the controller with jobs.
 */
static int
ctl_op_busy(struct ctl_session *op, uint64_t request_id)
{
	char	 msg[96];

	if (op->inflight < CTL_OP_INFLIGHT)
		return 0;
	snprintf(msg, sizeof(msg), "too many requests in flight (%d pairs and "
	    "traces at once at most)", CTL_OP_INFLIGHT);
	ctl_reply_error(op, request_id, TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
	    msg);
	return 1;
}

void
ctl_pair_request(struct ctl *ctl, struct ctl_session *op, uint64_t request_id,
    const Tracepair__PairRequest *req)
{
	struct ctl_pair_origin	 origin;
	struct ctl_agent	*a, *b;
	struct probe_opts	 base;
	Tracepair__ErrorCode	 code;
	char			 err[256];

	if (ctl_op_busy(op, request_id))
		return;
	if ((a = ctl_op_agent(ctl, op, request_id, req->agent_a)) == NULL ||
	    (b = ctl_op_agent(ctl, op, request_id, req->agent_b)) == NULL)
		return;
	/* Only an MSP operator naming no tenant can reach two tenants. */
	if (strcmp(a->tenant, b->tenant) != 0) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, "the two agents "
		    "are in different tenants (a pair stays in one tenant)");
		return;
	}
	if (ctl_request_opts(req->options, &base, err, sizeof(err)) == -1) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, err);
		return;
	}
	memset(&origin, 0, sizeof(origin));
	origin.tenant = a->tenant;	/* the pair is the agents' tenant's */
	origin.operator_name = op->peer.name;
	origin.op = op;
	origin.request_id = request_id;
	origin.follow_up = !req->no_follow_up;
	if (ctl_pair_start(ctl, &origin, a, b, &base, req->timeout_ms, &code,
	    err, sizeof(err)) == -1)
		ctl_reply_error(op, request_id, code, err);
}

void
ctl_trace_request(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id, const Tracepair__TraceRequest *req)
{
	struct ctl_agent	*a;
	struct ctl_pair		*p;
	struct probe_opts	 o;
	frame_env		 env;
	Tracepair__TraceReply	 r;
	const char		*why;
	char			 err[256], buf[256];
	uint32_t		 timeout;

	if (ctl_op_busy(op, request_id) ||
	    (a = ctl_op_agent(ctl, op, request_id, req->agent)) == NULL)
		return;
	if (ctl_request_opts(req->options, &o, err, sizeof(err)) == -1) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, err);
		return;
	}
	if (req->host != NULL && req->host[0] != '\0') {
		if (strlen(req->host) >= sizeof(o.host)) {
			ctl_reply_error(op, request_id,
			    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
			    "host name too long");
			return;
		}
		snprintf(o.host, sizeof(o.host), "%s", req->host);
	}
	if (probe_opts_check(&o, err, sizeof(err)) == -1 ||
	    probe_opts_fit(&o, (size_t)ctl->conf.frame_limit, err,
	    sizeof(err)) == -1) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, err);
		return;
	}
	if ((why = ctl_agent_unready(a, 0, buf, sizeof(buf))) != NULL) {
		tracepair__envelope__init(&env);
		tracepair__trace_reply__init(&r);
		r.status = (char *)(uintptr_t)"failed";
		r.reason = buf;
		env.request_id = request_id;
		env.body_case = TRACEPAIR__ENVELOPE__BODY_TRACE_REPLY;
		env.trace_reply = &r;
		log_info("trace for %s (%s): failed: %s", op->peer.name,
		    op->peer.tenant, why);
		(void)ctl_send(op, &env);
		return;
	}
	timeout = ctl_timeout(ctl, req->timeout_ms);
	if ((p = calloc(1, sizeof(*p))) == NULL || ctl_job_new(ctl, p, 0,
	    a) == NULL) {
		if (p != NULL)
			ctl_pair_free(ctl, p);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	p->single = 1;
	snprintf(p->id, sizeof(p->id), "%s", p->job[0]->id);
	p->op = op;
	op->inflight++;
	p->request_id = request_id;
	snprintf(p->tenant, sizeof(p->tenant), "%s", a->tenant);
	snprintf(p->agent[0], sizeof(p->agent[0]), "%s", a->name);
	p->deadline = ctl_now() + timeout / 1000.0;
	TAILQ_INSERT_TAIL(&ctl->pairs, p, entry);
	if (ctl_job_send(ctl, a, p->job[0], &o, 0, 0,
	    ctl_agent_deadline(timeout), err, sizeof(err)) == -1)
		ctl_job_fail(ctl, p->job[0], err);
}

static struct ctl_job *
ctl_job_find(struct ctl *ctl, const char *id)
{
	struct ctl_job	*j;

	TAILQ_FOREACH(j, &ctl->jobs, entry)
		if (strcmp(j->id, id) == 0)
			return j;
	return NULL;
}

void
ctl_job_progress(struct ctl *ctl, struct ctl_session *s,
    const Tracepair__Progress *pr)
{
	struct ctl_job		*j;
	struct ctl_pair		*p;
	frame_env		 env;
	Tracepair__Progress	 out;
	char			 jid[CTL_JOB_ID_MAX + 1];

	if (pr->job_id == NULL || pr->job_id[0] == '\0' ||
	    strlen(pr->job_id) > CTL_JOB_ID_MAX || !frame_progress_ok(pr))
		return;
	snprintf(jid, sizeof(jid), "%s", pr->job_id);
	if ((j = ctl_job_find(ctl, jid)) == NULL || j->done ||
	    strcmp(j->agent, s->peer.name) != 0 ||
	    strcmp(j->tenant, s->peer.tenant) != 0)
		return;
	p = j->pair;
	if (p == NULL || p->op == NULL || !p->op->progress)
		return;
	tracepair__envelope__init(&env);
	tracepair__progress__init(&out);
	out.agent = j->agent;
	out.rounds_done = pr->rounds_done;
	out.rounds = pr->rounds;
	out.seconds_left = pr->seconds_left;
	out.worst_ttl = pr->worst_ttl;
	out.worst_loss = pr->worst_loss;
	env.request_id = p->request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_PROGRESS;
	env.progress = &out;
	(void)ctl_send(p->op, &env);
}

void
ctl_job_result(struct ctl *ctl, struct ctl_session *s, uint64_t request_id,
    const Tracepair__JobResult *jr)
{
	struct ctl_job		*j;
	struct trace		*t = NULL;
	char			 err[256], error[250], jid[CTL_JOB_ID_MAX + 1];
	const char		*errline = NULL;

	if (jr->job_id == NULL || jr->job_id[0] == '\0' ||
	    strlen(jr->job_id) > CTL_JOB_ID_MAX) {
		ctl_session_refuse(s, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "job result without a valid job id");
		return;
	}
	snprintf(jid, sizeof(jid), "%s", jr->job_id);
	j = ctl_job_find(ctl, jid);
	if (j != NULL && (strcmp(j->agent, s->peer.name) != 0 ||
	    strcmp(j->tenant, s->peer.tenant) != 0)) {
		log_warnx("agent %s (%s): result for job %s of agent %s ignored",
		    s->peer.name, s->peer.tenant, jid, j->agent);
		return;
	}
	switch (jr->outcome_case) {
	case TRACEPAIR__JOB_RESULT__OUTCOME_TRACE:
		t = wire_trace_from_pb(jr->trace, err, sizeof(err));
		if (t == NULL) {
			snprintf(error, sizeof(error), "agent %s sent an invalid "
			    "trace: %.150s", s->peer.name, err);
			errline = error;
			log_warnx("job %s: %s", jid, error);
		} else {
			/* Who ran it is the certificate's word. */
			free(t->agent);
			t->agent = strdup(s->peer.name);
			/* AS numbers before it is stored (config pfx2as). */
			if (ctl->conf.asn != NULL)
				asn_annotate(ctl->conf.asn, t);
		}
		break;
	case TRACEPAIR__JOB_RESULT__OUTCOME_ERROR:
		snprintf(error, sizeof(error), "agent %s: %.150s", s->peer.name,
		    jr->error ? jr->error : "failed");
		errline = error;
		break;
	default:
		snprintf(error, sizeof(error), "agent %s: empty result",
		    s->peer.name);
		errline = error;
		break;
	}
	/*
	 * Stored with the other results of this turn of the event loop in
	 * one transaction (ctl_store.c), then ctl_job_stored acks it.
	 */
	ctl_ingest_add(ctl, s, request_id, jid, t, errline);
}

void
ctl_job_stored(struct ctl *ctl, struct ctl_session *s, uint64_t request_id,
    const char *jid, const char *agent, const char *tenant, struct trace *t,
    const char *errline, enum store_result res, const char *err)
{
	struct ctl_job		*j;
	frame_env		 env;
	Tracepair__ResultAck	 ack;

	if (res == STORE_RESULT_FAILED) {
		/*
		 * No ack: the agent keeps it spooled, and is asked to send it
		 * again in CTL_RESEND_SECS (Ping.resend_spool), until the
		 * store takes it.  The pair is told what happened: a store
		 * error, not a missing result.
		 */
		log_warnx("job %s: %s; not acknowledged, asked again in %d s",
		    jid, err, CTL_RESEND_SECS);
		trace_free(t);
		/* (a session gone meanwhile: its agent resends on reconnecting) */
		if (s != NULL && s->agent != NULL) {
			s->agent->resend_due = 1;
			if (!ctl->resend_pending)
				ctl->resend_at = ctl_now() + CTL_RESEND_SECS;
			ctl->resend_pending = 1;
		}
		j = ctl_job_find(ctl, jid);
		if (j != NULL && !j->done && strcmp(j->agent, agent) == 0 &&
		    strcmp(j->tenant, tenant) == 0) {
			j->done = 1;
			snprintf(j->error, sizeof(j->error), "store error: the "
			    "result of agent %.40s arrived but was not stored "
			    "(%.100s); it stays in the agent's spool", j->agent,
			    err);
			ctl_pair_check(ctl, j->pair);
		}
		return;
	}
	if (res == STORE_RESULT_NOT_OWNER) {
		/* As for a job held in memory: ignored, not acked. */
		log_warnx("agent %s (%s): result for job %s, stored as another "
		    "agent's, ignored", agent, tenant, jid);
		trace_free(t);
		return;
	}
	if (res == STORE_RESULT_NO_JOB)
		/* Acked below, so that the agent's spool lets it go. */
		log_warnx("agent %s (%s): result for job %s, which the store "
		    "does not know, dropped", agent, tenant, jid);
	/* Its session may have closed meanwhile: the agent sends it again. */
	if (s != NULL) {
		tracepair__envelope__init(&env);
		tracepair__result_ack__init(&ack);
		ack.job_id = (char *)(uintptr_t)jid;
		env.request_id = request_id;
		env.body_case = TRACEPAIR__ENVELOPE__BODY_RESULT_ACK;
		env.result_ack = &ack;
		(void)ctl_send(s, &env);
	}
	if (res == STORE_RESULT_DUPLICATE || res == STORE_RESULT_NO_JOB) {
		if (res == STORE_RESULT_DUPLICATE)
			log_debug("job %s: duplicate result acked and ignored",
			    jid);
		trace_free(t);
		return;
	}
	log_info("job %s: %s from agent %s stored", jid, t ? "trace" :
	    "error", agent);
	/* Looked up again: the pair may have ended while it was queued. */
	j = ctl_job_find(ctl, jid);
	if (j == NULL || j->done || strcmp(j->agent, agent) != 0 ||
	    strcmp(j->tenant, tenant) != 0) {
		trace_free(t);
		return;
	}
	j->done = 1;
	j->trace = t;
	if (t == NULL)
		snprintf(j->error, sizeof(j->error), "%s", errline);
	ctl_pair_check(ctl, j->pair);
}

void
ctl_jobs_agent_gone(struct ctl *ctl, const char *tenant, const char *name,
    const char *reason)
{
	struct ctl_job	*j, *next;

	/* ctl_job_fail may free the job and its sibling: restart the walk. */
again:
	for (j = TAILQ_FIRST(&ctl->jobs); j != NULL; j = next) {
		next = TAILQ_NEXT(j, entry);
		if (j->done || strcmp(j->agent, name) != 0 ||
		    strcmp(j->tenant, tenant) != 0)
			continue;
		ctl_job_fail(ctl, j, reason);
		goto again;
	}
}

void
ctl_pairs_operator_gone(struct ctl *ctl, struct ctl_session *op)
{
	struct ctl_pair	*p;

	TAILQ_FOREACH(p, &ctl->pairs, entry)
		if (p->op == op)
			p->op = NULL;
}

void
ctl_pair_tick(struct ctl *ctl, double now)
{
	struct ctl_pair	*p;
	char		 reason[160];
	int		 i;

	ctl_store_retry(ctl, now);
again:
	TAILQ_FOREACH(p, &ctl->pairs, entry) {
		if (now < p->deadline)
			continue;
		for (i = 0; i < (p->single ? 1 : 2); i++) {
			if (p->job[i]->done)
				continue;
			snprintf(reason, sizeof(reason), "deadline exceeded "
			    "(no result from agent %s)", p->job[i]->agent);
			p->job[i]->done = 1;
			snprintf(p->job[i]->error, sizeof(p->job[i]->error),
			    "%s", reason);
		}
		ctl_pair_check(ctl, p);
		goto again;
	}
}

void
ctl_pair_free_all(struct ctl *ctl)
{
	struct ctl_pair	*p;

	struct ctl_finish_retry	*f;

	while ((p = TAILQ_FIRST(&ctl->pairs)) != NULL) {
		TAILQ_REMOVE(&ctl->pairs, p, entry);
		ctl_pair_free(ctl, p);
	}
	while ((f = TAILQ_FIRST(&ctl->finishq)) != NULL) {
		TAILQ_REMOVE(&ctl->finishq, f, entry);
		free(f->reason);
		free(f);
	}
	ctl->nfinishq = 0;
}
