/* cmd_analyze.c: `tracepair analyze FORWARD REVERSE`: the pair analysis offline, on files. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrclass.h"
#include "analysis.h"
#include "asn.h"
#include "cli.h"
#include "paste.h"
#include "report.h"
#include "svg.h"

static void
analyze_usage(void)
{
	fprintf(stderr, "usage: tracepair analyze [--json | --svg] [--format FMT] "
	    "[--aliases FILE] [-A PFX2AS]\n"
	    "           [--site-a-gateway ADDR] [--site-b-gateway ADDR] "
	    "FORWARD REVERSE\n"
	    "       tracepair analyze [--json | --svg] [--format FMT] [--aliases FILE] "
	    "[-A PFX2AS]\n"
	    "           [--site-a-gateway ADDR] [--site-b-gateway ADDR] "
	    "TRACE|PAIR\n"
	    "  FORWARD, REVERSE, TRACE: a trace as printed or saved (\"-\" = "
	    "stdin, to EOF): " PASTE_FORMATS_READ "\n"
	    "  TRACE alone: that direction, and what the other would add\n"
	    "  PAIR: a saved pair (tracepair JSON, two Atlas results or scamper "
	    "traces)\n"
	    "  FMT: auto traceroute tracert mtr-report mtr-json tracepath pathping "
	    "winmtr atlas scamper tracepair\n"
	    "  PFX2AS: CAIDA pfx2as table; hops get their origin AS numbers\n"
	    "  --site-X-gateway: an address of site A's (forward source) or "
	    "B's gateway,\n"
	    "    inside (as its own trace saw it) or outside, when private "
	    "addresses do not tell\n");
}

/* Read a whole file (or stdin for "-"); NULL with a message on stderr. */
static char *
read_file(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*buf, *nb;
	size_t	 len = 0, cap = 65536, n;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "tracepair: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(cap)) == NULL)
		goto oom;
	while ((n = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += n;
		if (len > PASTE_MAX_INPUT) {
			fprintf(stderr, "tracepair: %s: larger than %d bytes\n",
			    path, PASTE_MAX_INPUT);
			goto fail;
		}
		if (len == cap) {
			if ((nb = realloc(buf, cap * 2)) == NULL)
				goto oom;
			buf = nb;
			cap *= 2;
		}
	}
	if (ferror(fp)) {
		fprintf(stderr, "tracepair: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (fp != stdin)
		fclose(fp);
	*lenp = len;
	return buf;
oom:
	fprintf(stderr, "tracepair: %s: out of memory\n", path);
fail:
	free(buf);
	if (fp != stdin)
		fclose(fp);
	return NULL;
}

static struct trace *
load_trace(const char *path, enum paste_format fmt)
{
	struct trace	*t;
	char		*buf, err[512];
	size_t		 len;

	if ((buf = read_file(path, &len)) == NULL)
		return NULL;
	if ((t = paste_parse(buf, len, fmt, err, sizeof(err))) == NULL)
		fprintf(stderr, "%s:%s\n", path, err);
	free(buf);
	return t;
}

/*
 * One file: a saved pair (JSON with "forward" and "reverse", or two Atlas
 * results / scamper traces) gives both traces; anything else is one trace
 * (*rev stays NULL).
 */
static int
load_one(const char *path, enum paste_format fmt, struct trace **fwd,
    struct trace **rev)
{
	char	*buf, err[1024];
	size_t	 len;
	int	 rc = 0;

	*fwd = *rev = NULL;
	if ((buf = read_file(path, &len)) == NULL)
		return -1;
	if (fmt == PASTE_AUTO && paste_is_pair(buf, len)) {
		if ((rc = paste_parse_pair(buf, len, fwd, rev, err,
		    sizeof(err))) == -1)
			fprintf(stderr, "%s:%s\n", path, err);
	} else if ((*fwd = paste_parse(buf, len, fmt, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s:%s\n", path, err);
		rc = -1;
	}
	free(buf);
	return rc;
}

/*
 * Alias evidence from a file ("-" = stdin), analysis_aliases_parse()'s
 * lines.  Returns the number of pairs, -1 on error (message on stderr).
 */
static int
load_aliases(const char *path, struct analysis_alias **out)
{
	char	*buf, err[256];
	size_t	 len;
	int	 n;

	if ((buf = read_file(path, &len)) == NULL)
		return -1;
	if ((n = analysis_aliases_parse(buf, len, out, err, sizeof(err))) == -1)
		fprintf(stderr, "%s:%s\n", path, err);
	free(buf);
	return n;
}

int
cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "svg", no_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "aliases", required_argument, NULL, 'a' },
		{ "pfx2as", required_argument, NULL, 'A' },
		{ "site-a-gateway", required_argument, NULL, 'G' },
		{ "site-b-gateway", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char	 abuf[16];
	const char	*gw[2] = { NULL, NULL };
	struct analysis_opts aopts;
	struct analysis_alias *aliases = NULL;
	struct asn_table *asn = NULL;
	struct analysis	*a = NULL;
	struct trace	*fwd = NULL, *rev = NULL;
	enum paste_format fmt = PASTE_AUTO;
	const char	*aliasfile = NULL, *asnfile = NULL;
	char		 err[256], *s;
	int		 ch, json = 0, svg = 0, rc = 1, nal = 0, one = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "jsf:a:A:G:H:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			svg = 1;
			break;
		case 'f':
			if (paste_format_parse(optarg, &fmt) == -1) {
				fprintf(stderr, "tracepair analyze: unknown format "
				    "\"%s\"\n", optarg);
				return 2;
			}
			break;
		case 'a':
			aliasfile = optarg;
			break;
		case 'A':
			asnfile = optarg;
			break;
		case 'G':
		case 'H':
			if (inet_pton(AF_INET, optarg, abuf) != 1 &&
			    inet_pton(AF_INET6, optarg, abuf) != 1) {
				fprintf(stderr, "tracepair analyze: --site-%c-gateway:"
				    " \"%.64s\" is not an IP address\n",
				    ch == 'G' ? 'a' : 'b', optarg);
				return 2;
			}
			gw[ch == 'H'] = optarg;
			break;
		case 'h':
			analyze_usage();
			return 0;
		default:
			analyze_usage();
			return 2;
		}
	}
	if (argc - optind != 2 && argc - optind != 1) {
		analyze_usage();
		return 2;
	}
	analysis_opts_init(&aopts);
	for (ch = 0; ch < 2; ch++)
		if (gw[ch] != NULL)
			snprintf(aopts.site[ch].gateway,
			    sizeof(aopts.site[ch].gateway), "%s", gw[ch]);
	/* test-only private/CGNAT stand-in ranges (docs/analysis.md) */
	if (addrclass_test_from_env(err, sizeof(err)) == -1) {
		fprintf(stderr, "tracepair analyze: %s\n", err);
		return 2;
	}
	if (aliasfile != NULL) {
		if ((nal = load_aliases(aliasfile, &aliases)) == -1)
			return 1;
		aopts.aliases = aliases;
		aopts.naliases = nal;
	}
	if (asnfile != NULL &&
	    (asn = asn_load(asnfile, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tracepair analyze: %s\n", err);
		goto out;
	}
	if (argc - optind == 1) {
		if (load_one(argv[optind], fmt, &fwd, &rev) == -1)
			goto out;
		one = rev == NULL;
	} else if ((fwd = load_trace(argv[optind], fmt)) == NULL ||
	    (rev = load_trace(argv[optind + 1], fmt)) == NULL)
		goto out;
	if (one && (rev = trace_new()) == NULL) {
		fprintf(stderr, "tracepair analyze: out of memory\n");
		goto out;
	}
	if (asn != NULL) {
		asn_annotate(asn, fwd);
		asn_annotate(asn, rev);
	}
	if ((a = analysis_run(fwd, rev, &aopts, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tracepair analyze: %s\n", err);
		goto out;
	}
	if (svg) {
		struct svg_opts	 so = { "A", "B", NULL };

		if ((s = svg_pair(fwd, rev, a, &so)) == NULL) {
			fprintf(stderr, "tracepair analyze: out of memory\n");
			goto out;
		}
		fputs(s, stdout);
		free(s);
	} else if (one && json) {
		/* written as it is built: the document whole was 8x the traces */
		if (report_one_json_write(stdout, fwd, a, 1) == -1) {
			fprintf(stderr, "tracepair analyze: write error or out of "
			    "memory\n");
			goto out;
		}
	} else if (one) {
		if (report_one_text(stdout, fwd, a, NULL) == -1) {
			fprintf(stderr, "tracepair analyze: write error\n");
			goto out;
		}
	} else if (json) {
		if (report_json_write(stdout, fwd, rev, a, 1) == -1) {
			fprintf(stderr, "tracepair analyze: write error or out of "
			    "memory\n");
			goto out;
		}
	} else if (report_text(stdout, fwd, rev, a, NULL) == -1) {
		fprintf(stderr, "tracepair analyze: write error\n");
		goto out;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "tracepair analyze: write error\n");
		goto out;
	}
	rc = 0;
out:
	analysis_free(a);
	trace_free(fwd);
	trace_free(rev);
	free(aliases);
	asn_free(asn);
	return rc;
}
