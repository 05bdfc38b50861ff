/* followup.c: the follow-up round of an inconclusive pair: its plan, the merge of both rounds, and its record in JSON and words. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "followup.h"

int
followup_plan(const struct analysis *a, int q1, double left_s,
    double interval_s, double wait_s, struct followup_plan *p, char *why,
    size_t whylen)
{
	double	 c;
	int	 d, need;

	memset(p, 0, sizeof(*p));
	if (!a->inconclusive && !a->confirm) {
		snprintf(why, whylen, "the first round decided");
		return 0;
	}
	for (d = 0; d < 2; d++) {
		p->ttl_lo[d] = a->decide_lo[d];
		p->ttl_hi[d] = a->decide_hi[d];
	}
	if (p->ttl_lo[0] == 0 && p->ttl_lo[1] == 0) {
		snprintf(why, whylen, "no hop's round trip tells the "
		    "candidates apart");
		return 0;
	}
	if (a->probes_needed <= 0) {
		char	 r[80];

		analysis_nodecide_why(a, r, sizeof(r));
		snprintf(why, whylen, "more probes per hop would not decide: %s",
		    r);
		return 0;
	}
	if (!(interval_s > 0))
		interval_s = 0.5;
	c = floor((left_s - wait_s - FOLLOWUP_MARGIN_S) / interval_s);
	p->cap = c < 0 ? 0 : c > TRACE_MAX_QUERIES ? TRACE_MAX_QUERIES : (int)c;
	if (q1 > 0 && p->cap > TRACE_MAX_QUERIES - q1)
		p->cap = TRACE_MAX_QUERIES - q1;
	if (p->cap < FOLLOWUP_MIN_QUERIES) {
		snprintf(why, whylen, "the budget is spent: %.0f s left, and "
		    "%d probes per hop take %.0f s", left_s < 0 ? 0 : left_s,
		    FOLLOWUP_MIN_QUERIES, FOLLOWUP_MIN_QUERIES * interval_s +
		    wait_s + FOLLOWUP_MARGIN_S);
		return 0;
	}
	need = a->probes_needed > TRACE_MAX_QUERIES / FOLLOWUP_FACTOR ?
	    TRACE_MAX_QUERIES : FOLLOWUP_FACTOR * a->probes_needed;
	if (need < FOLLOWUP_MIN_QUERIES)
		need = FOLLOWUP_MIN_QUERIES;
	p->queries = need > p->cap ? p->cap : need;
	return 1;
}

/* 1 when hops x and y have the same main responder (address, else name). */
static int
same_responder(const struct trace_hop *x, const struct trace_hop *y)
{
	const struct trace_probe *a = trace_hop_main_probe(x);
	const struct trace_probe *b = trace_hop_main_probe(y);

	if (a == NULL || b == NULL)
		return 0;
	if (a->addr[0] != '\0' || b->addr[0] != '\0')
		return strcmp(a->addr, b->addr) == 0;
	return a->name != NULL && b->name != NULL &&
	    strcasecmp(a->name, b->name) == 0;
}

/* Append a copy of probe src to hop h.  -1 when memory runs out. */
static int
copy_probe(struct trace_hop *h, const struct trace_probe *src)
{
	return trace_hop_copy_probe(h, src) != NULL ? 0 : -1;
}

/* A deep copy of t (through its JSON form, the one the store keeps). */
static struct trace *
trace_copy(const struct trace *t)
{
	struct trace	*c;
	char		*js, err[128];

	if ((js = trace_to_json(t, 0)) == NULL)
		return NULL;
	c = trace_from_json(js, strlen(js), err, sizeof(err));
	free(js);
	return c;
}

struct trace *
followup_merge(const struct trace *first, const struct trace *more,
    int *merged, int *changed)
{
	struct trace	*m;
	struct trace_hop *h;
	const struct trace_hop *x;
	int		 i, k, nm = 0, nc = 0;

	if ((m = trace_copy(first)) == NULL)
		return NULL;
	for (i = 0; more != NULL && i < more->nhops; i++) {
		x = &more->hops[i];
		if (x->nprobes == 0)
			continue;
		if ((h = trace_hop_by_ttl(m, x->ttl)) == NULL ||
		    (trace_hop_main_probe(x) != NULL && !same_responder(h, x))) {
			nc++;
			continue;
		}
		if (h->nprobes + x->nprobes > TRACE_MAX_QUERIES) {
			nc++;
			continue;
		}
		for (k = 0; k < x->nprobes; k++)
			if (copy_probe(h, &x->probes[k]) == -1) {
				trace_free(m);
				return NULL;
			}
		h->echo_sent += x->echo_sent;
		h->echo_received += x->echo_received;
		h->loss_by_echo |= x->loss_by_echo;
		if (h->rl_rate == 0) {
			h->rl_rate = x->rl_rate;
			h->rl_burst = x->rl_burst;
		}
		nm++;
	}
	if (more != NULL && more->end > m->end)
		m->end = more->end;
	if (merged != NULL)
		*merged = nm;
	if (changed != NULL)
		*changed = nc;
	return m;
}

static json_t *
range_jobj(int lo, int hi)
{
	return lo > 0 ? json_pack("[i,i]", lo, hi) : json_null();
}

