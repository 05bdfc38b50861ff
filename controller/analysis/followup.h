/*
 * followup.h: the automatic follow-up round of an inconclusive pair: which
 * hops to probe again and how many probes fit the budget, the merge of
 * both rounds' probes, and what the report says of it (pure, no I/O).
 *
 * The controller runs a pair; when the first round's analysis is
 * inconclusive it asks followup_plan() what a second round should probe
 * (the deciding hops of each direction, analysis.h decide_lo/decide_hi,
 * with the probes per hop the verdict asked for, capped by the time left),
 * runs it, merges each direction's two rounds with followup_merge() and
 * analyses the merged traces.  The record of the round (struct
 * followup_info) goes into the stored analysis ("follow_up") and the text
 * report; followup_jobs() reads its job ids back from the stored JSON.
 */
#ifndef TRACEPAIR_FOLLOWUP_H
#define TRACEPAIR_FOLLOWUP_H

#include <stddef.h>

#include "analysis.h"
#include "trace.h"

/* Default budget of a pair and its follow-up round together, seconds. */
#define FOLLOWUP_BUDGET_S	60
/*
 * A follow-up sends this many times the probes per hop the first round
 * asked for.  That count (ln 19 over the evidence one probe per deciding
 * hop is expected to add, analysis.h) makes the evidence expected reach
 * 19:1, but for a small difference the evidence of a probe has a variance
 * about twice its mean, so its spread there is about as large as its mean.
 * Six times the count puts the mean three spreads clear of zero.  tp-ansim
 * on the retloss lab (1000 pairs, 10 probes per hop first): after a
 * follow-up of the count itself the verdict was wrong in 11 % of pairs,
 * after six times it in 1.3 % (docs/analysis.md, docs/testing.md).
 */
#define FOLLOWUP_FACTOR		6
/* Fewest probes per hop a follow-up sends (a loss measurement's floor). */
#define FOLLOWUP_MIN_QUERIES	10
/* Seconds kept back for the start instant and the results' trip home. */
#define FOLLOWUP_MARGIN_S	1.0
#define FOLLOWUP_JOB_LEN	48
#define FOLLOWUP_WHY_LEN	320

/* What a follow-up round should probe (followup_plan). */
struct followup_plan {
	int		 ttl_lo[2], ttl_hi[2];	/* per direction (analysis_dir):
					   the hops to probe again, 0 none */
	int		 queries;	/* probes per hop */
	int		 cap;		/* the most the time left allows */
};

/* What a follow-up round did, for the stored analysis and the report. */
struct followup_info {
	int		 ran;		/* 1: a second round's probes were merged */
	int		 ttl_lo[2], ttl_hi[2];	/* its hops per direction, 0 none */
	int		 queries;	/* probes per hop it sent */
	int		 needed;	/* probes per hop the first round asked for */
	int		 cap;		/* what the time left allowed */
	double		 budget_s;	/* the pair's budget, both rounds */
	char		 job[2][FOLLOWUP_JOB_LEN];	/* its jobs ("" none) */
	int		 merged[2];	/* hops merged per direction */
	int		 changed[2];	/* hops not merged: another responder */
	char		 first_verdict[ANALYSIS_WHY_LEN];	/* the first round alone */
	char		 why[FOLLOWUP_WHY_LEN];	/* why none ran, or what of it
					   failed ("" nothing to say) */
};

/*
 * Plan the follow-up of analysis a (inconclusive), whose round sent q1
 * probes per hop, with left_s seconds left of the budget, interval_s the
 * time one probe a hop takes (probe_opts_round_s: a loss measurement's
 * interval, a --quick run's pacing) and wait_s for the last replies.
 * 1 with *p filled; 0 with a
 * one-line reason in why when no follow-up can help or fit.
 *
 * Probes per hop: FOLLOWUP_FACTOR x a->probes_needed (at least
 * FOLLOWUP_MIN_QUERIES), capped at
 * floor((left_s - wait_s - FOLLOWUP_MARGIN_S) / interval_s) and at
 * TRACE_MAX_QUERIES - q1 (a merged hop's most); a cap below
 * FOLLOWUP_MIN_QUERIES means the budget is spent.
 */
int		 followup_plan(const struct analysis *a, int q1, double left_s,
		    double interval_s, double wait_s, struct followup_plan *p,
		    char *why, size_t whylen);

/*
 * first with the probes of more (a second round over some of its hops)
 * added hop by hop: a hop of more is merged into the hop of first with
 * the same ttl when the two have the same main responder, or when the
 * hop of more got no reply at all (its probes are losses at that ttl);
 * otherwise (another responder: the path changed) it is left out and
 * counted in *changed.  Echo counts add up; a hop whose loss either round
 * measured by echo keeps loss_by_echo.  Hops of more with no hop of first
 * are left out too.  A new trace (trace_free), NULL when memory runs out;
 * more NULL gives a copy of first.  *merged, *changed may be NULL.
 */
struct trace	*followup_merge(const struct trace *first,
		    const struct trace *more, int *merged, int *changed);

/* The record as the "follow_up" object of docs/analysis.md (jansson). */
struct json_t;
struct json_t	*followup_to_jobj(const struct followup_info *);
/*
 * The record in words (one paragraph, ends with a newline) into buf;
 * returns buf.
 */
const char	*followup_text(const struct followup_info *, char *buf,
		    size_t len);
/*
 * The text report rep with the follow-up paragraph after its verdict line:
 * a new string (free), NULL when out of memory.
 */
char		*followup_report(const char *rep, const struct followup_info *);
/*
 * The follow-up jobs named by a stored analysis's "follow_up" (when a
 * round ran): 1 with jobs[d] filled ("" for a direction without one), 0
 * when there is none, -1 when json does not parse.
 */
int		 followup_jobs(const char *json, char jobs[2][FOLLOWUP_JOB_LEN]);

#endif
