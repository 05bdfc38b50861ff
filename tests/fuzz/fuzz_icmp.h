/* fuzz_icmp.h: what fuzz_icmp4 and fuzz_icmp6 check of a parsed reply, matched against every method's flow. */
#ifndef TRACEPAIR_FUZZ_ICMP_H
#define TRACEPAIR_FUZZ_ICMP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe_pkt.h"

/*
 * Match r against a flow of each method from src to dst (af 4 or 6) and
 * abort on anything out of bounds: a probe index past nprobes, an
 * annotation that does not fit, an MPLS count past the stack.
 */
static void
fuzz_icmp_check(const struct probe_reply *r, int af, const uint8_t *src,
    const uint8_t *dst)
{
	struct probe_flow f;
	char	 annot[8], *d;
	size_t	 al = af == 6 ? 16 : 4;
	int	 m, idx;

	for (m = TRACE_METHOD_UDP; m <= TRACE_METHOD_TCP; m++) {
		memset(&f, 0, sizeof(f));
		f.af = af;
		f.method = (enum trace_method)m;
		memcpy(f.src, src, al);
		memcpy(f.dst, dst, al);
		f.sport = f.icmp_id = 0x8123;
		f.dport = m == TRACE_METHOD_TCP ? 80 : 33434;
		f.tcp_seq_hi = 0xbeef;
		f.paris_cksum = 0x1234;
		idx = probe_pkt_match(&f, r, 90);
		if (idx >= 90)
			abort();
		probe_pkt_annotation(&f, r, annot);
		if (strlen(annot) >= sizeof(annot))
			abort();
		(void)probe_pkt_is_terminal(&f, r);
		if (idx >= 0) {
			d = probe_pkt_quoted_diff(&f, idx, r);
			free(d);
		}
	}
	if (r->nmpls < 0 || r->nmpls > TRACE_MAX_MPLS)
		abort();
}

#endif
