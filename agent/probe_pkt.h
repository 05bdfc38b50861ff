/* probe_pkt.h: probe packets built, and ICMP/TCP replies parsed and matched to probes (pure functions). */
#ifndef TRACEPAIR_PROBE_PKT_H
#define TRACEPAIR_PROBE_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define PROBE_PKT_MAX		65535	/* largest probe or reply we handle */
#define PROBE_PKT_V4_DEFAULT	60	/* default total length, as Linux traceroute */
#define PROBE_PKT_V6_DEFAULT	80
#define PROBE_PKT_UDP_PORT	33434	/* default UDP base port */
#define PROBE_PKT_TCP_PORT	80	/* default TCP destination port */

/*
 * What every probe of one run shares: the flow.  Probe number idx
 * (0..nprobes-1) is written into a field the ICMP error quotes back:
 *   udp         destination port = dport + idx (with fixed_port: UDP
 *               checksum = idx + 1, payload chosen to produce it)
 *   udp-paris   ports constant; UDP checksum = idx + 1
 *   icmp        echo id = icmp_id, sequence = idx + 1
 *   icmp-paris  the same, and the ICMP checksum kept at paris_cksum
 *   tcp         sequence number = tcp_seq_hi << 16 | idx
 * IPv4 probes also carry idx + 1 in the IP ID.
 */
struct probe_flow {
	int		 af;		/* 4 or 6 */
	enum trace_method method;
	uint8_t		 src[16];	/* source address (4 bytes used for v4) */
	uint8_t		 dst[16];	/* destination address */
	uint16_t	 sport;		/* UDP/TCP source port (run identifier) */
	uint16_t	 dport;		/* UDP base / fixed port, TCP destination port */
	uint16_t	 icmp_id;	/* echo identifier (run identifier) */
	uint16_t	 tcp_seq_hi;	/* high half of every TCP sequence number */
	uint16_t	 paris_cksum;	/* icmp-paris: the constant ICMP checksum */
	int		 fixed_port;	/* udp: do not grow the port per probe */
	int		 tos;		/* TOS / traffic class */
	int		 dont_fragment;	/* IPv4 DF bit */
	int		 size;		/* total length incl. the IP header */
};

/* What a received packet is, once parsed. */
enum probe_reply_kind {
	PROBE_REPLY_TIME_EXCEEDED = 0,	/* ICMP time exceeded (quotes a probe) */
	PROBE_REPLY_UNREACH,		/* ICMP destination unreachable (quotes) */
	PROBE_REPLY_TOO_BIG,		/* ICMPv6 packet too big (quotes) */
	PROBE_REPLY_PARAM,		/* ICMP parameter problem (quotes) */
	PROBE_REPLY_ECHO,		/* ICMP echo reply from the destination */
	PROBE_REPLY_TCP			/* TCP segment (SYN-ACK or RST) */
};

/* One parsed reply: who sent it, what it says and the probe it quotes. */
struct probe_reply {
	int		 af;		/* 4 or 6 */
	enum probe_reply_kind kind;
	uint8_t		 from[16];	/* responder address */
	int		 reply_ttl;	/* TTL / hop limit of the reply, -1 unknown */
	int		 icmp_type;	/* -1 for TCP */
	int		 icmp_code;	/* -1 for TCP */
	/* Errors: the quoted probe's headers. */
	uint8_t		 q_src[16];	/* quoted source address */
	uint8_t		 q_dst[16];	/* quoted destination address */
	int		 q_proto;	/* quoted protocol / next header */
	int		 q_tos;		/* quoted TOS / traffic class */
	int		 q_len;		/* quoted total (v4) / payload (v6) length */
	int		 q_id;		/* quoted IP ID (v4), -1 for v6 */
	int		 q_frag;	/* quoted flags+fragment offset (v4), -1 v6 */
	int		 q_ttl;		/* quoted TTL / hop limit */
	uint8_t		 q_l4[8];	/* first 8 bytes of the quoted transport header */
	/* Echo replies. */
	uint16_t	 echo_id, echo_seq;
	/* TCP replies. */
	uint16_t	 tcp_sport, tcp_dport;
	uint32_t	 tcp_ack;
	uint8_t		 tcp_flags;
	/* RFC 4884/4950 MPLS label stack, if the error carried one. */
	int		 nmpls;
	struct trace_mpls mpls[TRACE_MAX_MPLS];
};

