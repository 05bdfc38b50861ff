/* main.c: tracepair-agent: `trace` runs one traceroute here, anything else becomes the daemon. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trace_cli.h"

/*
 * This binary is the small one: the probe engine and the trace command,
 * linked without OpenSSL, SQLite and protobuf-c, so that a one-off
 * `tracepair-agent trace` starts in a few milliseconds and stays under
 * 3 MB resident.  Daemon mode (`--config FILE`, `-n`, ...) needs those
 * libraries; it lives in tracepair-agentd, installed beside this binary,
 * which is exec'ed with the same arguments (same PID, so supervisors and
 * pid files are unaffected).
 */
static int
exec_daemon(char **argv)
{
	char	 self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0) {
		fprintf(stderr, "tracepair-agent: cannot find my own path: %s\n",
		    strerror(errno));
		return 1;
	}
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s/tracepair-agentd", dirname(self));
	execv(path, argv);
	fprintf(stderr, "tracepair-agent: cannot run the daemon %s: %s\n",
	    path, strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "trace") == 0)
		return trace_cli_main(argc - 1, argv + 1);
	return exec_daemon(argv);
}
