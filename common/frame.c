/* frame.c: length-prefixed protobuf Envelope frames, as bytes and over a libevent bufferevent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "frame.h"
#include "tls.h"

/* Seconds a closing connection may take to flush its last Error. */
#define FRAME_CLOSE_FLUSH_SECS	5
/*
 * Frames handled per read callback: a peer with many requests buffered
 * waits for its next turn of the loop like everyone else.
 */
#define FRAME_CONN_BURST	8

static const char *const frame_body_names[] = {
	[TRACEPAIR__ENVELOPE__BODY_HELLO] = "hello",
	[TRACEPAIR__ENVELOPE__BODY_ERROR] = "error",
	[TRACEPAIR__ENVELOPE__BODY_PING] = "ping",
	[TRACEPAIR__ENVELOPE__BODY_PONG] = "pong",
	[TRACEPAIR__ENVELOPE__BODY_TRACE_JOB] = "trace_job",
	[TRACEPAIR__ENVELOPE__BODY_JOB_RESULT] = "job_result",
	[TRACEPAIR__ENVELOPE__BODY_RESULT_ACK] = "result_ack",
	[TRACEPAIR__ENVELOPE__BODY_AGENTS_REQUEST] = "agents_request",
	[TRACEPAIR__ENVELOPE__BODY_AGENTS_REPLY] = "agents_reply",
	[TRACEPAIR__ENVELOPE__BODY_PAIR_REQUEST] = "pair_request",
	[TRACEPAIR__ENVELOPE__BODY_PAIR_REPLY] = "pair_reply",
	[TRACEPAIR__ENVELOPE__BODY_TRACE_REQUEST] = "trace_request",
	[TRACEPAIR__ENVELOPE__BODY_TRACE_REPLY] = "trace_reply",
	[TRACEPAIR__ENVELOPE__BODY_PAIRS_REQUEST] = "pairs_request",
	[TRACEPAIR__ENVELOPE__BODY_PAIRS_REPLY] = "pairs_reply",
	[TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REQUEST] = "pair_get_request",
	[TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REPLY] = "pair_get_reply",
	[TRACEPAIR__ENVELOPE__BODY_PROGRESS] = "progress",
	[TRACEPAIR__ENVELOPE__BODY_EVIDENCE_REQUEST] = "evidence_request",
	[TRACEPAIR__ENVELOPE__BODY_EVIDENCE_REPLY] = "evidence_reply",
	[TRACEPAIR__ENVELOPE__BODY_SCHEDULE_REQUEST] = "schedule_request",
	[TRACEPAIR__ENVELOPE__BODY_SCHEDULE_REPLY] = "schedule_reply",
	[TRACEPAIR__ENVELOPE__BODY_HISTORY_REQUEST] = "history_request",
	[TRACEPAIR__ENVELOPE__BODY_HISTORY_REPLY] = "history_reply",
	[TRACEPAIR__ENVELOPE__BODY_MESH_STATUS_REQUEST] = "mesh_status_request",
	[TRACEPAIR__ENVELOPE__BODY_MESH_STATUS_REPLY] = "mesh_status_reply",
};
#define FRAME_NBODIES	(sizeof(frame_body_names) / sizeof(frame_body_names[0]))

int
frame_hello_has(const Tracepair__Hello *h, const char *cap)
{
	size_t	 i;

	for (i = 0; h != NULL && i < h->n_capabilities; i++)
		if (h->capabilities[i] != NULL &&
		    strcmp(h->capabilities[i], cap) == 0)
			return 1;
	return 0;
}

int
frame_progress_ok(const Tracepair__Progress *p)
{
	return p->rounds <= 1000 && p->rounds_done <= p->rounds &&
	    p->seconds_left >= 0 && p->seconds_left <= 86400 &&
	    p->worst_ttl >= 0 && p->worst_ttl <= 255 &&
	    p->worst_loss >= 0 && p->worst_loss <= 100;
}

