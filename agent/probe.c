/* probe.c: the probe engine: raw sockets, runs of probes under one rate cap, replies matched to probes (loss measurement in rounds: probe_loss.c). */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <errno.h>
#include <ifaddrs.h>
#include <math.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/net_tstamp.h>

#include <event2/event.h>
#include <event2/dns.h>
#include <event2/util.h>

#include "probe.h"
#include "probe_dns.h"
#include "probe_pkt.h"
#include "probe_run.h"

#define PROBE_WAIT_FLOOR	0.05	/* s: adaptive waits never go below */
#define PROBE_DNS_WAIT		2.0	/* s: how long a finished run waits for names */
#define PROBE_RECV_BATCH	256	/* packets read per socket wake-up */
#define PROBE_RECV_DRAIN	4096	/* packets read per socket before a timeout */
#define PROBE_TXRING		4096	/* sends remembered for their kernel TX time */

/* A destination lookup; outlives a cancelled run (run set to NULL). */
struct resolve {
	struct probe_run *run;
	struct evdns_getaddrinfo_request *req;
};

/*
 * One send waiting for its kernel TX timestamp: the socket's timestamp
 * key (SOF_TIMESTAMPING_OPT_ID counts sends per socket) and the probe.
 */
struct txrec {
	int		 fd;		/* socket it was sent on, -1 unused */
	uint32_t	 key;		/* that socket's send counter */
	uint64_t	 serial;	/* run */
	int		 idx;		/* slot */
};

/* Sockets, the global rate cap and every run in progress. */
struct probe_engine {
	struct event_base *base;
	struct evdns_base *dns;		/* NULL: no names, blocking getaddrinfo */
	int		 fd4_send;	/* IPPROTO_RAW, IP_HDRINCL: all IPv4 probes */
	int		 fd4_icmp;	/* ICMP replies */
	int		 fd4_tcp;	/* TCP replies (SYN-ACK, RST) */
	int		 fd6_icmp;	/* ICMPv6 probes and replies */
	int		 fd6_udp;	/* UDP over IPv6 probes (reads nothing) */
	int		 fd6_tcp;	/* TCP over IPv6 probes and replies */
	struct event	*ev4_icmp, *ev4_tcp, *ev6_icmp, *ev6_tcp;
	struct event	*ev_pump;	/* send when the bucket refills */
	struct bucket	 bucket;	/* global probe-rate cap */
	TAILQ_HEAD(, probe_run) runs;
	struct probe_run *rr_next;	/* round-robin position */
	uint16_t	 next_id;	/* next flow identifier to try */
	struct probe_dns *names;	/* reverse-DNS cache (probe_dns.c) */
	uint64_t	 unmatched, malformed;	/* over all runs */
	uint64_t	 tcp_read;	/* segments read from fd4_tcp / fd6_tcp */
	uint64_t	 next_serial;	/* next run serial */
	uint32_t	 txkey[4];	/* send counters of fd4_send, fd6_* */
	int		 txok[4];	/* TX timestamps enabled on that socket */
	struct txrec	 txring[PROBE_TXRING];
	uint8_t		 buf[PROBE_PKT_MAX];	/* receive / send buffer */
};

static void	 engine_pump(struct probe_engine *);
static void	 engine_names_done(void *);
static void	 run_fail(struct probe_run *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

double
now_real(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
bucket_init(struct bucket *b, double rate)
{
	b->rate = rate > 0 ? rate : PROBE_PPS_DEFAULT;
	b->depth = b->rate / 20;
	if (b->depth > 32)
		b->depth = 32;
	if (b->depth < 1)
		b->depth = 1;
	b->tokens = b->depth;
	b->last = now_real();
}

static void
bucket_refill(struct bucket *b, double now)
{
	if (now > b->last) {
		b->tokens += (now - b->last) * b->rate;
		if (b->tokens > b->depth)
			b->tokens = b->depth;
	}
	b->last = now;
}

/* Seconds until the bucket holds one token (0 when it does). */
static double
bucket_wait(const struct bucket *b)
{
	return b->tokens >= 1 ? 0 : (1 - b->tokens) / b->rate;
}

static void
tv_from(struct timeval *tv, double s)
{
	if (s < 0)
		s = 0;
	tv->tv_sec = (time_t)s;
	tv->tv_usec = (suseconds_t)((s - (double)tv->tv_sec) * 1e6);
}

/* ---- sockets -------------------------------------------------------- */

static int
raw_socket(int af, int proto, int *fd, char *err, size_t errlen)
{
	int	 on = 1, rcvbuf = 1 << 20;

	*fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (*fd == -1) {
		if (af == AF_INET6 && (errno == EAFNOSUPPORT ||
		    errno == EPROTONOSUPPORT))
			return 0;	/* no IPv6 here: IPv4 still works */
		snprintf(err, errlen, "cannot open raw socket: %s%s",
		    strerror(errno), (errno == EPERM || errno == EACCES) ?
		    " (needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep)" :
		    "");
		return -1;
	}
	/* Kernel receive timestamps on every reply. */
	if (setsockopt(*fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == -1) {
		snprintf(err, errlen, "SO_TIMESTAMPNS: %s", strerror(errno));
		return -1;
	}
	/*
	 * Every TTL is in flight at once, and the daemon runs many traces
	 * together: replies arrive in bursts.  A larger receive buffer keeps
	 * a burst that lands while the process is not scheduled (a loaded
	 * machine) from being dropped by the kernel and counted as loss.
	 * FORCE passes net.core.rmem_max with CAP_NET_ADMIN; without it the
	 * plain request is capped by rmem_max.  Not fatal either way.
	 */
	if (setsockopt(*fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		(void)setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	return 0;
}

/*
 * The TCP reply sockets: a raw TCP socket gets a copy of every segment the
 * host receives (the daemon's own TLS connection, any bulk transfer).  Pass
 * only what probe_pkt_match can use: ACK set together with SYN or RST (a
 * SYN-ACK, or the RST+ACK a closed port sends back to a SYN; a bare RST
 * cannot acknowledge a probe's sequence number), addressed to a port a run
 * can use as its flow identifier (>= PROBE_PKT_FLOW_MIN; the reply's
 * destination port is the probe's source port).  An IPv4 raw socket hands
 * the IP header first (IHL words long), an IPv6 one starts at TCP.  Loads
 * past the end of a short packet drop it.
 */
static int
tcp_reply_filter(int fd, int ipv4)
{
	struct sock_filter	 insn[] = {
		/* X = offset of the TCP header */
		ipv4 ? (struct sock_filter)BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0) :
		    (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 13),		/* flags */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x10, 0, 4),	/* ACK */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x06, 0, 3),	/* SYN|RST */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),		/* dst port */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, PROBE_PKT_FLOW_MIN, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		BPF_STMT(BPF_RET | BPF_K, 0)
	};
	struct sock_fprog	 prog = { sizeof(insn) / sizeof(insn[0]), insn };
	int	 on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1)
		return -1;
	/* Nobody replaces it after the privilege drop (best effort). */
	(void)setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &on, sizeof(on));
	return 0;
}

