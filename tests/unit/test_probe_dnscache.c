/* test_probe_dnscache.c: the engine's reverse-DNS cache: lifetimes, the size bound, lookups in flight (a name server of our own on loopback). */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <event2/dns.h>

#include "probe_harness.h"

#define NADDR	8	/* 127.0.0.1 .. 127.0.0.8 */

/*
 * The name server: answers PTR queries for 127.0.0.N with "hN-K.test"
 * (K: how many queries for N so far), NXDOMAIN for the addresses in
 * nxdomain, and holds back the answer for the address in hold until
 * release() sends it.
 */
struct server {
	int		 fd;		/* UDP socket on 127.0.0.1 */
	uint16_t	 port;		/* its port */
	struct event	*ev;		/* reads queries */
	int		 queries[NADDR + 1];	/* queries seen per N */
	int		 nxdomain[NADDR + 1];	/* N: answer "no such name" */
	int		 hold;		/* N whose answer waits, 0 none */
	uint8_t		 held[512];	/* that answer */
	size_t		 heldlen;	/* its length, 0 none */
	struct sockaddr_in heldto;	/* where it goes */
	int		 got_held;	/* the held query arrived */
};

static struct server srv;

/* Build the answer to query q (len bytes) into out; its length or 0. */
static size_t
answer(struct server *s, const uint8_t *q, size_t len, uint8_t *out,
    size_t cap, int *n)
{
	size_t	 off = 12, qend, o;
	char	 name[64];
	int	 nl;

	*n = 0;
	if (len < 12 + 5 || len > cap - 80)
		return 0;
	/* First label: the last octet of 127.0.0.N. */
	if (q[off] < 1 || q[off] > 3 || off + 1 + q[off] > len)
		return 0;
	*n = atoi((const char *)q + off + 1);
	if (*n < 1 || *n > NADDR)
		*n = 0;
	while (off < len && q[off] != 0)
		off += (size_t)q[off] + 1;
	qend = off + 5;
	if (qend > len || *n == 0)
		return 0;
	s->queries[*n]++;
	memcpy(out, q, qend);
	out[2] = 0x84 | (q[2] & 0x01);	/* QR, AA, RD copied */
	out[3] = 0x80;			/* RA */
	out[4] = 0; out[5] = 1;		/* one question */
	out[6] = 0; out[7] = 0;
	out[8] = out[9] = out[10] = out[11] = 0;
	if (s->nxdomain[*n]) {
		out[3] |= 3;
		return qend;
	}
	out[7] = 1;			/* one answer */
	o = qend;
	nl = snprintf(name, sizeof(name), "h%d-%d", *n, s->queries[*n]);
	out[o++] = 0xc0; out[o++] = 12;		/* the question's name */
	out[o++] = 0; out[o++] = 12;		/* PTR */
	out[o++] = 0; out[o++] = 1;		/* IN */
	out[o++] = 0; out[o++] = 0; out[o++] = 0; out[o++] = 60;
	out[o++] = 0; out[o++] = (uint8_t)(nl + 1 + 5 + 1);
	out[o++] = (uint8_t)nl;
	memcpy(out + o, name, (size_t)nl);
	o += (size_t)nl;
	out[o++] = 4;
	memcpy(out + o, "test", 4);
	o += 4;
	out[o++] = 0;
	return o;
}

static void
server_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*s = arg;
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint8_t	 q[512], out[512];
	ssize_t	 len;
	size_t	 olen;
	int	 n;

	(void)what;
	while ((len = recvfrom(fd, q, sizeof(q), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fl)) > 0) {
		if ((olen = answer(s, q, (size_t)len, out, sizeof(out), &n)) == 0)
			continue;
		if (n == s->hold) {
			memcpy(s->held, out, olen);
			s->heldlen = olen;
			s->heldto = from;
			s->got_held = 1;
			event_base_loopbreak(ph_base);
			continue;
		}
		(void)sendto(fd, out, olen, 0, (struct sockaddr *)&from, fl);
		fl = sizeof(from);
	}
}

/* Send the held answer. */
static void
release(struct server *s)
{
	assert_true(s->heldlen > 0);
	assert_int_equal(sendto(s->fd, s->held, s->heldlen, 0,
	    (struct sockaddr *)&s->heldto, sizeof(s->heldto)),
	    (ssize_t)s->heldlen);
	s->heldlen = 0;
	s->hold = 0;
}

