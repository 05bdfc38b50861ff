/* trace_text.c: a trace printed as classic traceroute lines or as an mtr-style summary. */
#include <stdio.h>
#include <string.h>

#include "trace_text.h"

void
trace_text_opts_init(struct trace_text_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->show_mpls = 1;
	o->header = 1;
}

static void
print_mpls(FILE *fp, const struct trace_probe *p)
{
	int	 i;

	fprintf(fp, " <MPLS:");
	for (i = 0; i < trace_probe_more(p)->nmpls; i++)
		fprintf(fp, "%sL=%u,E=%u,S=%u,T=%u", i ? "/" : "",
		    trace_probe_more(p)->mpls[i].label, trace_probe_more(p)->mpls[i].exp, trace_probe_more(p)->mpls[i].s,
		    trace_probe_more(p)->mpls[i].ttl);
	fprintf(fp, ">");
}

/* 1 when two probes carry the same label stack. */
static int
same_mpls(const struct trace_probe *a, const struct trace_probe *b)
{
	return trace_probe_more(a)->nmpls == trace_probe_more(b)->nmpls &&
	    memcmp(trace_probe_more(a)->mpls, trace_probe_more(b)->mpls, sizeof(trace_probe_more(a)->mpls[0]) * (size_t)trace_probe_more(a)->nmpls) == 0;
}

/*
 * What a loss measurement adds to a hop's line: where echo to the hop's
 * address gave its loss figure, "echo" (with the replies/requests in the
 * traceroute layout, whose line shows the hop's own replies); where its
 * replies were limited, "limited R/s burst B".
 */
static void
loss_note(FILE *fp, const struct trace_hop *h, int summary)
{
	if (!h->loss_by_echo && h->rl_rate <= 0)
		return;
	fprintf(fp, "  [");
	if (h->loss_by_echo && summary)
		fprintf(fp, "echo");
	else if (h->loss_by_echo)
		fprintf(fp, "echo %d/%d", h->echo_received, h->echo_sent);
	if (h->rl_rate > 0)
		fprintf(fp, "%slimited %.1f/s burst %d", h->loss_by_echo ? "; " : "",
		    h->rl_rate, h->rl_burst);
	fprintf(fp, "]");
}

static void
print_responder(FILE *fp, const struct trace_probe *p,
    const struct trace_text_opts *o)
{

	if (p->addr[0] == '\0')	/* unknown, or hidden by redaction: its name */
		fprintf(fp, " %s", p->name ? p->name : "?");
	else if (o->numeric)
		fprintf(fp, " %s", p->addr);
	else
		fprintf(fp, " %s (%s)", p->name ? p->name : p->addr, p->addr);
	if (o->show_asn && p->asn != 0)
		fprintf(fp, " [AS%u]", p->asn);
	if (o->show_mpls && trace_probe_more(p)->nmpls > 0)
		print_mpls(fp, p);
}

int
trace_text_print(FILE *fp, const struct trace *t, const struct trace_text_opts *o)
{
	const struct trace_hop *h;
	const struct trace_probe *p, *last;
	int	 i, j, unans;

	if (o->header) {
		const char *name = t->dst_name ? t->dst_name : t->dst;

		fprintf(fp, "traceroute to %s (%s), %d hops max", name,
		    t->dst[0] ? t->dst : name, t->max_ttl);
		if (t->packet_size > 0)
			fprintf(fp, ", %d byte packets", t->packet_size);
		fprintf(fp, "\n");
	}
	for (i = 0; i < t->nhops; i++) {
		h = &t->hops[i];
		fprintf(fp, "%2d ", h->ttl);
		last = NULL;
		unans = 0;
		for (j = 0; j < h->nprobes; j++) {
			p = &h->probes[j];
			if (!p->replied) {
				fprintf(fp, " *");
				unans++;
				continue;
			}
			if (last == NULL || strcmp(last->addr, p->addr) != 0)
				print_responder(fp, p, o);
			else if (o->show_mpls && trace_probe_more(p)->nmpls > 0 && !same_mpls(last, p))
				print_mpls(fp, p);
			last = p;
			fprintf(fp, "  %.3f ms", p->rtt_ms);
			if (trace_probe_more(p)->annot[0] != '\0')
				fprintf(fp, " %s", trace_probe_more(p)->annot);
			if (o->show_diff && trace_probe_more(p)->quoted_diff != NULL)
				fprintf(fp, " <diff: %s>", trace_probe_more(p)->quoted_diff);
		}
		if (o->unanswered && unans > 0)
			fprintf(fp, "  (%d unanswered)", unans);
		loss_note(fp, h, 0);
		fprintf(fp, "\n");
	}
	fflush(fp);
	return ferror(fp) ? -1 : 0;
}

