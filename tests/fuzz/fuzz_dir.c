/* fuzz_dir.c: a scratch directory for fuzz targets that work on files (the spool's), made once, emptied per input, removed at exit. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_dir.h"

static char	 fuzz_dir[128];

static void
fuzz_dir_empty(void)
{
	DIR	*d = opendir(fuzz_dir);
	struct dirent *de;
	char	 path[512];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

static void
fuzz_dir_cleanup(void)
{
	fuzz_dir_empty();
	rmdir(fuzz_dir);
}

const char *
fuzz_dir_fresh(const char *name)
{
	if (fuzz_dir[0] == '\0') {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/tp-%s-XXXXXX",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", name);
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
		atexit(fuzz_dir_cleanup);
	}
	fuzz_dir_empty();
	return fuzz_dir;
}
