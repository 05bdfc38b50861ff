/* analysis_verdict.c: the verdict sentence of an analysis: the first suspect in words, inconclusive and not-firm verdicts with the probes per hop that would settle them, in the terms of the tool the traces came from. */
#include <stdio.h>
#include <string.h>

#include "analysis_priv.h"

/* room for the advice on getting more probes per hop (more_probes_words) */
#define AN_HOW_LEN	256
/*
 * The fewest probes per hop asked of mtr -i 1 (a->rerun_paced): a minute.
 * The count from traceroute's hops that its limits left is no guide to
 * mtr's, which counts every hop (17 from one run asked for too few in the
 * limited lab, bench/README.md), and none may come from them at all; mtr
 * -c 30 -i 1 decided that lab in 10 of 10 pairs.
 */
#define AN_PACED_PROBES	60
/*
 * The most runs of traceroute -q 10 the advice asks a user to paste one
 * after another; past that (more than 100 probes per hop, which the count
 * planned for one rerun often is from one run's 10) it asks for mtr -c N,
 * the tool made for many probes per hop, instead of "paste 52 runs".
 */
#define AN_TR_RUNS_MAX	10

/* ---- verdict ------------------------------------------------------- */

/* The name of site side (0 A, 1 B) for people: its agent, else its address. */
void
an_site_label(const struct an_state *st, int side, char *buf, size_t len)
{
	const struct trace *own = st->d[side].t, *other = st->d[!side].t;

	if (own->agent != NULL && own->agent[0] != '\0')
		an_bprintf(buf, len, "%s", own->agent);
	else if (other->dst_name != NULL && other->dst_name[0] != '\0')
		an_bprintf(buf, len, "%s", other->dst_name);
	else if (other->dst[0] != '\0')
		an_bprintf(buf, len, "%s", other->dst);
	else if (own->src[0] != '\0')
		an_bprintf(buf, len, "%s", own->src);
	else
		an_bprintf(buf, len, "%s", side == 0 ? "A" : "B");
}

/* A suspect in a few words: "the link X -> Y", "router R". */
static void
suspect_words(const struct analysis_suspect *s, char *buf, size_t len)
{
	char	 lbl[ANALYSIS_WHY_LEN / 2];

	if (s->kind == ANALYSIS_SUSPECT_ROUTER)
		an_bprintf(buf, len, "router %s", analysis_router_label(s, lbl,
		    sizeof(lbl)));
	else if (s->directed && !s->bothways)
		an_bprintf(buf, len, "the link %s -> %s",
		    analysis_hop_label(&s->from), analysis_hop_label(&s->to));
	else
		an_bprintf(buf, len, "the link %s - %s",
		    analysis_hop_label(&s->a), analysis_hop_label(&s->b));
}

/* 1 when another router suspect of a has the same router as suspect i. */
static int
router_twice(const struct analysis *a, int i)
{
	char	 x[ANALYSIS_WHY_LEN / 2], y[ANALYSIS_WHY_LEN / 2];
	int	 j;

	analysis_router_label(&a->suspects[i], x, sizeof(x));
	for (j = 0; j < a->nsuspects; j++)
		if (j != i && a->suspects[j].kind == ANALYSIS_SUSPECT_ROUTER &&
		    a->suspects[j].after != a->suspects[i].after &&
		    strcmp(analysis_router_label(&a->suspects[j], y,
		    sizeof(y)), x) == 0)
			return 1;
	return 0;
}

/*
 * A loss suspect in a few words with its confidence, "X (0.93)", appended
 * to c (len) after sep.
 */
static void
suspect_listed(const struct analysis *a, int i, const char *sep, char *c,
    size_t len)
{
	char	 w[ANALYSIS_WHY_LEN / 4];

	suspect_words(&a->suspects[i], w, sizeof(w));
	/* one router as two candidates: say which is which */
	if (a->suspects[i].kind == ANALYSIS_SUSPECT_ROUTER && router_twice(a, i))
		an_bprintf(w + strlen(w), sizeof(w) - strlen(w), " %s",
		    a->suspects[i].after ? "(losing what it forwards)" :
		    "(losing what it forwards and its own replies)");
	an_bprintf(c + strlen(c), len - strlen(c), "%s%s (%.2f)", sep, w,
	    analysis_conf_shown(a->suspects[i].confidence));
}

