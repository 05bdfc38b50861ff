/* cmd_pair.c: `tracepair pair A B [trace options]`: trace A->B and B->A at one instant, print both and the analysis. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "cli_conn.h"
#include "probe_opts.h"
#include "trace.h"
#include "wire.h"

/* Probes per hop of a pair's default loss measurement. */
#define PAIR_LOSS_QUERIES	30

static void
pair_usage(void)
{
	fprintf(stderr, "usage: tracepair pair AGENT_A AGENT_B [trace options] "
	    "[--quick] [--no-follow-up] [--timeout SECONDS]\n"
	    "       [--json | --summary | --classic] "
	    "[--controller HOST:PORT --cert FILE --key FILE --ca FILE]\n");
}

/* 1 when the arguments (before a "--") set -q themselves. */
static int
pair_sets_queries(int argc, char **argv)
{
	int	 i;

	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strncmp(argv[i], "-q", 2) == 0)
			return 1;
	return 0;
}

/*
 * Parse traceroute options the way the agent will (probe_opts_parse); the
 * destination is the other agent, so a stand-in host is parsed and then
 * cleared for the controller to fill in.  A pair diagnoses by default:
 * without -q it measures loss with PAIR_LOSS_QUERIES rounds, and --quick
 * keeps the one-round-trip pair of -q 3.
 */
int
pair_parse_opts(int argc, char **argv, const char *standin,
    struct probe_opts *o, char *err, size_t errlen)
{
	char	**av;
	int	 i, n = 0, rc;

	if ((av = calloc(argc + 2, sizeof(*av))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < argc; i++)
		av[n++] = argv[i];
	av[n++] = (char *)(uintptr_t)standin;
	av[n] = NULL;
	probe_opts_init(o);
	if (!pair_sets_queries(argc, argv))
		o->queries = PAIR_LOSS_QUERIES;
	rc = probe_opts_parse(o, n, av, err, errlen);
	free(av);
	if (rc == 0 && o->loss < 0 && !pair_sets_queries(argc, argv))
		o->queries = 3;
	if (rc == 0)
		o->host[0] = '\0';
	return rc;
}

int
cmd_pair(int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__PairRequest pr;
	struct cli_conn_settings cs;
	struct probe_opts o;
	struct cli_conn	*c;
	struct trace	*fwd = NULL, *rev = NULL;
	frame_env	*reply;
	char		 err[512];
	uint32_t	 timeout_ms;
	int		 json, status, no_follow_up;
	enum cli_layout	 layout;

	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		pair_usage();
		return CLI_EXIT_OK;
	}
	json = cli_take_bool(&argc, argv, "--json");
	/* no automatic second round on an inconclusive first (docs/analysis.md) */
	no_follow_up = cli_take_bool(&argc, argv, "--no-follow-up");
	layout = cli_take_layout(&argc, argv);
	if (cli_take_timeout("pair", &argc, argv, &timeout_ms) == -1)
		return CLI_EXIT_USAGE;
	if (cli_conn_args("pair", &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-') {
		pair_usage();
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], argv[2]) == 0) {
		cli_errx("pair", "the two agents must differ");
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	if (pair_parse_opts(argc - 3, argv + 3, argv[2], &o, err,
	    sizeof(err)) == -1) {
		cli_errx("pair", "%s", err);
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	if ((c = cli_conn_setup("pair", &cs, &status)) == NULL)
		return status;

	tracepair__pair_request__init(&pr);
	pr.agent_a = argv[1];
	pr.agent_b = argv[2];
	pr.timeout_ms = timeout_ms = cli_loss_timeout(&o, timeout_ms);
	pr.no_follow_up = no_follow_up;
	if ((pr.options = wire_opts_to_pb(&o)) == NULL) {
		cli_errx("pair", "out of memory");
		cli_conn_close(c);
		return CLI_EXIT_FAILED;
	}
	req.body_case = TRACEPAIR__ENVELOPE__BODY_PAIR_REQUEST;
	req.pair_request = &pr;
	reply = cli_conn_call_progress(c, "pair", &req,
	    TRACEPAIR__ENVELOPE__BODY_PAIR_REPLY, cli_wait_ms(timeout_ms),
	    argv[1], argv[2], &status);
	wire_free(pr.options);
	if (reply == NULL)
		return status;
	fwd = cli_pair_trace("pair", reply->pair_reply->forward, "forward");
	rev = cli_pair_trace("pair", reply->pair_reply->reverse, "reverse");
	if (json)
		cli_pair_print_json("pair", reply->pair_reply, fwd, rev);
	else
		cli_pair_print_text(reply->pair_reply, argv[1], argv[2], fwd, rev,
		    layout);
	status = cli_reply_status("pair", reply->pair_reply->status,
	    reply->pair_reply->reason);
	trace_free(fwd);
	trace_free(rev);
	frame_free(reply);
	return status;
}
