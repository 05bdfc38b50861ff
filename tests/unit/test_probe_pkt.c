/* test_probe_pkt.c: probe building, reply parsing and strict matching, with crafted packets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "probe_pkt.h"

#define NPROBES	90

static const enum trace_method methods[] = {
	TRACE_METHOD_UDP, TRACE_METHOD_UDP_PARIS, TRACE_METHOD_ICMP,
	TRACE_METHOD_ICMP_PARIS, TRACE_METHOD_TCP
};

static void
flow_init(struct probe_flow *f, int af, enum trace_method m)
{
	memset(f, 0, sizeof(*f));
	f->af = af;
	f->method = m;
	if (af == 4) {
		inet_pton(AF_INET, "198.18.0.1", f->src);
		inet_pton(AF_INET, "198.18.3.2", f->dst);
	} else {
		inet_pton(AF_INET6, "2001:db8::1", f->src);
		inet_pton(AF_INET6, "2001:db8:3::2", f->dst);
	}
	f->sport = 0x8123;
	f->icmp_id = 0x8123;
	f->dport = m == TRACE_METHOD_TCP ? 80 : 33434;
	f->tcp_seq_hi = 0xbeef;
	f->paris_cksum = 0x1234;
	f->size = probe_pkt_default_size(af, m);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Checksum of a transport segment with its pseudo-header: 0 when valid. */
static uint16_t
l4_verify(const struct probe_flow *f, int proto, const uint8_t *l4, size_t len)
{
	size_t	 al = f->af == 6 ? 16 : 4;
	uint32_t sum;

	sum = probe_pkt_sum(f->src, al, 0);
	sum = probe_pkt_sum(f->dst, al, sum);
	sum += (uint32_t)proto + (uint32_t)len;
	return probe_pkt_fold(probe_pkt_sum(l4, len, sum));
}

/*
 * An ICMPv4 error from `from` quoting `quote` (qlen bytes), with an
 * optional extension (ext, elen) after the quote padded to 128 bytes;
 * rfc4884 sets the length field.  Returns the packet length.
 */
static size_t
icmp4_error(uint8_t *buf, int type, int code, const char *from, int ttl,
    const uint8_t *quote, size_t qlen, const uint8_t *ext, size_t elen,
    int rfc4884)
{
	uint8_t	*ip = buf, *icmp = buf + 20;
	size_t	 qpad = qlen, len;

	memset(buf, 0, 20 + 8 + 128 + 64 + qlen + elen);
	if (ext != NULL && qpad < 128)
		qpad = 128;
	ip[0] = 0x45;
	ip[8] = (uint8_t)ttl;
	ip[9] = 1;
	inet_pton(AF_INET, from, ip + 12);
	inet_pton(AF_INET, "198.18.0.1", ip + 16);
	icmp[0] = (uint8_t)type;
	icmp[1] = (uint8_t)code;
	memcpy(icmp + 8, quote, qlen);
	if (ext != NULL) {
		if (rfc4884)
			icmp[5] = (uint8_t)(qpad / 4);
		memcpy(icmp + 8 + qpad, ext, elen);
	}
	len = 8 + qpad + (ext ? elen : 0);
	put16(icmp + 2, probe_pkt_fold(probe_pkt_sum(icmp, len, 0)));
	put16(ip + 2, (uint16_t)(20 + len));
	return 20 + len;
}

