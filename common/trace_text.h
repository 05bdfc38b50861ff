/* trace_text.h: a trace printed as classic traceroute lines or as an mtr-style summary. */
#ifndef TRACEPAIR_TRACE_TEXT_H
#define TRACEPAIR_TRACE_TEXT_H

#include <stdio.h>

#include "trace.h"

/* What the printers show besides hops and times. */
struct trace_text_opts {
	int	 numeric;	/* -n: addresses only, no names */
	int	 show_asn;	/* -A: "[AS64500]" after the responder */
	int	 show_mpls;	/* "<MPLS:L=..,E=..,S=..,T=..>" when a stack came back */
	int	 show_diff;	/* -D: "<diff: ...>" when the quoted header was altered */
	int	 unanswered;	/* -S: "(N unanswered)" at the end of each hop */
	int	 header;	/* print the "traceroute to ..." / "Start:" header */
};

/* Defaults: names, MPLS shown, header on, the rest off. */
void	trace_text_opts_init(struct trace_text_opts *);
/*
 * Classic Linux traceroute layout:
 *   traceroute to HOST (ADDR), 30 hops max, 60 byte packets
 *    1  name (addr)  1.234 ms  1.201 ms  *
 * Returns -1 on a write error.
 */
int	trace_text_print(FILE *, const struct trace *, const struct trace_text_opts *);
/*
 * mtr report / Wassenaar layout: per hop loss %, sent, last, avg, best,
 * worst, stddev; further ECMP responders on their own "|--" lines.
 */
int	trace_text_summary(FILE *, const struct trace *, const struct trace_text_opts *);

#endif
