/* cmd_evidence.c: `tracepair evidence` asks the controller for a signed evidence package and writes it; `tracepair verify` checks one offline. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_conn.h"
#include "evidence.h"
#include "evpkg.h"

static void
evidence_usage(void)
{
	fprintf(stderr, "usage: tracepair evidence PAIR_ID... | --schedule NAME "
	    "[--since WHEN] [-o FILE] "
	    "[--format tar.gz|zip] [--redact-site-hops N] "
	    "[--redact-prefix PREFIX]...\n"
	    "  writes one signed package of the stored pairs (default name "
	    "tracepair-evidence-ID.tar.gz; -o - for stdout)\n");
}

static void
verify_usage(void)
{
	fprintf(stderr, "usage: tracepair verify FILE [--ca CA.pem] "
	    "[--crl CRL.pem]\n"
	    "  checks a package offline: signature, signer certificate, every "
	    "file's SHA-256\n");
}

/* Write len bytes to path ("-" stdout) through a temporary file; -1 after one line. */
static int
write_file(const char *path, const unsigned char *d, size_t len)
{
	char	 tmp[4096];
	FILE	*fp;

	if (strcmp(path, "-") == 0) {
		if (fwrite(d, 1, len, stdout) != len || fflush(stdout) != 0) {
			cli_errx("evidence", "stdout: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path,
	    (long)getpid()) >= sizeof(tmp)) {
		cli_errx("evidence", "file name too long");
		return -1;
	}
	if ((fp = fopen(tmp, "wb")) == NULL) {
		cli_errx("evidence", "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fwrite(d, 1, len, fp) != len || fflush(fp) != 0 ||
	    fsync(fileno(fp)) != 0) {
		cli_errx("evidence", "%s: %s", tmp, strerror(errno));
		fclose(fp);
		unlink(tmp);
		return -1;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		cli_errx("evidence", "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
cmd_evidence(int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__EvidenceRequest er;
	const Tracepair__EvidenceReply *r;
	struct cli_conn_settings cs;
	struct evidence_prefix pfx;
	struct cli_conn	*c;
	frame_env	*reply;
	enum evpkg_format fmt;
	const char	*out = NULL, *format = NULL, *hops = NULL;
	const char	*sched = NULL, *since = NULL;
	double		 t = 0;
	const char	*prefixes[EVIDENCE_MAX_PREFIXES];
	char		*end;
	long		 n = 0;
	int		 i, np = 0, status;

	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		evidence_usage();
		return CLI_EXIT_OK;
	}
	if (cli_take_value(&argc, argv, "-o", &out) == -1 ||
	    cli_take_value(&argc, argv, "--format", &format) == -1 ||
	    cli_take_value(&argc, argv, "--redact-site-hops", &hops) == -1 ||
	    cli_take_value(&argc, argv, "--schedule", &sched) == -1 ||
	    cli_take_value(&argc, argv, "--since", &since) == -1) {
		cli_errx("evidence", "-o, --format, --redact-site-hops, "
		    "--schedule and --since take a value");
		return CLI_EXIT_USAGE;
	}
	if (since != NULL && (sched == NULL || pairs_parse_when(since,
	    time(NULL), &t) == -1)) {
		cli_errx("evidence", "--since %s: goes with --schedule; want "
		    "YYYY-MM-DD[THH:MM[:SS]] (UTC) or an age such as 24h", since);
		return CLI_EXIT_USAGE;
	}
	switch (cli_take_values(&argc, argv, "--redact-prefix", prefixes,
	    EVIDENCE_MAX_PREFIXES, &np)) {
	case -1:
		cli_errx("evidence", "--redact-prefix takes a value");
		return CLI_EXIT_USAGE;
	case -2:
		cli_errx("evidence", "at most %d --redact-prefix",
		    EVIDENCE_MAX_PREFIXES);
		return CLI_EXIT_USAGE;
	}
	for (i = 0; i < np; i++)
		if (evidence_prefix_parse(prefixes[i], &pfx) == -1) {
			cli_errx("evidence", "--redact-prefix %s: want "
			    "ADDRESS/LENGTH", prefixes[i]);
			return CLI_EXIT_USAGE;
		}
	if (format != NULL && evpkg_format_parse(format, &fmt) == -1) {
		cli_errx("evidence", "--format %s: want tar.gz or zip", format);
		return CLI_EXIT_USAGE;
	}
	if (hops != NULL) {
		n = strtol(hops, &end, 10);
		if (*hops == '\0' || *end != '\0' || n < 0 ||
		    n > EVIDENCE_MAX_SITE_HOPS) {
			cli_errx("evidence", "--redact-site-hops %s: want 0 to %d",
			    hops, EVIDENCE_MAX_SITE_HOPS);
			return CLI_EXIT_USAGE;
		}
	}
	if (cli_conn_args("evidence", &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	if ((sched == NULL && argc < 2) || (sched != NULL && argc != 1) ||
	    argc - 1 > EVIDENCE_MAX_RUNS) {
		evidence_usage();
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-' || argv[i][0] == '\0') {
			cli_errx("evidence", "unknown option %s", argv[i]);
			cli_conn_settings_clear(&cs);
			return CLI_EXIT_USAGE;
		}
	if ((c = cli_conn_setup("evidence", &cs, &status)) == NULL)
		return status;
	tracepair__evidence_request__init(&er);
	er.n_pair_ids = (size_t)(argc - 1);
	er.pair_ids = argv + 1;
	/* or the newest runs (at most 64) of a schedule or mesh */
	er.schedule = (char *)(uintptr_t)(sched ? sched : "");
	er.since = t;
	er.format = (char *)(uintptr_t)(format ? format : "");
	er.redact_site_hops = (uint32_t)n;
	er.n_redact_prefixes = (size_t)np;
	er.redact_prefixes = (char **)(uintptr_t)prefixes;
	req.body_case = TRACEPAIR__ENVELOPE__BODY_EVIDENCE_REQUEST;
	req.evidence_request = &er;
	if ((reply = cli_conn_call(c, "evidence", &req,
	    TRACEPAIR__ENVELOPE__BODY_EVIDENCE_REPLY, 60000, &status)) == NULL)
		return status;
	r = reply->evidence_reply;
	if (r->archive.len == 0 || r->file_name == NULL ||
	    evpkg_name_check(r->file_name, (char[64]){ 0 }, 64) == -1 ||
	    strchr(r->file_name, '/') != NULL) {
		cli_errx("evidence", "the controller's reply has no package or "
		    "a bad file name");
		frame_free(reply);
		return CLI_EXIT_CONN;
	}
	if (out == NULL)
		out = r->file_name;
	if (write_file(out, r->archive.data, r->archive.len) == -1) {
		frame_free(reply);
		return CLI_EXIT_FAILED;
	}
	if (strcmp(out, "-") != 0)
		fprintf(stderr, "tracepair evidence: wrote %s (%zu bytes); check it "
		    "with: tracepair verify %s --ca CA.pem\n", out,
		    r->archive.len, out);
	frame_free(reply);
	return CLI_EXIT_OK;
}

/* Read a whole package file of at most max bytes; NULL after one line. */
static unsigned char *
read_pkg(const char *path, size_t max, size_t *len)
{
	unsigned char	*d;
	struct stat	 st;
	FILE		*fp;
	size_t		 n;

	if ((fp = fopen(path, "rb")) == NULL) {
		cli_errx("verify", "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		cli_errx("verify", "%s: not a regular file of at most %zu bytes",
		    path, max);
		fclose(fp);
		return NULL;
	}
	if ((d = malloc((size_t)st.st_size + 1)) == NULL) {
		cli_errx("verify", "out of memory");
		fclose(fp);
		return NULL;
	}
	n = fread(d, 1, (size_t)st.st_size, fp);
	fclose(fp);
	if (n != (size_t)st.st_size) {
		cli_errx("verify", "%s: short read", path);
		free(d);
		return NULL;
	}
	*len = n;
	return d;
}

int
cmd_verify(int argc, char **argv)
{
	struct cli_conn_settings cs;
	struct evpkg_result *res;
	struct evpkg	 pkg;
	const char	*ca = NULL, *crl = NULL;
	unsigned char	*d;
	size_t		 len;
	char		 err[512];
	int		 i, rc = CLI_EXIT_FAILED;

	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		verify_usage();
		return CLI_EXIT_OK;
	}
	if (cli_take_value(&argc, argv, "--ca", &ca) == -1 ||
	    cli_take_value(&argc, argv, "--crl", &crl) == -1) {
		cli_errx("verify", "--ca and --crl take a file");
		return CLI_EXIT_USAGE;
	}
	if (argc != 2 || argv[1][0] == '-') {
		verify_usage();
		return CLI_EXIT_USAGE;
	}
	memset(&cs, 0, sizeof(cs));
	if (ca == NULL) {
		/* The CA the CLI trusts, if it has one; nothing else is needed. */
		(void)cli_conn_settings_resolve(&cs, err, sizeof(err));
		if ((ca = cs.ca) == NULL) {
			cli_errx("verify", "no CA: give --ca CA.pem (the "
			    "deployment's CA certificate)");
			return CLI_EXIT_USAGE;
		}
	}
	if ((d = read_pkg(argv[1], EVPKG_MAX_TOTAL + (1u << 20), &len)) == NULL) {
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	if (evpkg_read(d, len, &pkg, err, sizeof(err)) == -1) {
		free(d);
		printf("FAILED: %s: %s\n", argv[1], err);
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_FAILED;
	}
	free(d);
	if ((res = malloc(sizeof(*res))) == NULL ||
	    evpkg_verify(&pkg, ca, crl, res, err, sizeof(err)) == -1) {
		cli_errx("verify", "%s", res ? err : "out of memory");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	printf("package:   %s (%s/)\n", argv[1], pkg.top ? pkg.top : "?");
	printf("signed by: %s\n", res->signer[0] ? res->signer : "unknown");
	printf("issuer:    %s, serial %s\n", res->issuer[0] ? res->issuer : "?",
	    res->serial[0] ? res->serial : "?");
	printf("signed at: %s\n", res->signed_at[0] ? res->signed_at : "unknown");
	printf("CA:        %s%s%s\n", ca, crl ? ", CRL " : " (no CRL given: "
	    "revocation not checked)", crl ? crl : "");
	if (res->ok) {
		printf("files:     %d, every SHA-256 matches the signed manifest\n"
		    "OK: the package is as the signer made it\n", res->nfiles);
		rc = CLI_EXIT_OK;
	} else {
		for (i = 0; i < res->nproblems; i++)
			printf("FAILED: %s\n", res->problems[i]);
		if (res->more)
			printf("FAILED: and %d more problems\n", res->more);
	}
out:
	free(res);
	evpkg_free(&pkg);
	cli_conn_settings_clear(&cs);
	return rc;
}
