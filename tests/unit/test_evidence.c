/* test_evidence.c: evidence packages: member names, sign/write/read/verify round trips and what verify names when a package is tampered with (evpkg.c); golden SUMMARY.txt and SVG of the lab fixture pair (evidence.c, svg.c); redaction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis.h"
#include "asn.h"
#include "evidence.h"
#include "evpkg.h"
#include "paste.h"
#include "svg.h"

#define FIX	"tests/evidence/"
#define GOLD	"tests/analysis/golden/"

/* The whole file at path, NUL-terminated (the test fails otherwise). */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;
	long	 n = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("%s: cannot open", path);
	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, fp) != (size_t)n)
		fail_msg("%s: cannot read", path);
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/*
 * Compare s with the golden file's body (TP_REGEN=1 rewrites the body
 * instead).  A golden file may start with a header of "# " lines: where
 * its pair comes from, the ground truth, and "# checked by hand: DATE ..."
 * once a person has read it against that truth.  Regeneration keeps the
 * header and turns that line into "# checked by hand: NO ...", which
 * golden_checked() refuses until someone has read the new file.
 */
static size_t
golden_header_len(const char *g)
{
	const char	*p = g;

	while (*p == '#') {
		const char *nl = strchr(p, '\n');
		p = nl != NULL ? nl + 1 : p + strlen(p);
	}
	return (size_t)(p - g);
}

static void
golden(const char *path, const char *s)
{
	char	*g;
	size_t	 len, hl;
	FILE	*fp;

	g = access(path, R_OK) == 0 ? slurp(path, &len) : strdup("");
	assert_non_null(g);
	hl = golden_header_len(g);
	if (getenv("TP_REGEN") != NULL) {
		char	*line;

		if ((fp = fopen(path, "w")) == NULL)
			fail_msg("%s: cannot write", path);
		for (line = g; line < g + hl;) {
			char *nl = strchr(line, '\n');
			size_t n = nl != NULL ? (size_t)(nl - line) + 1 : strlen(line);

			if (strncmp(line, "# checked by hand:", 18) == 0)
				fputs("# checked by hand: NO (regenerated): read it "
				    "against the ground truth, then date this line\n", fp);
			else
				fwrite(line, 1, n, fp);
			line += n;
		}
		if (fputs(s, fp) < 0 || fclose(fp) != 0)
			fail_msg("%s: cannot write", path);
		printf("wrote %s\n", path);
		free(g);
		return;
	}
	if (strcmp(g + hl, s) != 0)
		fail_msg("%s differs (make evidence-golden, review the diff)", path);
	free(g);
}

/* The golden file's header carries a dated "# checked by hand:" line. */
static void
golden_checked(const char *path)
{
	char	*g, *h;
	size_t	 len;

	g = slurp(path, &len);
	g[golden_header_len(g)] = '\0';
	h = strstr(g, "# checked by hand: 20");
	if (h == NULL || (h != g && h[-1] != '\n'))
		fail_msg("%s: no dated \"# checked by hand:\" line in its "
		    "header", path);
	free(g);
}

