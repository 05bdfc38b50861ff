/* test_paste.c: the pasted-traceroute parsers on the fixtures in tests/analysis/ and on bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "paste.h"
#include "trace.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp = fopen(path, "r");
	char	*buf = malloc(1 << 16);

	if (fp == NULL)
		fail_msg("%s: cannot open (run from the top of the tree)", path);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 16, fp);
	fclose(fp);
	return buf;
}

static struct trace *
load(const char *name, enum paste_format want)
{
	char		 path[256], err[256], *buf;
	size_t		 len;
	struct trace	*t;

	snprintf(path, sizeof(path), "tests/analysis/%s", name);
	buf = slurp(path, &len);
	assert_int_equal(paste_detect(buf, len), want);
	t = paste_parse(buf, len, PASTE_AUTO, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s:%s", path, err);
	free(buf);
	return t;
}

static void
hop_counts(const struct trace *t, int ttl, int sent, int recv)
{
	struct trace_hop_stats s;
	const struct trace_hop *h = trace_hop_by_ttl(t, ttl);

	assert_non_null(h);
	trace_hop_stats(h, &s);
	assert_int_equal(s.sent, sent);
	assert_int_equal(s.received, recv);
}

static const char *
main_name(const struct trace *t, int ttl)
{
	const struct trace_probe *p = trace_hop_main_probe(trace_hop_by_ttl(t, ttl));

	return p != NULL && p->name != NULL ? p->name : "";
}

static const char *
main_addr(const struct trace *t, int ttl)
{
	const struct trace_probe *p = trace_hop_main_probe(trace_hop_by_ttl(t, ttl));

	return p != NULL ? p->addr : "";
}

/* Seed 003 as printed: addresses stripped "(  3.52 ms", invalid "(342.5.133.1)". */
static void
test_seed003(void **state)
{
	struct trace	*f = load("seed003-forward.txt", PASTE_TRACEROUTE);
	struct trace	*r = load("seed003-reverse.txt", PASTE_TRACEROUTE);

	(void)state;
	assert_int_equal(f->nhops, 11);
	assert_string_equal(f->dst_name, "chicago4.mycompany.com");
	assert_string_equal(f->dst, "");	/* 342.5.133.4 is no address */
	assert_int_equal(f->max_ttl, 30);
	assert_int_equal(f->packet_size, 38);
	assert_true(f->reached);
	assert_string_equal(main_name(f, 1), "router.SanFrancisco.mycompany.com");
	assert_string_equal(main_addr(f, 10), "");
	assert_string_equal(main_name(f, 10), "router.Chicago.other-isp.net");
	hop_counts(f, 7, 3, 2);
	hop_counts(f, 10, 3, 1);
	hop_counts(f, 11, 3, 2);
	assert_true(trace_hop_by_ttl(f, 2)->probes[0].rtt_ms == 71.5);
	assert_int_equal(r->nhops, 9);
	assert_true(r->reached);
	hop_counts(r, 5, 3, 2);
	hop_counts(r, 9, 3, 3);
	assert_string_equal(main_name(r, 6), "pb-nap.geo.net");
	trace_free(f);
	trace_free(r);
}

/*
 * Several traceroute runs to one destination pasted one after another
 * are one trace: each hop's probes add up.  The limit's order is judged
 * run by run: hop 2 answers its first two probes in every run (limited,
 * though the merged order is not "k answers, then stars"); hop 4 loses
 * the last four of one run in three (not limited, though the merged order
 * would be).
 */
