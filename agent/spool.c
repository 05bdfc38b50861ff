/* spool.c: the agent's on-disk spool of job results not yet acknowledged by the controller. */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "spool.h"

#define SPOOL_MAGIC	"TPSPOOL1"
#define SPOOL_MAGIC_LEN	8
/* magic, u16 job id length, u32 payload length, u64 checksum */
#define SPOOL_HDR_LEN	(SPOOL_MAGIC_LEN + 2 + 4 + 8)
#define SPOOL_SUFFIX	".tps"
#define SPOOL_DEFAULT_MAX (64u * 1024 * 1024)

/* FNV-1a 64 continued from h over buf: a running hash. */
static uint64_t
spool_checksum_more(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t
spool_checksum(const void *buf, size_t len)
{
	return spool_checksum_more(0xcbf29ce484222325ULL, buf, len);
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	int	 i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = v & 0xff;
		v >>= 8;
	}
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int	 i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static void
spool_path(const struct spool *sp, uint64_t seq, const char *suffix,
    char *buf, size_t len)
{
	snprintf(buf, len, "%s/%016" PRIx64 "%s", sp->dir, seq, suffix);
}

static int
fsync_dir(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int
valid_job_id(const char *job_id)
{
	size_t	 n = strlen(job_id);

	return n > 0 && n <= SPOOL_JOB_ID_MAX;
}

/*
 * Read and check one spool file.  On success fills job_id and, if data is
 * not NULL, a malloc'd payload.  Returns -1 with a reason in err.
 */
static int
spool_load_file(const char *path, size_t max_bytes, char *job_id,
    void **data, size_t *len, size_t *fsize, char *err, size_t errlen)
{
	unsigned char	 hdr[SPOOL_HDR_LEN], *buf = NULL;
	struct stat	 st;
	uint64_t	 sum;
	size_t		 idlen, plen;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if ((size_t)st.st_size < SPOOL_HDR_LEN) {
		snprintf(err, errlen, "%s: truncated header (%lld bytes)", path,
		    (long long)st.st_size);
		goto fail;
	}
	if ((size_t)st.st_size > max_bytes + SPOOL_HDR_LEN + SPOOL_JOB_ID_MAX) {
		snprintf(err, errlen, "%s: larger than the spool bound", path);
		goto fail;
	}
	n = read(fd, hdr, sizeof(hdr));
	if (n != (ssize_t)sizeof(hdr)) {
		snprintf(err, errlen, "%s: short read", path);
		goto fail;
	}
	if (memcmp(hdr, SPOOL_MAGIC, SPOOL_MAGIC_LEN) != 0) {
		snprintf(err, errlen, "%s: bad magic", path);
		goto fail;
	}
	idlen = get_be(hdr + 8, 2);
	plen = get_be(hdr + 10, 4);
	sum = get_be(hdr + 14, 8);
	if (idlen == 0 || idlen > SPOOL_JOB_ID_MAX) {
		snprintf(err, errlen, "%s: bad job id length %zu", path, idlen);
		goto fail;
	}
	if ((size_t)st.st_size != SPOOL_HDR_LEN + idlen + plen) {
		snprintf(err, errlen, "%s: length mismatch (file %lld, header "
		    "says %zu)", path, (long long)st.st_size,
		    SPOOL_HDR_LEN + idlen + plen);
		goto fail;
	}
	if ((buf = malloc(idlen + plen + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	n = read(fd, buf, idlen + plen);
	if (n != (ssize_t)(idlen + plen)) {
		snprintf(err, errlen, "%s: short read", path);
		goto fail;
	}
	if (spool_checksum(buf, idlen + plen) != sum) {
		snprintf(err, errlen, "%s: checksum mismatch", path);
		goto fail;
	}
	if (memchr(buf, '\0', idlen) != NULL) {
		snprintf(err, errlen, "%s: NUL in job id", path);
		goto fail;
	}
	close(fd);
	memcpy(job_id, buf, idlen);
	job_id[idlen] = '\0';
	*fsize = st.st_size;
	if (data != NULL) {
		memmove(buf, buf + idlen, plen);
		*data = buf;
		*len = plen;
	} else
		free(buf);
	return 0;
fail:
	free(buf);
	close(fd);
	return -1;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct spool_entry *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
spool_grow(struct spool *sp)
{
	struct spool_entry *e;
	size_t		 cap;

	if (sp->nentries < sp->capacity)
		return 0;
	cap = sp->capacity ? sp->capacity * 2 : 16;
	if ((e = reallocarray(sp->entries, cap, sizeof(*e))) == NULL)
		return -1;
	sp->entries = e;
	sp->capacity = cap;
	return 0;
}

/* Set a bad file aside so that it is neither replayed nor warned about twice. */
static void
spool_quarantine(struct spool *sp, const char *path, const char *why)
{
	char	 bad[4096];

	log_warnx("spool: skipping corrupt file: %s", why);
	snprintf(bad, sizeof(bad), "%s.corrupt", path);
	if (rename(path, bad) == -1)
		log_warn("spool: rename %s", path);
	sp->corrupt++;
}

static void
spool_remove_at(struct spool *sp, size_t i)
{
	sp->total_bytes -= sp->entries[i].size;
	memmove(&sp->entries[i], &sp->entries[i + 1],
	    (sp->nentries - i - 1) * sizeof(sp->entries[0]));
	sp->nentries--;
}

static int
spool_scan(struct spool *sp, char *err, size_t errlen)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[4096], why[512], *end;
	size_t		 nl, sl = strlen(SPOOL_SUFFIX), i;
	unsigned long long seq;

	if ((d = opendir(sp->dir)) == NULL) {
		snprintf(err, errlen, "spool %s: %s", sp->dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct spool_entry e;

		nl = strlen(de->d_name);
		snprintf(path, sizeof(path), "%s/%s", sp->dir, de->d_name);
		if (nl > 4 && strcmp(de->d_name + nl - 4, ".tmp") == 0) {
			/* a put that never completed: not a result */
			log_warnx("spool: removing unfinished %s", path);
			unlink(path);
			continue;
		}
		if (nl <= sl || strcmp(de->d_name + nl - sl, SPOOL_SUFFIX) != 0)
			continue;
		errno = 0;
		seq = strtoull(de->d_name, &end, 16);
		if (errno != 0 || end != de->d_name + nl - sl) {
			spool_quarantine(sp, path, "bad file name");
			continue;
		}
		/* never reuse a number seen, even on a bad file */
		if (seq >= sp->next_seq)
			sp->next_seq = seq + 1;
		memset(&e, 0, sizeof(e));
		e.seq = seq;
		if (spool_load_file(path, sp->max_bytes, e.job_id, NULL, NULL,
		    &e.size, why, sizeof(why)) == -1) {
			spool_quarantine(sp, path, why);
			continue;
		}
		if (spool_grow(sp) == -1) {
			closedir(d);
			snprintf(err, errlen, "spool: out of memory");
			return -1;
		}
		sp->entries[sp->nentries++] = e;
		sp->total_bytes += e.size;
	}
	closedir(d);
	if (sp->nentries > 1)
		qsort(sp->entries, sp->nentries, sizeof(sp->entries[0]),
		    entry_cmp);
	/* Two files of one job (a crash between put and unlink): keep the newer. */
	for (i = 0; i < sp->nentries; i++) {
		long	 j = spool_find(sp, sp->entries[i].job_id);

		if (j >= 0 && (size_t)j < i) {
			spool_path(sp, sp->entries[j].seq, SPOOL_SUFFIX, path,
			    sizeof(path));
			unlink(path);
			spool_remove_at(sp, j);
			i--;
		}
	}
	return 0;
}

struct spool *
spool_open(const char *dir, size_t max_bytes, char *err, size_t errlen)
{
	struct spool	*sp;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "spool %s: %s", dir, strerror(errno));
		return NULL;
	}
	if ((sp = calloc(1, sizeof(*sp))) == NULL ||
	    (sp->dir = strdup(dir)) == NULL) {
		free(sp);
		snprintf(err, errlen, "spool: out of memory");
		return NULL;
	}
	sp->max_bytes = max_bytes ? max_bytes : SPOOL_DEFAULT_MAX;
	sp->next_seq = 1;
	if (spool_scan(sp, err, errlen) == -1) {
		spool_close(sp);
		return NULL;
	}
	return sp;
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	free(sp->entries);
	free(sp->dir);
	free(sp);
}

size_t
spool_count(const struct spool *sp)
{
	return sp->nentries;
}

const struct spool_entry *
spool_entry_at(const struct spool *sp, size_t i)
{
	return i < sp->nentries ? &sp->entries[i] : NULL;
}

long
spool_find(const struct spool *sp, const char *job_id)
{
	size_t	 i;

	for (i = 0; i < sp->nentries; i++)
		if (strcmp(sp->entries[i].job_id, job_id) == 0)
			return (long)i;
	return -1;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static void
spool_unlink_at(struct spool *sp, size_t i)
{
	char	 path[4096];

	spool_path(sp, sp->entries[i].seq, SPOOL_SUFFIX, path, sizeof(path));
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("spool: unlink %s", path);
	spool_remove_at(sp, i);
}

static int spool_put_once(struct spool *, const char *, const void *,
    size_t, char *, size_t);

/*
 * The bound is on what the spool holds; the disk may fill first (a small
 * partition, other files): then the oldest results go, each with a
 * warning, until the newest fits.  A new result is never the one dropped.
 */
int
spool_put(struct spool *sp, const char *job_id, const void *data, size_t len,
    char *err, size_t errlen)
{
	int	 e;

	for (;;) {
		errno = 0;
		if (spool_put_once(sp, job_id, data, len, err, errlen) == 0)
			return 0;
		e = errno;
		if ((e != ENOSPC && e != EDQUOT) || sp->nentries == 0 ||
		    (sp->nentries == 1 && strcmp(sp->entries[0].job_id,
		    job_id) == 0))
			return -1;
		log_warnx("spool: disk full (%s): dropping oldest result of job "
		    "%s to keep the newest", strerror(e), sp->entries[0].job_id);
		spool_unlink_at(sp, 0);
		sp->dropped++;
	}
}

static int
spool_put_once(struct spool *sp, const char *job_id, const void *data,
    size_t len, char *err, size_t errlen)
{
	unsigned char	 hdr[SPOOL_HDR_LEN];
	char		 tmp[4096], path[4096];
	struct spool_entry e;
	size_t		 idlen, size;
	uint64_t	 sum;
	long		 old;
	int		 fd;

	if (!valid_job_id(job_id)) {
		snprintf(err, errlen, "spool: bad job id");
		return -1;
	}
	idlen = strlen(job_id);
	size = SPOOL_HDR_LEN + idlen + len;
	if (len > UINT32_MAX || size > sp->max_bytes) {
		snprintf(err, errlen, "spool: result of %zu bytes exceeds the "
		    "spool bound of %zu bytes", len, sp->max_bytes);
		return -1;
	}
	if (spool_grow(sp) == -1) {
		snprintf(err, errlen, "spool: out of memory");
		return -1;
	}
	memset(&e, 0, sizeof(e));
	e.seq = sp->next_seq++;
	memcpy(e.job_id, job_id, idlen + 1);
	e.size = size;

	/* The checksum of job id and payload as one run of bytes. */
	sum = spool_checksum_more(spool_checksum(job_id, idlen), data, len);
	memcpy(hdr, SPOOL_MAGIC, SPOOL_MAGIC_LEN);
	put_be(hdr + 8, idlen, 2);
	put_be(hdr + 10, len, 4);
	put_be(hdr + 14, sum, 8);

	spool_path(sp, e.seq, ".tmp", tmp, sizeof(tmp));
	spool_path(sp, e.seq, SPOOL_SUFFIX, path, sizeof(path));
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1) {
		snprintf(err, errlen, "spool %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write_all(fd, hdr, sizeof(hdr)) == -1 ||
	    write_all(fd, job_id, idlen) == -1 ||
	    write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		int	 saved = errno;

		snprintf(err, errlen, "spool %s: %s", tmp, strerror(saved));
		close(fd);
		unlink(tmp);
		errno = saved;	/* spool_put makes room on ENOSPC */
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		snprintf(err, errlen, "spool %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (fsync_dir(sp->dir) == -1) {
		snprintf(err, errlen, "spool %s: fsync: %s", sp->dir,
		    strerror(errno));
		unlink(path);
		return -1;
	}
	/* Durable now: replace an older result of the same job, then bound. */
	if ((old = spool_find(sp, job_id)) >= 0)
		spool_unlink_at(sp, old);
	sp->entries[sp->nentries++] = e;
	sp->total_bytes += size;
	while (sp->total_bytes > sp->max_bytes && sp->nentries > 1) {
		log_warnx("spool: full (%zu > %zu bytes): dropping oldest "
		    "result of job %s", sp->total_bytes, sp->max_bytes,
		    sp->entries[0].job_id);
		spool_unlink_at(sp, 0);
		sp->dropped++;
	}
	return 0;
}

int
spool_read(struct spool *sp, size_t i, void **data, size_t *len, char *err,
    size_t errlen)
{
	char	 path[4096], job_id[SPOOL_JOB_ID_MAX + 1];
	size_t	 fsize;

	if (i >= sp->nentries) {
		snprintf(err, errlen, "spool: no entry %zu", i);
		return -1;
	}
	spool_path(sp, sp->entries[i].seq, SPOOL_SUFFIX, path, sizeof(path));
	if (spool_load_file(path, sp->max_bytes, job_id, data, len, &fsize,
	    err, errlen) == -1)
		goto bad;
	if (strcmp(job_id, sp->entries[i].job_id) != 0) {
		free(*data);
		*data = NULL;
		snprintf(err, errlen, "%s: job id changed", path);
		goto bad;
	}
	return 0;
bad:
	spool_quarantine(sp, path, err);
	spool_remove_at(sp, i);
	return -1;
}

int
spool_ack(struct spool *sp, const char *job_id)
{
	long	 i;

	if ((i = spool_find(sp, job_id)) < 0)
		return -1;
	spool_unlink_at(sp, i);
	return 0;
}
