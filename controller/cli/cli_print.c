/* cli_print.c: the operator CLI's shared output: one-line errors, reply statuses, traces and pairs for a person or as JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "cli_conn.h"
#include "trace.h"
#include "trace_text.h"
#include "wire.h"

void
cli_errx(const char *cmd, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "tracepair %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_print_trace(const struct trace *t, enum cli_layout l)
{
	struct trace_text_opts topts;
	int	 i, j;

	trace_text_opts_init(&topts);
	/* AS numbers when the controller annotated the trace (pfx2as). */
	for (i = 0; i < t->nhops && !topts.show_asn; i++)
		for (j = 0; j < t->hops[i].nprobes; j++)
			if (t->hops[i].probes[j].asn != 0)
				topts.show_asn = 1;
	if (l == CLI_LAYOUT_SUMMARY ||
	    (l == CLI_LAYOUT_AUTO && t->queries > CLI_SUMMARY_QUERIES))
		trace_text_summary(stdout, t, &topts);
	else
		trace_text_print(stdout, t, &topts);
}

int
cli_reply_status(const char *cmd, const char *status, const char *reason)
{
	if (status != NULL && strcmp(status, "ok") == 0)
		return CLI_EXIT_OK;
	cli_errx(cmd, "%s: %s", status ? status : "failed",
	    reason && *reason ? reason : "no reason given");
	if (reason != NULL && (strstr(reason, "offline") != NULL ||
	    strstr(reason, "unknown agent") != NULL))
		return CLI_EXIT_AGENT;
	return CLI_EXIT_FAILED;
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

void
cli_progress_show(const Tracepair__Progress *p, void *arg)
{
	struct cli_progress *pl = arg;
	int	 i, k = -1;

	for (i = 0; i < 2; i++)
		if (pl->agent[i] != NULL && p->agent != NULL &&
		    strcmp(pl->agent[i], p->agent) == 0)
			k = i;
	if (k < 0)
		return;		/* not one of ours: nothing of it is printed */
	pl->last[k] = *p;
	pl->seen[k] = 1;
	fprintf(stderr, "\r\033[K");
	for (i = 0; i < 2; i++) {
		const Tracepair__Progress *q = &pl->last[i];

		if (!pl->seen[i])
			continue;
		fprintf(stderr, "%s%s: round %u/%u, %.0f s left", i && pl->seen[0] ?
		    "; " : "", pl->agent[i], q->rounds_done, q->rounds,
		    q->seconds_left);
		if (q->worst_ttl > 0)
			fprintf(stderr, ", worst hop %d (%.0f %% lost)",
			    q->worst_ttl, q->worst_loss);
	}
	fflush(stderr);
	pl->shown = 1;
}

frame_env *
cli_conn_call_progress(struct cli_conn *c, const char *cmd, frame_env *req,
    int want, int timeout_ms, const char *a, const char *b, int *status)
{
	struct cli_progress pl;
	frame_env	*reply;

	memset(&pl, 0, sizeof(pl));
	pl.agent[0] = a;
	pl.agent[1] = b;
	if (isatty(STDERR_FILENO))
		cli_conn_set_progress(c, cli_progress_show, &pl);
	reply = cli_conn_call(c, cmd, req, want, timeout_ms, status);
	cli_progress_end(&pl);
	return reply;
}

void
cli_progress_end(struct cli_progress *pl)
{
	if (pl->shown)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
	pl->shown = 0;
}
