/* agentd.c: the agent daemon: dials the controller, runs trace jobs, spools and streams results. */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <ifaddrs.h>
#include <net/if.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "agentd.h"
#include "backoff.h"
#include "config.h"
#include "frame.h"
#include "hostport.h"
#include "log.h"
#include "probe.h"
#include "spool.h"
#include "tls.h"
#include "wire.h"

#define AGENTD_SOFTWARE	"tracepair-agent 0.1"

/* Where the connection to the controller stands (one at a time). */
enum agentd_state {
	AD_WAIT,	/* no connection; reconnect timer armed */
	AD_CONNECTING,	/* TCP + TLS handshake under way */
	AD_HELLO,	/* our Hello sent, waiting for the controller's */
	AD_READY	/* Hello exchanged: jobs and results flow */
};

struct agentd;

/* One trace job from the controller, from arrival to its result. */
struct agentd_job {
	struct agentd	*ad;		/* owning daemon */
	char		 job_id[SPOOL_JOB_ID_MAX + 1];
	struct probe_opts opts;		/* checked options */
	struct event	*start_ev;	/* fires at start_at (agent clock) */
	struct event	*deadline_ev;	/* cancels the run when late */
	uint32_t	 deadline_ms;	/* run time allowed from the start */
	struct probe_run *run;		/* while running, else NULL */
	TAILQ_ENTRY(agentd_job) entry;	/* in agentd.jobs */
};
TAILQ_HEAD(agentd_jobs, agentd_job);

/* The daemon: configuration, engine, spool, connection state. */
struct agentd {
	struct agentd_config cfg;	/* from the config file */
	struct event_base *base;	/* the one event loop */
	struct evdns_base *dns;		/* resolver (no servers when dns no) */
	struct probe_engine *engine;	/* raw sockets, opened while privileged */
	struct spool	*spool;		/* results not yet acknowledged */
	SSL_CTX		*ssl_ctx;	/* client context (TLS 1.3, mutual) */
	struct tls_peer	 self;		/* own identity from own certificate */
	enum agentd_state state;	/* of the controller connection */
	struct frame_conn *conn;	/* connection to the controller, or NULL */
	struct event	*reconnect_ev;	/* backoff timer */
	struct event	*connect_to_ev;	/* connect + handshake + Hello timeout */
	struct event	*sig_int, *sig_term, *sig_hup;	/* signal events */
	struct backoff	 backoff;	/* reconnect delays */
	struct agentd_jobs jobs;	/* scheduled or running */
	int		 njobs;		/* entries in jobs */
	int		 nrunning;	/* of which probing now */
	char		 local_addr[TRACE_ADDR_LEN];	/* source addr of the connection */
	int		 local_af;	/* its family (4 or 6) */
	uint64_t	 results_sent;	/* JobResult frames sent (fresh + resent) */
	int		 ctl_progress;	/* the controller's Hello lists "progress" */
	size_t		 ctl_frame_limit;	/* the largest frame the controller
					   reads (its Hello), 0 until stated */
};

/* An Envelope around a JobResult: request id, body tag and length, at most. */
#define AGENTD_ENV_OVERHEAD	16

static void	agentd_connect(struct agentd *);
static void	agentd_schedule_reconnect(struct agentd *);
static void	agentd_result(struct agentd *, const char *, struct trace *,
		    const char *);

/*
 * The largest frame we may send the controller: its frame limit (1 MiB
 * when it states none, as older controllers do), never more than our own
 * connection's.
 */
static size_t
agentd_frame_limit(const struct agentd *ad)
{
	size_t	 l = ad->ctl_frame_limit ? ad->ctl_frame_limit : FRAME_LIMIT_DEFAULT;

	return l < FRAME_LIMIT_DEFAULT ? l : FRAME_LIMIT_DEFAULT;
}

/* What one packed JobResult may weigh: a frame less the envelope around it. */
static size_t
agentd_result_limit(const struct agentd *ad)
{
	return agentd_frame_limit(ad) - AGENTD_ENV_OVERHEAD;
}

/* ------------------------------------------------------------- helpers */

static void
ms_to_tv(int64_t ms, struct timeval *tv)
{
	if (ms < 0)
		ms = 0;
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (ms % 1000) * 1000;
}

/* Send one envelope if the session is up; -1 when it could not be queued. */
static int
agentd_send(struct agentd *ad, Tracepair__Envelope *env)
{
	char	 err[256];

	if (ad->conn == NULL || ad->state < AD_HELLO)
		return -1;
	if (frame_conn_send(ad->conn, env, err, sizeof(err)) == -1) {
		log_warnx("controller: cannot send %s: %s",
		    frame_body_name(env), err);
		return -1;
	}
	return 0;
}

/* agentd_send for wire_pong. */
static int
agentd_send_cb(void *arg, Tracepair__Envelope *env)
{
	return agentd_send(arg, env);
}

/* Send a JobResult to the controller. */
static int
agentd_send_result(struct agentd *ad, Tracepair__JobResult *r)
{
	Tracepair__Envelope env = TRACEPAIR__ENVELOPE__INIT;

	env.body_case = TRACEPAIR__ENVELOPE__BODY_JOB_RESULT;
	env.job_result = r;
	if (agentd_send(ad, &env) == -1)
		return -1;
	ad->results_sent++;
	return 0;
}