/* ICMPv6 error (no IPv6 header: what a raw socket returns). */
static size_t
icmp6_error(uint8_t *buf, int type, int code, const struct probe_flow *f,
    const uint8_t *l4, size_t l4len, const uint8_t *ext, size_t elen)
{
	uint8_t	*q = buf + 8;
	size_t	 qlen = 40 + l4len, qpad = qlen;

	memset(buf, 0, 8 + 128 + 40 + l4len + elen + 16);
	buf[0] = (uint8_t)type;
	buf[1] = (uint8_t)code;
	q[0] = 0x60;
	put16(q + 4, (uint16_t)l4len);
	q[6] = (uint8_t)(f->method == TRACE_METHOD_TCP ? 6 :
	    (f->method == TRACE_METHOD_ICMP || f->method == TRACE_METHOD_ICMP_PARIS) ?
	    58 : 17);
	q[7] = 1;
	memcpy(q + 8, f->src, 16);
	memcpy(q + 24, f->dst, 16);
	memcpy(q + 40, l4, l4len);
	if (ext != NULL) {
		if (qpad < 128)
			qpad = 128;
		buf[4] = (uint8_t)(qpad / 8);
		memcpy(buf + 8 + qpad, ext, elen);
		return 8 + qpad + elen;
	}
	return 8 + qlen;
}

/* RFC 4950 extension with a two-entry label stack. */
static size_t
mpls_ext(uint8_t *e)
{
	uint32_t	 l1 = 16001u << 12 | 5u << 9 | 0u << 8 | 1;
	uint32_t	 l2 = 299792u << 12 | 0u << 9 | 1u << 8 | 254;

	memset(e, 0, 16);
	e[0] = 0x20;			/* version 2 */
	put16(e + 4, 12);		/* object length */
	e[6] = 1;			/* class MPLS */
	e[7] = 1;			/* incoming stack */
	e[8] = (uint8_t)(l1 >> 24); e[9] = (uint8_t)(l1 >> 16);
	e[10] = (uint8_t)(l1 >> 8); e[11] = (uint8_t)l1;
	e[12] = (uint8_t)(l2 >> 24); e[13] = (uint8_t)(l2 >> 16);
	e[14] = (uint8_t)(l2 >> 8); e[15] = (uint8_t)l2;
	put16(e + 2, probe_pkt_fold(probe_pkt_sum(e, 16, 0)));
	return 16;
}

static void
test_build_v4(void **state)
{
	struct probe_flow f;
	uint8_t	 buf[256];
	size_t	 i;
	int	 n, idx, proto;

	(void)state;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		flow_init(&f, 4, methods[i]);
		proto = methods[i] == TRACE_METHOD_TCP ? 6 :
		    (methods[i] == TRACE_METHOD_ICMP ||
		    methods[i] == TRACE_METHOD_ICMP_PARIS) ? 1 : 17;
		for (idx = 0; idx < NPROBES; idx += 7) {
			n = probe_pkt_build(&f, idx, 1 + idx / 3, buf, sizeof(buf));
			assert_int_equal(n, f.size);
			assert_int_equal(buf[0], 0x45);
			assert_int_equal(get16(buf + 2), n);
			assert_int_equal(buf[8], 1 + idx / 3);
			assert_int_equal(buf[9], proto);
			assert_int_equal(get16(buf + 4), idx + 1);
			assert_int_equal(probe_pkt_fold(probe_pkt_sum(buf, 20, 0)), 0);
			if (proto == 1)
				assert_int_equal(probe_pkt_fold(
				    probe_pkt_sum(buf + 20, (size_t)n - 20, 0)), 0);
			else
				assert_int_equal(l4_verify(&f, proto, buf + 20,
				    (size_t)n - 20), 0);
			switch (methods[i]) {
			case TRACE_METHOD_UDP:
				assert_int_equal(get16(buf + 22), 33434 + idx);
				break;
			case TRACE_METHOD_UDP_PARIS:
				assert_int_equal(get16(buf + 22), 33434);
				assert_int_equal(get16(buf + 26), idx + 1);
				break;
			case TRACE_METHOD_ICMP:
				assert_int_equal(get16(buf + 26), idx + 1);
				break;
			case TRACE_METHOD_ICMP_PARIS:
				assert_int_equal(get16(buf + 22), 0x1234);
				assert_int_equal(get16(buf + 26), idx + 1);
				break;
			case TRACE_METHOD_TCP:
				assert_int_equal(get16(buf + 24), 0xbeef);
				assert_int_equal(get16(buf + 26), idx);
				assert_int_equal(buf[33], 0x02);
				break;
			default:
				fail();
			}
		}
	}
	/* Too small a buffer, bad TTL, bad index. */
	flow_init(&f, 4, TRACE_METHOD_UDP);
	assert_int_equal(probe_pkt_build(&f, 0, 1, buf, 20), -1);
	assert_int_equal(probe_pkt_build(&f, 0, 0, buf, sizeof(buf)), -1);
	assert_int_equal(probe_pkt_build(&f, -1, 1, buf, sizeof(buf)), -1);
	/* A size below the headers is raised to the minimum. */
	f.size = 1;
	assert_int_equal(probe_pkt_build(&f, 0, 1, buf, sizeof(buf)),
	    probe_pkt_min_size(4, TRACE_METHOD_UDP));
}

