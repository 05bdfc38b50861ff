/* evidence.c: the files of an evidence package (SUMMARY.txt in a NOC's terms, both traceroutes per run, report.html, pair.json) and redaction (pure, no I/O). */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "evidence.h"
#include "report.h"
#include "svg.h"
#include "trace_text.h"

/* ---- redaction */

int
evidence_prefix_parse(const char *s, struct evidence_prefix *p)
{
	char	 buf[64], *slash, *end;
	long	 len;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash++ = '\0';
	len = strtol(slash, &end, 10);
	if (*slash == '\0' || *end != '\0')
		return -1;
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->af = 4;
		if (len < 0 || len > 32)
			return -1;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->af = 6;
		if (len < 0 || len > 128)
			return -1;
	} else
		return -1;
	p->len = (int)len;
	return 0;
}

static int
prefix_has(const struct evidence_prefix *p, const char *addr)
{
	unsigned char	 a[16];
	int		 i, bits;

	if (p->af == 4 ? inet_pton(AF_INET, addr, a) != 1 :
	    inet_pton(AF_INET6, addr, a) != 1)
		return 0;
	for (i = 0, bits = p->len; bits > 0; i++, bits -= 8) {
		unsigned char m = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));

		if ((a[i] & m) != (p->addr[i] & m))
			return 0;
	}
	return 1;
}

int
evidence_redact(struct trace *t, const char *tag, int site_hops,
    const struct evidence_prefix *pfx, int npfx)
{
	char	 name[40];
	int	 i, j, k, hidden = 0, hide, last = t->nhops;

	/* the hops before the destination: the far site's */
	if (t->nhops > 0 && trace_hop_is_dst(t, &t->hops[t->nhops - 1]))
		last = t->nhops - 1;
	for (i = 0; i < t->nhops; i++) {
		struct trace_hop *h = &t->hops[i];

		for (j = 0; j < h->nprobes; j++) {
			struct trace_probe *p = &h->probes[j];

			if (p->addr[0] == '\0' && p->name == NULL)
				continue;
			hide = i < site_hops || (i < last && i >= last - site_hops);
			for (k = 0; !hide && k < npfx; k++)
				hide = prefix_has(&pfx[k], p->addr);
			if (!hide)
				continue;
			snprintf(name, sizeof(name), EVIDENCE_REDACTED "-%s%d",
			    tag, h->ttl);
			if (trace_probe_set_name(h, p, name) == -1)
				return -1;
			p->addr = "";
			p->asn = 0;
			if (p->more != NULL) {
				p->more->nmpls = 0;
				free(p->more->quoted_diff);
				p->more->quoted_diff = NULL;
			}
			hidden++;
		}
	}
	/* the far site's own address stays: it is the measured destination */
	return hidden;
}

/* ---- figures over runs */

/* Sent and received at the last hop of t, and its RTTs. */
struct dest_fig {
	int	 sent, recv;	/* probes sent to and answered by the last hop */
	double	 min, max, sum;	/* of their RTTs, ms */
};

static void
dest_add(struct dest_fig *f, const struct trace *t)
{
	const struct trace_hop *h;
	int	 i;

	if (t == NULL || t->nhops == 0)
		return;
	h = &t->hops[t->nhops - 1];
	for (i = 0; i < h->nprobes; i++) {
		f->sent++;
		if (!h->probes[i].replied)
			continue;
		if (f->recv == 0 || h->probes[i].rtt_ms < f->min)
			f->min = h->probes[i].rtt_ms;
		if (f->recv == 0 || h->probes[i].rtt_ms > f->max)
			f->max = h->probes[i].rtt_ms;
		f->recv++;
		f->sum += h->probes[i].rtt_ms;
	}
}

static const struct trace *
run_trace(const struct evidence_run *r, int d)
{
	return d == 0 ? r->fwd : r->rev;
}

static void
utc(double t, char *buf, size_t len)
{
	char	 iso[40];

	trace_format_time(t, iso, sizeof(iso));
	/* "2026-12-04T10:00:00.123Z" -> "2026-12-04 10:00:00 UTC" */
	if (strlen(iso) >= 19)
		snprintf(buf, len, "%.10s %.8s UTC", iso, iso + 11);
	else
		snprintf(buf, len, "%s", iso);
}