/* Throw away what a socket queued before its filter was attached. */
static void
drain_input(struct probe_engine *e, int fd)
{
	while (recv(fd, e->buf, sizeof(e->buf), MSG_DONTWAIT) >= 0)
		continue;
}

/* A socket used only to send: a filter that accepts nothing. */
static int
drop_all_input(int fd)
{
	struct sock_filter	 insn = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog	 prog = { 1, &insn };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static void	 recv_cb(evutil_socket_t, short, void *);
static void	 pump_cb(evutil_socket_t, short, void *);

struct probe_engine *
probe_engine_new(struct event_base *base, struct evdns_base *dns, char *err,
    size_t errlen)
{
	struct probe_engine *e;
	struct icmp6_filter filt;
	int	 on = 1;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->base = base;
	e->dns = dns;
	e->fd4_send = e->fd4_icmp = e->fd4_tcp = -1;
	e->fd6_icmp = e->fd6_udp = e->fd6_tcp = -1;
	TAILQ_INIT(&e->runs);
	if ((e->names = probe_dns_new(dns, engine_names_done, e)) == NULL) {
		free(e);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->next_id = (uint16_t)(0x8000 | (getpid() & 0x7fff));
	bucket_init(&e->bucket, PROBE_PPS_DEFAULT);

	/* The privileged part: every raw socket, opened once. */
	if (raw_socket(AF_INET, IPPROTO_RAW, &e->fd4_send, err, errlen) == -1 ||
	    raw_socket(AF_INET, IPPROTO_ICMP, &e->fd4_icmp, err, errlen) == -1 ||
	    raw_socket(AF_INET, IPPROTO_TCP, &e->fd4_tcp, err, errlen) == -1 ||
	    raw_socket(AF_INET6, IPPROTO_ICMPV6, &e->fd6_icmp, err, errlen) == -1 ||
	    raw_socket(AF_INET6, IPPROTO_UDP, &e->fd6_udp, err, errlen) == -1 ||
	    raw_socket(AF_INET6, IPPROTO_TCP, &e->fd6_tcp, err, errlen) == -1)
		goto fail;
	if (setsockopt(e->fd4_send, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) == -1 ||
	    drop_all_input(e->fd4_send) == -1) {
		snprintf(err, errlen, "IP_HDRINCL: %s", strerror(errno));
		goto fail;
	}
	if (e->fd6_icmp != -1) {
		ICMP6_FILTER_SETBLOCKALL(&filt);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filt);
		ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filt);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filt);
		ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &filt);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt);
		if (setsockopt(e->fd6_icmp, IPPROTO_ICMPV6, ICMP6_FILTER, &filt,
		    sizeof(filt)) == -1 ||
		    setsockopt(e->fd6_icmp, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
		    sizeof(on)) == -1) {
			snprintf(err, errlen, "ICMPv6 socket: %s", strerror(errno));
			goto fail;
		}
	}
	if (e->fd6_tcp != -1 && setsockopt(e->fd6_tcp, IPPROTO_IPV6,
	    IPV6_RECVHOPLIMIT, &on, sizeof(on)) == -1) {
		snprintf(err, errlen, "TCPv6 socket: %s", strerror(errno));
		goto fail;
	}
	if (e->fd6_udp != -1 && drop_all_input(e->fd6_udp) == -1) {
		snprintf(err, errlen, "UDPv6 socket: %s", strerror(errno));
		goto fail;
	}
	if (tcp_reply_filter(e->fd4_tcp, 1) == -1 ||
	    (e->fd6_tcp != -1 && tcp_reply_filter(e->fd6_tcp, 0) == -1)) {
		snprintf(err, errlen, "TCP reply filter: %s", strerror(errno));
		goto fail;
	}
	drain_input(e, e->fd4_tcp);
	if (e->fd6_tcp != -1)
		drain_input(e, e->fd6_tcp);

	/* Kernel send timestamps, best effort (older kernels: user time). */
	{
		int	 fds[4] = { e->fd4_send, e->fd6_icmp, e->fd6_udp, e->fd6_tcp };
		int	 i, tsf = SOF_TIMESTAMPING_TX_SOFTWARE |
		    SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID |
		    SOF_TIMESTAMPING_OPT_TSONLY;

		for (i = 0; i < 4; i++)
			e->txok[i] = fds[i] != -1 && setsockopt(fds[i], SOL_SOCKET,
			    SO_TIMESTAMPING, &tsf, sizeof(tsf)) == 0;
		for (i = 0; i < PROBE_TXRING; i++)
			e->txring[i].fd = -1;
	}
	if ((e->ev4_icmp = event_new(base, e->fd4_icmp, EV_READ | EV_PERSIST,
	    recv_cb, e)) == NULL ||
	    (e->ev4_tcp = event_new(base, e->fd4_tcp, EV_READ | EV_PERSIST,
	    recv_cb, e)) == NULL ||
	    (e->ev_pump = evtimer_new(base, pump_cb, e)) == NULL)
		goto nomem;
	if (e->fd6_icmp != -1 && (e->ev6_icmp = event_new(base, e->fd6_icmp,
	    EV_READ | EV_PERSIST, recv_cb, e)) == NULL)
		goto nomem;
	if (e->fd6_tcp != -1 && (e->ev6_tcp = event_new(base, e->fd6_tcp,
	    EV_READ | EV_PERSIST, recv_cb, e)) == NULL)
		goto nomem;
	return e;
nomem:
	snprintf(err, errlen, "cannot create events");
fail:
	probe_engine_free(e);
	return NULL;
}

void
probe_engine_set_rate(struct probe_engine *e, double pps)
{
	bucket_init(&e->bucket, pps);
}

void
probe_engine_counters(const struct probe_engine *e, uint64_t *unmatched,
    uint64_t *malformed)
{
	*unmatched = e->unmatched;
	*malformed = e->malformed;
}

uint64_t
probe_engine_tcp_read(const struct probe_engine *e)
{
	return e->tcp_read;
}

void
probe_engine_set_names(struct probe_engine *e, double ttl, double ttl_none,
    int max)
{
	probe_dns_set_limits(e->names, ttl, ttl_none, max);
}

static void	 run_free(struct probe_run *);

void
probe_engine_free(struct probe_engine *e)
{
	struct probe_run *r;

	if (e == NULL)
		return;
	while ((r = TAILQ_FIRST(&e->runs)) != NULL)
		run_free(r);
	probe_dns_free(e->names);
	if (e->ev4_icmp) event_free(e->ev4_icmp);
	if (e->ev4_tcp) event_free(e->ev4_tcp);
	if (e->ev6_icmp) event_free(e->ev6_icmp);
	if (e->ev6_tcp) event_free(e->ev6_tcp);
	if (e->ev_pump) event_free(e->ev_pump);
	if (e->fd4_send != -1) close(e->fd4_send);
	if (e->fd4_icmp != -1) close(e->fd4_icmp);
	if (e->fd4_tcp != -1) close(e->fd4_tcp);
	if (e->fd6_icmp != -1) close(e->fd6_icmp);
	if (e->fd6_udp != -1) close(e->fd6_udp);
	if (e->fd6_tcp != -1) close(e->fd6_tcp);
	free(e);
}