static void
test_build_v6(void **state)
{
	struct probe_flow f;
	uint8_t	 buf[256];
	size_t	 i;
	int	 n, proto;

	(void)state;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		flow_init(&f, 6, methods[i]);
		proto = methods[i] == TRACE_METHOD_TCP ? 6 :
		    (methods[i] == TRACE_METHOD_ICMP ||
		    methods[i] == TRACE_METHOD_ICMP_PARIS) ? 58 : 17;
		n = probe_pkt_build(&f, 41, 9, buf, sizeof(buf));
		assert_int_equal(n, f.size - 40);
		assert_int_equal(l4_verify(&f, proto, buf, (size_t)n), 0);
		if (methods[i] == TRACE_METHOD_ICMP_PARIS)
			assert_int_equal(get16(buf + 2), 0x1234);
		if (methods[i] == TRACE_METHOD_UDP_PARIS)
			assert_int_equal(get16(buf + 6), 42);
	}
}

/* Every method, both families: an error quoting probe idx matches idx. */
static void
test_match_quote(void **state)
{
	struct probe_flow f;
	struct probe_reply r;
	uint8_t	 probe[256], pkt[1024];
	size_t	 i, len;
	int	 af, n, idx;

	(void)state;
	for (af = 4; af <= 6; af += 2)
		for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
			flow_init(&f, af, methods[i]);
			for (idx = 0; idx < NPROBES; idx += 11) {
				n = probe_pkt_build(&f, idx, 3, probe, sizeof(probe));
				assert_true(n > 0);
				if (af == 4) {
					len = icmp4_error(pkt, 11, 0, "198.18.1.2", 62,
					    probe, 28, NULL, 0, 0);
					assert_int_equal(probe_pkt_parse4(pkt, len, &r), 0);
					assert_int_equal(r.reply_ttl, 62);
				} else {
					uint8_t from[16];

					inet_pton(AF_INET6, "2001:db8:1::2", from);
					len = icmp6_error(pkt, 3, 0, &f, probe, 8, NULL, 0);
					assert_int_equal(probe_pkt_parse6_icmp(pkt, len,
					    from, 61, &r), 0);
					assert_int_equal(r.reply_ttl, 61);
				}
				assert_int_equal(r.kind, PROBE_REPLY_TIME_EXCEEDED);
				assert_int_equal(probe_pkt_match(&f, &r, NPROBES), idx);
				assert_false(probe_pkt_is_terminal(&f, &r));
				/* The same quote from another run's flow: no. */
				f.sport ^= 1;
				f.icmp_id ^= 1;
				assert_int_equal(probe_pkt_match(&f, &r, NPROBES), -1);
				f.sport ^= 1;
				f.icmp_id ^= 1;
				/* A probe number past what was sent: no. */
				assert_int_equal(probe_pkt_match(&f, &r, idx), -1);
			}
		}
}

