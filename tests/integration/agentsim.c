/* agentsim.c: test driver that opens N agent connections from one process and speaks the real agent protocol. */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "frame.h"
#include "hostport.h"
#include "log.h"
#include "tls.h"
#include "trace.h"
#include "wire.h"

/*
 * usage: agentsim --controller HOST:PORT --pki DIR [--prefix sim-]
 *                 [--count N] [--first I] [--hold SECONDS] [--answer]
 *                 [--misbehave oversize|garbage|nobody|operator-request|
 *                  pairs-request]
 *                 [--answer-delay-ms MS] [--answer-twice]
 *
 * Agent i (first <= i < first + count) is named PREFIX%03d and presents
 * DIR/PREFIX%03d.crt + .key (certs/tp-pki.sh issue DIR agent NAME).  Each
 * sends Hello with probe address 198.18.200+i/256.i%256, answers Ping with
 * Pong, and with --answer answers every TraceJob with a small synthetic
 * trace (3 hops, reached) after --answer-delay-ms (--answer-twice: sends
 * each result twice, as an agent resending after a lost ack would); it
 * prints every ResultAck.
 * stdout gets one line per event worth a test's grep:
 *   "ready N"                  every session has exchanged Hello
 *   "job NAME JOB_ID HOST START_AT_NS"
 *   "ack NAME JOB_ID"
 *   "closed NAME: REASON"
 * With --misbehave, agent 0 sends one bad frame right after its Hello
 * exchange (a length over the 1 MiB limit, random bytes, an Envelope with
 * no body, an operator's AgentsRequest or PairsRequest); the others behave.
 * Exits 0 after --hold seconds (default: until SIGTERM), 1 on set-up
 * errors.
 */

/* One simulated agent connection. */
struct sim_agent {
	struct sim	*sim;		/* owner */
	int		 idx;		/* i */
	char		 name[64];	/* PREFIX%03d */
	SSL_CTX		*ctx;		/* its own client context (own cert) */
	struct frame_conn *conn;	/* NULL when closed */
	int		 ready;		/* Hello exchanged */
	int		 misbehave;	/* send the bad frame after Hello */
};

/* A pending synthetic answer to one job. */
struct sim_answer {
	struct sim_agent *a;		/* who answers */
	char		*job_id;
	char		*host;		/* destination the job asked for */
	struct event	*ev;		/* fires after the answer delay */
};

/* The whole driver. */
struct sim {
	struct event_base *base;	/* the one event loop */
	char		 host[256], port[16];	/* controller */
	char		 pki[1024];	/* certificate directory */
	const char	*prefix;	/* agent names: PREFIX%03d */
	int		 count, first;	/* how many agents, index of the first */
	int		 answer;	/* answer TraceJobs */
	int		 answer_delay_ms;	/* after the job's start instant */
	int		 answer_twice;	/* send each JobResult twice (a resend) */
	const char	*misbehave;	/* NULL or the kind */
	int		 nready;	/* sessions with Hello exchanged */
	struct sim_agent *agents;	/* count of them */
	struct event	*next_ev;	/* paces the connects */
	int		 next;		/* next agent to connect */
};

static void
sim_send(struct sim_agent *a, Tracepair__Envelope *env)
{
	char	 err[256];

	if (a->conn != NULL && frame_conn_send(a->conn, env, err,
	    sizeof(err)) == -1)
		fprintf(stderr, "agentsim %s: send: %s\n", a->name, err);
}

/* sim_send for wire_pong. */
static int
sim_send_cb(void *arg, Tracepair__Envelope *env)
{
	sim_send(arg, env);
	return 0;
}

static void
sim_send_hello(struct sim_agent *a)
{
	static char	*caps[] = { "udp", "icmp", "tcp", "paris", "sim" };
	Tracepair__Envelope env = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__Hello h;
	char	 addr[32];
	int	 i = a->idx;

	tracepair__hello__init(&h);
	snprintf(addr, sizeof(addr), "198.18.%d.%d", 200 + i / 254,
	    1 + i % 254);
	h.protocol_version = FRAME_PROTOCOL_VERSION;
	h.software = "agentsim 0.1";
	h.n_capabilities = 5;
	h.capabilities = caps;
	h.probe_addr4 = addr;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	sim_send(a, &env);
}

