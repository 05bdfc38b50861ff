/* trace.c: building, querying and freeing the shared trace model. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "trace.h"

static const char *method_names[] = {
	[TRACE_METHOD_UDP] = "udp",
	[TRACE_METHOD_UDP_PARIS] = "udp-paris",
	[TRACE_METHOD_ICMP] = "icmp",
	[TRACE_METHOD_ICMP_PARIS] = "icmp-paris",
	[TRACE_METHOD_TCP] = "tcp",
	[TRACE_METHOD_UNKNOWN] = "unknown",
};

struct trace *
trace_new(void)
{
	struct trace	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->method = TRACE_METHOD_UNKNOWN;
	return t;
}

/* The rare fields of a probe without any. */
static const struct trace_probe_more more_none;

static void
probe_clear(struct trace_probe *p)
{
	if (p->more != NULL) {
		free(p->more->quoted_diff);
		free(p->more);
		p->more = NULL;
	}
}

/* Free a hop's probes and strings; the hop is left with none. */
static void
hop_clear(struct trace_hop *h)
{
	int	 j;

	for (j = 0; j < h->nprobes; j++)
		probe_clear(&h->probes[j]);
	free(h->probes);
	h->probes = NULL;
	h->nprobes = 0;
	h->probes_cap = 0;
	for (j = 0; j < h->nstrs; j++)
		free(h->strs[j]);
	free(h->strs);
	free(h->strs_hash);
	h->strs = NULL;
	h->strs_hash = NULL;
	h->nstrs = 0;
	h->strs_cap = 0;
}

void
trace_free(struct trace *t)
{
	int	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nhops; i++)
		hop_clear(&t->hops[i]);
	free(t->hops);
	free(t->agent);
	free(t->source);
	free(t->dst_name);
	free(t->options);
	free(t);
}

void
trace_probe_init(struct trace_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->addr = "";
	p->reply_ttl = -1;
	p->icmp_type = -1;
	p->icmp_code = -1;
}

const struct trace_probe_more *
trace_probe_more(const struct trace_probe *p)
{
	return p->more != NULL ? p->more : &more_none;
}

struct trace_probe_more *
trace_probe_more_alloc(struct trace_probe *p)
{
	if (p->more == NULL)
		p->more = calloc(1, sizeof(*p->more));
	return p->more;
}

/* FNV-1a of the first n bytes of s. */
static uint32_t
str_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t	 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/*
 * h's copy of the first n bytes of s; own (malloc'd, NUL at n) is taken
 * over when given, freed when h has the string already.  Distinct
 * strings are few on most hops (one responder, a few with ECMP); a hop of
 * 1,000 probes from 1,000 addresses compares hashes, not strings.
 */
static const char *
hop_intern(struct trace_hop *h, const char *s, size_t n, char *own)
{
	uint32_t hash = str_hash(s, n), *hs;
	char	**ss;
	int	 i, cap;

	if (n == 0) {
		free(own);
		return "";
	}
	for (i = h->nstrs - 1; i >= 0; i--)
		if (h->strs_hash[i] == hash && strncmp(h->strs[i], s, n) == 0 &&
		    h->strs[i][n] == '\0') {
			free(own);
			return h->strs[i];
		}
	if (h->nstrs == h->strs_cap) {
		cap = h->strs_cap < 4 ? 4 : 2 * h->strs_cap;
		if ((ss = realloc(h->strs, (size_t)cap * sizeof(*ss))) == NULL)
			goto fail;
		h->strs = ss;
		if ((hs = realloc(h->strs_hash, (size_t)cap * sizeof(*hs))) == NULL)
			goto fail;
		h->strs_hash = hs;
		h->strs_cap = cap;
	}
	if (own == NULL) {
		if ((own = malloc(n + 1)) == NULL)
			return NULL;
		memcpy(own, s, n);
		own[n] = '\0';
	}
	h->strs[h->nstrs] = own;
	h->strs_hash[h->nstrs] = hash;
	return h->strs[h->nstrs++];
 fail:
	free(own);
	return NULL;
}

const char *
trace_hop_intern(struct trace_hop *h, const char *s)
{
	return hop_intern(h, s, strlen(s), NULL);
}

int
trace_probe_set_addr(struct trace_hop *h, struct trace_probe *p,
    const char *s)
{
	const char *a;

	if (s == NULL)
		s = "";
	if ((a = hop_intern(h, s, strnlen(s, TRACE_ADDR_LEN - 1), NULL)) == NULL)
		return -1;
	p->addr = a;
	return 0;
}

/* s starts an escape trace_name_inert writes (backslash, x, 2 hex digits). */
static int
trace_name_escaped(const unsigned char *s)
{
	return s[0] == '\\' && s[1] == 'x' && isxdigit(s[2]) &&
	    !isupper(s[2]) && isxdigit(s[3]) && !isupper(s[3]);
}