/* Reading starts with the first run, after the privilege drop. */
static void
engine_listen(struct probe_engine *e)
{
	if (!event_pending(e->ev4_icmp, EV_READ, NULL)) {
		event_add(e->ev4_icmp, NULL);
		event_add(e->ev4_tcp, NULL);
		if (e->ev6_icmp) event_add(e->ev6_icmp, NULL);
		if (e->ev6_tcp) event_add(e->ev6_tcp, NULL);
	}
}

/* ---- reverse DNS ------------------------------------------------------ */

/* A lookup finished (probe_dns.c): runs waiting for names look again. */
static void
engine_names_done(void *arg)
{
	struct probe_engine *e = arg;
	struct probe_run *r, *next;

	for (r = TAILQ_FIRST(&e->runs); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->state == RUN_NAMING)
			run_check(r, now_real());
	}
}

/* ---- runs ------------------------------------------------------------- */

static void	 timer_cb(evutil_socket_t, short, void *);
static void	 done_cb(evutil_socket_t, short, void *);

static void
run_free(struct probe_run *r)
{
	int	 k;

	if (r->tl != NULL) {
		for (k = 0; k < r->nttl; k++) {
			if (r->tl[k].echo != NULL)
				run_free(r->tl[k].echo);
			free(r->tl[k].ok);
		}
		free(r->tl);
	}
	if (r->resolve != NULL) {
		r->resolve->run = NULL;
		evdns_getaddrinfo_cancel(r->resolve->req);
		r->resolve = NULL;
	}
	if (r->eng->rr_next == r)
		r->eng->rr_next = TAILQ_NEXT(r, entry);
	TAILQ_REMOVE(&r->eng->runs, r, entry);
	if (r->ev_timer) event_free(r->ev_timer);
	if (r->ev_done) event_free(r->ev_done);
	trace_free(r->trace);
	free(r->slots);
	free(r->heap);
	free(r);
}

void
probe_cancel(struct probe_run *r)
{
	if (r != NULL)
		run_free(r);
}

/* The run is over: stop its timer and call back from the event loop. */
static void
run_done(struct probe_run *r)
{
	struct timeval tv = { 0, 0 };

	r->state = RUN_DONE;
	event_del(r->ev_timer);
	evtimer_add(r->ev_done, &tv);
}

static void
run_fail(struct probe_run *r, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	trace_free(r->trace);
	r->trace = NULL;
	run_done(r);
}

static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_run *r = arg;
	struct trace	*t = r->trace;
	probe_done_cb	 cb = r->cb;
	void		*cbarg = r->cb_arg;
	char		 err[sizeof(r->err)];

	(void)fd;
	(void)what;
	memcpy(err, r->err, sizeof(err));
	r->trace = NULL;
	run_free(r);
	cb(t, t == NULL ? err : NULL, cbarg);
}

