/* trace_cli.h: `tracepair-agent trace`: one traceroute from the command line. */
#ifndef TRACEPAIR_TRACE_CLI_H
#define TRACEPAIR_TRACE_CLI_H

/* argv[0] is "trace".  Returns the process exit status. */
int	trace_cli_main(int argc, char **argv);

#endif