char *
trace_name_inert(const char *name)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s;
	size_t	 n = 1;
	char	*out, *o;

	for (s = (const unsigned char *)name; *s != '\0'; s++)
		n += TRACE_NAME_CHAR(*s) || trace_name_escaped(s) ? 1 : 4;
	if ((out = malloc(n)) == NULL)
		return NULL;
	for (s = (const unsigned char *)name, o = out; *s != '\0'; s++) {
		if (TRACE_NAME_CHAR(*s))
			*o++ = (char)*s;
		else if (trace_name_escaped(s)) {
			/* already inert (a name read back): kept, not doubled */
			memcpy(o, s, 4);
			o += 4;
			s += 3;
		}
		else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[*s >> 4];
			*o++ = hex[*s & 15];
		}
	}
	*o = '\0';
	return out;
}

int
trace_name_make_inert(char **name)
{
	char	*n;

	if (*name == NULL)
		return 0;
	if ((n = trace_name_inert(*name)) == NULL)
		return -1;
	free(*name);
	*name = n;
	return 0;
}

int
trace_probe_set_name(struct trace_hop *h, struct trace_probe *p,
    const char *name)
{
	const char *s = NULL;
	char	*n;

	if (name != NULL) {
		if ((n = trace_name_inert(name)) == NULL ||
		    (s = hop_intern(h, n, strlen(n), n)) == NULL)
			return -1;
	}
	p->name = s;
	return 0;
}

struct trace_hop *
trace_add_hop(struct trace *t, int ttl, int nprobes)
{
	struct trace_hop *hops, *h;
	int		 i;

	if (nprobes < 0 || nprobes > TRACE_MAX_QUERIES)
		return NULL;
	hops = realloc(t->hops, (t->nhops + 1) * sizeof(*hops));
	if (hops == NULL)
		return NULL;
	t->hops = hops;
	h = &t->hops[t->nhops];
	memset(h, 0, sizeof(*h));
	h->ttl = ttl;
	h->nprobes = nprobes;
	if (nprobes > 0) {
		if ((h->probes = calloc(nprobes, sizeof(*h->probes))) == NULL)
			return NULL;
		h->probes_cap = nprobes;
		for (i = 0; i < nprobes; i++)
			trace_probe_init(&h->probes[i]);
	}
	t->nhops++;
	return h;
}

void
trace_cut(struct trace *t, int last)
{
	while (t->nhops > 0 && t->hops[t->nhops - 1].ttl > last)
		hop_clear(&t->hops[--t->nhops]);
}

struct trace_hop *
trace_hop_by_ttl(const struct trace *t, int ttl)
{
	int	 i;

	for (i = 0; i < t->nhops; i++)
		if (t->hops[i].ttl == ttl)
			return &t->hops[i];
	return NULL;
}

struct trace_probe *
trace_hop_add_probe(struct trace_hop *h)
{
	struct trace_probe *p;
	int		 cap;

	if (h->nprobes >= TRACE_MAX_QUERIES)
		return NULL;
	/*
	 * Doubling: a hop read probe by probe (a pasted mtr's 1,500 sent,
	 * 1,000 probes of a loss measurement) is not copied once per probe.
	 */
	if (h->nprobes >= h->probes_cap) {
		cap = h->nprobes < 4 ? 8 : 2 * h->nprobes;
		if (cap > TRACE_MAX_QUERIES)
			cap = TRACE_MAX_QUERIES;
		p = realloc(h->probes, (size_t)cap * sizeof(*p));
		if (p == NULL)
			return NULL;
		h->probes = p;
		h->probes_cap = cap;
	}
	trace_probe_init(&h->probes[h->nprobes]);
	return &h->probes[h->nprobes++];
}

struct trace_probe *
trace_hop_copy_probe(struct trace_hop *h, const struct trace_probe *src)
{
	struct trace_probe *p, s = *src;	/* src may be h's: it can move */
	const char *a, *n = NULL;

	if ((a = trace_hop_intern(h, s.addr)) == NULL ||
	    (s.name != NULL && (n = trace_hop_intern(h, s.name)) == NULL))
		return NULL;
	if ((p = trace_hop_add_probe(h)) == NULL)
		return NULL;
	*p = s;
	p->addr = a;
	p->name = n;
	p->more = NULL;
	if (s.more != NULL) {
		if (trace_probe_more_alloc(p) == NULL)
			goto fail;
		*p->more = *s.more;
		p->more->quoted_diff = NULL;
		if (s.more->quoted_diff != NULL &&
		    (p->more->quoted_diff = strdup(s.more->quoted_diff)) == NULL)
			goto fail;
	}
	return p;
 fail:
	trace_hop_truncate(h, h->nprobes - 1);
	return NULL;
}

void
trace_hop_truncate(struct trace_hop *h, int n)
{
	while (h->nprobes > n && h->nprobes > 0)
		probe_clear(&h->probes[--h->nprobes]);
}

