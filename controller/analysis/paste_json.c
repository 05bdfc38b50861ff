/* paste_json.c: pasted JSON (mtr --json, RIPE Atlas, scamper, tracepair's own) into struct trace; paste.c detects the format and calls these. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "paste_priv.h"

/* ---- mtr --json ---------------------------------------------------- */

static int
jnum(json_t *o, const char *key, double *out)
{
	json_t	*v = json_object_get(o, key);
	char	*end;

	if (json_is_number(v)) {
		*out = json_number_value(v);
	} else if (json_is_string(v)) {
		errno = 0;
		*out = strtod(json_string_value(v), &end);
		if (*end != '\0' || errno != 0)
			return -1;
	} else
		return -1;
	return isfinite(*out) ? 0 : -1;
}

int
paste_parse_mtr_json(struct pctx *c)
{
	json_t		*root, *rep, *hubs, *hub, *m;
	json_error_t	 jerr;
	struct resp	 r;
	const char	*host;
	char		 buf[PASTE_MAX_NAME + 1];
	double		 count, snt, loss, best, avg, wrst;
	size_t		 i;
	int		 rc = -1, rcv;

	c->t->source = strdup("mtr");
	c->lineno = 1;
	if ((root = json_loadb(c->text, c->len, 0, &jerr)) == NULL) {
		c->lineno = jerr.line > 0 ? jerr.line : 1;
		return paste_err(c, "cannot parse mtr JSON: %s", jerr.text);
	}
	rep = json_object_get(root, "report");
	hubs = json_object_get(rep, "hubs");
	if (!json_is_array(hubs)) {
		paste_err(c, "cannot parse mtr JSON: no report.hubs array");
		goto out;
	}
	m = json_object_get(rep, "mtr");
	if (json_is_string(json_object_get(m, "dst")) &&
	    paste_set_dst(c, json_string_value(json_object_get(m, "dst"))) == -1)
		goto out;
	json_array_foreach(hubs, i, hub) {
		if (jnum(hub, "count", &count) == -1 || count < 1 ||
		    count > TRACE_MAX_TTL || jnum(hub, "Snt", &snt) == -1 ||
		    snt < 0 || snt > TRACE_MAX_QUERIES ||
		    jnum(hub, "Loss%", &loss) == -1 || loss < 0 || loss > 100 ||
		    !json_is_string(json_object_get(hub, "host"))) {
			paste_err(c, "cannot parse mtr JSON: hub %zu lacks count, host, "
			    "Snt or Loss%%", i + 1);
			goto out;
		}
		if (jnum(hub, "Best", &best) == -1)
			best = 0;
		if (jnum(hub, "Avg", &avg) == -1)
			avg = 0;
		if (jnum(hub, "Wrst", &wrst) == -1)
			wrst = 0;
		memset(&r, 0, sizeof(r));
		host = json_string_value(json_object_get(hub, "host"));
		if (strcmp(host, "???") != 0 && strlen(host) <= PASTE_MAX_NAME) {
			/* "name (addr)" with -b, else a name or an address */
			const char *par = strchr(host, '(');

			if (par != NULL) {
				paste_strip(par, "() ", buf, sizeof(buf));
				paste_take_addr(r.addr, buf);
				snprintf(buf, sizeof(buf), "%.*s", (int)(par - host), host);
				paste_strip(buf, " ", r.name, sizeof(r.name));
			} else if (paste_take_addr(r.addr, host))
				;
			else if (paste_name_ok(host))
				snprintf(r.name, sizeof(r.name), "%s", host);
		}
		if (json_is_string(json_object_get(hub, "ASN"))) {
			/* mtr -z --json: "AS15169" or "AS???" */
			const char *as = json_string_value(json_object_get(hub, "ASN"));

			if (strncmp(as, "AS", 2) == 0 && isdigit((unsigned char)as[2]))
				r.asn = (uint32_t)strtoul(as + 2, NULL, 10);
		}
		if (paste_open_hop(c, (int)count) == -1)
			goto out;
		rcv = (int)lround(snt * (100.0 - loss) / 100.0);
		if (paste_summary_probes(c, &r, (int)snt, rcv, best, avg, wrst) == -1)
			goto out;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* ---- RIPE Atlas traceroute results -------------------------------- */

/* A JSON string member copied into dst (len bytes) when it is a valid address. */
static int
jaddr(json_t *o, const char *key, char *dst)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) && paste_take_addr(dst, json_string_value(v));
}

