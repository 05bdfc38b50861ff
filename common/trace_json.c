/* trace_json.c: the trace model to and from JSON (docs/trace-json.md). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "trace.h"

#define TRACE_JSON_VERSION 1

static json_t *
jstr_or_null(const char *s)
{
	return (s != NULL && *s != '\0') ? json_string(s) : json_null();
}

/* A UNIX time as "2026-11-23T10:00:00.000Z", null when unset (0). */
static json_t *
jtime_or_null(double t)
{
	char	 ts[40];

	if (!(t > 0))
		return json_null();
	trace_format_time(t, ts, sizeof(ts));
	return json_string(ts);
}

static json_t *
probe_to_jobj(const struct trace_probe *p)
{
	const struct trace_probe_more *pm = trace_probe_more(p);
	json_t	*o, *mpls;
	int	 i;

	o = json_object();
	json_object_set_new(o, "addr", jstr_or_null(p->addr));
	json_object_set_new(o, "name", jstr_or_null(p->name));
	json_object_set_new(o, "rtt_ms",
	    p->replied ? json_real(p->rtt_ms) : json_null());
	json_object_set_new(o, "reply_ttl",
	    p->reply_ttl >= 0 ? json_integer(p->reply_ttl) : json_null());
	json_object_set_new(o, "icmp_type",
	    p->icmp_type >= 0 ? json_integer(p->icmp_type) : json_null());
	json_object_set_new(o, "icmp_code",
	    p->icmp_code >= 0 ? json_integer(p->icmp_code) : json_null());
	json_object_set_new(o, "annotations", json_string(pm->annot));
	mpls = json_array();
	for (i = 0; i < pm->nmpls; i++)
		json_array_append_new(mpls, json_pack("{s:I,s:i,s:i,s:i}",
		    "label", (json_int_t)pm->mpls[i].label, "exp", pm->mpls[i].exp,
		    "s", pm->mpls[i].s, "ttl", pm->mpls[i].ttl));
	json_object_set_new(o, "mpls", mpls);
	if (pm->quoted_diff != NULL)
		json_object_set_new(o, "quoted_diff", json_string(pm->quoted_diff));
	if (p->asn != 0)
		json_object_set_new(o, "asn", json_integer(p->asn));
	if (p->asn != 0 && pm->nmore_asns > 0) {
		json_t	*a = json_array();

		json_array_append_new(a, json_integer(p->asn));
		for (i = 0; i < pm->nmore_asns; i++)
			json_array_append_new(a, json_integer(pm->more_asns[i]));
		json_object_set_new(o, "asns", a);
	}
	return o;
}

static json_t *
hop_to_jobj(const struct trace_hop *h)
{
	struct trace_hop_stats s;
	struct trace_responder r[64];
	json_t	*o, *arr;
	int	 i, n;

	trace_hop_stats(h, &s);
	o = json_object();
	json_object_set_new(o, "ttl", json_integer(h->ttl));
	json_object_set_new(o, "sent", json_integer(s.sent));
	json_object_set_new(o, "received", json_integer(s.received));
	json_object_set_new(o, "loss_pct", json_real(s.loss_pct));
	if (s.received > 0) {
		json_object_set_new(o, "min_ms", json_real(s.min_ms));
		json_object_set_new(o, "avg_ms", json_real(s.avg_ms));
		json_object_set_new(o, "max_ms", json_real(s.max_ms));
		json_object_set_new(o, "stddev_ms", json_real(s.stddev_ms));
	}
	arr = json_array();
	n = trace_hop_responders(h, r, 64);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:o,s:o,s:i}",
		    "addr", jstr_or_null(r[i].addr),
		    "name", jstr_or_null(r[i].name), "replies", r[i].count));
	json_object_set_new(o, "responders", arr);
	if (h->echo_sent > 0) {
		json_object_set_new(o, "loss_method",
		    json_string(h->loss_by_echo ? "echo" : "probe"));
		json_object_set_new(o, "echo", json_pack("{s:i,s:i}",
		    "sent", h->echo_sent, "received", h->echo_received));
	}
	if (h->rl_rate > 0)
		json_object_set_new(o, "rate_limit", json_pack("{s:f,s:i}",
		    "replies_per_s", h->rl_rate, "burst", h->rl_burst));
	arr = json_array();
	for (i = 0; i < h->nprobes; i++)
		json_array_append_new(arr, probe_to_jobj(&h->probes[i]));
	json_object_set_new(o, "probes", arr);
	return o;
}

