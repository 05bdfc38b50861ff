/* cmd_pairs.c: `tracepair pairs` lists the stored pairs of the operator's tenant; `tracepair show ID` prints one as `pair` did. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "cli_conn.h"
#include "trace.h"

#define PAIRS_MAX	1000	/* largest -n (the controller's cap too) */

static void
pairs_usage(void)
{
	fprintf(stderr, "usage: tracepair pairs [--agent NAME] [--since WHEN] "
	    "[-n N] [--json]\n"
	    "       [--controller HOST:PORT --cert FILE --key FILE --ca FILE]\n"
	    "  WHEN: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z] (UTC), or an age: "
	    "30m, 2h, 3d, 1w\n");
}

static void
show_usage(void)
{
	fprintf(stderr, "usage: tracepair show PAIR-ID [--json | --atlas | "
	    "--summary | --classic]\n"
	    "       [--controller HOST:PORT --cert FILE --key FILE --ca FILE]\n");
}

/*
 * A pair as the Atlas API returns results: a JSON array, the forward
 * result then the reverse one (a direction with no trace is left out).
 * `tracepair analyze` reads it back as a pair.
 */
static void
print_atlas(const struct trace *fwd, const struct trace *rev)
{
	json_t	*arr;
	char	*s;

	if ((arr = json_array()) == NULL) {
		cli_errx("show", "out of memory");
		return;
	}
	if (fwd != NULL)
		json_array_append_new(arr, trace_to_atlas_jobj(fwd));
	if (rev != NULL)
		json_array_append_new(arr, trace_to_atlas_jobj(rev));
	if ((s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(9))) != NULL)
		printf("%s\n", s);
	else
		cli_errx("show", "out of memory");
	free(s);
	json_decref(arr);
}

static const char *
str_or(const char *s, const char *def)
{
	return s != NULL && *s != '\0' ? s : def;
}

/*
 * WHEN of --since as UNIX time: an age ("90m", "2h", "3d", "1w", "45s":
 * that long before now) or a UTC date/time ("2026-11-22",
 * "2026-11-22T10:00", "2026-11-22 10:00:30", a trailing "Z" allowed).
 * -1 when it is neither.
 */
int
pairs_parse_when(const char *s, time_t now, double *out)
{
	static const char *const fmts[] = { "%Y-%m-%dT%H:%M:%S",
	    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
	    "%Y-%m-%d" };
	struct tm	 tm;
	const char	*end;
	char		*e;
	unsigned long	 n;
	double		 unit;
	size_t		 i;

	if (isdigit((unsigned char)s[0]) && strchr(s, '-') == NULL) {
		errno = 0;
		n = strtoul(s, &e, 10);
		if (errno != 0 || e == s || e[0] == '\0' || e[1] != '\0')
			return -1;
		switch (e[0]) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default: return -1;
		}
		if ((double)n * unit > (double)now)
			return -1;
		*out = (double)now - (double)n * unit;
		return 0;
	}
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, fmts[i], &tm)) == NULL)
			continue;
		if (end[0] == 'Z')
			end++;
		if (end[0] != '\0')
			continue;
		*out = (double)timegm(&tm);
		return *out >= 0 ? 0 : -1;
	}
	return -1;
}