/* Find our source address towards dst (no packet is sent). */
static int
route_source(struct probe_run *r, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	int	 fd, af = r->flow.af == 6 ? AF_INET6 : AF_INET;
	struct ifaddrs *ifa, *i;
	int	 found = 0;

	if (r->opts.src[0] != '\0') {
		if (inet_pton(af, r->opts.src, r->flow.src) != 1) {
			snprintf(err, errlen, "-s %s: not an IPv%d address",
			    r->opts.src, r->flow.af);
			return -1;
		}
		return 0;
	}
	if (r->opts.iface[0] != '\0') {
		if (getifaddrs(&ifa) == -1) {
			snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
			return -1;
		}
		for (i = ifa; i != NULL && found < 2; i = i->ifa_next) {
			if (i->ifa_addr == NULL || i->ifa_addr->sa_family != af ||
			    strcmp(i->ifa_name, r->opts.iface) != 0)
				continue;
			if (af == AF_INET) {
				memcpy(r->flow.src, &((struct sockaddr_in *)
				    (void *)i->ifa_addr)->sin_addr, 4);
				found = 2;
			} else {
				struct in6_addr *a = &((struct sockaddr_in6 *)
				    (void *)i->ifa_addr)->sin6_addr;

				if (found == 0 || !IN6_IS_ADDR_LINKLOCAL(a)) {
					memcpy(r->flow.src, a, 16);
					found = IN6_IS_ADDR_LINKLOCAL(a) ? 1 : 2;
				}
			}
		}
		freeifaddrs(ifa);
		if (!found) {
			snprintf(err, errlen, "-i %s: interface has no IPv%d address",
			    r->opts.iface, r->flow.af);
			return -1;
		}
		return 0;
	}
	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(33434);
		memcpy(&s4->sin_addr, r->flow.dst, 4);
		sl = sizeof(*s4);
	} else {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(33434);
		memcpy(&s6->sin6_addr, r->flow.dst, 16);
		sl = sizeof(*s6);
	}
	if ((fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		snprintf(err, errlen, "no route to %s: %s", r->opts.host,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (af == AF_INET)
		memcpy(r->flow.src, &s4->sin_addr, 4);
	else
		memcpy(r->flow.src, &s6->sin6_addr, 16);
	return 0;
}

static int
flow_id_used(struct probe_engine *e, uint16_t id)
{
	struct probe_run *r;

	TAILQ_FOREACH(r, &e->runs, entry)
		if (r->state != RUN_RESOLVING &&
		    (r->flow.sport == id || r->flow.icmp_id == id))
			return 1;
	return 0;
}

/* The destination is known: build the flow, the trace and the slots. */
static int
run_setup(struct probe_run *r, char *err, size_t errlen)
{
	struct probe_engine *e = r->eng;
	struct probe_opts *o = &r->opts;
	struct probe_flow *f = &r->flow;
	struct trace	*t;
	struct trace_hop *h;
	char	 a[TRACE_ADDR_LEN];
	int	 ttl, q, n, i, tries;
	uint32_t rnd;

	if ((f->af == 4 && e->fd4_send == -1) ||
	    (f->af == 6 && e->fd6_icmp == -1)) {
		snprintf(err, errlen, "IPv%d is not available here", f->af);
		return -1;
	}
	if (o->iface[0] != '\0' && (r->ifindex = (int)if_nametoindex(o->iface)) == 0) {
		snprintf(err, errlen, "-i %s: no such interface", o->iface);
		return -1;
	}
	if (route_source(r, err, errlen) == -1)
		return -1;
	f->method = o->method;
	f->tos = o->tos;
	f->dont_fragment = o->dont_fragment;
	f->fixed_port = o->fixed_port;
	f->size = o->packet_size;
	f->size = probe_pkt_size(f);
	if (o->port)
		f->dport = (uint16_t)o->port;
	else
		f->dport = f->method == TRACE_METHOD_TCP ? PROBE_PKT_TCP_PORT :
		    PROBE_PKT_UDP_PORT;
	for (tries = 0; tries < 65536; tries++) {
		uint16_t id = e->next_id++;

		if (!probe_pkt_flow_id_ok(id))
			continue;
		if (!flow_id_used(e, id)) {
			f->sport = f->icmp_id = id;
			break;
		}
	}
	evutil_secure_rng_get_bytes(&rnd, sizeof(rnd));
	f->tcp_seq_hi = (uint16_t)rnd;
	f->paris_cksum = (uint16_t)(rnd >> 16);
	if (f->paris_cksum == 0 || f->paris_cksum == 0xffff)
		f->paris_cksum = 0x5a5a;

	if ((t = r->trace = trace_new()) == NULL)
		goto nomem;
	if ((t->source = strdup("tracepair")) == NULL ||
	    (t->dst_name = strdup(o->host)) == NULL)
		goto nomem;
	inet_ntop(f->af == 6 ? AF_INET6 : AF_INET, f->src, t->src, sizeof(t->src));
	inet_ntop(f->af == 6 ? AF_INET6 : AF_INET, f->dst, a, sizeof(a));
	snprintf(t->dst, sizeof(t->dst), "%s", a);
	t->af = f->af;
	t->method = f->method;
	/* No port in an ICMP probe: 0, as docs/trace-json.md says. */
	t->port = f->method == TRACE_METHOD_ICMP ||
	    f->method == TRACE_METHOD_ICMP_PARIS ? 0 : f->dport;
	t->first_ttl = o->first_ttl;
	t->max_ttl = o->max_ttl;
	t->queries = o->queries;
	t->packet_size = f->size;
	for (ttl = o->first_ttl; ttl <= o->max_ttl; ttl++)
		if (trace_add_hop(t, ttl, o->queries) == NULL)
			goto nomem;
	r->nprobes = (o->max_ttl - o->first_ttl + 1) * o->queries;
	if ((r->slots = calloc((size_t)r->nprobes, sizeof(*r->slots))) == NULL ||
	    (r->heap = calloc((size_t)r->nprobes, sizeof(*r->heap))) == NULL)
		goto nomem;
	for (i = 0, n = 0; i < t->nhops; i++) {
		h = &t->hops[i];
		for (q = 0; q < o->queries; q++, n++) {
			r->slots[n].ttl = h->ttl;
			r->slots[n].tp = &h->probes[q];
			r->slots[n].heap_pos = -1;
		}
	}
	r->unsent = r->nprobes;
	r->nttl = o->max_ttl - o->first_ttl + 1;
	r->loss = probe_opts_loss(o);
	r->interval = probe_opts_interval(o);
	if (r->loss && r->parent == NULL &&
	    (r->tl = calloc((size_t)r->nttl, sizeof(*r->tl))) == NULL)
		goto nomem;
	bucket_init(&r->bucket, o->pps);
	r->state = RUN_PROBING;
	engine_listen(e);
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* The address family a lookup asks for under -4 / -6 (opts.af). */
static int
opts_family(int af)
{
	return af == 4 ? AF_INET : af == 6 ? AF_INET6 : AF_UNSPEC;
}

/* The destination from a looked-up address (AF_INET or AF_INET6). */
static void
flow_set_dst(struct probe_flow *f, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		f->af = 4;
		memcpy(f->dst, &((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, 4);
	} else {
		f->af = 6;
		memcpy(f->dst, &((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr, 16);
	}
}

static void
resolve_cb(int result, struct evutil_addrinfo *res, void *arg)
{
	struct resolve	*rs = arg;
	struct probe_run *r = rs->run;
	struct evutil_addrinfo *ai;
	char	 err[160];

	free(rs);
	if (r == NULL) {		/* cancelled */
		if (res)
			evutil_freeaddrinfo(res);
		return;
	}
	r->resolve = NULL;
	if (result != 0 || res == NULL) {
		if (res)
			evutil_freeaddrinfo(res);
		run_fail(r, "%s: unknown host (%s)", r->opts.host,
		    evutil_gai_strerror(result));
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			break;
	if (ai == NULL) {
		evutil_freeaddrinfo(res);
		run_fail(r, "%s: no usable address", r->opts.host);
		return;
	}
	flow_set_dst(&r->flow, ai->ai_addr);
	evutil_freeaddrinfo(res);
	if (run_setup(r, err, sizeof(err)) == -1) {
		run_fail(r, "%s", err);
		return;
	}
	engine_pump(r->eng);
}

struct probe_run *
probe_start(struct probe_engine *e, const struct probe_opts *opts,
    probe_done_cb cb, void *arg, char *err, size_t errlen)
{
	struct probe_run *r;

	if ((r = run_create(e, opts, NULL, cb, arg, err, errlen)) != NULL &&
	    r->state == RUN_PROBING)
		engine_pump(e);
	return r;
}

void
probe_set_progress(struct probe_run *r, probe_progress_cb cb, void *arg)
{
	r->progress = cb;
	r->progress_arg = arg;
}

/*
 * A run, set up but not pumped (the caller pumps); parent: an echo child
 * of that loss run (set before the slots are made).
 */
struct probe_run *
run_create(struct probe_engine *e, const struct probe_opts *opts,
    struct probe_run *parent, probe_done_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct probe_run *r;
	struct evutil_addrinfo hints;
	struct evdns_getaddrinfo_request *req;
	int	 rc;

	if (probe_opts_check(opts, err, errlen) == -1)
		return NULL;
	if (opts->ngw > 0) {
		snprintf(err, errlen, "-g: loose source routing is not supported");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->eng = e;
	r->parent = parent;
	r->serial = ++e->next_serial;
	r->opts = *opts;
	r->cb = cb;
	r->cb_arg = arg;
	TAILQ_INSERT_TAIL(&e->runs, r, entry);
	if ((r->ev_timer = evtimer_new(e->base, timer_cb, r)) == NULL ||
	    (r->ev_done = evtimer_new(e->base, done_cb, r)) == NULL) {
		snprintf(err, errlen, "cannot create events");
		goto fail;
	}
	if (opts->af != 6 && inet_pton(AF_INET, opts->host, r->flow.dst) == 1)
		r->flow.af = 4;
	else if (opts->af != 4 && inet_pton(AF_INET6, opts->host, r->flow.dst) == 1)
		r->flow.af = 6;
	if (r->flow.af == 0 && e->dns != NULL) {
		/* A name: resolve without blocking the other runs. */
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = opts_family(opts->af);
		hints.ai_socktype = SOCK_DGRAM;
		if ((r->resolve = calloc(1, sizeof(*r->resolve))) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		r->resolve->run = r;
		r->state = RUN_RESOLVING;
		/*
		 * NULL: resolve_cb has already run (an answer from the hosts
		 * file, say) and freed the request; r->resolve is NULL then.
		 */
		if ((req = evdns_getaddrinfo(e->dns, opts->host, NULL, &hints,
		    resolve_cb, r->resolve)) != NULL)
			r->resolve->req = req;
		return r;
	}
	if (r->flow.af == 0) {
		struct addrinfo gh, *gr = NULL;

		memset(&gh, 0, sizeof(gh));
		gh.ai_family = opts_family(opts->af);
		gh.ai_socktype = SOCK_DGRAM;
		if ((rc = getaddrinfo(opts->host, NULL, &gh, &gr)) != 0 ||
		    gr == NULL) {
			snprintf(err, errlen, "%s: unknown host (%s)", opts->host,
			    gai_strerror(rc));
			goto fail;
		}
		flow_set_dst(&r->flow, gr->ai_addr);
		freeaddrinfo(gr);
	}
	if (run_setup(r, err, errlen) == -1)
		goto fail;
	return r;
fail:
	run_free(r);
	return NULL;
}

/* ---- probes in flight, per TTL ---------------------------------------- */

/* Put slot idx at place i of heap h. */
static void
heap_set(struct probe_run *r, int *h, int i, int idx)
{
	h[i] = idx;
	r->slots[idx].heap_pos = i;
}

/* Move the entry at place i of heap h (n entries) to where it belongs. */
static void
heap_fix(struct probe_run *r, int *h, int n, int i)
{
	int	 idx = h[i], c;

	while (i > 0 && r->slots[idx].sent < r->slots[h[(i - 1) / 2]].sent) {
		heap_set(r, h, i, h[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && r->slots[h[c + 1]].sent < r->slots[h[c]].sent)
			c++;
		if (!(r->slots[h[c]].sent < r->slots[idx].sent))
			break;
		heap_set(r, h, i, h[c]);
		i = c;
	}
	heap_set(r, h, i, idx);
}

/* Slot idx went into flight (its send time set). */
static void
inflight_add(struct probe_run *r, int idx)
{
	int	 k = idx / r->opts.queries;
	int	*h = r->heap + k * r->opts.queries;

	h[r->heapn[k]] = idx;
	r->heapn[k]++;
	heap_fix(r, h, r->heapn[k], r->heapn[k] - 1);
}

/* Slot idx left flight (answered, timed out or discarded). */
static void
inflight_remove(struct probe_run *r, int idx)
{
	int	 k = idx / r->opts.queries, pos = r->slots[idx].heap_pos;
	int	*h = r->heap + k * r->opts.queries;

	if (pos < 0)
		return;
	r->slots[idx].heap_pos = -1;
	if (pos < --r->heapn[k]) {
		heap_set(r, h, pos, h[r->heapn[k]]);
		heap_fix(r, h, r->heapn[k], pos);
	}
}

/* The send time of slot idx changed (a kernel timestamp). */
static void
inflight_moved(struct probe_run *r, int idx)
{
	int	 k = idx / r->opts.queries;

	if (r->slots[idx].heap_pos >= 0)
		heap_fix(r, r->heap + k * r->opts.queries, r->heapn[k],
		    r->slots[idx].heap_pos);
}

/* The longest RTT answered at ttl, from its slots (after one got shorter). */
static void
here_recompute(struct probe_run *r, int ttl)
{
	int	 q = r->opts.queries, i = (ttl - r->opts.first_ttl) * q, end = i + q;
	double	 m = 0;

	for (; i < end; i++)
		if (r->slots[i].state == PROBE_ANSWERED) {
			double rtt = r->slots[i].tp->rtt_ms / 1000.0;

			if (rtt > m)
				m = rtt;
		}
	r->here[ttl] = m;
}

/* ---- sending ---------------------------------------------------------- */

/* The slot a run would send next, -1 if none is allowed now. */
static int
run_next_slot(struct probe_run *r, double now, double *wait)
{
	int	 idx = -1;

	*wait = -1;
	if (r->state != RUN_PROBING)
		return -1;
	for (; r->next_send < r->nprobes; r->next_send++) {
		idx = order_slot(r, r->next_send);
		if (r->slots[idx].state != PROBE_UNSENT)
			continue;
		if (r->loss && loss_skip(r, idx)) {
			r->slots[idx].state = PROBE_SKIPPED;
			r->unsent--;
			continue;
		}
		break;
	}
	if (r->next_send >= r->nprobes)
		return -1;
	if (r->loss && r->t0 > 0 &&
	    now < r->t0 + (r->next_send / r->nttl) * r->interval) {
		*wait = r->t0 + (r->next_send / r->nttl) * r->interval - now;
		return -1;
	}
	if (r->opts.max_inflight > 0 && r->inflight >= r->opts.max_inflight)
		return -1;
	if (r->opts.pause > 0 && r->last_send > 0 &&
	    now < r->last_send + r->opts.pause) {
		*wait = r->last_send + r->opts.pause - now;
		return -1;
	}
	bucket_refill(&r->bucket, now);
	if (r->bucket.tokens < 1) {
		*wait = bucket_wait(&r->bucket);
		return -1;
	}
	if (r->loss && r->t0 == 0)
		r->t0 = now;
	return idx;
}

/* Which of the four send sockets fd is (index into txkey/txok), or -1. */
static int
tx_index(const struct probe_engine *e, int fd)
{
	if (fd == -1)
		return -1;
	if (fd == e->fd4_send) return 0;
	if (fd == e->fd6_icmp) return 1;
	if (fd == e->fd6_udp) return 2;
	if (fd == e->fd6_tcp) return 3;
	return -1;
}

/* A probe went out on fd: remember it under the socket's next key. */
static void
tx_note(struct probe_engine *e, int fd, const struct probe_run *r, int idx)
{
	struct txrec	*t;
	int		 i = tx_index(e, fd);

	if (i < 0 || !e->txok[i])
		return;
	t = &e->txring[e->txkey[i] % PROBE_TXRING];
	t->fd = fd;
	t->key = e->txkey[i]++;
	t->serial = r->serial;
	t->idx = idx;
}

/*
 * Read the kernel's send timestamps from fd's error queue and move each
 * probe's send time to it (re-deriving the RTT if already answered).
 */
static void
tx_drain(struct probe_engine *e, int fd)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[512];
	} cbuf;
	uint8_t		 junk[64];
	struct scm_timestamping ts;
	struct sock_extended_err ee;
	struct probe_run *r;
	struct txrec	*t;
	double		 tx;
	int		 i, havets, haveid;

	if ((i = tx_index(e, fd)) < 0 || !e->txok[i])
		return;
	for (;;) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = junk;
		iov.iov_len = sizeof(junk);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) == -1)
			return;
		havets = haveid = 0;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPING &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(ts))) {
				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				havets = 1;
			} else if (((cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR) ||
			    (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_RECVERR)) &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(ee))) {
				memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
				haveid = ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING;
			}
		}
		if (!havets || !haveid || ts.ts[0].tv_sec == 0)
			continue;
		t = &e->txring[ee.ee_data % PROBE_TXRING];
		if (t->fd != fd || t->key != ee.ee_data)
			continue;
		t->fd = -1;
		tx = (double)ts.ts[0].tv_sec + ts.ts[0].tv_nsec / 1e9;
		TAILQ_FOREACH(r, &e->runs, entry)
			if (r->serial == t->serial)
				break;
		if (r == NULL || r->slots == NULL || t->idx >= r->nprobes)
			continue;
		/* A kernel time after the user-space one, and close to it. */
		if (tx < r->slots[t->idx].sent || tx > r->slots[t->idx].sent + 1)
			continue;
		r->slots[t->idx].sent = tx;
		inflight_moved(r, t->idx);
		if (r->slots[t->idx].state == PROBE_ANSWERED &&
		    r->slots[t->idx].tp != NULL && r->slots[t->idx].rx >= tx) {
			r->slots[t->idx].tp->rtt_ms = (r->slots[t->idx].rx - tx) * 1000;
			if (r->state == RUN_PROBING)
				here_recompute(r, r->slots[t->idx].ttl);
		}
	}
}

static void
tx_drain_all(struct probe_engine *e)
{
	tx_drain(e, e->fd4_send);
	tx_drain(e, e->fd6_icmp);
	tx_drain(e, e->fd6_udp);
	tx_drain(e, e->fd6_tcp);
}

/* One control message: level, type and len bytes of data. */
static void
cmsg_fill(struct cmsghdr *cm, int level, int type, const void *data,
    size_t len)
{
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(cm), data, len);
}