static void
test_runs_merged(void **state)
{
	static const char hdr[] =
	    "traceroute to 198.18.10.42 (198.18.10.42), 30 hops max, 60 byte packets\n";
	static const char *const run[3] = {
	    " 1  198.18.10.2  1.8 ms  1.8 ms  1.9 ms  1.8 ms  1.8 ms\n"
	    " 2  198.18.10.6  9.1 ms  9.0 ms * * *\n"
	    " 3  198.18.10.10  4.9 ms  4.8 ms * * *\n"
	    " 4  198.18.10.14  9.5 ms  9.5 ms  9.4 ms  9.4 ms  9.0 ms\n"
	    " 5  198.18.10.42  12 ms  12 ms  12 ms  12 ms  12 ms\n",
	    " 1  198.18.10.2  1.8 ms  1.8 ms  1.9 ms  1.8 ms  1.8 ms\n"
	    " 2  198.18.10.6  9.1 ms  9.0 ms * * *\n"
	    " 3  198.18.10.10  4.9 ms *  4.8 ms  4.8 ms  4.8 ms\n"
	    " 4  198.18.10.14  9.5 ms  9.5 ms  9.4 ms  9.4 ms  9.0 ms\n"
	    " 5  198.18.10.42  12 ms  12 ms  12 ms  12 ms  12 ms\n",
	    " 1  198.18.10.2  1.8 ms  1.8 ms  1.9 ms  1.8 ms  1.8 ms\n"
	    " 2  198.18.10.6  9.1 ms  9.0 ms * * *\n"
	    " 3  198.18.10.10  4.9 ms  4.8 ms  4.8 ms  4.8 ms  4.8 ms\n"
	    " 4  198.18.10.14  9.5 ms * * * *\n"
	    " 5  198.18.10.42  12 ms  12 ms  12 ms  12 ms  12 ms\n",
	};
	static const int order[6] = { 0, 0, 1, 0, 0, 0 };
	static const int recv[6] = { 0, 15, 6, 11, 11, 15 };
	char		 text[2048], err[256];
	struct trace	*t;
	int		 i, j;

	(void)state;
	text[0] = '\0';
	for (i = 0; i < 3; i++) {
		strcat(text, "$ traceroute -q 5 198.18.10.42\n");
		strcat(text, hdr);
		strcat(text, run[i]);
	}
	t = paste_parse(text, strlen(text), PASTE_AUTO, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_int_equal(t->nhops, 5);
	assert_true(t->reached);
	assert_string_equal(t->dst, "198.18.10.42");
	for (i = 1; i <= 5; i++) {
		const struct trace_hop *h = trace_hop_by_ttl(t, i);
		int	 n = 0;

		assert_non_null(h);
		assert_int_equal(h->nprobes, 15);
		for (j = 0; j < h->nprobes; j++)
			n += h->probes[j].replied != 0;
		if (n != recv[i] || h->rl_order != order[i] ||
		    (order[i] && h->rl_burst != 2))
			fail_msg("hop %d: %d replies, rl_order %d burst %d; want "
			    "%d, %d burst 2", i, n, h->rl_order, h->rl_burst,
			    recv[i], order[i]);
	}
	trace_free(t);

	/* a run to another destination is refused, one to the same name is not */
	snprintf(text, sizeof(text), "%s%straceroute to other (198.18.10.43), 30 "
	    "hops max\n%s", hdr, run[0], run[1]);
	assert_null(paste_parse(text, strlen(text), PASTE_AUTO, err, sizeof(err)));
	assert_string_equal(err, "7: cannot parse: a second trace to another "
	    "destination starts here (one trace per file; runs to one "
	    "destination are merged)");
	snprintf(text, sizeof(text), "traceroute to h42, 30 hops max\n%s"
	    "traceroute to h42, 30 hops max\n%s", run[0], run[1]);
	t = paste_parse(text, strlen(text), PASTE_AUTO, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_string_equal(t->dst_name, "h42");
	assert_int_equal(t->hops[0].nprobes, 10);
	trace_free(t);
}

/* Wassenaar's 20-probe summary lines and "( [AS701 - ...]" without a name. */
/*
 * Linux traceroute -q 10 sends a hop's probes at once; a router with an
 * ICMP rate limit answers the first few and drops the rest.  That order
 * marks the hop limited (rl_order, rl_burst); stars anywhere else, three
 * probes a hop, or probes made from counts (Wassenaar) do not.
 */
static void
test_order_limits(void **state)
{
	static const char text[] =
	    "traceroute to 198.18.10.42 (198.18.10.42), 30 hops max, 60 byte packets\n"
	    " 1  198.18.10.2  1.8 ms  1.8 ms  1.9 ms  1.8 ms  1.8 ms  1.9 ms * * * *\n"
	    " 2  198.18.10.6  9.1 ms * * * * * * * * *\n"
	    " 3  198.18.10.10  4.9 ms  4.8 ms  4.8 ms  4.7 ms  4.8 ms  4.7 ms *  5.0 ms * *\n"
	    " 4  * 198.18.10.14  9.5 ms  9.5 ms  9.4 ms  9.4 ms  9.0 ms  9.0 ms  9.1 ms  9.0 ms  9.2 ms\n"
	    " 5  198.18.10.18  19 ms *  19 ms *  19 ms *  19 ms *  19 ms *\n"
	    " 6  198.18.10.22  18 ms  18 ms  18 ms  18 ms  18 ms  18 ms  18 ms * * 18 ms\n"
	    " 7  198.18.10.26  57 ms * *\n"
	    " 8  198.18.10.42  94 ms  94 ms  94 ms  94 ms  94 ms  94 ms  94 ms  94 ms  94 ms  94 ms\n";
	static const int order[9] = { 0, 1, 1, 1, 0, 0, 0, 0, 0 };
	static const int burst[9] = { 0, 6, 1, 6, 0, 0, 0, 0, 0 };
	char		 err[256];
	struct trace	*t;
	int		 i;

	(void)state;
	t = paste_parse(text, sizeof(text) - 1, PASTE_AUTO, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_int_equal(t->nhops, 8);
	for (i = 1; i <= 8; i++) {
		const struct trace_hop *h = trace_hop_by_ttl(t, i);

		assert_non_null(h);
		if (h->rl_order != order[i] || (order[i] && h->rl_burst != burst[i]))
			fail_msg("hop %d: rl_order %d burst %d, want %d burst %d",
			    i, h->rl_order, h->rl_burst, order[i], burst[i]);
	}
	trace_free(t);
	t = load("seed003-wassenaar.txt", PASTE_TRACEROUTE);
	for (i = 0; i < t->nhops; i++)
		assert_int_equal(t->hops[i].rl_order, 0);
	trace_free(t);
}

static void
test_wassenaar(void **state)
{
	struct trace	*t = load("seed003-wassenaar.txt", PASTE_TRACEROUTE);
	struct trace_hop_stats s;

	(void)state;
	assert_int_equal(t->nhops, 13);
	hop_counts(t, 4, 20, 20);
	trace_hop_stats(trace_hop_by_ttl(t, 6), &s);
	assert_true(s.min_ms == 7.49 && s.max_ms == 68.8);
	assert_true(t->reached);
	trace_free(t);
}

static void
test_linux(void **state)
{
	struct trace	*t = load("linux-v4.txt", PASTE_TRACEROUTE);
	struct trace_hop *h;

	(void)state;
	assert_string_equal(t->dst, "198.18.9.2");
	assert_int_equal(t->af, 4);
	assert_true(t->reached);
	assert_string_equal(t->stop_reason, "completed");
	h = trace_hop_by_ttl(t, 2);	/* two responders (ECMP) */
	assert_string_equal(h->probes[0].addr, "198.18.2.2");
	assert_string_equal(h->probes[1].addr, "198.18.2.6");
	assert_string_equal(h->probes[1].name, "r2b.lab");
	hop_counts(t, 3, 3, 0);
	h = trace_hop_by_ttl(t, 4);	/* -n style, !H, a star */
	assert_string_equal(h->probes[0].addr, "198.18.4.2");
	assert_null(h->probes[0].name);
	assert_string_equal(trace_probe_more_alloc(&h->probes[0])->annot, "!H");
	assert_false(h->probes[2].replied);
	assert_int_equal(trace_hop_by_ttl(t, 5)->probes[0].asn, 64500);
	trace_free(t);
}

/* tcptraceroute's header, Linux -e MPLS and --mtu tokens, BSD MPLS lines. */
static void
test_tcptraceroute_mpls(void **state)
{
	struct trace	*t = load("tcptraceroute-mpls.txt", PASTE_TRACEROUTE);

	(void)state;
	assert_string_equal(t->dst, "198.18.9.2");
	assert_string_equal(t->dst_name, "b");
	assert_int_equal(t->nhops, 3);
	hop_counts(t, 2, 3, 3);
	assert_string_equal(main_name(t, 2), "r2");
	assert_string_equal(main_name(t, 3), "b");
	assert_true(t->reached);
	trace_free(t);
}

static void
test_bsd_and_v6(void **state)
{
	struct trace	*t = load("bsd-continuation.txt", PASTE_TRACEROUTE);

	(void)state;
	hop_counts(t, 2, 3, 3);
	assert_string_equal(trace_hop_by_ttl(t, 2)->probes[2].name, "core-b");
	assert_int_equal(t->max_ttl, 64);
	trace_free(t);
	t = load("linux-v6.txt", PASTE_TRACEROUTE);
	assert_int_equal(t->af, 6);
	assert_string_equal(t->dst, "2001:db8:9::2");
	hop_counts(t, 2, 3, 2);
	assert_true(t->reached);
	trace_free(t);
}

static void
test_tracert(void **state)
{
	struct trace	*t = load("tracert.txt", PASTE_TRACERT);

	(void)state;
	assert_string_equal(t->source, "tracert");
	assert_string_equal(t->dst, "198.18.9.2");
	assert_string_equal(t->dst_name, "b.example");
	assert_int_equal(t->nhops, 4);
	assert_true(trace_hop_by_ttl(t, 1)->probes[0].rtt_ms == 0.5);	/* <1 ms */
	hop_counts(t, 2, 3, 2);
	assert_string_equal(main_name(t, 2), "core.example");
	assert_string_equal(main_addr(t, 2), "198.18.2.2");
	hop_counts(t, 3, 3, 0);
	assert_true(t->reached);
	trace_free(t);
	t = load("tracert-unreach.txt", PASTE_TRACERT);
	assert_false(t->reached);
	assert_string_equal(trace_probe_more(&trace_hop_by_ttl(t, 2)->probes[0])->annot, "!N");
	assert_string_equal(trace_hop_by_ttl(t, 2)->probes[0].addr, "198.18.1.1");
	trace_free(t);
}

static void
test_mtr(void **state)
{
	struct trace	*t = load("mtr-report.txt", PASTE_MTR_REPORT);
	struct trace_hop_stats s;

	(void)state;
	assert_string_equal(t->source, "mtr");
	hop_counts(t, 1, 20, 20);
	hop_counts(t, 2, 20, 0);
	hop_counts(t, 3, 20, 18);
	trace_hop_stats(trace_hop_by_ttl(t, 3), &s);
	assert_true(s.min_ms == 5.0 && s.max_ms == 6.2);
	assert_string_equal(main_name(t, 3), "core.example");
	trace_free(t);
	t = load("mtr.json", PASTE_MTR_JSON);
	assert_string_equal(t->dst, "198.18.9.2");
	hop_counts(t, 2, 10, 0);	/* "count": "2" as a string */
	hop_counts(t, 3, 10, 8);
	assert_string_equal(main_addr(t, 3), "198.18.9.2");
	assert_string_equal(main_name(t, 3), "b.example");
	assert_true(t->reached);
	trace_free(t);
}

/* tracepair's own JSON goes through trace_from_json unchanged. */
static void
test_tracepair_json(void **state)
{
	struct trace	*t = load("linux-v4.txt", PASTE_TRACEROUTE), *u;
	char		*js, err[256];

	(void)state;
	js = trace_to_json(t, 1);
	assert_int_equal(paste_detect(js, strlen(js)), PASTE_TRACEPAIR);
	u = paste_parse(js, strlen(js), PASTE_AUTO, err, sizeof(err));
	assert_non_null(u);
	assert_int_equal(u->nhops, t->nhops);
	assert_string_equal(trace_probe_more(&trace_hop_by_ttl(u, 4)->probes[0])->annot, "!H");
	free(js);
	trace_free(t);
	trace_free(u);
}

/* Each bad input: the error names the line. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		enum paste_format fmt;
		const char	*want;		/* prefix of the error */
	} bad[] = {
		/* a note between hops is skipped, a malformed hop line is not */
		{ "traceroute to x (198.18.9.2), 30 hops max\n 1  gw  1.0 ms\n"
		  "this is not a traceroute line\n 2  gw  1.0 ms {x}\n", PASTE_AUTO,
		  "4: cannot parse" },
		{ "", PASTE_AUTO, "1: cannot parse: no trace found; formats read: "
		  "traceroute/traceroute6 (Linux" },
		{ "$ traceroute\nusage: traceroute host\n", PASTE_AUTO,
		  "2: cannot parse: no trace found; formats read: " },
		{ "\n\n", PASTE_TRACEROUTE, "2: cannot parse: no hop lines" },
		{ " 1  gw  1.0 ms !TOOLONGANNOT\n", PASTE_AUTO, "1: cannot parse annotation" },
		{ " 2  gw  1.0 ms\n 1  gw  1.0 ms\n", PASTE_AUTO, "2: cannot parse: hop 1 after hop 2" },
		{ " 1  gw  5/3 pkts\n", PASTE_AUTO, "1: cannot parse probe count" },
		{ "Tracing route to x [198.18.9.2]\n  1  junk (x)\n", PASTE_AUTO,
		  "2: cannot parse tracert" },
		{ "HOST: a Loss% Snt\n  1.|-- gw  abc  10\n", PASTE_AUTO,
		  "2: cannot parse mtr value" },
		{ "  1.|-- gw  0.0%  10\n", PASTE_MTR_REPORT, "1: cannot parse mtr hop before" },
		{ "{\"report\": {\"hubs\": [{\"count\": 1}]}}", PASTE_AUTO,
		  "1: cannot parse mtr JSON: hub 1" },
		{ "{\n\"version\": 1,\n", PASTE_AUTO, "3: cannot parse tracepair JSON" },
		{ "HOST: a Loss% Snt\n  1.|-- gw  0.0%  10  [limited fast]\n",
		  PASTE_AUTO, "2: cannot parse tracepair note" },
		{ " 1  gw (198.18.1.1)\0 1.0 ms\n", PASTE_AUTO, "1: cannot parse: NUL" },
	};
	char		 err[256];
	size_t		 i, len;
	struct trace	*t;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = strlen(bad[i].text);
		if (i == sizeof(bad) / sizeof(bad[0]) - 1)
			len = 28;	/* includes the NUL byte */
		err[0] = '\0';
		t = paste_parse(bad[i].text, len, bad[i].fmt, err, sizeof(err));
		if (t != NULL || strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err,
			    bad[i].want);
	}
}

