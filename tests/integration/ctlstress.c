/* ctlstress.c: test driver that attacks a controller as a stranger or an abusive operator would (slowloris, pipelining), and makes large traces for it to store. */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "frame.h"
#include "hostport.h"
#include "tls.h"
#include "trace.h"

/*
 * usage:
 *   ctlstress slowloris HOST:PORT SOURCE_IP COUNT HOLD_S
 *	Open COUNT TCP connections from SOURCE_IP, send 5 bytes of a TLS
 *	record header on each (a ClientHello that never comes) and hold them
 *	HOLD_S seconds.  Prints "connected N" once they are opened, then
 *	"t=S open=N" each second (connections the server has not closed),
 *	and at the end "closed_by_server N" and "last_close_s S".
 *   ctlstress pipeline HOST:PORT CA CERT KEY PAIR_ID COUNT HOLD_S
 *	As an operator: Hello, then COUNT PairGetRequests for PAIR_ID
 *	written as fast as the controller takes them, replies never read,
 *	for HOLD_S seconds.  Prints "sent N" (requests fully written).
 *   ctlstress bigtrace HOPS PROBES SRC DST
 *	A trace of HOPS hops of PROBES answered probes each, as the JSON the
 *	store keeps (stdout).
 * Exit 0, or 1 with a reason on stderr.
 */

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
parse_target(const char *hp, struct sockaddr_in *sin)
{
	char	 host[256], port[16], err[128];

	if (hostport_split(hp, NULL, host, sizeof(host), port, sizeof(port),
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "ctlstress: %s: %s\n", hp, err);
		return -1;
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
		fprintf(stderr, "ctlstress: %s: want an IPv4 address\n", host);
		return -1;
	}
	return 0;
}

static int
slowloris(int argc, char **argv)
{
	struct sockaddr_in	 dst, src;
	struct pollfd		*pfd;
	double			 t0, last_close = 0, next = 1;
	int			 count, hold, i, n, open_now, closed = 0;
	char			 buf[512];
	const unsigned char	 hdr[5] = { 0x16, 0x03, 0x01, 0x02, 0x00 };

	if (argc != 4 || parse_target(argv[0], &dst) == -1)
		return 1;
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[1], &src.sin_addr) != 1) {
		fprintf(stderr, "ctlstress: bad source %s\n", argv[1]);
		return 1;
	}
	count = atoi(argv[2]);
	hold = atoi(argv[3]);
	if (count < 1 || count > 100000 || hold < 0) {
		fprintf(stderr, "ctlstress: bad count or hold\n");
		return 1;
	}
	if ((pfd = calloc((size_t)count, sizeof(*pfd))) == NULL)
		return 1;
	for (i = n = 0; i < count; i++) {
		int	 fd = socket(AF_INET, SOCK_STREAM, 0);

		pfd[i].fd = -1;
		if (fd == -1) {
			fprintf(stderr, "ctlstress: socket: %s\n", strerror(errno));
			break;
		}
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) == -1 ||
		    connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == -1) {
			close(fd);
			continue;
		}
		(void)write(fd, hdr, sizeof(hdr));
		fcntl(fd, F_SETFL, O_NONBLOCK);
		pfd[i].fd = fd;
		pfd[i].events = POLLIN;
		n++;
	}
	printf("connected %d\n", n);
	fflush(stdout);
	t0 = now_s();
	open_now = n;
	while (now_s() - t0 < hold) {
		if (poll(pfd, (nfds_t)count, 100) > 0)
			for (i = 0; i < count; i++) {
				ssize_t	 r;

				if (pfd[i].fd == -1 || pfd[i].revents == 0)
					continue;
				r = read(pfd[i].fd, buf, sizeof(buf));
				if (r > 0)
					continue;	/* an alert: not closed yet */
				if (r == -1 && errno == EAGAIN)
					continue;
				close(pfd[i].fd);
				pfd[i].fd = -1;
				closed++;
				open_now--;
				last_close = now_s() - t0;
			}
		if (now_s() - t0 >= next) {
			printf("t=%.0f open=%d\n", next, open_now);
			fflush(stdout);
			next += 1;
		}
	}
	printf("closed_by_server %d\nlast_close_s %.1f\n", closed, last_close);
	for (i = 0; i < count; i++)
		if (pfd[i].fd != -1)
			close(pfd[i].fd);
	free(pfd);
	return 0;
}