static int
send_probe(struct probe_run *r, int idx, double *sent)
{
	struct probe_engine *e = r->eng;
	struct probe_flow *f = &r->flow;
	struct msghdr	 msg;
	struct iovec	 iov;
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    2 * CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct cmsghdr	*cm;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	int	 len, fd, hlim, tclass, flags = r->opts.bypass_route ? MSG_DONTROUTE : 0;
	ssize_t	 n;

	if ((len = probe_pkt_build(f, idx, r->slots[idx].ttl, e->buf,
	    sizeof(e->buf))) < 0) {
		errno = EINVAL;
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = e->buf;
	iov.iov_len = (size_t)len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (f->af == 4) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, f->dst, 4);
		msg.msg_name = &sin;
		msg.msg_namelen = sizeof(sin);
		fd = e->fd4_send;
		if (r->ifindex) {
			struct in_pktinfo pi;

			memset(&pi, 0, sizeof(pi));
			pi.ipi_ifindex = r->ifindex;
			msg.msg_control = cbuf.buf;
			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
			cmsg_fill(CMSG_FIRSTHDR(&msg), IPPROTO_IP, IP_PKTINFO,
			    &pi, sizeof(pi));
		}
	} else {
		struct in6_pktinfo pi;

		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, f->dst, 16);
		msg.msg_name = &sin6;
		msg.msg_namelen = sizeof(sin6);
		fd = f->method == TRACE_METHOD_TCP ? e->fd6_tcp :
		    (f->method == TRACE_METHOD_UDP || f->method ==
		    TRACE_METHOD_UDP_PARIS) ? e->fd6_udp : e->fd6_icmp;
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.ipi6_addr, f->src, 16);
		pi.ipi6_ifindex = (unsigned)r->ifindex;
		hlim = r->slots[idx].ttl;
		tclass = f->tos;
		cm = CMSG_FIRSTHDR(&msg);
		cmsg_fill(cm, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
		cm = CMSG_NXTHDR(&msg, cm);
		cmsg_fill(cm, IPPROTO_IPV6, IPV6_HOPLIMIT, &hlim, sizeof(hlim));
		cm = CMSG_NXTHDR(&msg, cm);
		cmsg_fill(cm, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof(tclass));
	}
	/* Send time: read right before the system call hands it over. */
	*sent = now_real();
	n = sendmsg(fd, &msg, flags);
	if (n == -1)
		return -1;
	tx_note(e, fd, r, idx);
	return 0;
}

