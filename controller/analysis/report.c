/* report.c: write a pair's analysis as text for people (verdict, evidence, paths side by side) or as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"

#define REPORT_MAX_WIDTH	120	/* widest label column accepted */

void
report_opts_init(struct report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->width = 38;
	o->show_artifacts = 1;
	o->fwd_label = "forward A->B";
	o->rev_label = "reverse B->A (read upwards)";
}

/* report_to_jobj(); lazy: the traces' hops left to trace_json_dumpf(). */
static json_t *
report_doc(const struct trace *fwd, const struct trace *rev,
    const struct analysis *a, int lazy)
{
	json_t	*o, *f, *r, *x;

	f = lazy ? trace_to_jobj_lazy(fwd, 0) : trace_to_jobj(fwd);
	r = lazy ? trace_to_jobj_lazy(rev, 1) : trace_to_jobj(rev);
	x = analysis_to_jobj(a);
	if (f == NULL || r == NULL || x == NULL ||
	    (o = json_object()) == NULL) {
		json_decref(f);
		json_decref(r);
		json_decref(x);
		return NULL;
	}
	json_object_set_new(o, "forward", f);
	json_object_set_new(o, "reverse", r);
	json_object_set_new(o, "analysis", x);
	return o;
}

json_t *
report_to_jobj(const struct trace *fwd, const struct trace *rev,
    const struct analysis *a)
{
	return report_doc(fwd, rev, a, 0);
}

/* The flags of every report document. */
#define REPORT_JSON_FLAGS(pretty) (((pretty) ? JSON_INDENT(2) : JSON_COMPACT) | \
	JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

/* A lazy document written to fp (its reference is dropped), then a newline. */
static int
dump_lazy(FILE *fp, json_t *o, const struct trace *fwd,
    const struct trace *rev, int pretty)
{
	const struct trace *const traces[2] = { fwd, rev };
	int	 rc;

	if (o == NULL)
		return -1;
	rc = trace_json_dumpf(fp, o, traces, rev != NULL ? 2 : 1,
	    REPORT_JSON_FLAGS(pretty));
	json_decref(o);
	if (rc == 0 && putc('\n', fp) == EOF)
		rc = -1;
	return rc;
}

int
report_json_write(FILE *fp, const struct trace *fwd, const struct trace *rev,
    const struct analysis *a, int pretty)
{
	return dump_lazy(fp, report_doc(fwd, rev, a, 1), fwd, rev, pretty);
}

/* A report document as text (its reference is dropped); NULL when out of memory. */
static char *
dump(json_t *o, int pretty)
{
	char	*s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, REPORT_JSON_FLAGS(pretty));
	json_decref(o);
	return s;
}

char *
report_json(const struct trace *fwd, const struct trace *rev,
    const struct analysis *a, int pretty)
{
	return dump(report_to_jobj(fwd, rev, a), pretty);
}

/* ---- the side-by-side view ------------------------------------------- */

/* What one cell of the side-by-side view shows. */
struct cell {
	const struct trace_hop *h;	/* the hop, or NULL for an empty cell */
	char	 mark;			/* '=' shared, '+' one direction only,
					   '*' silent, 'D' destination, ' ' */
	int	 onset;			/* the loss onset of its direction */
	double	 loss_pct;		/* the hop's loss */
};

static int
in_shared(const struct analysis *a, int dir, int ttl)
{
	int	 i;

	for (i = 0; i < a->nshared; i++)
		if ((dir == 0 ? a->shared[i].fwd.ttl : a->shared[i].rev.ttl) == ttl)
			return 1;
	return 0;
}

static int
in_only(const struct analysis *a, int dir, int ttl)
{
	const struct analysis_hop *l = dir == 0 ? a->fwd_only : a->rev_only;
	int	 i, n = dir == 0 ? a->nfwd_only : a->nrev_only;

	for (i = 0; i < n; i++)
		if (l[i].ttl == ttl)
			return 1;
	return 0;
}

