/* fuzz_frameconn.c: the streaming frame reader (frame_conn_*) fed arbitrary bytes in arbitrary pieces, with replies, back-pressure and closes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "frame.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Input: byte 0 picks the piece size (1..64 bytes), byte 1 how often the
 * peer drains its replies; the rest is what a peer sends.  Every message
 * is answered (so the 256-byte output high-water mark stops and resumes
 * reading); an Error from the peer closes the connection, as the daemons
 * do on a refusal.
 */
struct fz {
	struct frame_conn *fc;
	int		 closed;
	unsigned	 msgs;
};

static void
fz_message(struct frame_conn *fc, const frame_env *env, void *arg)
{
	struct fz		*f = arg;
	frame_env		 r;
	Tracepair__Error	 e;
	char			 err[128], msg[] = "answer";

	f->msgs++;
	if (env->body_case == TRACEPAIR__ENVELOPE__BODY_ERROR) {
		frame_conn_close(fc, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED, "closing");
		return;
	}
	tracepair__envelope__init(&r);
	tracepair__error__init(&e);
	e.code = TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND;
	e.message = msg;
	r.request_id = env->request_id;
	r.body_case = TRACEPAIR__ENVELOPE__BODY_ERROR;
	r.error = &e;
	(void)frame_conn_send(fc, &r, err, sizeof(err));
}

static void
fz_close(struct frame_conn *fc, const char *reason, void *arg)
{
	struct fz	*f = arg;

	(void)reason;
	f->closed = 1;
	f->fc = NULL;
	frame_conn_free(fc);	/* allowed inside the callback */
}

static const struct frame_conn_cbs fz_cbs = { NULL, fz_message, fz_close };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base *base;
	struct bufferevent	*pair[2];
	struct fz		 f;
	size_t			 piece, off, n;
	unsigned		 drain_every, k = 0;

	if (size < 2)
		return 0;
	if (base == NULL && (base = event_base_new()) == NULL)
		abort();
	piece = 1 + data[0] % 64;
	drain_every = 1 + data[1] % 8;
	data += 2;
	size -= 2;
	if (bufferevent_pair_new(base, 0, pair) == -1)
		abort();
	memset(&f, 0, sizeof(f));
	/* a small frame limit, so that the limit itself is reached */
	if ((f.fc = frame_conn_new(pair[0], 4096, &fz_cbs, &f)) == NULL)
		abort();
	frame_conn_set_out_hwm(f.fc, 256);
	bufferevent_enable(pair[1], EV_READ | EV_WRITE);
	for (off = 0; off < size && !f.closed; off += n) {
		n = size - off < piece ? size - off : piece;
		bufferevent_write(pair[1], data + off, n);
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (++k % drain_every == 0)
			evbuffer_drain(bufferevent_get_input(pair[1]),
			    evbuffer_get_length(bufferevent_get_input(pair[1])));
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	/* the peer reads everything: throttled frames are handled */
	for (k = 0; k < 64 && !f.closed; k++) {
		evbuffer_drain(bufferevent_get_input(pair[1]),
		    evbuffer_get_length(bufferevent_get_input(pair[1])));
		if (event_base_loop(base, EVLOOP_NONBLOCK) == 1)
			break;
	}
	if (f.fc != NULL)
		frame_conn_free(f.fc);
	bufferevent_free(pair[1]);
	event_base_loop(base, EVLOOP_NONBLOCK);
	return 0;
}
