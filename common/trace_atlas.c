/* trace_atlas.c: a trace as a RIPE Atlas traceroute result (docs/trace-json.md, "RIPE Atlas form"), so tools that read Atlas results read ours. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "trace.h"

/*
 * The Atlas result format of this firmware version: readers such as
 * RIPE's Sagan pick their parser by "fw", and 4790 and later is the
 * format written here.
 */
#define TRACE_ATLAS_FW	5080

/* A traceroute annotation as Atlas's "err": a letter, or the ICMP code. */
static json_t *
atlas_err(const char *annot)
{
	char	*end;
	long	 code;

	if (annot[0] != '!' || annot[1] == '\0')
		return NULL;
	if (strcmp(annot, "!N") == 0 || strcmp(annot, "!H") == 0 ||
	    strcmp(annot, "!P") == 0)
		return json_string(annot + 1);
	if (strcmp(annot, "!X") == 0)
		return json_string("A");	/* administratively prohibited */
	if (strcmp(annot, "!F") == 0)
		return json_integer(4);		/* fragmentation needed */
	if (strcmp(annot, "!S") == 0)
		return json_integer(5);		/* source route failed */
	code = strtol(annot + 1, &end, 10);
	if (*end == '\0' && code >= 0 && code <= 255)
		return json_integer(code);
	return NULL;
}

/* One probe: {"x":"*"} when it went unanswered, else what came back. */
static json_t *
probe_jobj(const struct trace_probe *p)
{
	const struct trace_probe_more *pm = trace_probe_more(p);
	json_t	*o, *mpls, *e;
	int	 i;

	if (!p->replied || p->addr[0] == '\0')
		return json_pack("{s:s}", "x", "*");
	o = json_pack("{s:s,s:f}", "from", p->addr, "rtt",
	    round(p->rtt_ms * 1000) / 1000);
	if (o == NULL)
		return NULL;
	if (p->reply_ttl >= 0)
		json_object_set_new(o, "ttl", json_integer(p->reply_ttl));
	if ((e = atlas_err(pm->annot)) != NULL)
		json_object_set_new(o, "err", e);
	if (pm->nmpls > 0) {
		mpls = json_array();
		for (i = 0; i < pm->nmpls; i++)
			json_array_append_new(mpls, json_pack("{s:i,s:I,s:i,s:i}",
			    "exp", pm->mpls[i].exp, "label",
			    (json_int_t)pm->mpls[i].label, "s", pm->mpls[i].s,
			    "ttl", pm->mpls[i].ttl));
		json_object_set_new(o, "icmpext", json_pack("{s:i,s:i,s:[{s:i,s:i,s:o}]}",
		    "version", 2, "rfc4884", 1, "obj", "class", 1, "type", 1,
		    "mpls", mpls));
	}
	return o;
}

json_t *
trace_to_atlas_jobj(const struct trace *t)
{
	json_t		*o, *hops, *res;
	const char	*proto;
	int		 i, j, paris;

	switch (t->method) {
	case TRACE_METHOD_UDP:
	case TRACE_METHOD_UDP_PARIS:
		proto = "UDP";
		break;
	case TRACE_METHOD_ICMP:
	case TRACE_METHOD_ICMP_PARIS:
		proto = "ICMP";
		break;
	case TRACE_METHOD_TCP:
		proto = "TCP";
		break;
	case TRACE_METHOD_UNKNOWN:
	default:
		proto = "UDP";
		break;
	}
	paris = t->method == TRACE_METHOD_UDP_PARIS ||
	    t->method == TRACE_METHOD_ICMP_PARIS ? 1 : 0;
	if ((hops = json_array()) == NULL)
		return NULL;
	for (i = 0; i < t->nhops; i++) {
		res = json_array();
		for (j = 0; j < t->hops[i].nprobes; j++)
			json_array_append_new(res, probe_jobj(&t->hops[i].probes[j]));
		json_array_append_new(hops, json_pack("{s:i,s:o}", "hop",
		    t->hops[i].ttl, "result", res));
	}
	o = json_pack("{s:i,s:i,s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:i,s:s,s:i,"
	    "s:I,s:I,s:s,s:o}",
	    "fw", TRACE_ATLAS_FW,
	    "af", t->af == 6 ? 6 : 4,
	    "dst_addr", t->dst,
	    "dst_name", t->dst_name != NULL ? t->dst_name : t->dst,
	    "src_addr", t->src,
	    "from", t->src,
	    "msm_id", 0,
	    "prb_id", 0,
	    "msm_name", "Traceroute",
	    "paris_id", paris,
	    "proto", proto,
	    "size", t->packet_size,
	    "timestamp", (json_int_t)floor(t->start),
	    "endtime", (json_int_t)ceil(t->end > t->start ? t->end : t->start),
	    "type", "traceroute",
	    "result", hops);
	return o;
}

char *
trace_to_atlas(const struct trace *t, int pretty)
{
	json_t	*o;
	char	*s;

	if ((o = trace_to_atlas_jobj(t)) == NULL)
		return NULL;
	s = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
	json_decref(o);
	return s;
}