/* A trace's members but "hops", for trace_to_jobj and trace_to_jobj_lazy. */
static json_t *
trace_head_jobj(const struct trace *t)
{
	json_t	*o;

	o = json_object();
	json_object_set_new(o, "version", json_integer(TRACE_JSON_VERSION));
	json_object_set_new(o, "source", jstr_or_null(t->source));
	json_object_set_new(o, "agent", jstr_or_null(t->agent));
	json_object_set_new(o, "src", jstr_or_null(t->src));
	json_object_set_new(o, "dst", jstr_or_null(t->dst));
	json_object_set_new(o, "dst_name", jstr_or_null(t->dst_name));
	json_object_set_new(o, "af", t->af ? json_integer(t->af) : json_null());
	json_object_set_new(o, "method", json_string(trace_method_name(t->method)));
	json_object_set_new(o, "port", json_integer(t->port));
	json_object_set_new(o, "first_ttl", json_integer(t->first_ttl));
	json_object_set_new(o, "max_ttl", json_integer(t->max_ttl));
	json_object_set_new(o, "queries", json_integer(t->queries));
	json_object_set_new(o, "packet_size", json_integer(t->packet_size));
	json_object_set_new(o, "options", jstr_or_null(t->options));
	json_object_set_new(o, "start", jtime_or_null(t->start));
	json_object_set_new(o, "end", jtime_or_null(t->end));
	json_object_set_new(o, "reached", json_boolean(t->reached));
	json_object_set_new(o, "stop_reason", json_string(t->stop_reason));
	json_object_set_new(o, "unmatched_icmp", json_integer((json_int_t)t->unmatched_icmp));
	json_object_set_new(o, "malformed_icmp", json_integer((json_int_t)t->malformed_icmp));
	return o;
}

json_t *
trace_to_jobj(const struct trace *t)
{
	json_t	*o, *hops;
	int	 i;

	o = trace_head_jobj(t);
	hops = json_array();
	for (i = 0; i < t->nhops; i++)
		json_array_append_new(hops, hop_to_jobj(&t->hops[i]));
	json_object_set_new(o, "hops", hops);
	return o;
}

/*
 * The mark trace_to_jobj_lazy() leaves in "hops": a string no trace's
 * member holds as its value, so that its quoted form in the dumped text
 * (quotes inside strings are escaped) can only be that member.
 */
#define TRACE_HOPS_MARK "@tracepair-hops-of-trace-%d@"

json_t *
trace_to_jobj_lazy(const struct trace *t, int slot)
{
	json_t	*o;
	char	 mark[64];

	if ((o = trace_head_jobj(t)) == NULL)
		return NULL;
	snprintf(mark, sizeof(mark), TRACE_HOPS_MARK, slot);
	json_object_set_new(o, "hops", json_string(mark));
	return o;
}

/* n spaces to fp; -1 when writing fails. */
static int
put_spaces(FILE *fp, size_t n)
{
	static const char sp[] = "                                ";

	for (; n > sizeof(sp) - 1; n -= sizeof(sp) - 1)
		if (fwrite(sp, 1, sizeof(sp) - 1, fp) != sizeof(sp) - 1)
			return -1;
	return fwrite(sp, 1, n, fp) == n ? 0 : -1;
}

/*
 * Flags the direct writer (trace_hop_to_json_direct) lays out as jansson
 * does: indented or compact, reals to 6 digits, members in order, nothing
 * else (no ENSURE_ASCII, SORT_KEYS, ESCAPE_SLASH, ...).
 */
static int
direct_flags(size_t flags)
{
	size_t	 rest = flags & ~(size_t)(JSON_MAX_INDENT | JSON_COMPACT |
		    JSON_PRESERVE_ORDER);

	return rest == JSON_REAL_PRECISION(6) &&
	    ((flags & JSON_MAX_INDENT) > 0 || (flags & JSON_COMPACT));
}

/*
 * One hop as jansson writes its tree with flags, its lines after the
 * first indented col more spaces: the direct writer's text when it can,
 * else jansson's.  -1 when writing fails or out of memory.
 */
