/* fuzz_ctlmsg.c: the controller's message handlers (ctl_session.c and what it routes to) on frames from a peer of any role and tenant, over an in-memory connection and store. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "ctl.h"
#include "frame.h"
#include "log.h"
#include "wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Input: byte 0, then the bytes one peer (the stranger) sends, frames
 * (tests/fuzz/gen_msgseeds.c writes seeds of valid ones).  Byte 0:
 *   bits 0-2  the stranger's certificate identity (fz_ids[]: agents,
 *             operators of two tenants, an MSP operator, and two the
 *             controller refuses at once)
 *   bit 3     the harness sends the stranger's Hello first (a valid one)
 *             and, for an agent, answers the Pings of its clock rounds
 *   bit 4     agents sf and chi of tenant acme are online first, with
 *             synced clocks (the harness answers their Pings and fails
 *             their TraceJobs), unless the stranger is one of them
 *   bit 5     that Hello lists "progress"
 *   bit 6     an operator of acme asks for a pair sf -> chi before the
 *             stranger speaks (pair p-fz-1, jobs j-fz-2 and j-fz-3)
 * Each input gets a new controller (id prefix "fz") and an empty store
 * (in memory, made once, emptied by store_clear for each input),
 * every session over a bufferevent pair: no TLS, no network.  Every
 * frame the controller sends must decode (abort otherwise).  At the end
 * the pairs' deadlines pass (ctl_pair_tick an hour on) and the daemon is
 * taken down in main()'s order.  FZ_LOG=1 logs to stderr.
 */
static const struct tls_peer fz_ids[8] = {
	{ TLS_ROLE_AGENT, "sf", "acme" },
	{ TLS_ROLE_AGENT, "chi", "acme" },
	{ TLS_ROLE_AGENT, "nyc", "acme" },
	{ TLS_ROLE_OPERATOR, "alice", "acme" },
	{ TLS_ROLE_OPERATOR, "bob", "other" },
	{ TLS_ROLE_MSP, "mia", "msp" },
	{ TLS_ROLE_SIGNER, "signer", "acme" },
	{ TLS_ROLE_AGENT, "lone", "" },
};

/* One peer as the harness plays it: its end of the session's pair. */
struct fz_peer {
	struct bufferevent *end;	/* the harness's end, NULL when unused */
	int		 agent;		/* 1: answer Pings and TraceJobs,
					   2: Pings only */
};
#define FZ_PEERS	4	/* sf, chi, the operator of bit 6, the stranger */

/* Queue env on a peer's end. */
static int
fz_send(struct fz_peer *p, const frame_env *env)
{
	char	 err[128];

	if (frame_write(bufferevent_get_output(p->end), env,
	    FRAME_LIMIT_DEFAULT, err, sizeof(err)) == -1)
		abort();	/* the harness's own frames fit */
	return 0;
}

static int
fz_send_cb(void *arg, Tracepair__Envelope *env)
{
	return fz_send(arg, env);
}

/* A session of identity id over a new pair; NULL when refused at once. */
static struct fz_peer *
fz_connect(struct ctl *ctl, struct fz_peer *p, const struct tls_peer *id,
    int agent)
{
	struct bufferevent	*pair[2];
	struct ctl_session	*s;

	memset(p, 0, sizeof(*p));
	if (bufferevent_pair_new(ctl->base, 0, pair) == -1 ||
	    (s = calloc(1, sizeof(*s))) == NULL)
		abort();
	if (ctl_session_start(ctl, s, pair[0], "192.0.2.9:4711",
	    "192.0.2.9") == -1)
		abort();
	p->end = pair[1];
	p->agent = agent;
	bufferevent_enable(p->end, EV_READ | EV_WRITE);
	s->peer = *id;
	(void)ctl_session_admit(s);
	return p;
}

static void
fz_hello(struct fz_peer *p, const char *probe4, int progress)
{
	frame_env		 env;
	Tracepair__Hello	 h;
	char			 sw[] = "fuzz 0.1", cap[] = "progress";
	char			*caps[] = { cap };

	tracepair__envelope__init(&env);
	tracepair__hello__init(&h);
	h.protocol_version = FRAME_PROTOCOL_VERSION;
	h.software = sw;
	h.probe_addr4 = (char *)(uintptr_t)probe4;
	if (progress) {
		h.n_capabilities = 1;
		h.capabilities = caps;
	}
	env.request_id = 1;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	fz_send(p, &env);
}

/* What a harness agent says to one frame of the controller. */
static void
fz_answer(struct fz_peer *p, const frame_env *env)
{
	frame_env		 r;
	Tracepair__JobResult	 jr;
	char			 why[] = "fuzz agent: no probing";

	if (env->body_case == TRACEPAIR__ENVELOPE__BODY_PING)
		(void)wire_pong(env, wire_now_ns(), fz_send_cb, p);
	else if (env->body_case == TRACEPAIR__ENVELOPE__BODY_TRACE_JOB &&
	    p->agent == 1 && env->trace_job->job_id != NULL) {
		tracepair__envelope__init(&r);
		tracepair__job_result__init(&jr);
		jr.job_id = env->trace_job->job_id;
		jr.outcome_case = TRACEPAIR__JOB_RESULT__OUTCOME_ERROR;
		jr.error = why;
		r.body_case = TRACEPAIR__ENVELOPE__BODY_JOB_RESULT;
		r.job_result = &jr;
		fz_send(p, &r);
	}
}

/*
 * Read what the controller sent each peer: every frame must decode;
 * harness agents answer theirs.  The number of frames read.
 */
