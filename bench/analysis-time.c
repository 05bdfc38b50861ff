/* analysis-time.c: the analysis of one pair timed in-process, stage by stage: parsing the two traces, analysis_run(), the JSON report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "paste.h"
#include "report.h"
#include "trace.h"

/*
 * usage: analysis-time FORWARD REVERSE [ITERATIONS]
 *
 * Reads the two files once, then ITERATIONS times (default 101) parses
 * them (paste_parse, format detected, as `tracepair analyze` does),
 * analyses the pair (analysis_run, default options) and writes the JSON
 * report (report_json_write, pretty, to /dev/null), timing each stage
 * alone.  Prints the median, the minimum and the first iteration of each
 * stage and of their sum, in ms.  The first is what a process that
 * analyses one pair sees: every page of the heap touched for the first
 * time (a page fault each), cold caches.  What `tracepair analyze --json`
 * adds to it is process start, reading the files and writing to a pipe.
 */

#define AT_STAGES	3	/* parse, analyse, report */

static const char *const at_stage_name[AT_STAGES] = {
	"parse (both traces)", "analysis_run", "JSON report"
};

static double
at_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
at_die(const char *what, const char *why)
{
	fprintf(stderr, "analysis-time: %s: %s\n", what, why);
	exit(1);
}

/* The whole file; exits on error. */
static char *
at_slurp(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL)
		at_die(path, strerror(errno));
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1)
		at_die(path, strerror(errno));
	if ((buf = malloc((size_t)n + 1)) == NULL)
		at_die(path, "out of memory");
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		at_die(path, "short read");
	fclose(fp);
	*lenp = (size_t)n;
	return buf;
}

static int
at_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v and returns its median. */
static double
at_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), at_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
	struct analysis	*a;
	struct trace	*fwd, *rev;
	FILE		*null;
	double		*ms[AT_STAGES + 1], t0, t1, t2, t3;
	char		*text[2], err[512];
	size_t		 len[2];
	int		 i, n = 101, s;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: analysis-time FORWARD REVERSE "
		    "[ITERATIONS]\n");
		return 2;
	}
	if (argc == 4 && (n = atoi(argv[3])) < 1)
		at_die(argv[3], "not a positive number of iterations");
	for (i = 0; i < 2; i++)
		text[i] = at_slurp(argv[1 + i], &len[i]);
	if ((null = fopen("/dev/null", "w")) == NULL)
		at_die("/dev/null", strerror(errno));
	for (s = 0; s <= AT_STAGES; s++)
		if ((ms[s] = calloc((size_t)n, sizeof(double))) == NULL)
			at_die("timings", "out of memory");
	for (i = 0; i < n; i++) {
		t0 = at_now();
		if ((fwd = paste_parse(text[0], len[0], PASTE_AUTO, err,
		    sizeof(err))) == NULL)
			at_die(argv[1], err);
		if ((rev = paste_parse(text[1], len[1], PASTE_AUTO, err,
		    sizeof(err))) == NULL)
			at_die(argv[2], err);
		t1 = at_now();
		if ((a = analysis_run(fwd, rev, NULL, err, sizeof(err))) == NULL)
			at_die("analysis_run", err);
		t2 = at_now();
		if (report_json_write(null, fwd, rev, a, 1) == -1 ||
		    fflush(null) != 0)
			at_die("report_json_write", "write error or out of memory");
		t3 = at_now();
		analysis_free(a);
		trace_free(fwd);
		trace_free(rev);
		ms[0][i] = t1 - t0;
		ms[1][i] = t2 - t1;
		ms[2][i] = t3 - t2;
		ms[3][i] = t3 - t0;
	}
	printf("%d iterations, ms (median / min / first):\n", n);
	for (s = 0; s <= AT_STAGES; s++) {
		double	 first = ms[s][0], med = at_median(ms[s], n);

		printf("  %-22s %8.2f / %8.2f / %8.2f\n",
		    s < AT_STAGES ? at_stage_name[s] : "all three", med, ms[s][0],
		    first);
	}
	for (s = 0; s <= AT_STAGES; s++)
		free(ms[s]);
	fclose(null);
	free(text[0]);
	free(text[1]);
	return 0;
}
