/* trace_main.c: tracepair-trace, `tracepair-agent trace` linked without the daemon's libraries (small RSS). */
#include "trace_cli.h"

int
main(int argc, char **argv)
{
	return trace_cli_main(argc, argv);
}
