/* fuzz_aliases.c: the alias evidence of `tracepair analyze --aliases FILE` (analysis_aliases_parse) on arbitrary bytes, then an analysis that uses what it read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "trace.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A trace through two of the seeds' addresses, so that aliases can match. */
static struct trace *
small_trace(const char *a, const char *b)
{
	struct trace	*t = trace_new();
	struct trace_hop *h;

	if (t == NULL)
		return NULL;
	if ((h = trace_add_hop(t, 1, 1)) != NULL) {
		h->probes[0].replied = 1;
		h->probes[0].rtt_ms = 1;
		(void)trace_probe_set_addr(h, &h->probes[0], a);
	}
	if ((h = trace_add_hop(t, 2, 1)) != NULL) {
		h->probes[0].replied = 1;
		h->probes[0].rtt_ms = 2;
		(void)trace_probe_set_addr(h, &h->probes[0], b);
	}
	snprintf(t->dst, sizeof(t->dst), "%s", b);
	t->reached = 1;
	return t;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct analysis_alias *al = NULL;
	struct analysis_opts o;
	struct analysis	*a;
	struct trace	*f, *r;
	char		 err[256];
	int		 n, i;

	if ((n = analysis_aliases_parse((const char *)data, len, &al, err,
	    sizeof(err))) == -1) {
		if (memchr(err, '\n', strnlen(err, sizeof(err))) != NULL)
			abort();	/* an error is one line */
		return 0;
	}
	if (n < 0 || n > ANALYSIS_MAX_ALIASES || (n > 0) != (al != NULL))
		abort();
	for (i = 0; i < n; i++)
		if (strnlen(al[i].a, sizeof(al[i].a)) == sizeof(al[i].a) ||
		    strnlen(al[i].b, sizeof(al[i].b)) == sizeof(al[i].b))
			abort();
	f = small_trace("198.18.0.2", "198.18.0.14");
	r = small_trace("198.18.0.13", "198.18.0.1");
	if (f != NULL && r != NULL) {
		analysis_opts_init(&o);
		o.aliases = al;
		o.naliases = n;
		if ((a = analysis_run(f, r, &o, err, sizeof(err))) != NULL)
			analysis_free(a);
	}
	trace_free(f);
	trace_free(r);
	free(al);
	return 0;
}
