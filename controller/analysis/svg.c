/* svg.c: a pair's two paths drawn as SVG (report_rows' layout), and a loss/RTT chart over runs (pure, no I/O). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg.h"

#define SVG_ROW_H	48	/* px per row of hops */
#define SVG_TOP		118	/* y of the A box */
#define SVG_FWD_X	330	/* x of the forward column's nodes */
#define SVG_REV_X	430	/* x of the reverse column's nodes */
#define SVG_LABEL_MAX	40	/* characters of a hop's label drawn (all in its title) */
#define SVG_BAR_W	60	/* px of a full loss or RTT bar */
#define SVG_MAX_ROWS	600	/* rows drawn at most (two 255-hop traces fit) */

/* Colours: one place, so that the legend and the drawing agree. */
#define C_FWD		"#1f5fa8"
#define C_REV		"#2e7d32"
#define C_LOSS		"#c62828"
#define C_RTT		"#6a6a6a"
#define C_SUSPECT	"#ff8f00"
#define C_AS		"#7b1fa2"

/* One drawn node of one column. */
struct node {
	const struct trace_hop *h;	/* its hop (NULL: none on this row) */
	int		 row;		/* row index, 0 the first hop row */
	int		 silent;	/* no reply at all */
	int		 onset;		/* the loss onset of its direction */
	double		 loss, rtt;	/* loss % and average RTT */
	const struct trace_probe *p;	/* main responder, NULL when silent */
};

/* The layout: both columns' nodes, row by row. */
struct layout {
	const struct trace	*t[2];	/* forward and reverse trace */
	const struct analysis	*a;	/* their analysis */
	struct node		 n[2][SVG_MAX_ROWS];	/* by dir, by row */
	int			 nrows;	/* rows used */
	double			 rtt_max;	/* scale of the RTT bars */
};

/* svg_escape, keeping line ends when nl. */
static void
escape(FILE *fp, const char *s, size_t max, int nl)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (max > 0 && i >= max) {
			fputs("...", fp);
			return;
		}
		switch (c) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			fputc((c < 0x20 && !(nl && c == '\n')) || c >= 0x7f ?
			    '?' : c, fp);
		}
	}
}

void
svg_escape(FILE *fp, const char *s, size_t max)
{
	escape(fp, s, max, 0);
}

void
svg_escape_text(FILE *fp, const char *s)
{
	escape(fp, s, 0, 1);
}

/* report_rows_cb: one row of the layout. */
static int
lay_row(const struct trace_hop *fh, const struct trace_hop *rh, void *arg)
{
	struct layout		*L = arg;
	const struct trace_hop	*h[2] = { fh, rh };
	struct trace_hop_stats	 s;
	int			 d;

	if (L->nrows >= SVG_MAX_ROWS)
		return -1;
	for (d = 0; d < 2; d++) {
		struct node *n = &L->n[d][L->nrows];

		memset(n, 0, sizeof(*n));
		n->row = L->nrows;
		if ((n->h = h[d]) == NULL)
			continue;
		trace_hop_stats(h[d], &s);
		n->silent = s.received == 0;
		n->loss = s.loss_pct;
		n->rtt = s.avg_ms;
		n->p = trace_hop_main_probe(h[d]);
		n->onset = L->a->loss[d].persistent &&
		    L->a->loss[d].onset.ttl == h[d]->ttl;
		if (n->rtt > L->rtt_max)
			L->rtt_max = n->rtt;
	}
	L->nrows++;
	return 0;
}

static int
row_y(int row)
{
	return SVG_TOP + 44 + row * SVG_ROW_H;
}

/* The row where a node of column d has addr, or -1. */
static int
find_row(const struct layout *L, int d, const char *addr)
{
	int	 r;

	if (addr == NULL || addr[0] == '\0')
		return -1;
	for (r = 0; r < L->nrows; r++)
		if (L->n[d][r].p != NULL && strcmp(L->n[d][r].p->addr, addr) == 0)
			return r;
	return -1;
}

/* The row of a suspect's hop: where either column saw its address. */
static int
hop_row(const struct layout *L, const struct analysis_hop *h)
{
	int	 r;

	if ((r = find_row(L, 0, h->addr)) == -1)
		r = find_row(L, 1, h->addr);
	return r;
}