static void
pump_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	engine_pump(arg);
}

/*
 * Send whatever the caps allow, round-robin over the runs; arm the pump
 * timer for the earliest moment more can go.
 */
static void
engine_pump(struct probe_engine *e)
{
	struct probe_run *r, *start;
	struct timeval	 tv;
	double		 now, wait, soonest = -1, sent;
	int		 idx, progress, sent_any = 0;

	if (TAILQ_EMPTY(&e->runs))
		return;
	do {
		progress = 0;
		now = now_real();
		bucket_refill(&e->bucket, now);
		start = e->rr_next ? e->rr_next : TAILQ_FIRST(&e->runs);
		r = start;
		do {
			struct probe_run *next = TAILQ_NEXT(r, entry);

			if (next == NULL)
				next = TAILQ_FIRST(&e->runs);
			if (e->bucket.tokens < 1)
				break;
			if ((idx = run_next_slot(r, now, &wait)) >= 0) {
				e->bucket.tokens -= 1;
				r->bucket.tokens -= 1;
				if (send_probe(r, idx, &sent) == -1) {
					if (r->trace->start == 0) {
						run_fail(r, "cannot send to %s: %s",
						    r->trace->dst, strerror(errno));
						e->rr_next = next == r ? NULL : next;
						r = next;
						progress = 1;
						continue;
					}
					r->slots[idx].state = PROBE_TIMEDOUT;
					r->slots[idx].sent = now;
				} else {
					r->slots[idx].state = PROBE_INFLIGHT;
					r->slots[idx].sent = sent;
					r->inflight++;
					inflight_add(r, idx);
					if (r->trace->start == 0)
						r->trace->start = sent;
				}
				r->unsent--;
				r->last_send = now;
				r->next_send++;
				r->sent_now = sent_any = 1;
				progress = 1;
			} else if (wait >= 0 && (soonest < 0 || wait < soonest))
				soonest = wait;
			e->rr_next = next;
			r = next;
		} while (r != start && !TAILQ_EMPTY(&e->runs));
	} while (progress && e->bucket.tokens >= 1 && !TAILQ_EMPTY(&e->runs));
	/* Send times of what just went out (recv_cb drains before replies). */
	if (sent_any)
		tx_drain_all(e);
	TAILQ_FOREACH(r, &e->runs, entry)
		if (r->sent_now) {
			r->sent_now = 0;
			run_check(r, now_real());	/* arms the timeouts of what was sent */
		}
	if (TAILQ_EMPTY(&e->runs))
		return;
	if (e->bucket.tokens < 1) {
		wait = bucket_wait(&e->bucket);
		if (soonest < 0 || wait > soonest)
			soonest = wait;
		/* only wait on the global bucket if a run wants to send */
		TAILQ_FOREACH(r, &e->runs, entry)
			if (r->state == RUN_PROBING && r->next_send < r->nprobes)
				break;
		if (r == NULL)
			soonest = -1;
	}
	if (soonest >= 0) {
		tv_from(&tv, soonest);
		evtimer_add(e->ev_pump, &tv);
	}
}