/* Send a packed JobResult (as spooled) to the controller. */
static int
agentd_send_packed_result(struct agentd *ad, const void *data, size_t len)
{
	Tracepair__JobResult *r;
	int	 rc;

	r = tracepair__job_result__unpack(NULL, len, data);
	if (r == NULL) {
		log_warnx("spool: a result does not decode; not sent");
		return -1;
	}
	rc = agentd_send_result(ad, r);
	tracepair__job_result__free_unpacked(r, NULL);
	return rc;
}

/*
 * Spooled entry i, len bytes, when the controller cannot take it (over its
 * frame limit: it was spooled for a controller that stated a larger one):
 * dropped from the spool with a warning and an error sent in its place,
 * instead of being resent for ever.  Returns 1 when it was dropped (the
 * error result goes to the end of the spool).
 */
static int
agentd_drop_oversize(struct agentd *ad, size_t i, size_t len)
{
	char	 job_id[SPOOL_JOB_ID_MAX + 1], msg[256];
	size_t	 limit = agentd_result_limit(ad);

	if (len <= limit)
		return 0;
	snprintf(job_id, sizeof(job_id), "%s", spool_entry_at(ad->spool, i)->job_id);
	log_warnx("spool: result of job %s (%zu bytes) is over the controller's "
	    "frame limit (%zu bytes for a result): dropped from the spool, an "
	    "error sent in its place", job_id, len, limit);
	(void)spool_ack(ad->spool, job_id);
	snprintf(msg, sizeof(msg), "result of %zu bytes is over the "
	    "controller's frame limit (%zu bytes for a result): fewer probes "
	    "per hop (-q) or hops (-f, -m)", len, limit);
	agentd_result(ad, job_id, NULL, msg);
	return 1;
}

/* Resend every spooled result, oldest first (after a (re)connect). */
static void
agentd_replay_spool(struct agentd *ad)
{
	size_t	 i = 0, n = 0, len, end = spool_count(ad->spool);
	void	*data;
	char	 err[256];

	/* the entries there now: what this replay adds is sent already */
	while (i < end && ad->state == AD_READY) {
		if (spool_read(ad->spool, i, &data, &len, err,
		    sizeof(err)) == -1) {
			end--;
			continue;	/* entry removed; same index again */
		}
		if (agentd_drop_oversize(ad, i, len)) {
			free(data);
			end--;
			continue;
		}
		if (agentd_send_packed_result(ad, data, len) == 0)
			n++;
		free(data);
		i++;
	}
	if (n > 0)
		log_info("controller: resent %zu spooled result(s)", n);
}

/* ---------------------------------------------------------------- jobs */

static void
agentd_job_free(struct agentd_job *job)
{
	struct agentd *ad = job->ad;

	if (job->run != NULL) {
		probe_cancel(job->run);
		ad->nrunning--;
	}
	if (job->start_ev != NULL)
		event_free(job->start_ev);
	if (job->deadline_ev != NULL)
		event_free(job->deadline_ev);
	TAILQ_REMOVE(&ad->jobs, job, entry);
	ad->njobs--;
	free(job);
}

static struct agentd_job *
agentd_job_find(struct agentd *ad, const char *job_id)
{
	struct agentd_job *job;

	TAILQ_FOREACH(job, &ad->jobs, entry)
		if (strcmp(job->job_id, job_id) == 0)
			return job;
	return NULL;
}

/*
 * Record the outcome of job_id: spool it durably, then send it.  Exactly
 * one of trace / error is set.  Takes the trace.
 */
static void
agentd_result(struct agentd *ad, const char *job_id, struct trace *trace,
    const char *error)
{
	Tracepair__JobResult r;
	Tracepair__Trace *pt = NULL;
	uint8_t	*buf = NULL;
	size_t	 len;
	char	 err[256], toobig[256];
	int	 spooled;

	tracepair__job_result__init(&r);
	r.job_id = (char *)(uintptr_t)job_id;
	if (trace != NULL) {
		if (trace->agent == NULL)
			trace->agent = strdup(ad->self.name);
		if ((pt = wire_trace_to_pb(trace)) == NULL) {
			trace_free(trace);
			trace = NULL;
			error = "agent out of memory encoding the trace";
		}
	}
	if (pt != NULL) {
		r.outcome_case = TRACEPAIR__JOB_RESULT__OUTCOME_TRACE;
		r.trace = pt;
	} else {
		r.outcome_case = TRACEPAIR__JOB_RESULT__OUTCOME_ERROR;
		r.error = (char *)(uintptr_t)error;
	}
	len = tracepair__job_result__get_packed_size(&r);
	if (pt != NULL && len > agentd_result_limit(ad)) {
		/* it could never be delivered: say so in its place */
		snprintf(toobig, sizeof(toobig), "result of %zu bytes is over "
		    "the controller's frame limit (%zu bytes for a result): "
		    "fewer probes per hop (-q) or hops (-f, -m)", len,
		    agentd_result_limit(ad));
		log_warnx("job %s: %s; an error sent in its place", job_id,
		    toobig);
		wire_free(pt);
		pt = NULL;
		r.outcome_case = TRACEPAIR__JOB_RESULT__OUTCOME_ERROR;
		r.error = toobig;
		error = toobig;
		len = tracepair__job_result__get_packed_size(&r);
	}
	if ((buf = malloc(len ? len : 1)) == NULL) {
		log_warnx("job %s: out of memory; result lost", job_id);
		goto done;
	}
	tracepair__job_result__pack(&r, buf);
	spooled = spool_put(ad->spool, job_id, buf, len, err,
	    sizeof(err)) == 0;
	log_info("job %s: %s%s", job_id, pt ? "trace done" : "failed: ",
	    pt ? "" : error);
	/* The log says what happened to the result, nothing kinder. */
	if (ad->state == AD_READY) {
		if (!spooled)
			log_warnx("job %s: not spooled (%s); sent without a "
			    "copy", job_id, err);
		agentd_send_result(ad, &r);	/* r is what buf holds */
	} else if (spooled)
		log_info("job %s: controller not connected; result kept in "
		    "the spool", job_id);
	else
		log_warnx("job %s: result lost: not spooled (%s) and the "
		    "controller is not connected", job_id, err);
done:
	free(buf);
	wire_free(pt);
	trace_free(trace);
}