/* 1 when suspect s is about loss (a link, a router, a site's own link). */
static int
is_loss_suspect(const struct analysis_suspect *s)
{
	return s->kind != ANALYSIS_SUSPECT_FILTER &&
	    s->kind != ANALYSIS_SUSPECT_DESTINATION &&
	    s->kind != ANALYSIS_SUSPECT_LATENCY;
}

/*
 * A decided verdict with more than one chosen loss suspect (two faults at
 * once): the others after the first, " A second fault: the link X - Y
 * (20%; confidence 0.83).", appended to c (len).  Alternatives are not
 * faults of their own.
 */
static void
other_faults_words(const struct analysis *a, char *c, size_t len)
{
	const char *nth[] = { "A second", "A third", "A fourth" };
	char	 w[ANALYSIS_WHY_LEN / 4];
	int	 i, n = 0;

	for (i = 1; i < a->nsuspects && n < 3; i++) {
		const struct analysis_suspect *s = &a->suspects[i];

		if (!is_loss_suspect(s) || s->alternative)
			continue;
		suspect_words(s, w, sizeof(w));
		an_bprintf(c + strlen(c), len - strlen(c), " %s fault: %s "
		    "(%.0f%%; confidence %.2f).", nth[n], w, s->loss_pct,
		    analysis_conf_shown(s->confidence));
		n++;
	}
}

/*
 * Inconclusive with a decided first suspect: the chosen suspects that
 * reached the deciding confidence, then the undecided fault and its
 * candidates, "X (0.93), and a second fault the data cannot separate:
 * Y (0.40) or Z (0.38)".  Writes into c (len).
 */
static void
undecided_words(const struct analysis *a, char *c, size_t len)
{
	const char *nth[] = { "a second", "a third", "a fourth" };
	int	 i, nd = 0, nu = 0, nc = 0;

	for (i = 0; i < a->nsuspects; i++) {
		const struct analysis_suspect *s = &a->suspects[i];

		if (!is_loss_suspect(s) || s->alternative || s->undecided)
			continue;
		suspect_listed(a, i, nd == 0 ? "" : " and ", c, len);
		nd++;
	}
	for (i = 0; i < a->nsuspects; i++)
		if (is_loss_suspect(&a->suspects[i]) && a->suspects[i].undecided) {
			nc++;
			nu += !a->suspects[i].alternative;
		}
	if (nc == 0)
		return;
	if (nu <= 1)
		an_bprintf(c + strlen(c), len - strlen(c), ", and %s fault %s",
		    nth[nd < 1 ? 0 : nd > 3 ? 2 : nd - 1], nc > 1 ?
		    "the data cannot separate: " : "the data cannot confirm: ");
	else
		an_bprintf(c + strlen(c), len - strlen(c), ", and %d more "
		    "faults the data cannot separate among ", nu);
	for (i = 0, nc = 0; i < a->nsuspects && nc < 4; i++) {
		if (!is_loss_suspect(&a->suspects[i]) || !a->suspects[i].undecided)
			continue;
		suspect_listed(a, i, nc ? " or " : "", c, len);
		nc++;
	}
}

void
analysis_nodecide_why(const struct analysis *a, char *buf, size_t len)
{
	if (a->same_round_trips)
		snprintf(buf, len, "the candidates are on the same round trips");
	else
		snprintf(buf, len, "more than %d per hop would be needed",
		    TRACE_MAX_QUERIES);
}

/*
 * The tool both traces came from, when they came from one that a user
 * gives more probes per hop in its own way ("traceroute": several runs
 * pasted one after another, merged; "mtr": -c), else NULL (tracepair's -q,
 * or traces from different tools).
 */
