/* cmd_agents.c: `tracepair agents`: list the agents of the operator's tenant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cli_conn.h"
#include "trace.h"

static void
agents_usage(void)
{
	fprintf(stderr, "usage: tracepair agents [--json] [--controller HOST:PORT "
	    "--cert FILE --key FILE --ca FILE]\n");
}

static const char *
str_or(const char *s, const char *def)
{
	return s != NULL && *s != '\0' ? s : def;
}

static void
agents_print_json(const Tracepair__AgentsReply *r)
{
	json_t	*arr = json_array();
	size_t	 i;
	char	*s;

	for (i = 0; i < r->n_agents; i++) {
		const Tracepair__AgentInfo *a = r->agents[i];

		json_array_append_new(arr, json_pack(
		    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:f, "
		    "s:f, s:f, s:f}",
		    "name", str_or(a->name, ""),
		    "tenant", str_or(a->tenant, ""),
		    "version", str_or(a->version, ""),
		    "address", str_or(a->address, ""),
		    "local_addr", str_or(a->local_addr, ""),
		    "public_addr", str_or(a->public_addr, ""),
		    "nat", str_or(a->nat, ""),
		    "site_method", str_or(a->site_method, ""),
		    "probe_addr4", str_or(a->probe_addr4, ""),
		    "probe_addr6", str_or(a->probe_addr6, ""),
		    "online", (int)a->online,
		    "connected_since", a->connected_since,
		    "last_seen", a->last_seen,
		    "offset_ms", a->offset_ms,
		    "rtt_ms", a->rtt_ms));
	}
	s = json_dumps(arr, JSON_INDENT(2));
	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(arr);
}

static void
agents_print_text(const Tracepair__AgentsReply *r)
{
	size_t	 i, online = 0, ncgnat = 0;
	char	 seen[40], probe[100], off[16], rtt[16];

	printf("%-20s %-12s %-7s %-18s %-18s %-5s %-18s %9s %8s  %s\n", "NAME",
	    "TENANT", "STATE", "LOCAL-ADDR", "PUBLIC-ADDR", "NAT", "PROBE-ADDR",
	    "OFFSET", "RTT", "LAST-SEEN");
	for (i = 0; i < r->n_agents; i++) {
		const Tracepair__AgentInfo *a = r->agents[i];

		snprintf(probe, sizeof(probe), "%s", str_or(a->probe_addr4,
		    str_or(a->probe_addr6, "-")));
		if (a->last_seen > 0)
			trace_format_time(a->last_seen, seen, sizeof(seen));
		else
			snprintf(seen, sizeof(seen), "-");
		if (a->online) {
			online++;
			snprintf(off, sizeof(off), "%+.2fms", a->offset_ms);
			snprintf(rtt, sizeof(rtt), "%.2fms", a->rtt_ms);
		} else {
			snprintf(off, sizeof(off), "-");
			snprintf(rtt, sizeof(rtt), "-");
		}
		printf("%-20s %-12s %-7s %-18s %-18s %-5s %-18s %9s %8s  %s\n",
		    str_or(a->name, "?"), str_or(a->tenant, "-"),
		    a->online ? "online" : "offline", str_or(a->local_addr, "-"),
		    str_or(a->public_addr, "-"), str_or(a->nat, "no"), probe,
		    off, rtt, seen);
		if (a->nat != NULL && strcmp(a->nat, "cgnat") == 0)
			ncgnat++;
	}
	printf("%zu agent(s), %zu online\n", r->n_agents, online);
	if (ncgnat > 0)
		printf("%zu agent(s) behind carrier-grade NAT (RFC 6598): their "
		    "public address is shared with others and may not take "
		    "probes from outside\n", ncgnat);
}

int
cmd_agents(int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__AgentsRequest ar = TRACEPAIR__AGENTS_REQUEST__INIT;
	struct cli_conn_settings cs;
	struct cli_conn	*c;
	frame_env	*reply;
	int		 json, status;

	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		agents_usage();
		return CLI_EXIT_OK;
	}
	json = cli_take_bool(&argc, argv, "--json");
	if (cli_conn_args("agents", &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	if (argc != 1) {
		cli_errx("agents", "unexpected argument '%s'", argv[1]);
		agents_usage();
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	if ((c = cli_conn_setup("agents", &cs, &status)) == NULL)
		return status;
	req.body_case = TRACEPAIR__ENVELOPE__BODY_AGENTS_REQUEST;
	req.agents_request = &ar;
	reply = cli_conn_call(c, "agents", &req,
	    TRACEPAIR__ENVELOPE__BODY_AGENTS_REPLY, 30000, &status);
	if (reply == NULL)
		return status;
	if (json)
		agents_print_json(reply->agents_reply);
	else
		agents_print_text(reply->agents_reply);
	frame_free(reply);
	return CLI_EXIT_OK;
}