static void
make_cell(const struct trace *t, const struct analysis *a, int dir,
    const struct trace_hop *h, struct cell *c)
{
	struct trace_hop_stats s;

	c->h = h;
	c->onset = a->loss[dir].persistent && a->loss[dir].onset.ttl == h->ttl;
	trace_hop_stats(h, &s);
	c->loss_pct = s.loss_pct;
	if (in_shared(a, dir, h->ttl))
		c->mark = '=';
	else if (in_only(a, dir, h->ttl))
		c->mark = '+';
	else if (s.received == 0)
		c->mark = '*';
	else if (t->reached && h == &t->hops[t->nhops - 1])
		c->mark = 'D';
	else
		c->mark = ' ';
}

static void
fmt_cell(char *buf, size_t len, const struct cell *c, int width)
{
	const struct trace_probe *p;
	char	 label[REPORT_MAX_WIDTH + 1];
	const char *l = "*";

	if (c->h == NULL) {
		snprintf(buf, len, "%*s", width + 13, "");
		return;
	}
	if ((p = trace_hop_main_probe(c->h)) != NULL)
		l = p->name != NULL ? p->name : p->addr[0] ? p->addr : "?";
	snprintf(label, sizeof(label), "%.*s", width, l);
	snprintf(buf, len, "%3d %c %-*s %3.0f%%%s", c->h->ttl, c->mark, width,
	    label, c->loss_pct, c->onset ? " !" : "  ");
}

/* What side_by_side's rows print into. */
struct rows_text {
	FILE			*fp;
	const struct trace	*fwd, *rev;
	const struct analysis	*a;
	int			 width;
};

/* report_rows_cb: one row of the text view. */
static int
row(const struct trace_hop *fh, const struct trace_hop *rh, void *arg)
{
	struct rows_text	*t = arg;
	struct cell		 f, r;
	char			 lb[REPORT_MAX_WIDTH + 64], rb[REPORT_MAX_WIDTH + 64];

	memset(&f, 0, sizeof(f));
	memset(&r, 0, sizeof(r));
	if (fh != NULL)
		make_cell(t->fwd, t->a, 0, fh, &f);
	if (rh != NULL)
		make_cell(t->rev, t->a, 1, rh, &r);
	fmt_cell(lb, sizeof(lb), &f, t->width);
	fmt_cell(rb, sizeof(rb), &r, t->width);
	return fprintf(t->fp, "  %s | %s\n", lb, rb) < 0 ? -1 : 0;
}

/* The reverse hop with this ttl's index, or -1. */
static int
rev_index(const struct trace *t, int ttl)
{
	int	 i;

	for (i = 0; i < t->nhops; i++)
		if (t->hops[i].ttl == ttl)
			return i;
	return -1;
}

int
report_rows(const struct trace *fwd, const struct trace *rev,
    const struct analysis *a, report_rows_cb cb, void *arg)
{
	int		 fi = 0, ri = rev->nhops - 1, k, stop_f, stop_r, tf, tr;

	for (k = 0; k <= a->nshared; k++) {
		if (k < a->nshared) {
			stop_f = a->shared[k].fwd.ttl;
			stop_r = rev_index(rev, a->shared[k].rev.ttl);
		} else {
			stop_f = 1 << 20;
			stop_r = -1;
		}
		/* the hops of each side before the anchor */
		for (;;) {
			tf = fi < fwd->nhops && fwd->hops[fi].ttl < stop_f;
			tr = ri >= 0 && ri > stop_r;
			if (!tf && !tr)
				break;
			if (cb(tf ? &fwd->hops[fi++] : NULL,
			    tr ? &rev->hops[ri--] : NULL, arg) == -1)
				return -1;
		}
		if (k == a->nshared)
			break;
		/* the anchor: the shared router on one row */
		tf = fi < fwd->nhops;
		tr = ri >= 0;
		if (cb(tf ? &fwd->hops[fi++] : NULL,
		    tr ? &rev->hops[ri--] : NULL, arg) == -1)
			return -1;
	}
	return 0;
}

/* opts, or the defaults (in *defaults) when NULL; the label width in bounds. */
static const struct report_opts *
opts_or_defaults(const struct report_opts *opts, struct report_opts *defaults,
    int *width)
{
	if (opts == NULL) {
		report_opts_init(defaults);
		opts = defaults;
	}
	*width = opts->width < 8 ? 8 : opts->width > REPORT_MAX_WIDTH ?
	    REPORT_MAX_WIDTH : opts->width;
	return opts;
}

