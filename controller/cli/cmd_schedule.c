/* cmd_schedule.c: `tracepair schedule`, `mesh`, `history` and `changes`: pairs run on schedule, meshes of sites, their runs and what changed between them (docs/history.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "cli_conn.h"
#include "probe_opts.h"
#include "wire.h"

static void
schedule_usage(void)
{
	fprintf(stderr, "usage: tracepair schedule add A B --every INTERVAL "
	    "[--name NAME] [--quick] [--timeout S] [trace options]\n"
	    "       tracepair schedule list [--json]\n"
	    "       tracepair schedule show|pause|resume|rm NAME [--json]\n"
	    "  INTERVAL: 30s, 5m, 1h, 1d (10 s to 7 d)\n"
	    "       [--controller HOST:PORT --cert FILE --key FILE --ca FILE]\n");
}

static void
mesh_usage(void)
{
	fprintf(stderr, "usage: tracepair mesh add NAME --every INTERVAL "
	    "[--sites S1,S2,...] [--hub SITE] [--quick] [trace options]\n"
	    "       tracepair mesh status NAME [--json]\n"
	    "       (list, pause, resume, rm: tracepair schedule ... NAME)\n"
	    "       [--controller HOST:PORT --cert FILE --key FILE --ca FILE]\n");
}

static const char *
str_or(const char *s, const char *def)
{
	return s != NULL && *s != '\0' ? s : def;
}

/* "5m" -> 300.  -1 when it is not an interval in [10 s, 7 d]. */
static long
sched_parse_every(const char *s)
{
	char		*e;
	unsigned long	 n;
	long		 unit = 1;

	errno = 0;
	n = strtoul(s, &e, 10);
	if (errno != 0 || e == s || s[0] == '-')
		return -1;
	switch (*e) {
	case '\0': case 's': break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return -1;
	}
	if (*e != '\0' && e[1] != '\0')
		return -1;
	if (n > 604800 || (long)n * unit < 10 || (long)n * unit > 604800)
		return -1;
	return (long)n * unit;
}