static const char *
pasted_tool(const struct an_state *st)
{
	const char	*s = st->d[0].t->source, *r = st->d[1].t->source;

	if (s == NULL || (st->d[1].nhops > 0 && (r == NULL || strcmp(s, r) != 0)))
		return NULL;
	if (strcmp(s, "traceroute") == 0 || strcmp(s, "mtr") == 0)
		return s;
	return NULL;
}

/*
 * Pasted traceroute whose hops mostly showed the order of an ICMP rate
 * limit (rl_order: each run's first few probes answered, then stars;
 * paste.c, tr_order_limits): at least half of the hops that answered, in
 * the two traces together.  Their replies are left out of the loss
 * estimate, and more runs of traceroute, which sends a hop's probes at
 * once, would meet the same limits; mtr -i 1 sends each hop one probe a
 * second, under the limits of Linux's defaults (a burst of 6, then one a
 * second per prober).  The count of the hops in *nlim and *nhops.
 */
static int
limits_hide_loss(const struct an_state *st, int *nlim, int *nhops)
{
	const char	*tool = pasted_tool(st);
	int		 d, i;

	*nlim = *nhops = 0;
	if (tool == NULL || strcmp(tool, "traceroute") != 0)
		return 0;
	for (d = 0; d < 2; d++)
		for (i = 0; i < st->d[d].nhops; i++) {
			const struct an_hop *h = &st->d[d].hops[i];

			if (h->recv == 0)
				continue;
			(*nhops)++;
			*nlim += h->th->rl_order != 0;
		}
	return *nhops > 0 && 2 * *nlim >= *nhops;
}

/* The probes per hop to ask for where the data ask n: at least a minute
   of mtr -i 1 when that is the advice. */
static int
probes_asked(const struct analysis *a, int n)
{
	return a->rerun_paced && n < AN_PACED_PROBES ? AN_PACED_PROBES : n;
}

/*
 * How a user gets n probes per hop with the tool the traces came from:
 * traceroute sends at most 10 a hop, so several runs, and mtr -c past
 * AN_TR_RUNS_MAX of them; mtr -c; else -q.  Pasted traceroute whose
 * limits hide the loss (a->rerun_paced): mtr at one probe a second
 * instead.
 */
static void
more_probes_words(const struct an_state *st, int n, char *buf, size_t len)
{
	const char	*tool = pasted_tool(st);
	int		 nlim, nhops;

	if (st->a->rerun_paced && limits_hide_loss(st, &nlim, &nhops))
		snprintf(buf, len, "rerun mtr with -c %d -i 1, not traceroute: "
		    "%d of the %d hops that answered gave only the first few "
		    "replies to traceroute's probes sent at once (their ICMP "
		    "rate limit), and one probe a second per hop stays under "
		    "it", n, nlim, nhops);
	else if (tool != NULL && strcmp(tool, "traceroute") == 0 && n <= 10)
		snprintf(buf, len, "rerun traceroute with -q %d", n);
	else if (tool != NULL && strcmp(tool, "traceroute") == 0 &&
	    n > 10 * AN_TR_RUNS_MAX)
		snprintf(buf, len, "rerun mtr with -c %d, not traceroute (that "
		    "would take %d runs of traceroute -q 10)", n, (n + 9) / 10);
	else if (tool != NULL && strcmp(tool, "traceroute") == 0)
		snprintf(buf, len, "paste %d runs of traceroute -q 10 one after "
		    "another (their probes add up)", (n + 9) / 10);
	else if (tool != NULL)
		snprintf(buf, len, "rerun mtr with -c %d", n);
	else
		snprintf(buf, len, "rerun with -q %d", n);
}

int
analysis_confirm_probes(const struct analysis *a)
{
	if (!a->confirm || a->inconclusive || a->probes_rerun <= 0)
		return 0;
	/* under 10 probes a hop, the estimate is rough: at least 20 */
	if (a->min_probes > 0 && a->min_probes < 10 && a->probes_rerun < 20)
		return 20;
	return a->probes_rerun;
}