void
trace_hop_stats(const struct trace_hop *h, struct trace_hop_stats *s)
{
	double	 sum = 0, sq = 0, rtt;
	int	 i;

	memset(s, 0, sizeof(*s));
	s->sent = h->nprobes;
	for (i = 0; i < h->nprobes; i++) {
		if (!h->probes[i].replied)
			continue;
		rtt = h->probes[i].rtt_ms;
		if (s->received == 0 || rtt < s->min_ms)
			s->min_ms = rtt;
		if (s->received == 0 || rtt > s->max_ms)
			s->max_ms = rtt;
		sum += rtt;
		s->received++;
	}
	if (s->received > 0)
		s->avg_ms = sum / s->received;
	for (i = 0; i < h->nprobes; i++) {
		if (!h->probes[i].replied)
			continue;
		rtt = h->probes[i].rtt_ms - s->avg_ms;
		sq += rtt * rtt;
	}
	if (s->received > 0)
		s->stddev_ms = sqrt(sq / s->received);
	if (h->loss_by_echo) {
		s->sent = h->echo_sent;
		s->received = h->echo_received;
	}
	if (s->sent > 0)
		s->loss_pct = 100.0 * (s->sent - s->received) / s->sent;

}
int
trace_hop_responders(const struct trace_hop *h, struct trace_responder *out,
    int max)
{
	const struct trace_probe *p;
	struct trace_responder tmp;
	int	 i, j, n = 0;

	for (i = 0; i < h->nprobes; i++) {
		p = &h->probes[i];
		if (!p->replied && p->addr[0] == '\0' && p->name == NULL)
			continue;
		for (j = 0; j < n; j++) {
			if (strcmp(out[j].addr, p->addr) == 0 &&
			    (p->addr[0] != '\0' || (out[j].name && p->name &&
			    strcmp(out[j].name, p->name) == 0)))
				break;
		}
		if (j < n) {
			if (p->replied)
				out[j].count++;
			if (out[j].name == NULL)
				out[j].name = p->name;
			continue;
		}
		if (n == max)
			continue;
		out[n].addr = p->addr;
		out[n].name = p->name;
		out[n].count = p->replied ? 1 : 0;
		out[n].first = i;
		n++;
	}
	/* Most replies first; stable for equal counts (insertion sort). */
	for (i = 1; i < n; i++) {
		tmp = out[i];
		for (j = i; j > 0 && out[j - 1].count < tmp.count; j--)
			out[j] = out[j - 1];
		out[j] = tmp;
	}
	return n;
}

const struct trace_probe *
trace_hop_main_probe(const struct trace_hop *h)
{
	struct trace_responder all[64];
	int	 n;

	/* The first entry after sorting is the most frequent responder. */
	n = trace_hop_responders(h, all, 64);
	if (n == 0 || all[0].count == 0)
		return NULL;
	return &h->probes[all[0].first];
}

int
trace_hop_is_dst(const struct trace *t, const struct trace_hop *h)
{
	const struct trace_probe *p;
	const char *dn = t->dst_name != NULL ? t->dst_name : "";
	int	 i;

	for (i = 0; i < h->nprobes; i++) {
		p = &h->probes[i];
		if (!p->replied)
			continue;
		if (p->addr[0] != '\0' && ((t->dst[0] != '\0' &&
		    strcmp(p->addr, t->dst) == 0) ||
		    (dn[0] != '\0' && strcmp(p->addr, dn) == 0)))
			return 1;
		if (p->name != NULL && p->name[0] != '\0' && dn[0] != '\0' &&
		    strcasecmp(p->name, dn) == 0)
			return 1;
	}
	return 0;
}

const char *
trace_method_name(enum trace_method m)
{
	if ((unsigned)m > TRACE_METHOD_UNKNOWN)
		return "unknown";
	return method_names[m];
}

int
trace_method_parse(const char *s, enum trace_method *m)
{
	size_t	 i;

	for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
		if (strcmp(s, method_names[i]) == 0) {
			*m = (enum trace_method)i;
			return 0;
		}
	}
	return -1;
}

void
trace_format_time(double t, char *buf, size_t len)
{
	time_t	 sec = (time_t)t;
	int	 ms = (int)((t - (double)sec) * 1000.0 + 0.5);
	struct tm tm;

	if (ms >= 1000) {
		sec++;
		ms -= 1000;
	}
	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ms);
}

int
trace_parse_time(const char *s, double *out)
{
	struct tm tm;
	int	 ms = 0, n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	s += n;
	if (*s == '.') {
		int	 digits = 0;

		s++;
		while (*s >= '0' && *s <= '9') {
			if (digits < 3) {
				ms = ms * 10 + (*s - '0');
				digits++;
			}
			s++;
		}
		while (digits++ < 3)
			ms *= 10;
	}
	if (strcmp(s, "Z") != 0)
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (double)timegm(&tm) + ms / 1000.0;
	return 0;
}