/* Forged errors: right addresses, something in the quote wrong. */
static void
test_match_rejects(void **state)
{
	struct probe_flow f;
	struct probe_reply r, bad;
	uint8_t	 probe[256], pkt[1024];
	size_t	 i, len;
	int	 b;

	(void)state;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		flow_init(&f, 4, methods[i]);
		probe_pkt_build(&f, 5, 2, probe, sizeof(probe));
		len = icmp4_error(pkt, 11, 0, "198.18.1.2", 63, probe, 28, NULL, 0, 0);
		assert_int_equal(probe_pkt_parse4(pkt, len, &r), 0);
		assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 5);
		/*
		 * Each byte of the quoted transport head flipped.  Only 6
		 * probes were sent, so a flipped tag naming probe 69 is as
		 * foreign as any other change.
		 */
		for (b = 0; b < 8; b++) {
			bad = r;
			bad.q_l4[b] ^= 0x40;
			assert_int_equal(probe_pkt_match(&f, &bad, 6), -1);
		}
		bad = r;
		bad.q_dst[3] ^= 1;
		assert_int_equal(probe_pkt_match(&f, &bad, NPROBES), -1);
		bad = r;
		bad.q_src[3] ^= 1;
		assert_int_equal(probe_pkt_match(&f, &bad, NPROBES), -1);
		bad = r;
		bad.q_proto = 50;
		assert_int_equal(probe_pkt_match(&f, &bad, NPROBES), -1);
		bad = r;
		bad.af = 6;
		assert_int_equal(probe_pkt_match(&f, &bad, NPROBES), -1);
	}
	/* A corrupted ICMP checksum makes the whole packet malformed. */
	flow_init(&f, 4, TRACE_METHOD_UDP);
	probe_pkt_build(&f, 5, 2, probe, sizeof(probe));
	len = icmp4_error(pkt, 11, 0, "198.18.1.2", 63, probe, 28, NULL, 0, 0);
	pkt[len - 1] ^= 0xff;
	assert_int_equal(probe_pkt_parse4(pkt, len, &r), -1);
}

/* Every truncation of a valid error is refused or still consistent. */
static void
test_truncated(void **state)
{
	struct probe_flow f;
	struct probe_reply r;
	uint8_t	 probe[256], pkt[1024], ext[16], from[16];
	size_t	 len, cut, elen = mpls_ext(ext);
	int	 rc;

	(void)state;
	flow_init(&f, 4, TRACE_METHOD_UDP_PARIS);
	probe_pkt_build(&f, 7, 3, probe, sizeof(probe));
	len = icmp4_error(pkt, 11, 0, "198.18.1.2", 63, probe, 60, ext, elen, 1);
	for (cut = 0; cut < len; cut++) {
		/* Claimed length follows the cut, checksum redone. */
		uint8_t	 copy[1024];

		memcpy(copy, pkt, cut);
		if (cut >= 28) {
			put16(copy + 2, (uint16_t)cut);
			copy[22] = copy[23] = 0;
			put16(copy + 22, probe_pkt_fold(probe_pkt_sum(copy + 20,
			    cut - 20, 0)));
		}
		rc = probe_pkt_parse4(copy, cut, &r);
		if (cut < 20 + 8 + 20 + 8)
			assert_int_equal(rc, -1);
		else if (rc == 0)
			assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 7);
	}
	flow_init(&f, 6, TRACE_METHOD_ICMP);
	inet_pton(AF_INET6, "2001:db8:1::2", from);
	probe_pkt_build(&f, 7, 3, probe, sizeof(probe));
	len = icmp6_error(pkt, 3, 0, &f, probe, 40, ext, elen);
	for (cut = 0; cut < len; cut++) {
		rc = probe_pkt_parse6_icmp(pkt, cut, from, 60, &r);
		if (cut < 8 + 40 + 8)
			assert_int_equal(rc, -1);
		else if (rc == 0)
			assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 7);
	}
	/* IPv4 header length past the packet, wrong version. */
	pkt[0] = 0x4f;
	assert_int_equal(probe_pkt_parse4(pkt, 40, &r), -1);
	pkt[0] = 0x65;
	assert_int_equal(probe_pkt_parse4(pkt, 40, &r), -1);
}

