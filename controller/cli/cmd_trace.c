/* cmd_trace.c: `tracepair trace AGENT HOST [trace options]`: one direction, run by one agent. */
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


static void
trace_usage(void)
{
	fprintf(stderr, "usage: tracepair trace AGENT HOST [trace options] "
	    "[packetsize] [--json | --summary | --classic] [--timeout SECONDS]\n"
	    "       [--controller HOST:PORT --cert FILE --key FILE --ca FILE]\n");
}

int
cmd_trace(int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__TraceRequest tr;
	struct cli_conn_settings cs;
	struct probe_opts o;
	struct cli_conn	*c;
	struct trace	*t = NULL;
	frame_env	*reply;
	const Tracepair__TraceReply *r;
	char		 err[512], *s;
	uint32_t	 timeout_ms;
	int		 json, status;
	enum cli_layout	 layout;

	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		trace_usage();
		return CLI_EXIT_OK;
	}
	json = cli_take_bool(&argc, argv, "--json");
	layout = cli_take_layout(&argc, argv);
	if (cli_take_timeout("trace", &argc, argv, &timeout_ms) == -1)
		return CLI_EXIT_USAGE;
	if (cli_conn_args("trace", &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	if (argc < 3 || argv[1][0] == '-') {
		trace_usage();
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	probe_opts_init(&o);
	if (probe_opts_parse(&o, argc - 2, argv + 2, err, sizeof(err)) == -1) {
		cli_errx("trace", "%s", err);
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	if ((c = cli_conn_setup("trace", &cs, &status)) == NULL)
		return status;

	tracepair__trace_request__init(&tr);
	tr.agent = argv[1];
	tr.host = o.host;
	tr.timeout_ms = timeout_ms = cli_loss_timeout(&o, timeout_ms);
	if ((tr.options = wire_opts_to_pb(&o)) == NULL) {
		cli_errx("trace", "out of memory");
		cli_conn_close(c);
		return CLI_EXIT_FAILED;
	}
	req.body_case = TRACEPAIR__ENVELOPE__BODY_TRACE_REQUEST;
	req.trace_request = &tr;
	reply = cli_conn_call_progress(c, "trace", &req,
	    TRACEPAIR__ENVELOPE__BODY_TRACE_REPLY, cli_wait_ms(timeout_ms),
	    argv[1], NULL, &status);
	wire_free(tr.options);
	if (reply == NULL)
		return status;
	r = reply->trace_reply;
	if (r->trace != NULL &&
	    (t = wire_trace_from_pb(r->trace, err, sizeof(err))) == NULL)
		cli_errx("trace", "trace unreadable: %s", err);
	if (json) {
		if (t != NULL && (s = trace_to_json(t, 1)) != NULL) {
			printf("%s\n", s);
			free(s);
		} else
			printf("null\n");
	} else if (t != NULL)
		cli_print_trace(t, layout);
	status = cli_reply_status("trace", r->status, r->reason);
	trace_free(t);
	frame_free(reply);
	return status;
}