/* The bad frame of --misbehave, written past the framing layer. */
static void
sim_send_bad(struct sim_agent *a)
{
	struct evbuffer *out = bufferevent_get_output(frame_conn_bev(a->conn));
	const char *k = a->sim->misbehave;

	if (strcmp(k, "oversize") == 0) {
		/* header says 2 MiB; a few bytes follow */
		static const uint8_t hdr[] = { 0x00, 0x20, 0x00, 0x00, 1, 2, 3 };

		evbuffer_add(out, hdr, sizeof(hdr));
	} else if (strcmp(k, "garbage") == 0) {
		uint8_t	 buf[4 + 64];
		int	 i;

		buf[0] = buf[1] = buf[2] = 0;
		buf[3] = 64;
		for (i = 4; i < (int)sizeof(buf); i++)
			buf[i] = 0xff ^ (i * 37);
		evbuffer_add(out, buf, sizeof(buf));
	} else if (strcmp(k, "nobody") == 0) {
		/* Envelope{request_id: 5} and no body */
		static const uint8_t f[] = { 0, 0, 0, 2, 0x08, 0x05 };

		evbuffer_add(out, f, sizeof(f));
	} else if (strcmp(k, "pairs-request") == 0) {
		Tracepair__Envelope env = TRACEPAIR__ENVELOPE__INIT;
		Tracepair__PairsRequest pr;

		tracepair__pairs_request__init(&pr);
		env.request_id = 9;
		env.body_case = TRACEPAIR__ENVELOPE__BODY_PAIRS_REQUEST;
		env.pairs_request = &pr;
		sim_send(a, &env);
	} else {
		Tracepair__Envelope env = TRACEPAIR__ENVELOPE__INIT;
		Tracepair__AgentsRequest ar = TRACEPAIR__AGENTS_REQUEST__INIT;

		env.request_id = 9;
		env.body_case = TRACEPAIR__ENVELOPE__BODY_AGENTS_REQUEST;
		env.agents_request = &ar;
		sim_send(a, &env);
	}
	printf("misbehaved %s %s\n", a->name, k);
	fflush(stdout);
}

/* A small trace as an agent would report it: 3 hops, destination reached. */
static struct trace *
sim_trace(struct sim_agent *a, const char *host)
{
	struct trace *t = trace_new();
	struct trace_hop *h;
	double	 now = wire_now_ns() / 1e9;
	char	 addr[TRACE_ADDR_LEN];
	int	 ttl, q;

	if (t == NULL)
		return NULL;
	t->agent = strdup(a->name);
	t->source = strdup("agentsim");
	snprintf(t->dst, sizeof(t->dst), "%s", host);
	t->af = 4;
	t->method = TRACE_METHOD_UDP_PARIS;
	t->first_ttl = 1;
	t->max_ttl = 30;
	t->queries = 3;
	t->start = now - a->sim->answer_delay_ms / 1000.0;
	t->end = now;
	t->reached = 1;
	snprintf(t->stop_reason, sizeof(t->stop_reason), "completed");
	for (ttl = 1; ttl <= 3; ttl++) {
		if ((h = trace_add_hop(t, ttl, 3)) == NULL)
			break;
		for (q = 0; q < 3; q++) {
			h->probes[q].replied = 1;
			h->probes[q].rtt_ms = ttl * 1.5 + q * 0.1;
			h->probes[q].reply_ttl = 65 - ttl;
			h->probes[q].icmp_type = ttl < 3 ? 11 : 3;
			h->probes[q].icmp_code = ttl < 3 ? 0 : 3;
			if (ttl < 3)
				snprintf(addr, sizeof(addr), "198.18.250.%d", ttl);
			else
				snprintf(addr, sizeof(addr), "%s", host);
			if (trace_probe_set_addr(h, &h->probes[q], addr) == -1)
				break;
		}
	}
	return t;
}

static void
sim_answer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sim_answer *ans = arg;
	Tracepair__Envelope env = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__JobResult r;
	struct trace *t;

	(void)fd;
	(void)what;
	tracepair__job_result__init(&r);
	r.job_id = ans->job_id;
	t = sim_trace(ans->a, ans->host);
	if (t != NULL && (r.trace = wire_trace_to_pb(t)) != NULL)
		r.outcome_case = TRACEPAIR__JOB_RESULT__OUTCOME_TRACE;
	else {
		r.outcome_case = TRACEPAIR__JOB_RESULT__OUTCOME_ERROR;
		r.error = "agentsim: out of memory";
	}
	env.body_case = TRACEPAIR__ENVELOPE__BODY_JOB_RESULT;
	env.job_result = &r;
	sim_send(ans->a, &env);
	if (ans->a->sim->answer_twice)	/* as an agent whose ack was lost */
		sim_send(ans->a, &env);
	if (r.outcome_case == TRACEPAIR__JOB_RESULT__OUTCOME_TRACE)
		wire_free(r.trace);
	trace_free(t);
	event_free(ans->ev);
	free(ans->job_id);
	free(ans->host);
	free(ans);
}