const char *
frame_body_name(const frame_env *env)
{
	unsigned	 c;

	if (env == NULL)
		return "none";
	c = (unsigned)env->body_case;
	if (c >= FRAME_NBODIES || frame_body_names[c] == NULL)
		return "none";
	return frame_body_names[c];
}

static uint32_t
frame_get_len(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Check the length field alone.  -1 with a reason. */
static int
frame_check_len(uint32_t n, size_t limit, char *err, size_t errlen)
{
	if (limit == 0)
		limit = FRAME_LIMIT_DEFAULT;
	if (n == 0) {
		snprintf(err, errlen, "zero-length frame");
		return -1;
	}
	if (n > limit) {
		snprintf(err, errlen, "frame of %u bytes exceeds the limit of "
		    "%zu bytes", n, limit);
		return -1;
	}
	return 0;
}

/* Unpack one body of n bytes.  NULL with a reason. */
static frame_env *
frame_unpack(const uint8_t *p, size_t n, char *err, size_t errlen)
{
	frame_env	*env;

	env = tracepair__envelope__unpack(NULL, n, p);
	if (env == NULL) {
		snprintf(err, errlen, "frame of %zu bytes does not decode as "
		    "an Envelope", n);
		return NULL;
	}
	if (strcmp(frame_body_name(env), "none") == 0) {
		snprintf(err, errlen, "Envelope with an unknown or empty body");
		tracepair__envelope__free_unpacked(env, NULL);
		return NULL;
	}
	return env;
}

enum frame_result
frame_decode(const uint8_t *buf, size_t len, size_t limit, frame_env **out,
    size_t *used, char *err, size_t errlen)
{
	uint32_t	 n;

	*out = NULL;
	*used = 0;
	if (len < FRAME_HDR_LEN)
		return FRAME_MORE;
	n = frame_get_len(buf);
	if (frame_check_len(n, limit, err, errlen) == -1)
		return FRAME_ERROR;
	if (len - FRAME_HDR_LEN < n)
		return FRAME_MORE;
	if ((*out = frame_unpack(buf + FRAME_HDR_LEN, n, err, errlen)) == NULL)
		return FRAME_ERROR;
	*used = FRAME_HDR_LEN + (size_t)n;
	return FRAME_DONE;
}

enum frame_result
frame_read(struct evbuffer *in, size_t limit, frame_env **out, char *err,
    size_t errlen)
{
	uint8_t		 hdr[FRAME_HDR_LEN];
	uint8_t		*p;
	uint32_t	 n;

	*out = NULL;
	if (evbuffer_get_length(in) < FRAME_HDR_LEN)
		return FRAME_MORE;
	if (evbuffer_copyout(in, hdr, FRAME_HDR_LEN) != FRAME_HDR_LEN)
		return FRAME_MORE;
	n = frame_get_len(hdr);
	if (frame_check_len(n, limit, err, errlen) == -1)
		return FRAME_ERROR;
	if (evbuffer_get_length(in) - FRAME_HDR_LEN < n)
		return FRAME_MORE;
	/* Makes the frame contiguous; it is at most limit bytes. */
	if ((p = evbuffer_pullup(in, FRAME_HDR_LEN + (ssize_t)n)) == NULL) {
		snprintf(err, errlen, "out of memory reading a frame");
		return FRAME_ERROR;
	}
	*out = frame_unpack(p + FRAME_HDR_LEN, n, err, errlen);
	evbuffer_drain(in, FRAME_HDR_LEN + (size_t)n);
	return *out ? FRAME_DONE : FRAME_ERROR;
}

uint8_t *
frame_encode(const frame_env *env, size_t limit, size_t *lenp, char *err,
    size_t errlen)
{
	uint8_t		*buf;
	size_t		 n;

	if (limit == 0)
		limit = FRAME_LIMIT_DEFAULT;
	if (strcmp(frame_body_name(env), "none") == 0) {
		snprintf(err, errlen, "refusing to send an Envelope without a body");
		return NULL;
	}
	n = tracepair__envelope__get_packed_size(env);
	if (n == 0 || n > limit) {
		snprintf(err, errlen, "%s message of %zu bytes exceeds the frame "
		    "limit of %zu bytes", frame_body_name(env), n, limit);
		return NULL;
	}
	if ((buf = malloc(FRAME_HDR_LEN + n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	buf[0] = (uint8_t)(n >> 24);
	buf[1] = (uint8_t)(n >> 16);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	tracepair__envelope__pack(env, buf + FRAME_HDR_LEN);
	*lenp = FRAME_HDR_LEN + n;
	return buf;
}

int
frame_write(struct evbuffer *out, const frame_env *env, size_t limit,
    char *err, size_t errlen)
{
	uint8_t	*buf;
	size_t	 n;
	int	 rc;

	if ((buf = frame_encode(env, limit, &n, err, errlen)) == NULL)
		return -1;
	rc = evbuffer_add(out, buf, n);
	free(buf);
	if (rc == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void
frame_free(frame_env *env)
{
	if (env != NULL)
		tracepair__envelope__free_unpacked(env, NULL);
}

/* A framed connection (see frame.h). */
struct frame_conn {
	struct bufferevent	*bev;
	size_t			 limit;		/* max body bytes */
	struct frame_conn_cbs	 cbs;
	void			*arg;
	int			 closing;	/* Error queued, waiting for flush */
	int			 closed;	/* on_close was called */
	int			 in_cb;		/* depth of callbacks running */
	int			 freed;		/* frame_conn_free called in a cb */
	char			 reason[256];	/* why it is closing */
	size_t			 out_hwm;	/* stop reading above (0: never) */
	int			 throttled;	/* reading stopped for out_hwm */
	struct event		*resume;	/* more frames after a burst */
};

static void
frame_conn_destroy(struct frame_conn *fc)
{
	if (fc->resume != NULL)
		event_free(fc->resume);
	bufferevent_free(fc->bev);
	free(fc);
}

/* Report the end once; the owner frees. */
static void
frame_conn_report(struct frame_conn *fc, const char *reason)
{
	if (fc->closed)
		return;
	fc->closed = 1;
	bufferevent_disable(fc->bev, EV_READ | EV_WRITE);
	if (fc->cbs.on_close != NULL)
		fc->cbs.on_close(fc, reason, fc->arg);
}

static void
frame_conn_readcb(struct bufferevent *bev, void *arg)
{
	struct frame_conn	*fc = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	frame_env		*env;
	enum frame_result	 r;
	char			 err[256];

	int			 burst = 0;

	fc->in_cb++;
	while (!fc->freed && !fc->closing && !fc->closed && !fc->throttled) {
		/*
		 * A peer that does not read its replies is not read from:
		 * past out_hwm bytes of output, reading stops until the output
		 * drains to half of it (frame_conn_writecb).
		 */
		if (fc->out_hwm != 0 && evbuffer_get_length(
		    bufferevent_get_output(bev)) > fc->out_hwm) {
			fc->throttled = 1;
			bufferevent_disable(bev, EV_READ);
			bufferevent_setwatermark(bev, EV_WRITE, fc->out_hwm / 2, 0);
			break;
		}
		if (burst == FRAME_CONN_BURST) {
			if (evbuffer_get_length(in) >= FRAME_HDR_LEN &&
			    fc->resume != NULL)
				event_active(fc->resume, EV_TIMEOUT, 0);
			break;
		}
		r = frame_read(in, fc->limit, &env, err, sizeof(err));
		if (r == FRAME_MORE)
			break;
		burst++;
		if (r == FRAME_ERROR) {
			frame_conn_close(fc, 0, TRACEPAIR__ERROR_CODE__ERROR_BAD_FRAME,
			    err);
			break;
		}
		if (fc->cbs.on_message != NULL)
			fc->cbs.on_message(fc, env, fc->arg);
		frame_free(env);
	}
	fc->in_cb--;
	if (fc->freed && fc->in_cb == 0)
		frame_conn_destroy(fc);
}

/* The frames left after a burst, on the next turn of the loop. */
static void
frame_conn_resumecb(evutil_socket_t fd, short what, void *arg)
{
	struct frame_conn	*fc = arg;

	(void)fd;
	(void)what;
	if (!fc->freed && !fc->closed)
		frame_conn_readcb(fc->bev, fc);
}

static void
frame_conn_writecb(struct bufferevent *bev, void *arg)
{
	struct frame_conn	*fc = arg;

	if (fc->throttled && !fc->closing && !fc->closed && !fc->freed &&
	    evbuffer_get_length(bufferevent_get_output(bev)) <=
	    fc->out_hwm / 2) {
		/* The peer reads again: so do we, buffered frames first. */
		fc->throttled = 0;
		bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
		bufferevent_enable(bev, EV_READ);
		frame_conn_readcb(bev, fc);	/* may destroy fc */
		return;
	}
	if (!fc->closing || fc->closed)
		return;
	if (evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return;
	fc->in_cb++;
	frame_conn_report(fc, fc->reason);
	fc->in_cb--;
	if (fc->freed && fc->in_cb == 0)
		frame_conn_destroy(fc);
}

static void
frame_conn_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct frame_conn	*fc = arg;
	char			 why[256], tlswhy[200];
	SSL			*ssl;

	fc->in_cb++;
	if (what & BEV_EVENT_CONNECTED) {
		if (fc->cbs.on_connected != NULL && !fc->closing)
			fc->cbs.on_connected(fc, fc->arg);
	} else if (fc->closing) {
		/* Flush failed or timed out: the reason stays the original one. */
		frame_conn_report(fc, fc->reason);
	} else {
		ssl = bufferevent_openssl_get_ssl(bev);
		if (what & BEV_EVENT_TIMEOUT)
			snprintf(why, sizeof(why), "timeout");
		else if (what & BEV_EVENT_EOF)
			snprintf(why, sizeof(why), "connection closed by peer");
		else {
			if (ssl != NULL) {
				tls_error_reason(bev, ssl, tlswhy, sizeof(tlswhy));
				snprintf(why, sizeof(why), "%s", tlswhy);
			} else
				snprintf(why, sizeof(why), "%s",
				    evutil_socket_error_to_string(
				    EVUTIL_SOCKET_ERROR()));
		}
		frame_conn_report(fc, why);
	}
	fc->in_cb--;
	if (fc->freed && fc->in_cb == 0)
		frame_conn_destroy(fc);
}

struct frame_conn *
frame_conn_new(struct bufferevent *bev, size_t limit,
    const struct frame_conn_cbs *cbs, void *arg)
{
	struct frame_conn	*fc;

	if ((fc = calloc(1, sizeof(*fc))) == NULL)
		return NULL;
	fc->bev = bev;
	fc->limit = limit ? limit : FRAME_LIMIT_DEFAULT;
	fc->cbs = *cbs;
	fc->arg = arg;
	bufferevent_setcb(bev, frame_conn_readcb, frame_conn_writecb,
	    frame_conn_eventcb, fc);
	/*
	 * Stop reading once a whole maximal frame is buffered: a peer cannot
	 * make us hold more than one frame of input.
	 */
	bufferevent_setwatermark(bev, EV_READ, 0, fc->limit + FRAME_HDR_LEN);
	fc->resume = event_new(bufferevent_get_base(bev), -1, 0,
	    frame_conn_resumecb, fc);
	if (fc->resume == NULL) {
		free(fc);
		return NULL;
	}
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	return fc;
}

void
frame_conn_set_out_hwm(struct frame_conn *fc, size_t hwm)
{
	fc->out_hwm = hwm;
}

int
frame_conn_send_body(struct frame_conn *fc, uint64_t request_id,
    const uint8_t *body, size_t len, void (*cleanup)(const void *, size_t,
    void *), void *arg, char *err, size_t errlen)
{
	struct evbuffer	*out;
	uint8_t		 hdr[FRAME_HDR_LEN + 11];
	size_t		 n = FRAME_HDR_LEN, total;

	if (fc->closing || fc->closed || fc->freed) {
		snprintf(err, errlen, "connection is closing");
		return -1;
	}
	/* Envelope.request_id (field 1, varint) before the packed body. */
	if (request_id != 0) {
		hdr[n++] = 0x08;
		do {
			hdr[n++] = (uint8_t)((request_id & 0x7f) |
			    (request_id > 0x7f ? 0x80 : 0));
			request_id >>= 7;
		} while (request_id != 0);
	}
	total = n - FRAME_HDR_LEN + len;
	if (len == 0 || total > fc->limit) {
		snprintf(err, errlen, "message of %zu bytes exceeds the frame "
		    "limit of %zu bytes", total, fc->limit);
		return -1;
	}
	hdr[0] = (uint8_t)(total >> 24);
	hdr[1] = (uint8_t)(total >> 16);
	hdr[2] = (uint8_t)(total >> 8);
	hdr[3] = (uint8_t)total;
	out = bufferevent_get_output(fc->bev);
	if (evbuffer_add(out, hdr, n) == -1 ||
	    evbuffer_add_reference(out, body, len, cleanup, arg) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
frame_conn_send(struct frame_conn *fc, const frame_env *env, char *err,
    size_t errlen)
{
	if (fc->closing || fc->closed || fc->freed) {
		snprintf(err, errlen, "connection is closing");
		return -1;
	}
	return frame_write(bufferevent_get_output(fc->bev), env, fc->limit,
	    err, errlen);
}

void
frame_conn_close(struct frame_conn *fc, uint64_t request_id,
    Tracepair__ErrorCode code, const char *message)
{
	Tracepair__Envelope	 env;
	Tracepair__Error	 e;
	struct timeval		 tv = { FRAME_CLOSE_FLUSH_SECS, 0 };
	char			 err[128];

	if (fc->closing || fc->closed || fc->freed)
		return;
	tracepair__envelope__init(&env);
	tracepair__error__init(&e);
	snprintf(fc->reason, sizeof(fc->reason), "%s", message);
	if (code != TRACEPAIR__ERROR_CODE__ERROR_NONE) {
		e.code = code;
		e.message = fc->reason;
		env.request_id = request_id;
		env.body_case = TRACEPAIR__ENVELOPE__BODY_ERROR;
		env.error = &e;
		(void)frame_conn_send(fc, &env, err, sizeof(err));
	}
	fc->closing = 1;
	bufferevent_disable(fc->bev, EV_READ);
	bufferevent_set_timeouts(fc->bev, NULL, &tv);
	bufferevent_setwatermark(fc->bev, EV_WRITE, 0, 0);
	if (evbuffer_get_length(bufferevent_get_output(fc->bev)) == 0) {
		fc->in_cb++;
		frame_conn_report(fc, fc->reason);
		fc->in_cb--;
		if (fc->freed && fc->in_cb == 0)
			frame_conn_destroy(fc);
	} else
		bufferevent_enable(fc->bev, EV_WRITE);
}

void
frame_conn_free(struct frame_conn *fc)
{
	if (fc == NULL)
		return;
	if (fc->in_cb > 0) {
		fc->freed = 1;
		bufferevent_disable(fc->bev, EV_READ | EV_WRITE);
		return;
	}
	frame_conn_destroy(fc);
}

struct bufferevent *
frame_conn_bev(struct frame_conn *fc)
{
	return fc->bev;
}

size_t
frame_conn_pending(struct frame_conn *fc)
{
	return evbuffer_get_length(bufferevent_get_output(fc->bev));
}

void
frame_conn_set_arg(struct frame_conn *fc, void *arg)
{
	fc->arg = arg;
}
