/* fuzz_trace_json.c: trace_from_json() on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "trace.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct trace	*t;
	char		 err[256], *s;

	t = trace_from_json((const char *)data, len, err, sizeof(err));
	if (t != NULL) {
		s = trace_to_json(t, 0);
		free(s);
		trace_free(t);
	}
	return 0;
}