static void
agentd_job_done(struct trace *trace, const char *err, void *arg)
{
	struct agentd_job *job = arg;
	struct agentd *ad = job->ad;

	job->run = NULL;	/* finished: nothing to cancel */
	ad->nrunning--;
	agentd_result(ad, job->job_id, trace, trace ? NULL :
	    (err ? err : "probe engine failed"));
	agentd_job_free(job);
}

static void
agentd_job_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct agentd_job *job = arg;
	char	 msg[128];

	(void)fd;
	(void)what;
	snprintf(msg, sizeof(msg), "deadline of %u ms exceeded on the agent",
	    job->deadline_ms);
	agentd_result(job->ad, job->job_id, NULL, msg);
	agentd_job_free(job);	/* cancels the run */
}

/* A loss run's progress, to the controller if it takes it. */
static void
agentd_job_progress(const struct probe_progress *p, void *arg)
{
	struct agentd_job *job = arg;
	struct agentd *ad = job->ad;
	Tracepair__Envelope env = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__Progress pr;

	if (ad->state != AD_READY || !ad->ctl_progress)
		return;
	tracepair__progress__init(&pr);
	pr.job_id = job->job_id;
	pr.rounds_done = (uint32_t)p->rounds_done;
	pr.rounds = (uint32_t)p->rounds;
	pr.seconds_left = p->seconds_left;
	pr.worst_ttl = p->worst_ttl;
	pr.worst_loss = p->worst_loss;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_PROGRESS;
	env.progress = &pr;
	(void)agentd_send(ad, &env);
}

static void
agentd_job_start(evutil_socket_t fd, short what, void *arg)
{
	struct agentd_job *job = arg;
	struct agentd *ad = job->ad;
	struct timeval tv;
	char	 err[256];

	(void)fd;
	(void)what;
	if (ad->engine == NULL) {
		/* agentd_session_new's daemon (a fuzz target) stops here */
		agentd_result(ad, job->job_id, NULL, "no probe engine");
		agentd_job_free(job);
		return;
	}
	log_debug("job %s: starting towards %s", job->job_id, job->opts.host);
	job->run = probe_start(ad->engine, &job->opts, agentd_job_done, job,
	    err, sizeof(err));
	if (job->run == NULL) {
		agentd_result(ad, job->job_id, NULL, err);
		agentd_job_free(job);
		return;
	}
	probe_set_progress(job->run, agentd_job_progress, job);
	ad->nrunning++;
	ms_to_tv(job->deadline_ms, &tv);
	evtimer_add(job->deadline_ev, &tv);
}

/*
 * An agent probes only from its own addresses: a source address (-s) must
 * be one of this host's (in the agent's network namespace), an interface
 * (-i) must exist.  Otherwise an operator could make it send packets with
 * someone else's address.  -1 with a reason.
 */
static int
agentd_src_check(const struct probe_opts *o, char *err, size_t errlen)
{
	struct ifaddrs	*ifa, *i;
	unsigned char	 want[sizeof(struct in6_addr)];
	const void	*have;
	int		 af, found = 0;

	if (o->iface[0] != '\0' && if_nametoindex(o->iface) == 0) {
		snprintf(err, errlen, "interface %.32s: not an interface of this "
		    "agent", o->iface);
		return -1;
	}
	if (o->src[0] == '\0')
		return 0;
	if (inet_pton(AF_INET, o->src, want) == 1)
		af = AF_INET;
	else if (inet_pton(AF_INET6, o->src, want) == 1)
		af = AF_INET6;
	else {
		snprintf(err, errlen, "source address %.46s: not an IP address",
		    o->src);
		return -1;
	}
	if (getifaddrs(&ifa) == -1) {
		snprintf(err, errlen, "source address %s: cannot list this "
		    "agent's addresses", o->src);
		return -1;
	}
	for (i = ifa; i != NULL && !found; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != af)
			continue;
		have = af == AF_INET ?
		    (const void *)&((struct sockaddr_in *)(void *)
		    i->ifa_addr)->sin_addr :
		    (const void *)&((struct sockaddr_in6 *)(void *)
		    i->ifa_addr)->sin6_addr;
		found = memcmp(have, want, af == AF_INET ? 4 : 16) == 0;
	}
	freeifaddrs(ifa);
	if (!found) {
		snprintf(err, errlen, "source address %s is not an address of "
		    "this agent", o->src);
		return -1;
	}
	return 0;
}

