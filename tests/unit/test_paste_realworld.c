/* test_paste_realworld.c: every real output in ../shared/realworld/ read in place, as saved and re-encoded (CRLF, BOM, UTF-16). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "paste.h"
#include "trace.h"

/* One hop as the original text shows it: probes, replies, main responder. */
struct rw_hop {
	int		 ttl;
	int		 sent, recv;
	const char	*addr;		/* main responder's address, "" none */
	const char	*name;		/* its name, "" none, NULL not checked */
};

/* Something one responder of a hop carries: an annotation, a label, an AS. */
struct rw_probe {
	int		 ttl;		/* 0: no check */
	const char	*addr;		/* the responder */
	const char	*annot;		/* NULL: not checked */
	uint32_t	 label;		/* an MPLS label it quoted, 0 not checked */
	uint32_t	 asn;		/* 0 not checked */
};

/* What one file must give, written by hand from the file's text. */
struct rw_case {
	const char	*file;		/* name in the corpus */
	enum paste_format fmt;		/* what paste_detect() must say */
	int		 nhops, last_ttl, reached;
	const char	*dst;		/* destination address, "" none */
	struct rw_hop	 hops[3];	/* the last one is the last hop */
	struct rw_probe	 probes[2];
};

static const struct rw_case cases[] = {
	{ "02-tracert-fr-wikimedia.txt", PASTE_TRACERT, 10, 10, 1, "212.85.150.132",
	  { { 1, 3, 3, "62.202.32.1", "1.32.202.62.cust.bluewin.ch" },
	    { 4, 3, 3, "195.186.125.71", "net125.bwrt1inb.bluewin.ch" },
	    { 10, 3, 3, "212.85.150.132", "chloe.wikimedia.org" } }, { { 0 } } },
	{ "03-tracert-zh-baidu.txt", PASTE_TRACERT, 10, 10, 1, "14.215.177.39",
	  { { 1, 3, 3, "192.168.31.1", "XiaoQiang" }, { 9, 3, 0, "", NULL },
	    { 10, 3, 3, "14.215.177.39", "" } }, { { 0 } } },
	{ "04-traceroute-A-n-ecmp-mts.txt", PASTE_TRACEROUTE, 19, 19, 1, "8.8.8.8",
	  { { 9, 3, 2, "108.170.250.130", "" }, { 13, 3, 0, "", NULL },
	    { 19, 3, 1, "8.8.8.8", "" } },
	  { { 3, "85.235.63.38", NULL, 0, 25086 },
	    { 12, "172.253.51.249", NULL, 0, 15169 } } },
	{ "05-mtr-z-report-mts.txt", PASTE_MTR_REPORT, 22, 22, 1, "",
	  { { 9, 10, 1, "108.170.250.51", "" }, { 13, 10, 0, "", NULL },
	    { 22, 10, 9, "8.8.8.8", "" } },
	  { { 3, "85.235.63.38", NULL, 0, 25086 } } },
	{ "06-traceroute-linux-bang-H-ubuntuforums.txt", PASTE_TRACEROUTE, 1, 1, 0,
	  "74.125.228.38", { { 1, 3, 3, "192.168.11.61", "anon" } },
	  { { 1, "192.168.11.61", "!H", 0, 0 } } },
	{ "08-traceroute-mac-noheader-ubuntuforums.txt", PASTE_TRACEROUTE, 11, 11, 1, "",
	  { { 1, 3, 3, "192.168.11.1", "dd-wrt" }, { 2, 3, 3, "10.0.0.1", "" },
	    { 11, 3, 3, "74.125.228.38", "iad23s06-in-f6.1e100.net" } }, { { 0 } } },
	{ "09-traceroute-ecmp-bang-H-level3-2006.txt", PASTE_TRACEROUTE, 2, 2, 0,
	  "194.68.45.50", { { 1, 3, 3, "209.247.21.247", "nas26.2ca1.Level3.net" },
	    { 2, 3, 2, "63.215.14.2", "ge-7-0-1.core1.SanJose1.Level3.net" } },
	  { { 2, "63.215.15.3", "!H", 0, 0 } } },
	{ "10-busybox-aredn-fwd.txt", PASTE_TRACEROUTE, 1, 1, 1, "10.168.189.115",
	  { { 1, 1, 1, "10.168.189.115", "AC7BA-hAP-0" } }, { { 0 } } },
	{ "11-busybox-aredn-rev.txt", PASTE_TRACEROUTE, 30, 30, 0, "10.90.132.103",
	  { { 1, 1, 0, "", NULL }, { 30, 1, 0, "", NULL } }, { { 0 } } },
	{ "12-junos-traceroute-mpls-ecmp-nanog-wrapped.txt", PASTE_TRACEROUTE, 12, 12, 1,
	  "74.125.226.6", { { 2, 3, 3, "154.54.7.154", "te4-2.ccr01.sbn01.atlas.cogentco.com" },
	    { 5, 3, 2, "154.54.24.214", "te0-0-0-0.ccr22.ord03.atlas.cogentco.com" },
	    { 12, 3, 1, "74.125.226.6", "yyz06s05-in-f6.1e100.net" } },
	  { { 9, "72.14.237.108", NULL, 666803, 0 },
	    { 5, "66.28.4.66", "", 0, 0 } } },
	{ "13-mtr-json-0.95-maxttl.txt", PASTE_MTR_JSON, 2, 2, 0, "9.9.9.9",
	  { { 1, 1, 1, "192.168.1.1", "" }, { 2, 1, 1, "192.168.2.1", "" } }, { { 0 } } },
	{ "14-tracepath-chromeos-adguard.txt", PASTE_TRACEPATH, 8, 8, 1, "94.140.14.14",
	  { { 1, 2, 2, "192.168.0.1", "" }, { 5, 1, 0, "", NULL },
	    { 8, 1, 1, "", "dns.adguard.com" } }, { { 0 } } },
	{ "16-mtr-report-0.87-github.txt", PASTE_MTR_REPORT, 7, 7, 1, "",
	  { { 4, 10, 10, "", "eqix-ix-dc2.github.com" }, { 5, 10, 0, "", NULL },
	    { 7, 10, 10, "", "lb-192-30-253-113-iad.git" } }, { { 0 } } },
	{ "18-traceroute-lbl-classic-integer-ms.txt", PASTE_TRACEROUTE, 11, 11, 1, "35.1.1.48",
	  { { 3, 3, 3, "128.32.216.1", "lilac-dmc.Berkeley.EDU" },
	    { 9, 3, 3, "129.140.71.6", "" },
	    { 11, 3, 3, "35.1.1.48", "nic.merit.edu" } }, { { 0 } } },
	{ "19-traceroute6-freebsd-continuation-ct.txt", PASTE_TRACEROUTE, 14, 14, 1,
	  "2610:1c1:1:606c::50:15", { { 3, 3, 2, "240e:c:1:20e::2", "" },
	    { 9, 3, 2, "2001:438:ffff::407e:2f9", "zayo.ae10.mpr4.sjc7.us.zip.zayo.com" },
	    { 14, 3, 2, "2610:1c1:1:606c::50:15", "wfe0.nyi.freebsd.org" } },
	  { { 7, "240e:0:a::c9:3649", "", 0, 0 } } },
	{ "20-traceroute6-kame-names-only-cnp3.txt", PASTE_TRACEROUTE, 12, 12, 1,
	  "2001:1890:1112:1::20", { { 1, 3, 3, "2001:6a8:3080:2::1", "" },
	    { 4, 3, 3, "", "10ge.cr2.brueve.belnet.net" },
	    { 12, 3, 3, "", "mail.ietf.org" } }, { { 0 } } },
	{ "22-tracert-en-private-msdocs.txt", PASTE_TRACERT, 7, 7, 1, "172.19.219.42",
	  { { 1, 3, 2, "10.15.8.1", "" }, { 3, 3, 2, "10.14.1.33", "" },
	    { 7, 3, 3, "172.19.219.42", "" } }, { { 0 } } },
	{ "23-traceroute-macos-bang-X-byu.txt", PASTE_TRACEROUTE, 9, 9, 1, "128.187.16.184",
	  { { 2, 3, 0, "", NULL }, { 4, 3, 3, "192.119.18.212",
	    "192-119-18-212.mci.googlefiber.net" }, { 9, 3, 2, "128.187.16.184", "byu.com" } },
	  { { 9, "128.187.16.184", "!X", 0, 0 } } },
	{ "24-tracert-en-dup-dest-yarnet.txt", PASTE_TRACERT, 23, 23, 1, "8.8.8.8",
	  { { 2, 3, 3, "212.232.63.66", "asr-1002-b4.yarnet.ru" },
	    { 22, 3, 1, "8.8.8.8", "dns.google" }, { 23, 3, 3, "8.8.8.8", "dns.google" } },
	  { { 0 } } },
	{ "27-mtr-report-wide-mpls.txt", PASTE_MTR_REPORT, 4, 4, 1, "",
	  { { 2, 10, 10, "169.254.0.2", "" }, { 4, 10, 10, "203.0.113.10", "" } },
	  { { 2, "169.254.0.2", NULL, 299776, 0 }, { 2, "169.254.0.2", NULL, 16, 0 } } },
	{ "28-traceroute-linux-e-mpls-ecmp.txt", PASTE_TRACEROUTE, 8, 8, 1, "8.8.8.8",
	  { { 5, 3, 3, "10.177.77.7", "" }, { 8, 3, 3, "8.8.8.8", "" } },
	  { { 4, "10.8.10.10", NULL, 201007, 0 }, { 5, "10.7.10.7", NULL, 201003, 0 } } },
	{ "29-traceroute-IA-names-multias.txt", PASTE_TRACEROUTE, 19, 19, 1, "8.8.8.8",
	  { { 1, 3, 3, "10.0.2.2", "_gateway" },
	    { 4, 3, 3, "109.194.88.30", "lag-3-438.bgw01.nsk.ertelecom.ru" },
	    { 19, 3, 1, "8.8.8.8", "dns.google" } },
	  { { 4, "109.194.88.30", NULL, 0, 43478 }, { 5, "72.14.215.165", NULL, 0, 15169 } } },
	{ "30-tracert-en-banner-nospace-bracket.txt", PASTE_TRACERT, 14, 14, 1, "8.8.8.8",
	  { { 1, 3, 3, "192.168.0.1", "" },
	    { 4, 3, 3, "202.142.112.189", "static-189.112.142.202.sitibroadband.in" },
	    { 14, 3, 3, "8.8.8.8", "google-public-dns-a.google.com" } }, { { 0 } } },
	{ "31-pathping-en.txt", PASTE_PATHPING, 14, 14, 0, "139.59.39.34",
	  { { 4, 100, 100, "202.142.112.189", "static-189.112.142.202.sitibroadband.in" },
	    { 12, 100, 0, "", NULL }, { 14, 3, 0, "", NULL } },
	  { { 12, "115.255.252.189", "", 0, 0 } } },
	{ "35-mtr-report-anonymized-indented.txt", PASTE_MTR_REPORT, 13, 13, 1, "",
	  { { 3, 10, 0, "", NULL }, { 8, 10, 2, "1.6.149.210", "" },
	    { 13, 9, 9, "93.8.25.122", "" } }, { { 0 } } },
	{ "36-mtr-report-custom-fields-redacted.txt", PASTE_MTR_REPORT, 13, 13, 1, "",
	  { { 3, 5, 5, "", "" }, { 8, 4, 3, "", "" }, { 13, 4, 4, "154.54.28.33", "" } },
	  { { 0 } } },
	{ "37-mtr-report-wide-ecmp-line-pathelong.txt", PASTE_MTR_REPORT, 3, 3, 1, "",
	  { { 1, 100, 100, "103.35.127.1", "" }, { 3, 100, 100, "185.91.10.118", "" } },
	  { { 3, "185.91.10.122", "", 0, 0 } } },
	{ "39-tracert-xp-prompt-comcast.txt", PASTE_TRACERT, 13, 13, 1, "74.125.45.105",
	  { { 2, 3, 3, "172.16.85.31", "" },
	    { 4, 3, 3, "76.22.250.1", "c-76-22-250-1.hsd1.tn.comcast.net" },
	    { 13, 3, 3, "74.125.45.105", "yx-in-f105.1e100.net" } }, { { 0 } } },
	{ "40-mtr-report-rpki-invalid-stops.txt", PASTE_MTR_REPORT, 4, 4, 0, "103.21.244.14",
	  { { 3, 10, 10, "", "juniper7.dc1.nbg1.hetzner" }, { 4, 10, 0, "", NULL } },
	  { { 0 } } },
};
#define NCASES	(sizeof(cases) / sizeof(cases[0]))

