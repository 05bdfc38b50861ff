/*
 * probe_forge.c: tp-forge, a lab-only injector of forged ICMP errors: the
 * right outer and quoted addresses, but quoted probes the tracer never sent.
 *
 *   tp-forge ROUTER_ADDR DST_ADDR TARGET_ADDR COUNT RATE
 *
 * Sends COUNT IPv4 packets to TARGET_ADDR (the tracer), RATE per second,
 * cycling through: time-exceeded from ROUTER_ADDR and port-unreachable from
 * DST_ADDR quoting UDP TARGET -> DST with random ports, time-exceeded
 * quoting an ICMP echo and a TCP SYN with random ids, and a truncated quote
 * (malformed).  Addresses must be in 198.18.0.0/15: it refuses any other.
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

static uint16_t
cksum(const uint8_t *p, size_t len)
{
	uint32_t	 s = 0;

	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		s += (uint32_t)(p[0] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
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
	put16(q + 10, cksum(q, 20));
	if (proto == 17) {			/* UDP, random ports */
		put16(q + 20, (uint16_t)(1024 + rand() % 64000));
		put16(q + 22, (uint16_t)(33434 + rand() % 200));
		put16(q + 24, 40);
		put16(q + 26, (uint16_t)rand());
	} else if (proto == 1) {		/* echo request, random id */
		q[20] = 8;
		put16(q + 22, (uint16_t)rand());
		put16(q + 24, (uint16_t)rand());
		put16(q + 26, (uint16_t)(1 + rand() % 90));
	} else {				/* TCP SYN head */
		put16(q + 20, (uint16_t)(1024 + rand() % 64000));
		put16(q + 22, 80);
		put16(q + 24, (uint16_t)rand());
		put16(q + 26, (uint16_t)rand());
	}
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

	if (argc != 6 || lab_addr(argv[1], &router) == -1 ||
	    lab_addr(argv[2], &dst) == -1 || lab_addr(argv[3], &target) == -1 ||
	    (count = atol(argv[4])) <= 0 || (rate = atol(argv[5])) <= 0) {
		fprintf(stderr, "usage: tp-forge ROUTER DST TARGET COUNT RATE "
		    "(addresses in 198.18.0.0/15)\n");
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
	gap.tv_sec = 0;
	gap.tv_nsec = 1000000000L / rate;
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
		put16(icmp + 2, cksum(icmp, 8 + len));
		pkt[0] = 0x45;
		put16(pkt + 2, (uint16_t)(20 + 8 + len));
		pkt[8] = 64;
		pkt[9] = 1;
		memcpy(pkt + 12, &from, 4);
		memcpy(pkt + 16, &target, 4);
		put16(pkt + 10, cksum(pkt, 20));
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
