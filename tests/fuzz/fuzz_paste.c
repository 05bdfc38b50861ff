/* fuzz_paste.c: paste_parse() in every format, paste_parse_pair(), the analysis and both reports, on arbitrary bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis.h"
#include "paste.h"
#include "report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const enum paste_format fmts[] = {
		PASTE_AUTO, PASTE_TRACEROUTE, PASTE_TRACERT, PASTE_MTR_REPORT,
		PASTE_MTR_JSON
	};
	struct trace	*t, *first = NULL, *first2;
	struct analysis	*a;
	char		 err[256], *s;
	FILE		*null;
	size_t		 i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		t = paste_parse((const char *)data, len, fmts[i], err, sizeof(err));
		if (t == NULL)
			continue;
		if (first == NULL) {
			first = t;
			continue;
		}
		/* whatever parsed must survive the analysis and the reports */
		if ((a = analysis_run(first, t, NULL, err, sizeof(err))) != NULL) {
			if ((null = fopen("/dev/null", "w")) != NULL) {
				report_text(null, first, t, a, NULL);
				fclose(null);
			}
			s = report_json(first, t, a, 0);
			free(s);
			analysis_free(a);
		}
		trace_free(t);
	}
	if (paste_parse_pair((const char *)data, len, &first2, &t, err,
	    sizeof(err)) == 0) {
		trace_free(first2);
		trace_free(t);
	}
	if (first != NULL) {
		if ((a = analysis_run(first, first, NULL, err, sizeof(err))) != NULL)
			analysis_free(a);
		trace_free(first);
	}
	return 0;
}
