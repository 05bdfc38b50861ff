/* cli.h: the subcommands of the `tracepair` operator CLI, one function each. */
#ifndef TRACEPAIR_CLI_H
#define TRACEPAIR_CLI_H

/*
 * Every subcommand is `int cmd_NAME(int argc, char **argv)`: argv[0] is the
 * subcommand's name, the return value is the exit status.  To add one,
 * declare it here and add a row to the table in controller/tracepair.c.
 */
int	cmd_analyze(int argc, char **argv);
/*
 * Control-plane commands (controller/cmd_agents.c, cmd_pair.c,
 * cmd_pairs.c: pairs and show, cmd_trace.c).
 */
int	cmd_agents(int argc, char **argv);
int	cmd_pair(int argc, char **argv);
int	cmd_pairs(int argc, char **argv);
int	cmd_show(int argc, char **argv);
int	cmd_trace(int argc, char **argv);

#endif
