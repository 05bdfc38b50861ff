/* test_frame.c: the frame codec (limits, split reads, garbage) and a framed connection over a socketpair. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "frame.h"

/* A Hello envelope whose packed size is exactly n bytes (n >= 16). */
static frame_env *
hello_of_size(size_t n, char **strp)
{
	frame_env	*env = malloc(sizeof(*env));
	Tracepair__Hello *h = malloc(sizeof(*h));
	size_t		 slen = n;
	char		*s;

	tracepair__envelope__init(env);
	tracepair__hello__init(h);
	env->body_case = TRACEPAIR__ENVELOPE__BODY_HELLO;
	env->hello = h;
	h->protocol_version = 1;
	s = malloc(n + 1);
	for (;;) {
		memset(s, 'x', slen);
		s[slen] = '\0';
		h->software = s;
		size_t got = tracepair__envelope__get_packed_size(env);
		if (got == n)
			break;
		assert_true(got > n);
		slen -= got - n > slen ? slen : got - n;
	}
	*strp = s;
	return env;
}

static void
free_hello(frame_env *env, char *s)
{
	free(s);
	free(env->hello);
	free(env);
}

static void
put_len(uint8_t *p, uint32_t n)
{
	p[0] = (uint8_t)(n >> 24);
	p[1] = (uint8_t)(n >> 16);
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
}