static void
test_long_line(void **state)
{
	char	*buf, err[256];
	size_t	 n = PASTE_MAX_LINE + 10;

	(void)state;
	buf = malloc(n + 20);
	assert_non_null(buf);
	memcpy(buf, " 1  gw  1.0 ms\n 2  ", 19);
	memset(buf + 19, 'a', n);
	assert_null(paste_parse(buf, n + 19, PASTE_TRACEROUTE, err, sizeof(err)));
	assert_non_null(strstr(err, "2: cannot parse: line longer"));
	free(buf);
}

/*
 * A number token longer than a host name may be ("0.000...0x", 300 bytes)
 * followed by "ms" or "%" is no RTT and no mtr value, though its first
 * 255 bytes are a number.
 */
static void
test_long_number(void **state)
{
	static const struct {
		const char	*fmt;		/* %s: the long token */
		const char	*want;		/* prefix of the error */
	} bad[] = {
		{ " 1  gw  %sms\n", "1: cannot parse \"" },
		{ " 1  gw  %s ms\n", "1: cannot parse \"" },
		{ "Tracing route to x [198.18.9.2]\n  1  %sms  gw\n",
		  "2: cannot parse tracert line" },
		{ "HOST: a Loss%% Snt\n  1.|-- gw  %s%%  10\n",
		  "2: cannot parse mtr value" },
	};
	char		 tok[301], text[512], err[256];
	size_t		 i;
	struct trace	*t;

	(void)state;
	memset(tok, '0', sizeof(tok) - 2);
	tok[1] = '.';
	tok[sizeof(tok) - 2] = 'x';
	tok[sizeof(tok) - 1] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), bad[i].fmt, tok);
		err[0] = '\0';
		t = paste_parse(text, strlen(text), PASTE_AUTO, err, sizeof(err));
		if (t != NULL || strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i,
			    t != NULL ? "a trace" : err, bad[i].want);
		trace_free(t);
	}
}

