/* trace_jsonw.c: the JSON of a trace (compact) or of one hop (compact or indented) written directly, byte for byte what trace_json.c's jansson tree dumps, without building the tree (the store's ingest, the analysis report; bench/README.md). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

/*
 * trace_to_json(t, 0) builds a jansson tree (some 2,000 allocations for
 * 30 hops x 3 probes) and dumps it; the controller does that for every
 * result it stores, and it was most of the store's time.  This writes the
 * same bytes in one growing buffer: JSON_COMPACT | JSON_PRESERVE_ORDER |
 * JSON_REAL_PRECISION(6).  Where jansson would leave a member out (a
 * string that is not UTF-8, a real that is not finite) it gives up and
 * trace_to_json falls back to jansson, so the output never differs
 * (test_trace compares the two).  One hop is also written indented, as
 * JSON_INDENT(n) lays it out, for trace_json_dumpf() (the hops of
 * `tracepair analyze --json`: 40 % of its time went to building and
 * dumping their trees).
 */

/* The text being written and where the writer is in it. */
struct jw {
	char	*buf;
	size_t	 len, cap;
	int	 bad;	/* out of memory, or a value only jansson may judge */
	size_t	 ws;	/* spaces per level (JSON_INDENT), 0: compact */
	size_t	 col;	/* the column of the outermost value's lines */
	int	 depth;	/* objects and arrays open */
};

static void
jw_grow(struct jw *w, size_t n)
{
	char	*nb;
	size_t	 cap;

	if (w->bad || w->len + n + 1 <= w->cap)
		return;
	cap = w->cap ? w->cap : 4096;
	while (cap < w->len + n + 1)
		cap *= 2;
	if ((nb = realloc(w->buf, cap)) == NULL) {
		w->bad = 1;
		return;
	}
	w->buf = nb;
	w->cap = cap;
}