/* "name (addr)" or "addr" or "*" of a node. */
static void
node_label(FILE *fp, const struct node *n, size_t max)
{
	if (n->p == NULL) {
		fputs("*", fp);
		return;
	}
	if (n->p->name != NULL && n->p->name[0] != '\0')
		svg_escape(fp, n->p->name, max);
	else
		svg_escape(fp, n->p->addr[0] ? n->p->addr : "?", max);
}

/* The second line of a node: its address (when a name came first) and AS, loss and RTT. */
static void
node_detail(FILE *fp, const struct node *n)
{
	if (n->p == NULL) {
		fprintf(fp, "no reply to %d probes", n->h->nprobes);
		return;
	}
	if (n->p->name != NULL && n->p->name[0] != '\0' && n->p->addr[0] != '\0') {
		svg_escape(fp, n->p->addr, 0);
		fputc(' ', fp);
	}
	if (n->p->asn != 0)
		fprintf(fp, "AS%u ", n->p->asn);
	fprintf(fp, "%.0f%% loss, %.1f ms", n->loss, n->rtt);
}

/*
 * The edge of column d between rows r0 and r1 (r1 > r0; -1 = the A box,
 * nrows = B).  dashed next to a silent hop; lost: the trace never got
 * there (a grey dashed stub, no arrow, "not reached").
 */
static void
edge(FILE *fp, const struct layout *L, int d, int r0, int r1, int dashed,
    int lost)
{
	int	 x = d == 0 ? SVG_FWD_X : SVG_REV_X;
	int	 y0 = r0 < 0 ? SVG_TOP + 16 : row_y(r0) + 9;
	int	 y1 = r1 >= L->nrows ? row_y(L->nrows) - 16 : row_y(r1) - 9;

	if (lost) {
		fprintf(fp, "<g class=\"notreached\"><title>%s trace did not "
		    "reach %s</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		    "y2=\"%d\" stroke=\"#bbbbbb\" stroke-width=\"2\" "
		    "stroke-dasharray=\"2,6\"/><text x=\"%d\" y=\"%d\" "
		    "font-size=\"9\" fill=\"" C_LOSS "\" text-anchor=\"%s\">"
		    "\xe2\x9c\x95 does not reach %s</text></g>\n",
		    d == 0 ? "the forward" : "the reverse", d == 0 ? "B" : "A",
		    x, y0, x, y1, d == 0 ? x - 8 : x + 8, (y0 + y1) / 2,
		    d == 0 ? "end" : "start", d == 0 ? "B" : "A");
		return;
	}
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
	    "stroke-width=\"2\"%s marker-end=\"url(#arr%d)\"/>\n", x,
	    d == 0 ? y0 : y1, x, d == 0 ? y1 : y0, d == 0 ? C_FWD : C_REV,
	    dashed ? " stroke-dasharray=\"5,4\"" : "", d);
}