/*
 * Pasted traceroute whose limits hide the loss (a->rerun_paced), and the
 * hops left cannot what (decide, make it firmer): why, and mtr -i 1's
 * count, "the hops left once the limited ones are set aside would not
 * decide (why); about 60 probes per hop from every hop should: rerun mtr
 * ...", into buf (len).
 */
static void
paced_nodecide_words(const struct an_state *st, const char *what, char *buf,
    size_t len)
{
	char	 how[AN_HOW_LEN], why[80];

	analysis_nodecide_why(st->a, why, sizeof(why));
	more_probes_words(st, st->a->rerun_probes, how, sizeof(how));
	an_bprintf(buf, len, "the hops left once the limited ones are set "
	    "aside would not %s (%s); about %d probes per hop from every hop "
	    "should: %s", what, why, st->a->rerun_probes, how);
}

/*
 * A decided verdict whose first suspect is below ANALYSIS_FIRM (0.60 to
 * 0.90): decided, but the one or two hops that tell it from the next
 * candidate could still turn it, so the verdict says it is not firm and
 * how many probes per hop would confirm it (to 0.95), in the tool's terms.
 * This replaces the "only N probes per hop" advice: its count is the one
 * the data asks for.
 */
static void
not_firm_words(const struct an_state *st, char *buf, size_t len)
{
	const struct analysis *a = st->a;
	char		 how[AN_HOW_LEN], why[80], only[40] = "", below[48];
	int		 n = analysis_confirm_probes(a);

	if (n > 0)
		n = probes_asked(a, n);

	if (a->min_probes > 0 && a->min_probes < 10)
		snprintf(only, sizeof(only), " Only %d probes per hop, and not",
		    a->min_probes);
	/* the first firm: what is not is a fault beside it */
	snprintf(below, sizeof(below), "%sbelow %.2f",
	    analysis_conf_shown(a->suspects[0].confidence) >= ANALYSIS_FIRM ?
	    "a fault beside the first " : "", ANALYSIS_FIRM);
	if (n > 0) {
		more_probes_words(st, n, how, sizeof(how));
		an_bprintf(buf, len, "%s yet firm (%s): about %d "
		    "probes per hop would confirm it: %s.", only[0] ? only :
		    " Not", below, n, how);
		return;
	}
	if (a->rerun_paced) {
		char	 pw[AN_HOW_LEN + 192];

		paced_nodecide_words(st, "make it firmer", pw, sizeof(pw));
		an_bprintf(buf, len, "%s yet firm (%s); %s.", only[0] ? only :
		    " Not", below, pw);
		return;
	}
	analysis_nodecide_why(a, why, sizeof(why));
	an_bprintf(buf, len, "%s yet firm (%s); more probes per hop "
	    "would not make it firmer (%s).", only[0] ? only : " Not",
	    below, why);
}

/*
 * How many probes per hop would decide an inconclusive verdict, and how to
 * get them, "about 98 probes per hop would decide: rerun mtr with -c 98",
 * or why more would not; into need (len).
 */
static void
need_words(const struct an_state *st, char *need, size_t len)
{
	const struct analysis *a = st->a;
	char		 how[AN_HOW_LEN], why[80];

	if (a->probes_rerun > 0) {
		more_probes_words(st, probes_asked(a, a->probes_rerun), how,
		    sizeof(how));
		an_bprintf(need, len, "about %d probes per hop would decide: %s",
		    probes_asked(a, a->probes_rerun), how);
		return;
	}
	if (a->rerun_paced) {
		paced_nodecide_words(st, "decide", need, len);
		return;
	}
	analysis_nodecide_why(a, why, sizeof(why));
	an_bprintf(need, len, "more probes per hop would not decide (%s)",
	    why);
}

/*
 * Inconclusive: the first suspect and the alternatives the data cannot
 * rule out (or, when the first is decided, the fault beside it that is
 * not), and how many probes per hop would decide.
 */