static void
test_mpls(void **state)
{
	struct probe_flow f;
	struct probe_reply r;
	uint8_t	 probe[256], pkt[1024], ext[16], from[16];
	size_t	 len, elen = mpls_ext(ext);
	int	 compliant;

	(void)state;
	flow_init(&f, 4, TRACE_METHOD_UDP);
	probe_pkt_build(&f, 3, 2, probe, sizeof(probe));
	for (compliant = 0; compliant <= 1; compliant++) {
		len = icmp4_error(pkt, 11, 0, "198.18.1.2", 254, probe, 60, ext,
		    elen, compliant);
		assert_int_equal(probe_pkt_parse4(pkt, len, &r), 0);
		assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 3);
		assert_int_equal(r.nmpls, 2);
		assert_int_equal(r.mpls[0].label, 16001);
		assert_int_equal(r.mpls[0].exp, 5);
		assert_int_equal(r.mpls[0].s, 0);
		assert_int_equal(r.mpls[0].ttl, 1);
		assert_int_equal(r.mpls[1].label, 299792);
		assert_int_equal(r.mpls[1].s, 1);
		assert_int_equal(r.mpls[1].ttl, 254);
	}
	/* An object length running past the end: stack ignored, reply kept. */
	ext[5] = 200;
	len = icmp4_error(pkt, 11, 0, "198.18.1.2", 254, probe, 60, ext, elen, 1);
	assert_int_equal(probe_pkt_parse4(pkt, len, &r), 0);
	assert_int_equal(r.nmpls, 0);
	/* No extension: no labels. */
	len = icmp4_error(pkt, 11, 0, "198.18.1.2", 254, probe, 60, NULL, 0, 0);
	assert_int_equal(probe_pkt_parse4(pkt, len, &r), 0);
	assert_int_equal(r.nmpls, 0);
	/* IPv6. */
	elen = mpls_ext(ext);
	flow_init(&f, 6, TRACE_METHOD_UDP);
	inet_pton(AF_INET6, "2001:db8:1::2", from);
	probe_pkt_build(&f, 3, 2, probe, sizeof(probe));
	len = icmp6_error(pkt, 3, 0, &f, probe, 40, ext, elen);
	assert_int_equal(probe_pkt_parse6_icmp(pkt, len, from, 64, &r), 0);
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 3);
	assert_int_equal(r.nmpls, 2);
	assert_int_equal(r.mpls[1].label, 299792);
}