static void
jw_raw(struct jw *w, const char *s, size_t n)
{
	jw_grow(w, n);
	if (w->bad)
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void
jw_lit(struct jw *w, const char *s)
{
	jw_raw(w, s, strlen(s));
}

/* Between members or elements when indented: a new line at the depth. */
static void
jw_nl(struct jw *w)
{
	size_t	 n;

	if (w->ws == 0)
		return;
	n = w->col + (size_t)w->depth * w->ws;
	jw_grow(w, n + 1);
	if (w->bad)
		return;
	w->buf[w->len++] = '\n';
	memset(w->buf + w->len, ' ', n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* '{' or '[': one level deeper. */
static void
jw_open(struct jw *w, char c)
{
	jw_raw(w, &c, 1);
	w->depth++;
}

/* '}' or ']' of an object or array that had members (any) or not. */
static void
jw_close(struct jw *w, char c, int any)
{
	w->depth--;
	if (any)
		jw_nl(w);
	jw_raw(w, &c, 1);
}

/* Before element i of an array. */
static void
jw_elem(struct jw *w, int i)
{
	if (i > 0)
		jw_raw(w, ",", 1);
	jw_nl(w);
}

/* 1 when s is well-formed UTF-8 as jansson's utf8_check_string wants it. */
static int
jw_utf8(const unsigned char *s, size_t n)
{
	size_t		 i = 0, k, len;
	unsigned	 c, cp;

	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static void
jw_str(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t		 n = strlen(s), i, run;
	char		 esc[8];

	if (!jw_utf8(p, n)) {
		w->bad = 1;
		return;
	}
	jw_raw(w, "\"", 1);
	for (i = 0; i < n; i += run) {
		for (run = 0; i + run < n && p[i + run] >= 0x20 &&
		    p[i + run] != '"' && p[i + run] != '\\'; run++)
			;
		if (run > 0) {
			jw_raw(w, s + i, run);
			continue;
		}
		run = 1;
		switch (p[i]) {
		case '"': jw_raw(w, "\\\"", 2); break;
		case '\\': jw_raw(w, "\\\\", 2); break;
		case '\b': jw_raw(w, "\\b", 2); break;
		case '\f': jw_raw(w, "\\f", 2); break;
		case '\n': jw_raw(w, "\\n", 2); break;
		case '\r': jw_raw(w, "\\r", 2); break;
		case '\t': jw_raw(w, "\\t", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 15];
			jw_raw(w, esc, 6);
			break;
		}
	}
	jw_raw(w, "\"", 1);
}

/* "key": (a member's name; comma: not the object's first) */
static void
jw_key(struct jw *w, int comma, const char *key)
{
	if (comma)
		jw_raw(w, ",", 1);
	jw_nl(w);
	jw_raw(w, "\"", 1);
	jw_lit(w, key);
	if (w->ws > 0)
		jw_raw(w, "\": ", 3);
	else
		jw_raw(w, "\":", 2);
}

static void
jw_str_or_null(struct jw *w, const char *s)
{
	if (s != NULL && *s != '\0')
		jw_str(w, s);
	else
		jw_lit(w, "null");
}

static void
jw_int(struct jw *w, long long v)
{
	char	 b[32];

	jw_raw(w, b, (size_t)snprintf(b, sizeof(b), "%lld", v));
}

/* A real as jansson's jsonp_dtostr with precision 6. */
static void
jw_real(struct jw *w, double v)
{
	char	 b[64], *e, *end;
	size_t	 n;

	if (!isfinite(v)) {	/* json_real refuses it: the member is dropped */
		w->bad = 1;
		return;
	}
	n = (size_t)snprintf(b, sizeof(b) - 3, "%.6g", v);
	if (strchr(b, '.') == NULL && strchr(b, 'e') == NULL) {
		memcpy(b + n, ".0", 3);
		n += 2;
	}
	if ((e = strchr(b, 'e')) != NULL) {
		e++;
		end = e + 1;
		if (*e == '-')
			e++;
		while (*end == '0')
			end++;
		if (end != e) {
			memmove(e, end, n - (size_t)(end - b) + 1);
			n -= (size_t)(end - e);
		}
	}
	jw_raw(w, b, n);
}

static void
jw_probe(struct jw *w, const struct trace_probe *p)
{
	const struct trace_probe_more *pm = trace_probe_more(p);
	int	 i;

	jw_key(w, 0, "addr");
	jw_str_or_null(w, p->addr);
	jw_key(w, 1, "name");
	jw_str_or_null(w, p->name);
	jw_key(w, 1, "rtt_ms");
	if (p->replied)
		jw_real(w, p->rtt_ms);
	else
		jw_lit(w, "null");
	jw_key(w, 1, "reply_ttl");
	if (p->reply_ttl >= 0)
		jw_int(w, p->reply_ttl);
	else
		jw_lit(w, "null");
	jw_key(w, 1, "icmp_type");
	if (p->icmp_type >= 0)
		jw_int(w, p->icmp_type);
	else
		jw_lit(w, "null");
	jw_key(w, 1, "icmp_code");
	if (p->icmp_code >= 0)
		jw_int(w, p->icmp_code);
	else
		jw_lit(w, "null");
	jw_key(w, 1, "annotations");
	jw_str(w, pm->annot);
	jw_key(w, 1, "mpls");
	jw_open(w, '[');
	for (i = 0; i < pm->nmpls; i++) {
		jw_elem(w, i);
		jw_open(w, '{');
		jw_key(w, 0, "label");
		jw_int(w, (long long)pm->mpls[i].label);
		jw_key(w, 1, "exp");
		jw_int(w, pm->mpls[i].exp);
		jw_key(w, 1, "s");
		jw_int(w, pm->mpls[i].s);
		jw_key(w, 1, "ttl");
		jw_int(w, pm->mpls[i].ttl);
		jw_close(w, '}', 1);
	}
	jw_close(w, ']', pm->nmpls > 0);
	if (pm->quoted_diff != NULL) {
		jw_key(w, 1, "quoted_diff");
		jw_str(w, pm->quoted_diff);
	}
	if (p->asn != 0) {
		jw_key(w, 1, "asn");
		jw_int(w, (long long)p->asn);
	}
	if (p->asn != 0 && pm->nmore_asns > 0) {
		jw_key(w, 1, "asns");
		jw_open(w, '[');
		jw_elem(w, 0);
		jw_int(w, (long long)p->asn);
		for (i = 0; i < pm->nmore_asns; i++) {
			jw_elem(w, i + 1);
			jw_int(w, (long long)pm->more_asns[i]);
		}
		jw_close(w, ']', 1);
	}
}

static void
jw_hop(struct jw *w, const struct trace_hop *h)
{
	struct trace_hop_stats	 s;
	struct trace_responder	 r[64];
	int			 i, n;

	trace_hop_stats(h, &s);
	jw_key(w, 0, "ttl");
	jw_int(w, h->ttl);
	jw_key(w, 1, "sent");
	jw_int(w, s.sent);
	jw_key(w, 1, "received");
	jw_int(w, s.received);
	jw_key(w, 1, "loss_pct");
	jw_real(w, s.loss_pct);
	if (s.received > 0) {
		jw_key(w, 1, "min_ms");
		jw_real(w, s.min_ms);
		jw_key(w, 1, "avg_ms");
		jw_real(w, s.avg_ms);
		jw_key(w, 1, "max_ms");
		jw_real(w, s.max_ms);
		jw_key(w, 1, "stddev_ms");
		jw_real(w, s.stddev_ms);
	}
	jw_key(w, 1, "responders");
	jw_open(w, '[');
	n = trace_hop_responders(h, r, 64);
	for (i = 0; i < n; i++) {
		jw_elem(w, i);
		jw_open(w, '{');
		jw_key(w, 0, "addr");
		jw_str_or_null(w, r[i].addr);
		jw_key(w, 1, "name");
		jw_str_or_null(w, r[i].name);
		jw_key(w, 1, "replies");
		jw_int(w, r[i].count);
		jw_close(w, '}', 1);
	}
	jw_close(w, ']', n > 0);
	if (h->echo_sent > 0) {
		jw_key(w, 1, "loss_method");
		jw_lit(w, h->loss_by_echo ? "\"echo\"" : "\"probe\"");
		jw_key(w, 1, "echo");
		jw_open(w, '{');
		jw_key(w, 0, "sent");
		jw_int(w, h->echo_sent);
		jw_key(w, 1, "received");
		jw_int(w, h->echo_received);
		jw_close(w, '}', 1);
	}
	if (h->rl_rate > 0) {
		jw_key(w, 1, "rate_limit");
		jw_open(w, '{');
		jw_key(w, 0, "replies_per_s");
		jw_real(w, h->rl_rate);
		jw_key(w, 1, "burst");
		jw_int(w, h->rl_burst);
		jw_close(w, '}', 1);
	}
	jw_key(w, 1, "probes");
	jw_open(w, '[');
	for (i = 0; i < h->nprobes; i++) {
		jw_elem(w, i);
		jw_open(w, '{');
		jw_probe(w, &h->probes[i]);
		jw_close(w, '}', 1);
	}
	jw_close(w, ']', h->nprobes > 0);
}

static void
jw_time_or_null(struct jw *w, double t)
{
	char	 ts[40];

	if (!(t > 0)) {
		jw_lit(w, "null");
		return;
	}
	trace_format_time(t, ts, sizeof(ts));
	jw_str(w, ts);
}

char *
trace_to_json_compact(const struct trace *t)
{
	struct jw	 w;
	int		 i;

	memset(&w, 0, sizeof(w));
	jw_open(&w, '{');
	jw_key(&w, 0, "version");
	jw_int(&w, 1);
	jw_key(&w, 1, "source");
	jw_str_or_null(&w, t->source);
	jw_key(&w, 1, "agent");
	jw_str_or_null(&w, t->agent);
	jw_key(&w, 1, "src");
	jw_str_or_null(&w, t->src);
	jw_key(&w, 1, "dst");
	jw_str_or_null(&w, t->dst);
	jw_key(&w, 1, "dst_name");
	jw_str_or_null(&w, t->dst_name);
	jw_key(&w, 1, "af");
	if (t->af)
		jw_int(&w, t->af);
	else
		jw_lit(&w, "null");
	jw_key(&w, 1, "method");
	jw_str(&w, trace_method_name(t->method));
	jw_key(&w, 1, "port");
	jw_int(&w, t->port);
	jw_key(&w, 1, "first_ttl");
	jw_int(&w, t->first_ttl);
	jw_key(&w, 1, "max_ttl");
	jw_int(&w, t->max_ttl);
	jw_key(&w, 1, "queries");
	jw_int(&w, t->queries);
	jw_key(&w, 1, "packet_size");
	jw_int(&w, t->packet_size);
	jw_key(&w, 1, "options");
	jw_str_or_null(&w, t->options);
	jw_key(&w, 1, "start");
	jw_time_or_null(&w, t->start);
	jw_key(&w, 1, "end");
	jw_time_or_null(&w, t->end);
	jw_key(&w, 1, "reached");
	jw_lit(&w, t->reached ? "true" : "false");
	jw_key(&w, 1, "stop_reason");
	jw_str(&w, t->stop_reason);
	jw_key(&w, 1, "unmatched_icmp");
	jw_int(&w, (long long)t->unmatched_icmp);
	jw_key(&w, 1, "malformed_icmp");
	jw_int(&w, (long long)t->malformed_icmp);
	jw_key(&w, 1, "hops");
	jw_open(&w, '[');
	for (i = 0; i < t->nhops; i++) {
		jw_elem(&w, i);
		jw_open(&w, '{');
		jw_hop(&w, &t->hops[i]);
		jw_close(&w, '}', 1);
	}
	jw_close(&w, ']', t->nhops > 0);
	jw_close(&w, '}', 1);
	if (w.bad) {
		free(w.buf);
		return NULL;
	}
	return w.buf;
}

char *
trace_hop_to_json_direct(const struct trace_hop *h, size_t indent, size_t col,
    size_t *lenp)
{
	struct jw	 w;

	memset(&w, 0, sizeof(w));
	w.ws = indent;
	w.col = col;
	jw_open(&w, '{');
	jw_hop(&w, h);
	jw_close(&w, '}', 1);
	if (w.bad) {
		free(w.buf);
		return NULL;
	}
	*lenp = w.len;
	return w.buf;
}