json_t *
followup_to_jobj(const struct followup_info *f)
{
	json_t	*o;

	o = json_pack("{s:b,s:i,s:s}", "ran", f->ran, "rounds", f->ran ? 2 : 1,
	    "first_verdict", f->first_verdict);
	if (o == NULL)
		return NULL;
	if (f->queries > 0 || f->ran) {
		json_object_set_new(o, "hops", json_pack("{s:o,s:o}", "forward",
		    range_jobj(f->ttl_lo[0], f->ttl_hi[0]), "reverse",
		    range_jobj(f->ttl_lo[1], f->ttl_hi[1])));
		json_object_set_new(o, "probes_per_hop", json_integer(f->queries));
		json_object_set_new(o, "probes_needed", f->needed > 0 ?
		    json_integer(f->needed) : json_null());
		json_object_set_new(o, "cap", json_integer(f->cap));
		json_object_set_new(o, "jobs", json_pack("{s:o,s:o}", "forward",
		    f->job[0][0] ? json_string(f->job[0]) : json_null(),
		    "reverse", f->job[1][0] ? json_string(f->job[1]) :
		    json_null()));
		json_object_set_new(o, "merged_hops", json_pack("{s:i,s:i}",
		    "forward", f->merged[0], "reverse", f->merged[1]));
		json_object_set_new(o, "changed_hops", json_pack("{s:i,s:i}",
		    "forward", f->changed[0], "reverse", f->changed[1]));
	}
	json_object_set_new(o, "budget_s", json_real(f->budget_s));
	json_object_set_new(o, "why", f->why[0] ? json_string(f->why) :
	    json_null());
	return o;
}

/* "forward hops 5-7 and reverse hop 6" into buf. */
static void
hops_words(const struct followup_info *f, char *buf, size_t len)
{
	size_t	 n = 0;
	int	 d;

	buf[0] = '\0';
	for (d = 0; d < 2; d++) {
		if (f->ttl_lo[d] == 0 || n >= len)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s hop%s %d", n ?
		    " and " : "", analysis_dir_name(d), f->ttl_lo[d] ==
		    f->ttl_hi[d] ? "" : "s", f->ttl_lo[d]);
		if (f->ttl_hi[d] != f->ttl_lo[d] && n < len)
			n += (size_t)snprintf(buf + n, len - n, "-%d",
			    f->ttl_hi[d]);
	}
}

const char *
followup_text(const struct followup_info *f, char *buf, size_t len)
{
	char	 hops[96], first[48];

	hops_words(f, hops, sizeof(hops));
	if (strncmp(f->first_verdict, "Inconclusive", 12) == 0)
		snprintf(first, sizeof(first), "inconclusive");
	else
		snprintf(first, sizeof(first), "decided below %.2f (to confirm "
		    "it)", ANALYSIS_FIRM);
	if (f->ran)
		snprintf(buf, len, "Follow-up round: the first round was "
		    "%s, so a second round sent %d probes per hop to "
		    "%s (the deciding hops; %d asked for, %d fit the %.0f s "
		    "budget); merged %d forward and %d reverse hop(s)%s%s. The "
		    "verdict is on both rounds.\nFirst round alone: %s\n",
		    first, f->queries, hops, f->needed, f->cap, f->budget_s,
		    f->merged[0], f->merged[1], f->why[0] ? "; " : "", f->why,
		    f->first_verdict);
	else if (f->queries > 0)
		snprintf(buf, len, "Follow-up round failed: it sent %d probes "
		    "per hop to %s, and %s. The verdict is the first round's.\n",
		    f->queries, hops, f->why[0] ? f->why : "nothing came back");
	else
		snprintf(buf, len, "No follow-up round: %s. The verdict is the "
		    "first round's.\n", f->why[0] ? f->why : "none ran");
	return buf;
}

char *
followup_report(const char *rep, const struct followup_info *f)
{
	char		 para[ANALYSIS_WHY_LEN + FOLLOWUP_WHY_LEN + 512], *out;
	const char	*v, *eol;
	size_t		 at, plen, rlen = strlen(rep);

	followup_text(f, para, sizeof(para));
	plen = strlen(para);
	/* after the verdict line, else at the top */
	at = 0;
	if ((v = strstr(rep, "Verdict: ")) != NULL &&
	    (eol = strchr(v, '\n')) != NULL)
		at = (size_t)(eol + 1 - rep);
	if ((out = malloc(rlen + plen + 1)) == NULL)
		return NULL;
	memcpy(out, rep, at);
	memcpy(out + at, para, plen);
	memcpy(out + at + plen, rep + at, rlen - at + 1);
	return out;
}

int
followup_jobs(const char *json, char jobs[2][FOLLOWUP_JOB_LEN])
{
	json_t		*root, *fu, *js, *v;
	json_error_t	 e;
	int		 d, rc = 0;

	jobs[0][0] = jobs[1][0] = '\0';
	if ((root = json_loads(json, 0, &e)) == NULL)
		return -1;
	fu = json_object_get(root, "follow_up");
	if (fu != NULL && json_is_true(json_object_get(fu, "ran")) &&
	    (js = json_object_get(fu, "jobs")) != NULL) {
		for (d = 0; d < 2; d++)
			if ((v = json_object_get(js, analysis_dir_name(d))) !=
			    NULL && json_is_string(v) &&
			    strlen(json_string_value(v)) < FOLLOWUP_JOB_LEN) {
				snprintf(jobs[d], FOLLOWUP_JOB_LEN, "%s",
				    json_string_value(v));
				rc = 1;
			}
	}
	json_decref(root);
	return rc;
}
