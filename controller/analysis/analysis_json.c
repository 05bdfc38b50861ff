/* analysis_json.c: an analysis as a JSON object (jansson): the machine-readable half of the report. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "analysis.h"

static json_t *
jstr(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *
hop_jobj(const struct analysis_hop *h)
{
	json_t	*o;

	if (h->ttl == 0 && h->addr[0] == '\0' && h->name[0] == '\0')
		return json_null();
	o = json_pack("{s:o,s:o,s:o}", "ttl", h->ttl ? json_integer(h->ttl) :
	    json_null(), "addr", jstr(h->addr), "name", jstr(h->name));
	if (o != NULL && h->asn != 0)
		json_object_set_new(o, "asn", json_integer(h->asn));
	return o;
}

/* A suspect's distinct AS numbers in path order, or NULL when none is known. */
static json_t *
suspect_asn_jarr(const struct analysis_suspect *s)
{
	json_t	*arr;
	uint32_t x, y;

	analysis_suspect_asns(s, &x, &y);
	if (x == 0 && y == 0)
		return NULL;
	if ((arr = json_array()) == NULL)
		return NULL;
	if (x != 0)
		json_array_append_new(arr, json_integer(x));
	if (y != 0 && y != x)
		json_array_append_new(arr, json_integer(y));
	return arr;
}

static json_t *
match_jobj(const struct analysis_match *m)
{
	if (m->fwd.ttl == 0)
		return json_null();
	return json_pack("{s:o,s:o,s:s}", "forward", hop_jobj(&m->fwd),
	    "reverse", hop_jobj(&m->rev), "how", analysis_how_name(m->how));
}

static json_t *
loss_jobj(const struct analysis_loss *L)
{
	if (!L->persistent)
		return json_pack("{s:n,s:n,s:n,s:f,s:b}", "onset_ttl", "addr",
		    "name", "loss_pct", 0.0, "persistent", 0);
	return json_pack("{s:i,s:o,s:o,s:o,s:f,s:b,s:i,s:i,s:f,s:f,s:i,s:f}",
	    "onset_ttl", L->onset.ttl, "addr", jstr(L->onset.addr),
	    "name", jstr(L->onset.name), "before", hop_jobj(&L->before),
	    "loss_pct", L->loss_pct, "persistent", 1, "sent", L->sent,
	    "lost", L->lost, "ci_low_pct", L->ci_low, "ci_high_pct", L->ci_high,
	    "earliest_onset_ttl", L->earliest_ttl, "confidence", L->confidence);
}

static const char *
basis_name(enum analysis_basis b)
{
	return b == ANALYSIS_BASIS_TTL ? "reply-ttl" : b == ANALYSIS_BASIS_ASSUMED ?
	    "assumed" : "other-trace";
}

static json_t *
step_jobj(const struct analysis_step *S)
{
	if (!S->found)
		return json_null();
	return json_pack("{s:i,s:o,s:o,s:f,s:f,s:o}", "ttl", S->at.ttl,
	    "addr", jstr(S->at.addr), "name", jstr(S->at.name),
	    "before_ms", S->before_ms, "after_ms", S->after_ms,
	    "cause", jstr(S->cause));
}

static json_t *
stop_jobj(const struct analysis_stop *S)
{
	if (!S->stopped)
		return json_null();
	return json_pack("{s:o,s:o,s:b,s:s}", "last", hop_jobj(&S->last),
	    "annotation", jstr(S->annot), "other_reached", S->other_reached,
	    "advice", S->advice);
}

static json_t *
hops_jarr(const struct analysis_hop *h, int n)
{
	json_t	*arr = json_array();
	int	 i;

	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, hop_jobj(&h[i]));
	return arr;
}

/* One site of the pair (site.h), or null when no boundary was found. */
static json_t *
site_jobj(const struct analysis *a, int side)
{
	const struct site *S = &a->site[side];
	json_t	*o;

	if (S->how == SITE_HOW_NONE)
		return json_null();
	o = json_pack("{s:s,s:s,s:b,s:{s:i,s:o},s:o,s:o,s:o}",
	    "side", side == 0 ? "a" : "b", "found_by", site_how_name(S->how),
	    "nat", S->nat, "gateway", "ttl", S->gw_ttl, "addr",
	    jstr(S->gw_inside), "public_addr", jstr(S->edge_outside),
	    "cgnat", S->cgnat_ttl ? json_pack("{s:i,s:s}", "ttl", S->cgnat_ttl,
	    "addr", S->cgnat_addr) : json_null(),
	    "segment", hops_jarr(a->segment[side], a->nsegment[side]));
	return o;
}