static int
setup(void **state)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	(void)state;
	if (ph_open(0, 0) == -1)
		return -1;
	if (ph_base == NULL)		/* not root: the tests skip */
		return 0;
	memset(&srv, 0, sizeof(srv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((srv.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(srv.fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(srv.fd, (struct sockaddr *)&sin, &sl) == -1)
		return -1;
	srv.port = ntohs(sin.sin_port);
	srv.ev = event_new(ph_base, srv.fd, EV_READ | EV_PERSIST, server_cb,
	    &srv);
	if (srv.ev == NULL || event_add(srv.ev, NULL) == -1)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	if (srv.ev)
		event_free(srv.ev);
	if (srv.fd > 0)
		close(srv.fd);
	return ph_teardown(state);
}

/* Fresh counts and a resolver that asks only our server. */
static struct evdns_base *
resolver(void)
{
	struct evdns_base *dns;
	char	 ns[32];

	memset(srv.queries, 0, sizeof(srv.queries));
	memset(srv.nxdomain, 0, sizeof(srv.nxdomain));
	srv.hold = srv.got_held = 0;
	srv.heldlen = 0;
	assert_non_null(dns = evdns_base_new(ph_base, 0));
	snprintf(ns, sizeof(ns), "127.0.0.1:%u", srv.port);
	assert_int_equal(evdns_base_nameserver_ip_add(dns, ns), 0);
	/* No retransmission while an answer is held back. */
	assert_int_equal(evdns_base_set_option(dns, "timeout:", "60"), 0);
	return dns;
}

/*
 * Free the resolver, failing what is still asked: those callbacks come
 * from the loop, so run it once (an orphaned entry is freed there).
 */
static void
dns_free(struct evdns_base *dns)
{
	evdns_base_free(dns, 1);
	event_base_loop(ph_base, EVLOOP_NONBLOCK);
}

/* Start an ICMP trace (-q 1 -m 1, with names) to 127.0.0.n. */
static void
start(struct probe_engine *e, int n, struct ph_result *res)
{
	struct probe_opts o;
	char	 err[160], host[32];

	snprintf(host, sizeof(host), "127.0.0.%d", n);
	ph_opts(&o, host, TRACE_METHOD_ICMP, 1, 1);
	o.no_dns = 0;			/* names: the cache is under test */
	memset(res, 0, sizeof(*res));
	if (probe_start(e, &o, ph_done, res, err, sizeof(err)) == NULL)
		fail_msg("127.0.0.%d: %s", n, err);
}

/* Run the loop until flag is set (at most 30 s). */
static void
until(const int *flag)
{
	struct timespec	 a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	while (!*flag) {
		struct timeval tv = { 1, 0 };

		event_base_loopexit(ph_base, &tv);
		event_base_dispatch(ph_base);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (b.tv_sec - a.tv_sec > 30)
			fail_msg("nothing happened in 30 s");
	}
}

/* A trace to 127.0.0.n; its one probe's name ("" for none). */
static void
trace_name(struct probe_engine *e, int n, char *name, size_t len)
{
	struct ph_result res;

	start(e, n, &res);
	until(&res.done);
	if (res.t == NULL)
		fail_msg("127.0.0.%d: %s", n, res.err);
	assert_true(res.t->reached);
	assert_true(res.t->hops[0].probes[0].replied);
	snprintf(name, len, "%s", res.t->hops[0].probes[0].name ?
	    res.t->hops[0].probes[0].name : "");
	trace_free(res.t);
}

/* Sleep s seconds (a lower bound: the lifetimes below are shorter). */
static void
pause_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) == -1)
		continue;
}

/*
 * A name is kept while its lifetime lasts and asked again after it;
 * no name (NXDOMAIN) likewise with its own lifetime.
 */