/* "2026-11-23 10:00:00" (UTC) or "-". */
static void
sched_when(double t, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (!(t > 0) || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

void
cli_print_changes(const char *text, const char *indent)
{
	json_t		*a, *c, *v;
	json_error_t	 je;
	const char	*k, *key;
	size_t		 i;
	char		*s;

	if (text == NULL || text[0] == '\0')
		return;
	if ((a = json_loads(text, 0, &je)) == NULL || !json_is_array(a)) {
		printf("%s(unreadable changes)\n", indent);
		json_decref(a);
		return;
	}
	json_array_foreach(a, i, c) {
		k = json_string_value(json_object_get(c, "kind"));
		printf("%s%s", indent, k ? k : "?");
		if (json_string_value(json_object_get(c, "direction")))
			printf(" %s", json_string_value(json_object_get(c,
			    "direction")));
		printf(":");
		json_object_foreach(c, key, v) {
			if (strcmp(key, "kind") == 0 ||
			    strcmp(key, "direction") == 0)
				continue;
			if (json_is_string(v))
				printf(" %s %s", key, json_string_value(v));
			else if ((s = json_dumps(v, JSON_COMPACT |
			    JSON_ENCODE_ANY)) != NULL) {
				printf(" %s %s", key, s);
				free(s);
			}
			printf(";");
		}
		printf("\n");
	}
	json_decref(a);
}

/* One exchange: req -> a reply of body want (NULL after printing why). */
static frame_env *
sched_call(const char *cmd, struct cli_conn_settings *cs, frame_env *req,
    int want, int *status)
{
	struct cli_conn	*c;

	if ((c = cli_conn_setup(cmd, cs, status)) == NULL)
		return NULL;
	return cli_conn_call(c, cmd, req, want, 60000, status);
}

static void
sched_print_list(const Tracepair__ScheduleReply *r, int json)
{
	char	 next[32], last[32], who[200];
	json_t	*arr, *sites;
	size_t	 i, j;
	char	*s;

	if (json) {
		arr = json_array();
		for (i = 0; i < r->n_schedules; i++) {
			const Tracepair__ScheduleInfo *m = r->schedules[i];

			sites = json_array();
			for (j = 0; j < m->n_sites; j++)
				json_array_append_new(sites,
				    json_string(m->sites[j]));
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, "
			    "s:s, s:s, s:i, s:b, s:b, s:f, s:f, s:s, s:s, s:s, "
			    "s:s, s:o, s:s, s:i}", "name", str_or(m->name, ""),
			    "kind", str_or(m->kind, ""), "mesh", str_or(m->mesh,
			    ""), "agent_a", str_or(m->agent_a, ""), "agent_b",
			    str_or(m->agent_b, ""), "every_s", (int)m->every_s,
			    "paused", m->paused, "quick", m->quick, "next_run",
			    m->next_run, "last_run", m->last_run, "last_pair",
			    str_or(m->last_pair, ""), "last_status",
			    str_or(m->last_status, ""), "last_reason",
			    str_or(m->last_reason, ""), "options",
			    str_or(m->options, ""), "sites", sites, "hub",
			    str_or(m->hub, ""), "members", (int)m->members));
		}
		if ((s = json_dumps(arr, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER)) != NULL)
			printf("%s\n", s);
		free(s);
		json_decref(arr);
		return;
	}
	if (r->message != NULL && r->message[0] != '\0')
		printf("%s\n", r->message);
	if (r->n_schedules == 0) {
		if (r->message == NULL || r->message[0] == '\0')
			printf("no schedules\n");
		return;
	}
	printf("%-28s %-30s %7s %-19s %-8s %s\n", "NAME", "PAIR / SITES",
	    "EVERY", "NEXT(UTC)", "LAST", "LAST PAIR / REASON");
	for (i = 0; i < r->n_schedules; i++) {
		const Tracepair__ScheduleInfo *m = r->schedules[i];

		if (strcmp(str_or(m->kind, ""), "mesh") == 0)
			snprintf(who, sizeof(who), "mesh of %zu%s%s (%u pairs)",
			    m->n_sites, *str_or(m->hub, "") ? ", hub " : "",
			    str_or(m->hub, ""), m->members);
		else
			snprintf(who, sizeof(who), "%s~%s", str_or(m->agent_a,
			    "?"), str_or(m->agent_b, "?"));
		sched_when(m->next_run, next, sizeof(next));
		sched_when(m->last_run, last, sizeof(last));
		printf("%-28s %-30s %6us %-19s %-8s %s%s\n", str_or(m->name,
		    "?"), who, m->every_s, m->paused ? "paused" : next,
		    str_or(m->last_status, "-"), strcmp(str_or(m->last_status,
		    ""), "ok") == 0 || *str_or(m->last_reason, "") == '\0' ?
		    str_or(m->last_pair, "") : str_or(m->last_reason, ""),
		    m->quick ? " (quick)" : "");
	}
}