/* An integer member within [lo, hi] into *out; 0 when absent or out of range. */
static int
jint(json_t *o, const char *key, long lo, long hi, long *out)
{
	json_t	*v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return 0;
	*out = (long)json_integer_value(v);
	return 1;
}

/*
 * One MPLS label stack entry object onto p: keys[] names its label, exp,
 * s and ttl members (Atlas and scamper name them differently).
 */
static int
jmpls(struct pctx *c, json_t *e, const char *const keys[4], struct trace_probe *p)
{
	static const long hi[4] = { 0xfffff, 7, 1, 255 };
	long	 v[4];
	int	 k;

	for (k = 0; k < 4; k++)
		if (!jint(e, keys[k], 0, hi[k], &v[k]))
			return paste_err(c, "cannot parse MPLS entry: no %s in 0..%ld",
			    keys[k], hi[k]);
	if (trace_probe_more(p)->nmpls == TRACE_MAX_MPLS)
		return paste_err(c, "cannot parse: more than %d MPLS labels",
		    TRACE_MAX_MPLS);
	if (trace_probe_more_alloc(p) == NULL)
		return paste_err(c, "out of memory");
	return paste_mpls_set(&p->more->mpls[p->more->nmpls++], (unsigned long)v[0],
	    (unsigned long)v[1], (unsigned long)v[2], (unsigned long)v[3]);
}

/*
 * An answered probe from a JSON reply: its address (member addr) and RTT
 * ("rtt", ms).  NULL with the error set when either is missing.
 */
static struct trace_probe *
jreply(struct pctx *c, json_t *o, const char *addr, const char *what)
{
	struct trace_probe *p;
	char	 a[TRACE_ADDR_LEN];

	if ((p = paste_add_probe(c, NULL, 1, 0)) == NULL)
		return NULL;
	if (!jaddr(o, addr, a) || jnum(o, "rtt", &p->rtt_ms) == -1) {
		paste_err(c, "cannot parse %s: no \"%s\" or \"rtt\"", what, addr);
		return NULL;
	}
	if (trace_probe_set_addr(c->hop, p, a) == -1) {
		paste_err(c, "out of memory");
		return NULL;
	}
	if (!(p->rtt_ms >= 0 && p->rtt_ms <= TRACE_MAX_RTT_MS)) {
		paste_err(c, "cannot parse %s: RTT %.10g ms: not a number of ms from "
		    "0 to %.0f", what, p->rtt_ms, TRACE_MAX_RTT_MS);
		return NULL;
	}
	return p;
}

/*
 * Atlas "icmpext": {"version":2,"rfc4884":1,"obj":[{"class":1,"type":1,
 * "mpls":[{"exp":0,"label":16,"s":1,"ttl":1}]}]} into p's label stack.
 */
static int
atlas_mpls(struct pctx *c, json_t *ext, struct trace_probe *p)
{
	static const char *const keys[4] = { "label", "exp", "s", "ttl" };
	json_t	*obj, *ml, *e;
	size_t	 i, j;

	json_array_foreach(json_object_get(ext, "obj"), i, obj) {
		json_array_foreach((ml = json_object_get(obj, "mpls")), j, e)
			if (jmpls(c, e, keys, p) == -1)
				return -1;
	}
	return 0;
}

/*
 * Atlas "err" (ICMP unreachable) as traceroute's annotation: N H A P p
 * (net, host, administratively prohibited, protocol, port) or a number
 * (the ICMP code).  A port unreachable from the destination is its normal
 * answer to a UDP probe and gets none.
 */