/*
 * Forward hops downwards on the left, reverse hops upwards on the right,
 * so that a router both directions saw sits on one row.
 */
static int
side_by_side(FILE *fp, const struct trace *fwd, const struct trace *rev,
    const struct analysis *a, int width)
{
	struct rows_text t = { fp, fwd, rev, a, width };

	return report_rows(fwd, rev, a, row, &t);
}

static void
loss_line(FILE *fp, int dir, const struct analysis *a)
{
	const struct analysis_loss *L = &a->loss[dir];

	if (!L->persistent) {
		fprintf(fp, "  %s: no loss that persists\n", analysis_dir_name(dir));
		return;
	}
	fprintf(fp, "  %s: from hop %d %s on, %.0f%% of %d probes lost (95%% CI "
	    "%.0f-%.0f%%), confidence %.2f; could start as early as hop %d\n",
	    analysis_dir_name(dir), L->onset.ttl, analysis_hop_label(&L->onset),
	    L->loss_pct, L->sent, L->ci_low, L->ci_high, L->confidence,
	    L->earliest_ttl);
}

/*
 * The delay over directed links: each one-way delay (a latency suspect)
 * and the long links seen both ways (distance, not faults).
 */
static void
delay_lines(FILE *fp, const struct analysis *a)
{
	int	 i;

	for (i = 0; i < a->nsuspects; i++) {
		const struct analysis_suspect *s = &a->suspects[i];

		if (s->kind == ANALYSIS_SUSPECT_LATENCY)
			fprintf(fp, "Delay one way: the link %s -> %s adds %.0f ms: "
			    "the forward RTTs step up from hop %d, the reverse from "
			    "hop %d (suspect %d, confidence %.2f)\n",
			    analysis_hop_label(&s->from), analysis_hop_label(&s->to),
			    s->delay_ms, s->step_ttl[0], s->step_ttl[1], i + 1,
			    analysis_conf_shown(s->confidence));
	}
	for (i = 0; i < a->njitter; i++)
		fprintf(fp, "%s %s %s %s %.0f ms%s", i == 0 ? "Jitter (avg - min "
		    "RTT a link adds):" : ";", analysis_hop_label(&a->jitter[i].from),
		    a->jitter[i].bothways ? "-" : "->",
		    analysis_hop_label(&a->jitter[i].to), a->jitter[i].jitter_ms,
		    i == a->njitter - 1 ? "\n" : "");
	for (i = 0; i < a->ndistance; i++)
		fprintf(fp, "%s %s - %s %.0f ms%s", i == 0 ? "Distance (round trip "
		    "over one link, seen both ways; not a fault):" : ";",
		    analysis_hop_label(&a->distance[i].a),
		    analysis_hop_label(&a->distance[i].b), a->distance[i].rtt_ms,
		    i == a->ndistance - 1 ? "\n" : "");
}

/* How one direction probed and whether that got into the far site. */
static void
probe_line(FILE *fp, int dir, const struct trace *t, const struct analysis *a)
{
	char	 port[24] = "";

	if (t->method == TRACE_METHOD_TCP && t->port > 0)
		snprintf(port, sizeof(port), " port %d", t->port);
	fprintf(fp, "  probes %s: %s%s, ", analysis_dir_name(dir),
	    trace_method_name(t->method), port);
	if (!a->stop[dir].stopped)
		fprintf(fp, "reached %s\n", t->dst);
	else if (a->stop[dir].last.ttl > 0)
		fprintf(fp, "stopped after hop %d %s: filtered or lost beyond it\n",
		    a->stop[dir].last.ttl, analysis_hop_label(&a->stop[dir].last));
	else
		fprintf(fp, "no hop answered\n");
}

