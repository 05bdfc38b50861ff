/* probe_pkt.c: probe packets built, and ICMP/TCP replies parsed and matched to probes (pure functions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_pkt.h"

#define IP4_HDR		20
#define IP6_HDR		40
#define UDP_HDR		8
#define ICMP_HDR	8
#define TCP_HDR		20
#define PROTO_ICMP	1
#define PROTO_TCP	6
#define PROTO_UDP	17
#define PROTO_ICMP6	58
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_ACK		0x10
#define EXT_MIN_ORIG	128	/* RFC 4884: original datagram padded to 128 */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

uint32_t
probe_pkt_sum(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t	*p = buf;

	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

uint16_t
probe_pkt_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t
alen(int af)
{
	return af == 6 ? 16 : 4;
}

/* Partial sum of the pseudo-header for a transport checksum. */
static uint32_t
pseudo_sum(const struct probe_flow *f, int proto, size_t l4len)
{
	uint32_t	 sum;

	sum = probe_pkt_sum(f->src, alen(f->af), 0);
	sum = probe_pkt_sum(f->dst, alen(f->af), sum);
	sum += (uint32_t)proto + (uint32_t)(l4len & 0xffff) +
	    (uint32_t)(l4len >> 16);
	return sum;
}

static int
l4_proto(const struct probe_flow *f)
{
	switch (f->method) {
	case TRACE_METHOD_UDP:
	case TRACE_METHOD_UDP_PARIS:
		return PROTO_UDP;
	case TRACE_METHOD_ICMP:
	case TRACE_METHOD_ICMP_PARIS:
		return f->af == 6 ? PROTO_ICMP6 : PROTO_ICMP;
	case TRACE_METHOD_TCP:
		return PROTO_TCP;
	default:
		return -1;
	}
}

static size_t
l4_hdrlen(enum trace_method m)
{
	switch (m) {
	case TRACE_METHOD_TCP:
		return TCP_HDR;
	case TRACE_METHOD_ICMP:
	case TRACE_METHOD_ICMP_PARIS:
		return ICMP_HDR;
	default:
		return UDP_HDR;
	}
}

int
probe_pkt_min_size(int af, enum trace_method m)
{
	int	 extra = m == TRACE_METHOD_TCP ? 0 : 2;	/* checksum tag bytes */

	return (af == 6 ? IP6_HDR : IP4_HDR) + (int)l4_hdrlen(m) + extra;
}

/*
 * Two agents that trace each other through NATs at once: a probe of one
 * whose ports mirror a probe of the other (its source port the other's
 * destination port and the other way round) matches the mapping the
 * other's probe made in the NAT in front of it, and is let in as the
 * reply of that flow, past a firewall that drops UDP from outside: the
 * trace "reaches" a site it cannot.  With the default UDP ports
 * (PROBE_PKT_UDP_PORT + probe index) that needs both source ports among
 * those destination ports; t_pair_nat saw it once (agents' process ids
 * in the window).  No source port there: no mirror, for traces of up to
 * PROBE_PKT_UDP_SPAN probes (the default 90; a loss run of 30 x 30).
 */
int
probe_pkt_flow_id_ok(uint16_t id)
{
	return id >= PROBE_PKT_FLOW_MIN && !(id >= PROBE_PKT_UDP_PORT &&
	    id < PROBE_PKT_UDP_PORT + PROBE_PKT_UDP_SPAN);
}

int
probe_pkt_default_size(int af, enum trace_method m)
{
	if (m == TRACE_METHOD_TCP)
		return probe_pkt_min_size(af, m);
	return af == 6 ? PROBE_PKT_V6_DEFAULT : PROBE_PKT_V4_DEFAULT;
}

int
probe_pkt_size(const struct probe_flow *f)
{
	int	 size = f->size;

	if (size == 0)
		size = probe_pkt_default_size(f->af, f->method);
	if (size < probe_pkt_min_size(f->af, f->method))
		size = probe_pkt_min_size(f->af, f->method);
	return size;
}

/*
 * The two bytes that, added to a packet whose checksum field is 0 and
 * whose partial sum is `sum`, make its checksum come out as `want`.
 */
static uint16_t
cksum_fix(uint32_t sum, uint16_t want)
{
	uint16_t	 s = (uint16_t)~probe_pkt_fold(sum);	/* folded sum */
	uint32_t	 x = (uint32_t)(uint16_t)~want + (uint16_t)~s;

	while (x >> 16)
		x = (x & 0xffff) + (x >> 16);
	return (uint16_t)x;
}

/*
 * Transport header of probe idx into p, for a transport length of l4len.
 * p must hold the header and the two checksum tag bytes after it, zeroed;
 * the rest of the payload is zeros, which add nothing to a checksum, so
 * only the header is summed and p needs no more than that.
 */
static int
build_l4(const struct probe_flow *f, int idx, uint8_t *p, size_t l4len)
{
	uint32_t	 sum;
	uint16_t	 ck, tag = (uint16_t)(idx + 1);
	int		 proto = l4_proto(f);
	size_t		 hdr = l4_hdrlen(f->method);

	switch (f->method) {
	case TRACE_METHOD_UDP:
	case TRACE_METHOD_UDP_PARIS:
		put16(p, f->sport);
		if (f->method == TRACE_METHOD_UDP && !f->fixed_port)
			put16(p + 2, (uint16_t)(f->dport + idx));
		else
			put16(p + 2, f->dport);
		put16(p + 4, (uint16_t)l4len);
		sum = probe_pkt_sum(p, hdr, pseudo_sum(f, proto, l4len));
		if (f->method == TRACE_METHOD_UDP && !f->fixed_port) {
			ck = probe_pkt_fold(sum);
			put16(p + 6, ck == 0 ? 0xffff : ck);
		} else {
			put16(p + UDP_HDR, cksum_fix(sum, tag));
			put16(p + 6, tag);
		}
		return 0;
	case TRACE_METHOD_ICMP:
	case TRACE_METHOD_ICMP_PARIS:
		p[0] = f->af == 6 ? 128 : 8;	/* echo request */
		p[1] = 0;
		put16(p + 4, f->icmp_id);
		put16(p + 6, tag);
		sum = probe_pkt_sum(p, hdr,
		    f->af == 6 ? pseudo_sum(f, proto, l4len) : 0);
		if (f->method == TRACE_METHOD_ICMP_PARIS) {
			put16(p + ICMP_HDR, cksum_fix(sum, f->paris_cksum));
			put16(p + 2, f->paris_cksum);
		} else
			put16(p + 2, probe_pkt_fold(sum));
		return 0;
	case TRACE_METHOD_TCP:
		put16(p, f->sport);
		put16(p + 2, f->dport);
		put32(p + 4, (uint32_t)f->tcp_seq_hi << 16 | (uint16_t)idx);
		put32(p + 8, 0);
		p[12] = (TCP_HDR / 4) << 4;
		p[13] = TCP_SYN;
		put16(p + 14, 5840);	/* window */
		sum = probe_pkt_sum(p, hdr, pseudo_sum(f, proto, l4len));
		put16(p + 16, probe_pkt_fold(sum));
		return 0;
	default:
		return -1;
	}
}

/*
 * The total length probes of f have (0: the default; raised to the
 * minimum), or -1 when the flow or idx is bad or it exceeds PROBE_PKT_MAX.
 */
static int
flow_size(const struct probe_flow *f, int idx)
{
	int	 size;

	if ((f->af != 4 && f->af != 6) || l4_proto(f) < 0 || idx < 0 ||
	    idx > 65533)
		return -1;
	size = probe_pkt_size(f);
	return size > PROBE_PKT_MAX ? -1 : size;
}

int
probe_pkt_build(const struct probe_flow *f, int idx, int ttl, uint8_t *buf,
    size_t cap)
{
	size_t	 iphdr = f->af == 6 ? IP6_HDR : IP4_HDR, total, l4len;
	uint8_t	*ip = buf;
	int	 size;

	if ((size = flow_size(f, idx)) < 0 || ttl < 1 || ttl > 255)
		return -1;
	total = (size_t)size;
	l4len = total - iphdr;
	if (f->af == 6) {
		if (l4len > cap)
			return -1;
		memset(buf, 0, l4len);
		if (build_l4(f, idx, buf, l4len) == -1)
			return -1;
		return (int)l4len;
	}
	if (total > cap)
		return -1;
	memset(buf, 0, total);
	ip[0] = 0x45;
	ip[1] = (uint8_t)f->tos;
	put16(ip + 2, (uint16_t)total);
	put16(ip + 4, (uint16_t)(idx + 1));
	put16(ip + 6, f->dont_fragment ? 0x4000 : 0);
	ip[8] = (uint8_t)ttl;
	ip[9] = (uint8_t)l4_proto(f);
	memcpy(ip + 12, f->src, 4);
	memcpy(ip + 16, f->dst, 4);
	put16(ip + 10, probe_pkt_fold(probe_pkt_sum(ip, IP4_HDR, 0)));
	if (build_l4(f, idx, ip + IP4_HDR, l4len) == -1)
		return -1;
	return (int)total;
}

/*
 * Only the transport header is built (no IP header, no payload): this
 * runs for every quoted reply that names a probe of the flow.
 */
int
probe_pkt_l4_head(const struct probe_flow *f, int idx, uint8_t out[8])
{
	uint8_t	 hdr[TCP_HDR + 2];	/* largest header + checksum tag */
	int	 size;

	if ((size = flow_size(f, idx)) < 0)
		return -1;
	memset(hdr, 0, sizeof(hdr));
	if (build_l4(f, idx, hdr,
	    (size_t)size - (f->af == 6 ? IP6_HDR : IP4_HDR)) == -1)
		return -1;
	memcpy(out, hdr, 8);
	return 0;
}

/*
 * RFC 4884 / 4950: the extension structure of an ICMP error whose
 * original datagram is origlen bytes (0: a router that does not say,
 * whose extension then follows the 128 bytes RFC 4884 pads to), parsed
 * for MPLS label stack objects.  Bad extensions are ignored (the reply
 * itself stays valid), as routers get them wrong often enough.
 */
static void
parse_ext(const uint8_t *icmp, size_t len, size_t origlen,
    struct probe_reply *r)
{
	const uint8_t	*p;
	size_t		 left, olen, i, off;

	if (origlen == 0 && len <= ICMP_HDR + EXT_MIN_ORIG)
		return;
	off = ICMP_HDR + (origlen != 0 ? origlen : EXT_MIN_ORIG);
	if (off + 4 > len || (icmp[off] >> 4) != 2)
		return;
	p = icmp + off + 4;
	left = len - off - 4;
	while (left >= 4) {
		olen = get16(p);
		if (olen < 4 || olen > left)
			return;
		if (p[2] == 1 && p[3] == 1) {		/* MPLS, incoming stack */
			for (i = 4; i + 4 <= olen && r->nmpls < TRACE_MAX_MPLS;
			    i += 4) {
				uint32_t e = get32(p + i);

				r->mpls[r->nmpls].label = e >> 12;
				r->mpls[r->nmpls].exp = (uint8_t)((e >> 9) & 7);
				r->mpls[r->nmpls].s = (uint8_t)((e >> 8) & 1);
				r->mpls[r->nmpls].ttl = (uint8_t)e;
				r->nmpls++;
			}
		}
		p += olen;
		left -= olen;
	}
}

/*
 * The quoted packet of an ICMPv4 error: icmp[0..len) is the whole ICMP
 * message.  Needs the quoted IP header and 8 transport bytes.
 */
static int
parse_quote4(const uint8_t *icmp, size_t len, struct probe_reply *r)
{
	const uint8_t	*q = icmp + ICMP_HDR;
	size_t		 qlen = len - ICMP_HDR, ihl, origlen;

	if (len < ICMP_HDR + IP4_HDR + 8)
		return -1;
	origlen = (size_t)icmp[5] * 4;		/* RFC 4884 length, 0 if none */
	if ((q[0] >> 4) != 4)
		return -1;
	ihl = (size_t)(q[0] & 0x0f) * 4;
	if (ihl < IP4_HDR || ihl + 8 > qlen)
		return -1;
	if (origlen != 0 && origlen < ihl + 8)
		return -1;
	r->q_tos = q[1];
	r->q_len = get16(q + 2);
	r->q_id = get16(q + 4);
	r->q_frag = get16(q + 6);
	r->q_ttl = q[8];
	r->q_proto = q[9];
	memcpy(r->q_src, q + 12, 4);
	memcpy(r->q_dst, q + 16, 4);
	memcpy(r->q_l4, q + ihl, 8);
	parse_ext(icmp, len, origlen, r);
	return 0;
}

static int
parse_tcp(const uint8_t *p, size_t len, struct probe_reply *r)
{
	if (len < TCP_HDR || (size_t)(p[12] >> 4) * 4 < TCP_HDR)
		return -1;
	r->kind = PROBE_REPLY_TCP;
	r->icmp_type = r->icmp_code = -1;
	r->tcp_sport = get16(p);
	r->tcp_dport = get16(p + 2);
	r->tcp_ack = get32(p + 8);
	r->tcp_flags = p[13];
	if (!(r->tcp_flags & TCP_RST) &&
	    (r->tcp_flags & (TCP_SYN | TCP_ACK)) != (TCP_SYN | TCP_ACK))
		return 1;	/* neither SYN-ACK nor RST: not a reply */
	return 0;
}

/* An echo reply (ICMP or ICMPv6, header length already checked). */
static int
parse_echo(const uint8_t *icmp, struct probe_reply *r)
{
	r->kind = PROBE_REPLY_ECHO;
	r->echo_id = get16(icmp + 4);
	r->echo_seq = get16(icmp + 6);
	return 0;
}

static void
reply_init(struct probe_reply *r, int af)
{
	memset(r, 0, sizeof(*r));
	r->af = af;
	r->reply_ttl = -1;
	r->q_proto = r->q_tos = r->q_len = r->q_id = r->q_frag = r->q_ttl = -1;
}

int
probe_pkt_parse4(const uint8_t *pkt, size_t len, struct probe_reply *r)
{
	size_t		 ihl, tot;
	const uint8_t	*icmp;

	reply_init(r, 4);
	if (len < IP4_HDR || (pkt[0] >> 4) != 4)
		return -1;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = get16(pkt + 2);
	if (ihl < IP4_HDR || ihl > len)
		return -1;
	/* Linux raw sockets hand the real length; trust the smaller one. */
	if (tot >= ihl && tot < len)
		len = tot;
	r->reply_ttl = pkt[8];
	memcpy(r->from, pkt + 12, 4);
	if (pkt[9] == PROTO_TCP)
		return parse_tcp(pkt + ihl, len - ihl, r);
	if (pkt[9] != PROTO_ICMP)
		return 1;
	icmp = pkt + ihl;
	len -= ihl;
	if (len < ICMP_HDR)
		return -1;
	/* Raw sockets see ICMP before the kernel checks it: we check. */
	if (probe_pkt_fold(probe_pkt_sum(icmp, len, 0)) != 0)
		return -1;
	r->icmp_type = icmp[0];
	r->icmp_code = icmp[1];
	switch (icmp[0]) {
	case 0:		/* echo reply */
		return parse_echo(icmp, r);
	case 3:
		r->kind = PROBE_REPLY_UNREACH;
		break;
	case 11:
		r->kind = PROBE_REPLY_TIME_EXCEEDED;
		break;
	case 12:
		r->kind = PROBE_REPLY_PARAM;
		break;
	default:
		return 1;
	}
	return parse_quote4(icmp, len, r);
}

int
probe_pkt_parse6_icmp(const uint8_t *icmp, size_t len, const uint8_t from[16],
    int hlim, struct probe_reply *r)
{
	const uint8_t	*q;
	size_t		 origlen;

	reply_init(r, 6);
	memcpy(r->from, from, 16);
	r->reply_ttl = hlim;
	if (len < ICMP_HDR)
		return -1;
	r->icmp_type = icmp[0];
	r->icmp_code = icmp[1];
	switch (icmp[0]) {
	case 129:	/* echo reply */
		return parse_echo(icmp, r);
	case 1:
		r->kind = PROBE_REPLY_UNREACH;
		break;
	case 2:
		r->kind = PROBE_REPLY_TOO_BIG;
		break;
	case 3:
		r->kind = PROBE_REPLY_TIME_EXCEEDED;
		break;
	case 4:
		r->kind = PROBE_REPLY_PARAM;
		break;
	default:
		return 1;
	}
	if (len < ICMP_HDR + IP6_HDR + 8)
		return -1;
	q = icmp + ICMP_HDR;
	if ((q[0] >> 4) != 6)
		return -1;
	/* RFC 4884 length (64-bit words) only in time exceeded / unreach. */
	origlen = (icmp[0] == 1 || icmp[0] == 3) ? (size_t)icmp[4] * 8 : 0;
	if (origlen != 0 && origlen < IP6_HDR + 8)
		return -1;
	r->q_tos = (int)((get16(q) >> 4) & 0xff);
	r->q_len = get16(q + 4);
	r->q_proto = q[6];
	r->q_ttl = q[7];
	memcpy(r->q_src, q + 8, 16);
	memcpy(r->q_dst, q + 24, 16);
	memcpy(r->q_l4, q + IP6_HDR, 8);
	if (icmp[0] == 1 || icmp[0] == 3)
		parse_ext(icmp, len, origlen, r);
	return 0;
}

int
probe_pkt_parse6_tcp(const uint8_t *p, size_t len, const uint8_t from[16],
    int hlim, struct probe_reply *r)
{
	reply_init(r, 6);
	memcpy(r->from, from, 16);
	r->reply_ttl = hlim;
	return parse_tcp(p, len, r);
}

/* Probe number a quoted transport head names, -1 if none of this flow. */
static int
quoted_index(const struct probe_flow *f, const struct probe_reply *r)
{
	const uint8_t	*h = r->q_l4;

	switch (f->method) {
	case TRACE_METHOD_UDP:
	case TRACE_METHOD_UDP_PARIS:
		if (get16(h) != f->sport)
			return -1;
		if (f->method == TRACE_METHOD_UDP && !f->fixed_port)
			return (uint16_t)(get16(h + 2) - f->dport);
		if (get16(h + 2) != f->dport)
			return -1;
		return get16(h + 6) - 1;
	case TRACE_METHOD_ICMP:
	case TRACE_METHOD_ICMP_PARIS:
		if (h[0] != (f->af == 6 ? 128 : 8) || h[1] != 0 ||
		    get16(h + 4) != f->icmp_id)
			return -1;
		return get16(h + 6) - 1;
	case TRACE_METHOD_TCP:
		if (get16(h) != f->sport || get16(h + 2) != f->dport ||
		    get16(h + 4) != f->tcp_seq_hi)
			return -1;
		return get16(h + 6);
	default:
		return -1;
	}
}

int
probe_pkt_match(const struct probe_flow *f, const struct probe_reply *r,
    int nprobes)
{
	uint8_t	 head[8];
	size_t	 al = alen(f->af);
	int	 idx;
	uint32_t seq;

	if (r->af != f->af)
		return -1;
	switch (r->kind) {
	case PROBE_REPLY_ECHO:
		if (f->method != TRACE_METHOD_ICMP &&
		    f->method != TRACE_METHOD_ICMP_PARIS)
			return -1;
		if (memcmp(r->from, f->dst, al) != 0 || r->echo_id != f->icmp_id)
			return -1;
		idx = r->echo_seq - 1;
		break;
	case PROBE_REPLY_TCP:
		if (f->method != TRACE_METHOD_TCP ||
		    memcmp(r->from, f->dst, al) != 0 ||
		    r->tcp_sport != f->dport || r->tcp_dport != f->sport ||
		    !(r->tcp_flags & TCP_ACK))
			return -1;
		seq = r->tcp_ack - 1;
		if ((seq >> 16) != f->tcp_seq_hi)
			return -1;
		idx = (int)(seq & 0xffff);
		break;
	default:
		if (r->q_proto != l4_proto(f) ||
		    memcmp(r->q_src, f->src, al) != 0 ||
		    memcmp(r->q_dst, f->dst, al) != 0)
			return -1;
		if ((idx = quoted_index(f, r)) < 0 || idx >= nprobes)
			return -1;
		if (probe_pkt_l4_head(f, idx, head) == -1 ||
		    memcmp(head, r->q_l4, 8) != 0)
			return -1;
		break;
	}
	if (idx < 0 || idx >= nprobes)
		return -1;
	return idx;
}

int
probe_pkt_is_destination(const struct probe_flow *f, const struct probe_reply *r)
{
	if (memcmp(r->from, f->dst, alen(f->af)) != 0)
		return 0;
	switch (r->kind) {
	case PROBE_REPLY_ECHO:
	case PROBE_REPLY_TCP:
		return 1;
	case PROBE_REPLY_UNREACH:
		/* Port unreachable (v4 3, v6 4) or protocol unreachable. */
		if (f->af == 4)
			return r->icmp_code == 3 || r->icmp_code == 2;
		return r->icmp_code == 4;
	default:
		return 0;
	}
}

int
probe_pkt_is_terminal(const struct probe_flow *f, const struct probe_reply *r)
{
	if (probe_pkt_is_destination(f, r))
		return 1;
	return r->kind == PROBE_REPLY_UNREACH;
}

void
probe_pkt_annotation(const struct probe_flow *f, const struct probe_reply *r,
    char out[8])
{
	const char	*s = "";
	char		 num[8];

	if (r->kind == PROBE_REPLY_UNREACH && !probe_pkt_is_destination(f, r)) {
		if (r->af == 4) {
			switch (r->icmp_code) {
			case 0: case 6: case 8: case 11: s = "!N"; break;
			case 1: case 7: case 12: s = "!H"; break;
			case 2: s = "!P"; break;
			case 4: s = "!F"; break;
			case 5: s = "!S"; break;
			case 9: case 10: case 13: s = "!X"; break;
			case 3: s = ""; break;	/* port unreachable elsewhere */
			default:
				snprintf(num, sizeof(num), "!%d", r->icmp_code & 0xff);
				s = num;
			}
		} else {
			switch (r->icmp_code) {
			case 0: s = "!N"; break;
			case 1: case 5: case 6: s = "!X"; break;
			case 2: s = "!S"; break;
			case 3: s = "!H"; break;
			case 4: s = ""; break;
			default:
				snprintf(num, sizeof(num), "!%d", r->icmp_code & 0xff);
				s = num;
			}
		}
	} else if (r->kind == PROBE_REPLY_TOO_BIG)
		s = "!F";
	if (*s == '\0' && r->reply_ttl >= 0 && r->reply_ttl <= 1)
		s = "!";
	snprintf(out, 8, "%s", s);
}

char *
probe_pkt_quoted_diff(const struct probe_flow *f, int idx,
    const struct probe_reply *r)
{
	char	 buf[160];
	size_t	 n = 0;
	int	 size = probe_pkt_size(f);
	int	 len, df;

	if (r->q_proto < 0)
		return NULL;
	buf[0] = '\0';
	if (r->q_tos >= 0 && r->q_tos != f->tos)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " tos 0x%02x->0x%02x",
		    f->tos, r->q_tos);
	len = f->af == 6 ? size - IP6_HDR : size;
	if (r->q_len >= 0 && r->q_len != len && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " len %d->%d", len,
		    r->q_len);
	if (f->af == 4 && r->q_id >= 0 && r->q_id != ((idx + 1) & 0xffff) &&
	    n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " id %d->%d",
		    idx + 1, r->q_id);
	df = f->dont_fragment ? 0x4000 : 0;
	if (f->af == 4 && r->q_frag >= 0 && r->q_frag != df && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    " frag 0x%04x->0x%04x", df, r->q_frag);
	return n == 0 ? NULL : strdup(buf + 1);
}