int
agentd_job_opts(const Tracepair__TraceOptions *m, int dns,
    struct probe_opts *o, char *err, size_t errlen)
{
	if (wire_opts_from_pb(m, o, err, errlen) == -1)
		return -1;
	if (!dns)
		o->no_dns = 1;	/* this agent never resolves names */
	if (probe_opts_check(o, err, errlen) == -1)
		return -1;
	return agentd_src_check(o, err, errlen);
}

/* A TraceJob arrived: check it, then schedule its start at start_at_ns. */
static void
agentd_on_job(struct agentd *ad, const Tracepair__TraceJob *tj)
{
	struct agentd_job *job;
	struct timeval tv;
	int64_t	 delay_ns;
	char	 err[256];
	long	 idx;

	if (tj->job_id == NULL || tj->job_id[0] == '\0' ||
	    strlen(tj->job_id) > SPOOL_JOB_ID_MAX) {
		log_warnx("controller: trace job with a bad job id ignored");
		return;
	}
	if (agentd_job_find(ad, tj->job_id) != NULL) {
		log_info("job %s: duplicate, already scheduled", tj->job_id);
		return;
	}
	if ((idx = spool_find(ad->spool, tj->job_id)) >= 0) {
		void	*data;
		size_t	 len;

		log_info("job %s: duplicate, resending its result", tj->job_id);
		if (spool_read(ad->spool, idx, &data, &len, err,
		    sizeof(err)) == 0) {
			if (!agentd_drop_oversize(ad, (size_t)idx, len))
				agentd_send_packed_result(ad, data, len);
			free(data);
		}
		return;
	}
	if (ad->njobs >= ad->cfg.max_jobs) {
		snprintf(err, sizeof(err), "agent busy: %d jobs already "
		    "scheduled (max_jobs %d)", ad->njobs, ad->cfg.max_jobs);
		agentd_result(ad, tj->job_id, NULL, err);
		return;
	}
	if ((job = calloc(1, sizeof(*job))) == NULL) {
		agentd_result(ad, tj->job_id, NULL, "agent out of memory");
		return;
	}
	job->ad = ad;
	snprintf(job->job_id, sizeof(job->job_id), "%s", tj->job_id);
	if (tj->options == NULL) {
		agentd_result(ad, tj->job_id, NULL, "job has no options");
		free(job);
		return;
	}
	if (agentd_job_opts(tj->options, ad->cfg.dns, &job->opts, err,
	    sizeof(err)) == -1 || probe_opts_fit(&job->opts,
	    agentd_frame_limit(ad), err, sizeof(err)) == -1) {
		char	 msg[300];

		snprintf(msg, sizeof(msg), "bad trace options: %s", err);
		agentd_result(ad, tj->job_id, NULL, msg);
		free(job);
		return;
	}
	job->deadline_ms = tj->deadline_ms ? tj->deadline_ms :
	    (uint32_t)ad->cfg.default_deadline_ms;
	job->start_ev = evtimer_new(ad->base, agentd_job_start, job);
	job->deadline_ev = evtimer_new(ad->base, agentd_job_deadline, job);
	if (job->start_ev == NULL || job->deadline_ev == NULL) {
		if (job->start_ev)
			event_free(job->start_ev);
		if (job->deadline_ev)
			event_free(job->deadline_ev);
		free(job);
		agentd_result(ad, tj->job_id, NULL, "agent out of memory");
		return;
	}
	TAILQ_INSERT_TAIL(&ad->jobs, job, entry);
	ad->njobs++;
	/* start_at is in our CLOCK_REALTIME: turn it into a relative timer */
	delay_ns = tj->start_at_ns ? tj->start_at_ns - wire_now_ns() : 0;
	if (delay_ns < 0) {
		if (tj->start_at_ns != 0)
			log_info("job %s: start instant passed %.1f ms ago; "
			    "starting now", job->job_id, -delay_ns / 1e6);
		delay_ns = 0;
	}
	log_info("job %s: %s in %.1f ms", job->job_id, job->opts.host,
	    delay_ns / 1e6);
	tv.tv_sec = delay_ns / 1000000000;
	tv.tv_usec = (delay_ns % 1000000000) / 1000;
	evtimer_add(job->start_ev, &tv);
}

/* ----------------------------------------------------------- connection */