/* ---- receiving -------------------------------------------------------- */

/* A reply matched probe idx of run r, received at ts. */
static void
run_reply(struct probe_run *r, int idx, const struct probe_reply *rep,
    double ts)
{
	struct probe_slot *s = &r->slots[idx];
	struct trace_probe *p = s->tp;
	struct trace_hop *h = trace_hop_by_ttl(r->trace, s->ttl);
	struct trace_probe_more *m;
	char	 addr[TRACE_ADDR_LEN], annot[sizeof(m->annot)];
	int	 i, ttl;

	if (s->state == PROBE_INFLIGHT) {
		r->inflight--;
		inflight_remove(r, idx);
	}
	s->state = PROBE_ANSWERED;
	s->rx = ts;
	p->replied = 1;
	p->rtt_ms = (ts - s->sent) * 1000.0;
	if (p->rtt_ms < 0)
		p->rtt_ms = 0;
	if (p->rtt_ms / 1000.0 > r->here[s->ttl])
		r->here[s->ttl] = p->rtt_ms / 1000.0;
	if (inet_ntop(r->flow.af == 6 ? AF_INET6 : AF_INET, rep->from, addr,
	    sizeof(addr)) == NULL)
		addr[0] = '\0';
	/* out of memory: the reply stays, without what did not fit */
	(void)trace_probe_set_addr(h, p, addr);
	p->reply_ttl = rep->reply_ttl;
	p->icmp_type = rep->icmp_type;
	p->icmp_code = rep->icmp_code;
	probe_pkt_annotation(&r->flow, rep, annot);
	if (p->more != NULL || annot[0] != '\0' || rep->nmpls > 0 ||
	    r->opts.quoted_diff) {
		if ((m = trace_probe_more_alloc(p)) != NULL) {
			memcpy(m->annot, annot, sizeof(m->annot));
			m->nmpls = rep->nmpls;
			memcpy(m->mpls, rep->mpls, sizeof(m->mpls));
			free(m->quoted_diff);
			m->quoted_diff = r->opts.quoted_diff ?
			    probe_pkt_quoted_diff(&r->flow, idx, rep) : NULL;
		}
	}
	s->dest = probe_pkt_is_destination(&r->flow, rep);
	if (probe_pkt_is_terminal(&r->flow, rep) &&
	    (r->terminal_ttl == 0 || s->ttl < r->terminal_ttl)) {
		r->terminal_ttl = s->ttl;
		/* Probes beyond the end are dropped from the result. */
		for (i = (r->terminal_ttl - r->opts.first_ttl + 1) *
		    r->opts.queries; i < r->nprobes; i++) {
			if (r->slots[i].state == PROBE_INFLIGHT)
				r->inflight--;
			else if (r->slots[i].state == PROBE_UNSENT)
				r->unsent--;
			r->slots[i].state = PROBE_DISCARDED;
			r->slots[i].heap_pos = -1;
		}
		for (ttl = r->terminal_ttl + 1; ttl <= r->opts.max_ttl; ttl++) {
			r->heapn[ttl - r->opts.first_ttl] = 0;
			r->here[ttl] = 0;
		}
	}
	if (r->tl != NULL && !r->tl[s->ttl - r->opts.first_ttl].started &&
	    (r->terminal_ttl == 0 || s->ttl <= r->terminal_ttl) &&
	    !(s->dest && (r->flow.method == TRACE_METHOD_ICMP ||
	    r->flow.method == TRACE_METHOD_ICMP_PARIS)))
		loss_echo_start(r, s->ttl - r->opts.first_ttl, p->addr, ts);
	if (!r->opts.no_dns && r->eng->dns != NULL)
		probe_dns_lookup(r->eng->names, r->flow.af, rep->from, p->addr);
}

static void
dispatch(struct probe_engine *e, int rc, const struct probe_reply *rep,
    double ts, int icmp)
{
	struct probe_run *r, *next;
	int	 idx;

	if (rc == 1)
		return;
	if (rc == -1) {
		if (!icmp)
			return;	/* not our business: some other TCP */
		e->malformed++;
		TAILQ_FOREACH(r, &e->runs, entry)
			if (r->trace != NULL)
				r->trace->malformed_icmp++;
		return;
	}
	for (r = TAILQ_FIRST(&e->runs); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->state != RUN_PROBING)
			continue;
		if ((idx = probe_pkt_match(&r->flow, rep, r->nprobes)) < 0)
			continue;
		if (r->slots[idx].state != PROBE_INFLIGHT &&
		    r->slots[idx].state != PROBE_TIMEDOUT)
			continue;	/* never sent, duplicate or discarded */
		run_reply(r, idx, rep, ts);
		/*
		 * Judged as of this reply's arrival, not of now: replies
		 * queued behind it (the process was not scheduled for a
		 * while) may answer probes that look overdue now.
		 */
		run_check(r, ts);
		return;
	}
	if (!icmp)
		return;
	e->unmatched++;
	TAILQ_FOREACH(r, &e->runs, entry)
		if (r->trace != NULL && r->flow.af == rep->af)
			r->trace->unmatched_icmp++;
}

/* Read and dispatch up to max packets queued on reply socket fd. */
static void
read_replies(struct probe_engine *e, int fd, int max)
{
	struct probe_reply rep;
	struct sockaddr_storage from;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[512];
	} cbuf;
	struct timespec	 ts;
	uint8_t		 a6[16];
	ssize_t		 n;
	double		 t;
	int		 i, hlim, rc, icmp;

	icmp = fd == e->fd4_icmp || fd == e->fd6_icmp;
	for (i = 0; i < max; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = e->buf;
		iov.iov_len = sizeof(e->buf);
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		if ((n = recvmsg(fd, &msg, MSG_DONTWAIT)) == -1)
			break;
		t = 0;
		hlim = -1;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(ts))) {
				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				t = (double)ts.tv_sec + ts.tv_nsec / 1e9;
			} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_HOPLIMIT &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(int)))
				memcpy(&hlim, CMSG_DATA(cm), sizeof(int));
		}
		if (t == 0)
			t = now_real();
		if (!icmp)
			e->tcp_read++;
		if (fd == e->fd4_icmp || fd == e->fd4_tcp)
			rc = probe_pkt_parse4(e->buf, (size_t)n, &rep);
		else {
			if (from.ss_family != AF_INET6)
				continue;
			memcpy(a6, &((struct sockaddr_in6 *)&from)->sin6_addr, 16);
			if (fd == e->fd6_icmp)
				rc = probe_pkt_parse6_icmp(e->buf, (size_t)n, a6,
				    hlim, &rep);
			else
				rc = probe_pkt_parse6_tcp(e->buf, (size_t)n, a6,
				    hlim, &rep);
		}
		dispatch(e, rc, &rep, t, icmp);
	}
}