/* One hop: node, label, bars, onset ring. */
static void
draw_node(FILE *fp, const struct layout *L, int d, const struct node *n)
{
	int	 x = d == 0 ? SVG_FWD_X : SVG_REV_X, y = row_y(n->row);
	int	 tx = d == 0 ? x - 20 : x + 20;
	const char *anchor = d == 0 ? "end" : "start";
	double	 lw = n->loss / 100.0 * SVG_BAR_W;
	double	 rw = L->rtt_max > 0 ? n->rtt / L->rtt_max * SVG_BAR_W : 0;
	int	 bx = d == 0 ? tx - 2 * SVG_BAR_W - 10 : tx;

	fprintf(fp, "<g class=\"hop %s%s%s\">\n<title>%s hop %d: ",
	    d == 0 ? "fwd" : "rev", n->silent ? " silent" : "",
	    n->onset ? " onset" : "", analysis_dir_name(d), n->h->ttl);
	node_label(fp, n, 0);
	fputs(" \xe2\x80\x94 ", fp);
	node_detail(fp, n);
	fputs("</title>\n", fp);
	fprintf(fp, "<circle cx=\"%d\" cy=\"%d\" r=\"8\" fill=\"%s\" stroke=\"%s\" "
	    "stroke-width=\"2\"%s/>\n", x, y, n->silent ? "#ffffff" : d == 0 ?
	    C_FWD : C_REV, d == 0 ? C_FWD : C_REV,
	    n->silent ? " stroke-dasharray=\"3,3\"" : "");
	if (n->onset)
		fprintf(fp, "<circle cx=\"%d\" cy=\"%d\" r=\"13\" fill=\"none\" "
		    "stroke=\"%s\" stroke-width=\"3\"/>\n", x, y, C_LOSS);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
	    "font-size=\"9\" fill=\"%s\">%d</text>\n", x, y + 3,
	    n->silent ? "#333333" : "#ffffff", n->h->ttl);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"11\"%s>",
	    tx, y - 6, anchor, n->silent ? " fill=\"#777777\"" : "");
	node_label(fp, n, SVG_LABEL_MAX);
	fputs("</text>\n", fp);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"9\" "
	    "fill=\"#555555\">", tx, y + 6, anchor);
	node_detail(fp, n);
	fputs("</text>\n", fp);
	if (!n->silent || n->h->nprobes > 0) {
		/* loss bar (outer) and RTT bar (inner), each on a grey track */
		fprintf(fp, "<rect class=\"track\" x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"5\" fill=\"#eeeeee\"/>\n", bx, y + 11, SVG_BAR_W);
		fprintf(fp, "<rect class=\"lossbar\" x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"5\" fill=\"%s\"><title>loss %.0f%% "
		    "of %d probes</title></rect>\n", d == 0 ? bx + SVG_BAR_W - lw :
		    (double)bx, y + 11, lw, C_LOSS, n->loss, n->h->nprobes);
		fprintf(fp, "<rect class=\"track\" x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"5\" fill=\"#eeeeee\"/>\n", bx + SVG_BAR_W + 10,
		    y + 11, SVG_BAR_W);
		fprintf(fp, "<rect class=\"rttbar\" x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"5\" fill=\"%s\"><title>average RTT "
		    "%.1f ms</title></rect>\n", d == 0 ? bx + 2 * SVG_BAR_W + 10 -
		    rw : (double)(bx + SVG_BAR_W + 10), y + 11, rw, C_RTT, n->rtt);
	}
	fputs("</g>\n", fp);
}

/* The A and B boxes across both columns. */
static void
site_box(FILE *fp, int y, const char *label, const char *name,
    const char *addr)
{
	fprintf(fp, "<g class=\"site\">\n<title>site %s: ", label);
	svg_escape(fp, name ? name : "?", 0);
	fprintf(fp, " (");
	svg_escape(fp, addr && addr[0] ? addr : "address unknown", 0);
	fprintf(fp, ")</title>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"32\" "
	    "rx=\"6\" fill=\"#f5f5f5\" stroke=\"#333333\"/>\n",
	    SVG_FWD_X - 100, y - 16, SVG_REV_X - SVG_FWD_X + 200);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
	    "font-size=\"12\" font-weight=\"bold\">%s: ", (SVG_FWD_X + SVG_REV_X) / 2,
	    y + 4, label);
	svg_escape(fp, name ? name : "?", 30);
	if (addr && addr[0]) {
		fputs(" (", fp);
		svg_escape(fp, addr, 0);
		fputs(")", fp);
	}
	fputs("</text>\n</g>\n", fp);
}

/* The column's edges from A to B, dashed next to silent hops. */
static void
column(FILE *fp, const struct layout *L, int d)
{
	int	 prev = -1, prev_silent = 0, r;

	for (r = 0; r < L->nrows; r++) {
		const struct node *n = &L->n[d][r];

		if (n->h == NULL)
			continue;
		/* the reverse trace starts at B: its far end (A) is row -1 */
		edge(fp, L, d, prev, r, prev_silent || n->silent,
		    d == 1 && prev == -1 && !L->t[1]->reached);
		prev = r;
		prev_silent = n->silent;
	}
	edge(fp, L, d, prev, L->nrows, prev_silent, d == 0 && !L->t[0]->reached);
}