static void
agentd_send_hello(struct agentd *ad)
{
	static char	*caps[] = { "udp", "udp-paris", "icmp", "icmp-paris",
			    "tcp", "ipv4", "ipv6" };
	Tracepair__Envelope env = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__Hello h;
	char	 a4[TRACE_ADDR_LEN], a6[TRACE_ADDR_LEN];

	tracepair__hello__init(&h);
	/*
	 * Only configured probe addresses are announced: otherwise the
	 * controller probes us at the address our connection arrives from,
	 * which behind NAT is the public one, not local_addr.
	 */
	snprintf(a4, sizeof(a4), "%s", ad->cfg.probe_addr4);
	snprintf(a6, sizeof(a6), "%s", ad->cfg.probe_addr6);
	h.protocol_version = FRAME_PROTOCOL_VERSION;
	h.local_addr = ad->local_addr;
	h.site_method = ad->cfg.site_method;
	h.software = AGENTD_SOFTWARE;
	h.n_capabilities = sizeof(caps) / sizeof(caps[0]);
	h.capabilities = caps;
	h.probe_addr4 = a4;
	h.probe_addr6 = a6;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	ad->state = AD_HELLO;
	if (agentd_send(ad, &env) == 0)
		log_info("controller: hello sent (local address %s, probe "
		    "address %s%s%s)", ad->local_addr[0] ? ad->local_addr : "?",
		    a4[0] ? a4 : "", a4[0] && a6[0] ? ", " : "",
		    a6[0] ? a6 : (a4[0] ? "" : "as seen by the controller"));
}

/* Note the source address of our connection (the default probe address). */
static void
agentd_note_local_addr(struct agentd *ad)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	evutil_socket_t fd = bufferevent_getfd(frame_conn_bev(ad->conn));

	ad->local_addr[0] = '\0';
	ad->local_af = 0;
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    ad->local_addr, sizeof(ad->local_addr));
		ad->local_af = 4;
	} else if (ss.ss_family == AF_INET6) {
		struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			inet_ntop(AF_INET, &a->s6_addr[12], ad->local_addr,
			    sizeof(ad->local_addr));
			ad->local_af = 4;
		} else {
			inet_ntop(AF_INET6, a, ad->local_addr,
			    sizeof(ad->local_addr));
			ad->local_af = 6;
		}
	}
}

/*
 * The controller's Hello says where our connection arrives from: a
 * different address than our own means a NAT on the way (an address from
 * the controller is data: only a numeric address is logged).
 */
static void
agentd_note_observed(struct agentd *ad, const char *observed)
{
	unsigned char	 buf[sizeof(struct in6_addr)];

	if (observed == NULL || observed[0] == '\0' ||
	    strlen(observed) >= TRACE_ADDR_LEN ||
	    (inet_pton(AF_INET, observed, buf) != 1 &&
	    inet_pton(AF_INET6, observed, buf) != 1))
		return;
	if (strcmp(observed, ad->local_addr) == 0)
		log_info("controller: sees us at our own address %s (no NAT)",
		    observed);
	else
		log_info("controller: sees us at %s, our address is %s: "
		    "behind NAT", observed, ad->local_addr);
}

static void
agentd_on_connected(struct frame_conn *fc, void *arg)
{
	struct agentd *ad = arg;
	struct tls_peer peer;
	SSL	*ssl = bufferevent_openssl_get_ssl(frame_conn_bev(fc));
	char	 err[256];

	if (tls_peer_identity(ssl, &peer, err, sizeof(err)) == -1) {
		log_warnx("controller %s: %s", ad->cfg.controller_host, err);
		frame_conn_close(fc, 0, TRACEPAIR__ERROR_CODE__ERROR_NONE, err);
		return;
	}
	if (peer.role != TLS_ROLE_CONTROLLER) {
		snprintf(err, sizeof(err), "peer %s has role %s, not "
		    "controller", peer.name, tls_role_name(peer.role));
		log_warnx("controller %s: %s", ad->cfg.controller_host, err);
		frame_conn_close(fc, 0, TRACEPAIR__ERROR_CODE__ERROR_FORBIDDEN,
		    err);
		return;
	}
	agentd_note_local_addr(ad);
	{
		/* small frames (Pong, JobResult): no Nagle + delayed-ACK stalls */
		int	 one = 1;
		evutil_socket_t fd = bufferevent_getfd(frame_conn_bev(fc));

		if (fd >= 0)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
	}
	log_info("controller: connected to %s (%s:%s) from %s",
	    peer.name, ad->cfg.controller_host, ad->cfg.controller_port,
	    ad->local_addr);
	if (ad->cfg.idle_timeout_s > 0) {
		struct timeval tv = { ad->cfg.idle_timeout_s, 0 };

		bufferevent_set_timeouts(frame_conn_bev(fc), &tv, NULL);
	}
	agentd_send_hello(ad);
}

