/* cmd_pair.c: `tracepair pair A B [trace options]`: trace A->B and B->A at one instant, print both and the analysis. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cli_conn.h"
#include "probe_opts.h"
#include "trace.h"
#include "wire.h"


static void
pair_usage(void)
{
	fprintf(stderr, "usage: tracepair pair AGENT_A AGENT_B [trace options] "
	    "[--json | --summary | --classic] [--timeout SECONDS]\n"
	    "       [--controller HOST:PORT --cert FILE --key FILE --ca FILE]\n");
}

/*
 * Parse traceroute options the way the agent will (probe_opts_parse); the
 * destination is the other agent, so a stand-in host is parsed and then
 * cleared for the controller to fill in.
 */
static int
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
	rc = probe_opts_parse(o, n, av, err, errlen);
	free(av);
	if (rc == 0)
		o->host[0] = '\0';
	return rc;
}

struct trace *
cli_pair_trace(const char *cmd, const Tracepair__Trace *pt, const char *what)
{
	struct trace *t;
	char	 err[256];

	if (pt == NULL)
		return NULL;
	if ((t = wire_trace_from_pb(pt, err, sizeof(err))) == NULL)
		cli_errx(cmd, "%s trace unreadable: %s", what, err);
	return t;
}

void
cli_pair_print_json(const char *cmd, const Tracepair__PairReply *r,
    const struct trace *fwd, const struct trace *rev)
{
	json_t	*doc, *analysis = NULL;
	json_error_t jerr;
	char	*s;

	if (r->analysis_json != NULL && r->analysis_json[0] != '\0')
		analysis = json_loads(r->analysis_json, 0, &jerr);
	doc = json_pack("{s:s, s:s, s:s, s:f, s:o, s:o, s:o}",
	    "pair_id", r->pair_id ? r->pair_id : "",
	    "status", r->status ? r->status : "",
	    "reason", r->reason ? r->reason : "",
	    "skew_ms", r->skew_ms,
	    "forward", fwd ? trace_to_jobj(fwd) : json_null(),
	    "reverse", rev ? trace_to_jobj(rev) : json_null(),
	    "analysis", analysis ? analysis : json_null());
	if (doc == NULL) {
		cli_errx(cmd, "cannot build the JSON document");
		return;
	}
	if ((s = json_dumps(doc, JSON_INDENT(2))) != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(doc);
}

void
cli_pair_print_text(const Tracepair__PairReply *r, const char *a, const char *b,
    const struct trace *fwd, const struct trace *rev, enum cli_layout layout)
{
	printf("pair %s: %s", r->pair_id && *r->pair_id ? r->pair_id : "-",
	    r->status ? r->status : "?");
	if (r->reason && *r->reason)
		printf(" (%s)", r->reason);
	if (fwd && rev)
		printf(", start skew %.2f ms", r->skew_ms);
	printf("\n");
	printf("\nforward %s -> %s\n", a, b);
	if (fwd)
		cli_print_trace(fwd, layout);
	else
		printf("  (no trace)\n");
	printf("\nreverse %s -> %s\n", b, a);
	if (rev)
		cli_print_trace(rev, layout);
	else
		printf("  (no trace)\n");
	if (r->report_text && *r->report_text) {
		size_t	 n = strlen(r->report_text);

		printf("\n%s%s", r->report_text,
		    r->report_text[n - 1] == '\n' ? "" : "\n");
	}
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
	int		 json, status;
	enum cli_layout	 layout;

	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		pair_usage();
		return CLI_EXIT_OK;
	}
	json = cli_take_bool(&argc, argv, "--json");
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
	pr.timeout_ms = timeout_ms;
	if ((pr.options = wire_opts_to_pb(&o)) == NULL) {
		cli_errx("pair", "out of memory");
		cli_conn_close(c);
		return CLI_EXIT_FAILED;
	}
	req.body_case = TRACEPAIR__ENVELOPE__BODY_PAIR_REQUEST;
	req.pair_request = &pr;
	reply = cli_conn_call(c, "pair", &req,
	    TRACEPAIR__ENVELOPE__BODY_PAIR_REPLY, cli_wait_ms(timeout_ms),
	    &status);
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
