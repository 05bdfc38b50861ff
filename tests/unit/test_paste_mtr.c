/* test_paste_mtr.c: the arithmetic of mtr summaries (docs/analysis.md): Rcv when the report has it, else Snt x (1 - Loss%) rounded to the nearest probe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "paste.h"
#include "trace.h"

/* Parse text as fmt; the sent/received counts of hop ttl must be snt/rcv. */
static void
counts(const char *text, enum paste_format fmt, int ttl, int snt, int rcv)
{
	struct trace	*t;
	struct trace_hop_stats s;
	const struct trace_hop *h;
	char		 err[256];

	t = paste_parse(text, strlen(text), fmt, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_non_null(h = trace_hop_by_ttl(t, ttl));
	trace_hop_stats(h, &s);
	if (s.sent != snt || s.received != rcv)
		fail_msg("hop %d: %d of %d received, want %d of %d", ttl,
		    s.received, s.sent, rcv, snt);
	trace_free(t);
}

/* 4 of 7 received shows as 42.9 %: 7 x 0.571 = 3.997, rounded 4 (truncated: 3). */
static void
test_report_rounds(void **state)
{
	(void)state;
	counts("HOST: a.example    Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
	    "  1.|-- 198.18.1.1   42.9%     7    0.4   0.5   0.3   0.8   0.1\n"
	    "  2.|-- 198.18.1.2   14.3%     7    0.4   0.5   0.3   0.8   0.1\n",
	    PASTE_MTR_REPORT, 1, 7, 4);
	/* 6 of 7: 85.7 % of 7 = 5.999 */
	counts("HOST: a.example    Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
	    "  1.|-- 198.18.1.1   42.9%     7    0.4   0.5   0.3   0.8   0.1\n"
	    "  2.|-- 198.18.1.2   14.3%     7    0.4   0.5   0.3   0.8   0.1\n",
	    PASTE_MTR_REPORT, 2, 7, 6);
}

/* With a Rcv column, Rcv is the count (here it disagrees with Loss% on purpose). */
static void
test_report_rcv_column(void **state)
{
	(void)state;
	counts("HOST: a.example    Loss%   Snt   Rcv   Last   Avg  Best  Wrst\n"
	    "  1.|-- 198.18.1.1   25.0%     8     5    0.4   0.5   0.3   0.8\n",
	    PASTE_MTR_REPORT, 1, 8, 5);
}

/*
 * mtr --json: the same rounding.  6 of 7 shows as 14.286 %: 7 x 0.85714 =
 * 5.99998, rounded 6 (truncated: 5).
 */
static void
test_json_rounds(void **state)
{
	(void)state;
	counts("{\"report\":{\"mtr\":{\"dst\":\"198.18.1.2\"},\"hubs\":["
	    "{\"count\":1,\"host\":\"198.18.1.1\",\"Loss%\":14.286,\"Snt\":7,"
	    "\"Last\":0.4,\"Avg\":0.5,\"Best\":0.3,\"Wrst\":0.8,\"StDev\":0.1}]}}",
	    PASTE_MTR_JSON, 1, 7, 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_rounds),
		cmocka_unit_test(test_report_rcv_column),
		cmocka_unit_test(test_json_rounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