static int
fz_read(struct fz_peer *peers)
{
	struct evbuffer	*in;
	frame_env	*env;
	char		 err[256];
	int		 i, n = 0;

	for (i = 0; i < FZ_PEERS; i++) {
		if (peers[i].end == NULL)
			continue;
		in = bufferevent_get_input(peers[i].end);
		for (;;) {
			switch (frame_read(in, 64 * 1024 * 1024, &env, err,
			    sizeof(err))) {
			case FRAME_MORE:
				break;
			case FRAME_ERROR:
				fprintf(stderr, "the controller sent a frame "
				    "that does not decode: %s\n", err);
				abort();
			case FRAME_DONE:
				n++;
				if (peers[i].agent)
					fz_answer(&peers[i], env);
				frame_free(env);
				continue;
			}
			break;
		}
	}
	return n;
}

/* Turn the loop and answer until nothing moves (bounded). */
static void
fz_settle(struct ctl *ctl, struct fz_peer *peers)
{
	int	 k, quiet = 0;

	for (k = 0; k < 256 && quiet < 2; k++) {
		event_base_loop(ctl->base, EVLOOP_NONBLOCK);
		quiet = fz_read(peers) == 0 ? quiet + 1 : 0;
	}
}

static void
fz_pair_request(struct fz_peer *p)
{
	frame_env		 env;
	Tracepair__PairRequest	 pr;
	Tracepair__TraceOptions	 o;
	char			 a[] = "sf", b[] = "chi";

	tracepair__envelope__init(&env);
	tracepair__pair_request__init(&pr);
	tracepair__trace_options__init(&o);
	o.first_ttl = 1;
	o.max_ttl = 8;
	o.queries = 1;
	o.wait_max = 1.0;
	pr.agent_a = a;
	pr.agent_b = b;
	pr.options = &o;
	pr.no_follow_up = 1;
	env.request_id = 7;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_PAIR_REQUEST;
	env.pair_request = &pr;
	fz_send(p, &env);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base *base;
	static struct store	*store;
	static const struct tls_peer op = { TLS_ROLE_OPERATOR, "olga", "acme" };
	struct ctl		 ctl;
	struct fz_peer		 peers[FZ_PEERS];
	const struct tls_peer	*id;
	char			 err[256];
	int			 i, flags;

	if (size < 1)
		return 0;
	if (base == NULL) {
		/* to syslog, not the TAP log; FZ_LOG=1: stderr, debug */
		log_init("fuzz_ctlmsg", getenv("FZ_LOG") != NULL,
		    getenv("FZ_LOG") != NULL);
		if ((base = event_base_new()) == NULL ||
		    (store = store_open("-", err, sizeof(err))) == NULL)
			abort();
	}
	flags = data[0];
	id = &fz_ids[flags & 7];
	data++;
	size--;

	/* the daemon as main() makes it, less TLS, listeners and timers */
	ctl_init(&ctl);
	ctl.conf.clock_pings = 2;
	snprintf(ctl.id_prefix, sizeof(ctl.id_prefix), "fz");
	ctl.base = base;
	ctl.store = store;
	if (store_clear(store, err, sizeof(err)) == -1 ||
	    ctl_registry_load(&ctl, err, sizeof(err)) == -1 ||
	    ctl_sched_load(&ctl, err, sizeof(err)) == -1 ||
	    ctl_store_start(&ctl, err, sizeof(err)) == -1 ||
	    ctl_alert_init(&ctl, err, sizeof(err)) == -1) {
		fprintf(stderr, "fuzz_ctlmsg: %s\n", err);
		abort();
	}

	memset(peers, 0, sizeof(peers));
	if (flags & 16) {
		if (id != &fz_ids[0]) {
			fz_connect(&ctl, &peers[0], &fz_ids[0], 1);
			fz_hello(&peers[0], "198.18.0.1", 0);
		}
		if (id != &fz_ids[1]) {
			fz_connect(&ctl, &peers[1], &fz_ids[1], 1);
			fz_hello(&peers[1], "198.18.0.2", 0);
		}
		fz_settle(&ctl, peers);
	}
	/* its clock is measured as an agent's would be: Pings answered */
	fz_connect(&ctl, &peers[3], id, (flags & 8) &&
	    id->role == TLS_ROLE_AGENT ? 2 : 0);
	if (flags & 8)
		fz_hello(&peers[3], id->role == TLS_ROLE_AGENT ?
		    "198.18.0.3" : NULL, flags & 32);
	fz_settle(&ctl, peers);
	if (flags & 64) {
		fz_connect(&ctl, &peers[2], &op, 0);
		fz_hello(&peers[2], NULL, 1);
		fz_pair_request(&peers[2]);
		fz_settle(&ctl, peers);
	}
	/* the stranger speaks */
	bufferevent_write(peers[3].end, data, size);
	fz_settle(&ctl, peers);
	/* an hour later: deadlines pass, what waits is answered */
	ctl_pair_tick(&ctl, ctl_now() + 3600);
	fz_settle(&ctl, peers);

	/* the order of main()'s exit */
	ctl_store_stop(&ctl);
	ctl_pair_free_all(&ctl);
	ctl_sched_free_all(&ctl);
	ctl_alert_free(&ctl);
	ctl_session_close_all(&ctl);
	ctl_rcache_free(&ctl);
	ctl_registry_flush(&ctl);
	ctl_registry_free(&ctl);
	for (i = 0; i < FZ_PEERS; i++)
		if (peers[i].end != NULL)
			bufferevent_free(peers[i].end);
	event_base_loop(base, EVLOOP_NONBLOCK);
	ctl_conf_free(&ctl.conf);
	return 0;
}