static void
test_direct_replies(void **state)
{
	struct probe_flow f;
	struct probe_reply r;
	uint8_t	 pkt[128], from[16];
	uint32_t ack;

	(void)state;
	/* Echo reply from the destination. */
	flow_init(&f, 4, TRACE_METHOD_ICMP);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	pkt[8] = 60;
	pkt[9] = 1;
	put16(pkt + 2, 20 + 8 + 32);
	memcpy(pkt + 12, f.dst, 4);
	memcpy(pkt + 16, f.src, 4);
	put16(pkt + 24, f.icmp_id);
	put16(pkt + 26, 13);
	put16(pkt + 22, probe_pkt_fold(probe_pkt_sum(pkt + 20, 40, 0)));
	assert_int_equal(probe_pkt_parse4(pkt, 60, &r), 0);
	assert_int_equal(r.kind, PROBE_REPLY_ECHO);
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 12);
	assert_true(probe_pkt_is_destination(&f, &r));
	/* The same from another address: not ours. */
	r.from[3] ^= 1;
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), -1);
	r.from[3] ^= 1;
	/* The same with another echo identifier (another run's, or another
	 * program's ping): not ours. */
	r.echo_id ^= 1;
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), -1);
	r.echo_id ^= 1;
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 12);
	/* An echo request (someone pinging us) is not a reply at all. */
	pkt[20] = 8;
	pkt[22] = pkt[23] = 0;
	put16(pkt + 22, probe_pkt_fold(probe_pkt_sum(pkt + 20, 40, 0)));
	assert_int_equal(probe_pkt_parse4(pkt, 60, &r), 1);

	/* SYN-ACK and RST from the destination answer probe seq = ack - 1. */
	flow_init(&f, 6, TRACE_METHOD_TCP);
	memset(pkt, 0, sizeof(pkt));
	put16(pkt, 80);
	put16(pkt + 2, f.sport);
	ack = (uint32_t)f.tcp_seq_hi << 16 | 21;
	ack += 1;
	pkt[8] = (uint8_t)(ack >> 24); pkt[9] = (uint8_t)(ack >> 16);
	pkt[10] = (uint8_t)(ack >> 8); pkt[11] = (uint8_t)ack;
	pkt[12] = 0x50;
	pkt[13] = 0x12;			/* SYN+ACK */
	assert_int_equal(probe_pkt_parse6_tcp(pkt, 20, f.dst, 64, &r), 0);
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 21);
	assert_true(probe_pkt_is_terminal(&f, &r));
	pkt[13] = 0x14;			/* RST+ACK */
	assert_int_equal(probe_pkt_parse6_tcp(pkt, 20, f.dst, 64, &r), 0);
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 21);
	/* from another port of the destination, or to another of our ports:
	 * another connection's segment, not ours */
	put16(pkt, 81);
	assert_int_equal(probe_pkt_parse6_tcp(pkt, 20, f.dst, 64, &r), 0);
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), -1);
	put16(pkt, 80);
	put16(pkt + 2, (uint16_t)(f.sport + 1));
	assert_int_equal(probe_pkt_parse6_tcp(pkt, 20, f.dst, 64, &r), 0);
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), -1);
	put16(pkt + 2, f.sport);
	pkt[11] ^= 0x80;		/* wrong ack */
	assert_int_equal(probe_pkt_parse6_tcp(pkt, 20, f.dst, 64, &r), 0);
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), -1);
	pkt[13] = 0x10;			/* plain ACK: not a reply */
	assert_int_equal(probe_pkt_parse6_tcp(pkt, 20, f.dst, 64, &r), 1);
	assert_int_equal(probe_pkt_parse6_tcp(pkt, 19, f.dst, 64, &r), -1);
	inet_pton(AF_INET6, "2001:db8:9::9", from);
	pkt[13] = 0x12;
	pkt[11] ^= 0x80;
	assert_int_equal(probe_pkt_parse6_tcp(pkt, 20, from, 64, &r), 0);
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), -1);
}

/* Unreachable codes and their traceroute annotations. */
static void
test_annotations(void **state)
{
	static const struct { int af, code; const char *from, *want; int dest; } t[] = {
		{ 4, 0, "198.18.1.2", "!N", 0 },
		{ 4, 1, "198.18.1.2", "!H", 0 },
		{ 4, 2, "198.18.1.2", "!P", 0 },
		{ 4, 4, "198.18.1.2", "!F", 0 },
		{ 4, 5, "198.18.1.2", "!S", 0 },
		{ 4, 13, "198.18.1.2", "!X", 0 },
		{ 4, 10, "198.18.1.2", "!X", 0 },
		{ 4, 14, "198.18.1.2", "!14", 0 },
		{ 4, 3, "198.18.3.2", "", 1 },
		{ 6, 0, "2001:db8:1::2", "!N", 0 },
		{ 6, 1, "2001:db8:1::2", "!X", 0 },
		{ 6, 3, "2001:db8:1::2", "!H", 0 },
		{ 6, 4, "2001:db8:3::2", "", 1 },
		{ 6, 7, "2001:db8:1::2", "!7", 0 },
	};
	struct probe_flow f;
	struct probe_reply r;
	uint8_t	 probe[256], pkt[1024], from[16];
	char	 annot[8];
	size_t	 i, len;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		flow_init(&f, t[i].af, TRACE_METHOD_UDP);
		probe_pkt_build(&f, 9, 4, probe, sizeof(probe));
		if (t[i].af == 4) {
			len = icmp4_error(pkt, 3, t[i].code, t[i].from, 60, probe,
			    28, NULL, 0, 0);
			assert_int_equal(probe_pkt_parse4(pkt, len, &r), 0);
		} else {
			inet_pton(AF_INET6, t[i].from, from);
			len = icmp6_error(pkt, 1, t[i].code, &f, probe, 8, NULL, 0);
			assert_int_equal(probe_pkt_parse6_icmp(pkt, len, from, 60,
			    &r), 0);
		}
		assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 9);
		probe_pkt_annotation(&f, &r, annot);
		assert_string_equal(annot, t[i].want);
		assert_int_equal(probe_pkt_is_destination(&f, &r), t[i].dest);
		assert_true(probe_pkt_is_terminal(&f, &r));
	}
	/* Reply TTL <= 1: "!". */
	flow_init(&f, 4, TRACE_METHOD_UDP);
	probe_pkt_build(&f, 9, 4, probe, sizeof(probe));
	len = icmp4_error(pkt, 11, 0, "198.18.1.2", 1, probe, 28, NULL, 0, 0);
	assert_int_equal(probe_pkt_parse4(pkt, len, &r), 0);
	probe_pkt_annotation(&f, &r, annot);
	assert_string_equal(annot, "!");
}