static void
test_expiry(void **state)
{
	struct evdns_base *dns;
	struct probe_engine *e;
	char	 err[160], name[64];

	(void)state;
	if (ph_base == NULL)
		skip();
	dns = resolver();
	assert_non_null(e = probe_engine_new(ph_base, dns, err, sizeof(err)));
	srv.nxdomain[2] = 1;
	probe_engine_set_names(e, 1000, 1000, 0);
	trace_name(e, 1, name, sizeof(name));
	assert_string_equal(name, "h1-1.test");
	trace_name(e, 1, name, sizeof(name));
	assert_string_equal(name, "h1-1.test");
	assert_int_equal(srv.queries[1], 1);
	trace_name(e, 2, name, sizeof(name));
	assert_string_equal(name, "");
	trace_name(e, 2, name, sizeof(name));
	assert_int_equal(srv.queries[2], 1);

	/* Short lifetimes from now on: both entries are stale after 0.3 s. */
	probe_engine_set_names(e, 0.2, 0.1, 0);
	pause_s(0.3);
	trace_name(e, 1, name, sizeof(name));
	assert_string_equal(name, "h1-2.test");
	assert_int_equal(srv.queries[1], 2);
	srv.nxdomain[2] = 0;
	trace_name(e, 2, name, sizeof(name));
	assert_string_equal(name, "h2-2.test");
	assert_int_equal(srv.queries[2], 2);
	/* No name is kept shorter than a name. */
	probe_engine_set_names(e, 1000, 0.1, 0);
	srv.nxdomain[3] = 1;
	trace_name(e, 3, name, sizeof(name));
	pause_s(0.2);
	trace_name(e, 1, name, sizeof(name));
	trace_name(e, 3, name, sizeof(name));
	assert_int_equal(srv.queries[1], 2);
	assert_int_equal(srv.queries[3], 2);
	probe_engine_free(e);
	dns_free(dns);
}

/*
 * At the bound the oldest finished entry goes; one whose lookup is still
 * running is passed over and its late answer still lands in the cache.
 */
static void
test_bound_and_inflight(void **state)
{
	struct evdns_base *dns;
	struct probe_engine *e;
	struct ph_result first;
	char	 err[160], name[64];

	(void)state;
	if (ph_base == NULL)
		skip();
	dns = resolver();
	assert_non_null(e = probe_engine_new(ph_base, dns, err, sizeof(err)));
	probe_engine_set_names(e, 0, 0, 2);
	/* 127.0.0.2's answer is held: its entry stays in flight. */
	srv.hold = 2;
	start(e, 2, &first);
	until(&srv.got_held);
	trace_name(e, 3, name, sizeof(name));
	assert_string_equal(name, "h3-1.test");
	/* Full: .3 (finished) goes, not .2 (the oldest, in flight). */
	trace_name(e, 4, name, sizeof(name));
	assert_string_equal(name, "h4-1.test");
	release(&srv);
	until(&first.done);
	if (first.t != NULL)
		trace_free(first.t);
	trace_name(e, 2, name, sizeof(name));
	assert_string_equal(name, "h2-1.test");
	assert_int_equal(srv.queries[2], 1);
	/* .3 was evicted: asked again (and that evicts .2, the oldest). */
	trace_name(e, 3, name, sizeof(name));
	assert_string_equal(name, "h3-2.test");
	trace_name(e, 4, name, sizeof(name));
	assert_int_equal(srv.queries[4], 1);
	trace_name(e, 2, name, sizeof(name));
	assert_string_equal(name, "h2-2.test");
	probe_engine_free(e);
	dns_free(dns);
}

/* A lookup still running when the engine goes: its answer frees it. */
static void
test_orphan(void **state)
{
	struct evdns_base *dns;
	struct probe_engine *e;
	struct ph_result res;
	char	 err[160];

	(void)state;
	if (ph_base == NULL)
		skip();
	dns = resolver();
	assert_non_null(e = probe_engine_new(ph_base, dns, err, sizeof(err)));
	srv.hold = 5;
	start(e, 5, &res);
	until(&srv.got_held);
	probe_engine_free(e);
	assert_false(res.done);
	/* The answer comes after the engine went: dns_cb frees the entry. */
	release(&srv);
	srv.got_held = 0;
	srv.hold = 6;
	/* A later lookup: by its query the answer has been read. */
	assert_non_null(e = probe_engine_new(ph_base, dns, err, sizeof(err)));
	start(e, 6, &res);
	until(&srv.got_held);
	probe_engine_free(e);
	dns_free(dns);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_bound_and_inflight),
		cmocka_unit_test(test_orphan),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
