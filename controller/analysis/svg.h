/* svg.h: a pair's two paths drawn as SVG, and a loss/RTT chart over several runs (pure, no I/O). */
#ifndef TRACEPAIR_SVG_H
#define TRACEPAIR_SVG_H

#include <stdio.h>

#include "analysis.h"
#include "trace.h"

#define SVG_WIDTH	760	/* px: fits A4 portrait (794 px at 96 dpi) with margins */

/* Names drawn on the picture; any may be NULL. */
struct svg_opts {
	const char	*a;		/* site A (the forward trace's source) */
	const char	*b;		/* site B */
	const char	*title;		/* heading, e.g. "pair p-1-3, 2026-12-04 10:00:00Z" */
};

/*
 * The two paths side by side: forward A->B downwards on the left,
 * reverse B->A upwards on the right, a router both directions saw on one
 * row (report_rows), a router seen one way only on a row of its own.
 * Silent hops are dashed, each hop has a loss bar and an RTT bar, the
 * loss onset of each direction and the first suspect link or router are
 * marked (with the direction that shows it), AS boundaries are ticked
 * and a legend closes it.  Every element carries a <title>; no fonts,
 * scripts or links outside the document.  A malloc'ed string (free() it),
 * NULL when out of memory.
 */
char	*svg_pair(const struct trace *fwd, const struct trace *rev,
	    const struct analysis *, const struct svg_opts *);

/* One run of a pair as the chart over runs needs it. */
struct svg_run {
	double		 start;		/* UNIX time of the run */
	int		 have[2];	/* that direction has a trace */
	double		 loss_pct[2];	/* loss at its last hop, per enum analysis_dir */
	double		 rtt_ms[2];	/* average RTT at its last hop, 0 none */
};

/*
 * Loss (bars) and RTT (a line) at the last hop of each run, one chart per
 * direction, runs by time.  NULL when out of memory.
 */
char	*svg_runs(const struct svg_run *, int nruns, const struct svg_opts *);

/*
 * Text from outside written for XML and HTML: & < > " ' escaped, control
 * characters and bytes outside ASCII as '?'; at most max bytes of s
 * (0: all), "..." after a cut.
 */
void	 svg_escape(FILE *, const char *s, size_t max);
/* The same for a text of several lines (an HTML <pre>): line ends kept. */
void	 svg_escape_text(FILE *, const char *s);

#endif