static int
atlas_err(json_t *err, const char *from, const char *dst, struct trace_probe *p)
{
	const char *s;
	char	 a[8];

	if (json_is_integer(err)) {
		snprintf(a, sizeof(a), "!%d",
		    (int)(json_integer_value(err) & 0xff));
		return paste_set_annot(p, a);
	}
	if (!json_is_string(err) || (s = json_string_value(err))[0] == '\0')
		return 0;
	if (strcmp(s, "p") == 0 && strcmp(from, dst) == 0)
		return 0;
	snprintf(a, sizeof(a), "!%s",
	    strcmp(s, "A") == 0 ? "X" : strcmp(s, "p") == 0 ? "" : s[1] == '\0' &&
	    strchr("NHP", s[0]) != NULL ? s : "");
	return paste_set_annot(p, a);
}

/* One Atlas traceroute result object into c->t. */
static int
atlas_result(struct pctx *c, json_t *root)
{
	json_t		*hops, *hop, *reps, *rep, *v;
	struct trace_probe *p;
	const char	*s;
	char		 buf[64], what[64];
	size_t		 i, j;
	long		 ttl, x;

	c->t->source = strdup("atlas");
	if (!json_is_string(json_object_get(root, "type")) ||
	    strcmp(json_string_value(json_object_get(root, "type")), "traceroute") != 0)
		return paste_err(c, "cannot parse Atlas JSON: not a traceroute result");
	if (!json_is_array(hops = json_object_get(root, "result")))
		return paste_err(c, "cannot parse Atlas JSON: no \"result\" array");
	if (jint(root, "prb_id", 0, LONG_MAX, &x)) {
		snprintf(buf, sizeof(buf), "atlas-probe-%ld", x);
		if ((c->t->agent = strdup(buf)) == NULL)
			return paste_err(c, "out of memory");
	}
	jaddr(root, "src_addr", c->t->src);
	if (json_is_string(v = json_object_get(root, "dst_name")) &&
	    paste_set_dst(c, json_string_value(v)) == -1)
		return -1;
	jaddr(root, "dst_addr", c->t->dst);
	if (jint(root, "af", 4, 6, &x) && (x == 4 || x == 6))
		c->t->af = (int)x;
	if (jint(root, "size", 0, 65535, &x))
		c->t->packet_size = (int)x;
	if (jint(root, "timestamp", 0, LONG_MAX, &x))
		c->t->start = (double)x;
	if (jint(root, "endtime", 0, LONG_MAX, &x))
		c->t->end = (double)x;
	s = json_is_string(v = json_object_get(root, "proto")) ?
	    json_string_value(v) : "";
	x = 0;
	jint(root, "paris_id", 0, 65535, &x);
	c->t->method = strcasecmp(s, "UDP") == 0 ? (x ? TRACE_METHOD_UDP_PARIS :
	    TRACE_METHOD_UDP) : strcasecmp(s, "ICMP") == 0 ? (x ?
	    TRACE_METHOD_ICMP_PARIS : TRACE_METHOD_ICMP) : strcasecmp(s, "TCP") == 0 ?
	    TRACE_METHOD_TCP : TRACE_METHOD_UNKNOWN;
	json_array_foreach(hops, i, hop) {
		if (!jint(hop, "hop", 1, TRACE_MAX_TTL, &ttl))
			return paste_err(c, "cannot parse Atlas JSON: result %zu has no "
			    "\"hop\" in 1..%d", i + 1, TRACE_MAX_TTL);
		if (paste_open_hop(c, (int)ttl) == -1)
			return -1;
		reps = json_object_get(hop, "result");
		if (!json_is_array(reps) || json_array_size(reps) == 0) {
			/* "error": the probe could not be sent; nothing came back */
			if (paste_add_probe(c, NULL, 0, 0) == NULL)
				return -1;
			continue;
		}
		json_array_foreach(reps, j, rep) {
			if (json_object_get(rep, "late") != NULL ||
			    json_is_true(json_object_get(rep, "dup")))
				continue;	/* an answer to an earlier probe */
			if (json_object_get(rep, "x") != NULL) {
				if (paste_add_probe(c, NULL, 0, 0) == NULL)
					return -1;
				continue;
			}
			snprintf(what, sizeof(what), "Atlas JSON: hop %ld reply %zu",
			    ttl, j + 1);
			if ((p = jreply(c, rep, "from", what)) == NULL)
				return -1;
			if (jint(rep, "ttl", 0, 255, &x))
				p->reply_ttl = (int)x;
			if (atlas_err(json_object_get(rep, "err"), p->addr,
			    c->t->dst, p) == -1)
				return paste_err(c, "out of memory");
			if (atlas_mpls(c, json_object_get(rep, "icmpext"), p) == -1)
				return -1;
		}
	}
	if (c->t->nhops > 0) {
		const struct trace_hop *h = &c->t->hops[c->t->nhops - 1];

		for (j = 0; j < (size_t)h->nprobes; j++)
			if (h->probes[j].replied &&
			    strcmp(h->probes[j].addr, c->t->dst) == 0)
				c->t->reached = 1;
		snprintf(c->t->stop_reason, sizeof(c->t->stop_reason), "%s",
		    c->t->reached ? "completed" : "max-ttl");
	}
	return 0;
}