/* The address a site was measured at: its trace's source, else the other's destination. */
static const char *
site_addr(const struct evidence_in *in, int site)
{
	int	 i;

	for (i = in->nruns - 1; i >= 0; i--) {
		const struct trace *own = run_trace(&in->runs[i], site);
		const struct trace *other = run_trace(&in->runs[i], !site);

		if (own != NULL && own->src[0])
			return own->src;
		if (other != NULL && other->dst[0])
			return other->dst;
	}
	return "unknown";
}

static void
suspect_line(FILE *fp, const struct analysis_suspect *s)
{
	char	 lbl[ANALYSIS_WHY_LEN / 2], asn[40];

	if (s->kind == ANALYSIS_SUSPECT_ROUTER) {
		fprintf(fp, "  router %s%s\n", analysis_router_label(s, lbl,
		    sizeof(lbl)), analysis_suspect_asn(s, asn, sizeof(asn)));
	} else if (s->kind == ANALYSIS_SUSPECT_SITE) {
		fprintf(fp, "  site gateway or LAN: %s", analysis_hop_label(&s->a));
		if (s->a.name[0] && s->a.addr[0])
			fprintf(fp, " (%s)", s->a.addr);
		if (s->b.ttl != 0) {
			fprintf(fp, ", seen from outside as %s",
			    analysis_hop_label(&s->b));
			if (s->b.name[0] && s->b.addr[0])
				fprintf(fp, " (%s)", s->b.addr);
		}
		fputc('\n', fp);
	} else {
		/* a directed link: from its upstream end, the way the
		   traffic flows; else the forward trace's order */
		const struct analysis_hop *x = s->directed && !s->bothways ?
		    &s->from : &s->a;
		const struct analysis_hop *y = s->directed && !s->bothways ?
		    &s->to : &s->b;

		fprintf(fp, "  %s from %s", analysis_suspect_kind_name(s->kind),
		    analysis_hop_label(x));
		if (x->name[0] && x->addr[0])
			fprintf(fp, " (%s)", x->addr);
		if (x->asn)
			fprintf(fp, " AS%u", x->asn);
		fprintf(fp, "\n    to %s", analysis_hop_label(y));
		if (y->name[0] && y->addr[0])
			fprintf(fp, " (%s)", y->addr);
		if (y->asn)
			fprintf(fp, " AS%u", y->asn);
		fputc('\n', fp);
		if (s->kind == ANALYSIS_SUSPECT_LATENCY)
			fprintf(fp, "  adds %.0f ms one way (queueing)\n",
			    s->delay_ms);
	}
	fprintf(fp, "  direction: %s\n",
	    s->seen_fwd && s->seen_rev ? "both directions show it (A->B and B->A)" :
	    s->seen_fwd ? "the A->B trace shows it" :
	    s->seen_rev ? "the B->A trace shows it" : "not known");
	fprintf(fp, "  confidence %.2f\n  evidence: %s\n", s->confidence, s->why);
}

