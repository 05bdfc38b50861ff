/*
 * probe_forge.c: tp-forge, a lab-only injector of forged ICMP errors: the
 * right outer and quoted addresses, but quoted probes the tracer never sent.
 *
 *   tp-forge ROUTER_ADDR DST_ADDR TARGET_ADDR COUNT RATE
 *
 * Sends COUNT packets (IPv4 or IPv6, as the addresses are) to TARGET_ADDR
 * (the tracer), RATE per second,
 * cycling through: time-exceeded from ROUTER_ADDR and port-unreachable from
 * DST_ADDR quoting UDP TARGET -> DST with random ports, time-exceeded
 * quoting an ICMP echo and a TCP SYN with random ids, and a truncated quote
 * (malformed).  Addresses must be in 198.18.0.0/15 or 2001:db8::/32: it
 * refuses any other.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL	36
#endif

/* The 32-bit partial Internet checksum sum of buf, continuing s. */
static uint32_t
sum16(const void *buf, size_t len, uint32_t s)
{
	const uint8_t	*p = buf;

	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		s += (uint32_t)(p[0] << 8);
	return s;
}

/* Internet checksum of buf, continuing the partial sum s (0 to start). */
static uint16_t
cksum(const void *buf, size_t len, uint32_t s)
{
	s = sum16(buf, len, s);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The pause between two packets at rate per second (rate >= 1). */
static struct timespec
rate_gap(long rate)
{
	struct timespec	 gap;
	long		 ns = 1000000000L / rate;

	gap.tv_sec = ns / 1000000000L;
	gap.tv_nsec = ns % 1000000000L;
	return gap;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int
lab_addr(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		return -1;
	/* 198.18.0.0/15 only */
	return (ntohl(a->s_addr) & 0xfffe0000u) == 0xc6120000u ? 0 : -1;
}

static int
lab_addr6(const char *s, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, s, a) != 1)
		return -1;
	/* 2001:db8::/32 only */
	return (a->s6_addr[0] == 0x20 && a->s6_addr[1] == 0x01 &&
	    a->s6_addr[2] == 0x0d && a->s6_addr[3] == 0xb8) ? 0 : -1;
}

/* The 8 transport bytes of a plausible probe: random ports / ids. */
static void
l4_head(uint8_t *h, int proto)
{
	memset(h, 0, 8);
	if (proto == 17) {
		put16(h, (uint16_t)(1024 + rand() % 64000));
		put16(h + 2, (uint16_t)(33434 + rand() % 200));
		put16(h + 4, 40);
		put16(h + 6, (uint16_t)rand());
	} else if (proto == 1 || proto == 58) {
		h[0] = proto == 1 ? 8 : 128;
		put16(h + 2, (uint16_t)rand());
		put16(h + 4, (uint16_t)rand());
		put16(h + 6, (uint16_t)(1 + rand() % 90));
	} else {
		put16(h, (uint16_t)(1024 + rand() % 64000));
		put16(h + 2, 80);
		put16(h + 4, (uint16_t)rand());
		put16(h + 6, (uint16_t)rand());
	}
}

/*
 * The IPv6 variant: packets with their IPv6 header (IPV6_HDRINCL), the
 * ICMPv6 checksum over the pseudo-header.  Same cycle as IPv4.
 */
