/* fuzz_spool.c: the agent spool's file reader (spool_open + spool_read) on arbitrary file contents. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_dir.h"
#include "log.h"
#include "spool.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct spool *sp;
	char	 path[512], err[256];
	FILE	*fp;
	void	*buf;
	size_t	 i, n;
	const char *fuzz_dir;
	static int logs;

	if (!logs++)
		log_init("fuzz_spool", 0, 0);	/* warnings to syslog, not the TAP log */
	fuzz_dir = fuzz_dir_fresh("fuzz-spool");
	snprintf(path, sizeof(path), "%s/0000000000000001.tps", fuzz_dir);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	if (len > 0 && fwrite(data, 1, len, fp) != len)
		abort();
	fclose(fp);
	if ((sp = spool_open(fuzz_dir, 1 << 20, err, sizeof(err))) == NULL)
		return 0;
	for (i = 0; i < spool_count(sp);) {
		if (spool_read(sp, i, &buf, &n, err, sizeof(err)) == 0) {
			free(buf);
			i++;
		}
	}
	if (spool_count(sp) > 0)
		spool_ack(sp, spool_entry_at(sp, 0)->job_id);
	spool_close(sp);
	return 0;
}