static int
summary_write(FILE *fp, const struct evidence_in *in)
{
	const struct evidence_run *last = &in->runs[in->nruns - 1];
	const struct analysis *la = NULL;
	const struct trace *t;
	struct dest_fig	 df[2];
	char		 t0[40], t1[40], tm[40];
	double		 lo, hi;
	int		 i, d, sent[2] = { 0, 0 }, lost[2] = { 0, 0 }, nloss[2] = { 0, 0 };
	int		 nsusp = 0, nanal = 0;

	for (i = in->nruns - 1; i >= 0 && la == NULL; i--)
		la = in->runs[i].a;
	utc(in->made, tm, sizeof(tm));
	utc(in->runs[0].created, t0, sizeof(t0));
	utc(last->created, t1, sizeof(t1));
	fprintf(fp, "TRACEPAIR EVIDENCE PACKAGE\n\n"
	    "Prepared %s by %s for tenant %s", tm, in->software,
	    in->tenant);
	if (in->requester && in->requester[0])
		fprintf(fp, " (asked by operator %s)", in->requester);
	fprintf(fp, ".\nAll times are UTC.  Addresses are numeric; names are "
	    "reverse DNS.\nTraceroutes ran in both directions at the same "
	    "instant (paired).\n\nWHO MEASURED\n"
	    "  Site A: agent %s, address %s\n  Site B: agent %s, address %s\n"
	    "  Tenant: %s\n", last->agent_a, site_addr(in, 0), last->agent_b,
	    site_addr(in, 1), in->tenant);
	if ((t = last->fwd ? last->fwd : last->rev) != NULL)
		fprintf(fp, "  Method: %s, %d probe(s) per hop, %d-byte packets, "
		    "max %d hops\n", trace_method_name(t->method), t->queries,
		    t->packet_size, t->max_ttl);
	fprintf(fp, "\nMEASUREMENTS\n  %d run(s) from %s to %s (%.0f minutes)\n",
	    in->nruns, t0, t1, (last->created - in->runs[0].created) / 60.0);
	fprintf(fp, "  run  pair id            started                  status   skew\n");
	for (i = 0; i < in->nruns; i++) {
		const struct evidence_run *r = &in->runs[i];

		utc(r->created, tm, sizeof(tm));
		fprintf(fp, "  %3d  %-18s %-24s %-8s %.1f ms%s%s\n", i + 1,
		    r->pair_id, tm, r->status, r->skew_ms,
		    r->reason && r->reason[0] ? "  " : "",
		    r->reason ? r->reason : "");
		if (r->a != NULL) {
			nanal++;
			if (r->a->nsuspects > 0 && la && la->nsuspects > 0 &&
			    r->a->suspects[0].kind == la->suspects[0].kind &&
			    strcmp(r->a->suspects[0].a.addr,
			    la->suspects[0].a.addr) == 0 &&
			    strcmp(r->a->suspects[0].b.addr,
			    la->suspects[0].b.addr) == 0)
				nsusp++;
			for (d = 0; d < 2; d++)
				if (r->a->loss[d].persistent) {
					sent[d] += r->a->loss[d].sent;
					lost[d] += r->a->loss[d].lost;
					nloss[d]++;
				}
		}
	}
	fprintf(fp, "\nVERDICT (latest analysed run)\n  %s\n",
	    la ? la->verdict : "no run has both traces: nothing to analyse");
	if (la != NULL && la->nsuspects > 0) {
		fprintf(fp, "\nSUSPECT\n");
		suspect_line(fp, &la->suspects[0]);
		fprintf(fp, "  the same suspect in %d of %d analysed run(s)\n",
		    nsusp, nanal);
	}
	fprintf(fp, "\nLOSS AND DELAY PER DIRECTION (all runs)\n");
	memset(df, 0, sizeof(df));
	for (d = 0; d < 2; d++) {
		for (i = 0; i < in->nruns; i++)
			dest_add(&df[d], run_trace(&in->runs[i], d));
		fprintf(fp, "  %s (%s -> %s):\n", d == 0 ? "forward" : "reverse",
		    d == 0 ? "A" : "B", d == 0 ? "B" : "A");
		if (df[d].sent > 0) {
			analysis_wilson(df[d].sent - df[d].recv, df[d].sent, &lo, &hi);
			fprintf(fp, "    at the last hop: %d of %d probes lost = "
			    "%.1f%% (95%% interval %.1f-%.1f%%)\n",
			    df[d].sent - df[d].recv, df[d].sent,
			    100.0 * (df[d].sent - df[d].recv) / df[d].sent,
			    100 * lo, 100 * hi);
		}
		if (df[d].recv > 0)
			fprintf(fp, "    round-trip time at the last hop: min %.1f, "
			    "avg %.1f, max %.1f ms\n", df[d].min,
			    df[d].sum / df[d].recv, df[d].max);
		if (nloss[d] > 0) {
			analysis_wilson(lost[d], sent[d], &lo, &hi);
			fprintf(fp, "    loss that persists to the destination in %d "
			    "run(s): %d of %d probes from its onset on = %.1f%% "
			    "(95%% interval %.1f-%.1f%%)\n", nloss[d], lost[d],
			    sent[d], 100.0 * lost[d] / sent[d], 100 * lo, 100 * hi);
		} else
			fprintf(fp, "    no loss that persists to the destination\n");
		if (la != NULL && la->loss[d].persistent)
			fprintf(fp, "    latest run: loss starts at hop %d %s%s%s%s\n",
			    la->loss[d].onset.ttl,
			    analysis_hop_label(&la->loss[d].onset),
			    la->loss[d].onset.name[0] ? " (" : "",
			    la->loss[d].onset.name[0] ? la->loss[d].onset.addr : "",
			    la->loss[d].onset.name[0] ? ")" : "");
		for (i = 0; la != NULL && i < la->nartifacts; i++)
			if ((int)la->artifacts[i].dir == d)
				fprintf(fp, "    latest run, not a fault: hop %d %s: "
				    "%s: %s\n", la->artifacts[i].hop.ttl,
				    analysis_hop_label(&la->artifacts[i].hop),
				    analysis_artifact_kind_name(
				    la->artifacts[i].kind), la->artifacts[i].why);
		if (la != NULL && la->step[d].found)
			fprintf(fp, "    latest run: delay steps up at hop %d %s from "
			    "%.1f to %.1f ms and stays up\n", la->step[d].at.ttl,
			    analysis_hop_label(&la->step[d].at),
			    la->step[d].before_ms, la->step[d].after_ms);
	}
	fprintf(fp, "\nREDACTION\n  %s\n", in->redaction && in->redaction[0] ?
	    in->redaction : "none: every hop is shown as measured.");
	fprintf(fp, "\nFILES\n"
	    "  SUMMARY.txt       this summary\n"
	    "  runs/ID/          per run: forward-traceroute.txt, "
	    "reverse-traceroute.txt\n"
	    "                    (classic traceroute layout), forward-mtr.txt, "
	    "reverse-mtr.txt\n"
	    "                    (mtr report layout), forward-atlas.json,\n"
	    "                    reverse-atlas.json (RIPE Atlas result JSON),\n"
	    "                    paths.svg (the drawing)\n"
	    "  report.html       the report with the drawing of both paths "
	    "(self-contained)\n"
	    "  pair.json         all data: traces, analyses (docs/trace-json.md, "
	    "docs/analysis.md)\n"
	    "  MANIFEST          SHA-256 of every file (sha256sum -c MANIFEST)\n"
	    "  MANIFEST.sig      Ed25519 signature of MANIFEST\n"
	    "  signer.pem        the certificate of the key that signed it\n"
	    "\nCHECK IT\n  tracepair verify PACKAGE --ca CA.pem   "
	    "(offline: signature, certificate, every file)\n");
	return ferror(fp) ? -1 : 0;
}