static void
sim_on_job(struct sim_agent *a, const Tracepair__TraceJob *j)
{
	struct sim_answer *ans;
	struct timeval tv;
	int64_t	 delay_ns;
	const char *host = j->options && j->options->host ? j->options->host :
	    "";

	printf("job %s %s %s %lld\n", a->name, j->job_id, *host ? host : "-",
	    (long long)j->start_at_ns);
	fflush(stdout);
	if (!a->sim->answer)
		return;
	if ((ans = calloc(1, sizeof(*ans))) == NULL)
		return;
	ans->a = a;
	ans->job_id = strdup(j->job_id);
	ans->host = strdup(*host ? host : "198.18.255.1");
	ans->ev = evtimer_new(a->sim->base, sim_answer_cb, ans);
	delay_ns = j->start_at_ns ? j->start_at_ns - wire_now_ns() : 0;
	if (delay_ns < 0)
		delay_ns = 0;
	delay_ns += (int64_t)a->sim->answer_delay_ms * 1000000;
	tv.tv_sec = delay_ns / 1000000000;
	tv.tv_usec = (delay_ns % 1000000000) / 1000;
	evtimer_add(ans->ev, &tv);
}

static void
sim_on_message(struct frame_conn *fc, const frame_env *env, void *arg)
{
	struct sim_agent *a = arg;
	int64_t	 t2 = wire_now_ns();

	(void)fc;
	switch (env->body_case) {
	case TRACEPAIR__ENVELOPE__BODY_HELLO:
		if (!a->ready) {
			a->ready = 1;
			a->sim->nready++;
			if (a->sim->nready == a->sim->count) {
				printf("ready %d\n", a->sim->nready);
				fflush(stdout);
			}
			if (a->misbehave)
				sim_send_bad(a);
		}
		break;
	case TRACEPAIR__ENVELOPE__BODY_PING:
		(void)wire_pong(env, t2, sim_send_cb, a);
		break;
	case TRACEPAIR__ENVELOPE__BODY_TRACE_JOB:
		sim_on_job(a, env->trace_job);
		break;
	case TRACEPAIR__ENVELOPE__BODY_RESULT_ACK:
		printf("ack %s %s\n", a->name, env->result_ack->job_id);
		fflush(stdout);
		break;
	case TRACEPAIR__ENVELOPE__BODY_ERROR:
		printf("error %s: %s\n", a->name, env->error->message);
		fflush(stdout);
		break;
	default:
		break;
	}
}

static void
sim_on_connected(struct frame_conn *fc, void *arg)
{
	(void)fc;
	sim_send_hello(arg);
}

static void
sim_on_close(struct frame_conn *fc, const char *reason, void *arg)
{
	struct sim_agent *a = arg;

	printf("closed %s: %s\n", a->name, reason);
	fflush(stdout);
	if (a->ready)
		a->sim->nready--;
	a->ready = 0;
	frame_conn_free(fc);
	a->conn = NULL;
}

static const struct frame_conn_cbs sim_cbs = {
	sim_on_connected, sim_on_message, sim_on_close
};

static int
sim_connect(struct sim_agent *a)
{
	struct sim *sim = a->sim;
	struct bufferevent *bev;
	SSL	*ssl;

	if ((ssl = SSL_new(a->ctx)) == NULL)
		return -1;
	bev = bufferevent_openssl_socket_new(sim->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return -1;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	if ((a->conn = frame_conn_new(bev, 0, &sim_cbs, a)) == NULL) {
		bufferevent_free(bev);
		return -1;
	}
	if (bufferevent_socket_connect_hostname(bev, NULL, AF_UNSPEC,
	    sim->host, atoi(sim->port)) == -1 && a->conn != NULL) {
		frame_conn_free(a->conn);
		a->conn = NULL;
		return -1;
	}
	return 0;
}

/* Connect agents in batches of 20 every 20 ms: no thundering herd. */
static void
sim_next_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sim *sim = arg;
	struct timeval tv = { 0, 20000 };
	int	 n;

	(void)fd;
	(void)what;
	for (n = 0; n < 20 && sim->next < sim->count; n++, sim->next++)
		if (sim_connect(&sim->agents[sim->next]) == -1)
			fprintf(stderr, "agentsim %s: cannot connect\n",
			    sim->agents[sim->next].name);
	if (sim->next < sim->count)
		evtimer_add(sim->next_ev, &tv);
}

static void
sim_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopexit(arg, NULL);
}