static void
inconclusive_verdict(struct an_state *st, const char *few)
{
	struct analysis	*a = st->a;
	char		 c[ANALYSIS_WHY_LEN / 2] = "";
	char		 need[AN_HOW_LEN + 192];
	int		 i, n = 0, split;

	/* the first suspect decided: what is not is a fault beside it */
	split = !a->suspects[0].undecided && !a->suspects[0].alternative;
	if (split)
		undecided_words(a, c, sizeof(c));
	for (i = 0; !split && i < a->nsuspects && n < 3; i++) {
		if (!is_loss_suspect(&a->suspects[i]))
			continue;
		suspect_listed(a, i, n ? " or " : "", c, sizeof(c));
		n++;
	}
	need_words(st, need, sizeof(need));
	an_bprintf(a->verdict, sizeof(a->verdict), "Inconclusive: %s%s; %s.%s",
	    split ? "" : n > 1 ? "the data cannot separate " : "possibly ", c,
	    need, few);
}

/*
 * An inconclusive pair whose first suspect is not about loss (a one-way
 * delay, a stop): the loss it could not place, after the first suspect's
 * sentence, " Loss the data cannot place yet: the link X - Y (0.46) or
 * router R (0.20); about 22 probes per hop would decide: ...", appended
 * to c (len).  Nothing when no loss suspect is listed.
 */
static void
loss_undecided_words(const struct an_state *st, char *c, size_t len)
{
	const struct analysis *a = st->a;
	char		 need[AN_HOW_LEN + 192];
	int		 i, n = 0;

	for (i = 0; i < a->nsuspects && n < 3; i++) {
		if (!is_loss_suspect(&a->suspects[i]))
			continue;
		if (n == 0)
			an_bprintf(c + strlen(c), len - strlen(c), " Loss the "
			    "data cannot place yet: ");
		suspect_listed(a, i, n ? " or " : "", c, len);
		n++;
	}
	if (n == 0)
		return;
	need_words(st, need, sizeof(need));
	an_bprintf(c + strlen(c), len - strlen(c), "; %s.", need);
}