static int
hop_dumpf(FILE *fp, const struct trace_hop *hop, size_t flags, size_t col)
{
	size_t	 ws = flags & JSON_MAX_INDENT, k, n, len;
	json_t	*h;
	char	*s;
	int	 rc = 0;

	if (direct_flags(flags) &&
	    (s = trace_hop_to_json_direct(hop, ws, col, &len)) != NULL) {
		rc = fwrite(s, 1, len, fp) == len ? 0 : -1;
		free(s);
		return rc;
	}
	if ((h = hop_to_jobj(hop)) == NULL)
		return -1;
	s = json_dumps(h, flags);
	json_decref(h);
	if (s == NULL)
		return -1;
	/* the hop's own lines, one level deeper: newlines are only
	   structure (jansson escapes them inside strings) */
	for (k = 0; s[k] != '\0' && rc == 0; k += n) {
		n = strcspn(s + k, "\n");
		if (fwrite(s + k, 1, n, fp) != n)
			rc = -1;
		else if (s[k + n] == '\n') {
			n++;
			if (putc('\n', fp) == EOF ||
			    (ws > 0 && put_spaces(fp, col) == -1))
				rc = -1;
		}
	}
	free(s);
	return rc;
}

/*
 * The hops of t as the array jansson writes with flags, its opening
 * bracket at column col of a pretty-printed document (the column of the
 * "hops" key, one level deeper than the trace object); one hop at a time.
 * -1 when writing fails or out of memory.
 */
static int
hops_dumpf(FILE *fp, const struct trace *t, size_t flags, size_t col)
{
	size_t	 ws = flags & JSON_MAX_INDENT;
	int	 i;

	if (t->nhops == 0)
		return fputs("[]", fp) == EOF ? -1 : 0;
	if (putc('[', fp) == EOF)
		return -1;
	for (i = 0; i < t->nhops; i++) {
		if (i > 0 && fputs(ws > 0 || (flags & JSON_COMPACT) ? "," : ", ",
		    fp) == EOF)
			return -1;
		if (ws > 0 && (putc('\n', fp) == EOF || put_spaces(fp, col + ws) == -1))
			return -1;
		if (hop_dumpf(fp, &t->hops[i], flags, col + ws) == -1)
			return -1;
	}
	if (ws > 0 && (putc('\n', fp) == EOF || put_spaces(fp, col) == -1))
		return -1;
	return putc(']', fp) == EOF ? -1 : 0;
}

int
trace_json_dumpf(FILE *fp, json_t *doc, const struct trace *const *traces,
    int ntraces, size_t flags)
{
	const char	*key = (flags & JSON_COMPACT) ? "\"hops\":\"" : "\"hops\": \"";
	char		*s, *p, *at, mark[64];
	size_t		 col;
	int		 slot, n, rc = 0;

	if ((s = json_dumps(doc, flags)) == NULL)
		return -1;
	for (p = s; rc == 0 && (at = strstr(p, key)) != NULL;) {
		slot = -1;
		n = 0;
		if (sscanf(at + strlen(key), "@tracepair-hops-of-trace-%d@\"%n",
		    &slot, &n) != 1 || n == 0 || slot < 0 || slot >= ntraces) {
			/* a "hops" that is no mark: written as it is */
			at += strlen(key);
			rc = fwrite(p, 1, (size_t)(at - p), fp) ==
			    (size_t)(at - p) ? 0 : -1;
			p = at;
			continue;
		}
		snprintf(mark, sizeof(mark), TRACE_HOPS_MARK, slot);
		for (col = 0; at - col > s && at[-(ptrdiff_t)col - 1] == ' '; col++)
			;
		at += strlen(key) - 1;		/* the value's opening quote */
		if (fwrite(p, 1, (size_t)(at - p), fp) != (size_t)(at - p) ||
		    hops_dumpf(fp, traces[slot], flags, col) == -1)
			rc = -1;
		p = at + strlen(mark) + 2;
	}
	if (rc == 0 && fputs(p, fp) == EOF)
		rc = -1;
	free(s);
	return rc;
}

char *
trace_to_json(const struct trace *t, int pretty)
{
	json_t	*o;
	char	*s;

	/* The same bytes without the tree (trace_jsonw.c), when it can. */
	if (!pretty && (s = trace_to_json_compact(t)) != NULL)
		return s;
	if ((o = trace_to_jobj(t)) == NULL)
		return NULL;
	s = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(o);
	return s;
}