static void
recv_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_engine *e = arg;

	(void)what;
	tx_drain_all(e);	/* send times first: replies use them */
	read_replies(e, fd, PROBE_RECV_BATCH);
	engine_pump(e);
}

/* ---- timeouts and the end of a run ------------------------------------ */

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_run *r = arg;
	struct probe_engine *e = r->eng;

	(void)fd;
	(void)what;
	/*
	 * Replies that arrived while the process was not scheduled are
	 * still queued (a batch of recv_cb may have left some): count them
	 * before giving their probes up.  The read may end this run too
	 * (run_check then does nothing); runs are freed only by done_cb.
	 */
	tx_drain_all(e);
	read_replies(e, e->fd4_icmp, PROBE_RECV_DRAIN);
	read_replies(e, e->fd4_tcp, PROBE_RECV_DRAIN);
	if (e->fd6_icmp != -1)
		read_replies(e, e->fd6_icmp, PROBE_RECV_DRAIN);
	if (e->fd6_tcp != -1)
		read_replies(e, e->fd6_tcp, PROBE_RECV_DRAIN);
	run_check(r, now_real());
	if (r->state == RUN_PROBING)
		engine_pump(r->eng);
}

/* Probing is over: decide how it stopped and trim the hop list. */
static void
run_conclude(struct probe_run *r)
{
	struct trace	*t = r->trace;
	int	 i, last_resp = 0, keep, gap;

	t->end = now_real();
	for (i = 0; i < r->nprobes; i++)
		if (r->slots[i].state == PROBE_ANSWERED && r->slots[i].ttl > last_resp)
			last_resp = r->slots[i].ttl;
	if (r->terminal_ttl) {
		keep = r->terminal_ttl;
		t->reached = 0;
		for (i = 0; i < r->nprobes; i++)
			if (r->slots[i].state == PROBE_ANSWERED &&
			    r->slots[i].dest && r->slots[i].ttl == keep)
				t->reached = 1;
		snprintf(t->stop_reason, sizeof(t->stop_reason), "%s",
		    t->reached ? "completed" : "unreachable");
	} else {
		keep = r->opts.max_ttl;
		gap = probe_opts_gap_limit(&r->opts);
		if (last_resp < r->opts.first_ttl)
			last_resp = r->opts.first_ttl - 1;
		if (gap > 0 && keep - last_resp > gap) {
			keep = last_resp + gap;
			snprintf(t->stop_reason, sizeof(t->stop_reason), "gap-limit");
		} else
			snprintf(t->stop_reason, sizeof(t->stop_reason), "max-ttl");
	}
	trace_cut(t, keep);
	/* Slot pointers into cut hops are dead from here on. */
	for (i = 0; i < r->nprobes; i++)
		if (r->slots[i].ttl > keep)
			r->slots[i].tp = NULL;
	if (r->tl != NULL)
		loss_conclude(r, keep);
}

/* Fill in names from the cache; 1 when none is still pending. */
static int
run_names(struct probe_run *r)
{
	const char *name;
	int	 i, pending = 0;

	if (r->eng->dns == NULL || r->opts.no_dns)
		return 1;
	for (i = 0; i < r->nprobes; i++) {
		struct trace_probe *p = r->slots[i].tp;

		if (p == NULL || !p->replied || p->name != NULL)
			continue;
		switch (probe_dns_get(r->eng->names, p->addr, &name)) {
		case 0:
			pending = 1;
			break;
		case 1:
			if (name != NULL)
				(void)trace_probe_set_name(trace_hop_by_ttl(
				    r->trace, r->slots[i].ttl), p, name);
			break;
		}
	}
	return !pending;
}

/* Adaptive wait (seconds) for a probe at ttl, given the replies so far. */
static double
slot_wait(const struct probe_run *r, int ttl, const double *here,
    const double *near)
{
	double	 w = r->opts.wait_max;

	if (here[ttl] > 0 && r->opts.wait_here > 0) {
		if (here[ttl] * r->opts.wait_here < w)
			w = here[ttl] * r->opts.wait_here;
	} else if (near[ttl] > 0 && r->opts.wait_near > 0) {
		if (near[ttl] * r->opts.wait_near < w)
			w = near[ttl] * r->opts.wait_near;
	}
	if (w < PROBE_WAIT_FLOOR && r->opts.wait_max > PROBE_WAIT_FLOOR)
		w = PROBE_WAIT_FLOOR;
	return w;
}

/*
 * Give up on probes past their adaptive wait as of time at (now, or the
 * arrival of the reply just read: replies still queued behind it must not
 * find their probes given up and the run over), and finish the run when
 * nothing is left to send or wait for; otherwise arm the timer.  The work
 * is per TTL, not per probe: a TTL's probes all wait as long, so only the
 * earliest sent of each (its heap's top) can be due first.
 */
void
run_check(struct probe_run *r, double at)
{
	double	 near[TRACE_MAX_TTL + 2];
	double	 now = now_real(), next = -1, dl, w;
	struct timeval tv;
	int	 k, ttl, pending, *h;

	if (r->state == RUN_NAMING) {
		if (run_names(r) || now >= r->naming_until)
			run_done(r);
		return;
	}
	if (r->state != RUN_PROBING)
		return;
	/* The nearest later TTL's longest RTT (here[] is 0 past max_ttl). */
	near[r->opts.max_ttl + 1] = 0;
	for (ttl = r->opts.max_ttl; ttl >= r->opts.first_ttl; ttl--)
		near[ttl] = r->here[ttl + 1] > 0 ? r->here[ttl + 1] : near[ttl + 1];
	pending = r->unsent > 0 || r->children > 0;
	if (r->loss)
		loss_progress(r, now);
	for (ttl = r->opts.first_ttl; ttl <= r->opts.max_ttl; ttl++) {
		k = ttl - r->opts.first_ttl;
		if (r->heapn[k] == 0)
			continue;
		h = r->heap + k * r->opts.queries;
		w = slot_wait(r, ttl, r->here, near);
		while (r->heapn[k] > 0) {
			struct probe_slot *s = &r->slots[h[0]];

			dl = s->sent + w;
			if (at >= dl) {
				inflight_remove(r, h[0]);
				s->state = PROBE_TIMEDOUT;
				r->inflight--;
				continue;
			}
			pending = 1;
			if (next < 0 || dl < next)
				next = dl;
			break;
		}
	}
	if (pending) {
		if (next >= 0) {
			tv_from(&tv, next - now + 0.0005);
			evtimer_add(r->ev_timer, &tv);
		}
		return;
	}
	run_conclude(r);
	r->state = RUN_NAMING;
	r->naming_until = now + PROBE_DNS_WAIT;
	if (run_names(r)) {
		run_done(r);
		return;
	}
	tv_from(&tv, PROBE_DNS_WAIT);
	evtimer_add(r->ev_timer, &tv);
}