/* "2026-11-23 10:00:00" (UTC, to the second) or "-". */
static void
pairs_when(double t, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (!(t > 0) || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static void
pairs_print_json(const Tracepair__PairsReply *r)
{
	json_t	*arr = json_array();
	char	 ts[40], *s;
	size_t	 i;

	for (i = 0; i < r->n_pairs; i++) {
		const Tracepair__PairSummary *p = r->pairs[i];

		trace_format_time(p->created, ts, sizeof(ts));
		json_array_append_new(arr, json_pack(
		    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:s}",
		    "pair_id", str_or(p->pair_id, ""),
		    "tenant", str_or(p->tenant, ""),
		    "created", ts,
		    "agent_a", str_or(p->agent_a, ""),
		    "agent_b", str_or(p->agent_b, ""),
		    "operator", str_or(p->operator_name, ""),
		    "status", str_or(p->status, ""),
		    "reason", str_or(p->reason, ""),
		    "skew_ms", p->skew_ms,
		    "verdict", str_or(p->verdict, "")));
	}
	if ((s = json_dumps(arr, JSON_INDENT(2))) != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(arr);
}

/*
 * ID  WHEN(UTC)  A -> B  STATUS  VERDICT (the reason when there is none);
 * agents are named TENANT/NAME when the list holds several tenants (an
 * MSP operator's).
 */
static void
pairs_print_text(const Tracepair__PairsReply *r)
{
	char	 when[32], ab[300];
	int	 wid = 2, wab = 6, w, mixed = 0;
	size_t	 i;

	for (i = 1; i < r->n_pairs; i++)
		if (strcmp(str_or(r->pairs[i]->tenant, ""),
		    str_or(r->pairs[0]->tenant, "")) != 0)
			mixed = 1;

	if (r->n_pairs == 0) {
		printf("no stored pairs\n");
		return;
	}
	for (i = 0; i < r->n_pairs; i++) {
		const Tracepair__PairSummary *p = r->pairs[i];

		if ((w = (int)strlen(str_or(p->pair_id, "-"))) > wid)
			wid = w;
		w = (int)(strlen(str_or(p->agent_a, "?")) +
		    strlen(str_or(p->agent_b, "?")) + 4);
		if (mixed)
			w += 2 * (int)(strlen(str_or(p->tenant, "")) + 1);
		if (w > wab)
			wab = w;
	}
	printf("%-*s  %-19s  %-*s  %-8s  %s\n", wid, "ID", "WHEN(UTC)", wab,
	    "A -> B", "STATUS", "VERDICT");
	for (i = 0; i < r->n_pairs; i++) {
		const Tracepair__PairSummary *p = r->pairs[i];

		pairs_when(p->created, when, sizeof(when));
		if (mixed)
			snprintf(ab, sizeof(ab), "%s/%s -> %s/%s",
			    str_or(p->tenant, ""), str_or(p->agent_a, "?"),
			    str_or(p->tenant, ""), str_or(p->agent_b, "?"));
		else
			snprintf(ab, sizeof(ab), "%s -> %s",
			    str_or(p->agent_a, "?"), str_or(p->agent_b, "?"));
		printf("%-*s  %-19s  %-*s  %-8s  %s\n", wid,
		    str_or(p->pair_id, "-"), when, wab, ab,
		    str_or(p->status, "?"),
		    str_or(p->verdict, str_or(p->reason, "-")));
	}
}

int
cmd_pairs(int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__PairsRequest pr;
	struct cli_conn_settings cs;
	struct cli_conn	*c;
	frame_env	*reply;
	const char	*agent, *since, *count;
	char		*end;
	unsigned long	 n = 0;
	double		 t = 0;
	int		 json, status;

	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		pairs_usage();
		return CLI_EXIT_OK;
	}
	json = cli_take_bool(&argc, argv, "--json");
	if (cli_take_value(&argc, argv, "--agent", &agent) == -1 ||
	    cli_take_value(&argc, argv, "--since", &since) == -1 ||
	    cli_take_value(&argc, argv, "-n", &count) == -1) {
		cli_errx("pairs", "--agent, --since and -n need a value");
		return CLI_EXIT_USAGE;
	}
	if (agent != NULL && agent[0] == '\0') {
		cli_errx("pairs", "--agent needs an agent name");
		return CLI_EXIT_USAGE;
	}
	if (since != NULL && pairs_parse_when(since, time(NULL), &t) == -1) {
		cli_errx("pairs", "--since %s: want YYYY-MM-DD[THH:MM[:SS]] "
		    "(UTC) or an age such as 30m, 2h, 3d, 1w", since);
		return CLI_EXIT_USAGE;
	}
	if (count != NULL) {
		errno = 0;
		n = strtoul(count, &end, 10);
		if (errno != 0 || end == count || *end != '\0' ||
		    count[0] == '-' || n < 1 || n > PAIRS_MAX) {
			cli_errx("pairs", "-n %s: want a number of pairs in "
			    "[1, %d]", count, PAIRS_MAX);
			return CLI_EXIT_USAGE;
		}
	}
	if (cli_conn_args("pairs", &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	if (argc != 1) {
		cli_errx("pairs", "unexpected argument '%s'", argv[1]);
		pairs_usage();
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	if ((c = cli_conn_setup("pairs", &cs, &status)) == NULL)
		return status;
	tracepair__pairs_request__init(&pr);
	pr.limit = (uint32_t)n;
	pr.agent = (char *)(uintptr_t)(agent ? agent : "");
	pr.since = t;
	req.body_case = TRACEPAIR__ENVELOPE__BODY_PAIRS_REQUEST;
	req.pairs_request = &pr;
	reply = cli_conn_call(c, "pairs", &req,
	    TRACEPAIR__ENVELOPE__BODY_PAIRS_REPLY, 30000, &status);
	if (reply == NULL)
		return status;
	if (json)
		pairs_print_json(reply->pairs_reply);
	else
		pairs_print_text(reply->pairs_reply);
	if (reply->pairs_reply->truncated)
		cli_errx("pairs", "only the newest %zu pairs fit in one reply; "
		    "narrow the list with --since or --agent",
		    reply->pairs_reply->n_pairs);
	frame_free(reply);
	return CLI_EXIT_OK;
}

int
cmd_show(int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__PairGetRequest gr;
	const Tracepair__PairGetReply *g;
	struct cli_conn_settings cs;
	struct cli_conn	*c;
	struct trace	*fwd, *rev;
	frame_env	*reply;
	enum cli_layout	 layout;
	char		 err[512];
	int		 json, atlas, status;

	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		show_usage();
		return CLI_EXIT_OK;
	}
	json = cli_take_bool(&argc, argv, "--json");
	atlas = cli_take_bool(&argc, argv, "--atlas");
	layout = cli_take_layout(&argc, argv);
	if (json && atlas) {
		cli_errx("show", "--json and --atlas exclude each other");
		return CLI_EXIT_USAGE;
	}
	if (cli_conn_args("show", &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	if (argc != 2 || argv[1][0] == '-' || argv[1][0] == '\0') {
		show_usage();
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	if ((c = cli_conn_setup("show", &cs, &status)) == NULL)
		return status;
	tracepair__pair_get_request__init(&gr);
	gr.pair_id = argv[1];
	req.body_case = TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REQUEST;
	req.pair_get_request = &gr;
	reply = cli_conn_request(c, &req, 30000, err, sizeof(err), &status);
	cli_conn_close(c);
	if (reply == NULL) {
		cli_errx("show", "%s", err);
		return status;
	}
	if (reply->body_case == TRACEPAIR__ENVELOPE__BODY_ERROR &&
	    reply->error != NULL &&
	    reply->error->code == TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND) {
		/* Another tenant's pair reads the same as one never made. */
		cli_errx("show", "no such pair %s", argv[1]);
		frame_free(reply);
		return CLI_EXIT_AGENT;
	}
	if ((reply = cli_conn_expect("show", reply,
	    TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REPLY, &status)) == NULL)
		return status;
	g = reply->pair_get_reply;
	if (g->pair == NULL) {
		cli_errx("show", "the controller's reply has no pair");
		frame_free(reply);
		return CLI_EXIT_CONN;
	}
	fwd = cli_pair_trace("show", g->pair->forward, "forward");
	rev = cli_pair_trace("show", g->pair->reverse, "reverse");
	if (atlas)
		print_atlas(fwd, rev);
	else if (json)
		cli_pair_print_json("show", g->pair, fwd, rev);
	else
		cli_pair_print_text(g->pair, str_or(g->agent_a, "?"),
		    str_or(g->agent_b, "?"), fwd, rev, layout);
	/* a scheduled run: how it differs from the run before it */
	if (!json && !atlas && g->prev_pair_id != NULL &&
	    g->prev_pair_id[0] != '\0') {
		printf("\nChanges since %s:\n", g->prev_pair_id);
		if (g->changes_json == NULL || g->changes_json[0] == '\0' ||
		    strcmp(g->changes_json, "[]") == 0)
			printf("  none\n");
		else
			cli_print_changes(g->changes_json, "  ");
	}
	trace_free(fwd);
	trace_free(rev);
	frame_free(reply);
	return CLI_EXIT_OK;
}