static int
forge6(const char *r, const char *d, const char *t, long count, long rate)
{
	struct in6_addr	 router, dst, target, from;
	struct sockaddr_in6 sin6;
	struct timespec	 gap;
	uint8_t		 pkt[256], *icmp = pkt + 40, *q;
	uint32_t	 sum;
	size_t		 len;
	long		 n;
	int		 fd, on = 1, proto;

	if (lab_addr6(r, &router) == -1 || lab_addr6(d, &dst) == -1 ||
	    lab_addr6(t, &target) == -1) {
		fprintf(stderr, "tp-forge: addresses must be in 2001:db8::/32\n");
		return 2;
	}
	if ((fd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &on, sizeof(on)) == -1) {
		fprintf(stderr, "tp-forge: raw IPv6 socket: %s\n", strerror(errno));
		return 1;
	}
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = target;
	gap = rate_gap(rate);
	for (n = 0; n < count; n++) {
		memset(pkt, 0, sizeof(pkt));
		icmp[0] = 3;			/* time exceeded */
		from = router;
		proto = 17;
		len = 40 + 8;			/* quoted header + 8 bytes */
		switch (n % 5) {
		case 1:				/* port unreachable */
			icmp[0] = 1;
			icmp[1] = 4;
			from = dst;
			break;
		case 2:
			proto = 58;
			break;
		case 3:
			proto = 6;
			break;
		case 4:				/* truncated quote */
			len = 20;
			break;
		}
		q = icmp + 8;
		q[0] = 0x60;
		put16(q + 4, 40);
		q[6] = (uint8_t)proto;
		q[7] = 1;
		memcpy(q + 8, &target, 16);
		memcpy(q + 24, &dst, 16);
		l4_head(q + 40, proto);
		/* ICMPv6 checksum: pseudo-header + message */
		sum = sum16(&target, 16, sum16(&from, 16, 0)) +
		    (uint32_t)(8 + len) + 58;
		put16(icmp + 2, cksum(icmp, 8 + len, sum));
		pkt[0] = 0x60;
		put16(pkt + 4, (uint16_t)(8 + len));
		pkt[6] = 58;
		pkt[7] = 64;
		memcpy(pkt + 8, &from, 16);
		memcpy(pkt + 24, &target, 16);
		if (sendto(fd, pkt, 40 + 8 + len, 0, (struct sockaddr *)&sin6,
		    sizeof(sin6)) == -1) {
			fprintf(stderr, "tp-forge: sendto: %s\n", strerror(errno));
			return 1;
		}
		nanosleep(&gap, NULL);
	}
	close(fd);
	return 0;
}

/* A plausible quoted probe header (IPv4 + 8 bytes) from src to dst. */
static void
quote(uint8_t *q, struct in_addr src, struct in_addr dst, int proto)
{
	memset(q, 0, 28);
	q[0] = 0x45;
	put16(q + 2, 60);
	put16(q + 4, (uint16_t)rand());
	q[8] = 1;
	q[9] = (uint8_t)proto;
	memcpy(q + 12, &src, 4);
	memcpy(q + 16, &dst, 4);
	put16(q + 10, cksum(q, 20, 0));
	l4_head(q + 20, proto);
}

int
main(int argc, char **argv)
{
	struct in_addr	 router, dst, target, from;
	struct sockaddr_in sin;
	struct timespec	 gap;
	uint8_t		 pkt[128], *icmp = pkt + 20;
	size_t		 len;
	long		 count, rate, i;
	int		 fd, type, code, proto;

	if (argc == 6 && strchr(argv[1], ':') != NULL &&
	    (count = atol(argv[4])) > 0 && (rate = atol(argv[5])) > 0) {
		srand((unsigned)getpid());
		return forge6(argv[1], argv[2], argv[3], count, rate);
	}
	if (argc != 6 || lab_addr(argv[1], &router) == -1 ||
	    lab_addr(argv[2], &dst) == -1 || lab_addr(argv[3], &target) == -1 ||
	    (count = atol(argv[4])) <= 0 || (rate = atol(argv[5])) <= 0) {
		fprintf(stderr, "usage: tp-forge ROUTER DST TARGET COUNT RATE "
		    "(addresses in 198.18.0.0/15 or 2001:db8::/32)\n");
		return 2;
	}
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) == -1) {
		fprintf(stderr, "tp-forge: raw socket: %s\n", strerror(errno));
		return 1;
	}
	srand((unsigned)getpid());
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = target;
	gap = rate_gap(rate);
	for (i = 0; i < count; i++) {
		memset(pkt, 0, sizeof(pkt));
		type = 11;
		code = 0;
		from = router;
		proto = 17;
		len = 28;
		switch (i % 5) {
		case 1:			/* "destination reached" */
			type = 3;
			code = 3;
			from = dst;
			break;
		case 2:
			proto = 1;
			break;
		case 3:
			proto = 6;
			break;
		case 4:			/* truncated quote: malformed */
			len = 12;
			break;
		}
		quote(icmp + 8, target, dst, proto);
		icmp[0] = (uint8_t)type;
		icmp[1] = (uint8_t)code;
		put16(icmp + 2, cksum(icmp, 8 + len, 0));
		pkt[0] = 0x45;
		put16(pkt + 2, (uint16_t)(20 + 8 + len));
		pkt[8] = 64;
		pkt[9] = 1;
		memcpy(pkt + 12, &from, 4);
		memcpy(pkt + 16, &target, 4);
		put16(pkt + 10, cksum(pkt, 20, 0));
		if (sendto(fd, pkt, 20 + 8 + len, 0, (struct sockaddr *)&sin,
		    sizeof(sin)) == -1) {
			fprintf(stderr, "tp-forge: sendto: %s\n", strerror(errno));
			return 1;
		}
		nanosleep(&gap, NULL);
	}
	close(fd);
	return 0;
}