/* The corpus: $TP_REALWORLD, else ../shared/realworld from the top of the tree. */
static const char *
corpus_dir(void)
{
	const char *d = getenv("TP_REALWORLD");

	return d != NULL && *d != '\0' ? d : "../shared/realworld";
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp = fopen(path, "rb");
	char	*buf = malloc(1 << 20);

	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, fp);
	assert_true(*len < 1 << 20);
	fclose(fp);
	return buf;
}

/* The probe of hop ttl from addr that has the wanted label / AS / annotation. */
static void
check_probe(const struct trace *t, const struct rw_probe *w, const char *file)
{
	const struct trace_hop *h = trace_hop_by_ttl(t, w->ttl);
	int	 i, j, found = 0;

	assert_non_null(h);
	for (i = 0; i < h->nprobes && !found; i++) {
		const struct trace_probe *p = &h->probes[i];

		if (strcmp(p->addr, w->addr) != 0)
			continue;
		if (w->annot != NULL && strcmp(trace_probe_more(p)->annot, w->annot) != 0)
			continue;
		if (w->asn != 0 && p->asn != w->asn) {
			/* or one of the further origins of [AS1/AS2/AS3] */
			for (j = 0; j < trace_probe_more(p)->nmore_asns; j++)
				if (trace_probe_more(p)->more_asns[j] == w->asn)
					break;
			if (j == trace_probe_more(p)->nmore_asns)
				continue;
		}
		for (j = 0; w->label != 0 && j < trace_probe_more(p)->nmpls; j++)
			if (trace_probe_more(p)->mpls[j].label == w->label)
				break;
		if (w->label != 0 && j == trace_probe_more(p)->nmpls)
			continue;
		found = 1;
	}
	if (!found)
		fail_msg("%s: hop %d: no probe from %s with annotation \"%s\", "
		    "label %u, AS %u", file, w->ttl, w->addr,
		    w->annot ? w->annot : "*", w->label, w->asn);
}