static void
test_names(void **state)
{
	static const struct { const char *name; int ok; } t[] = {
		{ "SUMMARY.txt", 1 }, { "runs/p-1/forward-mtr.txt", 1 },
		{ "", 0 }, { "/etc/passwd", 0 }, { "a/../b", 0 }, { "..", 0 },
		{ "a//b", 0 }, { "a/", 0 }, { "./a", 0 }, { "a b", 0 },
		{ "a\\b", 0 }, { "\xc3\xa9", 0 }, { "...", 1 },
	};
	char	 err[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(evpkg_name_check(t[i].name, err, sizeof(err)),
		    t[i].ok ? 0 : -1);
}

/* A small signed package, written and read back. */
static void
make_pkg(struct evpkg *out, enum evpkg_format f, const char *key,
    const char *crt)
{
	struct evpkg	 p;
	unsigned char	*ar;
	size_t		 len;
	char		 err[256];

	evpkg_init(&p);
	assert_int_equal(evpkg_add(&p, "SUMMARY.txt", "hello\n", 6, err,
	    sizeof(err)), 0);
	assert_int_equal(evpkg_add(&p, "runs/p-1/forward-traceroute.txt",
	    "traceroute\n", 11, err, sizeof(err)), 0);
	assert_int_equal(evpkg_add(&p, "SUMMARY.txt", "x", 1, err,
	    sizeof(err)), -1);	/* twice */
	if (evpkg_sign(&p, key, crt, 1764842400.0, err, sizeof(err)) != 0)
		fail_msg("sign: %s", err);
	if (evpkg_write(&p, f, "tracepair-evidence-t", 1764842400.0, &ar, &len,
	    err, sizeof(err)) != 0)
		fail_msg("write: %s", err);
	evpkg_free(&p);
	if (evpkg_read(ar, len, out, err, sizeof(err)) != 0)
		fail_msg("read: %s", err);
	free(ar);
	assert_string_equal(out->top, "tracepair-evidence-t");
	assert_int_equal(out->n, 5);
}

static void
verify(const struct evpkg *p, const char *crl, struct evpkg_result *r)
{
	char	 err[256];

	if (evpkg_verify(p, FIX "ca.crt", crl, r, err, sizeof(err)) != 0)
		fail_msg("verify could not run: %s", err);
}

/* 1 when a problem starts with want. */
static int
has_problem(const struct evpkg_result *r, const char *want)
{
	int	 i;

	for (i = 0; i < r->nproblems; i++)
		if (strncmp(r->problems[i], want, strlen(want)) == 0)
			return 1;
	return 0;
}

static void
test_roundtrip(void **state)
{
	struct evpkg_result r;
	struct evpkg	 p;
	int		 f;

	(void)state;
	for (f = EVPKG_TARGZ; f <= EVPKG_ZIP; f++) {
		make_pkg(&p, (enum evpkg_format)f, FIX "test-signer.key",
		    FIX "test-signer.crt");
		verify(&p, FIX "crl.pem", &r);
		assert_int_equal(r.ok, 1);
		assert_int_equal(r.nproblems, 0);
		assert_int_equal(r.nfiles, 3);	/* 2 members + signer.pem */
		assert_non_null(strstr(r.signer, "CN=test-signer"));
		assert_string_equal(r.signed_at, "2025-12-04T10:00:00.000Z");
		evpkg_free(&p);
	}
}

/* Every byte of every member and of the manifest, changed one at a time, is named. */
static void
test_tamper_every_byte(void **state)
{
	struct evpkg_result r;
	struct evpkg	 p;
	char		 want[300];
	size_t		 j;
	int		 i;

	(void)state;
	make_pkg(&p, EVPKG_TARGZ, FIX "test-signer.key", FIX "test-signer.crt");
	for (i = 0; i < p.n; i++) {
		struct evpkg_member *m = &p.m[i];

		if (strcmp(m->name, EVPKG_MANIFEST) == 0 ||
		    strcmp(m->name, EVPKG_SIG) == 0)
			snprintf(want, sizeof(want), "%s: ", EVPKG_SIG);
		else if (strcmp(m->name, EVPKG_CERT) == 0)
			snprintf(want, sizeof(want), "%s: ", EVPKG_CERT);
		else
			snprintf(want, sizeof(want), "%s: changed", m->name);
		for (j = 0; j < m->len; j++) {
			m->data[j] ^= 0x01;
			verify(&p, NULL, &r);
			if (r.ok || !has_problem(&r, want))
				fail_msg("%s byte %zu changed: %s not named "
				    "(first problem: %s)", m->name, j, want,
				    r.nproblems ? r.problems[0] : "none");
			m->data[j] ^= 0x01;
		}
	}
	verify(&p, NULL, &r);
	assert_int_equal(r.ok, 1);
	evpkg_free(&p);
}

static void
test_added_removed(void **state)
{
	struct evpkg_result r;
	struct evpkg	 p;
	char		 err[256];

	(void)state;
	make_pkg(&p, EVPKG_ZIP, FIX "test-signer.key", FIX "test-signer.crt");
	assert_int_equal(evpkg_add(&p, "extra.txt", "x", 1, err, sizeof(err)), 0);
	verify(&p, NULL, &r);
	assert_int_equal(r.ok, 0);
	assert_true(has_problem(&r, "extra.txt: added"));
	/* remove SUMMARY.txt: swap it with the last member and drop it */
	free(p.m[0].name);
	free(p.m[0].data);
	p.m[0] = p.m[--p.n];
	verify(&p, NULL, &r);
	assert_true(has_problem(&r, "SUMMARY.txt: removed"));
	evpkg_free(&p);
}

static void
test_revoked_and_foreign(void **state)
{
	struct evpkg_result r;
	struct evpkg	 p;
	char		 err[256];

	(void)state;
	make_pkg(&p, EVPKG_TARGZ, FIX "revoked-signer.key",
	    FIX "revoked-signer.crt");
	verify(&p, NULL, &r);
	assert_int_equal(r.ok, 1);	/* no CRL given: not checked */
	verify(&p, FIX "crl.pem", &r);
	assert_int_equal(r.ok, 0);
	assert_true(has_problem(&r, "signer.pem: signer certificate not "
	    "trusted: certificate revoked"));
	/* a CA that did not issue the signer */
	assert_int_equal(evpkg_verify(&p, FIX "test-signer.crt", NULL, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.ok, 0);
	assert_true(has_problem(&r, "signer.pem: signer certificate not trusted"));
	evpkg_free(&p);
	/* a key that is no signer's: the TLS key of nobody, wrong type */
	assert_int_equal(evpkg_signer_check(FIX "test-signer.key",
	    FIX "revoked-signer.crt", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not match"));
	assert_int_equal(evpkg_signer_check(FIX "test-signer.key",
	    FIX "test-signer.crt", err, sizeof(err)), 0);
}

static void
test_read_refuses(void **state)
{
	struct evpkg	 p;
	char		 err[256];

	(void)state;
	assert_int_equal(evpkg_read("not an archive", 14, &p, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not a readable"));
	assert_int_equal(evpkg_read("", 0, &p, err, sizeof(err)), -1);
}

static struct trace *
load(const char *path, const struct asn_table *asn)
{
	struct trace	*t;
	char		*s, err[256];
	size_t		 len;

	s = slurp(path, &len);
	if ((t = trace_from_json(s, len, err, sizeof(err))) == NULL)
		fail_msg("%s: %s", path, err);
	free(s);
	asn_annotate(asn, t);
	return t;
}

/* The fixture pair of the SF <-> Chicago lab, as the controller would pack it. */
static void
test_golden(void **state)
{
	struct asn_table *asn;
	struct evidence_run run;
	struct evidence_in in;
	struct svg_opts	 so = { "sf-office", "chicago-office", "lab fixture pair" };
	struct analysis	*a;
	struct trace	*f, *r;
	struct evpkg	 p;
	char		 err[256], *s;
	int		 i;

	(void)state;
	if ((asn = asn_load("tests/lab/scenarios/sf-chicago.pfx2as", err,
	    sizeof(err))) == NULL)
		fail_msg("%s", err);
	f = load("tests/analysis/lab-sfchi-forward.json", asn);
	r = load("tests/analysis/lab-sfchi-reverse.json", asn);
	assert_non_null(a = analysis_run(f, r, NULL, err, sizeof(err)));
	memset(&run, 0, sizeof(run));
	run.pair_id = "p-fixture-1";
	run.agent_a = "sf-office";
	run.agent_b = "chicago-office";
	run.operator_name = "alice";
	run.created = f->start;
	run.status = "ok";
	run.reason = "";
	run.skew_ms = 0.8;
	run.fwd = f;
	run.rev = r;
	run.a = a;
	memset(&in, 0, sizeof(in));
	in.tenant = "acme";
	in.requester = "alice";
	in.software = "tracepair-controller 0.1";
	in.made = f->start + 3600;
	in.redaction = "";
	in.nruns = 1;
	in.runs = &run;
	assert_non_null(s = evidence_summary(&in));
	golden(GOLD "lab-sfchi-SUMMARY.txt", s);
	if (getenv("TP_REGEN") == NULL)
		golden_checked(GOLD "lab-sfchi-SUMMARY.txt");
	free(s);
	assert_non_null(s = svg_pair(f, r, a, &so));
	golden(GOLD "lab-sfchi.svg", s);
	/* the drawing's parts: both paths, the suspect link, an onset */
	assert_non_null(strstr(s, "class=\"path fwd\""));
	assert_non_null(strstr(s, "class=\"path rev\""));
	assert_non_null(strstr(s, "class=\"suspect link\""));
	assert_non_null(strstr(s, "class=\"hop fwd onset\""));
	free(s);
	/* the whole package builds and names every run's files */
	evpkg_init(&p);
	if (evidence_build(&in, &p, err, sizeof(err)) != 0)
		fail_msg("build: %s", err);
	assert_non_null(evpkg_find(&p, "report.html"));
	assert_non_null(evpkg_find(&p, "pair.json"));
	assert_non_null(evpkg_find(&p, "runs/p-fixture-1/reverse-mtr.txt"));
	assert_non_null(evpkg_find(&p, "runs/p-fixture-1/paths.svg"));
	/* both traces as RIPE Atlas results, read back as the same hops */
	for (i = 0; i < 2; i++) {
		const struct evpkg_member *m = evpkg_find(&p, i == 0 ?
		    "runs/p-fixture-1/forward-atlas.json" :
		    "runs/p-fixture-1/reverse-atlas.json");
		struct trace *back;

		assert_non_null(m);
		back = paste_parse((const char *)m->data, m->len, PASTE_ATLAS,
		    err, sizeof(err));
		if (back == NULL)
			fail_msg("atlas member %d: %s", i, err);
		assert_int_equal(back->nhops, (i == 0 ? f : r)->nhops);
		trace_free(back);
	}
	evpkg_free(&p);
	analysis_free(a);
	trace_free(f);
	trace_free(r);
	asn_free(asn);
}

static void
test_redact(void **state)
{
	struct evidence_prefix pfx;
	struct asn_table *asn;
	struct trace	*f;
	char		 err[256], *s;
	int		 n;

	(void)state;
	assert_int_equal(evidence_prefix_parse("198.18.10.20/30", &pfx), 0);
	assert_int_equal(evidence_prefix_parse("2001:db8::/129", &pfx), -1);
	assert_int_equal(evidence_prefix_parse("198.18.10.0", &pfx), -1);
	assert_int_equal(evidence_prefix_parse("x/8", &pfx), -1);
	assert_non_null(asn = asn_load("tests/lab/scenarios/sf-chicago.pfx2as",
	    err, sizeof(err)));
	f = load("tests/analysis/lab-sfchi-forward.json", asn);
	assert_int_equal(evidence_prefix_parse("198.18.10.20/30", &pfx), 0);
	n = evidence_redact(f, "A", 1, &pfx, 1);
	assert_true(n > 0);
	assert_non_null(s = trace_to_json(f, 0));
	/* hop 1 (198.18.10.2), the hop before the destination (.38) and .22 are gone */
	assert_null(strstr(s, "\"198.18.10.2\""));
	assert_null(strstr(s, "\"198.18.10.38\""));
	assert_null(strstr(s, "\"198.18.10.22\""));
	assert_non_null(strstr(s, "redacted-A1"));
	assert_non_null(strstr(s, "\"198.18.10.26\""));	/* kept */
	assert_non_null(strstr(s, "\"198.18.10.42\""));	/* the destination stays */
	free(s);
	trace_free(f);
	asn_free(asn);
}

/* Count the occurrences of needle in hay[0..end). */
static int
count_in(const char *hay, const char *end, const char *needle)
{
	int	 n = 0;
	size_t	 l = strlen(needle);

	for (; (hay = strstr(hay, needle)) != NULL && hay < end; hay += l)
		n++;
	return n;
}

/*
 * The chart over runs: one per direction, a loss bar per run with a trace
 * (height in proportion, 100 % = the plot's 120 px), a '?' where a run
 * has none, the RTT line through the runs that have one.
 */
static void
test_svg_runs(void **state)
{
	struct svg_run	 r[3];
	char		*s;
	const char	*fwd, *rev;

	(void)state;
	memset(r, 0, sizeof(r));
	r[0].start = 1764900000;
	r[1].start = 1764900300;
	r[2].start = 1764900600;
	r[0].have[0] = r[1].have[0] = r[2].have[0] = 1;
	r[0].have[1] = r[2].have[1] = 1;	/* run 2 lacks its reverse trace */
	r[0].loss_pct[0] = 0;
	r[1].loss_pct[0] = 50;
	r[2].loss_pct[0] = 25;
	r[0].rtt_ms[0] = 48;
	r[1].rtt_ms[0] = 52;
	r[2].rtt_ms[0] = 50;
	r[0].loss_pct[1] = 10;
	r[2].loss_pct[1] = 100;
	r[0].rtt_ms[1] = 45;
	r[2].rtt_ms[1] = 47;
	assert_null(svg_runs(r, 0, NULL));
	assert_non_null(s = svg_runs(r, 3, NULL));
	assert_non_null(fwd = strstr(s, "<g class=\"chart fwd\">"));
	assert_non_null(rev = strstr(s, "<g class=\"chart rev\">"));
	assert_true(fwd < rev);
	assert_int_equal(count_in(fwd, rev, "class=\"lossbar\""), 3);
	assert_int_equal(count_in(rev, s + strlen(s), "class=\"lossbar\""), 2);
	assert_int_equal(count_in(fwd, rev, ": no trace</title>"), 0);
	assert_int_equal(count_in(rev, s + strlen(s), ": no trace</title>"), 1);
	/* 50 % of the 120 px plot; 100 % the whole of it */
	assert_true(count_in(fwd, rev, "height=\"60.0\" fill=") == 1);
	assert_true(count_in(rev, s + strlen(s), "height=\"120.0\" fill=") == 1);
	assert_non_null(strstr(fwd, "50% loss, 52.0 ms"));
	assert_non_null(strstr(rev, "100% loss, 47.0 ms"));
	/* the RTT line: three points forward, two reverse */
	assert_non_null(strstr(fwd, "class=\"rttline\""));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_tamper_every_byte),
		cmocka_unit_test(test_added_removed),
		cmocka_unit_test(test_revoked_and_foreign),
		cmocka_unit_test(test_read_refuses),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_svg_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