void
an_make_verdict(struct an_state *st)
{
	struct analysis	*a = st->a;
	const struct analysis_suspect *s;
	char		 few[2 * AN_HOW_LEN + ANALYSIS_WHY_LEN / 2] = "";
	char		 lbl[ANALYSIS_WHY_LEN / 2];	/* a router suspect's label */
	char		 asn[40];	/* its AS numbers, "" when unknown */
	char		 to[ANALYSIS_NAME_LEN];	/* the site the traffic heads for */
	int		 i, nart = 0, nlim, nhops;

	/*
	 * Loss that persists with no element to explain it: inconclusive (the
	 * verdict says so, and since 2026-12-07 the JSON too, where it read
	 * as decided with no suspect)
	 */
	if (a->nsuspects == 0 && (a->loss[0].persistent ||
	    a->loss[1].persistent))
		a->inconclusive = 1;
	a->rerun_paced = limits_hide_loss(st, &nlim, &nhops);
	a->rerun_mtr = 0;
	a->rerun_probes = 0;
	if (a->rerun_paced) {
		/* the count the data ask for, at least a minute of it */
		a->rerun_probes = probes_asked(a, a->inconclusive ?
		    a->probes_rerun : a->confirm ? analysis_confirm_probes(a) :
		    0);
	} else if (pasted_tool(st) != NULL &&
	    strcmp(pasted_tool(st), "traceroute") == 0) {
		/* more than AN_TR_RUNS_MAX runs' worth: mtr -c */
		int	 n = a->inconclusive ? a->probes_rerun : a->confirm ?
			    analysis_confirm_probes(a) : 0;

		if (n > 10 * AN_TR_RUNS_MAX) {
			a->rerun_mtr = 1;
			a->rerun_probes = n;
		}
	}
	/* decided below ANALYSIS_FIRM: say so, and what would confirm it */
	if (a->confirm && !a->inconclusive && a->nsuspects > 0 &&
	    is_loss_suspect(&a->suspects[0]))
		not_firm_words(st, few, sizeof(few));
	else if (a->min_probes > 0 && a->min_probes < 10) {
		char	 how[AN_HOW_LEN];

		more_probes_words(st, probes_asked(a, 20), how, sizeof(how));
		an_bprintf(few, sizeof(few), " Only %d probes per hop: for a "
		    "firmer answer, %s.", a->min_probes, how);
	}
	for (i = 0; i < a->nartifacts; i++)
		if (a->artifacts[i].kind != ANALYSIS_ART_SILENT &&
		    a->artifacts[i].kind != ANALYSIS_ART_ECHO_DETOUR)
			nart++;
	if (a->nsuspects == 0 && (a->loss[0].persistent || a->loss[1].persistent)) {
		int	 d = a->loss[0].persistent ? 0 : 1;

		char	 how[AN_HOW_LEN] = "trace again, or with more probes per "
			    "hop";

		if (a->rerun_paced) {
			char	 w[AN_HOW_LEN];

			more_probes_words(st, a->rerun_probes, w, sizeof(w));
			an_bprintf(how, sizeof(how), "%s", w);
		}
		an_bprintf(a->verdict, sizeof(a->verdict), "Inconclusive: the "
		    "%s trace loses from hop %d %s on (%.0f%%), but no one link "
		    "or router explains what both traces show (their round "
		    "trips); %s.%s",
		    analysis_dir_name(d), a->loss[d].onset.ttl,
		    analysis_hop_label(&a->loss[d].onset), a->loss[d].loss_pct,
		    how, few);
		return;
	}
	if (a->nsuspects == 0) {
		an_bprintf(a->verdict, sizeof(a->verdict), "No fault found: neither "
		    "direction shows loss that persists%s; the paths %s (%d "
		    "forward-only, %d reverse-only routers)%s.%s",
		    nart ? " (loss or delay at single hops is rate limiting)" : "",
		    a->nfwd_only + a->nrev_only ? "are asymmetric" : "look symmetric",
		    a->nfwd_only, a->nrev_only,
		    a->step[0].found || a->step[1].found ? "; delay steps up along "
		    "the way (see latency)" : "", few);
		return;
	}
	s = &a->suspects[0];
	/* inconclusive is about loss: a one-way delay found first is named */
	if (a->inconclusive && s->kind != ANALYSIS_SUSPECT_FILTER &&
	    s->kind != ANALYSIS_SUSPECT_DESTINATION &&
	    s->kind != ANALYSIS_SUSPECT_LATENCY) {
		inconclusive_verdict(st, few);
		return;
	}
	/* decided: a second fault is named after the first, before the
	   advice for more probes (which covers it too); inconclusive about
	   loss, with a delay or a stop named first: the loss after it */
	{
		char	 t[sizeof(few)];

		memcpy(t, few, sizeof(t));
		few[0] = '\0';
		if (a->inconclusive)
			loss_undecided_words(st, few, sizeof(few));
		else
			other_faults_words(a, few, sizeof(few));
		an_bprintf(few + strlen(few), sizeof(few) - strlen(few), "%s", t);
	}
	switch (s->kind) {
	case ANALYSIS_SUSPECT_LINK:
	case ANALYSIS_SUSPECT_LATENCY:
		if (!s->directed) {
			an_bprintf(a->verdict, sizeof(a->verdict), "Loss starts on "
			    "the link %s - %s%s, seen %s (confidence %.2f).%s",
			    analysis_hop_label(&s->a), analysis_hop_label(&s->b),
			    analysis_suspect_asn(s, asn, sizeof(asn)),
			    s->seen_fwd && s->seen_rev ? "in both directions" :
			    s->seen_fwd ? "in the forward direction only" :
			    "in the reverse direction only",
			    analysis_conf_shown(s->confidence), few);
			break;
		}
		an_site_label(st, s->toward, to, sizeof(to));
		if (s->bothways)
			an_bprintf(a->verdict, sizeof(a->verdict), "Loss on the "
			    "link %s - %s%s, seen in both directions (one way or "
			    "both: every round trip that crosses it crosses it both "
			    "ways; %.0f%%, 95%% CI %.0f-%.0f%%; confidence %.2f).%s",
			    analysis_hop_label(&s->a), analysis_hop_label(&s->b),
			    analysis_suspect_asn(s, asn, sizeof(asn)),
			    s->loss_pct, s->loss_lo, s->loss_hi,
			    analysis_conf_shown(s->confidence), few);
		else if (s->kind == ANALYSIS_SUSPECT_LATENCY)
			an_bprintf(a->verdict, sizeof(a->verdict), "Delay on the "
			    "link %s -> %s%s, on traffic towards %s: it adds %.0f ms "
			    "one way (confidence %.2f).%s",
			    analysis_hop_label(&s->from), analysis_hop_label(&s->to),
			    analysis_suspect_asn(s, asn, sizeof(asn)), to,
			    s->delay_ms,
			    analysis_conf_shown(s->confidence), few);
		else
			an_bprintf(a->verdict, sizeof(a->verdict), "Loss on the "
			    "link %s -> %s%s, on traffic towards %s (%.0f%%, 95%% CI "
			    "%.0f-%.0f%%; confidence %.2f).%s",
			    analysis_hop_label(&s->from), analysis_hop_label(&s->to),
			    analysis_suspect_asn(s, asn, sizeof(asn)), to,
			    s->loss_pct, s->loss_lo, s->loss_hi,
			    analysis_conf_shown(s->confidence), few);
		break;
	case ANALYSIS_SUSPECT_ROUTER:
		an_bprintf(a->verdict, sizeof(a->verdict), "Router %s%s or one of "
		    "its links: loss begins %s in both directions (forward %.0f%%, "
		    "reverse %.0f%%; confidence %.2f).%s",
		    analysis_router_label(s, lbl, sizeof(lbl)),
		    analysis_suspect_asn(s, asn, sizeof(asn)),
		    s->after ? "just after it" : "at it", s->loss_pct,
		    s->loss_pct, analysis_conf_shown(s->confidence), few);
		break;
	case ANALYSIS_SUSPECT_DESTINATION:
	case ANALYSIS_SUSPECT_FILTER:
		an_bprintf(a->verdict, sizeof(a->verdict), "The %s trace stops %s%s: "
		    "%s towards %s (confidence %.2f).%s",
		    s->seen_fwd ? "forward" : "reverse",
		    s->a.ttl ? "after " : "at its first hop",
		    s->a.ttl ? analysis_hop_label(&s->a) : "",
		    s->kind == ANALYSIS_SUSPECT_FILTER ? "probes are filtered or "
		    "the path is down" : "the destination does not answer",
		    analysis_hop_label(&s->b),
		    analysis_conf_shown(s->confidence), few);
		break;
	case ANALYSIS_SUSPECT_SITE:
		if (s->directed) {
			an_site_label(st, s->toward, to, sizeof(to));
			an_bprintf(a->verdict, sizeof(a->verdict), "A site's own "
			    "access link or host loses traffic: the link %s -> %s, "
			    "on traffic towards %s (%.0f%%, 95%% CI %.0f-%.0f%%; "
			    "confidence %.2f).%s", analysis_hop_label(&s->from),
			    analysis_hop_label(&s->to), to, s->loss_pct, s->loss_lo,
			    s->loss_hi,
			    analysis_conf_shown(s->confidence), few);
			break;
		}
		an_bprintf(a->verdict, sizeof(a->verdict), "The site's own gateway "
		    "%s%s%s%s loses traffic, not the network between the sites "
		    "(confidence %.2f).%s", analysis_hop_label(&s->a),
		    s->b.addr[0] ? " (public " : "", s->b.addr,
		    s->b.addr[0] ? ")" : "",
		    analysis_conf_shown(s->confidence), few);
		break;
	}
}