/* Internet checksum of buf, continuing the 32-bit partial sum init. */
uint32_t probe_pkt_sum(const void *buf, size_t len, uint32_t init);
uint16_t probe_pkt_fold(uint32_t sum);

/* Default total length of a probe for af and method. */
int	probe_pkt_default_size(int af, enum trace_method);
/* 1 when id may be a flow's identifier (its UDP/TCP source port, its
   ICMP id): >= PROBE_PKT_FLOW_MIN and outside the default UDP ports */
#define PROBE_PKT_FLOW_MIN	1024
#define PROBE_PKT_UDP_SPAN	1024	/* default UDP ports kept clear */
int	probe_pkt_flow_id_ok(uint16_t id);
/* Smallest total length a probe of this flow can have. */
int	probe_pkt_min_size(int af, enum trace_method);
/* Total length of f's probes: f->size (0: the default), raised to the minimum. */
int	probe_pkt_size(const struct probe_flow *);

/*
 * Build probe idx with the given TTL into buf.  IPv4: the whole packet
 * including the IP header (for an IP_HDRINCL socket); IPv6: the transport
 * header and payload only (the kernel adds the IPv6 header; send it with
 * the flow's source in IPV6_PKTINFO).  Returns the length, -1 if cap is
 * too small or the flow is bad.
 */
int	probe_pkt_build(const struct probe_flow *, int idx, int ttl,
	    uint8_t *buf, size_t cap);
/* The first 8 transport bytes probe idx carries (what an error quotes). */
int	probe_pkt_l4_head(const struct probe_flow *, int idx, uint8_t out[8]);

/*
 * Parse what a socket returned.  Returns 0 and fills r, 1 when the packet
 * is well formed but not a kind of reply probes get (an echo request,
 * a router advertisement), -1 when it is truncated or inconsistent.
 *   parse4:      a whole IPv4 packet (IPv4 raw socket: ICMP or TCP)
 *   parse6_icmp: an ICMPv6 message from `from`, hop limit hlim (-1 unknown)
 *   parse6_tcp:  a TCP segment from `from`
 */
int	probe_pkt_parse4(const uint8_t *, size_t, struct probe_reply *);
int	probe_pkt_parse6_icmp(const uint8_t *, size_t, const uint8_t from[16],
	    int hlim, struct probe_reply *);
int	probe_pkt_parse6_tcp(const uint8_t *, size_t, const uint8_t from[16],
	    int hlim, struct probe_reply *);

/*
 * Which probe of the flow (0..nprobes-1) a reply answers, or -1.  Strict:
 * addresses, protocol, ports / echo id, and the whole quoted 8-byte
 * transport head must be what that probe carried; direct replies (echo
 * reply, SYN-ACK/RST) must come from the destination.
 */
int	probe_pkt_match(const struct probe_flow *, const struct probe_reply *,
	    int nprobes);
/* 1 when the reply means the destination answered. */
int	probe_pkt_is_destination(const struct probe_flow *, const struct probe_reply *);
/* 1 when the reply ends the trace at its TTL (destination or unreachable). */
int	probe_pkt_is_terminal(const struct probe_flow *, const struct probe_reply *);
/* The traceroute annotation ("!H", "!N", ..., "!" for reply TTL <= 1, ""). */
void	probe_pkt_annotation(const struct probe_flow *, const struct probe_reply *,
	    char out[8]);
/*
 * How the quoted IP header differs from what probe idx carried (-D), as
 * "tos 0x00->0x04 len 60->52", or NULL if nothing differs (malloc'd).
 */
char	*probe_pkt_quoted_diff(const struct probe_flow *, int idx,
	    const struct probe_reply *);

#endif