static int
pipeline(int argc, char **argv)
{
	struct sockaddr_in	 dst;
	struct tls_files	 tf;
	struct pollfd		 p;
	SSL_CTX			*ctx;
	SSL			*ssl;
	frame_env		 env;
	Tracepair__Hello	 h;
	Tracepair__PairGetRequest g;
	uint8_t			*fr, *all;
	size_t			 flen, hlen, total, off = 0, per;
	double			 t0;
	int			 fd, count, hold, i, r;
	char			 err[256];

	if (argc != 7 || parse_target(argv[0], &dst) == -1)
		return 1;
	count = atoi(argv[5]);
	hold = atoi(argv[6]);
	memset(&tf, 0, sizeof(tf));
	tf.ca = argv[1];
	tf.cert = argv[2];
	tf.key = argv[3];
	if ((ctx = tls_client_ctx(&tf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "ctlstress: %s\n", err);
		return 1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == -1) {
		fprintf(stderr, "ctlstress: connect: %s\n", strerror(errno));
		return 1;
	}
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1) {
		fprintf(stderr, "ctlstress: TLS handshake failed\n");
		return 1;
	}
	/* Hello, then count PairGetRequests, as one byte string. */
	tracepair__envelope__init(&env);
	tracepair__hello__init(&h);
	h.protocol_version = FRAME_PROTOCOL_VERSION;
	env.request_id = 1;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	if ((fr = frame_encode(&env, 0, &hlen, err, sizeof(err))) == NULL)
		return 1;
	tracepair__pair_get_request__init(&g);
	g.pair_id = argv[4];
	env.body_case = TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REQUEST;
	env.pair_get_request = &g;
	env.request_id = 1000000;	/* every frame the same length */
	per = tracepair__envelope__get_packed_size(&env) + FRAME_HDR_LEN;
	total = hlen + per * (size_t)count;
	if ((all = malloc(total)) == NULL)
		return 1;
	memcpy(all, fr, hlen);
	free(fr);
	for (i = 0; i < count; i++) {
		env.request_id = 1000000 + (uint64_t)i;
		if ((fr = frame_encode(&env, 0, &flen, err, sizeof(err))) ==
		    NULL || flen != per)
			return 1;
		memcpy(all + hlen + per * (size_t)i, fr, flen);
		free(fr);
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	t0 = now_s();
	while (now_s() - t0 < hold) {
		if (off < total) {
			r = SSL_write(ssl, all + off, (int)(total - off > 16384 ?
			    16384 : total - off));
			if (r > 0) {
				off += (size_t)r;
				continue;
			}
			r = SSL_get_error(ssl, r);
			if (r != SSL_ERROR_WANT_WRITE && r != SSL_ERROR_WANT_READ)
				break;
			p.fd = fd;
			p.events = r == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
			(void)poll(&p, 1, 100);
		} else
			usleep(100000);
	}
	printf("sent %zu\n", off < hlen ? 0 : (off - hlen) / per);
	SSL_free(ssl);
	close(fd);
	SSL_CTX_free(ctx);
	free(all);
	return 0;
}

static int
bigtrace(int argc, char **argv)
{
	struct trace		*t;
	struct trace_hop	*hop;
	struct trace_probe	*pr;
	char			*json, a[TRACE_ADDR_LEN];
	int			 hops, probes, i, j;

	if (argc != 4)
		return 1;
	hops = atoi(argv[0]);
	probes = atoi(argv[1]);
	if (hops < 1 || hops > 255 || probes < 1 || probes > 100000)
		return 1;
	if ((t = trace_new()) == NULL)
		return 1;
	t->af = 4;
	snprintf(t->src, sizeof(t->src), "%s", argv[2]);
	snprintf(t->dst, sizeof(t->dst), "%s", argv[3]);
	t->method = TRACE_METHOD_UDP;
	t->first_ttl = 1;
	t->max_ttl = hops;
	t->queries = probes;
	t->start = 1700000000;
	t->end = 1700000060;
	t->reached = 1;
	snprintf(t->stop_reason, sizeof(t->stop_reason), "completed");
	for (i = 1; i <= hops; i++) {
		if ((hop = trace_add_hop(t, i, 0)) == NULL)
			return 1;
		for (j = 0; j < probes; j++) {
			if ((pr = trace_hop_add_probe(hop)) == NULL)
				return 1;
			pr->replied = 1;
			pr->rtt_ms = 1.0 + i + j % 7 * 0.125;
			pr->reply_ttl = 64 - i;
			pr->icmp_type = i == hops ? 3 : 11;
			pr->icmp_code = i == hops ? 3 : 0;
			if (i == hops)
				snprintf(a, sizeof(a), "%s", argv[3]);
			else
				snprintf(a, sizeof(a), "198.18.%d.%d",
				    100 + i / 250, 1 + i % 250);
			if (trace_probe_set_addr(hop, pr, a) == -1)
				return 1;
		}
	}
	if ((json = trace_to_json(t, 0)) == NULL)
		return 1;
	fputs(json, stdout);
	free(json);
	trace_free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "slowloris") == 0)
		return slowloris(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "pipeline") == 0)
		return pipeline(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "bigtrace") == 0)
		return bigtrace(argc - 2, argv + 2);
	fprintf(stderr, "usage: ctlstress slowloris|pipeline|bigtrace ...\n");
	return 1;
}