static void
agentd_on_message(struct frame_conn *fc, const frame_env *env, void *arg)
{
	struct agentd *ad = arg;
	int64_t	 t2 = wire_now_ns();
	char	 msg[256];

	switch (env->body_case) {
	case TRACEPAIR__ENVELOPE__BODY_HELLO:
		if (ad->state != AD_HELLO) {
			frame_conn_close(fc, env->request_id,
			    TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED,
			    "second hello");
			return;
		}
		if (env->hello->protocol_version != FRAME_PROTOCOL_VERSION) {
			snprintf(msg, sizeof(msg), "protocol version %u not "
			    "supported (want %d)", env->hello->protocol_version,
			    FRAME_PROTOCOL_VERSION);
			log_warnx("controller: %s", msg);
			frame_conn_close(fc, env->request_id,
			    TRACEPAIR__ERROR_CODE__ERROR_BAD_VERSION, msg);
			return;
		}
		ad->state = AD_READY;
		ad->ctl_progress = frame_hello_has(env->hello, "progress");
		ad->ctl_frame_limit = env->hello->frame_limit;
		evtimer_del(ad->connect_to_ev);
		backoff_reset(&ad->backoff);
		log_info("controller: session up (%s); %zu result(s) spooled; "
		    "results up to %zu bytes", env->hello->software ?
		    env->hello->software : "?", spool_count(ad->spool),
		    agentd_result_limit(ad));
		agentd_note_observed(ad, env->hello->observed_addr);
		agentd_replay_spool(ad);
		return;
	case TRACEPAIR__ENVELOPE__BODY_ERROR:
		log_warnx("controller says: %s",
		    env->error->message ? env->error->message : "error");
		return;	/* the controller closes; on_close follows */
	default:
		break;
	}
	if (ad->state != AD_READY) {
		snprintf(msg, sizeof(msg), "%s before hello",
		    frame_body_name(env));
		log_warnx("controller: %s", msg);
		frame_conn_close(fc, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED, msg);
		return;
	}
	switch (env->body_case) {
	case TRACEPAIR__ENVELOPE__BODY_PING:
		(void)wire_pong(env, t2, agentd_send_cb, ad);
		/* the controller's store failed earlier: take them again */
		if (env->ping->resend_spool && ad->state == AD_READY)
			agentd_replay_spool(ad);
		return;
	case TRACEPAIR__ENVELOPE__BODY_TRACE_JOB:
		agentd_on_job(ad, env->trace_job);
		return;
	case TRACEPAIR__ENVELOPE__BODY_RESULT_ACK:
		if (env->result_ack->job_id == NULL ||
		    spool_ack(ad->spool, env->result_ack->job_id) == -1)
			log_debug("controller: ack of job %s not in the spool",
			    env->result_ack->job_id ? env->result_ack->job_id :
			    "?");
		else
			log_debug("job %s: acknowledged",
			    env->result_ack->job_id);
		return;
	default:
		snprintf(msg, sizeof(msg), "%s not allowed to an agent",
		    frame_body_name(env));
		log_warnx("controller: %s", msg);
		frame_conn_close(fc, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED, msg);
		return;
	}
}

static void
agentd_on_close(struct frame_conn *fc, const char *reason, void *arg)
{
	struct agentd *ad = arg;

	log_warnx("controller %s:%s: connection %s: %s",
	    ad->cfg.controller_host, ad->cfg.controller_port,
	    ad->state == AD_CONNECTING ? "failed" : "lost", reason);
	frame_conn_free(fc);
	ad->conn = NULL;
	agentd_schedule_reconnect(ad);
}

static const struct frame_conn_cbs agentd_cbs = {
	agentd_on_connected, agentd_on_message, agentd_on_close
};

static void
agentd_connect_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct agentd *ad = arg;

	(void)fd;
	(void)what;
	if (ad->conn == NULL || ad->state == AD_READY)
		return;
	log_warnx("controller %s:%s: no session within %d ms",
	    ad->cfg.controller_host, ad->cfg.controller_port,
	    ad->cfg.connect_timeout_ms);
	frame_conn_free(ad->conn);
	ad->conn = NULL;
	agentd_schedule_reconnect(ad);
}

static void
agentd_reconnect_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	agentd_connect(arg);
}

static void
agentd_schedule_reconnect(struct agentd *ad)
{
	struct timeval tv;
	uint32_t ms = backoff_next(&ad->backoff);

	ad->state = AD_WAIT;
	evtimer_del(ad->connect_to_ev);
	log_info("controller: reconnecting in %.1f s", ms / 1000.0);
	ms_to_tv(ms, &tv);
	evtimer_add(ad->reconnect_ev, &tv);
}

static void
agentd_connect(struct agentd *ad)
{
	struct bufferevent *bev;
	struct timeval tv;
	SSL	*ssl;
	unsigned char tmp[sizeof(struct in6_addr)];

	ad->state = AD_CONNECTING;
	if ((ssl = SSL_new(ad->ssl_ctx)) == NULL) {
		log_warnx("controller: SSL_new failed");
		agentd_schedule_reconnect(ad);
		return;
	}
	if (inet_pton(AF_INET, ad->cfg.controller_host, tmp) != 1 &&
	    inet_pton(AF_INET6, ad->cfg.controller_host, tmp) != 1)
		SSL_set_tlsext_host_name(ssl, ad->cfg.controller_host);
	bev = bufferevent_openssl_socket_new(ad->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		log_warnx("controller: cannot create a TLS bufferevent");
		agentd_schedule_reconnect(ad);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	if ((ad->conn = frame_conn_new(bev, 0, &agentd_cbs, ad)) == NULL) {
		bufferevent_free(bev);
		log_warnx("controller: out of memory");
		agentd_schedule_reconnect(ad);
		return;
	}
	ms_to_tv(ad->cfg.connect_timeout_ms, &tv);
	evtimer_add(ad->connect_to_ev, &tv);
	log_debug("controller: dialing %s:%s", ad->cfg.controller_host,
	    ad->cfg.controller_port);
	if (bufferevent_socket_connect_hostname(bev, ad->dns, AF_UNSPEC,
	    ad->cfg.controller_host, atoi(ad->cfg.controller_port)) == -1) {
		/* on_close may already have run and rescheduled */
		if (ad->conn != NULL && ad->state == AD_CONNECTING) {
			log_warnx("controller %s:%s: cannot connect",
			    ad->cfg.controller_host, ad->cfg.controller_port);
			frame_conn_free(ad->conn);
			ad->conn = NULL;
			agentd_schedule_reconnect(ad);
		}
	}
}

/* --------------------------------------------------------------- main */

static void
agentd_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct agentd *ad = arg;

	(void)what;
	log_info("signal %d: shutting down (%d job(s) dropped, %zu result(s) "
	    "kept in the spool)", (int)sig, ad->njobs, spool_count(ad->spool));
	event_base_loopexit(ad->base, NULL);
}