/* Optional string member: copied into buf (bounded); absent/null is "". */
static int
get_str(json_t *o, const char *key, char *buf, size_t len, char *err,
    size_t errlen)
{
	json_t	*v = json_object_get(o, key);

	buf[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= len) {
		snprintf(err, errlen, "\"%s\" must be a string shorter than %zu",
		    key, len);
		return -1;
	}
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int
get_dup(json_t *o, const char *key, char **out, char *err, size_t errlen)
{
	json_t	*v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		snprintf(err, errlen, "\"%s\" must be a string", key);
		return -1;
	}
	if ((*out = strdup(json_string_value(v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Optional integer member within [lo, hi]; absent/null leaves *out. */
static int
get_int(json_t *o, const char *key, long lo, long hi, int *out, char *err,
    size_t errlen)
{
	json_t	*v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi) {
		snprintf(err, errlen, "\"%s\" must be an integer in %ld..%ld",
		    key, lo, hi);
		return -1;
	}
	*out = (int)json_integer_value(v);
	return 0;
}

static int
get_time(json_t *o, const char *key, double *out, char *err, size_t errlen)
{
	json_t	*v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || trace_parse_time(json_string_value(v), out) == -1) {
		snprintf(err, errlen, "\"%s\" must be a UTC time like "
		    "2026-11-23T10:00:00.000Z", key);
		return -1;
	}
	return 0;
}

/* A hop's loss-measurement members (loss_method, echo, rate_limit). */
static int
hop_loss_from_jobj(json_t *hop, struct trace_hop *h, char *err, size_t errlen)
{
	json_t	*v, *e;
	char	 m[16];

	if (get_str(hop, "loss_method", m, sizeof(m), err, errlen) == -1)
		return -1;
	if (m[0] != '\0' && strcmp(m, "echo") != 0 && strcmp(m, "probe") != 0) {
		snprintf(err, errlen, "hop %d: unknown loss_method \"%s\"", h->ttl, m);
		return -1;
	}
	h->loss_by_echo = strcmp(m, "echo") == 0;
	if ((e = json_object_get(hop, "echo")) != NULL && !json_is_null(e)) {
		if (!json_is_object(e) ||
		    get_int(e, "sent", 0, TRACE_MAX_QUERIES, &h->echo_sent, err,
		    errlen) == -1 ||
		    get_int(e, "received", 0, h->echo_sent, &h->echo_received,
		    err, errlen) == -1) {
			snprintf(err, errlen, "hop %d: bad \"echo\"", h->ttl);
			return -1;
		}
	}
	if (h->loss_by_echo && h->echo_sent == 0) {
		snprintf(err, errlen, "hop %d: loss by echo without \"echo\"", h->ttl);
		return -1;
	}
	if ((e = json_object_get(hop, "rate_limit")) != NULL && !json_is_null(e)) {
		v = json_is_object(e) ? json_object_get(e, "replies_per_s") : NULL;
		if (!json_is_number(v) || json_number_value(v) <= 0 ||
		    json_number_value(v) > 1e6 ||
		    get_int(e, "burst", 0, TRACE_MAX_QUERIES, &h->rl_burst, err,
		    errlen) == -1) {
			snprintf(err, errlen, "hop %d: bad \"rate_limit\"", h->ttl);
			return -1;
		}
		h->rl_rate = json_number_value(v);
	}
	return 0;
}

/* Fill p, a probe of h, from its object o.  -1 with a reason in err. */
static int
probe_from_jobj(json_t *o, struct trace_hop *h, struct trace_probe *p,
    char *err, size_t errlen)
{
	struct trace_probe_more mo;
	json_t	*v, *e;
	char	 addr[TRACE_ADDR_LEN], *name = NULL;
	size_t	 i;
	int	 label, x, rttl = p->reply_ttl, itype = p->icmp_type,
		 icode = p->icmp_code;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "a probe must be an object");
		return -1;
	}
	memset(&mo, 0, sizeof(mo));
	if (get_str(o, "addr", addr, sizeof(addr), err, errlen) == -1 ||
	    get_dup(o, "name", &name, err, errlen) == -1)
		return -1;
	if (trace_probe_set_addr(h, p, addr) == -1 ||
	    trace_probe_set_name(h, p, name) == -1) {
		free(name);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(name);
	if (get_int(o, "reply_ttl", 0, 255, &rttl, err, errlen) == -1 ||
	    get_int(o, "icmp_type", 0, 255, &itype, err, errlen) == -1 ||
	    get_int(o, "icmp_code", 0, 255, &icode, err, errlen) == -1 ||
	    get_str(o, "annotations", mo.annot, sizeof(mo.annot), err, errlen) == -1 ||
	    get_dup(o, "quoted_diff", &mo.quoted_diff, err, errlen) == -1)
		return -1;
	p->reply_ttl = rttl;
	p->icmp_type = itype;
	p->icmp_code = icode;
	/* from here on mo.quoted_diff is freed with p (moved to p->more now) */
	if (mo.quoted_diff != NULL) {
		if (trace_probe_more_alloc(p) == NULL) {
			free(mo.quoted_diff);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		p->more->quoted_diff = mo.quoted_diff;
	}
	x = 0;
	if (get_int(o, "asn", 0, 0x7fffffffL, &x, err, errlen) == -1)
		return -1;
	p->asn = (uint32_t)x;
	v = json_object_get(o, "asns");
	if (v != NULL && !json_is_null(v)) {
		size_t	 k;
		json_t	*ae;

		/* all origins, "asn" first: the ones after it */
		if (!json_is_array(v) || json_array_size(v) > TRACE_MAX_MORE_ASNS + 1) {
			snprintf(err, errlen, "\"asns\" must be an array of at most %d",
			    TRACE_MAX_MORE_ASNS + 1);
			return -1;
		}
		json_array_foreach(v, k, ae) {
			if (!json_is_integer(ae) || json_integer_value(ae) <= 0 ||
			    json_integer_value(ae) > 0xffffffffLL) {
				snprintf(err, errlen, "\"asns\" entries must be AS "
				    "numbers");
				return -1;
			}
			if (k > 0)
				mo.more_asns[mo.nmore_asns++] =
				    (uint32_t)json_integer_value(ae);
		}
	}
	v = json_object_get(o, "rtt_ms");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_number(v) || json_number_value(v) < 0 ||
		    json_number_value(v) > TRACE_MAX_RTT_MS) {
			snprintf(err, errlen, "\"rtt_ms\" must be a number "
			    "from 0 to %.0f or null", TRACE_MAX_RTT_MS);
			return -1;
		}
		p->replied = 1;
		p->rtt_ms = json_number_value(v);
	}
	v = json_object_get(o, "mpls");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_array(v) || json_array_size(v) > TRACE_MAX_MPLS) {
			snprintf(err, errlen, "\"mpls\" must be an array of at most %d",
			    TRACE_MAX_MPLS);
			return -1;
		}
		json_array_foreach(v, i, e) {
			struct trace_mpls *m = &mo.mpls[i];
			int	 exp = 0, s = 0, ttl = 0;

			label = 0;
			if (!json_is_object(e)) {
				snprintf(err, errlen, "an mpls entry must be an object");
				return -1;
			}
			if (get_int(e, "label", 0, 0xfffff, &label, err, errlen) == -1 ||
			    get_int(e, "exp", 0, 7, &exp, err, errlen) == -1 ||
			    get_int(e, "s", 0, 1, &s, err, errlen) == -1 ||
			    get_int(e, "ttl", 0, 255, &ttl, err, errlen) == -1)
				return -1;
			m->label = (uint32_t)label;
			m->exp = (uint8_t)exp;
			m->s = (uint8_t)s;
			m->ttl = (uint8_t)ttl;
			mo.nmpls++;
		}
	}
	if (mo.annot[0] != '\0' || mo.nmpls > 0 || mo.nmore_asns > 0) {
		if (trace_probe_more_alloc(p) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		mo.quoted_diff = p->more->quoted_diff;
		*p->more = mo;
	}
	return 0;
}