static void
check_trace(const struct trace *t, const struct rw_case *k, const char *how)
{
	const struct trace_probe *p;
	struct trace_hop_stats s;
	size_t	 i;

	if (t->nhops != k->nhops || t->hops[t->nhops - 1].ttl != k->last_ttl ||
	    t->reached != k->reached)
		fail_msg("%s (%s): %d hops, last %d, reached %d; want %d, %d, %d",
		    k->file, how, t->nhops, t->hops[t->nhops - 1].ttl, t->reached,
		    k->nhops, k->last_ttl, k->reached);
	if (strcmp(t->dst, k->dst) != 0)
		fail_msg("%s (%s): destination \"%s\", want \"%s\"", k->file, how,
		    t->dst, k->dst);
	for (i = 0; i < 3 && k->hops[i].ttl != 0; i++) {
		const struct rw_hop *w = &k->hops[i];
		const struct trace_hop *h = trace_hop_by_ttl(t, w->ttl);

		if (h == NULL)
			fail_msg("%s (%s): no hop %d", k->file, how, w->ttl);
		trace_hop_stats(h, &s);
		p = trace_hop_main_probe(h);
		if (s.sent != w->sent || s.received != w->recv ||
		    strcmp(p != NULL ? p->addr : "", w->addr) != 0 ||
		    (w->name != NULL && strcmp(p != NULL && p->name != NULL ?
		    p->name : "", w->name) != 0))
			fail_msg("%s (%s): hop %d: %d/%d from \"%s\" \"%s\"; want "
			    "%d/%d from \"%s\" \"%s\"", k->file, how, w->ttl,
			    s.received, s.sent, p != NULL ? p->addr : "",
			    p != NULL && p->name != NULL ? p->name : "", w->recv,
			    w->sent, w->addr, w->name != NULL ? w->name : "*");
	}
	for (i = 0; i < 2 && k->probes[i].ttl != 0; i++)
		check_probe(t, &k->probes[i], k->file);
}