/*
 * The traceroute results of a JSON text: one object, or an array of them
 * (what the Atlas API returns).  *root gets the parsed document.
 */
static int
atlas_load(struct pctx *c, json_t **root, size_t *n)
{
	json_error_t	 jerr;

	c->lineno = 1;
	if ((*root = json_loadb(c->text, c->len, 0, &jerr)) == NULL) {
		c->lineno = jerr.line > 0 ? jerr.line : 1;
		return paste_err(c, "cannot parse Atlas JSON: %s", jerr.text);
	}
	*n = json_is_array(*root) ? json_array_size(*root) : 1;
	return 0;
}

int
paste_parse_atlas(struct pctx *c)
{
	json_t	*root = NULL;
	size_t	 n = 0;
	int	 rc;

	if (atlas_load(c, &root, &n) == -1)
		return -1;
	if (n != 1)
		rc = paste_err(c, "cannot parse: %zu Atlas results; give one, or a "
		    "result and its reverse as a pair", n);
	else
		rc = atlas_result(c, json_is_array(root) ?
		    json_array_get(root, 0) : root);
	json_decref(root);
	return rc;
}

/* ---- scamper trace JSON ------------------------------------------- */

/*
 * One scamper "trace" object (sc_warts2json).  scamper lists only the
 * replies; a TTL up to hop_count with none is `attempts` probes unanswered,
 * a TTL with replies as many probes as its highest attempt (probe_id).
 */