static void
usage(void)
{
	fprintf(stderr, "usage: agentsim --controller HOST:PORT --pki DIR "
	    "[--prefix P] [--count N] [--first I] [--hold S] [--answer] "
	    "[--answer-delay-ms MS] [--answer-twice] [--misbehave KIND]\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "controller",	required_argument, NULL, 'c' },
		{ "pki",	required_argument, NULL, 'p' },
		{ "prefix",	required_argument, NULL, 'P' },
		{ "count",	required_argument, NULL, 'n' },
		{ "first",	required_argument, NULL, 'f' },
		{ "hold",	required_argument, NULL, 'H' },
		{ "answer",	no_argument,	   NULL, 'a' },
		{ "answer-delay-ms", required_argument, NULL, 'd' },
		{ "answer-twice", no_argument,	   NULL, '2' },
		{ "misbehave",	required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct sim	 sim;
	struct event	*stop = NULL, *sigterm, *sigint;
	const char	*controller = NULL;
	char		 err[512], ca[1100], cert[1200], key[1200];
	double		 hold = 0;
	int		 ch, i;

	memset(&sim, 0, sizeof(sim));
	sim.prefix = "sim-";
	sim.count = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': controller = optarg; break;
		case 'p': snprintf(sim.pki, sizeof(sim.pki), "%s", optarg); break;
		case 'P': sim.prefix = optarg; break;
		case 'n': sim.count = atoi(optarg); break;
		case 'f': sim.first = atoi(optarg); break;
		case 'H': hold = atof(optarg); break;
		case 'a': sim.answer = 1; break;
		case 'd': sim.answer_delay_ms = atoi(optarg); break;
		case '2': sim.answer = sim.answer_twice = 1; break;
		case 'm': sim.misbehave = optarg; break;
		default: usage();
		}
	}
	if (controller == NULL || sim.pki[0] == '\0' || sim.count < 1 ||
	    sim.count > 100000 || sim.first < 0)
		usage();
	if (sim.misbehave && strcmp(sim.misbehave, "oversize") &&
	    strcmp(sim.misbehave, "garbage") && strcmp(sim.misbehave, "nobody") &&
	    strcmp(sim.misbehave, "operator-request") &&
	    strcmp(sim.misbehave, "pairs-request"))
		usage();
	if (hostport_split(controller, TP_DEFAULT_PORT, sim.host, sizeof(sim.host),
	    sim.port, sizeof(sim.port), err, sizeof(err)) == -1) {
		fprintf(stderr, "agentsim: controller %s\n", err);
		return 1;
	}
	log_init("agentsim", 1, 0);
	signal(SIGPIPE, SIG_IGN);
	if ((sim.base = event_base_new()) == NULL)
		return 1;
	if ((sim.agents = calloc(sim.count, sizeof(*sim.agents))) == NULL)
		return 1;
	snprintf(ca, sizeof(ca), "%s/ca.crt", sim.pki);
	for (i = 0; i < sim.count; i++) {
		struct sim_agent *a = &sim.agents[i];
		struct tls_files tf = { ca, cert, key, NULL };

		a->sim = &sim;
		a->idx = sim.first + i;
		snprintf(a->name, sizeof(a->name), "%s%03d", sim.prefix, a->idx);
		snprintf(cert, sizeof(cert), "%s/%s.crt", sim.pki, a->name);
		snprintf(key, sizeof(key), "%s/%s.key", sim.pki, a->name);
		if ((a->ctx = tls_client_ctx(&tf, err, sizeof(err))) == NULL) {
			fprintf(stderr, "agentsim %s: %s\n", a->name, err);
			return 1;
		}
		a->misbehave = sim.misbehave != NULL && i == 0;
	}
	sim.next_ev = evtimer_new(sim.base, sim_next_cb, &sim);
	sigterm = evsignal_new(sim.base, SIGTERM, sim_stop_cb, sim.base);
	sigint = evsignal_new(sim.base, SIGINT, sim_stop_cb, sim.base);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	if (hold > 0) {
		struct timeval tv = { (time_t)hold,
		    (suseconds_t)((hold - (time_t)hold) * 1e6) };

		stop = evtimer_new(sim.base, sim_stop_cb, sim.base);
		evtimer_add(stop, &tv);
	}
	sim_next_cb(-1, 0, &sim);
	event_base_dispatch(sim.base);

	for (i = 0; i < sim.count; i++) {
		if (sim.agents[i].conn != NULL)
			frame_conn_free(sim.agents[i].conn);
		SSL_CTX_free(sim.agents[i].ctx);
	}
	printf("exit ready=%d\n", sim.nready);
	free(sim.agents);
	if (stop)
		event_free(stop);
	event_free(sigterm);
	event_free(sigint);
	event_free(sim.next_ev);
	event_base_free(sim.base);
	return 0;
}