struct trace *
trace_from_jobj(json_t *o, char *err, size_t errlen)
{
	struct trace	*t;
	struct trace_hop *h;
	json_t		*hops, *hop, *probes, *v;
	size_t		 i, j;
	int		 ttl, prev_ttl = 0;
	char		 method[32];

	if (!json_is_object(o)) {
		snprintf(err, errlen, "a trace must be a JSON object");
		return NULL;
	}
	if ((t = trace_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v = json_object_get(o, "version");
	if (v != NULL && (!json_is_integer(v) ||
	    json_integer_value(v) != TRACE_JSON_VERSION)) {
		snprintf(err, errlen, "unsupported trace JSON version");
		goto fail;
	}
	if (get_dup(o, "source", &t->source, err, errlen) == -1 ||
	    get_dup(o, "agent", &t->agent, err, errlen) == -1 ||
	    get_str(o, "src", t->src, sizeof(t->src), err, errlen) == -1 ||
	    get_str(o, "dst", t->dst, sizeof(t->dst), err, errlen) == -1 ||
	    get_dup(o, "dst_name", &t->dst_name, err, errlen) == -1 ||
	    get_int(o, "af", 0, 6, &t->af, err, errlen) == -1 ||
	    get_int(o, "port", 0, 65535, &t->port, err, errlen) == -1 ||
	    get_int(o, "first_ttl", 0, 255, &t->first_ttl, err, errlen) == -1 ||
	    get_int(o, "max_ttl", 0, 255, &t->max_ttl, err, errlen) == -1 ||
	    get_int(o, "queries", 0, TRACE_MAX_QUERIES, &t->queries, err, errlen) == -1 ||
	    get_int(o, "packet_size", 0, 65535, &t->packet_size, err, errlen) == -1 ||
	    get_dup(o, "options", &t->options, err, errlen) == -1 ||
	    get_time(o, "start", &t->start, err, errlen) == -1 ||
	    get_time(o, "end", &t->end, err, errlen) == -1 ||
	    get_str(o, "stop_reason", t->stop_reason, sizeof(t->stop_reason),
	    err, errlen) == -1 ||
	    get_str(o, "method", method, sizeof(method), err, errlen) == -1)
		goto fail;
	if (method[0] != '\0' && trace_method_parse(method, &t->method) == -1) {
		snprintf(err, errlen, "unknown method \"%s\"", method);
		goto fail;
	}
	v = json_object_get(o, "reached");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v)) {
			snprintf(err, errlen, "\"reached\" must be true or false");
			goto fail;
		}
		t->reached = json_is_true(v);
	}
	v = json_object_get(o, "unmatched_icmp");
	if (v != NULL && json_is_integer(v) && json_integer_value(v) >= 0)
		t->unmatched_icmp = (uint64_t)json_integer_value(v);
	v = json_object_get(o, "malformed_icmp");
	if (v != NULL && json_is_integer(v) && json_integer_value(v) >= 0)
		t->malformed_icmp = (uint64_t)json_integer_value(v);

	hops = json_object_get(o, "hops");
	if (!json_is_array(hops) || json_array_size(hops) > TRACE_MAX_TTL) {
		snprintf(err, errlen, "\"hops\" must be an array of at most %d hops",
		    TRACE_MAX_TTL);
		goto fail;
	}
	json_array_foreach(hops, i, hop) {
		if (!json_is_object(hop)) {
			snprintf(err, errlen, "hop %zu is not an object", i + 1);
			goto fail;
		}
		ttl = 0;
		if (get_int(hop, "ttl", 1, 255, &ttl, err, errlen) == -1)
			goto fail;
		if (ttl <= prev_ttl) {
			snprintf(err, errlen, "hop %zu: ttl %d is missing or not "
			    "ascending", i + 1, ttl);
			goto fail;
		}
		prev_ttl = ttl;
		probes = json_object_get(hop, "probes");
		if (!json_is_array(probes) ||
		    json_array_size(probes) > TRACE_MAX_QUERIES) {
			snprintf(err, errlen, "hop %d: \"probes\" must be an array "
			    "of at most %d", ttl, TRACE_MAX_QUERIES);
			goto fail;
		}
		if ((h = trace_add_hop(t, ttl, (int)json_array_size(probes))) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if (hop_loss_from_jobj(hop, h, err, errlen) == -1)
			goto fail;
		json_array_foreach(probes, j, v) {
			if (probe_from_jobj(v, h, &h->probes[j], err, errlen) == -1) {
				char	 inner[200];

				snprintf(inner, sizeof(inner), "%s", err);
				snprintf(err, errlen, "hop %d probe %zu: %s", ttl,
				    j + 1, inner);
				goto fail;
			}
		}
	}
	return t;
fail:
	trace_free(t);
	return NULL;
}

struct trace *
trace_from_json(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t	 jerr;
	json_t		*o;
	struct trace	*t;

	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		snprintf(err, errlen, "line %d: %s", jerr.line, jerr.text);
		return NULL;
	}
	t = trace_from_jobj(o, err, errlen);
	json_decref(o);
	return t;
}