static int
scamper_trace(struct pctx *c, json_t *o)
{
	static const char *const keys[4] = { "mpls_label", "mpls_exp", "mpls_s",
	    "mpls_ttl" };
	json_t		*hops, *h, *ext, *ml, *e, *v;
	struct trace_hop *hop;
	struct trace_probe *p;
	char		 what[64];
	const char	*s;
	size_t		 i, j, k;
	long		 ttl, x, attempts = 1, count = 0, first = 1, id;
	int		 t, maxid;

	c->t->source = strdup("scamper");
	jaddr(o, "src", c->t->src);
	if (json_is_string(v = json_object_get(o, "dst")) &&
	    paste_set_dst(c, json_string_value(v)) == -1)
		return -1;
	jint(o, "attempts", 1, TRACE_MAX_QUERIES, &attempts);
	jint(o, "hop_count", 0, TRACE_MAX_TTL, &count);
	jint(o, "firsthop", 1, TRACE_MAX_TTL, &first);
	if (jint(o, "probe_size", 0, 65535, &x))
		c->t->packet_size = (int)x;
	if (jint(o, "hoplimit", 1, TRACE_MAX_TTL, &x))
		c->t->max_ttl = (int)x;
	if (jint(json_object_get(o, "start"), "sec", 0, LONG_MAX, &x))
		c->t->start = (double)x;
	s = json_is_string(v = json_object_get(o, "method")) ? json_string_value(v) : "";
	c->t->method = strcmp(s, "udp-paris") == 0 ? TRACE_METHOD_UDP_PARIS :
	    strcmp(s, "udp") == 0 ? TRACE_METHOD_UDP :
	    strcmp(s, "icmp-echo-paris") == 0 ? TRACE_METHOD_ICMP_PARIS :
	    strcmp(s, "icmp-echo") == 0 ? TRACE_METHOD_ICMP :
	    strncmp(s, "tcp", 3) == 0 ? TRACE_METHOD_TCP : TRACE_METHOD_UNKNOWN;
	hops = json_object_get(o, "hops");
	if (hops != NULL && !json_is_array(hops))
		return paste_err(c, "cannot parse scamper JSON: \"hops\" is no array");
	json_array_foreach(hops, i, h) {
		if (!jint(h, "probe_ttl", 1, TRACE_MAX_TTL, &ttl))
			return paste_err(c, "cannot parse scamper JSON: reply %zu has no "
			    "probe_ttl", i + 1);
		if (ttl > count)
			count = ttl;
	}
	for (t = (int)first; t <= count; t++) {
		if (paste_open_hop(c, t) == -1)
			return -1;
		hop = c->hop;
		maxid = 0;
		json_array_foreach(hops, i, h) {
			jint(h, "probe_ttl", 1, TRACE_MAX_TTL, &ttl);
			if (ttl != t)
				continue;
			snprintf(what, sizeof(what), "scamper JSON: reply %zu", i + 1);
			if ((p = jreply(c, h, "addr", what)) == NULL)
				return -1;
			if (json_is_string(v = json_object_get(h, "name")) &&
			    paste_name_ok(json_string_value(v)) &&
			    trace_probe_set_name(c->hop, p, json_string_value(v)) == -1)
				return paste_err(c, "out of memory");
			if (jint(h, "reply_ttl", 0, 255, &x))
				p->reply_ttl = (int)x;
			if (jint(h, "icmp_type", 0, 255, &x))
				p->icmp_type = (int)x;
			if (jint(h, "icmp_code", 0, 255, &x))
				p->icmp_code = (int)x;
			if (jint(h, "probe_id", 0, TRACE_MAX_QUERIES - 1, &id) &&
			    id + 1 > maxid)
				maxid = (int)id + 1;
			json_array_foreach(json_object_get(h, "icmpext"), j, ext) {
				json_array_foreach((ml = json_object_get(ext,
				    "mpls_labels")), k, e)
					if (jmpls(c, e, keys, p) == -1)
						return -1;
			}
		}
		if (hop->nprobes == 0)
			maxid = (int)attempts;
		while (hop->nprobes < maxid)
			if (paste_add_probe(c, NULL, 0, 0) == NULL)
				return -1;
	}
	s = json_is_string(v = json_object_get(o, "stop_reason")) ?
	    json_string_value(v) : "";
	c->t->reached = strcmp(s, "COMPLETED") == 0;
	snprintf(c->t->stop_reason, sizeof(c->t->stop_reason), "%s",
	    c->t->reached ? "completed" : strcmp(s, "UNREACH") == 0 ?
	    "unreachable" : strcmp(s, "GAPLIMIT") == 0 ? "gap-limit" : "max-ttl");
	return 0;
}

/*
 * The "trace" objects of scamper's JSON output (one JSON object per line,
 * with cycle-start/-stop objects around them).  Up to max go into out
 * (new references); returns how many there were, or -1.
 */