/* AS boundaries: a tick between two answering hops of different ASes. */
static void
as_ticks(FILE *fp, const struct layout *L, int d)
{
	const struct node *last = NULL;
	int	 r, x = d == 0 ? SVG_FWD_X : SVG_REV_X, y;

	for (r = 0; r < L->nrows; r++) {
		const struct node *n = &L->n[d][r];

		if (n->p == NULL || n->p->asn == 0)
			continue;
		if (last != NULL && last->p->asn != n->p->asn) {
			y = (row_y(last->row) + row_y(n->row)) / 2;
			fprintf(fp, "<g class=\"asb\">\n<title>AS boundary (%s): "
			    "AS%u to AS%u</title>\n<line x1=\"%d\" y1=\"%d\" "
			    "x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n"
			    "<text x=\"%d\" y=\"%d\" font-size=\"8\" fill=\"%s\" "
			    "text-anchor=\"%s\">AS%u|AS%u</text>\n</g>\n",
			    analysis_dir_name(d), d == 0 ? last->p->asn :
			    n->p->asn, d == 0 ? n->p->asn : last->p->asn,
			    x - 14, y, x + 14, y, C_AS, d == 0 ? x - 16 : x + 16,
			    y + 3, C_AS, d == 0 ? "end" : "start", last->p->asn,
			    n->p->asn);
		}
		last = n;
	}
}

/* Which direction shows a suspect, for people. */
static const char *
suspect_dirs(const struct analysis_suspect *s)
{
	if (s->seen_fwd && s->seen_rev)
		return "seen in both directions";
	if (s->seen_fwd)
		return "seen going A->B";
	if (s->seen_rev)
		return "seen going B->A";
	return "direction not known";
}

/* The first suspect: a band over the rows of its link, or a ring round its router. */
static void
suspect(FILE *fp, const struct layout *L)
{
	const struct analysis_suspect *s;
	char	 lbl[ANALYSIS_WHY_LEN / 2];
	int	 ra, rb, t, y0, y1;

	if (L->a->nsuspects == 0)
		return;
	s = &L->a->suspects[0];
	ra = hop_row(L, &s->a);
	rb = hop_row(L, &s->b);
	if (s->kind == ANALYSIS_SUSPECT_ROUTER)
		rb = ra >= 0 ? ra : rb;
	if (ra < 0)
		ra = rb;
	if (rb < 0 || ra < 0)
		return;
	if (ra > rb) {
		t = ra;
		ra = rb;
		rb = t;
	}
	y0 = row_y(ra) - 14;
	y1 = row_y(rb) + 14;
	fprintf(fp, "<g class=\"suspect %s\" id=\"suspect\">\n<title>suspect %s ",
	    analysis_suspect_kind_name(s->kind),
	    analysis_suspect_kind_name(s->kind));
	if (s->kind == ANALYSIS_SUSPECT_ROUTER)
		svg_escape(fp, analysis_router_label(s, lbl, sizeof(lbl)), 0);
	else {
		svg_escape(fp, analysis_hop_label(&s->a), 0);
		fputs(" - ", fp);
		svg_escape(fp, analysis_hop_label(&s->b), 0);
	}
	fprintf(fp, ", %s, confidence %.2f: ", suspect_dirs(s), s->confidence);
	svg_escape(fp, s->why, 0);
	fprintf(fp, "</title>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "rx=\"10\" fill=\"%s\" fill-opacity=\"0.22\" stroke=\"%s\" "
	    "stroke-width=\"2\"/>\n", SVG_FWD_X - 18, y0,
	    SVG_REV_X - SVG_FWD_X + 36, y1 - y0, C_SUSPECT, C_SUSPECT);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
	    "font-size=\"9\" font-weight=\"bold\" fill=\"#8a4b00\">suspect %s</text>\n"
	    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"8\" "
	    "fill=\"#8a4b00\">%s</text>\n</g>\n", (SVG_FWD_X + SVG_REV_X) / 2,
	    (y0 + y1) / 2 - 1, analysis_suspect_kind_name(s->kind),
	    (SVG_FWD_X + SVG_REV_X) / 2, (y0 + y1) / 2 + 9, suspect_dirs(s));
}