/* SIGHUP: the settings were read before privileges were dropped. */
static void
agentd_on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct agentd *ad = arg;

	(void)sig;
	(void)what;
	log_info("SIGHUP: nothing to reload (restart to apply a new "
	    "configuration); %d job(s) scheduled, %zu result(s) spooled, "
	    "%llu result(s) sent", ad->njobs, spool_count(ad->spool),
	    (unsigned long long)ad->results_sent);
}

static void
agentd_usage(const char *prog)
{
	fprintf(stderr, "usage: %s --config FILE [-n] [-v] [--syslog]\n",
	    prog);
}

/* Load certificates and learn our own name from our certificate. */
static int
agentd_tls_setup(struct agentd *ad, char *err, size_t errlen)
{
	struct tls_files tf = { ad->cfg.ca, ad->cfg.cert, ad->cfg.key, NULL };
	X509	*me;

	if ((ad->ssl_ctx = tls_client_ctx(&tf, err, errlen)) == NULL)
		return -1;
	if ((me = SSL_CTX_get0_certificate(ad->ssl_ctx)) == NULL) {
		snprintf(err, errlen, "%s: no certificate", ad->cfg.cert);
		return -1;
	}
	if (tls_cert_identity(me, &ad->self, err, errlen) == -1)
		return -1;
	if (ad->self.role != TLS_ROLE_AGENT) {
		snprintf(err, errlen, "%s: a %s certificate, not an agent "
		    "certificate", ad->cfg.cert, tls_role_name(ad->self.role));
		return -1;
	}
	return 0;
}

static void
agentd_free(struct agentd *ad)
{
	while (!TAILQ_EMPTY(&ad->jobs))
		agentd_job_free(TAILQ_FIRST(&ad->jobs));
	if (ad->conn != NULL)
		frame_conn_free(ad->conn);
	if (ad->reconnect_ev)
		event_free(ad->reconnect_ev);
	if (ad->connect_to_ev)
		event_free(ad->connect_to_ev);
	if (ad->sig_int)
		event_free(ad->sig_int);
	if (ad->sig_term)
		event_free(ad->sig_term);
	if (ad->sig_hup)
		event_free(ad->sig_hup);
	if (ad->engine)
		probe_engine_free(ad->engine);
	if (ad->dns)
		evdns_base_free(ad->dns, 0);
	if (ad->base)
		event_base_free(ad->base);
	if (ad->ssl_ctx)
		SSL_CTX_free(ad->ssl_ctx);
	spool_close(ad->spool);
	agentd_config_clear(&ad->cfg);
}

struct agentd *
agentd_session_new(struct event_base *base, const struct agentd_config *cfg,
    const struct tls_peer *self, struct spool *spool, struct bufferevent *bev)
{
	struct agentd	*ad;

	if ((ad = calloc(1, sizeof(*ad))) == NULL)
		return NULL;
	TAILQ_INIT(&ad->jobs);
	ad->cfg = *cfg;
	ad->cfg.ca = ad->cfg.cert = ad->cfg.key = ad->cfg.user = NULL;
	ad->cfg.spool_dir = NULL;
	ad->self = *self;
	ad->base = base;
	ad->spool = spool;
	backoff_init(&ad->backoff, ad->cfg.backoff_min_ms,
	    ad->cfg.backoff_max_ms);
	ad->reconnect_ev = evtimer_new(base, agentd_reconnect_cb, ad);
	ad->connect_to_ev = evtimer_new(base, agentd_connect_timeout, ad);
	if (ad->reconnect_ev == NULL || ad->connect_to_ev == NULL ||
	    (ad->conn = frame_conn_new(bev, 0, &agentd_cbs, ad)) == NULL) {
		ad->spool = NULL;	/* still the caller's */
		ad->base = NULL;
		agentd_free(ad);
		free(ad);
		return NULL;
	}
	ad->state = AD_CONNECTING;
	agentd_send_hello(ad);
	return ad;
}

void
agentd_session_free(struct agentd *ad)
{
	if (ad == NULL)
		return;
	ad->base = NULL;	/* the caller's */
	agentd_free(ad);
	free(ad);
}