json_t *
analysis_to_jobj(const struct analysis *a)
{
	json_t	*o, *arr, *x;
	int	 i;

	if ((o = json_object()) == NULL)
		return NULL;
	json_object_set_new(o, "verdict", json_string(a->verdict));
	arr = json_array();
	for (i = 0; i < a->nshared; i++)
		json_array_append_new(arr, match_jobj(&a->shared[i]));
	json_object_set_new(o, "shared", arr);
	json_object_set_new(o, "forward_only", hops_jarr(a->fwd_only, a->nfwd_only));
	json_object_set_new(o, "reverse_only", hops_jarr(a->rev_only, a->nrev_only));
	arr = json_array();
	for (i = 0; i < a->ndivergence; i++)
		json_array_append_new(arr, json_pack("{s:o,s:o,s:i,s:i}",
		    "diverge_after", match_jobj(&a->divergence[i].from),
		    "rejoin_at", match_jobj(&a->divergence[i].to),
		    "forward_only", a->divergence[i].nfwd_only,
		    "reverse_only", a->divergence[i].nrev_only));
	json_object_set_new(o, "divergence", arr);
	json_object_set_new(o, "loss", json_pack("{s:o,s:o}",
	    "forward", loss_jobj(&a->loss[0]), "reverse", loss_jobj(&a->loss[1])));
	for (i = 0; i < 2; i++)
		if (a->loss[i].persistent)
			json_object_set_new(json_object_get(json_object_get(o,
			    "loss"), i ? "reverse" : "forward"), "latest_onset_ttl",
			    json_integer(a->loss[i].latest_ttl));
	json_object_set_new(o, "latency", json_pack("{s:o,s:o}",
	    "forward", step_jobj(&a->step[0]), "reverse", step_jobj(&a->step[1])));
	json_object_set_new(o, "stops", json_pack("{s:o,s:o}",
	    "forward", stop_jobj(&a->stop[0]), "reverse", stop_jobj(&a->stop[1])));
	arr = json_array();
	for (i = 0; i < a->nartifacts; i++) {
		const struct analysis_artifact *x2 = &a->artifacts[i];

		x = json_pack("{s:s,s:s,s:o,s:f,s:s}",
		    "kind", analysis_artifact_kind_name(x2->kind),
		    "direction", analysis_dir_name(x2->dir), "hop", hop_jobj(&x2->hop),
		    "value", x2->value, "why", x2->why);
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "artifacts", arr);
	arr = json_array();
	for (i = 0; i < a->nreplyttl; i++)
		json_array_append_new(arr, json_pack("{s:s,s:o,s:i}",
		    "direction", analysis_dir_name(a->replyttl[i].dir),
		    "hop", hop_jobj(&a->replyttl[i].hop),
		    "return_hops", a->replyttl[i].return_hops));
	json_object_set_new(o, "reply_ttl", arr);
	arr = json_array();
	for (i = 0; i < a->nsuspects; i++) {
		const struct analysis_suspect *s = &a->suspects[i];
		json_t	*between, *asn;

		between = json_array();
		if (s->kind != ANALYSIS_SUSPECT_ROUTER) {
			json_array_append_new(between, json_string(s->a.addr[0] ?
			    s->a.addr : analysis_hop_label(&s->a)));
			json_array_append_new(between, json_string(s->b.addr[0] ?
			    s->b.addr : analysis_hop_label(&s->b)));
		}
		x = json_pack("{s:s,s:o,s:o,s:o,s:f,s:b,s:b,s:s}",
		    "kind", analysis_suspect_kind_name(s->kind), "between", between,
		    "near", hop_jobj(&s->a), "far", s->kind == ANALYSIS_SUSPECT_ROUTER ?
		    json_null() : hop_jobj(&s->b), "confidence", s->confidence,
		    "seen_forward", s->seen_fwd, "seen_reverse", s->seen_rev,
		    "why", s->why);
		if ((asn = suspect_asn_jarr(s)) != NULL)
			json_object_set_new(x, "asn", asn);
		if (s->directed) {
			json_object_set_new(x, "from", hop_jobj(&s->from));
			json_object_set_new(x, "to", hop_jobj(&s->to));
			json_object_set_new(x, "toward", json_string(s->toward ?
			    "b" : "a"));
			json_object_set_new(x, "both_ways", json_boolean(s->bothways));
		}
		if (s->kind == ANALYSIS_SUSPECT_LATENCY) {
			json_object_set_new(x, "delay_ms", json_real(s->delay_ms));
			json_object_set_new(x, "step_ttl", json_pack("{s:o,s:o}",
			    "forward", s->step_ttl[0] ? json_integer(s->step_ttl[0]) :
			    json_null(), "reverse", s->step_ttl[1] ?
			    json_integer(s->step_ttl[1]) : json_null()));
			if (s->jitter_ms > 0)
				json_object_set_new(x, "jitter_ms",
				    json_real(s->jitter_ms));
		}
		else if (s->directed || s->kind == ANALYSIS_SUSPECT_ROUTER) {
			json_object_set_new(x, "loss_pct", json_real(s->loss_pct));
			if (s->loss_lo >= 0)
				json_object_set_new(x, "loss_interval_pct", json_pack(
				    "[f,f]", s->loss_lo, s->loss_hi));
		}
		if (s->evidence[0][0] != '\0' || s->evidence[1][0] != '\0')
			json_object_set_new(x, "evidence", json_pack("{s:s,s:s}",
			    "forward", s->evidence[0], "reverse", s->evidence[1]));
		json_object_set_new(x, "alternative", json_boolean(s->alternative));
		if (s->kind == ANALYSIS_SUSPECT_ROUTER) {
			json_object_set_new(x, "router", hop_jobj(&s->a));
			json_object_set_new(x, "router_reverse", hop_jobj(&s->b));
			json_object_set_new(x, "loss_begins",
			    json_string(s->after ? "after" : "at"));
		}
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "suspects", arr);
	json_object_set_new(o, "inconclusive", json_boolean(a->inconclusive));
	/* decided, and its chosen suspects (if any) at ANALYSIS_FIRM or more
	   (a second fault below it sets confirm) */
	json_object_set_new(o, "firm", json_boolean(!a->inconclusive &&
	    !a->confirm && (a->nsuspects == 0 ||
	    a->suspects[0].confidence >= ANALYSIS_FIRM)));
	if (a->confirm && !a->inconclusive)
		json_object_set_new(o, "probes_per_hop_to_confirm",
		    analysis_confirm_probes(a) > 0 ?
		    json_integer(analysis_confirm_probes(a)) : json_null());
	if (a->inconclusive)
		json_object_set_new(o, "probes_per_hop_to_decide",
		    a->probes_rerun > 0 ? json_integer(a->probes_rerun) :
		    json_null());
	/* mtr in place of the pasted traceroute: at one probe a second per
	   hop (its limits), or at the user's own interval (many probes) */
	if (a->inconclusive || a->confirm)
		json_object_set_new(o, "rerun_with", a->rerun_paced ?
		    json_pack("{s:s,s:f,s:i}", "tool", "mtr", "interval_s", 1.0,
		    "probes_per_hop", a->rerun_probes) : a->rerun_mtr ?
		    json_pack("{s:s,s:n,s:i}", "tool", "mtr", "interval_s",
		    "probes_per_hop", a->rerun_probes) : json_null());
	if (a->inconclusive)
		json_object_set_new(o, "deciding_hops", json_pack("{s:o,s:o}",
		    "forward", a->decide_lo[0] ? json_pack("[i,i]",
		    a->decide_lo[0], a->decide_hi[0]) : json_null(), "reverse",
		    a->decide_lo[1] ? json_pack("[i,i]", a->decide_lo[1],
		    a->decide_hi[1]) : json_null()));
	arr = json_array();
	for (i = 0; i < a->nroundtrip; i++) {
		const struct analysis_roundtrip *r = &a->roundtrip[i];

		json_array_append_new(arr, json_pack("{s:s,s:i,s:i,s:s,s:o,s:s}",
		    "direction", analysis_dir_name(r->dir), "from_ttl", r->from_ttl,
		    "to_ttl", r->to_ttl, "basis", basis_name(r->basis),
		    "reply_via", hops_jarr(r->via, r->nvia), "text", r->text));
	}
	json_object_set_new(o, "round_trips", arr);
	arr = json_array();
	for (i = 0; i < a->ndistance; i++)
		json_array_append_new(arr, json_pack("{s:o,s:o,s:f}",
		    "near", hop_jobj(&a->distance[i].a), "far",
		    hop_jobj(&a->distance[i].b), "rtt_ms", a->distance[i].rtt_ms));
	json_object_set_new(o, "distance", arr);
	arr = json_array();
	for (i = 0; i < a->njitter; i++)
		json_array_append_new(arr, json_pack("{s:o,s:o,s:s,s:b,s:f}",
		    "from", hop_jobj(&a->jitter[i].from), "to",
		    hop_jobj(&a->jitter[i].to), "toward", a->jitter[i].toward ?
		    "b" : "a", "both_ways", a->jitter[i].bothways, "jitter_ms",
		    a->jitter[i].jitter_ms));
	json_object_set_new(o, "jitter", arr);
	/* only when a site boundary was found (docs/analysis.md) */
	if (a->site[0].how != SITE_HOW_NONE || a->site[1].how != SITE_HOW_NONE)
		json_object_set_new(o, "sites", json_pack("[o,o]",
		    site_jobj(a, 0), site_jobj(a, 1)));
	json_object_set_new(o, "min_probes_per_hop", json_integer(a->min_probes));
	return o;
}