char *
evidence_summary(const struct evidence_in *in)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;
	int	 rc;

	if (in->nruns <= 0 || (fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	rc = summary_write(fp, in);
	if (fclose(fp) != 0 || rc == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- per-run files */

static char *
trace_layout(const struct trace *t, int summary)
{
	struct trace_text_opts o;
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;
	int	 rc;

	trace_text_opts_init(&o);
	o.show_asn = 1;
	o.unanswered = !summary;
	if ((fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	if (t->start > 0) {
		char tm[40];

		utc(t->start, tm, sizeof(tm));
		fprintf(fp, "# %s, agent %s, started %s\n", summary ?
		    "mtr-style summary" : "traceroute", t->agent ? t->agent :
		    "?", tm);
	}
	rc = summary ? trace_text_summary(fp, t, &o) : trace_text_print(fp, t, &o);
	if (fclose(fp) != 0 || rc == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Add a malloc'ed string as name (freed here); -1 with err. */
static int
add_str(struct evpkg *pkg, const char *name, char *s, char *err, size_t errlen)
{
	int	 rc;

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = evpkg_add(pkg, name, s, strlen(s), err, errlen);
	free(s);
	return rc;
}

static char *
run_svg(const struct evidence_run *r)
{
	struct svg_opts	 so;
	char		 title[160], tm[40];

	utc(r->created, tm, sizeof(tm));
	snprintf(title, sizeof(title), "%s -> %s, %s, pair %s", r->agent_a,
	    r->agent_b, tm, r->pair_id);
	so.a = r->agent_a;
	so.b = r->agent_b;
	so.title = title;
	return svg_pair(r->fwd, r->rev, r->a, &so);
}

/* ---- report.html */

static char *
report_html(const struct evidence_in *in, const char *summary)
{
	struct svg_run	*sr;
	FILE		*fp;
	char		*buf = NULL, *s, tm[40];
	size_t		 len = 0;
	int		 i, d, rc = 0;

	if ((sr = calloc((size_t)in->nruns, sizeof(*sr))) == NULL)
		return NULL;
	if ((fp = open_memstream(&buf, &len)) == NULL) {
		free(sr);
		return NULL;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	    "'none'; style-src 'unsafe-inline'\">\n<title>tracepair evidence: ", fp);
	svg_escape(fp, in->runs[in->nruns - 1].agent_a, 0);
	fputs(" - ", fp);
	svg_escape(fp, in->runs[in->nruns - 1].agent_b, 0);
	fputs("</title>\n<style>body{font-family:sans-serif;max-width:780px;"
	    "margin:1em auto;color:#111}pre{font-size:11px;background:#f7f7f7;"
	    "padding:6px;overflow-x:auto}h2{font-size:16px;border-bottom:1px "
	    "solid #ccc}svg{max-width:100%;height:auto}</style>\n</head>\n<body>\n"
	    "<h1>tracepair evidence package</h1>\n", fp);
	/* the drawing of the latest analysed run first: what people look at */
	for (i = in->nruns - 1; i >= 0; i--) {
		if (in->runs[i].a == NULL)
			continue;
		utc(in->runs[i].created, tm, sizeof(tm));
		fprintf(fp, "<h2 id=\"paths\">Both paths, run of %s</h2>\n", tm);
		if ((s = run_svg(&in->runs[i])) == NULL)
			rc = -1;
		else
			fputs(s, fp);
		free(s);
		break;
	}
	for (i = 0; i < in->nruns; i++) {
		sr[i].start = in->runs[i].created;
		for (d = 0; d < 2; d++) {
			struct dest_fig f;

			memset(&f, 0, sizeof(f));
			dest_add(&f, run_trace(&in->runs[i], d));
			sr[i].have[d] = run_trace(&in->runs[i], d) != NULL;
			sr[i].loss_pct[d] = f.sent ? 100.0 * (f.sent - f.recv) /
			    f.sent : 0;
			sr[i].rtt_ms[d] = f.recv ? f.sum / f.recv : 0;
		}
	}
	fputs("<h2 id=\"runs\">Loss and delay over the runs</h2>\n", fp);
	if ((s = svg_runs(sr, in->nruns, NULL)) == NULL)
		rc = -1;
	else
		fputs(s, fp);
	free(s);
	fputs("<h2 id=\"summary\">Summary</h2>\n<pre>", fp);
	svg_escape_text(fp, summary);
	fputs("</pre>\n", fp);
	for (i = 0; i < in->nruns; i++) {
		const struct evidence_run *r = &in->runs[i];

		utc(r->created, tm, sizeof(tm));
		fprintf(fp, "<h2>Run %d: pair ", i + 1);
		svg_escape(fp, r->pair_id, 0);
		fprintf(fp, ", %s</h2>\n", tm);
		for (d = 0; d < 2; d++) {
			const struct trace *t = run_trace(r, d);

			fprintf(fp, "<h3>%s</h3>\n<pre>", d == 0 ? "Forward A -&gt; B" :
			    "Reverse B -&gt; A");
			if (t == NULL)
				fputs("(no trace)", fp);
			else if ((s = trace_layout(t, 0)) == NULL)
				rc = -1;
			else
				svg_escape_text(fp, s);
			free(t ? s : NULL);
			fputs("</pre>\n", fp);
		}
	}
	fputs("</body>\n</html>\n", fp);
	if (ferror(fp))
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	free(sr);
	if (rc == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- pair.json */

static char *
pair_json(const struct evidence_in *in)
{
	json_t	*o, *runs, *r, *x;
	char	 tm[40], *s;
	int	 i;

	if ((o = json_object()) == NULL || (runs = json_array()) == NULL) {
		json_decref(o);
		return NULL;
	}
	trace_format_time(in->made, tm, sizeof(tm));
	json_object_set_new(o, "format", json_string("tracepair-evidence-1"));
	json_object_set_new(o, "made", json_string(tm));
	json_object_set_new(o, "tenant", json_string(in->tenant));
	json_object_set_new(o, "requester", json_string(in->requester ?
	    in->requester : ""));
	json_object_set_new(o, "software", json_string(in->software));
	json_object_set_new(o, "redaction", json_string(in->redaction ?
	    in->redaction : ""));
	for (i = 0; i < in->nruns; i++) {
		const struct evidence_run *e = &in->runs[i];

		if ((r = json_object()) == NULL)
			goto oom;
		json_array_append_new(runs, r);
		trace_format_time(e->created, tm, sizeof(tm));
		json_object_set_new(r, "pair_id", json_string(e->pair_id));
		json_object_set_new(r, "created", json_string(tm));
		json_object_set_new(r, "agent_a", json_string(e->agent_a));
		json_object_set_new(r, "agent_b", json_string(e->agent_b));
		json_object_set_new(r, "operator", json_string(e->operator_name ?
		    e->operator_name : ""));
		json_object_set_new(r, "status", json_string(e->status));
		json_object_set_new(r, "reason", json_string(e->reason ?
		    e->reason : ""));
		json_object_set_new(r, "skew_ms", json_real(e->skew_ms));
		json_object_set_new(r, "forward", e->fwd ? trace_to_jobj(e->fwd) :
		    json_null());
		json_object_set_new(r, "reverse", e->rev ? trace_to_jobj(e->rev) :
		    json_null());
		x = e->a ? analysis_to_jobj(e->a) : json_null();
		json_object_set_new(r, "analysis", x);
	}
	json_object_set_new(o, "runs", runs);
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(6));
	json_decref(o);
	return s;
oom:
	json_decref(o);
	json_decref(runs);
	return NULL;
}

int
evidence_build(const struct evidence_in *in, struct evpkg *pkg, char *err,
    size_t errlen)
{
	char	*summary, name[EVPKG_NAME_MAX];
	int	 i, d, k;

	if (in->nruns <= 0 || in->nruns > EVIDENCE_MAX_RUNS) {
		snprintf(err, errlen, "a package holds 1 to %d runs",
		    EVIDENCE_MAX_RUNS);
		return -1;
	}
	if ((summary = evidence_summary(in)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (evpkg_add(pkg, "SUMMARY.txt", summary, strlen(summary), err,
	    errlen) == -1 ||
	    add_str(pkg, "report.html", report_html(in, summary), err,
	    errlen) == -1 ||
	    add_str(pkg, "pair.json", pair_json(in), err, errlen) == -1) {
		free(summary);
		return -1;
	}
	free(summary);
	for (i = 0; i < in->nruns; i++) {
		const struct evidence_run *r = &in->runs[i];

		for (d = 0; d < 2; d++) {
			const struct trace *t = run_trace(r, d);

			if (t == NULL)
				continue;
			for (k = 0; k < 2; k++) {
				snprintf(name, sizeof(name), "runs/%s/%s-%s.txt",
				    r->pair_id, d == 0 ? "forward" : "reverse",
				    k == 0 ? "traceroute" : "mtr");
				if (add_str(pkg, name, trace_layout(t, k), err,
				    errlen) == -1)
					return -1;
			}
			/* The same trace as a RIPE Atlas traceroute result. */
			snprintf(name, sizeof(name), "runs/%s/%s-atlas.json",
			    r->pair_id, d == 0 ? "forward" : "reverse");
			if (add_str(pkg, name, trace_to_atlas(t, 1), err,
			    errlen) == -1)
				return -1;
		}
		if (r->a != NULL) {
			snprintf(name, sizeof(name), "runs/%s/paths.svg", r->pair_id);
			if (add_str(pkg, name, run_svg(r), err, errlen) == -1)
				return -1;
		}
	}
	return 0;
}
