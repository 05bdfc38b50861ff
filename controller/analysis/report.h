/* report.h: a pair's analysis for people (text) and for programs (JSON). */
#ifndef TRACEPAIR_REPORT_H
#define TRACEPAIR_REPORT_H

#include <stdio.h>

#include "analysis.h"
#include "trace.h"

/* How the text report looks; report_opts_init() sets the defaults. */
struct report_opts {
	int		 width;		/* columns of one side of the side-by-side view (38) */
	int		 show_artifacts;	/* list artifacts and reply-TTL notes (1) */
	const char	*fwd_label;	/* heading of the forward side ("forward A->B") */
	const char	*rev_label;	/* heading of the reverse side ("reverse B->A") */
};

void		 report_opts_init(struct report_opts *);
/*
 * The text report: verdict first, suspects with the evidence of each
 * direction, then both paths side by side (shared routers on one row,
 * one-direction-only routers and the loss onset marked).  opts may be
 * NULL.  Returns -1 when writing fails.
 */
int		 report_text(FILE *, const struct trace *fwd, const struct trace *rev,
		    const struct analysis *, const struct report_opts *);
/*
 * The rows of the side-by-side view, top to bottom: forward hops in
 * their order, reverse hops in reverse order, a router both directions
 * saw (a->shared) on one row, a hop seen one way only on a row of its
 * own.  cb gets each row's forward and reverse hop (either NULL for an
 * empty cell); a -1 from cb stops the walk and is returned.  Shared by
 * the text view and the SVG drawing (svg.c).
 */
typedef int	(*report_rows_cb)(const struct trace_hop *fwd,
		    const struct trace_hop *rev, void *arg);
int		 report_rows(const struct trace *fwd, const struct trace *rev,
		    const struct analysis *, report_rows_cb cb, void *arg);
/* The text report as a malloc'ed string (free() it); NULL when out of memory. */
char		*report_text_str(const struct trace *fwd, const struct trace *rev,
		    const struct analysis *, const struct report_opts *);
/*
 * The JSON document {"forward":..., "reverse":..., "analysis":...} of
 * docs/analysis.md, as a jansson object (NULL when out of memory) or as
 * a malloc'ed string (free() it).
 */
struct json_t;
struct json_t	*report_to_jobj(const struct trace *fwd, const struct trace *rev,
		    const struct analysis *);
char		*report_json(const struct trace *fwd, const struct trace *rev,
		    const struct analysis *, int pretty);
/*
 * The same document written to fp, then a newline, without ever holding
 * it whole: one hop's objects at a time (trace_json_dumpf).  The same
 * bytes as report_json(); -1 when writing fails or out of memory.
 */
int		 report_json_write(FILE *, const struct trace *fwd,
		    const struct trace *rev, const struct analysis *, int pretty);

/*
 * One trace alone (analysed against an empty reverse trace): a verdict for
 * that direction, what the other direction would add, its loss, delay and
 * stop, and its hops.  report_one_verdict() writes the verdict sentence;
 * the JSON is {"trace":..., "analysis": {"direction", "verdict", "loss",
 * "latency", "stop", "artifacts", "min_probes_per_hop",
 * "other_direction"}} (docs/analysis.md).
 */
void		 report_one_verdict(const struct analysis *, char *buf, size_t len);
int		 report_one_text(FILE *, const struct trace *,
		    const struct analysis *, const struct report_opts *);
struct json_t	*report_one_to_jobj(const struct trace *, const struct analysis *);
char		*report_one_json(const struct trace *, const struct analysis *,
		    int pretty);
/* The same written to fp, then a newline, as report_json_write(). */
int		 report_one_json_write(FILE *, const struct trace *,
		    const struct analysis *, int pretty);

#endif