/* -D: an altered quoted header is described; an intact one is not. */
static void
test_quoted_diff(void **state)
{
	struct probe_flow f;
	struct probe_reply r;
	uint8_t	 probe[256], pkt[1024];
	size_t	 len;
	char	*d;

	(void)state;
	flow_init(&f, 4, TRACE_METHOD_UDP);
	probe_pkt_build(&f, 2, 1, probe, sizeof(probe));
	len = icmp4_error(pkt, 11, 0, "198.18.1.2", 64, probe, 28, NULL, 0, 0);
	assert_int_equal(probe_pkt_parse4(pkt, len, &r), 0);
	assert_null(probe_pkt_quoted_diff(&f, 2, &r));
	probe[1] = 0x10;		/* a router rewrote the TOS */
	len = icmp4_error(pkt, 11, 0, "198.18.1.2", 64, probe, 28, NULL, 0, 0);
	assert_int_equal(probe_pkt_parse4(pkt, len, &r), 0);
	assert_int_equal(probe_pkt_match(&f, &r, NPROBES), 2);
	d = probe_pkt_quoted_diff(&f, 2, &r);
	assert_non_null(d);
	assert_string_equal(d, "tos 0x00->0x10");
	free(d);
}

/*
 * Flow identifiers (source ports) stay clear of the default UDP
 * destination ports, so two agents tracing each other through NATs never
 * mirror each other's ports (probe_pkt_flow_id_ok).
 */
static void
test_flow_id_window(void **state)
{
	unsigned int	 id, n = 0;

	(void)state;
	assert_false(probe_pkt_flow_id_ok(0));
	assert_false(probe_pkt_flow_id_ok(1023));
	assert_true(probe_pkt_flow_id_ok(1024));
	assert_true(probe_pkt_flow_id_ok(PROBE_PKT_UDP_PORT - 1));
	assert_false(probe_pkt_flow_id_ok(PROBE_PKT_UDP_PORT));
	assert_false(probe_pkt_flow_id_ok(PROBE_PKT_UDP_PORT + 89));	/* 30 x 3 */
	assert_false(probe_pkt_flow_id_ok(PROBE_PKT_UDP_PORT + 899));	/* 30 x 30 */
	assert_true(probe_pkt_flow_id_ok(PROBE_PKT_UDP_PORT + PROBE_PKT_UDP_SPAN));
	assert_true(probe_pkt_flow_id_ok(65535));
	for (id = 0; id <= 65535; id++)
		n += probe_pkt_flow_id_ok((uint16_t)id) != 0;
	assert_int_equal(n, 65536 - 1024 - PROBE_PKT_UDP_SPAN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_v4),
		cmocka_unit_test(test_build_v6),
		cmocka_unit_test(test_match_quote),
		cmocka_unit_test(test_match_rejects),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_direct_replies),
		cmocka_unit_test(test_annotations),
		cmocka_unit_test(test_quoted_diff),
		cmocka_unit_test(test_flow_id_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
