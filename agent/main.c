/* main.c: tracepair-agent: `trace` runs one traceroute, anything else is the daemon. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trace_cli.h"

#if __has_include("agentd.h")
#include "agentd.h"
#define TP_HAVE_AGENTD 1
#endif

/*
 * `trace` as root: run tracepair-trace from our own directory when it is
 * there.  It is the same code linked without OpenSSL, SQLite and
 * protobuf-c, which this binary needs for the daemon and which cost about
 * 2 MB of resident memory just by being loaded.  Not done when the
 * privilege comes from file capabilities (they do not pass through exec).
 */
static void
exec_small_tracer(char **argv)
{
	char	 self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t	 n;

	if (geteuid() != 0 ||
	    (n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return;
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s/tracepair-trace", dirname(self));
	if (access(path, X_OK) == 0)
		execv(path, argv);
	/* Not there or not runnable: run the trace in this process. */
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "trace") == 0) {
		exec_small_tracer(argv + 1);
		return trace_cli_main(argc - 1, argv + 1);
	}
#ifdef TP_HAVE_AGENTD
	return agentd_main(argc, argv);
#else
	fprintf(stderr, "tracepair-agent: daemon mode is not built\n"
	    "usage: tracepair-agent trace [options] HOST [packetsize]\n");
	return 1;
#endif
}
