/* cli.h: the `tracepair` operator CLI: its subcommands, one function each, and the helpers they share (cli_args.c, cli_print.c). */
#ifndef TRACEPAIR_CLI_H
#define TRACEPAIR_CLI_H

#include <stdint.h>

#include "wire.h"

/*
 * Every subcommand is `int cmd_NAME(int argc, char **argv)`: argv[0] is the
 * subcommand's name, the return value is the exit status.  To add one,
 * declare it here and add a row to the table in controller/cli/tracepair.c.
 */
int	cmd_analyze(int argc, char **argv);
/*
 * Control-plane commands (controller/cli/cmd_agents.c, cmd_pair.c,
 * cmd_pairs.c: pairs and show, cmd_trace.c).
 */
int	cmd_agents(int argc, char **argv);
int	cmd_pair(int argc, char **argv);
int	cmd_pairs(int argc, char **argv);
int	cmd_show(int argc, char **argv);
int	cmd_trace(int argc, char **argv);
/* Evidence packages (controller/cli/cmd_evidence.c): evidence over mTLS, verify offline. */
int	cmd_evidence(int argc, char **argv);
int	cmd_verify(int argc, char **argv);
/* Schedules, meshes, history (controller/cli/cmd_schedule.c). */
int	cmd_schedule(int argc, char **argv);
int	cmd_mesh(int argc, char **argv);
int	cmd_history(int argc, char **argv);
int	cmd_changes(int argc, char **argv);
/*
 * WHEN of --since as UNIX time (cmd_pairs.c): an age ("2h") or a UTC
 * date/time.  -1 when it is neither.
 */
#include <time.h>
int	pairs_parse_when(const char *s, time_t now, double *out);
/*
 * Trace options of a pair (cmd_pair.c): argv parsed as the agent will,
 * with standin as the host (cleared after); a loss measurement of 30
 * rounds unless -q or --quick.  -1 with a reason.
 */
struct probe_opts;
int	pair_parse_opts(int argc, char **argv, const char *standin,
	    struct probe_opts *o, char *err, size_t errlen);
/* The changes of a run (a JSON array, docs/history.md), one line each. */
void	cli_print_changes(const char *json, const char *indent);

/* ---- argument helpers (cli_args.c) */

/*
 * Remove a boolean flag (e.g. "--json") from argv wherever it appears
 * before "--"; returns 1 when it was there.
 */
int		 cli_take_bool(int *argc, char **argv, const char *flag);
/*
 * Print one trace for a person: --classic forces traceroute lines,
 * --summary the mtr-style table; by default the table once there are more
 * than CLI_SUMMARY_QUERIES probes per hop (20 times on one line is
 * unreadable).  cli_take_layout() removes those flags from argv.
 */
#define CLI_SUMMARY_QUERIES 5
enum cli_layout { CLI_LAYOUT_AUTO, CLI_LAYOUT_CLASSIC, CLI_LAYOUT_SUMMARY };
enum cli_layout	 cli_take_layout(int *argc, char **argv);
struct trace;
/* One trace in layout l; "[ASn]" after responders when it carries them. */
void		 cli_print_trace(const struct trace *, enum cli_layout);
/*
 * Remove "--flag VALUE" / "--flag=VALUE"; *value points into argv (NULL
 * when absent).  -1 when the value is missing.
 */
int		 cli_take_value(int *argc, char **argv, const char *flag,
		    const char **value);
/*
 * Remove every "--flag VALUE" / "--flag=VALUE" into values[0..*n-1], in
 * order.  -1 when a value is missing, -2 when there are more than max.
 */
int		 cli_take_values(int *argc, char **argv, const char *flag,
		    const char **values, int max, int *n);
/*
 * Remove "--timeout SECONDS" from argv: *ms is 0 when absent, else the
 * seconds in (0, 3600] as milliseconds.  -1 after printing one line.
 */
int		 cli_take_timeout(const char *cmd, int *argc, char **argv,
		    uint32_t *ms);
/*
 * The timeout to ask for: ms when the user gave one; for a loss
 * measurement without one, its rounds plus 60 s (at most 3600 s), so
 * that a long -q is not cut by the controller's default; else 0 (the
 * controller's default).
 */
struct probe_opts;
uint32_t	 cli_loss_timeout(const struct probe_opts *, uint32_t ms);
/*
 * The exit status of a pair or trace reply: CLI_EXIT_OK for status "ok",
 * else CLI_EXIT_AGENT (offline or unknown agent) or CLI_EXIT_FAILED after
 * printing "tracepair CMD: status: reason".
 */
int		 cli_reply_status(const char *cmd, const char *status,
		    const char *reason);

/* ---- output helpers (cli_print.c) */

/* "tracepair CMD: " + message on stderr. */
void		 cli_errx(const char *cmd, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * The printers of a PairReply (cli_print.c), shared by `pair` and `show`
 * so that a stored pair prints as it did when it ran.  cli_pair_trace
 * converts one of its traces (NULL when absent, or after printing why it
 * is unreadable); a and b are the agents' names.
 */
struct trace	*cli_pair_trace(const char *cmd, const Tracepair__Trace *,
		    const char *what);
void		 cli_pair_print_json(const char *cmd,
		    const Tracepair__PairReply *, const struct trace *fwd,
		    const struct trace *rev);
void		 cli_pair_print_text(const Tracepair__PairReply *,
		    const char *a, const char *b, const struct trace *fwd,
		    const struct trace *rev, enum cli_layout layout);


#endif