int
report_text(FILE *fp, const struct trace *fwd, const struct trace *rev,
    const struct analysis *a, const struct report_opts *opts)
{
	struct report_opts defaults;
	char		 lbl[ANALYSIS_WHY_LEN / 2];	/* a router suspect's label */
	char		 asn[40];	/* its AS numbers, "" when unknown */
	int		 i, d, width;

	opts = opts_or_defaults(opts, &defaults, &width);
	fprintf(fp, "Verdict: %s\n", a->verdict);
	if (a->nsuspects > 0) {
		fprintf(fp, "\nSuspects (most likely first):\n");
		for (i = 0; i < a->nsuspects; i++) {
			const struct analysis_suspect *s = &a->suspects[i];

			if (s->kind == ANALYSIS_SUSPECT_ROUTER)
				fprintf(fp, "  %d. router %s%s, confidence %.2f\n",
				    i + 1, analysis_router_label(s, lbl, sizeof(lbl)),
				    analysis_suspect_asn(s, asn, sizeof(asn)),
				    analysis_conf_shown(s->confidence));
			else if (s->directed && !s->bothways)
				fprintf(fp, "  %d. %s %s -> %s%s, confidence %.2f%s\n",
				    i + 1, analysis_suspect_kind_name(s->kind),
				    analysis_hop_label(&s->from),
				    analysis_hop_label(&s->to),
				    analysis_suspect_asn(s, asn, sizeof(asn)),
				    analysis_conf_shown(s->confidence), s->alternative ?
				    " (cannot be ruled out)" : "");
			else
				fprintf(fp, "  %d. %s %s - %s%s, confidence %.2f%s\n",
				    i + 1, analysis_suspect_kind_name(s->kind),
				    analysis_hop_label(&s->a),
				    analysis_hop_label(&s->b),
				    analysis_suspect_asn(s, asn, sizeof(asn)),
				    analysis_conf_shown(s->confidence), s->alternative ?
				    " (cannot be ruled out)" : "");
			fprintf(fp, "     %s\n", s->why);
		}
	}
	if (a->nroundtrip > 0) {
		fprintf(fp, "\nRound trips (where each hop's replies come back):\n");
		for (i = 0; i < a->nroundtrip; i++)
			fprintf(fp, "  %s\n", a->roundtrip[i].text);
	}
	fprintf(fp, "\nLoss:\n");
	for (d = 0; d < 2; d++)
		loss_line(fp, d, a);
	for (d = 0; d < 2; d++) {
		if (a->step[d].found)
			fprintf(fp, "Latency %s: delay steps up at hop %d %s from "
			    "%.1f to %.1f ms and stays up%s%s%s\n",
			    analysis_dir_name(d), a->step[d].at.ttl,
			    analysis_hop_label(&a->step[d].at),
			    a->step[d].before_ms, a->step[d].after_ms,
			    a->step[d].cause[0] ? " (" : "", a->step[d].cause,
			    a->step[d].cause[0] ? ")" : "");
		if (a->stop[d].stopped)
			fprintf(fp, "Stop %s: %s\n", analysis_dir_name(d),
			    a->stop[d].advice);
	}
	delay_lines(fp, a);
	fprintf(fp, "\nPaths: %d shared routers, %d forward-only, %d reverse-only, "
	    "%d divergence(s)\n", a->nshared, a->nfwd_only, a->nrev_only,
	    a->ndivergence);
	for (i = 0; i < a->nshared; i++)
		fprintf(fp, "  = fwd %d %s ~ rev %d %s (by %s)\n",
		    a->shared[i].fwd.ttl, analysis_hop_label(&a->shared[i].fwd),
		    a->shared[i].rev.ttl, analysis_hop_label(&a->shared[i].rev),
		    analysis_how_name(a->shared[i].how));
	for (d = 0; d < 2; d++) {
		const struct site *S = &a->site[d];

		if (S->how == SITE_HOW_NONE)
			continue;
		fprintf(fp, "%s site %s: %s%s, gateway hop %d %s%s%s%s",
		    d == 0 || a->site[0].how == SITE_HOW_NONE ? "\nSites:\n " :
		    " ", d == 0 ? "A" : "B",
		    S->nat ? "behind NAT" : "own segment",
		    S->cgnat_ttl ? " and carrier-grade NAT" : "", S->gw_ttl,
		    S->gw_inside, S->edge_outside[0] && !S->cgnat_ttl ?
		    " (public " : "", S->cgnat_ttl ? "" : S->edge_outside,
		    S->edge_outside[0] && !S->cgnat_ttl ? ")" : "");
		if (S->cgnat_ttl)
			fprintf(fp, ", carrier-grade NAT hop %d %s%s%s%s",
			    S->cgnat_ttl, S->cgnat_addr, S->edge_outside[0] ?
			    " (public " : "", S->edge_outside,
			    S->edge_outside[0] ? ", shared)" : "");
		fprintf(fp, "; %d hop(s) of its own (found by %s)\n",
		    a->nsegment[d], site_how_name(S->how));
	}
	if (a->site[0].how != SITE_HOW_NONE || a->site[1].how != SITE_HOW_NONE ||
	    fwd->method != rev->method)
		for (d = 0; d < 2; d++)
			probe_line(fp, d, d == 0 ? fwd : rev, a);
	fprintf(fp, "\n  %-*s | %s\n", width + 13, opts->fwd_label, opts->rev_label);
	if (side_by_side(fp, fwd, rev, a, width) == -1)
		return -1;
	fprintf(fp, "  ('=' seen both ways, '+' one direction only, '*' silent, "
	    "'D' destination, '!' loss onset)\n");
	if (opts->show_artifacts && a->nartifacts > 0) {
		fprintf(fp, "\nNot faults:\n");
		for (i = 0; i < a->nartifacts; i++)
			fprintf(fp, "  %s hop %d %s: %s: %s\n",
			    analysis_dir_name(a->artifacts[i].dir),
			    a->artifacts[i].hop.ttl,
			    analysis_hop_label(&a->artifacts[i].hop),
			    analysis_artifact_kind_name(a->artifacts[i].kind),
			    a->artifacts[i].why);
	}
	if (opts->show_artifacts && a->nreplyttl > 0) {
		fprintf(fp, "\nReplies that came back another way:\n");
		for (i = 0; i < a->nreplyttl; i++)
			fprintf(fp, "  %s hop %d %s: reply crossed %d hops, the probe %d\n",
			    analysis_dir_name(a->replyttl[i].dir),
			    a->replyttl[i].hop.ttl,
			    analysis_hop_label(&a->replyttl[i].hop),
			    a->replyttl[i].return_hops, a->replyttl[i].hop.ttl);
	}
	return ferror(fp) ? -1 : 0;
}

