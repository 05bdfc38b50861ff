/* fuzz_paste.c: paste_parse() in every format (text, JSON, UTF-16), paste_parse_pair(), paste_is_pair(), the analysis and the reports (pair and one direction), on arbitrary bytes. */
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
		PASTE_MTR_JSON, PASTE_TRACEPATH, PASTE_PATHPING, PASTE_WINMTR,
		PASTE_ATLAS, PASTE_SCAMPER
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
	(void)paste_is_pair((const char *)data, len);
	if (paste_parse_pair((const char *)data, len, &first2, &t, err,
	    sizeof(err)) == 0) {
		trace_free(first2);
		trace_free(t);
	}
	if (first != NULL) {
		if ((a = analysis_run(first, first, NULL, err, sizeof(err))) != NULL)
			analysis_free(a);
		/* one trace alone, as `tracepair analyze FILE` runs it */
		if ((t = trace_new()) != NULL &&
		    (a = analysis_run(first, t, NULL, err, sizeof(err))) != NULL) {
			if ((null = fopen("/dev/null", "w")) != NULL) {
				report_one_text(null, first, a, NULL);
				fclose(null);
			}
			free(report_one_json(first, a, 0));
			analysis_free(a);
		}
		trace_free(t);
		trace_free(first);
	}
	return 0;
}