static struct trace *
parse_or_fail(const char *buf, size_t len, const struct rw_case *k,
    const char *how)
{
	struct trace	*t;
	char		 err[1024];

	if ((t = paste_parse(buf, len, PASTE_AUTO, err, sizeof(err))) == NULL)
		fail_msg("%s/%s (%s):%s", corpus_dir(), k->file, how, err);
	return t;
}

/* UTF-16 of a UTF-8 text (BMP only, as the corpus is), with a BOM. */
static char *
to_utf16(const char *s, size_t len, int be, size_t *outlen)
{
	unsigned char	*o = malloc(len * 2 + 2);
	const unsigned char *u = (const unsigned char *)s;
	size_t		 i = 0, n = 0;
	unsigned	 cp;

	assert_non_null(o);
	o[n++] = be ? 0xfe : 0xff;
	o[n++] = be ? 0xff : 0xfe;
	while (i < len) {
		if (u[i] < 0x80)
			cp = u[i++];
		else if ((u[i] & 0xe0) == 0xc0) {
			cp = (u[i] & 0x1fu) << 6 | (u[i + 1] & 0x3fu);
			i += 2;
		} else {
			cp = (u[i] & 0x0fu) << 12 | (u[i + 1] & 0x3fu) << 6 |
			    (u[i + 2] & 0x3fu);
			i += 3;
		}
		o[n++] = be ? (unsigned char)(cp >> 8) : (unsigned char)cp;
		o[n++] = be ? (unsigned char)cp : (unsigned char)(cp >> 8);
	}
	*outlen = n;
	return (char *)o;
}