/* schedule add / mesh add: the common part. */
static int
sched_add(const char *cmd, int mesh, int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__ScheduleRequest sr;
	struct cli_conn_settings cs;
	struct probe_opts o;
	frame_env	*reply;
	const char	*every, *name, *sites, *hub;
	char		 err[512], *sitebuf = NULL, *p, *save = NULL;
	char		*sitev[64];
	uint32_t	 timeout_ms;
	long		 ev;
	int		 quick, json, status, first, nargs;

	json = cli_take_bool(&argc, argv, "--json");
	if (cli_take_value(&argc, argv, "--every", &every) == -1 ||
	    cli_take_value(&argc, argv, "--name", &name) == -1 ||
	    cli_take_value(&argc, argv, "--sites", &sites) == -1 ||
	    cli_take_value(&argc, argv, "--hub", &hub) == -1) {
		cli_errx(cmd, "--every, --name, --sites and --hub need a value");
		return CLI_EXIT_USAGE;
	}
	if (cli_take_timeout(cmd, &argc, argv, &timeout_ms) == -1)
		return CLI_EXIT_USAGE;
	if (cli_conn_args(cmd, &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	/* argv: add NAME | add A B, then trace options */
	nargs = mesh ? 3 : 4;
	if (argc < nargs || argv[2][0] == '-' || (!mesh && argv[3][0] == '-')) {
		mesh ? mesh_usage() : schedule_usage();
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	if (every == NULL || (ev = sched_parse_every(every)) == -1) {
		cli_errx(cmd, "--every %s: want an interval from 10s to 7d "
		    "(30s, 5m, 1h, 1d)", every ? every : "missing");
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	/* --quick is a trace option: the parser takes it (loss -1) */
	first = nargs;
	if (pair_parse_opts(argc - first, argv + first, "192.0.2.1", &o, err,
	    sizeof(err)) == -1) {
		cli_errx(cmd, "%s", err);
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	quick = o.loss < 0;
	tracepair__schedule_request__init(&sr);
	sr.every_s = (uint32_t)ev;
	sr.quick = quick;
	sr.timeout_ms = cli_loss_timeout(&o, timeout_ms);
	if (mesh) {
		sr.action = (char *)(uintptr_t)"mesh-add";
		sr.name = argv[2];
		sr.hub = (char *)(uintptr_t)(hub ? hub : "");
		if (sites != NULL) {
			if ((sitebuf = strdup(sites)) == NULL) {
				cli_conn_settings_clear(&cs);
				return CLI_EXIT_FAILED;
			}
			for (p = strtok_r(sitebuf, ",", &save); p != NULL;
			    p = strtok_r(NULL, ",", &save)) {
				if (sr.n_sites == 64) {
					cli_errx(cmd, "--sites: at most 64");
					free(sitebuf);
					cli_conn_settings_clear(&cs);
					return CLI_EXIT_USAGE;
				}
				sitev[sr.n_sites++] = p;
			}
			sr.sites = sitev;
		}
	} else {
		sr.action = (char *)(uintptr_t)"add";
		sr.agent_a = argv[2];
		sr.agent_b = argv[3];
		sr.name = (char *)(uintptr_t)(name ? name : "");
	}
	if ((sr.options = wire_opts_to_pb(&o)) == NULL) {
		free(sitebuf);
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_FAILED;
	}
	req.body_case = TRACEPAIR__ENVELOPE__BODY_SCHEDULE_REQUEST;
	req.schedule_request = &sr;
	reply = sched_call(cmd, &cs, &req,
	    TRACEPAIR__ENVELOPE__BODY_SCHEDULE_REPLY, &status);
	wire_free(sr.options);
	free(sitebuf);
	if (reply == NULL)
		return status;
	if (json)
		sched_print_list(reply->schedule_reply, 1);
	else
		printf("%s\n", str_or(reply->schedule_reply->message, "added"));
	frame_free(reply);
	return CLI_EXIT_OK;
}

int
cmd_schedule(int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__ScheduleRequest sr;
	struct cli_conn_settings cs;
	frame_env	*reply;
	const char	*act;
	int		 json, status;

	if (argc < 2 || cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		schedule_usage();
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	act = argv[1];
	if (strcmp(act, "add") == 0)
		return sched_add("schedule", 0, argc, argv);
	if (strcmp(act, "list") != 0 && strcmp(act, "show") != 0 &&
	    strcmp(act, "pause") != 0 && strcmp(act, "resume") != 0 &&
	    strcmp(act, "rm") != 0) {
		cli_errx("schedule", "unknown action '%s'", act);
		schedule_usage();
		return CLI_EXIT_USAGE;
	}
	json = cli_take_bool(&argc, argv, "--json");
	if (cli_conn_args("schedule", &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	if (argc != (strcmp(act, "list") == 0 ? 2 : 3)) {
		schedule_usage();
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	tracepair__schedule_request__init(&sr);
	sr.action = (char *)(uintptr_t)act;
	sr.name = argc == 3 ? argv[2] : (char *)(uintptr_t)"";
	req.body_case = TRACEPAIR__ENVELOPE__BODY_SCHEDULE_REQUEST;
	req.schedule_request = &sr;
	reply = sched_call("schedule", &cs, &req,
	    TRACEPAIR__ENVELOPE__BODY_SCHEDULE_REPLY, &status);
	if (reply == NULL)
		return status;
	sched_print_list(reply->schedule_reply, json);
	frame_free(reply);
	return CLI_EXIT_OK;
}

static void
mesh_print_status(const Tracepair__MeshStatusReply *r, int json)
{
	char	 when[32], *s;
	json_t	*o, *arr, *ps;
	size_t	 i, j;

	if (json) {
		arr = json_array();
		for (i = 0; i < r->n_culprits; i++) {
			ps = json_array();
			for (j = 0; j < r->culprits[i]->n_pairs; j++)
				json_array_append_new(ps, json_string(
				    r->culprits[i]->pairs[j]));
			json_array_append_new(arr, json_pack("{s:s, s:s, s:i, "
			    "s:o}", "kind", str_or(r->culprits[i]->kind, ""),
			    "label", str_or(r->culprits[i]->label, ""),
			    "failing_pairs", (int)r->culprits[i]->failing_pairs,
			    "pairs", ps));
		}
		ps = json_array();
		for (i = 0; i < r->n_failing_pairs; i++)
			json_array_append_new(ps, json_string(
			    r->failing_pairs[i]));
		o = json_pack("{s:s, s:i, s:i, s:i, s:i, s:f, s:o, s:o}", "mesh",
		    str_or(r->mesh, ""), "pairs", (int)r->pairs, "measured",
		    (int)r->measured, "failing", (int)r->failing, "cleared",
		    (int)r->cleared, "round_start", r->round_start, "culprits",
		    arr, "failing_pairs", ps);
		if ((s = json_dumps(o, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER)) != NULL)
			printf("%s\n", s);
		free(s);
		json_decref(o);
		return;
	}
	sched_when(r->round_start, when, sizeof(when));
	printf("mesh %s: %u pairs, %u measured (since %s UTC), %u failing\n",
	    str_or(r->mesh, "?"), r->pairs, r->measured, when, r->failing);
	if (r->n_culprits > 0) {
		printf("shared culprit (failing pairs whose suspects hold it; "
		    "%u cleared by healthy pairs):\n", r->cleared);
		for (i = 0; i < r->n_culprits; i++)
			printf("  %2u  %-6s %s\n", r->culprits[i]->failing_pairs,
			    str_or(r->culprits[i]->kind, "?"),
			    str_or(r->culprits[i]->label, "?"));
	}
	if (r->n_failing_pairs > 0) {
		printf("failing pairs:\n");
		for (i = 0; i < r->n_failing_pairs; i++)
			printf("  %s\n", r->failing_pairs[i]);
	}
}

int
cmd_mesh(int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__MeshStatusRequest mr;
	struct cli_conn_settings cs;
	frame_env	*reply;
	int		 json, status;

	if (argc < 2 || cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		mesh_usage();
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "add") == 0)
		return sched_add("mesh", 1, argc, argv);
	if (strcmp(argv[1], "status") != 0) {
		cli_errx("mesh", "unknown action '%s'", argv[1]);
		mesh_usage();
		return CLI_EXIT_USAGE;
	}
	json = cli_take_bool(&argc, argv, "--json");
	if (cli_conn_args("mesh", &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	if (argc != 3) {
		mesh_usage();
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	tracepair__mesh_status_request__init(&mr);
	mr.name = argv[2];
	req.body_case = TRACEPAIR__ENVELOPE__BODY_MESH_STATUS_REQUEST;
	req.mesh_status_request = &mr;
	reply = sched_call("mesh", &cs, &req,
	    TRACEPAIR__ENVELOPE__BODY_MESH_STATUS_REPLY, &status);
	if (reply == NULL)
		return status;
	mesh_print_status(reply->mesh_status_reply, json);
	frame_free(reply);
	return CLI_EXIT_OK;
}

static void
history_print(const Tracepair__HistoryReply *r, int json)
{
	char	 when[32], *s;
	json_t	*arr, *ch;
	size_t	 i;

	if (json) {
		arr = json_array();
		for (i = 0; i < r->n_runs; i++) {
			const Tracepair__RunInfo *m = r->runs[i];

			ch = *str_or(m->changes_json, "") ? json_loads(
			    m->changes_json, 0, NULL) : NULL;
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, "
			    "s:f, s:f, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:b, "
			    "s:s}", "pair_id", str_or(m->pair_id, ""),
			    "schedule", str_or(m->schedule, ""), "mesh",
			    str_or(m->mesh, ""), "slot", m->slot, "started",
			    m->started, "agent_a", str_or(m->agent_a, ""),
			    "agent_b", str_or(m->agent_b, ""), "status",
			    str_or(m->status, ""), "reason", str_or(m->reason,
			    ""), "verdict", str_or(m->verdict, ""), "changes",
			    ch ? ch : json_array(), "prev_pair_id",
			    str_or(m->prev_pair_id, ""), "quick", m->quick,
			    "escalated_from", str_or(m->escalated_from, "")));
		}
		if ((s = json_dumps(arr, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER)) != NULL)
			printf("%s\n", s);
		free(s);
		json_decref(arr);
		return;
	}
	if (r->n_runs == 0) {
		printf("no runs\n");
		return;
	}
	for (i = 0; i < r->n_runs; i++) {
		const Tracepair__RunInfo *m = r->runs[i];

		sched_when(m->started, when, sizeof(when));
		printf("%s  %-24s %s~%s  %-11s %s  %s%s%s\n", when,
		    str_or(m->pair_id, "-"), str_or(m->agent_a, "?"),
		    str_or(m->agent_b, "?"), str_or(m->status, "?"),
		    str_or(m->verdict, str_or(m->reason, "-")),
		    m->quick ? "(quick)" : "",
		    *str_or(m->escalated_from, "") ? "(full, after " : "",
		    *str_or(m->escalated_from, "") ? m->escalated_from : "");
		cli_print_changes(m->changes_json, "    changed: ");
	}
	if (r->truncated)
		cli_errx("history", "only the newest %zu runs fit in one reply",
		    r->n_runs);
}

/* history A B / changes: one HistoryRequest. */
static int
history_common(const char *cmd, int changes, int argc, char **argv)
{
	Tracepair__Envelope req = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__HistoryRequest hr;
	struct cli_conn_settings cs;
	frame_env	*reply;
	const char	*since, *count, *sched;
	char		*end;
	unsigned long	 n = 0;
	double		 t = 0;
	int		 json, status;

	json = cli_take_bool(&argc, argv, "--json");
	if (cli_take_value(&argc, argv, "--since", &since) == -1 ||
	    cli_take_value(&argc, argv, "-n", &count) == -1 ||
	    cli_take_value(&argc, argv, "--schedule", &sched) == -1) {
		cli_errx(cmd, "--since, --schedule and -n need a value");
		return CLI_EXIT_USAGE;
	}
	if (since != NULL && pairs_parse_when(since, time(NULL), &t) == -1) {
		cli_errx(cmd, "--since %s: want YYYY-MM-DD[THH:MM[:SS]] (UTC) "
		    "or an age such as 30m, 2h, 3d, 1w", since);
		return CLI_EXIT_USAGE;
	}
	if (count != NULL) {
		errno = 0;
		n = strtoul(count, &end, 10);
		if (errno != 0 || *end != '\0' || count[0] == '-' || n < 1 ||
		    n > 1000) {
			cli_errx(cmd, "-n %s: want a number in [1, 1000]", count);
			return CLI_EXIT_USAGE;
		}
	}
	if (cli_conn_args(cmd, &cs, &argc, argv) == -1)
		return CLI_EXIT_USAGE;
	if (argc != (changes ? 1 : 3) || (!changes && (argv[1][0] == '-' ||
	    argv[2][0] == '-'))) {
		fprintf(stderr, "usage: tracepair %s [--since WHEN] [-n N] "
		    "[--schedule NAME] [--json]\n", changes ? "changes" :
		    "history A B");
		cli_conn_settings_clear(&cs);
		return CLI_EXIT_USAGE;
	}
	tracepair__history_request__init(&hr);
	hr.agent_a = changes ? (char *)(uintptr_t)"" : argv[1];
	hr.agent_b = changes ? (char *)(uintptr_t)"" : argv[2];
	hr.schedule = (char *)(uintptr_t)(sched ? sched : "");
	hr.since = t;
	hr.limit = (uint32_t)n;
	hr.changes_only = changes;
	req.body_case = TRACEPAIR__ENVELOPE__BODY_HISTORY_REQUEST;
	req.history_request = &hr;
	reply = sched_call(cmd, &cs, &req,
	    TRACEPAIR__ENVELOPE__BODY_HISTORY_REPLY, &status);
	if (reply == NULL)
		return status;
	history_print(reply->history_reply, json);
	frame_free(reply);
	return CLI_EXIT_OK;
}

int
cmd_history(int argc, char **argv)
{
	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		fprintf(stderr, "usage: tracepair history A B [--since WHEN] "
		    "[-n N] [--json]\n");
		return CLI_EXIT_OK;
	}
	return history_common("history", 0, argc, argv);
}

int
cmd_changes(int argc, char **argv)
{
	if (cli_take_bool(&argc, argv, "-h") ||
	    cli_take_bool(&argc, argv, "--help")) {
		fprintf(stderr, "usage: tracepair changes [--since WHEN] "
		    "[--schedule NAME] [-n N] [--json]\n");
		return CLI_EXIT_OK;
	}
	return history_common("changes", 1, argc, argv);
}
