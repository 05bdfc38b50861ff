/* spool.h: the agent's on-disk spool of job results not yet acknowledged by the controller. */
#ifndef TRACEPAIR_SPOOL_H
#define TRACEPAIR_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#define SPOOL_JOB_ID_MAX	128	/* longest job id kept (bytes, without NUL) */

/*
 * One spooled result.  Each lives in its own file DIR/<seq>.tps, written to
 * a temporary name, fsync'd, renamed and the directory fsync'd, so a crash
 * leaves either the whole file or none.  The file holds a header (magic,
 * job id, payload length, FNV-1a 64 checksum) and the payload bytes (for the
 * agent: one packed JobResult envelope).
 */
struct spool_entry {
	uint64_t	 seq;		/* order of arrival; the file name */
	char		 job_id[SPOOL_JOB_ID_MAX + 1];	/* NUL-terminated */
	size_t		 size;		/* bytes on disk (header + payload) */
};

/*
 * An open spool: the directory, its bound, and an index of the entries
 * in arrival order (oldest first).
 */
struct spool {
	char		*dir;		/* spool directory */
	size_t		 max_bytes;	/* bound on the sum of entry sizes */
	size_t		 total_bytes;	/* sum of entry sizes now */
	uint64_t	 next_seq;	/* sequence number of the next put */
	struct spool_entry *entries;	/* oldest first */
	size_t		 nentries;	/* entries used */
	size_t		 capacity;	/* entries allocated */
	uint64_t	 dropped;	/* entries dropped to stay in bound */
	uint64_t	 corrupt;	/* files skipped as torn or corrupt */
};

/*
 * Open (creating if needed) the spool in dir, bounded to max_bytes (0: 64
 * MiB).  Existing files are checked; a torn or corrupt one is renamed to
 * *.corrupt with a warning and skipped.  Returns NULL with a reason in err.
 */
struct spool	*spool_open(const char *dir, size_t max_bytes, char *err,
		    size_t errlen);
void		 spool_close(struct spool *);

/*
 * Store one result durably (fsync of the file and of the directory) before
 * returning.  A result with the same job id replaces the older one.  When
 * the spool would exceed its bound, the oldest entries are dropped, each
 * with a logged warning.  Returns -1 with a reason in err (disk error,
 * payload larger than the whole bound, bad job id).
 */
int		 spool_put(struct spool *, const char *job_id, const void *data,
		    size_t len, char *err, size_t errlen);

/*
 * Read entry i (0 = oldest) into a malloc'd buffer.  Returns -1 with a
 * reason in err when the file has gone bad since it was indexed; the entry
 * is then removed from the spool with a warning (the caller should re-read
 * spool_count and continue with the same index).
 */
int		 spool_read(struct spool *, size_t i, void **data, size_t *len,
		    char *err, size_t errlen);

/* Remove the entry of job_id (its file too).  Returns 0, or -1 if absent. */
int		 spool_ack(struct spool *, const char *job_id);

/* Number of entries, and entry i (0 = oldest) or NULL. */
size_t		 spool_count(const struct spool *);
const struct spool_entry *spool_entry_at(const struct spool *, size_t i);
/* Index of job_id's entry, or -1. */
long		 spool_find(const struct spool *, const char *job_id);

/* FNV-1a 64 over buf: the spool's checksum (exposed for tests). */
uint64_t	 spool_checksum(const void *buf, size_t len);

#endif
