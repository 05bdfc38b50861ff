/* fuzz_dir.h: a scratch directory for fuzz targets that work on files (the spool's), made once, emptied per input, removed at exit. */
#ifndef TRACEPAIR_FUZZ_DIR_H
#define TRACEPAIR_FUZZ_DIR_H

/*
 * The directory (on tmpfs when /dev/shm is writable: the spool fsyncs
 * every put), created on the first call with name in its path; every
 * file in it removed.  Aborts when it cannot be made.
 */
const char	*fuzz_dir_fresh(const char *name);

#endif