static int
scamper_load(struct pctx *c, json_t **out, int max)
{
	json_t		*o, *ty;
	json_error_t	 jerr;
	size_t		 off = 0;
	int		 n = 0;

	c->lineno = 1;
	while (off < c->len) {
		while (off < c->len && isspace((unsigned char)c->text[off]))
			off++;
		if (off == c->len)
			break;
		if ((o = json_loadb(c->text + off, c->len - off,
		    JSON_DISABLE_EOF_CHECK, &jerr)) == NULL) {
			for (n = n < max ? n : max; n > 0; n--) {
				json_decref(out[n - 1]);
				out[n - 1] = NULL;	/* the caller frees out[] too */
			}
			return paste_err(c, "cannot parse scamper JSON at byte %zu: %s",
			    off + (jerr.position > 0 ? (size_t)jerr.position : 0),
			    jerr.text);
		}
		off += jerr.position > 0 ? (size_t)jerr.position : c->len - off;
		ty = json_object_get(o, "type");
		if (json_is_string(ty) && strcmp(json_string_value(ty), "trace") == 0) {
			if (n < max)
				out[n] = o;
			else
				json_decref(o);
			n++;
		} else
			json_decref(o);
	}
	return n;
}

int
paste_parse_scamper(struct pctx *c)
{
	json_t	*o[1] = { NULL };
	int	 n, rc;

	if ((n = scamper_load(c, o, 1)) == -1)
		return -1;
	if (n != 1) {
		if (n > 0)
			json_decref(o[0]);
		return paste_err(c, "cannot parse: %d scamper traces; give one, or a "
		    "trace and its reverse as a pair", n);
	}
	rc = scamper_trace(c, o[0]);
	json_decref(o[0]);
	return rc;
}

/* ---- tracepair JSON ------------------------------------------------ */

int
paste_parse_tracepair(struct pctx *c)
{
	json_t		*root;
	json_error_t	 jerr;
	struct trace	*t;
	char		 msg[200];

	if ((root = json_loadb(c->text, c->len, 0, &jerr)) == NULL) {
		c->lineno = jerr.line > 0 ? jerr.line : 1;
		return paste_err(c, "cannot parse tracepair JSON: %s", jerr.text);
	}
	/* one direction as `analyze --json` writes it: {"trace":..., "analysis":...} */
	if (json_object_get(root, "hops") == NULL &&
	    json_is_object(json_object_get(root, "trace")))
		t = trace_from_jobj(json_object_get(root, "trace"), msg, sizeof(msg));
	else
		t = trace_from_jobj(root, msg, sizeof(msg));
	json_decref(root);
	if (t == NULL) {
		c->lineno = 1;
		return paste_err(c, "cannot parse tracepair JSON: %s", msg);
	}
	trace_free(c->t);
	c->t = t;
	return 0;
}


/* A tracepair pair document: {"forward": trace, "reverse": trace}. */
static int
tracepair_pair(const char *text, size_t len, struct trace **fwd,
    struct trace **rev, char *err, size_t errlen)
{
	json_t		*root, *f, *r;
	json_error_t	 jerr;
	char		 msg[200];

	if ((root = json_loadb(text, len, 0, &jerr)) == NULL) {
		snprintf(err, errlen, "%d: cannot parse pair JSON: %s",
		    jerr.line > 0 ? jerr.line : 1, jerr.text);
		return -1;
	}
	f = json_object_get(root, "forward");
	r = json_object_get(root, "reverse");
	if (!json_is_object(f) || !json_is_object(r)) {
		snprintf(err, errlen, "1: cannot parse pair JSON: no \"forward\" "
		    "and \"reverse\" traces");
		json_decref(root);
		return -1;
	}
	if ((*fwd = trace_from_jobj(f, msg, sizeof(msg))) == NULL) {
		snprintf(err, errlen, "1: cannot parse the forward trace: %s", msg);
		goto fail;
	}
	if ((*rev = trace_from_jobj(r, msg, sizeof(msg))) == NULL) {
		snprintf(err, errlen, "1: cannot parse the reverse trace: %s", msg);
		goto fail;
	}
	json_decref(root);
	return 0;
fail:
	trace_free(*fwd);
	*fwd = NULL;
	json_decref(root);
	return -1;
}

