/* fuzz_icmp6.c: an ICMPv6 message or TCP segment (first byte picks which), parsed and matched. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe_pkt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 3, [15] = 2 };
	struct probe_reply r;
	struct probe_flow f;
	char	 annot[8], *d;
	int	 m, idx, rc;

	if (len < 1)
		return 0;
	if (data[0] & 1)
		rc = probe_pkt_parse6_tcp(data + 1, len - 1, dst, 64, &r);
	else
		rc = probe_pkt_parse6_icmp(data + 1, len - 1, dst, 64, &r);
	if (rc != 0)
		return 0;
	for (m = TRACE_METHOD_UDP; m <= TRACE_METHOD_TCP; m++) {
		memset(&f, 0, sizeof(f));
		f.af = 6;
		f.method = (enum trace_method)m;
		memcpy(f.src, src, 16);
		memcpy(f.dst, dst, 16);
		f.sport = f.icmp_id = 0x8123;
		f.dport = m == TRACE_METHOD_TCP ? 80 : 33434;
		f.tcp_seq_hi = 0xbeef;
		f.paris_cksum = 0x1234;
		idx = probe_pkt_match(&f, &r, 90);
		if (idx >= 90)
			abort();
		probe_pkt_annotation(&f, &r, annot);
		(void)probe_pkt_is_terminal(&f, &r);
		if (idx >= 0) {
			d = probe_pkt_quoted_diff(&f, idx, &r);
			free(d);
		}
	}
	if (r.nmpls < 0 || r.nmpls > TRACE_MAX_MPLS)
		abort();
	return 0;
}
