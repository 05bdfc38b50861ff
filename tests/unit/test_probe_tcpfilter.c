/* test_probe_tcpfilter.c: the engine's raw TCP sockets read only probe replies (SYN-ACK, RST+ACK), not the host's other TCP traffic. */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "probe.h"

#define MSGS		300	/* small writes each way: one segment each */
#define PROBES		3	/* probes of each trace (-q), all at TTL 1 */

/* One run's outcome. */
struct result {
	struct trace	*t;	/* the trace, NULL on failure */
	char		 err[160];	/* why it failed */
	int		 done;	/* the callback ran */
};

static struct event_base *base;
static int	 isolated;	/* in a network namespace of our own */

static void
done(struct trace *t, const char *err, void *arg)
{
	struct result	*r = arg;

	r->t = t;
	if (err)
		snprintf(r->err, sizeof(r->err), "%s", err);
	r->done = 1;
	event_base_loopbreak(base);
}

/*
 * A network namespace of our own with lo up: the only TCP on it is this
 * test's, so the counts below are exact.
 */
static int
setup(void **state)
{
	struct ifreq	 ifr;
	int	 fd;

	(void)state;
	if (geteuid() != 0 || unshare(CLONE_NEWNET) == -1)
		return 0;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
		goto fail;
	close(fd);
	base = event_base_new();
	isolated = 1;
	return base == NULL ? -1 : 0;
fail:
	close(fd);
	return -1;
}

static int
teardown(void **state)
{
	(void)state;
	if (base)
		event_base_free(base);
	return 0;
}

/* A listening TCP socket on addr (port chosen by the kernel); its port. */
static int
listener(int af, const char *addr, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int	 fd;

	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
		sl = sizeof(*s6);
	}
	assert_true((fd = socket(af, SOCK_STREAM, 0)) != -1);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, sl), 0);
	assert_int_equal(listen(fd, 16), 0);
	sl = sizeof(ss);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	*port = ntohs(af == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* A connected pair on addr, Nagle off so each write is one segment. */
static void
tcp_pair(int af, const char *addr, int fds[2])
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint16_t port;
	int	 lfd, on = 1;

	lfd = listener(af, addr, &port);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&ss, &sl), 0);
	assert_true((fds[0] = socket(af, SOCK_STREAM, 0)) != -1);
	assert_int_equal(connect(fds[0], (struct sockaddr *)&ss, sl), 0);
	assert_true((fds[1] = accept(lfd, NULL, NULL)) != -1);
	close(lfd);
	assert_int_equal(setsockopt(fds[0], IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on)), 0);
	assert_int_equal(setsockopt(fds[1], IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on)), 0);
}

/* MSGS small messages each way, each read before the next is written. */
static void
chatter(int fds[2])
{
	char	 buf[100];
	int	 i, k;
	ssize_t	 n, got;

	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < MSGS; i++)
		for (k = 0; k < 2; k++) {
			assert_int_equal(write(fds[k], buf, sizeof(buf)),
			    (ssize_t)sizeof(buf));
			for (got = 0; got < (ssize_t)sizeof(buf); got += n)
				assert_true((n = read(fds[!k], buf + got,
				    sizeof(buf) - (size_t)got)) > 0);
		}
}

/* A TCP trace (-q PROBES -m 1) to host:port on a fresh engine. */
static void
tcp_trace(struct probe_engine *e, const char *host, uint16_t port,
    struct result *res)
{
	struct probe_opts o;
	struct timeval	 tv = { 20, 0 };
	char	 err[160];

	probe_opts_init(&o);
	snprintf(o.host, sizeof(o.host), "%s", host);
	o.method = TRACE_METHOD_TCP;
	o.port = port;
	o.queries = PROBES;
	o.max_ttl = 1;
	o.no_dns = 1;
	memset(res, 0, sizeof(*res));
	if (probe_start(e, &o, done, res, err, sizeof(err)) == NULL)
		fail_msg("%s: %s", host, err);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	assert_true(res->done);
	if (res->t == NULL)
		fail_msg("%s: %s", host, res->err);
}

/*
 * On one family: a chatty TCP connection while the engine is open, then
 * a trace to a closed port (RST+ACK back) and one to a listening port
 * (SYN-ACK back).  The engine reads exactly the replies: not the data
 * segments, their ACKs, nor its own SYNs looped back through lo.
 */
static void
one_family(int af, const char *host)
{
	struct probe_engine *e;
	struct result	 res;
	char	 err[160];
	uint16_t closed, open;
	int	 fds[2], lfd, i;

	if (!isolated)
		skip();
	tcp_pair(af, host, fds);
	/* A port nothing listens on: bound, then given back. */
	lfd = listener(af, host, &closed);
	close(lfd);
	lfd = listener(af, host, &open);
	e = probe_engine_new(base, NULL, err, sizeof(err));
	if (e == NULL)
		fail_msg("%s", err);
	chatter(fds);
	tcp_trace(e, host, closed, &res);
	assert_true(res.t->reached);
	assert_int_equal(res.t->hops[0].nprobes, PROBES);
	for (i = 0; i < PROBES; i++) {
		assert_true(res.t->hops[0].probes[i].replied);
		assert_string_equal(res.t->hops[0].probes[i].addr, host);
	}
	trace_free(res.t);
	assert_int_equal(probe_engine_tcp_read(e), PROBES);
	tcp_trace(e, host, open, &res);
	assert_true(res.t->reached);
	for (i = 0; i < PROBES; i++)
		assert_true(res.t->hops[0].probes[i].replied);
	trace_free(res.t);
	assert_int_equal(probe_engine_tcp_read(e), 2 * PROBES);
	/* More traffic once the engine reads: still nothing of it. */
	chatter(fds);
	tcp_trace(e, host, closed, &res);
	assert_true(res.t->reached);
	trace_free(res.t);
	assert_int_equal(probe_engine_tcp_read(e), 3 * PROBES);
	probe_engine_free(e);
	close(fds[0]);
	close(fds[1]);
	close(lfd);
}

static void
test_ipv4(void **state)
{
	(void)state;
	one_family(AF_INET, "127.0.0.1");
}

static void
test_ipv6(void **state)
{
	(void)state;
	one_family(AF_INET6, "::1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
