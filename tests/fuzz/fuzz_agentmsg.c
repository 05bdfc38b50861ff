/* fuzz_agentmsg.c: the agent daemon's message handler (agentd.c: Hello, Ping, TraceJob with its option checks, ResultAck) on frames from a controller, over an in-memory connection, never probing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "agentd.h"
#include "frame.h"
#include "fuzz_dir.h"
#include "log.h"
#include "spool.h"
#include "tls.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Input: byte 0, then the bytes the controller sends, frames
 * (tests/fuzz/gen_msgseeds.c writes seeds of valid ones).  Byte 0:
 *   bit 0     the harness sends the controller's Hello first (a valid one)
 *   bit 1     dns yes (else every job gets no_dns)
 *   bits 2-3  max_jobs - 1
 *   bit 4     a spool of 4 KiB (else 1 MiB)
 *   bit 5     that Hello states a frame limit of 2048 bytes
 * Each input gets a new daemon (agentd_session_new: no TLS, no probe
 * engine, no network) with an empty spool in a scratch directory; a job
 * due to start fails with "no probe engine", so nothing is ever sent but
 * frames.  Every frame the agent sends must decode (abort otherwise).
 * FZ_LOG=1 logs to stderr.
 */

/* Read what the agent sent: every frame must decode.  The count. */
static int
fz_read(struct bufferevent *end)
{
	struct evbuffer	*in = bufferevent_get_input(end);
	frame_env	*env;
	char		 err[256];
	int		 n = 0;

	for (;;) {
		switch (frame_read(in, FRAME_LIMIT_DEFAULT, &env, err,
		    sizeof(err))) {
		case FRAME_MORE:
			return n;
		case FRAME_ERROR:
			fprintf(stderr, "the agent sent a frame that does not "
			    "decode: %s\n", err);
			abort();
		case FRAME_DONE:
			n++;
			frame_free(env);
			break;
		}
	}
}

static void
fz_hello(struct bufferevent *end, uint32_t frame_limit)
{
	frame_env		 env;
	Tracepair__Hello	 h;
	char			 sw[] = "fuzz-controller 0.1", cap[] = "progress";
	char			 seen[] = "192.0.2.9";
	char			*caps[] = { cap };
	char			 err[128];

	tracepair__envelope__init(&env);
	tracepair__hello__init(&h);
	h.protocol_version = FRAME_PROTOCOL_VERSION;
	h.software = sw;
	h.observed_addr = seen;
	h.n_capabilities = 1;
	h.capabilities = caps;
	h.frame_limit = frame_limit;
	env.request_id = 1;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	if (frame_write(bufferevent_get_output(end), &env, FRAME_LIMIT_DEFAULT,
	    err, sizeof(err)) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base *base;
	static const struct tls_peer self = { TLS_ROLE_AGENT, "sf", "acme" };
	struct agentd_config	 cfg;
	struct bufferevent	*pair[2];
	struct spool		*spool;
	struct agentd		*ad;
	char			 err[256];
	int			 flags, k, quiet = 0;

	if (size < 1)
		return 0;
	if (base == NULL) {
		/* to syslog, not the TAP log; FZ_LOG=1: stderr, debug */
		log_init("fuzz_agentmsg", getenv("FZ_LOG") != NULL,
		    getenv("FZ_LOG") != NULL);
		if ((base = event_base_new()) == NULL)
			abort();
	}
	flags = data[0];
	data++;
	size--;

	/* the settings of deploy/tracepair-agent.conf.example, mostly */
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.controller_host, sizeof(cfg.controller_host), "ctl.test");
	snprintf(cfg.controller_port, sizeof(cfg.controller_port), "4700");
	snprintf(cfg.probe_addr4, sizeof(cfg.probe_addr4), "198.18.0.1");
	cfg.spool_max_bytes = flags & 16 ? 4096 : 1024 * 1024;
	cfg.max_jobs = 1 + ((flags >> 2) & 3);
	cfg.dns = (flags & 2) != 0;
	cfg.backoff_min_ms = 1000;
	cfg.backoff_max_ms = 60000;
	cfg.connect_timeout_ms = 10000;
	cfg.idle_timeout_s = 0;
	cfg.default_deadline_ms = 30000;
	if ((spool = spool_open(fuzz_dir_fresh("agentmsg"),
	    cfg.spool_max_bytes, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_agentmsg: %s\n", err);
		abort();
	}
	if (bufferevent_pair_new(base, 0, pair) == -1 ||
	    (ad = agentd_session_new(base, &cfg, &self, spool,
	    pair[0])) == NULL)
		abort();
	bufferevent_enable(pair[1], EV_READ | EV_WRITE);
	if (flags & 1)
		fz_hello(pair[1], flags & 32 ? 2048 : 0);
	/* the controller speaks; jobs due now come to their start */
	bufferevent_write(pair[1], data, size);
	for (k = 0; k < 256 && quiet < 2; k++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		quiet = fz_read(pair[1]) == 0 ? quiet + 1 : 0;
	}
	agentd_session_free(ad);
	bufferevent_free(pair[1]);
	event_base_loop(base, EVLOOP_NONBLOCK);
	return 0;
}