int
agentd_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "check",	no_argument,	   NULL, 'n' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "syslog",	no_argument,	   NULL, 'S' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct agentd	 ad;
	const char	*config = NULL, *prog = "tracepair-agent";
	char		 err[512], **av = argv;
	int		 ch, check = 0, verbose = 0, use_syslog = 0, ac = argc;
	char		*fake[64];
	struct event_config *evcfg;

	/* Accept argv with or without the program name in front. */
	if (argc > 0 && argv[0][0] == '-' && argc < 63) {
		fake[0] = (char *)(uintptr_t)prog;
		memcpy(fake + 1, argv, argc * sizeof(*argv));
		fake[argc + 1] = NULL;
		av = fake;
		ac = argc + 1;
	}
	optind = 1;
	while ((ch = getopt_long(ac, av, "c:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'S':
			use_syslog = 1;
			break;
		case 'h':
			agentd_usage(prog);
			return 0;
		default:
			agentd_usage(prog);
			return 2;
		}
	}
	if (config == NULL || optind != ac) {
		agentd_usage(prog);
		return 2;
	}
	memset(&ad, 0, sizeof(ad));
	TAILQ_INIT(&ad.jobs);
	if (agentd_config_load(config, &ad.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	if (agentd_tls_setup(&ad, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err);
		agentd_free(&ad);
		return 1;
	}
	if (check && agentd_config_check(&ad.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err);
		agentd_free(&ad);
		return 1;
	}
	if (check) {
		printf("configuration OK (agent %s, tenant %s, controller "
		    "%s:%s)\n", ad.self.name, ad.self.tenant[0] ?
		    ad.self.tenant : "-", ad.cfg.controller_host,
		    ad.cfg.controller_port);
		agentd_free(&ad);
		return 0;
	}
	log_init("tracepair-agent", !use_syslog, verbose);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Precise timers (timerfd): a job's start instant is a timer, and the
	 * two halves of a pair should start within a millisecond or so.
	 */
	if ((evcfg = event_config_new()) != NULL) {
		event_config_set_flag(evcfg, EVENT_BASE_FLAG_PRECISE_TIMER);
		ad.base = event_base_new_with_config(evcfg);
		event_config_free(evcfg);
	}
	if (ad.base == NULL && (ad.base = event_base_new()) == NULL) {
		log_warnx("cannot create the event base");
		agentd_free(&ad);
		return 1;
	}
	ad.dns = evdns_base_new(ad.base, ad.cfg.dns ?
	    EVDNS_BASE_INITIALIZE_NAMESERVERS : 0);
	if (ad.dns == NULL && ad.cfg.dns)
		ad.dns = evdns_base_new(ad.base, 0);
	if (ad.dns == NULL) {
		log_warnx("cannot create the DNS resolver");
		agentd_free(&ad);
		return 1;
	}

	/*
	 * Start-up order: 1. raw sockets (needs CAP_NET_RAW), 2. drop every
	 * privilege and verify, 3. only then touch the network or the spool.
	 */
	if ((ad.engine = probe_engine_new(ad.base, ad.dns, err,
	    sizeof(err))) == NULL) {
		log_warnx("probe engine: %s", err);
		agentd_free(&ad);
		return 1;
	}
	if (probe_drop_privileges(ad.cfg.user, err, sizeof(err)) == -1) {
		log_warnx("dropping privileges: %s", err);
		agentd_free(&ad);
		return 1;
	}
	if (ad.cfg.user != NULL && (getuid() == 0 || geteuid() == 0)) {
		log_warnx("still root after dropping privileges to %s",
		    ad.cfg.user);
		agentd_free(&ad);
		return 1;
	}
	if (ad.cfg.pps > 0)
		probe_engine_set_rate(ad.engine, ad.cfg.pps);
	if ((ad.spool = spool_open(ad.cfg.spool_dir, ad.cfg.spool_max_bytes,
	    err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		agentd_free(&ad);
		return 1;
	}
	ad.reconnect_ev = evtimer_new(ad.base, agentd_reconnect_cb, &ad);
	ad.connect_to_ev = evtimer_new(ad.base, agentd_connect_timeout, &ad);
	ad.sig_int = evsignal_new(ad.base, SIGINT, agentd_on_signal, &ad);
	ad.sig_term = evsignal_new(ad.base, SIGTERM, agentd_on_signal, &ad);
	ad.sig_hup = evsignal_new(ad.base, SIGHUP, agentd_on_hup, &ad);
	if (ad.reconnect_ev == NULL || ad.connect_to_ev == NULL ||
	    ad.sig_int == NULL || ad.sig_term == NULL || ad.sig_hup == NULL ||
	    evsignal_add(ad.sig_int, NULL) == -1 ||
	    evsignal_add(ad.sig_term, NULL) == -1 ||
	    evsignal_add(ad.sig_hup, NULL) == -1) {
		log_warnx("cannot create events");
		agentd_free(&ad);
		return 1;
	}
	backoff_init(&ad.backoff, ad.cfg.backoff_min_ms, ad.cfg.backoff_max_ms);
	log_info("agent %s (tenant %s) starting; %zu result(s) in the spool",
	    ad.self.name, ad.self.tenant[0] ? ad.self.tenant : "-",
	    spool_count(ad.spool));
	agentd_connect(&ad);
	event_base_dispatch(ad.base);
	agentd_free(&ad);
	return 0;
}
