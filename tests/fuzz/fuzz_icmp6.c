/* fuzz_icmp6.c: an ICMPv6 message or TCP segment (first byte picks which), parsed and matched. */
#include <stdint.h>

#include "fuzz_icmp.h"
#include "probe_pkt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 3, [15] = 2 };
	struct probe_reply r;
	int	 rc;

	if (len < 1)
		return 0;
	if (data[0] & 1)
		rc = probe_pkt_parse6_tcp(data + 1, len - 1, dst, 64, &r);
	else
		rc = probe_pkt_parse6_icmp(data + 1, len - 1, dst, 64, &r);
	if (rc != 0)
		return 0;
	fuzz_icmp_check(&r, 6, src, dst);
	return 0;
}