/* Dotted rungs between the two views of a router both directions saw. */
static void
rungs(FILE *fp, const struct layout *L)
{
	int	 r;

	for (r = 0; r < L->nrows; r++)
		if (L->n[0][r].h != NULL && L->n[1][r].h != NULL &&
		    !L->n[0][r].silent && !L->n[1][r].silent)
			fprintf(fp, "<line class=\"same\" x1=\"%d\" y1=\"%d\" "
			    "x2=\"%d\" y2=\"%d\" stroke=\"#999999\" "
			    "stroke-dasharray=\"1,3\"/>\n", SVG_FWD_X + 9,
			    row_y(r), SVG_REV_X - 9, row_y(r));
}

/* One legend entry: a swatch drawn by the caller's markup, then text. */
static void
legend(FILE *fp, int y)
{
	fprintf(fp, "<g class=\"legend\" font-size=\"10\">\n<title>legend</title>\n"
	    "<circle cx=\"30\" cy=\"%d\" r=\"6\" fill=\"" C_FWD "\"/>"
	    "<text x=\"42\" y=\"%d\">forward A-&gt;B (read down)</text>\n"
	    "<circle cx=\"210\" cy=\"%d\" r=\"6\" fill=\"" C_REV "\"/>"
	    "<text x=\"222\" y=\"%d\">reverse B-&gt;A (read up)</text>\n"
	    "<circle cx=\"390\" cy=\"%d\" r=\"6\" fill=\"#ffffff\" stroke=\"#333333\" "
	    "stroke-dasharray=\"3,3\"/><text x=\"402\" y=\"%d\">silent hop</text>\n"
	    "<line x1=\"490\" y1=\"%d\" x2=\"520\" y2=\"%d\" stroke=\"#999999\" "
	    "stroke-dasharray=\"1,3\"/><text x=\"526\" y=\"%d\">same router both "
	    "ways</text>\n",
	    y, y + 4, y, y + 4, y, y + 4, y, y, y + 4);
	y += 20;
	fprintf(fp, "<circle cx=\"30\" cy=\"%d\" r=\"8\" fill=\"none\" stroke=\""
	    C_LOSS "\" stroke-width=\"3\"/><text x=\"42\" y=\"%d\">loss onset "
	    "(loss from here on)</text>\n"
	    "<rect x=\"210\" y=\"%d\" width=\"24\" height=\"12\" fill=\"" C_SUSPECT
	    "\" fill-opacity=\"0.22\" stroke=\"" C_SUSPECT "\"/><text x=\"240\" "
	    "y=\"%d\">suspect link / router</text>\n"
	    "<line x1=\"390\" y1=\"%d\" x2=\"410\" y2=\"%d\" stroke=\"" C_AS
	    "\" stroke-width=\"2\"/><text x=\"416\" y=\"%d\">AS boundary</text>\n"
	    "<rect x=\"500\" y=\"%d\" width=\"20\" height=\"5\" fill=\"" C_LOSS
	    "\"/><text x=\"524\" y=\"%d\">loss %%</text>\n"
	    "<rect x=\"580\" y=\"%d\" width=\"20\" height=\"5\" fill=\"" C_RTT
	    "\"/><text x=\"604\" y=\"%d\">avg RTT</text>\n</g>\n",
	    y, y + 4, y - 6, y + 4, y, y, y + 4, y - 2, y + 4, y - 2, y + 4);
}

/* SVG header with arrow markers; h the height. */
static void
svg_head(FILE *fp, int h, const char *what, const struct svg_opts *o)
{
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "font-family=\"sans-serif\" role=\"img\">\n<title>", what,
	    SVG_WIDTH, h, SVG_WIDTH, h);
	if (o->title != NULL) {
		svg_escape(fp, o->title, 0);
		fputs(": ", fp);
	}
	fputs(strcmp(what, "paths") == 0 ? "forward and reverse paths" :
	    "loss and RTT over runs", fp);
	fputs("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", fp);
}

