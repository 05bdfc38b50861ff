/* tracepair.c: the `tracepair` operator CLI: main and its table of subcommands. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"

#define TRACEPAIR_VERSION	"0.1"

/* One subcommand: its name, its function (cli.h) and one line of help. */
struct cli_cmd {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*help;
};

/* Add a row per subcommand; keep the names sorted for the help text. */
static const struct cli_cmd cli_cmds[] = {
	{ "agents", cmd_agents,
	    "[--json]: the agents of your tenant, online or not" },
	{ "analyze", cmd_analyze,
	    "FORWARD REVERSE | PAIR.json [--json]: analyse two traces (JSON or pasted text)" },
	{ "changes", cmd_changes,
	    "[--since WHEN] [--schedule NAME] [--json]: what changed between scheduled runs" },
	{ "evidence", cmd_evidence,
	    "PAIR_ID... [-o FILE] [--format tar.gz|zip] [--redact-site-hops N]: signed package for an ISP" },
	{ "history", cmd_history,
	    "A B [--since WHEN] [-n N] [--json]: the scheduled runs of a pair, with changes" },
	{ "mesh", cmd_mesh,
	    "add NAME --every T [--sites a,b,..] [--hub S] | status NAME: meshes of sites" },
	{ "pair", cmd_pair,
	    "A B [trace options] [--json]: trace A->B and B->A at one instant" },
	{ "pairs", cmd_pairs,
	    "[--agent NAME] [--since WHEN] [-n N] [--json]: stored pairs, newest first" },
	{ "schedule", cmd_schedule,
	    "add A B --every T [--quick] | list | show | pause | resume | rm NAME" },
	{ "show", cmd_show,
	    "PAIR-ID [--json | --summary | --classic]: a stored pair as `pair` printed it" },
	{ "trace", cmd_trace,
	    "AGENT HOST [trace options] [--json]: one trace run by one agent" },
	{ "verify", cmd_verify,
	    "FILE [--ca CA.pem] [--crl CRL.pem]: check an evidence package offline" },
};

static void
usage(FILE *fp)
{
	size_t	 i;

	fprintf(fp, "usage: tracepair COMMAND [ARGS...]\n");
	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++)
		fprintf(fp, "  %-10s %s\n", cli_cmds[i].name, cli_cmds[i].help);
	fprintf(fp, "  %-10s %s\n", "help", "this list");
}

int
main(int argc, char **argv)
{
	size_t	 i;

	log_init("tracepair", 1, 0);
	/* a controller closing at accept is an error with a reason, not a signal */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("tracepair %s\n", TRACEPAIR_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++)
		if (strcmp(argv[1], cli_cmds[i].name) == 0)
			return cli_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "tracepair: unknown command \"%s\" (try tracepair help)\n",
	    argv[1]);
	return 2;
}
