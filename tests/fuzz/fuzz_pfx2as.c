/* fuzz_pfx2as.c: asn_parse() (the -A table reader) on arbitrary bytes, then lookups. */
#include <stdint.h>
#include <stdlib.h>

#include "asn.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct asn_table *t;
	char	 err[256];

	if ((t = asn_parse((const char *)data, len, err, sizeof(err))) == NULL)
		return 0;
	(void)asn_lookup(t, "198.18.1.2");
	(void)asn_lookup(t, "2001:db8::1");
	(void)asn_lookup(t, "0.0.0.0");
	asn_free(t);
	return 0;
}
