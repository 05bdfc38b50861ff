/* fuzz_icmp4.c: an IPv4 packet as a raw socket returns it, parsed and matched against every method's flow. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe_pkt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint8_t src[4] = { 198, 18, 0, 1 }, dst[4] = { 198, 18, 3, 2 };
	struct probe_reply r;
	struct probe_flow f;
	char	 annot[8], *d;
	int	 m, idx;

	if (probe_pkt_parse4(data, len, &r) != 0)
		return 0;
	for (m = TRACE_METHOD_UDP; m <= TRACE_METHOD_TCP; m++) {
		memset(&f, 0, sizeof(f));
		f.af = 4;
		f.method = (enum trace_method)m;
		memcpy(f.src, src, 4);
		memcpy(f.dst, dst, 4);
		f.sport = f.icmp_id = 0x8123;
		f.dport = m == TRACE_METHOD_TCP ? 80 : 33434;
		f.tcp_seq_hi = 0xbeef;
		f.paris_cksum = 0x1234;
		idx = probe_pkt_match(&f, &r, 90);
		if (idx >= 90)
			abort();
		probe_pkt_annotation(&f, &r, annot);
		if (strlen(annot) >= sizeof(annot))
			abort();
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
