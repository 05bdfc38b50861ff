/* fuzz_icmp4.c: an IPv4 packet as a raw socket returns it, parsed and matched against every method's flow. */
#include <stdint.h>

#include "fuzz_icmp.h"
#include "probe_pkt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint8_t src[4] = { 198, 18, 0, 1 }, dst[4] = { 198, 18, 3, 2 };
	struct probe_reply r;

	if (probe_pkt_parse4(data, len, &r) != 0)
		return 0;
	fuzz_icmp_check(&r, 4, src, dst);
	return 0;
}