char *
report_text_str(const struct trace *fwd, const struct trace *rev,
    const struct analysis *a, const struct report_opts *opts)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;
	int	 rc;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	rc = report_text(fp, fwd, rev, a, opts);
	if (fclose(fp) != 0 || rc == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- one direction ------------------------------------------------ */

/*
 * What the other direction would add: said once, for the text and the
 * JSON alike.
 */
static const char one_other[] =
    "A trace the other way (run at the destination, back to this source) "
    "would tell loss on this path from loss on the replies' way back, and "
    "name the link or router from both sides: give both files to "
    "`tracepair analyze FORWARD REVERSE`.";

void
report_one_verdict(const struct analysis *a, char *buf, size_t len)
{
	const struct analysis_loss *L = &a->loss[0];
	const struct analysis_stop *S = &a->stop[0];
	const struct analysis_step *D = &a->step[0];

	if (L->persistent)
		snprintf(buf, len, "Loss starts at hop %d %s (%.0f%% of %d probes "
		    "lost from there on, 95%% CI %.0f-%.0f%%, confidence %.2f; it "
		    "could start as early as hop %d). One direction cannot tell "
		    "the link before that hop from the replies' way back.",
		    L->onset.ttl, analysis_hop_label(&L->onset), L->loss_pct,
		    L->sent, L->ci_low, L->ci_high, L->confidence, L->earliest_ttl);
	else if (S->stopped)
		snprintf(buf, len, "The trace does not reach its destination%s%s%s: %s",
		    S->last.ttl > 0 ? "; the last hop that answered is " : "",
		    S->last.ttl > 0 ? analysis_hop_label(&S->last) : "",
		    S->annot[0] != '\0' ? " (it answered unreachable)" : "",
		    S->advice);
	else if (D->found)
		snprintf(buf, len, "No loss that persists; the delay steps up at hop "
		    "%d %s from %.1f to %.1f ms and stays up.", D->at.ttl,
		    analysis_hop_label(&D->at), D->before_ms, D->after_ms);
	else
		snprintf(buf, len, "No loss that persists and no lasting delay step "
		    "in this direction.");
}

int
report_one_text(FILE *fp, const struct trace *t, const struct analysis *a,
    const struct report_opts *opts)
{
	struct report_opts defaults;
	struct cell	 c;
	char		 buf[ANALYSIS_WHY_LEN * 2], cb[REPORT_MAX_WIDTH + 64];
	int		 i, width, head;

	opts = opts_or_defaults(opts, &defaults, &width);
	report_one_verdict(a, buf, sizeof(buf));
	fprintf(fp, "Verdict (one direction): %s\n\nThe other direction: %s\n",
	    buf, one_other);
	fprintf(fp, "\nLoss:\n");
	loss_line(fp, 0, a);
	if (a->step[0].found)
		fprintf(fp, "Latency: delay steps up at hop %d %s from %.1f to %.1f "
		    "ms and stays up\n", a->step[0].at.ttl,
		    analysis_hop_label(&a->step[0].at), a->step[0].before_ms,
		    a->step[0].after_ms);
	if (a->stop[0].stopped)
		fprintf(fp, "Stop: %s\n", a->stop[0].advice);
	fprintf(fp, "\n  %s\n", opts->fwd_label);
	for (i = 0; i < t->nhops; i++) {
		make_cell(t, a, 0, &t->hops[i], &c);
		if (c.mark == '+')
			c.mark = ' ';	/* one direction: nothing to be shared */
		fmt_cell(cb, sizeof(cb), &c, width);
		fprintf(fp, "  %s\n", cb);
	}
	fprintf(fp, "  ('*' silent, 'D' destination, '!' loss onset)\n");
	for (i = 0, head = 0; opts->show_artifacts && i < a->nartifacts; i++)
		if (a->artifacts[i].dir == 0)
				fprintf(fp, "%s  hop %d %s: %s: %s\n", head++ == 0 ?
				    "\nNot faults:\n" : "", a->artifacts[i].hop.ttl,
				    analysis_hop_label(&a->artifacts[i].hop),
				    analysis_artifact_kind_name(a->artifacts[i].kind),
				    a->artifacts[i].why);
	return ferror(fp) ? -1 : 0;
}

/* report_one_to_jobj(); lazy: the trace's hops left to trace_json_dumpf(). */
static json_t *
report_one_doc(const struct trace *t, const struct analysis *a, int lazy)
{
	json_t	*o, *tr, *all, *x, *arts, *v;
	char	 buf[ANALYSIS_WHY_LEN * 2];
	size_t	 i;

	tr = lazy ? trace_to_jobj_lazy(t, 0) : trace_to_jobj(t);
	all = analysis_to_jobj(a);
	if (tr == NULL || all == NULL || (o = json_object()) == NULL ||
	    (x = json_object()) == NULL) {
		json_decref(tr);
		json_decref(all);
		return NULL;
	}
	report_one_verdict(a, buf, sizeof(buf));
	json_object_set_new(x, "direction", json_string("forward"));
	json_object_set_new(x, "verdict", json_string(buf));
	json_object_set(x, "loss", json_object_get(json_object_get(all, "loss"),
	    "forward"));
	json_object_set(x, "latency", json_object_get(json_object_get(all,
	    "latency"), "forward"));
	json_object_set(x, "stop", json_object_get(json_object_get(all, "stops"),
	    "forward"));
	arts = json_array();
	json_array_foreach(json_object_get(all, "artifacts"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "direction")),
		    "forward") == 0)
			json_array_append(arts, v);
	json_object_set_new(x, "artifacts", arts);
	json_object_set(x, "min_probes_per_hop", json_object_get(all,
	    "min_probes_per_hop"));
	json_object_set_new(x, "other_direction", json_string(one_other));
	json_object_set_new(o, "trace", tr);
	json_object_set_new(o, "analysis", x);
	json_decref(all);
	return o;
}

json_t *
report_one_to_jobj(const struct trace *t, const struct analysis *a)
{
	return report_one_doc(t, a, 0);
}

int
report_one_json_write(FILE *fp, const struct trace *t,
    const struct analysis *a, int pretty)
{
	return dump_lazy(fp, report_one_doc(t, a, 1), t, NULL, pretty);
}

char *
report_one_json(const struct trace *t, const struct analysis *a, int pretty)
{
	return dump(report_one_to_jobj(t, a), pretty);
}