/* The name shown for a hop in the summary: main responder, with its AS. */
static void
summary_label(const struct trace_hop *h, const struct trace_text_opts *o,
    char *label, size_t len)
{
	struct trace_responder r[1];
	const struct trace_probe *mp;
	char	 tmp[96];	/* fits label[112] with an "AS4294967295 " prefix */

	if (trace_hop_responders(h, r, 1) == 0)
		snprintf(tmp, sizeof(tmp), "???");
	else if ((o->numeric && r[0].addr[0] != '\0') || r[0].name == NULL)
		snprintf(tmp, sizeof(tmp), "%s", r[0].addr[0] ? r[0].addr : "?");
	else
		snprintf(tmp, sizeof(tmp), "%.90s", r[0].name);
	if (o->show_asn && strcmp(tmp, "???") != 0) {
		mp = trace_hop_main_probe(h);
		if (mp != NULL && mp->asn != 0)
			snprintf(label, len, "AS%-7u %s", mp->asn, tmp);
		else
			snprintf(label, len, "AS???     %s", tmp);
	} else
		snprintf(label, len, "%s", tmp);
}

int
trace_text_summary(FILE *fp, const struct trace *t, const struct trace_text_opts *o)
{
	struct trace_hop_stats s;
	struct trace_responder r[32];
	const struct trace_hop *h;
	const struct trace_probe *lastp;
	char	 ts[40], label[112];
	int	 i, j, n, width = 32;

	/* One column for the names, as wide as the longest (mtr does too). */
	for (i = 0; i < t->nhops; i++) {
		summary_label(&t->hops[i], o, label, sizeof(label));
		if ((int)strlen(label) > width)
			width = (int)strlen(label);
	}
	if (o->header) {
		trace_format_time(t->start, ts, sizeof(ts));
		fprintf(fp, "Start: %s\n", t->start > 0 ? ts : "unknown");
		snprintf(label, sizeof(label), "HOST: %.80s", t->agent ? t->agent :
		    (t->src[0] ? t->src : "localhost"));
		fprintf(fp, "%-*s %6s %5s %7s %7s %7s %7s %7s\n", width + 8, label,
		    "Loss%", "Snt", "Last", "Avg", "Best", "Wrst", "StDev");
	}
	for (i = 0; i < t->nhops; i++) {
		h = &t->hops[i];
		trace_hop_stats(h, &s);
		n = trace_hop_responders(h, r, 32);
		lastp = NULL;
		for (j = h->nprobes - 1; j >= 0; j--)
			if (h->probes[j].replied) {
				lastp = &h->probes[j];
				break;
			}
		summary_label(h, o, label, sizeof(label));
		fprintf(fp, "%3d.|-- %-*s %5.1f%% %5d %7.1f %7.1f %7.1f %7.1f %7.1f",
		    h->ttl, width, label, s.loss_pct, s.sent,
		    lastp ? lastp->rtt_ms : 0.0, s.avg_ms, s.min_ms, s.max_ms,
		    s.stddev_ms);
		loss_note(fp, h, 1);
		fprintf(fp, "\n");

		for (j = 1; j < n; j++)
			fprintf(fp, "    |-- %s\n", (o->numeric || r[j].name == NULL) ?
			    r[j].addr : r[j].name);
	}
	fflush(fp);
	return ferror(fp) ? -1 : 0;
}
