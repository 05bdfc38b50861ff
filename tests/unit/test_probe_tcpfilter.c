/* test_probe_tcpfilter.c: the engine's raw TCP sockets read only probe replies (SYN-ACK, RST+ACK to a flow port), not the host's other TCP traffic. */
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

#include "probe_harness.h"

#define MSGS		300	/* small writes each way: one segment each */
#define PROBES		3	/* probes of each trace (-q), all at TTL 1 */

static int	 isolated;	/* in a network namespace of our own */

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
	isolated = 1;
	return ph_open(0, 0);
fail:
	close(fd);
	return -1;
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
    struct ph_result *res)
{
	struct probe_opts o;
	char	 err[160];

	ph_opts(&o, host, TRACE_METHOD_TCP, PROBES, 1);
	o.port = port;
	memset(res, 0, sizeof(*res));
	if (probe_start(e, &o, ph_done, res, err, sizeof(err)) == NULL)
		fail_msg("%s: %s", host, err);
	ph_wait(20);
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
	struct ph_result res;
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
	e = probe_engine_new(ph_base, NULL, err, sizeof(err));
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

/* One forged TCP segment: IPv4 header length, destination port, flags. */
struct forged {
	int		 ihl;		/* IPv4 header words (5, or 6 with NOPs) */
	uint16_t	 dport;		/* destination port */
	uint8_t		 flags;		/* TCP flags */
	int		 tcplen;	/* bytes of TCP header sent (20, or short) */
	int		 pass;		/* the filter should let it through */
};

#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10

/*
 * What the filter passes: ACK with SYN or RST, to a port >= 1024; behind
 * an IPv4 header with options too.  The forged segments come from port
 * 999, so whatever the host's TCP answers goes to a port the filter drops.
 */
static const struct forged forged[] = {
	{ 6, 40000, F_SYN | F_ACK, 20, 1 },
	{ 6, 40001, F_RST | F_ACK, 20, 1 },
	{ 5, 40002, F_SYN | F_ACK, 20, 1 },
	{ 6, 40003, F_RST, 20, 0 },		/* cannot acknowledge a probe */
	{ 6, 80, F_SYN | F_ACK, 20, 0 },	/* no flow uses a port < 1024 */
	{ 5, 1023, F_RST | F_ACK, 20, 0 },
	{ 6, 40004, F_PSH | F_ACK, 20, 0 },	/* data */
	{ 6, 40005, F_SYN, 20, 0 },
	{ 6, 40006, F_SYN | F_ACK, 12, 0 },	/* flags past the end */
};

/* Build forged segment f (TCP part only) into p; its length. */
static size_t
forge_tcp(const struct forged *f, uint8_t *p)
{
	memset(p, 0, 20);
	p[0] = 999 >> 8;
	p[1] = 999 & 0xff;
	p[2] = (uint8_t)(f->dport >> 8);
	p[3] = (uint8_t)(f->dport & 0xff);
	p[7] = 1;			/* sequence number */
	p[11] = 1;			/* acknowledgement number */
	p[12] = 5 << 4;
	p[13] = f->flags;
	p[15] = 0xff;			/* window */
	return (size_t)f->tcplen;
}

/* Send every forged segment to 127.0.0.1 (af AF_INET) or ::1. */
static int
send_forged(int af)
{
	uint8_t	 pkt[64];
	size_t	 i, n, hl;
	int	 fd, on = 1, pass = 0;

	if (af == AF_INET) {
		struct sockaddr_in sin;

		assert_true((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) != -1);
		assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on,
		    sizeof(on)), 0);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
			hl = (size_t)forged[i].ihl * 4;
			memset(pkt, 0, sizeof(pkt));
			pkt[0] = (uint8_t)(0x40 | forged[i].ihl);
			pkt[8] = 64;			/* TTL */
			pkt[9] = IPPROTO_TCP;
			memcpy(pkt + 12, &sin.sin_addr, 4);
			memcpy(pkt + 16, &sin.sin_addr, 4);
			memset(pkt + 20, 1, hl - 20);	/* NOP options */
			n = hl + forge_tcp(&forged[i], pkt + hl);
			pkt[2] = (uint8_t)(n >> 8);
			pkt[3] = (uint8_t)(n & 0xff);
			assert_int_equal(sendto(fd, pkt, n, 0,
			    (struct sockaddr *)&sin, sizeof(sin)), (ssize_t)n);
			pass += forged[i].pass;
		}
	} else {
		struct sockaddr_in6 sin6;

		assert_true((fd = socket(AF_INET6, SOCK_RAW, IPPROTO_TCP)) != -1);
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_addr = in6addr_loopback;
		for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
			n = forge_tcp(&forged[i], pkt);
			assert_int_equal(sendto(fd, pkt, n, 0,
			    (struct sockaddr *)&sin6, sizeof(sin6)), (ssize_t)n);
			pass += forged[i].pass;
		}
	}
	close(fd);
	return pass;
}

/*
 * Forged segments, one per case the filter decides: exactly those it
 * should pass are read (counted before the next trace's replies).
 */
static void
forged_family(int af, const char *host)
{
	struct probe_engine *e;
	struct ph_result res;
	char	 err[160];
	uint16_t closed;
	int	 lfd, pass;

	if (!isolated)
		skip();
	lfd = listener(af, host, &closed);
	close(lfd);
	e = probe_engine_new(ph_base, NULL, err, sizeof(err));
	if (e == NULL)
		fail_msg("%s", err);
	tcp_trace(e, host, closed, &res);	/* the engine now reads */
	trace_free(res.t);
	assert_int_equal(probe_engine_tcp_read(e), PROBES);
	pass = send_forged(af);
	tcp_trace(e, host, closed, &res);
	assert_true(res.t->reached);
	trace_free(res.t);
	assert_int_equal(probe_engine_tcp_read(e), 2 * PROBES + pass);
	probe_engine_free(e);
}

static void
test_forged_ipv4(void **state)
{
	(void)state;
	forged_family(AF_INET, "127.0.0.1");
}

static void
test_forged_ipv6(void **state)
{
	(void)state;
	forged_family(AF_INET6, "::1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_forged_ipv4),
		cmocka_unit_test(test_forged_ipv6),
	};

	return cmocka_run_group_tests(tests, setup, ph_teardown);
}
