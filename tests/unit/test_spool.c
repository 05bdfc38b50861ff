/* test_spool.c: the agent's result spool (durability, bound, corruption), reconnect backoff, host:port splitting. */
#include <sys/mount.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backoff.h"
#include "hostport.h"
#include "log.h"
#include "spool.h"

/*
 * fsync, wrapped (the test links with -Wl,--wrap=fsync): every call is
 * recorded, "F" for a file and "D" for a directory, and the call numbered
 * fsync_fail_at (1 = the next one; 0 = none) fails with EIO.
 */
int	__real_fsync(int);
int	__wrap_fsync(int);
static char	fsync_log[64];
static int	fsync_calls, fsync_fail_at;

int
__wrap_fsync(int fd)
{
	struct stat st;

	fsync_calls++;
	if (strlen(fsync_log) < sizeof(fsync_log) - 1)
		strcat(fsync_log, fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ?
		    "D" : "F");
	if (fsync_calls == fsync_fail_at) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

static void
fsync_reset(int fail_at)
{
	fsync_log[0] = '\0';
	fsync_calls = 0;
	fsync_fail_at = fail_at;
}

/* A fresh temporary spool directory per test. */
struct fixture {
	char	 dir[64];	/* spool directory (mkdtemp) */
	char	 logpath[80];	/* where stderr (warnings) went */
	int	 saved_stderr;	/* the real stderr, restored in teardown */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int	 fd;

	strcpy(f->dir, "/tmp/tp-spool-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->logpath, sizeof(f->logpath), "%s.log", f->dir);
	fflush(stderr);
	f->saved_stderr = dup(2);
	fd = open(f->logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	dup2(fd, 2);
	close(fd);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char	 cmd[256];

	fflush(stderr);
	dup2(f->saved_stderr, 2);
	close(f->saved_stderr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", f->dir, f->logpath);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* The warnings logged so far contain needle. */
static int
logged(struct fixture *f, const char *needle)
{
	char	 buf[16384];
	FILE	*fp;
	size_t	 n;

	fflush(stderr);
	fp = fopen(f->logpath, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return strstr(buf, needle) != NULL;
}

static int
count_files(const char *dir, const char *suffix)
{
	DIR	*d = opendir(dir);
	struct dirent *de;
	int	 n = 0;
	size_t	 sl = strlen(suffix);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t	 l = strlen(de->d_name);

		if (l > sl && strcmp(de->d_name + l - sl, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Path of the only (or first) file with suffix in dir. */
static void
first_file(const char *dir, const char *suffix, char *out, size_t len)
{
	DIR	*d = opendir(dir);
	struct dirent *de;
	size_t	 sl = strlen(suffix);

	out[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		size_t	 l = strlen(de->d_name);

		if (l > sl && strcmp(de->d_name + l - sl, suffix) == 0) {
			snprintf(out, len, "%s/%s", dir, de->d_name);
			break;
		}
	}
	closedir(d);
}

static void
test_put_read_ack(void **state)
{
	struct fixture *f = *state;
	char	 err[256];
	struct spool *sp = spool_open(f->dir, 0, err, sizeof(err));
	void	*data;
	size_t	 len;

	assert_non_null(sp);
	assert_int_equal(spool_count(sp), 0);
	assert_int_equal(spool_put(sp, "job-1", "alpha", 5, err, sizeof(err)), 0);
	assert_int_equal(spool_put(sp, "job-2", "beta!!", 6, err, sizeof(err)), 0);
	assert_int_equal(spool_count(sp), 2);
	assert_int_equal(count_files(f->dir, ".tps"), 2);
	assert_int_equal(count_files(f->dir, ".tmp"), 0);
	assert_string_equal(spool_entry_at(sp, 0)->job_id, "job-1");
	assert_string_equal(spool_entry_at(sp, 1)->job_id, "job-2");
	assert_int_equal(spool_read(sp, 1, &data, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(data, "beta!!", 6);
	free(data);

	assert_int_equal(spool_ack(sp, "job-1"), 0);
	assert_int_equal(spool_ack(sp, "job-1"), -1);	/* twice: absent */
	assert_int_equal(spool_count(sp), 1);
	assert_int_equal(count_files(f->dir, ".tps"), 1);
	assert_int_equal(spool_find(sp, "job-2"), 0);
	assert_int_equal(spool_find(sp, "job-1"), -1);
	spool_close(sp);
}

static void
test_survives_reopen(void **state)
{
	struct fixture *f = *state;
	char	 err[256];
	struct spool *sp = spool_open(f->dir, 0, err, sizeof(err));
	void	*data;
	size_t	 len;

	assert_non_null(sp);
	assert_int_equal(spool_put(sp, "a", "1", 1, err, sizeof(err)), 0);
	assert_int_equal(spool_put(sp, "b", "22", 2, err, sizeof(err)), 0);
	assert_int_equal(spool_put(sp, "c", "", 0, err, sizeof(err)), 0);
	assert_int_equal(spool_ack(sp, "b"), 0);
	spool_close(sp);

	sp = spool_open(f->dir, 0, err, sizeof(err));
	assert_non_null(sp);
	assert_int_equal(spool_count(sp), 2);
	assert_string_equal(spool_entry_at(sp, 0)->job_id, "a");
	assert_string_equal(spool_entry_at(sp, 1)->job_id, "c");
	assert_int_equal(spool_read(sp, 1, &data, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 0);
	free(data);
	/* new entries sort after the old ones */
	assert_int_equal(spool_put(sp, "d", "x", 1, err, sizeof(err)), 0);
	assert_string_equal(spool_entry_at(sp, 2)->job_id, "d");
	assert_true(spool_entry_at(sp, 2)->seq > spool_entry_at(sp, 1)->seq);
	spool_close(sp);
}

static void
test_same_job_replaces(void **state)
{
	struct fixture *f = *state;
	char	 err[256];
	struct spool *sp = spool_open(f->dir, 0, err, sizeof(err));
	void	*data;
	size_t	 len;

	assert_int_equal(spool_put(sp, "j", "old", 3, err, sizeof(err)), 0);
	assert_int_equal(spool_put(sp, "j", "newer", 5, err, sizeof(err)), 0);
	assert_int_equal(spool_count(sp), 1);
	assert_int_equal(count_files(f->dir, ".tps"), 1);
	assert_int_equal(spool_read(sp, 0, &data, &len, err, sizeof(err)), 0);
	assert_memory_equal(data, "newer", 5);
	free(data);
	spool_close(sp);
}

static void
test_bound_drops_oldest(void **state)
{
	struct fixture *f = *state;
	char	 err[256], id[16], payload[100];
	struct spool *sp;
	int	 i;

	memset(payload, 'p', sizeof(payload));
	/* each entry: 22 header + 2 id + 100 payload = 124 bytes; room for 3 */
	sp = spool_open(f->dir, 400, err, sizeof(err));
	assert_non_null(sp);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "j%d", i);
		assert_int_equal(spool_put(sp, id, payload, sizeof(payload),
		    err, sizeof(err)), 0);
	}
	assert_int_equal(spool_count(sp), 3);
	assert_true(sp->total_bytes <= 400);
	assert_int_equal(sp->dropped, 2);
	assert_string_equal(spool_entry_at(sp, 0)->job_id, "j2");
	assert_string_equal(spool_entry_at(sp, 2)->job_id, "j4");
	assert_int_equal(count_files(f->dir, ".tps"), 3);
	assert_true(logged(f, "dropping oldest result of job j0"));
	assert_true(logged(f, "dropping oldest result of job j1"));
	assert_false(logged(f, "job j2"));
	/* larger than the whole bound: refused, nothing dropped */
	{
		char	 big[600];

		memset(big, 'b', sizeof(big));
		assert_int_equal(spool_put(sp, "big", big, sizeof(big), err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "exceeds the spool bound"));
		assert_int_equal(spool_count(sp), 3);
	}
	spool_close(sp);
}

/*
 * The disk fills before the bound (a 32 KiB tmpfs under a 64 MiB bound):
 * every put still succeeds, the oldest results go with a warning, the
 * newest is always kept.  Needs root to mount the tmpfs; skipped without.
 */
static void
test_disk_full_keeps_newest(void **state)
{
	struct fixture *f = *state;
	char	 err[256], id[16], payload[6000];
	struct spool *sp;
	int	 i;

	if (geteuid() != 0 || mount("tmpfs", f->dir, "tmpfs", 0,
	    "size=32k") == -1) {
		skip();
		return;
	}
	memset(payload, 'p', sizeof(payload));
	sp = spool_open(f->dir, 0, err, sizeof(err));
	assert_non_null(sp);
	for (i = 0; i < 20; i++) {
		snprintf(id, sizeof(id), "j%d", i);
		payload[0] = (char)i;
		assert_int_equal(spool_put(sp, id, payload, sizeof(payload),
		    err, sizeof(err)), 0);
		assert_string_equal(spool_entry_at(sp, spool_count(sp) - 1)->job_id,
		    id);
	}
	assert_true(spool_count(sp) >= 2 && spool_count(sp) < 20);
	assert_int_equal(sp->dropped, 20 - spool_count(sp));
	assert_true(logged(f, "disk full"));
	assert_true(logged(f, "dropping oldest result of job j0"));
	assert_int_equal(count_files(f->dir, ".tps"), (int)spool_count(sp));
	assert_int_equal(count_files(f->dir, ".tmp"), 0);
	spool_close(sp);
	/* what is on disk reads back after a restart, the newest included */
	sp = spool_open(f->dir, 0, err, sizeof(err));
	assert_non_null(sp);
	assert_string_equal(spool_entry_at(sp, spool_count(sp) - 1)->job_id,
	    "j19");
	spool_close(sp);
	assert_int_equal(umount(f->dir), 0);
}

static void
test_bad_job_id(void **state)
{
	struct fixture *f = *state;
	char	 err[256], longid[SPOOL_JOB_ID_MAX + 2];
	struct spool *sp = spool_open(f->dir, 0, err, sizeof(err));

	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	assert_int_equal(spool_put(sp, "", "x", 1, err, sizeof(err)), -1);
	assert_int_equal(spool_put(sp, longid, "x", 1, err, sizeof(err)), -1);
	assert_int_equal(spool_count(sp), 0);
	spool_close(sp);
}

static void
write_file(const char *path, const void *buf, size_t len)
{
	FILE	*fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	fclose(fp);
}

static void
test_corrupt_files_skipped(void **state)
{
	struct fixture *f = *state;
	char	 err[256], path[256], good[256];
	struct spool *sp = spool_open(f->dir, 0, err, sizeof(err));
	unsigned char buf[512];
	FILE	*fp;
	size_t	 n;

	assert_int_equal(spool_put(sp, "keep", "payload", 7, err, sizeof(err)), 0);
	assert_int_equal(spool_put(sp, "flip", "payload", 7, err, sizeof(err)), 0);
	spool_close(sp);

	/* a torn file: header cut in the middle */
	snprintf(path, sizeof(path), "%s/00000000000000a0.tps", f->dir);
	write_file(path, "TPSPOOL1\0\3", 10);
	/* a file whose length field lies */
	snprintf(path, sizeof(path), "%s/00000000000000a1.tps", f->dir);
	memcpy(buf, "TPSPOOL1\0\1\xff\xff\xff\xff", 14);
	memset(buf + 14, 0, 20);
	write_file(path, buf, 34);
	/* garbage */
	snprintf(path, sizeof(path), "%s/00000000000000a2.tps", f->dir);
	write_file(path, "hello world, not a spool file at all", 36);
	/* a bad name */
	snprintf(path, sizeof(path), "%s/zz.tps", f->dir);
	write_file(path, "x", 1);
	/* an empty file */
	snprintf(path, sizeof(path), "%s/00000000000000a3.tps", f->dir);
	write_file(path, "", 0);
	/* an unfinished put */
	snprintf(path, sizeof(path), "%s/00000000000000a4.tmp", f->dir);
	write_file(path, "TPSP", 4);
	/* one payload byte flipped in the second real entry */
	snprintf(good, sizeof(good), "%s/0000000000000002.tps", f->dir);
	fp = fopen(good, "r+");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf), fp);
	assert_true(n > 5);
	buf[n - 1] ^= 0x20;
	rewind(fp);
	fwrite(buf, 1, n, fp);
	fclose(fp);

	sp = spool_open(f->dir, 0, err, sizeof(err));
	assert_non_null(sp);
	assert_int_equal(spool_count(sp), 1);
	assert_string_equal(spool_entry_at(sp, 0)->job_id, "keep");
	assert_int_equal(sp->corrupt, 6);
	assert_int_equal(count_files(f->dir, ".corrupt"), 6);
	assert_int_equal(count_files(f->dir, ".tmp"), 0);
	assert_true(logged(f, "checksum mismatch"));
	assert_true(logged(f, "truncated header"));
	assert_true(logged(f, "length mismatch"));
	assert_true(logged(f, "bad magic"));
	/* sequence continues past every name seen, good or bad */
	assert_int_equal(spool_put(sp, "new", "n", 1, err, sizeof(err)), 0);
	spool_close(sp);

	/* reopening does not warn about the quarantined files again */
	sp = spool_open(f->dir, 0, err, sizeof(err));
	assert_int_equal(spool_count(sp), 2);
	assert_int_equal(sp->corrupt, 0);
	spool_close(sp);
}

static void
test_corrupt_after_index(void **state)
{
	struct fixture *f = *state;
	char	 err[256], path[256];
	struct spool *sp = spool_open(f->dir, 0, err, sizeof(err));
	void	*data = NULL;
	size_t	 len;

	assert_int_equal(spool_put(sp, "a", "aaaa", 4, err, sizeof(err)), 0);
	assert_int_equal(spool_put(sp, "b", "bbbb", 4, err, sizeof(err)), 0);
	first_file(f->dir, ".tps", path, sizeof(path));
	/* truncate entry a behind the spool's back */
	snprintf(path, sizeof(path), "%s/0000000000000001.tps", f->dir);
	assert_int_equal(truncate(path, 12), 0);
	assert_int_equal(spool_read(sp, 0, &data, &len, err, sizeof(err)), -1);
	assert_int_equal(spool_count(sp), 1);
	assert_int_equal(spool_read(sp, 0, &data, &len, err, sizeof(err)), 0);
	assert_memory_equal(data, "bbbb", 4);
	free(data);
	spool_close(sp);
}

static void
test_unwritable_dir(void **state)
{
	struct fixture *f = *state;
	char	 err[256], path[256];

	(void)f;
	snprintf(path, sizeof(path), "/proc/nonexistent/spool");
	assert_null(spool_open(path, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "spool"));
}

static void
test_backoff_bounds(void **state)
{
	struct backoff b;
	unsigned a;

	(void)state;
	backoff_init(&b, 500, 30000);
	assert_int_equal(backoff_nominal_ms(&b, 0), 500);
	assert_int_equal(backoff_nominal_ms(&b, 1), 1000);
	assert_int_equal(backoff_nominal_ms(&b, 5), 16000);
	assert_int_equal(backoff_nominal_ms(&b, 6), 30000);
	assert_int_equal(backoff_nominal_ms(&b, 1000), 30000);
	/* jitter: [d/2, d] at both extremes of rnd */
	for (a = 0; a < 40; a++) {
		uint32_t d = backoff_nominal_ms(&b, a);

		assert_int_equal(backoff_delay_ms(&b, a, 0), d - d / 2);
		assert_int_equal(backoff_delay_ms(&b, a, d / 2), d);
		assert_true(backoff_delay_ms(&b, a, UINT32_MAX) >= d - d / 2);
		assert_true(backoff_delay_ms(&b, a, UINT32_MAX) <= d);
	}
}

static void
test_backoff_sequence(void **state)
{
	struct backoff b;
	uint32_t prev_nominal = 0, d;
	int	 i, distinct = 0;
	uint32_t first = 0;

	(void)state;
	backoff_init(&b, 1000, 60000);
	for (i = 0; i < 12; i++) {
		uint32_t nom = backoff_nominal_ms(&b, b.attempt);

		d = backoff_next(&b);
		assert_true(nom >= prev_nominal);
		assert_true(d >= nom / 2 && d <= nom);
		prev_nominal = nom;
	}
	assert_int_equal(prev_nominal, 60000);
	backoff_reset(&b);
	assert_int_equal(b.attempt, 0);
	d = backoff_next(&b);
	assert_true(d >= 500 && d <= 1000);
	/* the jitter really varies (a fleet does not reconnect in step) */
	for (i = 0; i < 20; i++) {
		backoff_reset(&b);
		backoff_init(&b, 1000, 60000);
		b.attempt = 6;
		d = backoff_next(&b);
		if (i == 0)
			first = d;
		else if (d != first)
			distinct++;
	}
	assert_true(distinct > 0);
	/* degenerate settings stay sane */
	backoff_init(&b, 0, 0);
	assert_true(backoff_next(&b) >= 1);
}

static void
test_hostport(void **state)
{
	static const struct {
		const char *in, *host, *port;	/* host NULL: must fail */
	} cases[] = {
		{ "ctl.example:7400", "ctl.example", "7400" },
		{ "198.18.100.1", "198.18.100.1", "7300" },
		{ "198.18.100.1:1", "198.18.100.1", "1" },
		{ "[2001:db8::1]:443", "2001:db8::1", "443" },
		{ "[2001:db8::1]", "2001:db8::1", "7300" },
		{ "2001:db8::1", "2001:db8::1", "7300" },
		{ "host:0", NULL, NULL },
		{ "host:65536", NULL, NULL },
		{ "host:", NULL, NULL },
		{ "host:12x", NULL, NULL },
		{ ":7300", NULL, NULL },
		{ "", NULL, NULL },
		{ "[2001:db8::1", NULL, NULL },
		{ "[2001:db8::1]x", NULL, NULL },
		{ "[]:80", NULL, NULL },
	};
	char	 host[64], port[16], err[128];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int	 rc = hostport_split(cases[i].in, "7300", host,
		    sizeof(host), port, sizeof(port), err, sizeof(err));

		if (cases[i].host == NULL) {
			assert_int_equal(rc, -1);
			assert_true(err[0] != '\0');
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(host, cases[i].host);
		assert_string_equal(port, cases[i].port);
	}
	/* a host longer than the buffer is refused, not cut */
	assert_int_equal(hostport_split("averyveryverylonghostname:80", "1",
	    host, 8, port, sizeof(port), err, sizeof(err)), -1);
	/* nor a port (found by fuzz_hostport), and no default is no port */
	assert_int_equal(hostport_split("gw:7300", "1", host, sizeof(host),
	    port, 3, err, sizeof(err)), -1);
	assert_int_equal(hostport_split("gw", "7300", host, sizeof(host),
	    port, 4, err, sizeof(err)), -1);
	assert_int_equal(hostport_split("gw", NULL, host, sizeof(host),
	    port, sizeof(port), err, sizeof(err)), -1);
	assert_int_equal(hostport_split("gw:80", NULL, host, sizeof(host),
	    port, 3, err, sizeof(err)), 0);
	assert_string_equal(port, "80");
}

/*
 * Durable before it counts: spool_put fsyncs the file before the rename and
 * the directory after it, and a failing fsync of either means "not
 * spooled": -1, nothing left on disk, nothing in the index.
 */
static void
test_put_fsyncs(void **state)
{
	struct fixture *f = *state;
	struct spool *sp;
	char	 err[256];

	sp = spool_open(f->dir, 0, err, sizeof(err));
	assert_non_null(sp);
	fsync_reset(0);
	assert_int_equal(spool_put(sp, "j1", "data", 4, err, sizeof(err)), 0);
	assert_string_equal(fsync_log, "FD");
	fsync_reset(1);		/* the file's */
	assert_int_equal(spool_put(sp, "j2", "data", 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Input/output error"));
	assert_int_equal(spool_count(sp), 1);
	fsync_reset(2);		/* the directory's */
	assert_int_equal(spool_put(sp, "j3", "data", 4, err, sizeof(err)), -1);
	assert_int_equal(spool_count(sp), 1);
	fsync_reset(0);
	assert_int_equal(count_files(f->dir, ".tps"), 1);
	assert_int_equal(count_files(f->dir, ".tmp"), 0);
	spool_close(sp);
}

/*
 * The crash window of a replaced result: the new file is durable, the old
 * one not yet unlinked.  Reopened, the spool keeps only the newer one.
 */
static void
test_crash_window_duplicate(void **state)
{
	struct fixture *f = *state;
	struct spool *sp;
	char	 err[256], old[512], keep[512];
	void	*data;
	size_t	 len;
	DIR	*d;
	struct dirent *de;

	sp = spool_open(f->dir, 0, err, sizeof(err));
	assert_non_null(sp);
	assert_int_equal(spool_put(sp, "j", "older", 5, err, sizeof(err)), 0);
	/* keep a copy of the older file under its own name */
	assert_non_null(d = opendir(f->dir));
	old[0] = '\0';
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".tps") != NULL)
			snprintf(old, sizeof(old), "%s/%s", f->dir, de->d_name);
	closedir(d);
	assert_true(old[0] != '\0');
	snprintf(keep, sizeof(keep), "%s.keep", f->dir);
	assert_int_equal(link(old, keep), 0);
	assert_int_equal(spool_put(sp, "j", "newer", 5, err, sizeof(err)), 0);
	spool_close(sp);
	/* the crash: the older file is back beside the newer */
	assert_int_equal(rename(keep, old), 0);
	assert_int_equal(count_files(f->dir, ".tps"), 2);
	sp = spool_open(f->dir, 0, err, sizeof(err));
	assert_non_null(sp);
	assert_int_equal(spool_count(sp), 1);
	assert_int_equal(spool_read(sp, 0, &data, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(data, "newer", 5);
	free(data);
	assert_int_equal(count_files(f->dir, ".tps"), 1);
	spool_close(sp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_read_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survives_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_job_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_fsyncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_window_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound_drops_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full_keeps_newest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_job_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_files_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_after_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_dir, setup, teardown),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_backoff_sequence),
		cmocka_unit_test(test_hostport),
	};

	log_init("test_spool", 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