/* A header name longer than a host name may be is dropped, not cut short. */
/* tracepair's own summary: a hop's echo figure and limit come back. */
static void
test_tracepair_summary_notes(void **state)
{
	static const char text[] =
	    "HOST: sf-office     Loss%   Snt    Last     Avg    Best    Wrst   StDev\n"
	    "  1.|-- 198.18.10.2   0.0%    20     2.2     2.2     1.8     3.0     0.3  [echo]\n"
	    "  2.|-- 198.18.10.14 10.0%    20     9.6     9.3     8.8    10.2     0.5  [echo; limited 0.8/s burst 1]\n"
	    "  3.|-- 198.18.10.18 20.0%    10    20.0    19.8    18.4    21.0     0.8  [limited 1.5/s burst 6]\n";
	struct trace_hop_stats st;
	struct trace	*t;
	char		 err[256];

	(void)state;
	t = paste_parse(text, strlen(text), PASTE_AUTO, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_int_equal(t->nhops, 3);
	assert_int_equal(t->hops[0].loss_by_echo, 1);
	assert_true(t->hops[0].rl_rate == 0);
	assert_int_equal(t->hops[1].loss_by_echo, 1);
	assert_int_equal(t->hops[1].echo_sent, 20);
	assert_int_equal(t->hops[1].echo_received, 18);
	assert_true(t->hops[1].rl_rate == 0.8);
	assert_int_equal(t->hops[1].rl_burst, 1);
	trace_hop_stats(&t->hops[1], &st);
	assert_true(st.loss_pct == 10.0);
	assert_int_equal(t->hops[2].loss_by_echo, 0);
	assert_true(t->hops[2].rl_rate == 1.5);
	assert_int_equal(t->hops[2].rl_burst, 6);
	trace_free(t);
}

static void
test_long_dst_name(void **state)
{
	char		 name[301], text[512], err[256];
	struct trace	*t;

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), "traceroute to %s (198.18.9.2), 30 hops "
	    "max\n 1  gw  1.0 ms\n", name);
	t = paste_parse(text, strlen(text), PASTE_AUTO, err, sizeof(err));
	assert_non_null(t);
	assert_null(t->dst_name);
	assert_string_equal(t->dst, "198.18.9.2");
	trace_free(t);
}

/* Whether the destination was reached, from pasted text alone. */
static void
test_reached(void **state)
{
	static const struct {
		const char	*text;
		int		 reached;
	} cases[] = {
		/* mtr names the last hub, the header only has the address */
		{ "{\"report\":{\"mtr\":{\"dst\":\"198.18.9.2\"},\"hubs\":["
		  "{\"count\":1,\"host\":\"gw\",\"Loss%\":0,\"Snt\":3},"
		  "{\"count\":2,\"host\":\"b.example\",\"Loss%\":0,\"Snt\":3}]}}", 1 },
		/* trailing stars: stopped */
		{ "traceroute to b (198.18.9.2), 30 hops max\n 1  gw  1 ms\n 2  * * *\n", 0 },
		/* an unreachable annotation at the last hop: stopped */
		{ "traceroute to b (198.18.9.2), 30 hops max\n 1  gw  1 ms !N\n", 0 },
		/* the last hop is the maximum TTL: ran out, not reached */
		{ "traceroute to b (198.18.9.2), 2 hops max\n 1  gw  1 ms\n 2  x  2 ms\n", 0 },
		/* the last hop answered below the maximum: traceroute stopped there */
		{ "traceroute to b (198.18.9.2), 30 hops max\n 1  gw  1 ms\n 2  b-web  2 ms\n", 1 },
	};
	struct trace	*t;
	char		 err[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = paste_parse(cases[i].text, strlen(cases[i].text), PASTE_AUTO,
		    err, sizeof(err));
		if (t == NULL)
			fail_msg("case %zu: %s", i, err);
		if (t->reached != cases[i].reached)
			fail_msg("case %zu: reached %d, want %d", i, t->reached,
			    cases[i].reached);
		trace_free(t);
	}
}