/* One corpus file: as saved, with CRLF, with a UTF-8 BOM, as UTF-16 LE and BE. */
static void
test_file(void **state)
{
	const struct rw_case *k = *state;
	struct trace	*t;
	char		 path[1024], *buf, *v;
	size_t		 len, i, n;

	snprintf(path, sizeof(path), "%s/%s", corpus_dir(), k->file);
	buf = slurp(path, &len);
	assert_int_equal(paste_detect(buf, len), k->fmt);
	t = parse_or_fail(buf, len, k, "as saved");
	check_trace(t, k, "as saved");
	trace_free(t);

	/* CRLF line ends, as Notepad saves */
	v = malloc(len * 2 + 3);
	assert_non_null(v);
	for (i = 0, n = 0; i < len; i++) {
		if (buf[i] == '\n')
			v[n++] = '\r';
		v[n++] = buf[i];
	}
	t = parse_or_fail(v, n, k, "CRLF");
	check_trace(t, k, "CRLF");
	trace_free(t);

	/* a UTF-8 BOM */
	memcpy(v, "\xef\xbb\xbf", 3);
	memcpy(v + 3, buf, len);
	t = parse_or_fail(v, len + 3, k, "BOM");
	check_trace(t, k, "BOM");
	trace_free(t);
	free(v);

	/* UTF-16 as PowerShell's ">" writes it, and big-endian */
	for (i = 0; i < 2; i++) {
		v = to_utf16(buf, len, (int)i, &n);
		t = parse_or_fail(v, n, k, i ? "UTF-16BE" : "UTF-16LE");
		check_trace(t, k, i ? "UTF-16BE" : "UTF-16LE");
		trace_free(t);
		free(v);
	}
	free(buf);
}

/* Every .txt file of the corpus has a row above: none is left unread. */
static void
test_all_listed(void **state)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 i, n;
	int		 files = 0;

	(void)state;
	if ((d = opendir(corpus_dir())) == NULL)
		fail_msg("%s: cannot open", corpus_dir());
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0)
			continue;
		files++;
		for (i = 0; i < NCASES; i++)
			if (strcmp(cases[i].file, e->d_name) == 0)
				break;
		if (i == NCASES)
			fail_msg("%s/%s: no expected hops written for it",
			    corpus_dir(), e->d_name);
	}
	closedir(d);
	assert_int_equal(files, (int)NCASES);
}

int
main(void)
{
	struct CMUnitTest tests[NCASES + 1];
	DIR		*d;
	size_t		 i;

	if ((d = opendir(corpus_dir())) == NULL) {
		printf("1..0 # SKIP %s: no such directory (set TP_REALWORLD)\n",
		    corpus_dir());
		return 0;
	}
	closedir(d);
	for (i = 0; i < NCASES; i++) {
		tests[i].name = cases[i].file;
		tests[i].test_func = test_file;
		tests[i].setup_func = NULL;
		tests[i].teardown_func = NULL;
		tests[i].initial_state = (void *)(uintptr_t)&cases[i];
	}
	tests[NCASES] = (struct CMUnitTest)cmocka_unit_test(test_all_listed);
	return _cmocka_run_group_tests("paste_realworld", tests, NCASES + 1, NULL, NULL);
}