char *
svg_pair(const struct trace *fwd, const struct trace *rev,
    const struct analysis *a, const struct svg_opts *opts)
{
	struct svg_opts	 none = { NULL, NULL, NULL };
	struct layout	*L;
	FILE		*fp;
	char		*buf = NULL;
	size_t		 len = 0;
	int		 d, r, h, rc = 0;

	if (opts == NULL)
		opts = &none;
	if ((L = calloc(1, sizeof(*L))) == NULL)
		return NULL;
	L->t[0] = fwd;
	L->t[1] = rev;
	L->a = a;
	if (report_rows(fwd, rev, a, lay_row, L) == -1 ||
	    (fp = open_memstream(&buf, &len)) == NULL) {
		free(L);
		return NULL;
	}
	h = row_y(L->nrows) + 80;
	svg_head(fp, h, "paths", opts);
	for (d = 0; d < 2; d++)
		fprintf(fp, "<defs><marker id=\"arr%d\" viewBox=\"0 0 10 10\" "
		    "refX=\"9\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" "
		    "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/>"
		    "</marker></defs>\n", d, d == 0 ? C_FWD : C_REV);
	if (opts->title != NULL) {
		fputs("<text x=\"20\" y=\"24\" font-size=\"15\" "
		    "font-weight=\"bold\">", fp);
		svg_escape(fp, opts->title, 90);
		fputs("</text>\n", fp);
	}
	fputs("<text class=\"verdict\" x=\"20\" y=\"46\" font-size=\"11\">", fp);
	svg_escape(fp, a->verdict, 120);
	fputs("<title>", fp);
	svg_escape(fp, a->verdict, 0);
	fputs("</title></text>\n", fp);
	fprintf(fp, "<text x=\"%d\" y=\"80\" text-anchor=\"end\" font-size=\"12\" "
	    "font-weight=\"bold\" fill=\"" C_FWD "\">forward A-&gt;B \xe2\x86\x93"
	    "</text>\n<text x=\"%d\" y=\"80\" font-size=\"12\" font-weight=\"bold\" "
	    "fill=\"" C_REV "\">\xe2\x86\x91 reverse B-&gt;A</text>\n",
	    SVG_FWD_X + 10, SVG_REV_X - 10);
	site_box(fp, SVG_TOP, "A", opts->a, fwd->src[0] ? fwd->src : rev->dst);
	site_box(fp, row_y(L->nrows), "B", opts->b,
	    rev->src[0] ? rev->src : fwd->dst);
	suspect(fp, L);
	rungs(fp, L);
	for (d = 0; d < 2; d++) {
		fprintf(fp, "<g class=\"path %s\">\n<title>%s path, %d hops%s</title>\n",
		    d == 0 ? "fwd" : "rev", d == 0 ? "forward A->B" :
		    "reverse B->A", L->t[d]->nhops, L->t[d]->reached ?
		    ", reached its destination" : ", did not reach its destination");
		column(fp, L, d);
		for (r = 0; r < L->nrows; r++)
			if (L->n[d][r].h != NULL)
				draw_node(fp, L, d, &L->n[d][r]);
		as_ticks(fp, L, d);
		fputs("</g>\n", fp);
	}
	legend(fp, row_y(L->nrows) + 40);
	fputs("</svg>\n", fp);
	if (ferror(fp))
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	free(L);
	if (rc == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- the chart over runs */

#define CH_X0	70	/* left edge of the plot */
#define CH_X1	(SVG_WIDTH - 60)	/* right edge */
#define CH_H	120	/* plot height */

/* One direction's chart, its plot's top at y. */
static void
chart(FILE *fp, const struct svg_run *runs, int n, int d, int y)
{
	double	 t0 = runs[0].start, t1 = runs[n - 1].start, rmax = 0, x, bw;
	char	 when[40];
	int	 i, first = 1;

	for (i = 0; i < n; i++)
		if (runs[i].have[d] && runs[i].rtt_ms[d] > rmax)
			rmax = runs[i].rtt_ms[d];
	rmax = rmax <= 0 ? 1 : ceil(rmax * 1.1);
	bw = n > 1 ? (CH_X1 - CH_X0) / (double)n * 0.6 : 24;
	if (bw > 24)
		bw = 24;
	if (bw < 2)
		bw = 2;
	fprintf(fp, "<g class=\"chart %s\">\n<title>%s: loss and RTT at the last "
	    "hop, %d run(s)</title>\n", d == 0 ? "fwd" : "rev",
	    d == 0 ? "forward A->B" : "reverse B->A", n);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"12\" font-weight=\"bold\" "
	    "fill=\"%s\">%s</text>\n", CH_X0, y - 8, d == 0 ? C_FWD : C_REV,
	    d == 0 ? "forward A-&gt;B" : "reverse B-&gt;A");
	fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "fill=\"none\" stroke=\"#999999\"/>\n", CH_X0, y, CH_X1 - CH_X0, CH_H);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"end\" "
	    "fill=\"" C_LOSS "\">100%%</text><text x=\"%d\" y=\"%d\" "
	    "font-size=\"9\" text-anchor=\"end\" fill=\"" C_LOSS "\">0%% loss</text>\n",
	    CH_X0 - 4, y + 8, CH_X0 - 4, y + CH_H);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"" C_RTT "\">"
	    "%.0f ms</text><text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"" C_RTT
	    "\">0 ms</text>\n", CH_X1 + 4, y + 8, rmax, CH_X1 + 4, y + CH_H);
	trace_format_time(t0, when, sizeof(when));
	fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"9\">%s</text>\n", CH_X0,
	    y + CH_H + 12, when);
	if (n > 1) {
		trace_format_time(t1, when, sizeof(when));
		fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"9\" "
		    "text-anchor=\"end\">%s</text>\n", CH_X1, y + CH_H + 12, when);
	}
	fprintf(fp, "<polyline class=\"rttline\" fill=\"none\" stroke=\"" C_RTT
	    "\" stroke-width=\"1.5\" points=\"");
	for (i = 0; i < n; i++) {
		if (!runs[i].have[d])
			continue;
		x = t1 > t0 ? CH_X0 + 15 + (runs[i].start - t0) / (t1 - t0) *
		    (CH_X1 - CH_X0 - 30) : (CH_X0 + CH_X1) / 2.0;
		fprintf(fp, "%s%.1f,%.1f", first ? "" : " ", x,
		    y + CH_H - runs[i].rtt_ms[d] / rmax * CH_H);
		first = 0;
	}
	fputs("\"/>\n", fp);
	for (i = 0; i < n; i++) {
		double lh;

		x = t1 > t0 ? CH_X0 + 15 + (runs[i].start - t0) / (t1 - t0) *
		    (CH_X1 - CH_X0 - 30) : (CH_X0 + CH_X1) / 2.0;
		trace_format_time(runs[i].start, when, sizeof(when));
		if (!runs[i].have[d]) {
			fprintf(fp, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" "
			    "text-anchor=\"middle\">?<title>%s: no trace</title>"
			    "</text>\n", x, y + CH_H - 4, when);
			continue;
		}
		lh = runs[i].loss_pct[d] / 100.0 * CH_H;
		fprintf(fp, "<rect class=\"lossbar\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"" C_LOSS "\" "
		    "fill-opacity=\"0.7\"><title>%s: %.0f%% loss, %.1f ms</title>"
		    "</rect>\n", x - bw / 2, y + CH_H - lh, bw, lh, when,
		    runs[i].loss_pct[d], runs[i].rtt_ms[d]);
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\""
		    C_RTT "\"><title>%s: %.1f ms</title></circle>\n", x,
		    y + CH_H - runs[i].rtt_ms[d] / rmax * CH_H, when,
		    runs[i].rtt_ms[d]);
	}
	fputs("</g>\n", fp);
}

char *
svg_runs(const struct svg_run *runs, int nruns, const struct svg_opts *opts)
{
	struct svg_opts	 none = { NULL, NULL, NULL };
	FILE		*fp;
	char		*buf = NULL;
	size_t		 len = 0;
	int		 rc = 0, d, h = 2 * (CH_H + 50) + 40;

	if (opts == NULL)
		opts = &none;
	if (nruns <= 0 || (fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	svg_head(fp, h, "runs", opts);
	for (d = 0; d < 2; d++)
		chart(fp, runs, nruns, d, 40 + d * (CH_H + 50));
	fputs("</svg>\n", fp);
	if (ferror(fp))
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	if (rc == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}
