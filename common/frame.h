/* frame.h: length-prefixed protobuf Envelope frames, as bytes and over a libevent bufferevent. */
#ifndef TRACEPAIR_FRAME_H
#define TRACEPAIR_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "tracepair.pb-c.h"

/*
 * A frame is a 4-byte big-endian length N (1 <= N <= limit) and N bytes of
 * one tracepair.Envelope.  An Envelope whose body is not set, or set to a
 * field number this build does not know, is a decode error.
 */
#define FRAME_PROTOCOL_VERSION	1
#define FRAME_HDR_LEN		4
#define FRAME_LIMIT_DEFAULT	(1024 * 1024)	/* 1 MiB */

typedef Tracepair__Envelope frame_env;

/* Result of frame_decode() / frame_read(). */
enum frame_result {
	FRAME_ERROR = -1,	/* bad frame: reason in err; close the connection */
	FRAME_MORE = 0,		/* not a whole frame yet */
	FRAME_DONE = 1		/* *out holds one decoded envelope */
};

/*
 * Decode one frame from the start of buf.  On FRAME_DONE sets *out (free
 * with frame_free) and *used to the bytes it took.  Never reads past len.
 */
enum frame_result frame_decode(const uint8_t *buf, size_t len, size_t limit,
	    frame_env **out, size_t *used, char *err, size_t errlen);
/* The same on a libevent input buffer: drains the frame when done. */
struct evbuffer;
enum frame_result frame_read(struct evbuffer *in, size_t limit,
	    frame_env **out, char *err, size_t errlen);
/*
 * Encode env as one frame (header + body) into a malloc'd buffer.  Returns
 * NULL with a reason when it would exceed limit or has no body.
 */
uint8_t	*frame_encode(const frame_env *env, size_t limit, size_t *lenp,
	    char *err, size_t errlen);
/* Append one frame to a libevent buffer.  Returns -1 with a reason. */
int	 frame_write(struct evbuffer *out, const frame_env *env, size_t limit,
	    char *err, size_t errlen);
/* Free an envelope from frame_decode()/frame_read(). */
void	 frame_free(frame_env *);
/* Name of the body ("hello", "pair_request", ... or "none"). */
const char *frame_body_name(const frame_env *);
/* 1 when a Hello lists capability cap ("progress", ...). */
int	 frame_hello_has(const Tracepair__Hello *, const char *cap);
/* 1 when a Progress's numbers are in range (rounds <= 1000, loss 0..100). */
int	 frame_progress_ok(const Tracepair__Progress *);

/*
 * A framed connection over one bufferevent (plain or OpenSSL).  It reads
 * frames and hands each to on_message; a bad frame sends Error back,
 * stops reading and, once the Error is flushed, reports on_close with the
 * reason.  Nothing in it exits or logs: the owner logs with the peer's
 * identity.
 */
struct frame_conn;
struct bufferevent;

struct frame_conn_cbs {
	/* Transport up (TLS handshake done); may be NULL. */
	void	(*on_connected)(struct frame_conn *, void *arg);
	/* One envelope; it is freed when the callback returns. */
	void	(*on_message)(struct frame_conn *, const frame_env *, void *arg);
	/*
	 * The connection is over (EOF, error, timeout, bad frame, closed by
	 * frame_conn_close).  reason is one line.  The owner must call
	 * frame_conn_free() (here or later); no callback follows this one.
	 */
	void	(*on_close)(struct frame_conn *, const char *reason, void *arg);
};

/*
 * Take over bev (freed with the frame_conn; BEV_OPT_CLOSE_ON_FREE is the
 * caller's choice).  limit 0 = FRAME_LIMIT_DEFAULT.  Reading is enabled.
 */
struct frame_conn *frame_conn_new(struct bufferevent *bev, size_t limit,
	    const struct frame_conn_cbs *cbs, void *arg);
/* Queue one envelope.  -1 (and err) when it is too big or the conn is closing. */
int	 frame_conn_send(struct frame_conn *, const frame_env *env,
	    char *err, size_t errlen);
/*
 * Send Error{code, message} with request_id (when code != 0), stop
 * reading, and report on_close(reason = message) once it is flushed (or
 * after a few seconds if the peer does not read).
 */
void	 frame_conn_close(struct frame_conn *, uint64_t request_id,
	    Tracepair__ErrorCode code, const char *message);
/* Safe inside callbacks; the bufferevent is freed too. */
void	 frame_conn_free(struct frame_conn *);
struct bufferevent *frame_conn_bev(struct frame_conn *);
/*
 * Stop reading from a peer whose output holds more than hwm bytes (it
 * does not read its replies), until that drains to hwm / 2.  0: never.
 */
void	 frame_conn_set_out_hwm(struct frame_conn *, size_t hwm);
/*
 * Queue one frame made of request_id and body, an Envelope packed with
 * request_id 0 (built once, sent to many): body is not copied.  On 0,
 * cleanup(body, len, arg) is called once the connection no longer needs
 * it; on -1 (over the limit, closing, out of memory: close the
 * connection) never.
 */
int	 frame_conn_send_body(struct frame_conn *, uint64_t request_id,
	    const uint8_t *body, size_t len,
	    void (*cleanup)(const void *, size_t, void *), void *arg,
	    char *err, size_t errlen);
/* Bytes waiting in the output buffer (for back-pressure decisions). */
size_t	 frame_conn_pending(struct frame_conn *);
/* Replace the callback argument (e.g. once a session object exists). */
void	 frame_conn_set_arg(struct frame_conn *, void *arg);

#endif