static void
test_exact_limit(void **state)
{
	frame_env	*env, *out = NULL;
	char		*s, err[256];
	uint8_t		*buf;
	size_t		 len, used;

	(void)state;
	env = hello_of_size(1000, &s);
	buf = frame_encode(env, 1000, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_int_equal(len, 1004);
	assert_int_equal(frame_decode(buf, len, 1000, &out, &used, err,
	    sizeof(err)), FRAME_DONE);
	assert_int_equal(used, 1004);
	assert_int_equal(out->body_case, TRACEPAIR__ENVELOPE__BODY_HELLO);
	assert_string_equal(out->hello->software, s);
	frame_free(out);
	/* One byte less of limit: the same frame is refused, both ways. */
	assert_int_equal(frame_decode(buf, len, 999, &out, &used, err,
	    sizeof(err)), FRAME_ERROR);
	assert_non_null(strstr(err, "exceeds the limit"));
	assert_null(frame_encode(env, 999, &len, err, sizeof(err)));
	free(buf);
	free_hello(env, s);
}

static void
test_limit_plus_one(void **state)
{
	uint8_t		 hdr[8] = { 0 };
	frame_env	*out;
	size_t		 used;
	char		 err[256];

	(void)state;
	/* The header alone is enough to refuse: no need to buffer the body. */
	put_len(hdr, FRAME_LIMIT_DEFAULT + 1);
	assert_int_equal(frame_decode(hdr, 4, 0, &out, &used, err, sizeof(err)),
	    FRAME_ERROR);
	assert_null(out);
	put_len(hdr, UINT32_MAX);
	assert_int_equal(frame_decode(hdr, 4, 0, &out, &used, err, sizeof(err)),
	    FRAME_ERROR);
	/* At the default limit the header is fine and more is wanted. */
	put_len(hdr, FRAME_LIMIT_DEFAULT);
	assert_int_equal(frame_decode(hdr, 8, 0, &out, &used, err, sizeof(err)),
	    FRAME_MORE);
}

static void
test_zero_length(void **state)
{
	uint8_t		 hdr[4] = { 0, 0, 0, 0 };
	frame_env	*out;
	size_t		 used;
	char		 err[256];

	(void)state;
	assert_int_equal(frame_decode(hdr, 4, 0, &out, &used, err, sizeof(err)),
	    FRAME_ERROR);
	assert_non_null(strstr(err, "zero-length"));
}

static void
test_split_reads(void **state)
{
	frame_env	 ping, *env, *out;
	Tracepair__Ping	 p;
	struct evbuffer	*in;
	uint8_t		*buf, two[64];
	size_t		 len, i;
	char		 err[256];
	int		 got = 0;

	(void)state;
	tracepair__envelope__init(&ping);
	tracepair__ping__init(&p);
	p.t1_ns = 1234567890123LL;
	ping.request_id = 77;
	ping.body_case = TRACEPAIR__ENVELOPE__BODY_PING;
	ping.ping = &p;
	env = &ping;
	buf = frame_encode(env, 0, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_true(2 * len <= sizeof(two));
	memcpy(two, buf, len);
	memcpy(two + len, buf, len);
	/* Two frames fed one byte at a time: each appears exactly when whole. */
	in = evbuffer_new();
	for (i = 0; i < 2 * len; i++) {
		evbuffer_add(in, two + i, 1);
		enum frame_result r = frame_read(in, 0, &out, err, sizeof(err));
		if (i == len - 1 || i == 2 * len - 1) {
			assert_int_equal(r, FRAME_DONE);
			assert_int_equal(out->request_id, 77);
			assert_int_equal(out->ping->t1_ns, 1234567890123LL);
			frame_free(out);
			got++;
		} else
			assert_int_equal(r, FRAME_MORE);
	}
	assert_int_equal(got, 2);
	assert_int_equal(evbuffer_get_length(in), 0);
	evbuffer_free(in);
	free(buf);
}

static void
test_garbage(void **state)
{
	static const uint8_t junk[][12] = {
		{ 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff },	/* bad varint/tag */
		{ 0, 0, 0, 2, 0x12, 0x05 },		/* hello len 5, 0 bytes */
		{ 0, 0, 0, 2, 0x08, 0x01 },		/* request_id only: no body */
		{ 0, 0, 0, 3, 0xfa, 0x01, 0x00 },	/* unknown field 31 */
	};
	static const size_t lens[] = { 8, 6, 6, 7 };
	frame_env	*out;
	size_t		 used, i;
	char		 err[256];

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		err[0] = '\0';
		assert_int_equal(frame_decode(junk[i], lens[i], 0, &out, &used,
		    err, sizeof(err)), FRAME_ERROR);
		assert_null(out);
		assert_true(err[0] != '\0');
	}
	/* An envelope without a body is not sent either. */
	frame_env empty;
	size_t n;
	tracepair__envelope__init(&empty);
	assert_null(frame_encode(&empty, 0, &n, err, sizeof(err)));
}

/* Connection test state: what each side saw. */
struct side {
	struct frame_conn *fc;
	int		 messages;
	int		 closed;
	int		 errors;		/* Error envelopes received */
	uint64_t	 last_id;
	char		 reason[256];
	struct event_base *base;
};

static void
side_msg(struct frame_conn *fc, const frame_env *env, void *arg)
{
	struct side	*s = arg;

	(void)fc;
	s->messages++;
	s->last_id = env->request_id;
	if (env->body_case == TRACEPAIR__ENVELOPE__BODY_ERROR)
		s->errors++;
}

static void
side_close(struct frame_conn *fc, const char *reason, void *arg)
{
	struct side	*s = arg;

	s->closed++;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	frame_conn_free(fc);
	s->fc = NULL;
	event_base_loopbreak(s->base);
}

static void
test_conn_bad_frame(void **state)
{
	struct event_base	*base = event_base_new();
	struct bufferevent	*a, *b;
	struct frame_conn_cbs	 cbs = { NULL, side_msg, side_close };
	struct side		 sa = { 0 }, sb = { 0 };
	struct timeval		 tv = { 3, 0 };
	frame_env		 env;
	Tracepair__Ping		 p;
	char			 err[128];
	uint8_t			 big[4];
	int			 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	a = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	b = bufferevent_socket_new(base, sv[1], BEV_OPT_CLOSE_ON_FREE);
	sa.base = sb.base = base;
	sa.fc = frame_conn_new(a, 0, &cbs, &sa);
	sb.fc = frame_conn_new(b, 64, &cbs, &sb);	/* b: 64-byte limit */
	/* A good frame arrives. */
	tracepair__envelope__init(&env);
	tracepair__ping__init(&p);
	env.request_id = 5;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_PING;
	env.ping = &p;
	assert_int_equal(frame_conn_send(sa.fc, &env, err, sizeof(err)), 0);
	event_base_loopexit(base, &(struct timeval){ 0, 200000 });
	event_base_dispatch(base);
	assert_int_equal(sb.messages, 1);
	assert_int_equal(sb.last_id, 5);
	/* An oversized header: b answers with Error and closes; a sees both. */
	put_len(big, 65);
	bufferevent_write(a, big, sizeof(big));
	event_base_loopexit(base, &tv);
	while (sa.closed == 0 && event_base_dispatch(base) == 0 &&
	    !event_base_got_exit(base))
		;
	assert_int_equal(sb.closed, 1);
	assert_non_null(strstr(sb.reason, "exceeds the limit"));
	assert_int_equal(sa.errors, 1);
	assert_int_equal(sa.closed, 1);
	assert_non_null(strstr(sa.reason, "closed by peer"));
	event_base_free(base);
}

/* Capabilities in a Hello; a Progress's numbers in range or not. */
static void
test_progress_checks(void **state)
{
	Tracepair__Hello h;
	Tracepair__Progress p;
	char	 c1[] = "udp", c2[] = "progress", *caps[] = { c1, NULL, c2 };

	(void)state;
	tracepair__hello__init(&h);
	tracepair__progress__init(&p);
	assert_int_equal(frame_hello_has(&h, "progress"), 0);
	h.n_capabilities = 3;
	h.capabilities = caps;
	assert_int_equal(frame_hello_has(&h, "progress"), 1);
	assert_int_equal(frame_hello_has(&h, "tcp"), 0);
	p.rounds = 30;
	p.rounds_done = 12;
	p.seconds_left = 9;
	p.worst_ttl = 7;
	p.worst_loss = 16.7;
	assert_int_equal(frame_progress_ok(&p), 1);
	p.rounds_done = 31;
	assert_int_equal(frame_progress_ok(&p), 0);
	p.rounds_done = 12;
	p.worst_loss = 100.5;
	assert_int_equal(frame_progress_ok(&p), 0);
	p.worst_loss = 0;
	p.seconds_left = -1;
	assert_int_equal(frame_progress_ok(&p), 0);
	p.seconds_left = 0;
	p.worst_ttl = 256;
	assert_int_equal(frame_progress_ok(&p), 0);
	p.worst_ttl = 0;
	p.rounds = p.rounds_done = 1001;
	assert_int_equal(frame_progress_ok(&p), 0);
}

/* On every message: the most input bytes the connection held at once. */
static size_t	hw_max;
static int	hw_messages;

static void
hw_msg(struct frame_conn *fc, const frame_env *env, void *arg)
{
	size_t	 n = evbuffer_get_length(bufferevent_get_input(frame_conn_bev(fc)));

	(void)env;
	(void)arg;
	if (n > hw_max)
		hw_max = n;
	hw_messages++;
}

/*
 * The frame reader never holds more than one maximal frame: 40 small
 * frames (320 bytes) arrive at once on a connection whose limit is 64; at
 * no message does its input buffer hold more than 64 + 4 bytes, and all 40
 * are read.
 */
static void
test_conn_high_water(void **state)
{
	struct event_base	*base = event_base_new();
	struct bufferevent	*b;
	struct frame_conn	*fc;
	struct frame_conn_cbs	 cbs = { NULL, hw_msg, NULL };
	uint8_t			 buf[40 * 8];
	int			 sv[2], i;

	(void)state;
	/* Ping with request_id 1: 4-byte length 4, then 08 01 (id) 22 00 (ping, field 4) */
	for (i = 0; i < 40; i++)
		memcpy(buf + 8 * i, "\0\0\0\4\x08\x01\x22\x00", 8);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	b = bufferevent_socket_new(base, sv[1], BEV_OPT_CLOSE_ON_FREE);
	hw_max = 0;
	hw_messages = 0;
	fc = frame_conn_new(b, 64, &cbs, NULL);
	assert_non_null(fc);
	for (i = 0; i < 100 && hw_messages < 40; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	assert_int_equal(hw_messages, 40);
	if (hw_max > 64 + 4)
		fail_msg("held %zu bytes of input with a 64-byte frame limit", hw_max);
	frame_conn_free(fc);
	close(sv[0]);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_limit),
		cmocka_unit_test(test_limit_plus_one),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_split_reads),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_conn_bad_frame),
		cmocka_unit_test(test_progress_checks),
		cmocka_unit_test(test_conn_high_water),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