/*
 * The Atlas results or scamper traces of text (fmt says which), up to two
 * into two[] (new references).  Returns how many there are, -1 on bad
 * JSON (err set).
 */
static int
pair_members(const char *text, size_t len, enum paste_format fmt, json_t *two[2],
    char *err, size_t errlen)
{
	struct pctx	*c;
	json_t		*root;
	size_t		 n = 0, i;
	int		 rc;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "1: out of memory");
		return -1;
	}
	c->text = text;
	c->len = len;
	c->err = err;
	c->errlen = errlen;
	if (fmt == PASTE_SCAMPER)
		rc = scamper_load(c, two, 2);
	else if ((rc = atlas_load(c, &root, &n)) == 0) {
		for (i = 0; i < 2 && i < n && json_is_array(root); i++)
			two[i] = json_incref(json_array_get(root, i));
		rc = (int)n;
		json_decref(root);
	}
	free(c);
	return rc;
}

/* Each of two JSON members parsed alone, in the given format. */
static int
pair_of_two(json_t *two[2], enum paste_format fmt, struct trace **fwd,
    struct trace **rev, char *err, size_t errlen)
{
	char	*s;
	int	 k;

	for (k = 0; k < 2; k++) {
		struct trace **t = k == 0 ? fwd : rev;

		if ((s = json_dumps(two[k], JSON_COMPACT)) == NULL) {
			snprintf(err, errlen, "1: out of memory");
			break;
		}
		*t = paste_parse(s, strlen(s), fmt, err, errlen);
		free(s);
		if (*t == NULL)
			break;
	}
	if (k == 2)
		return 0;
	trace_free(*fwd);
	*fwd = NULL;
	return -1;
}

int
paste_parse_pair(const char *text, size_t len, struct trace **fwd,
    struct trace **rev, char *err, size_t errlen)
{
	enum paste_format fmt;
	json_t		*two[2] = { NULL, NULL };
	char		*conv;
	int		 rc = -1, n;

	*fwd = *rev = NULL;
	if (paste_decode_text(&text, &len, &conv, err, errlen) == -1)
		return -1;
	fmt = paste_detect_format(text, len);
	if (fmt == PASTE_ATLAS || fmt == PASTE_SCAMPER) {
		if ((n = pair_members(text, len, fmt, two, err, errlen)) == 2)
			rc = pair_of_two(two, fmt, fwd, rev, err, errlen);
		else if (n >= 0)
			snprintf(err, errlen, "1: cannot parse pair: %d %s; a pair "
			    "is two", n, fmt == PASTE_ATLAS ? "Atlas results" :
			    "scamper traces");
		json_decref(two[0]);
		json_decref(two[1]);
	} else
		rc = tracepair_pair(text, len, fwd, rev, err, errlen);
	free(conv);
	return rc;
}

int
paste_is_pair(const char *text, size_t len)
{
	enum paste_format fmt;
	json_t		*two[2] = { NULL, NULL }, *root;
	char		*conv, err[256];
	int		 pair = 0;

	if (paste_decode_text(&text, &len, &conv, err, sizeof(err)) == -1)
		return 0;
	fmt = paste_detect_format(text, len);
	if (fmt == PASTE_ATLAS || fmt == PASTE_SCAMPER) {
		pair = pair_members(text, len, fmt, two, err, sizeof(err)) == 2;
		json_decref(two[0]);
		json_decref(two[1]);
	} else if (fmt == PASTE_TRACEPAIR &&
	    (root = json_loadb(text, len, 0, NULL)) != NULL) {
		pair = json_object_get(root, "forward") != NULL ||
		    json_object_get(root, "reverse") != NULL;
		json_decref(root);
	}
	free(conv);
	return pair;
}

