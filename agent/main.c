/* main.c: tracepair-agent: `trace` runs one traceroute, anything else is the daemon. */
#include <stdio.h>
#include <string.h>

#include "trace_cli.h"

#if __has_include("agentd.h")
#include "agentd.h"
#define TP_HAVE_AGENTD 1
#endif

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "trace") == 0)
		return trace_cli_main(argc - 1, argv + 1);
#ifdef TP_HAVE_AGENTD
	return agentd_main(argc, argv);
#else
	fprintf(stderr, "tracepair-agent: daemon mode is not built\n"
	    "usage: tracepair-agent trace [options] HOST [packetsize]\n");
	return 1;
#endif
}
