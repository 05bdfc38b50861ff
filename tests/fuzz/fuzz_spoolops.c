/* fuzz_spoolops.c: the agent spool's put, ack, read, evict and reopen paths (agent/spool.c) driven by a sequence of operations decoded from arbitrary bytes, on a scratch directory. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_dir.h"
#include "log.h"
#include "spool.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define OPS_MAX		48	/* operations of one input (each put fsyncs) */
#define JOBS		6	/* job ids "job-0".."job-5": puts replace, acks find */

/* The input, consumed a byte at a time (0 once it is used up). */
struct in {
	const uint8_t	*p;
	size_t		 n;
};

static unsigned
take(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* The spool's own promises, checked after every operation. */
static void
check(const struct spool *sp)
{
	size_t	 i, sum = 0;

	for (i = 0; i < spool_count(sp); i++) {
		const struct spool_entry *e = spool_entry_at(sp, i);

		if (e == NULL || e->job_id[0] == '\0' ||
		    strlen(e->job_id) > SPOOL_JOB_ID_MAX ||
		    (i > 0 && e->seq <= spool_entry_at(sp, i - 1)->seq))
			abort();
		sum += e->size;
	}
	if (sum != sp->total_bytes || sp->total_bytes > sp->max_bytes)
		abort();
	if (spool_entry_at(sp, spool_count(sp)) != NULL)
		abort();
}

/* A put that succeeded: the newest entry is this job, and reads back whole. */
static void
check_put(struct spool *sp, const char *job, const void *data, size_t len)
{
	char	 err[256];
	void	*buf = NULL;
	size_t	 n = 0, last;

	if (spool_count(sp) == 0)
		abort();
	last = spool_count(sp) - 1;
	if (strcmp(spool_entry_at(sp, last)->job_id, job) != 0 ||
	    spool_find(sp, job) != (long)last)
		abort();
	if (spool_read(sp, last, &buf, &n, err, sizeof(err)) == -1)
		abort();	/* nothing touched the file since the put */
	if (n != len || (len > 0 && memcmp(buf, data, len) != 0))
		abort();
	free(buf);
}

/*
 * Input: byte 0 the bound (256 bytes to 16 KiB), then operations, one
 * byte each plus their operands: put (job, length, the payload's bytes
 * from the input), put with a job id from the input (up to a NUL, bad
 * ones included), ack, read, reopen (the index rebuilt from the files),
 * and damage to one file on disk (truncated or a byte changed) so that
 * reads and the reopen meet torn files.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct in	 in = { data, len };
	struct spool	*sp;
	char		 err[256], job[SPOOL_JOB_ID_MAX + 64], path[600];
	uint8_t		 payload[4096];
	size_t		 max, n, i;
	void		*buf;
	int		 op, k;
	const char	*fuzz_dir;
	static int	 logs;

	if (!logs++)
		log_init("fuzz_spoolops", 0, 0);	/* warnings to syslog */
	fuzz_dir = fuzz_dir_fresh("fuzz-spoolops");
	max = 256 + (size_t)take(&in) * 64;
	if ((sp = spool_open(fuzz_dir, max, err, sizeof(err))) == NULL)
		abort();
	for (k = 0; k < OPS_MAX && in.n > 0 && sp != NULL; k++) {
		op = (int)(take(&in) % 7);
		switch (op) {
		case 0:		/* put a known job: the newest is always kept */
		case 1:
			snprintf(job, sizeof(job), "job-%u", take(&in) % JOBS);
			n = ((size_t)take(&in) << 4 | take(&in) % 16) % sizeof(payload);
			for (i = 0; i < n; i++)
				payload[i] = (uint8_t)take(&in);
			if (spool_put(sp, job, payload, n, err, sizeof(err)) == 0)
				check_put(sp, job, payload, n);
			else if (n + strlen(job) + 64 < max)
				abort();	/* it fits the bound: it must be kept */
			break;
		case 2:		/* put with a job id from the input */
			n = take(&in) % sizeof(job);
			for (i = 0; i < n && (job[i] = (char)take(&in)) != '\0'; i++)
				;
			job[i < n ? i : n] = '\0';
			if (spool_put(sp, job, "x", 1, err, sizeof(err)) == 0)
				check_put(sp, job, "x", 1);
			break;
		case 3:		/* ack */
			snprintf(job, sizeof(job), "job-%u", take(&in) % JOBS);
			if (spool_ack(sp, job) == 0 && spool_find(sp, job) != -1)
				abort();
			break;
		case 4:		/* read one */
			if (spool_count(sp) == 0)
				break;
			i = take(&in) % spool_count(sp);
			if (spool_read(sp, i, &buf, &n, err, sizeof(err)) == 0)
				free(buf);
			break;
		case 5:		/* close and reopen: the index from the files */
			spool_close(sp);
			if ((sp = spool_open(fuzz_dir, max, err, sizeof(err))) == NULL)
				abort();
			break;
		default:	/* damage one file on disk */
			if (spool_count(sp) == 0)
				break;
			i = take(&in) % spool_count(sp);
			snprintf(path, sizeof(path), "%s/%016llx.tps", fuzz_dir,
			    (unsigned long long)spool_entry_at(sp, i)->seq);
			if (take(&in) % 2 == 0)
				(void)truncate(path, take(&in));
			else {
				FILE *fp = fopen(path, "r+");

				if (fp != NULL) {
					if (fseek(fp, take(&in), SEEK_SET) == 0)
						putc(take(&in), fp);
					fclose(fp);
				}
			}
			break;
		}
		check(sp);
	}
	spool_close(sp);
	return 0;
}