/* A saved pair: one document with both traces. */
static void
test_pair(void **state)
{
	struct trace	*f, *r, *t = load("linux-v4.txt", PASTE_TRACEROUTE);
	char		*js, *doc, err[256];
	size_t		 n;

	(void)state;
	js = trace_to_json(t, 0);
	n = 2 * strlen(js) + 64;
	doc = malloc(n);
	assert_non_null(doc);
	snprintf(doc, n, "{\"forward\": %s,\n\"reverse\": %s}", js, js);
	assert_int_equal(paste_parse_pair(doc, strlen(doc), &f, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(f->nhops, 5);
	assert_int_equal(r->nhops, 5);
	trace_free(f);
	trace_free(r);
	snprintf(doc, n, "{\"forward\": %s}", js);
	assert_int_equal(paste_parse_pair(doc, strlen(doc), &f, &r, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "1: cannot parse pair JSON: no"));
	assert_null(f);
	assert_int_equal(paste_parse_pair("{\n\n[", 4, &f, &r, err, sizeof(err)), -1);
	assert_true(strncmp(err, "3: cannot parse pair JSON", 25) == 0);
	snprintf(doc, n, "{\"forward\": %s, \"reverse\": {\"version\": 99}}", js);
	assert_int_equal(paste_parse_pair(doc, strlen(doc), &f, &r, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot parse the reverse trace"));
	free(doc);
	free(js);
	trace_free(t);
}

static void
test_format_names(void **state)
{
	enum paste_format f;

	(void)state;
	assert_int_equal(paste_format_parse("tracert", &f), 0);
	assert_int_equal(f, PASTE_TRACERT);
	assert_int_equal(paste_format_parse("mtr-json", &f), 0);
	assert_int_equal(f, PASTE_MTR_JSON);
	assert_int_equal(paste_format_parse("nope", &f), -1);
	assert_int_equal(paste_format_parse("atlas", &f), 0);
	assert_int_equal(f, PASTE_ATLAS);
	assert_string_equal(paste_format_name(PASTE_SCAMPER), "scamper");
	assert_string_equal(paste_format_name(PASTE_NFORMATS), "unknown");
	assert_string_equal(paste_format_name(PASTE_MTR_REPORT), "mtr-report");
}

/* The other tools people paste, and Windows in three languages. */
static void
test_other_tools(void **state)
{
	struct trace	*t;
	const struct trace_hop *h;

	(void)state;
	t = load("winmtr.txt", PASTE_WINMTR);
	assert_int_equal(t->nhops, 3);
	hop_counts(t, 2, 100, 0);
	hop_counts(t, 3, 100, 98);
	assert_string_equal(main_name(t, 3), "r3.example.net");
	trace_free(t);

	t = load("atlas.json", PASTE_ATLAS);
	assert_int_equal(t->nhops, 4);
	assert_string_equal(t->agent, "atlas-probe-6001");
	assert_int_equal(t->method, TRACE_METHOD_ICMP_PARIS);
	hop_counts(t, 1, 3, 2);		/* {"x":"*"} is a probe lost */
	hop_counts(t, 2, 2, 1);		/* the "late" reply is not a probe */
	hop_counts(t, 3, 1, 0);		/* "error": nothing came back */
	h = trace_hop_by_ttl(t, 2);
	assert_int_equal(trace_probe_more_alloc(&h->probes[0])->nmpls, 1);
	assert_int_equal(trace_probe_more_alloc(&h->probes[0])->mpls[0].label, 24001);
	assert_int_equal(h->probes[0].reply_ttl, 253);
	assert_string_equal(trace_probe_more(&trace_hop_by_ttl(t, 4)->probes[1])->annot, "!H");
	assert_true(t->reached);
	trace_free(t);

	t = load("scamper.json", PASTE_SCAMPER);
	assert_int_equal(t->nhops, 4);
	hop_counts(t, 1, 1, 1);
	hop_counts(t, 2, 2, 1);		/* answered at its second attempt */
	hop_counts(t, 3, 2, 0);		/* no reply: both attempts lost */
	h = trace_hop_by_ttl(t, 2);
	assert_int_equal(trace_probe_more_alloc(&h->probes[0])->mpls[0].label, 24001);
	assert_int_equal(h->probes[0].icmp_type, 11);
	assert_int_equal(t->method, TRACE_METHOD_UDP_PARIS);
	assert_true(t->reached);
	trace_free(t);

	t = load("tracepath.txt", PASTE_TRACEPATH);
	assert_int_equal(t->nhops, 4);
	hop_counts(t, 1, 2, 2);
	hop_counts(t, 2, 1, 1);		/* the pmtu line is no answer at ttl 2 */
	assert_string_equal(main_addr(t, 2), "198.18.2.1");
	hop_counts(t, 3, 1, 0);
	assert_true(t->reached);
	trace_free(t);

	t = load("pathping.txt", PASTE_PATHPING);
	assert_int_equal(t->nhops, 3);
	hop_counts(t, 2, 100, 97);	/* Source to Here, not This Node */
	assert_string_equal(t->src, "198.18.0.1");
	assert_true(t->reached);
	trace_free(t);

	t = load("tracert-ru.txt", PASTE_TRACERT);
	assert_int_equal(t->nhops, 3);
	assert_int_equal(t->max_ttl, 30);
	hop_counts(t, 2, 3, 0);
	assert_string_equal(main_name(t, 3), "b.example");
	assert_true(t->reached);
	trace_free(t);

	t = load("tracert-de.txt", PASTE_TRACERT);
	assert_int_equal(t->nhops, 3);
	assert_string_equal(main_name(t, 1), "fritz.box");
	h = trace_hop_by_ttl(t, 3);	/* "r3.example[198.18.3.1]  meldet: ..." */
	assert_int_equal(h->nprobes, 1);
	assert_string_equal(h->probes[0].addr, "198.18.3.1");
	assert_string_equal(trace_probe_more_alloc(&h->probes[0])->annot, "!H");
	assert_false(t->reached);
	trace_free(t);

	t = load("tracert-ja.txt", PASTE_TRACERT);
	assert_int_equal(t->nhops, 3);
	assert_string_equal(t->dst_name, "b.example");
	assert_true(t->reached);
	trace_free(t);

	t = load("tracert-utf16.txt", PASTE_TRACERT);
	assert_int_equal(t->nhops, 2);
	/* "<10 ms" (Windows XP) is taken as 5 ms */
	assert_true(trace_hop_by_ttl(t, 2)->probes[0].rtt_ms == 5.0);
	trace_free(t);

	t = load("mtr-screen.txt", PASTE_MTR_REPORT);
	assert_int_equal(t->nhops, 3);
	assert_string_equal(t->dst, "198.18.9.2");
	/* 1500 sent: scaled to the 1000 probes a hop holds, loss kept */
	hop_counts(t, 2, TRACE_MAX_QUERIES, 900);
	assert_true(trace_hop_by_ttl(t, 2)->probes[0].rtt_ms == 5.0);
	assert_true(trace_hop_by_ttl(t, 2)->probes[899].rtt_ms == 2997.0);
	trace_free(t);
}

/* Two Atlas results or two scamper traces are a pair; one is a trace. */
static void
test_pair_json_tools(void **state)
{
	struct trace	*f, *r;
	char		*buf, *doc, err[512];
	size_t		 len, n;

	(void)state;
	buf = slurp("tests/analysis/atlas.json", &len);
	assert_false(paste_is_pair(buf, len));
	n = 2 * len + 8;
	doc = malloc(n);
	assert_non_null(doc);
	/* [R] -> [R,R] */
	snprintf(doc, n, "%.*s,%.*s", (int)(len - 2), buf, (int)(len - 1), buf + 1);
	assert_true(paste_is_pair(doc, strlen(doc)));
	assert_int_equal(paste_parse_pair(doc, strlen(doc), &f, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(f->nhops, 4);
	assert_int_equal(r->nhops, 4);
	trace_free(f);
	trace_free(r);
	assert_null(paste_parse(doc, strlen(doc), PASTE_AUTO, err, sizeof(err)));
	assert_non_null(strstr(err, "1: cannot parse: 2 Atlas results"));
	free(doc);
	free(buf);

	buf = slurp("tests/analysis/scamper.json", &len);
	assert_false(paste_is_pair(buf, len));
	doc = malloc(2 * len + 1);
	assert_non_null(doc);
	memcpy(doc, buf, len);
	memcpy(doc + len, buf, len);
	assert_true(paste_is_pair(doc, 2 * len));
	/* two traces, then bad JSON: no pair, an error, nothing freed twice */
	{
		static const char two_bad[] = "{\"type\":\"trace\",\"hop_count\":1}\n"
		    "{\"type\":\"trace\"}\n{";

		assert_false(paste_is_pair(two_bad, strlen(two_bad)));
		assert_int_equal(paste_parse_pair(two_bad, strlen(two_bad), &f, &r,
		    err, sizeof(err)), -1);
		assert_non_null(strstr(err, "cannot parse scamper JSON at byte"));
	}
	assert_int_equal(paste_parse_pair(doc, 2 * len, &f, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r->nhops, 4);
	trace_free(f);
	trace_free(r);
	free(doc);
	free(buf);
}

/* Each new parser's refusals: FILE:LINE and what it could not read. */
static void
test_errors_new(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;		/* prefix of the error */
	} bad[] = {
		{ " 1:  198.18.1.1  0.3ms  bogus\n", "1: cannot parse tracepath field" },
		{ " 1:  198.18.1.1  asymm 2\n", "1: cannot parse tracepath line: no RTT" },
		{ "Computing statistics for 25 seconds...\n"
		  "  1    1ms   x/ 100 =  0%   0/ 100 =  0%  198.18.1.1\n",
		  "2: cannot parse pathping line" },
		{ "Computing statistics for 25 seconds...\n"
		  "  1    1ms     0/ 100 =  0%   0/ 100 =  0%  gw[\n",
		  "2: cannot parse host \"gw[\"" },
		{ "|  Host - % | Sent | Recv | Best | Avrg | Wrst | Last |\n"
		  "|  198.18.1.1 - 0 | 100 | 200 | 0 | 0 | 0 | 0 |\n",
		  "2: cannot parse WinMTR row: bad Sent or Recv" },
		{ "|  Host - % | Sent | Recv | Best | Avrg | Wrst | Last |\n"
		  "|  198.18.1.1 - 0 | 100 | 100 | 0 |\n", "2: cannot parse WinMTR row" },
		{ "{\"type\":\"traceroute\",\"prb_id\":1,\"result\":[{\"hop\":0}]}",
		  "1: cannot parse Atlas JSON: result 1 has no \"hop\"" },
		{ "{\"type\":\"traceroute\",\"prb_id\":1,\"result\":[{\"hop\":1,"
		  "\"result\":[{\"from\":\"198.18.1.1\"}]}]}",
		  "1: cannot parse Atlas JSON: hop 1 reply 1: no \"from\" or \"rtt\"" },
		{ "[{\"msm_id\":1},{\"msm_id\":2},{\"msm_id\":3}]",
		  "1: cannot parse: 3 Atlas results" },
		{ "{\"type\":\"trace\",\"hop_count\":2,\"hops\":[{\"addr\":\"x\","
		  "\"probe_ttl\":1,\"rtt\":1}]}",
		  "1: cannot parse scamper JSON: reply 1: no \"addr\"" },
		{ "{\"type\":\"trace\",\"hop_count\":1,\"hops\":[{\"addr\":\"198.18.1.1\","
		  "\"probe_ttl\":1,\"rtt\":1,\"icmpext\":[{\"mpls_labels\":[{\"mpls_label\":1}]}]}]}",
		  "1: cannot parse MPLS entry: no mpls_exp" },
		{ "{\"type\":\"trace\",\"hop_count\":2} {", "1: cannot parse scamper JSON at byte" },
		{ "HOST: a Loss% Snt\n  1.|-- gw  0.0%  10\n    [MPLS: Lbl x TC 0 S 1 TTL 1]\n",
		  "3: cannot parse mtr MPLS line" },
		{ " 1  gw  1.0 ms\n   MPLS Label=99999999 CoS=0 TTL=1 S=1\n",
		  "2: cannot parse MPLS line" },
		{ " 1  gw <MPLS:L=1,E=9,S=1,T=1>  1.0 ms\n", "1: cannot parse MPLS labels" },
		{ "traceroute to a (198.18.9.2), 30 hops max\n 1  gw  1.0 ms\n"
		  "traceroute to b (198.18.9.3), 30 hops max\n",
		  "3: cannot parse: a second trace to another destination starts here" },
		{ "Tracing route to x [198.18.9.2]\n  1  1 ms  1 ms  1 ms  gw  junk\n",
		  "2: cannot parse tracert line" },
		{ "\xff\xfe\x00\xd8" "A\x00", "1: cannot parse: a lone UTF-16 surrogate" },
		{ "\xff\xfe" "A", "1: cannot parse: UTF-16 text of odd length" },
	};
	char		 err[1024];
	size_t		 i, len;
	struct trace	*t;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = strlen(bad[i].text);
		if (strncmp(bad[i].text, "\xff\xfe\x00", 3) == 0)
			len = 6;	/* the UTF-16 holds NUL bytes */
		err[0] = '\0';
		t = paste_parse(bad[i].text, len, PASTE_AUTO, err, sizeof(err));
		if (t != NULL || strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i,
			    t != NULL ? "a trace" : err, bad[i].want);
	}
}

/*
 * An RTT out of range (an overflowing number, a negative one, over an hour)
 * is refused with a one-line error naming it, in every format; it is never
 * read as a host name ("99999999999 ms" was a host "99999999999").  What
 * the parsers accept, trace_from_json() reads back (an mtr JSON with a
 * negative Best was written out and then refused).
 */
static void
test_rtt_range(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;		/* prefix of the error */
	} bad[] = {
		{ "traceroute to 192.0.2.9 (192.0.2.9), 30 hops max\n"
		  " 1  192.0.2.1  1.1 ms  99999999999 ms  1.3 ms\n",
		  "2: cannot parse RTT \"99999999999 ms\": not a number of ms "
		  "from 0 to 3600000" },
		{ " 1  192.0.2.1  99999999999ms\n",
		  "1: cannot parse RTT \"99999999999ms\"" },
		{ " 1  192.0.2.1  1e999 ms\n", "1: cannot parse RTT \"1e999 ms\"" },
		{ " 1  192.0.2.1  -5 ms  1.0 ms\n", "1: cannot parse RTT \"-5 ms\"" },
		{ " 1  192.0.2.1  3600000.5 ms\n",
		  "1: cannot parse RTT 3600000.5 ms: not a number of ms from 0 to "
		  "3600000" },
		{ "Tracing route to x [198.18.9.2]\n  1  1 ms  99999999999 ms  1 ms  gw\n",
		  "2: cannot parse RTT \"99999999999 ms\"" },
		{ "{\"report\":{\"mtr\":{\"dst\":\"192.0.2.9\"},\"hubs\":[{\"count\":1,"
		  "\"host\":\"192.0.2.1\",\"Loss%\":0,\"Snt\":3,\"Best\":-5.0,"
		  "\"Avg\":1.0,\"Wrst\":2.0}]}}",
		  "1: cannot parse RTT -5 ms: not a number of ms from 0 to 3600000" },
		{ "{\"report\":{\"hubs\":[{\"count\":1,\"host\":\"192.0.2.1\","
		  "\"Loss%\":0,\"Snt\":2,\"Best\":1,\"Avg\":1,\"Wrst\":9e9}]}}",
		  "1: cannot parse RTT 9000000000 ms" },
		{ "{\"type\":\"traceroute\",\"prb_id\":1,\"result\":[{\"hop\":1,"
		  "\"result\":[{\"from\":\"198.18.1.1\",\"rtt\":-0.5}]}]}",
		  "1: cannot parse Atlas JSON: hop 1 reply 1: RTT -0.5 ms" },
		{ "{\"type\":\"trace\",\"hop_count\":1,\"hops\":[{\"addr\":"
		  "\"198.18.1.1\",\"probe_ttl\":1,\"rtt\":1e12}]}",
		  "1: cannot parse scamper JSON: reply 1: RTT 1e+12 ms" },
	};
	static const char *const good[] = {
		" 1  192.0.2.1  0 ms  3600000 ms  0.001ms\n",
		"Tracing route to x [198.18.9.2]\n  1  <1 ms  3600000 ms  1 ms  gw\n",
		"{\"report\":{\"hubs\":[{\"count\":1,\"host\":\"192.0.2.1\","
		"\"Loss%\":100,\"Snt\":2,\"Best\":-1,\"Avg\":-1,\"Wrst\":-1},"
		"{\"count\":2,\"host\":\"192.0.2.9\",\"Loss%\":0,\"Snt\":2,"
		"\"Best\":0,\"Avg\":1,\"Wrst\":3600000}]}}",
	};
	char		 err[1024], *js;
	size_t		 i;
	struct trace	*t, *back;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		t = paste_parse(bad[i].text, strlen(bad[i].text), PASTE_AUTO, err,
		    sizeof(err));
		if (t != NULL || strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("bad %zu: got \"%s\", want \"%s...\"", i,
			    t != NULL ? "a trace" : err, bad[i].want);
		assert_null(strchr(err, '\n'));
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		t = paste_parse(good[i], strlen(good[i]), PASTE_AUTO, err, sizeof(err));
		if (t == NULL)
			fail_msg("good %zu: %s", i, err);
		assert_non_null(js = trace_to_json(t, 1));
		if ((back = trace_from_json(js, strlen(js), err, sizeof(err))) == NULL)
			fail_msg("good %zu written, then refused: %s", i, err);
		trace_free(back);
		free(js);
		trace_free(t);
	}
}

/* The noise people paste around a trace is skipped; the trace is kept whole. */
static void
test_noise(void **state)
{
	static const char text[] =
	    "    user@a:~$ time traceroute -n 198.18.9.2\n"
	    "    traceroute to 198.18.9.2 (198.18.9.2), 30 hops max, 60 byte packets\n"
	    "     1  198.18.1.1  0.305 ms  0.281 ms  0.275 ms\n"
	    "    ....snip....\n"
	    "     7  198.18.7.1  5.101 ms  5.222 ms  5.003 ms\n"
	    "     8  * * *\n"
	    "    (repeated until hop 29)\n"
	    "    30  198.18.9.2  9.101 ms  9.222 ms  9.003 ms\n"
	    "\n"
	    "    real\t0m3.021s\n";
	struct trace	*t;
	char		 err[512];

	(void)state;
	t = paste_parse(text, strlen(text), PASTE_AUTO, err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_int_equal(t->nhops, 4);
	assert_int_equal(t->hops[1].ttl, 7);
	assert_int_equal(t->hops[3].ttl, 30);
	assert_true(t->reached);
	trace_free(t);
}

/*
 * Our RIPE Atlas form is read back as what it was written from: hops,
 * probes, replies, addresses, reply TTLs, labels and unreachables.
 */
static void
test_atlas_roundtrip(void **state)
{
	static const char *files[] = { "atlas.json", "linux-v4.txt",
	    "tcptraceroute-mpls.txt", "tracert-unreach.txt" };
	static const enum paste_format fmts[] = { PASTE_ATLAS, PASTE_TRACEROUTE,
	    PASTE_TRACEROUTE, PASTE_TRACERT };
	struct trace	*t, *b;
	char		*js, err[512];
	size_t		 f;
	int		 i, j, k;

	(void)state;
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		t = load(files[f], fmts[f]);
		js = trace_to_atlas(t, 0);
		assert_non_null(js);
		assert_int_equal(paste_detect(js, strlen(js)), PASTE_ATLAS);
		if ((b = paste_parse(js, strlen(js), PASTE_AUTO, err,
		    sizeof(err))) == NULL)
			fail_msg("%s: %s", files[f], err);
		assert_int_equal(b->nhops, t->nhops);
		assert_string_equal(b->dst, t->dst);
		assert_int_equal(b->reached, t->reached);
		for (i = 0; i < t->nhops; i++) {
			const struct trace_hop *x = &t->hops[i], *y = &b->hops[i];

			assert_int_equal(x->ttl, y->ttl);
			assert_int_equal(x->nprobes, y->nprobes);
			for (j = 0; j < x->nprobes; j++) {
				const struct trace_probe *p = &x->probes[j];
				const struct trace_probe *q = &y->probes[j];
				int answered = p->replied && p->addr[0] != '\0';

				assert_int_equal(answered, q->replied);
				if (!answered)
					continue;
				assert_string_equal(p->addr, q->addr);
				assert_true(p->rtt_ms - q->rtt_ms < 0.001 &&
				    q->rtt_ms - p->rtt_ms < 0.001);
				assert_int_equal(p->reply_ttl, q->reply_ttl);
				assert_string_equal(trace_probe_more(p)->annot, trace_probe_more(q)->annot);
				assert_int_equal(trace_probe_more(p)->nmpls, trace_probe_more(q)->nmpls);
				for (k = 0; k < trace_probe_more(p)->nmpls; k++)
					assert_memory_equal(&trace_probe_more(p)->mpls[k], &trace_probe_more(q)->mpls[k],
					    sizeof(trace_probe_more(p)->mpls[k]));
			}
		}
		trace_free(b);
		free(js);
		trace_free(t);
	}
}

/*
 * Nothing pasted is lost in the JSON: every origin AS of [AS1/AS2/AS3],
 * MPLS labels, the reporter of an unreachable, annotations.
 */
static void
test_json_keeps_all(void **state)
{
	static const char text[] =
	    "traceroute to 198.18.9.2 (198.18.9.2), 30 hops max, 60 byte packets\n"
	    " 1  r1 (198.18.1.1) [AS64496/AS64497/AS64498]  1.0 ms !H  1.1 ms  *\n"
	    " 2  r2 (198.18.2.1) <MPLS:L=24001,E=0,S=1,T=1>  2.0 ms  2.1 ms  2.2 ms\n";
	static const char tracert[] =
	    "Tracing route to 198.18.9.2 over a maximum of 30 hops\n"
	    "  1    <1 ms    <1 ms    <1 ms  198.18.1.1\n"
	    "  2  r2.example [198.18.2.1]  reports: Destination host unreachable.\n";
	struct trace	*t, *b;
	const struct trace_probe *p;
	char		*js, err[512];

	(void)state;
	t = paste_parse(text, strlen(text), PASTE_AUTO, err, sizeof(err));
	assert_non_null(t);
	js = trace_to_json(t, 0);
	assert_non_null(js);
	b = trace_from_json(js, strlen(js), err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	p = &b->hops[0].probes[0];
	assert_int_equal(p->asn, 64496);
	assert_int_equal(trace_probe_more(p)->nmore_asns, 2);
	assert_int_equal(trace_probe_more(p)->more_asns[0], 64497);
	assert_int_equal(trace_probe_more(p)->more_asns[1], 64498);
	assert_string_equal(trace_probe_more(p)->annot, "!H");
	assert_int_equal(trace_probe_more_alloc(&b->hops[0].probes[1])->nmore_asns, 2);
	assert_int_equal(trace_probe_more_alloc(&b->hops[1].probes[2])->nmpls, 1);
	assert_int_equal(trace_probe_more_alloc(&b->hops[1].probes[2])->mpls[0].label, 24001);
	trace_free(b);
	free(js);
	trace_free(t);

	t = paste_parse(tracert, strlen(tracert), PASTE_AUTO, err, sizeof(err));
	assert_non_null(t);
	js = trace_to_json(t, 0);
	b = trace_from_json(js, strlen(js), err, sizeof(err));
	assert_non_null(b);
	p = &b->hops[1].probes[0];	/* the reporter, though no RTT was printed */
	assert_string_equal(p->addr, "198.18.2.1");
	assert_string_equal(p->name, "r2.example");
	assert_string_equal(trace_probe_more(p)->annot, "!H");
	trace_free(b);
	free(js);
	trace_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed003),
		cmocka_unit_test(test_wassenaar),
		cmocka_unit_test(test_linux),
		cmocka_unit_test(test_tcptraceroute_mpls),
		cmocka_unit_test(test_bsd_and_v6),
		cmocka_unit_test(test_tracert),
		cmocka_unit_test(test_long_number),
		cmocka_unit_test(test_long_dst_name),
		cmocka_unit_test(test_mtr),
		cmocka_unit_test(test_tracepair_json),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_reached),
		cmocka_unit_test(test_pair),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_tracepair_summary_notes),
		cmocka_unit_test(test_other_tools),
		cmocka_unit_test(test_pair_json_tools),
		cmocka_unit_test(test_errors_new),
		cmocka_unit_test(test_rtt_range),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_atlas_roundtrip),
		cmocka_unit_test(test_json_keeps_all),
		cmocka_unit_test(test_order_limits),
		cmocka_unit_test(test_runs_merged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
