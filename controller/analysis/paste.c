/* paste.c: turn pasted traceroute, tracert, mtr, tracepath, pathping and WinMTR text into struct trace; format detection and the entry points (the JSON formats: paste_json.c). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "paste_priv.h"

/* How finish() decides whether a trace reached its destination. */
enum reach_rule {
	REACH_STOPS,	/* the tool stops at the destination */
	REACH_DST,	/* only when the last hop is the destination */
	REACH_KNOWN	/* the input says; keep t->reached and t->stop_reason */
};

static const char *format_names[PASTE_NFORMATS] = {
	"auto", "tracepair", "traceroute", "tracert", "mtr-report", "mtr-json",
	"tracepath", "pathping", "winmtr", "atlas", "scamper"
};

const char *
paste_format_name(enum paste_format f)
{
	return (unsigned)f < PASTE_NFORMATS ? format_names[f] : "unknown";
}

int
paste_format_parse(const char *s, enum paste_format *f)
{
	unsigned	 i;

	for (i = 0; i < PASTE_NFORMATS; i++) {
		if (strcmp(s, format_names[i]) == 0) {
			*f = (enum paste_format)i;
			return 0;
		}
	}
	return -1;
}


/* Set "LINE: cannot parse ..." and return -1. */
int
paste_err(struct pctx *c, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%d: %s", c->lineno, msg);
	return -1;
}

/*
 * The physical line at text[pos..]: copied into buf (PASTE_MAX_LINE + 1
 * bytes, without the line end; tabs and no-break spaces become spaces).
 * Returns the position after it, or (size_t)-1 on a line too long or a NUL
 * byte.  *rawlen gets the line's length as printed (trailing spaces
 * included: an e-mail wrap leaves the line long).
 */
static size_t
read_line(const struct pctx *c, size_t pos, char *buf, size_t *rawlen)
{
	size_t	 n = 0;
	char	 ch;

	while (pos < c->len) {
		ch = c->text[pos++];
		if (ch == '\n')
			break;
		if (ch == '\r') {
			if (pos < c->len && c->text[pos] == '\n')
				pos++;
			break;
		}
		if (ch == '\0' || n >= PASTE_MAX_LINE)
			return (size_t)-1;
		if ((unsigned char)ch == 0xc2 && pos < c->len &&
		    (unsigned char)c->text[pos] == 0xa0) {
			pos++;		/* U+00A0 from a web page */
			ch = ' ';
		}
		buf[n++] = ch == '\t' ? ' ' : ch;
	}
	buf[n] = '\0';
	*rawlen = n;
	return pos;
}

/* Split c->line into c->tok.  Returns 0, or -1 on too many fields. */
static int
tokenise(struct pctx *c)
{
	char	*p, *save = NULL;

	c->lead_space = c->line[0] == ' ';
	memcpy(c->tokbuf, c->line, strlen(c->line) + 1);
	c->ntok = 0;
	for (p = strtok_r(c->tokbuf, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save)) {
		if (c->ntok == PASTE_MAX_TOKENS)
			return paste_err(c, "cannot parse: more than %d fields",
			    PASTE_MAX_TOKENS);
		c->tok[c->ntok++] = p;
	}
	return 0;
}

/*
 * Next line into c->line (without the line end) and its tokens.
 * Returns 1, 0 at the end of input, -1 on a line too long or a NUL byte.
 */
static int
next_line(struct pctx *c)
{
	size_t	 end;

	if (c->pos >= c->len)
		return 0;
	c->lineno++;
	if ((end = read_line(c, c->pos, c->line, &c->rawlen)) == (size_t)-1) {
		/* say which of the two it was */
		size_t	 i;

		for (i = c->pos; i < c->len && c->text[i] != '\n'; i++)
			if (c->text[i] == '\0')
				return paste_err(c, "cannot parse: NUL byte in text");
		return paste_err(c, "cannot parse: line longer than %d bytes",
		    PASTE_MAX_LINE);
	}
	c->pos = end;
	return tokenise(c) == -1 ? -1 : 1;
}

/* ---- small token helpers ------------------------------------------- */

/* Where tok[i] starts in c->line (tokbuf is a copy of line). */
static const char *
line_at(const struct pctx *c, int i)
{
	return c->line + (c->tok[i] - c->tokbuf);
}

/* 4 or 6 when s is a valid address (and fits), else 0. */
static int
addr_af(const char *s)
{
	unsigned char	 buf[16];

	if (strlen(s) >= TRACE_ADDR_LEN)
		return 0;
	if (inet_pton(AF_INET, s, buf) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return 6;
	return 0;
}

/* Copy s into dst (TRACE_ADDR_LEN bytes) when it is a valid address; returns its family or 0. */
int
paste_take_addr(char *dst, const char *s)
{
	int	 af;

	if ((af = addr_af(s)) != 0)
		memcpy(dst, s, strlen(s) + 1);	/* addr_af checked the length */
	return af;
}

/*
 * Whole token is a finite number in [0, 1e7] followed by exactly unit
 * ("" for a bare number, "ms" for "1.2ms").  Parsed in place: a copy
 * could be cut short and turn a long token into a number.
 */
static int
num_unit(const char *s, const char *unit, double *out)
{
	char	*end;
	double	 v;

	if (!(isdigit((unsigned char)*s) || *s == '.'))
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (strcmp(end, unit) != 0 || errno != 0 || !isfinite(v) || v < 0 ||
	    v > 1e7)
		return 0;
	*out = v;
	return 1;
}

/* Whole token is a finite number in [0, 1e7]. */
static int
num(const char *s, double *out)
{
	return num_unit(s, "", out);
}

/* Whole token is an integer in [lo, hi]. */
static int
inum(const char *s, long lo, long hi, int *out)
{
	char	*end;
	long	 v;

	if (!isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < lo || v > hi)
		return 0;
	*out = (int)v;
	return 1;
}

/* A host name as traceroute prints it: printable, no brackets, not too long. */
int
paste_name_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n == 0 || n > PASTE_MAX_NAME)
		return 0;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s) || strchr("()[]<>{}\"'", *s))
			return 0;
	return 1;
}

/*
 * Copy a token without the given surrounding characters into buf.
 * Returns 0, or -1 when it did not fit (buf holds its start).
 */
int
paste_strip(const char *s, const char *chars, char *buf, size_t len)
{
	size_t	 n;
	int	 rc = 0;

	while (*s && strchr(chars, *s))
		s++;
	n = strlen(s);
	while (n > 0 && strchr(chars, s[n - 1]))
		n--;
	if (n >= len) {
		n = len - 1;
		rc = -1;
	}
	memmove(buf, s, n);	/* s may lie in buf */
	buf[n] = '\0';
	return rc;
}

/*
 * An RTT at tok[i]: "1.2 ms" (two tokens) or "1.2ms"; with lt1 also
 * tracert's "<1 ms" and "<1ms" (taken as 0.5).  Returns the number of
 * tokens it took, 0 when tok[i] is no RTT.
 */
static int
rtt_at(const struct pctx *c, int i, int lt1, double *ms)
{
	const char	*s = c->tok[i];

	if (i + 1 < c->ntok && strcmp(c->tok[i + 1], "ms") == 0) {
		if (lt1 && strcmp(s, "<1") == 0) {
			*ms = 0.5;
			return 2;
		}
		if (num(s, ms))
			return 2;
	}
	if (lt1 && strcmp(s, "<1ms") == 0) {
		*ms = 0.5;
		return 1;
	}
	return num_unit(s, "ms", ms);
}

/*
 * tok[i] reads as an RTT that rtt_at() refused: a number of any sign and
 * size followed by "ms" ("99999999999 ms", "-5ms").  Such a token is no
 * host name; the caller refuses the line with rtt_refuse().
 */
static int
rtt_bad_at(const struct pctx *c, int i)
{
	const char	*s = c->tok[i], *p = s;
	char		*end;

	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p) &&
	    !(*p == '.' && isdigit((unsigned char)p[1])))
		return 0;
	(void)strtod(s, &end);
	if (end == s)
		return 0;
	if (strcmp(end, "ms") == 0)
		return 1;
	return *end == '\0' && i + 1 < c->ntok && strcmp(c->tok[i + 1], "ms") == 0;
}

/* "LINE: cannot parse RTT "99999999999 ms": ..." for rtt_bad_at(); returns -1. */
static int
rtt_refuse(struct pctx *c, int i)
{
	int	 two = i + 1 < c->ntok && strcmp(c->tok[i + 1], "ms") == 0;

	return paste_err(c, "cannot parse RTT \"%.24s%s\": not a number of ms "
	    "from 0 to %.0f", c->tok[i], two ? " ms" : "", TRACE_MAX_RTT_MS);
}


/* "AS34533/AS43478/AS41843]": every origin AS, the first in r->asn. */
static void
resp_asns(struct resp *r, const char *s)
{
	char		*end;
	unsigned long	 v;

	r->asn = 0;
	r->nmore_asns = 0;
	while (strncmp(s, "AS", 2) == 0 && isdigit((unsigned char)s[2])) {
		v = strtoul(s + 2, &end, 10);
		if (v == 0 || v > 0xffffffffUL)
			break;
		if (r->asn == 0)
			r->asn = (uint32_t)v;
		else if (r->nmore_asns < TRACE_MAX_MORE_ASNS)
			r->more_asns[r->nmore_asns++] = (uint32_t)v;
		if (*end != '/')
			break;
		s = end + 1;
	}
}

struct trace_probe *
paste_add_probe(struct pctx *c, const struct resp *r, int replied, double rtt)
{
	struct trace_probe *p;

	if (replied && !(rtt >= 0 && rtt <= TRACE_MAX_RTT_MS)) {
		paste_err(c, "cannot parse RTT %.10g ms: not a number of ms from 0 to "
		    "%.0f", rtt, TRACE_MAX_RTT_MS);
		return NULL;
	}
	if ((p = trace_hop_add_probe(c->hop)) == NULL) {
		paste_err(c, "cannot parse: too many probes in one hop");
		return NULL;
	}
	p->replied = replied;
	p->rtt_ms = replied ? rtt : 0;
	if (replied && r != NULL) {
		struct trace_probe_more *m;

		p->asn = r->asn;
		if (trace_probe_set_addr(c->hop, p, r->addr) == -1 ||
		    (r->name[0] != '\0' &&
		    trace_probe_set_name(c->hop, p, r->name) == -1))
			goto oom;
		if (r->nmpls > 0 || r->nmore_asns > 0) {
			if ((m = trace_probe_more_alloc(p)) == NULL)
				goto oom;
			m->nmpls = r->nmpls;
			memcpy(m->mpls, r->mpls, sizeof(m->mpls));
			m->nmore_asns = r->nmore_asns;
			memcpy(m->more_asns, r->more_asns, sizeof(m->more_asns));
		}
	}
	return p;
 oom:
	paste_err(c, "out of memory");
	return NULL;
}

/* Open (or reopen) the hop with this ttl. */
int
paste_open_hop(struct pctx *c, int ttl)
{
	if ((c->hop = trace_hop_by_ttl(c->t, ttl)) != NULL)
		return 0;
	if (c->t->nhops > 0 && c->t->hops[c->t->nhops - 1].ttl > ttl)
		return paste_err(c, "cannot parse: hop %d after hop %d", ttl,
		    c->t->hops[c->t->nhops - 1].ttl);
	if ((c->hop = trace_add_hop(c->t, ttl, 0)) == NULL)
		return paste_err(c, "out of memory");
	return 0;
}

/* The destination's address, when s is a valid one (its family too). */
static void
set_dst_addr(struct pctx *c, const char *s)
{
	int	 af;

	if ((af = paste_take_addr(c->t->dst, s)) != 0)
		c->t->af = af;
}

/*
 * The destination a header names, a host name or an address; nothing
 * when s is no host name.  Returns 0, or -1 when out of memory.
 */
int
paste_set_dst(struct pctx *c, const char *s)
{
	if (!paste_name_ok(s))
		return 0;
	free(c->t->dst_name);
	if ((c->t->dst_name = strdup(s)) == NULL)
		return paste_err(c, "out of memory");
	set_dst_addr(c, s);
	return 0;
}

/* A responder token: its address when s is one, else its name. */
static void
resp_host(struct resp *r, const char *s)
{
	if (!paste_take_addr(r->addr, s))
		snprintf(r->name, sizeof(r->name), "%s", s);
}

/* -1 when out of memory. */
int
paste_set_annot(struct trace_probe *p, const char *a)
{
	struct trace_probe_more *m;

	if (p->more == NULL && a[0] == '\0')
		return 0;
	if ((m = trace_probe_more_alloc(p)) == NULL)
		return -1;
	snprintf(m->annot, sizeof(m->annot), "%.7s", a);
	return 0;
}

/* "!H", "!N", "!X", "!<num>", "!" and the like. */
static int
annot_ok(const char *s)
{
	size_t	 n = strlen(s);

	return s[0] == '!' && n <= 7;
}

/* ---- MPLS labels, shared by the text formats ------------------------ */

/*
 * Give one MPLS label stack entry to the probes of the current hop that
 * the hop's last responder answered (all replies of the hop with all).
 */
static int
mpls_attach(struct pctx *c, const struct trace_mpls *m, int all)
{
	struct trace_probe *last = NULL, *p;
	int	 i;

	for (i = 0; c->hop != NULL && i < c->hop->nprobes; i++)
		if (c->hop->probes[i].replied)
			last = &c->hop->probes[i];
	if (last == NULL)
		return paste_err(c, "cannot parse: MPLS labels with no responder above");
	for (i = 0; i < c->hop->nprobes; i++) {
		p = &c->hop->probes[i];
		if (!p->replied || (!all && (strcmp(p->addr, last->addr) != 0 ||
		    (p->addr[0] == '\0' && (p->name == NULL || last->name == NULL ||
		    strcmp(p->name, last->name) != 0)))))
			continue;
		if (trace_probe_more(p)->nmpls == TRACE_MAX_MPLS)
			return paste_err(c, "cannot parse: more than %d MPLS labels",
			    TRACE_MAX_MPLS);
		if (trace_probe_more_alloc(p) == NULL)
			return paste_err(c, "out of memory");
		p->more->mpls[p->more->nmpls++] = *m;
	}
	return 0;
}

/* One label stack entry from its four numbers; -1 when one is out of range. */
int
paste_mpls_set(struct trace_mpls *m, unsigned long label, unsigned long exp,
    unsigned long s, unsigned long ttl)
{
	if (label > 0xfffff || exp > 7 || s > 1 || ttl > 255)
		return -1;
	m->label = (uint32_t)label;
	m->exp = (uint8_t)exp;
	m->s = (uint8_t)s;
	m->ttl = (uint8_t)ttl;
	return 0;
}

/* An unsigned decimal that is the whole of s. */
static int
unum(const char *s, unsigned long *out)
{
	char	*end;

	if (!isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0;
}

/*
 * Linux traceroute -e's "<MPLS:L=16001,E=0,S=1,T=1/L=...>" into r->mpls.
 * Returns 0, -1 when malformed.
 */
static int
mpls_linux(const char *s, struct resp *r)
{
	char		 buf[PASTE_MAX_LINE + 1], *e, *save = NULL, *kv, *save2;
	unsigned long	 v[4];
	int		 k;

	if (strncmp(s, "<MPLS:", 6) != 0 || paste_strip(s + 6, ">", buf, sizeof(buf)) == -1)
		return -1;
	for (e = strtok_r(buf, "/", &save); e != NULL; e = strtok_r(NULL, "/", &save)) {
		if (r->nmpls == TRACE_MAX_MPLS)
			return -1;
		save2 = NULL;
		for (k = 0, kv = strtok_r(e, ",", &save2); kv != NULL;
		    kv = strtok_r(NULL, ",", &save2), k++) {
			if (k == 4 || strlen(kv) < 3 || kv[1] != '=' ||
			    kv[0] != "LEST"[k] || !unum(kv + 2, &v[k]))
				return -1;
		}
		if (k != 4 || paste_mpls_set(&r->mpls[r->nmpls], v[0], v[1], v[2], v[3]) == -1)
			return -1;
		r->nmpls++;
	}
	return 0;
}

/*
 * A BSD / JunOS label line from tok[1] on: "MPLS Label=666803 CoS=4
 * TTL=1 S=1" (Exp= for CoS= in some versions), for the responder above.
 */
static int
mpls_kv_line(struct pctx *c)
{
	static const char *keys[4][2] = {
		{ "Label=", NULL }, { "CoS=", "Exp=" }, { "S=", NULL }, { "TTL=", NULL }
	};
	struct trace_mpls m;
	unsigned long	 v[4] = { 0, 0, 0, 0 };
	int		 i, k, seen = 0, found;

	for (i = 1; i < c->ntok; i++) {
		for (k = 0, found = 0; k < 4 && !found; k++) {
			const char *key = strncmp(c->tok[i], keys[k][0],
			    strlen(keys[k][0])) == 0 ? keys[k][0] : keys[k][1] != NULL &&
			    strncmp(c->tok[i], keys[k][1], strlen(keys[k][1])) == 0 ?
			    keys[k][1] : NULL;

			if (key == NULL)
				continue;
			if (!unum(c->tok[i] + strlen(key), &v[k]))
				break;
			seen |= 1 << k;
			found = 1;
		}
		if (!found)
			return paste_err(c, "cannot parse MPLS field \"%.20s\"", c->tok[i]);
	}
	if (!(seen & 1) || paste_mpls_set(&m, v[0], v[1], v[2], v[3]) == -1)
		return paste_err(c, "cannot parse MPLS line \"%.40s\"", c->line);
	return mpls_attach(c, &m, 0);
}

/* ---- traceroute (Linux, BSD, macOS, Wassenaar's traceroute) ------------ */

/*
 * "traceroute to NAME (ADDR), 30 hops max, 60 byte packets" and its
 * variants; tok[at] is the word "to".
 */
static int
tr_header_at(struct pctx *c, int at)
{
	char	 buf[PASTE_MAX_NAME + 1];
	int	 i, v, a, b;

	if (c->ntok < at + 2 || strcmp(c->tok[at], "to") != 0)
		return paste_err(c, "cannot parse traceroute header");
	if (strcmp(c->tok[0], "traceroute6") == 0)
		c->t->af = 6;
	/* a name too long to keep whole is no name */
	if (paste_strip(c->tok[at + 1], ",:", buf, sizeof(buf)) == 0 &&
	    paste_set_dst(c, buf) == -1)
		return -1;
	for (i = at + 2; i < c->ntok; i++) {
		if (c->tok[i][0] == '(') {
			paste_strip(c->tok[i], "(),:", buf, sizeof(buf));
			set_dst_addr(c, buf);
		} else if (strcmp(c->tok[i], "from") == 0 && i + 1 < c->ntok) {
			/* traceroute6 to NAME (ADDR) from SRC, ... */
			paste_strip(c->tok[i + 1], ",", buf, sizeof(buf));
			paste_take_addr(c->t->src, buf);
		} else if (i + 1 < c->ntok && strncmp(c->tok[i + 1], "hops", 4) == 0) {
			if (sscanf(c->tok[i], "%d-%d", &a, &b) == 2 && a > 0 &&
			    a <= TRACE_MAX_TTL && b > 0 && b <= TRACE_MAX_TTL) {
				c->t->first_ttl = a;
				c->t->max_ttl = b;
			} else if (inum(c->tok[i], 1, TRACE_MAX_TTL, &v))
				c->t->max_ttl = v;
		} else if (i + 1 < c->ntok && strcmp(c->tok[i + 1], "byte") == 0 &&
		    inum(c->tok[i], 1, 65535, &v))
			c->t->packet_size = v;
	}
	return 0;
}

/*
 * The rest of a hop line from token i: responders (name, "(addr)", bare
 * address, "[AS...]"), RTTs ("1.2 ms", "1.2ms"), stars, annotations, and
 * Wassenaar's "min/avg/max (sd) ms  r/s pkts (x% loss)" summary.
 */
static int
tr_probes(struct pctx *c, int i)
{
	struct resp	 r;
	struct trace_probe *last = NULL;
	char		 buf[PASTE_MAX_NAME + 1];
	double		 v, mn = 0, av = 0, mx = 0, t1, t2, t3;
	int		 have_stats = 0, rcv, snt, k, n;
	size_t		 tl;

	memset(&r, 0, sizeof(r));
	for (; i < c->ntok; i++) {
		const char *s = c->tok[i];

		tl = strlen(s);
		if (strcmp(s, "*") == 0) {
			if ((last = paste_add_probe(c, NULL, 0, 0)) == NULL)
				return -1;
		} else if ((k = rtt_at(c, i, 0, &v)) > 0) {
			if ((last = paste_add_probe(c, &r, 1, v)) == NULL)
				return -1;
			i += k - 1;
		} else if (s[0] == '!') {
			if (!annot_ok(s))
				return paste_err(c, "cannot parse annotation \"%.20s\"", s);
			if (last != NULL && paste_set_annot(last, s) == -1)
				return paste_err(c, "out of memory");
		} else if (strncmp(s, "<MPLS:", 6) == 0) {
			/* Linux -e: <MPLS:L=16001,E=0,S=1,T=1/L=...> */
			r.nmpls = 0;
			if (mpls_linux(s, &r) == -1)
				return paste_err(c, "cannot parse MPLS labels \"%.40s\"", s);
		} else if (s[0] == '<' && s[tl - 1] == '>') {
			/* Linux -e: other extension objects */
		} else if (strncmp(s, "F=", 2) == 0 && isdigit((unsigned char)s[2])) {
			/* Linux --mtu: F=1500, the path MTU found here */
		} else if (s[0] == '[') {
			/* [AS1234], [AS1/AS2/AS3] or [AS701 - Long Name, Inc.] */
			if (strncmp(s, "[AS", 3) == 0)
				resp_asns(&r, s + 1);
			while (i < c->ntok && strchr(c->tok[i], ']') == NULL)
				i++;
		} else if (strcmp(s, "(") == 0 && i + 2 < c->ntok &&
		    addr_af(c->tok[i + 1]) && c->tok[i + 2][0] == ')') {
			/* "( 192.168.11.1 )": a forum's spaces inside */
			paste_take_addr(r.addr, c->tok[i + 1]);
			i += 2;
		} else if (s[0] == '(') {
			paste_strip(s, "(),:", buf, sizeof(buf));
			paste_take_addr(r.addr, buf);
			/* "(" alone, "(0.418)", "(0%", "(342.5.133.1)": no address */
		} else if (s[tl - 1] == ')' || strcmp(s, "ms") == 0 ||
		    strcmp(s, "pkts") == 0) {
			/* "loss)" and similar tails of a summary */
		} else if (sscanf(s, "%lf/%lf/%lf%n", &t1, &t2, &t3, &n) == 3 &&
		    (size_t)n == tl) {
			mn = t1;
			av = t2;
			mx = t3;
			have_stats = 1;
		} else if (sscanf(s, "%d/%d%n", &rcv, &snt, &n) == 2 && (size_t)n == tl &&
		    i + 1 < c->ntok && strcmp(c->tok[i + 1], "pkts") == 0) {
			if (snt < 0 || snt > TRACE_MAX_QUERIES || rcv < 0 || rcv > snt)
				return paste_err(c, "cannot parse probe count \"%.20s\"", s);
			c->counted = 1;
			for (k = 0; k < snt; k++) {
				double rtt = k == 0 ? mn : k == rcv - 1 ? mx : av;

				if (!have_stats && k < rcv)
					return paste_err(c, "cannot parse: packet count "
					    "without min/avg/max");
				if ((last = paste_add_probe(c, &r, k < rcv, rtt)) == NULL)
					return -1;
			}
			i++;
		} else if (rtt_bad_at(c, i)) {
			return rtt_refuse(c, i);
		} else if (paste_name_ok(s)) {
			/* a new responder: a name, or an address (-n) */
			memset(&r, 0, sizeof(r));
			resp_host(&r, s);
		} else
			return paste_err(c, "cannot parse \"%.40s\"", s);
	}
	return 0;
}

/* tok[] holds probe data: a star or an RTT. */
static int
has_probe_data(const struct pctx *c)
{
	double	 v;
	int	 i;

	for (i = 0; i < c->ntok; i++)
		if (strcmp(c->tok[i], "*") == 0 || rtt_at(c, i, 0, &v) > 0)
			return 1;
	return 0;
}

#define PASTE_WRAP_MIN	60	/* a line this long may have been wrapped by a mailer */

/*
 * The physical line buf could be the tail of a hop line that a mail
 * client wrapped: it starts at the left margin and is neither a hop line
 * nor a header ("196.910 ms  5.728 ms", "ms te0-0-0-7...", "(72.14.237.108)
 * 25.021 ms").
 */
static int
wrap_piece(const char *buf)
{
	char	 w[16];
	int	 ttl;
	size_t	 n;

	if (buf[0] == ' ' || buf[0] == '\0')
		return 0;
	n = strcspn(buf, " ");
	if (n >= sizeof(w))
		return 1;
	memcpy(w, buf, n);
	w[n] = '\0';
	if (strcmp(w, "MPLS") == 0 || strncmp(w, "traceroute", 10) == 0)
		return 0;
	if (inum(w, 0, TRACE_MAX_TTL, &ttl))
		return strncmp(buf + n + strspn(buf + n, " "), "ms", 2) == 0;
	return 1;
}

/*
 * A hop line (first: 1 when tok[0] is its ttl, 0 for a BSD continuation
 * line) with the wrapped pieces that follow it joined on.  When the joined
 * line does not parse, the line is parsed alone and the next line is left
 * to the caller.
 */
static int
tr_hop_line(struct pctx *c, int first)
{
	char	 saved[PASTE_MAX_LINE + 1], next[PASTE_MAX_LINE + 1];
	size_t	 pos = c->pos, rawlen = c->rawlen, end, rl, n;
	int	 joined = 0, n0 = c->hop->nprobes;

	memcpy(saved, c->line, strlen(c->line) + 1);
	while (rawlen >= PASTE_WRAP_MIN && pos < c->len) {
		if ((end = read_line(c, pos, next, &rl)) == (size_t)-1 ||
		    !wrap_piece(next))
			break;
		n = strlen(c->line);
		if (n + 1 + rl > PASTE_MAX_LINE)
			break;
		c->line[n] = ' ';
		memcpy(c->line + n + 1, next, rl + 1);
		pos = end;
		rawlen = rl;
		joined++;
	}
	if (joined > 0) {
		if (tokenise(c) == 0 && tr_probes(c, first) == 0) {
			c->pos = pos;
			c->lineno += joined;
			return 0;
		}
		trace_hop_truncate(c->hop, n0);
		memcpy(c->line, saved, strlen(saved) + 1);
		if (tokenise(c) == -1)
			return -1;
	}
	return tr_probes(c, first);
}

/*
 * Linux, BSD, macOS, BusyBox and JunOS traceroute(6) and tcptraceroute.
 * Lines that are not part of the trace (prompts, commands, notes) are
 * skipped; a line that starts with a hop number must parse.
 */
/*
 * Linux traceroute sends a hop's probes at once (and up to 16 at a time),
 * and a router that limits its ICMP errors answers the first few of them
 * (its burst: 6 on Linux, whose default is then one a second) and drops
 * the rest, so "-q 10" shows every limiting hop as "k RTTs, then stars".
 * Loss on a path puts its stars anywhere.  A hop whose first k >= 1
 * probes were answered and then at most a quarter of the t >= 3 after the
 * first star shows the limit's order.  Random loss of 10 % draws this
 * pattern at a hop of 10 probes about 0.2 % of the time.  Several runs
 * pasted one after another (merged, parse_traceroute) are judged run by
 * run: run_order() counts, for the run that ends, the hops that could
 * show the order (4 probes or more in the run) and those that did.
 */
static void
run_order(struct pctx *c)
{
	int	 i, j, k, a, n;

	for (i = 0; i < c->t->nhops; i++) {
		struct trace_hop *h = &c->t->hops[i];
		int	 s = c->run0[h->ttl];

		n = h->nprobes - s;
		if (n < 4)
			continue;
		c->nordered[h->ttl]++;
		for (k = s; k < h->nprobes && h->probes[k].replied; k++)
			;
		for (a = 0, j = k; j < h->nprobes; j++)
			a += h->probes[j].replied != 0;
		k -= s;
		if (k >= 1 && n - k >= 3 && 4 * a <= n - k) {
			if (c->nlimited[h->ttl]++ == 0 || k < c->burst[h->ttl])
				c->burst[h->ttl] = k;
		}
	}
	for (i = 0; i < c->t->nhops; i++)
		c->run0[c->t->hops[i].ttl] = c->t->hops[i].nprobes;
}

/*
 * After the last run: a hop that showed the limit's order in at least
 * half the runs that could show it is marked limited (rl_order, rl_burst
 * the fewest answers before the stars): the analysis leaves its replies
 * out of the loss estimate, as it does a hop whose limit a loss
 * measurement found.  (Half, not all: a run can catch a router whose
 * bucket has refilled.)  Not for hops made from counts.
 */
static void
tr_order_limits(struct pctx *c)
{
	int	 i, ttl;

	run_order(c);
	for (i = 0; i < c->t->nhops; i++) {
		ttl = c->t->hops[i].ttl;
		if (c->nlimited[ttl] > 0 &&
		    2 * c->nlimited[ttl] >= c->nordered[ttl]) {
			c->t->hops[i].rl_order = 1;
			c->t->hops[i].rl_burst = c->burst[ttl];
		}
	}
}

/*
 * A "traceroute to" header after hops: the next run to the same
 * destination, merged hop by hop (its probes add to the hops' probes, as
 * more -q would: traceroute sends at most 10 per hop, and a user who
 * needs more pastes several runs), or a trace to another destination,
 * refused.  tok[at] is the word "to".
 */
static int
tr_next_run(struct pctx *c, int at)
{
	char	 dst[TRACE_ADDR_LEN], *name = c->t->dst_name;
	int	 same;

	memcpy(dst, c->t->dst, sizeof(dst));
	c->t->dst_name = NULL;
	c->t->dst[0] = '\0';
	if (tr_header_at(c, at) == -1) {
		free(c->t->dst_name);
		c->t->dst_name = name;
		return -1;
	}
	if (dst[0] != '\0' && c->t->dst[0] != '\0')
		same = strcmp(dst, c->t->dst) == 0;
	else
		same = name != NULL && c->t->dst_name != NULL &&
		    strcmp(name, c->t->dst_name) == 0;
	/* what the first header said and this one does not, kept */
	if (c->t->dst[0] == '\0')
		memcpy(c->t->dst, dst, sizeof(dst));
	if (c->t->dst_name == NULL) {
		c->t->dst_name = name;
		name = NULL;
	}
	free(name);
	if (!same)
		return paste_err(c, "cannot parse: a second trace to another "
		    "destination starts here (one trace per file; runs to one "
		    "destination are merged)");
	if (!c->counted)
		run_order(c);
	return 0;
}

static int
parse_traceroute(struct pctx *c)
{
	int	 rc, ttl;

	c->t->source = strdup("traceroute");
	while ((rc = next_line(c)) == 1) {
		if (c->ntok == 0)
			continue;
		if (strcmp(c->tok[0], "MPLS") == 0 && c->ntok > 1 &&
		    strncmp(c->tok[1], "Label=", 6) == 0) {
			if (mpls_kv_line(c) == -1)	/* BSD / JunOS -e */
				return -1;
			continue;
		}
		if (c->ntok > 3 && strcmp(c->tok[0], "Tracing") == 0 &&
		    strcmp(c->tok[1], "the") == 0 && strcmp(c->tok[2], "path") == 0) {
			/* tcptraceroute: Tracing the path to NAME (ADDR) on TCP port */
			if (c->t->nhops > 0 && tr_next_run(c, 3) == -1)
				return -1;
			if (c->t->nhops == 0 && tr_header_at(c, 3) == -1)
				return -1;
			continue;
		}
		if (strncmp(c->tok[0], "traceroute", 10) == 0 && c->ntok > 2 &&
		    strcmp(c->tok[1], "to") == 0) {
			if (c->t->nhops > 0 && tr_next_run(c, 1) == -1)
				return -1;
			if (c->t->nhops == 0 && tr_header_at(c, 1) == -1)
				return -1;
			continue;
		}
		if (inum(c->tok[0], 0, TRACE_MAX_TTL, &ttl) &&
		    !(c->ntok > 1 && strcmp(c->tok[1], "ms") == 0)) {
			if (ttl == 0)
				return paste_err(c, "cannot parse: hop 0");
			if (paste_open_hop(c, ttl) == -1 || tr_hop_line(c, 1) == -1)
				return -1;
			continue;
		}
		if (c->lead_space && c->hop != NULL && has_probe_data(c)) {
			/* BSD: more responders of the hop above */
			if (tr_hop_line(c, 0) == -1)
				return -1;
			continue;
		}
		/* a prompt, a command, a banner or a note: not the trace */
	}
	if (rc == 0 && !c->counted)
		tr_order_limits(c);
	return rc;
}

/* ---- Windows tracert ----------------------------------------------- */

static const struct {
	const char *text;	/* what tracert says after "reports:" */
	const char *annot;	/* traceroute's annotation for it */
} tracert_reports[] = {
	{ "Destination host unreachable", "!H" },
	{ "Destination net unreachable", "!N" },
	{ "Destination protocol unreachable", "!P" },
	{ "Destination port unreachable", "!X" },
};

/*
 * Words of the "over a maximum of 30 hops" header line in the languages
 * Windows ships (en de fr es it pt nl ru pl zh ja): the line's number is
 * the maximum TTL.  The header, the footer ("Trace complete.") and the
 * timeout text ("Request timed out.") need no table: a line that is not a
 * hop line is not part of the trace, and text after three stars is the
 * timeout message in whatever language.
 */
static const char *tracert_max_words[] = {
	"maximum", "maximal", "máximo", "massimo", "maksymaln", "maximaal",
	"максимальн", "最多", "最大"
};

/*
 * A line before the first hop: the prompt, the banner or the header.
 * "NAME [ADDR]" (or "NAME[ADDR]") names the destination; an address alone
 * ("Tracing route to 10.1.1.1 over ...", "C:\>tracert 10.1.1.1") gives
 * its address; a max-hops line its maximum TTL.
 */
static int
tracert_preamble(struct pctx *c)
{
	char	 buf[PASTE_MAX_NAME + 1], addr[PASTE_MAX_NAME + 1], *br;
	size_t	 j;
	int	 i, v;

	for (i = 0; i < c->ntok; i++) {
		const char *s = c->tok[i];

		if ((br = strchr(s, '[')) != NULL && s[strlen(s) - 1] == ']') {
			paste_strip(br, "[]", addr, sizeof(addr));
			if (!addr_af(addr))
				continue;	/* "[Version 6.3.9600]" */
			/* NAME[ADDR], or NAME [ADDR]: paste_set_dst() ignores no name */
			snprintf(buf, sizeof(buf), "%.*s", (int)(br - s), s);
			if (paste_set_dst(c, br > s ? buf : i > 0 ? c->tok[i - 1] : "") == -1)
				return -1;
			set_dst_addr(c, addr);
		} else if (addr_af(s) && c->t->dst[0] == '\0') {
			if (paste_set_dst(c, s) == -1)
				return -1;
		}
	}
	for (j = 0; j < sizeof(tracert_max_words) / sizeof(tracert_max_words[0]); j++) {
		if (strstr(c->line, tracert_max_words[j]) == NULL)
			continue;
		for (i = 0; i < c->ntok; i++) {
			paste_strip(c->tok[i], ":", buf, sizeof(buf));	/* "30:" */
			if (inum(buf, 1, TRACE_MAX_TTL, &v))
				c->t->max_ttl = v;
		}
	}
	return 0;
}

/*
 * A tracert RTT at tok[i]: "12 ms", "<1 ms", XP's "<10 ms", "12ms",
 * "<1ms", Russian "мс" for "ms".  "<N" is taken as N/2.  Returns the
 * tokens it took, 0 when tok[i] is no RTT.
 */
static int
tracert_rtt(const struct pctx *c, int i, double *ms)
{
	static const char *units[] = { "ms", "мс" };
	const char	*s = c->tok[i];
	int		 lt = s[0] == '<', n = 0;
	size_t		 k;

	if (lt)
		s++;
	for (k = 0; k < sizeof(units) / sizeof(units[0]) && n == 0; k++) {
		if (i + 1 < c->ntok && strcmp(c->tok[i + 1], units[k]) == 0 &&
		    num(s, ms))
			n = 2;
		else if (num_unit(s, units[k], ms))
			n = 1;
	}
	if (n > 0 && lt)
		*ms /= 2;
	return n;
}

/* tok[i] on reads "HOST [ADDR] WORD: ...", a reporter of an unreachable. */
static int
tracert_reporter_at(const struct pctx *c, int i)
{
	size_t	 tl;

	if (i < c->ntok && c->tok[i][0] == '[')
		return 0;
	i++;
	if (i < c->ntok && c->tok[i][0] == '[')
		i++;
	if (i >= c->ntok)
		return 0;
	tl = strlen(c->tok[i]);
	return c->tok[i][tl - 1] == ':' || (i + 1 < c->ntok &&
	    strcmp(c->tok[i + 1], ":") == 0);
}

/* "host [addr] reports: Destination host unreachable." and translations. */
static int
tracert_reporter(struct pctx *c, int i, int start, const struct resp *r)
{
	const char	*rest = line_at(c, i) + strlen(c->tok[i]);
	const char	*annot = "!H";
	struct trace_probe *first;
	size_t		 j;
	int		 k;

	while (*rest == ' ')
		rest++;
	for (j = 0; j < sizeof(tracert_reports) / sizeof(tracert_reports[0]); j++)
		if (strncasecmp(rest, tracert_reports[j].text,
		    strlen(tracert_reports[j].text)) == 0)
			annot = tracert_reports[j].annot;
	if (c->hop->nprobes == start) {
		/* no RTT printed: one unanswered probe that names the reporter */
		if ((first = paste_add_probe(c, NULL, 0, 0)) == NULL)
			return -1;
		if (trace_probe_set_addr(c->hop, first, r->addr) == -1 ||
		    (r->name[0] != '\0' &&
		    trace_probe_set_name(c->hop, first, r->name) == -1))
			return paste_err(c, "out of memory");
	}
	for (k = start; k < c->hop->nprobes; k++) {
		struct trace_probe *p = &c->hop->probes[k];

		if (paste_set_annot(p, annot) == -1)
			return paste_err(c, "out of memory");
		if (p->addr[0] == '\0') {
			/* the reporter answered for the stars too */
			if (trace_probe_set_addr(c->hop, p, r->addr) == -1 ||
			    (r->name[0] != '\0' && p->name == NULL &&
			    trace_probe_set_name(c->hop, p, r->name) == -1))
				return paste_err(c, "out of memory");
		}
	}
	return 0;
}

/* A hop line, its ttl already read from tok[0]. */
static int
tracert_hop(struct pctx *c, int ttl)
{
	struct resp	 r;
	char		 buf[PASTE_MAX_NAME + 1], *br;
	double		 v;
	int		 i = 1, k, n, start, replied = 0;

	if (paste_open_hop(c, ttl) == -1)
		return -1;
	start = c->hop->nprobes;
	memset(&r, 0, sizeof(r));
	while (i < c->ntok) {
		const char *s = c->tok[i];

		if (strcmp(s, "*") == 0) {
			if (paste_add_probe(c, NULL, 0, 0) == NULL)
				return -1;
			i++;
		} else if ((n = tracert_rtt(c, i, &v)) > 0) {
			if (paste_add_probe(c, NULL, 1, v) == NULL)
				return -1;
			replied = 1;
			i += n;
		} else if (rtt_bad_at(c, i))
			return rtt_refuse(c, i);
		else
			break;
	}
	if (c->hop->nprobes == start && !tracert_reporter_at(c, i))
		return paste_err(c, "cannot parse tracert line \"%.40s\"", c->line);
	if (i < c->ntok && !replied && !tracert_reporter_at(c, i))
		return 0;	/* "Request timed out." in any language */
	if (i < c->ntok) {
		const char *s = c->tok[i];

		if ((br = strchr(s, '[')) != NULL && br > s) {
			/* name[addr], no space */
			snprintf(buf, sizeof(buf), "%.*s", (int)(br - s), s);
			if (!paste_name_ok(buf))
				return paste_err(c, "cannot parse tracert host \"%.40s\"", s);
			snprintf(r.name, sizeof(r.name), "%s", buf);
			paste_strip(br, "[]", buf, sizeof(buf));
			paste_take_addr(r.addr, buf);
		} else if (!paste_name_ok(s))
			return paste_err(c, "cannot parse tracert host \"%.40s\"", s);
		else
			resp_host(&r, s);
		i++;
	}
	if (i < c->ntok && c->tok[i][0] == '[') {
		paste_strip(c->tok[i], "[]", buf, sizeof(buf));
		paste_take_addr(r.addr, buf);
		i++;
	}
	for (k = start; k < c->hop->nprobes; k++) {
		struct trace_probe *p = &c->hop->probes[k];

		if (!p->replied)
			continue;
		if (trace_probe_set_addr(c->hop, p, r.addr) == -1 ||
		    (r.name[0] != '\0' &&
		    trace_probe_set_name(c->hop, p, r.name) == -1))
			return paste_err(c, "out of memory");
	}
	if (i < c->ntok) {
		size_t tl = strlen(c->tok[i]);

		/* "reports:" and its translations ("meldet:", "signale :") */
		if (c->tok[i][tl - 1] == ':' || (i + 1 < c->ntok &&
		    strcmp(c->tok[i + 1], ":") == 0))
			return tracert_reporter(c, c->tok[i][tl - 1] == ':' ? i : i + 1,
			    start, &r);
		return paste_err(c, "cannot parse tracert line \"%.40s\"", c->line);
	}
	return 0;
}

/*
 * Windows tracert, in any of its languages.  Lines that are not hop lines
 * (prompt, banner, header, footer) are skipped; those before the first
 * hop name the destination.
 */
static int
parse_tracert(struct pctx *c)
{
	int	 rc, ttl;

	c->t->source = strdup("tracert");
	while ((rc = next_line(c)) == 1) {
		if (c->ntok == 0)
			continue;
		if (inum(c->tok[0], 1, TRACE_MAX_TTL, &ttl) && c->ntok > 1) {
			if (tracert_hop(c, ttl) == -1)
				return -1;
		} else if (c->t->nhops == 0 && tracert_preamble(c) == -1)
			return -1;
	}
	return rc;
}

/* ---- mtr --report -------------------------------------------------- */

static int
col(const struct pctx *c, const char *name)
{
	int	 i;

	for (i = 0; i < c->ncols; i++)
		if (strcmp(c->cols[i], name) == 0)
			return i;
	return -1;
}

/*
 * Counts a summary line gives (sent, and replies or losses) above what a
 * hop holds are scaled down to TRACE_MAX_QUERIES probes, keeping the rate.
 */
static void
scale_counts(int *snt, int *part)
{
	if (*snt > TRACE_MAX_QUERIES) {
		*part = (int)lround((double)*part * TRACE_MAX_QUERIES / *snt);
		*snt = TRACE_MAX_QUERIES;
	}
}

/*
 * Probes for a summary line (sent, loss %, best/avg/worst): the replies
 * get best, then avg, and worst for the last, so min/avg/max survive.
 */
int
paste_summary_probes(struct pctx *c, const struct resp *r, int snt, int rcv,
    double best, double avg, double worst)
{
	int	 k;

	for (k = 0; k < snt; k++) {
		double rtt = k == 0 ? best : k == rcv - 1 ? worst : avg;

		if (rcv == 1)
			rtt = avg;
		if (paste_add_probe(c, r, k < rcv, rtt) == NULL)
			return -1;
	}
	return 0;
}

/*
 * tracepair's own summary ends a hop line with a note in brackets, e.g.
 * "[echo; limited 0.8/s burst 1]" (docs/probing.md): the figures are echo's,
 * the hop limited its replies.  Returns the index of the note's first
 * token (c->ntok when there is none), -1 after an error; fills the hop's
 * members into *note.
 */
static int
tp_note(struct pctx *c, int first, struct trace_hop *note)
{
	char	 buf[PASTE_MAX_LINE + 1], *part, *save = NULL;
	size_t	 n = 0, l;
	int	 j, used;

	memset(note, 0, sizeof(*note));
	l = strlen(c->tok[c->ntok - 1]);
	if (c->ntok - 1 < first || l == 0 || c->tok[c->ntok - 1][l - 1] != ']')
		return c->ntok;
	for (j = c->ntok - 1; j >= first && c->tok[j][0] != '['; j--)
		;
	if (j < first)
		return c->ntok;
	buf[0] = '\0';
	for (l = (size_t)j; l < (size_t)c->ntok; l++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    l > (size_t)j ? " " : "", c->tok[l]);
	buf[strlen(buf) - 1] = '\0';		/* the ']' */
	for (part = strtok_r(buf + 1, ";", &save); part != NULL;
	    part = strtok_r(NULL, ";", &save)) {
		while (*part == ' ')
			part++;
		used = 0;
		if (strcmp(part, "echo") == 0)
			note->loss_by_echo = 1;
		else if (sscanf(part, "limited %lf/s burst %d%n", &note->rl_rate,
		    &note->rl_burst, &used) == 2 && part[used] == '\0' &&
		    note->rl_rate > 0 && note->rl_rate <= 1e6 &&
		    note->rl_burst >= 0 && note->rl_burst <= TRACE_MAX_QUERIES)
			continue;
		else
			return paste_err(c, "cannot parse tracepair note \"%.40s\"", part);
	}
	return j;
}

/*
 * The host part of an mtr line, tok[from..to): "AS1234" / "AS???" (-z),
 * a name or address, "(addr)" (-b), "???" (no reply).
 */
static int
mtr_host(struct pctx *c, int from, int to, struct resp *r)
{
	char	 buf[PASTE_MAX_NAME + 1];
	int	 i;

	memset(r, 0, sizeof(*r));
	for (i = from; i < to; i++) {
		const char *s = c->tok[i];

		if (strncmp(s, "AS", 2) == 0 && (isdigit((unsigned char)s[2]) ||
		    s[2] == '?'))
			r->asn = (uint32_t)strtoul(s + 2, NULL, 10);
		else if (strcmp(s, "???") == 0 || strspn(s, "*.:") == strlen(s))
			continue;	/* no reply; "***.***.**.**" redacted */
		else if (s[0] == '(') {
			paste_strip(s, "()", buf, sizeof(buf));
			paste_take_addr(r->addr, buf);
		} else if (paste_name_ok(s))
			resp_host(r, s);
		else
			return paste_err(c, "cannot parse mtr host \"%.40s\"", s);
	}
	return 0;
}

static int
mtr_hop(struct pctx *c, int ttl, int first)
{
	struct resp	 r;
	struct trace_hop note;
	char		 buf[PASTE_MAX_NAME + 1];
	double		 vals[PASTE_MAX_COLS], loss = 0;
	int		 k, nhost, snt = -1, rcv = -1, end, b, a, w;

	if (c->ncols == 0)
		return paste_err(c, "cannot parse mtr hop before the HOST: line");
	if ((end = tp_note(c, first, &note)) < 0)
		return -1;
	nhost = end - first - c->ncols;
	if (nhost < 1)
		return paste_err(c, "cannot parse mtr line: %d columns expected",
		    c->ncols);
	for (k = 0; k < c->ncols; k++) {
		/* "1168." is how mtr prints 1168 ms */
		if (paste_strip(c->tok[first + nhost + k], "%", buf, sizeof(buf)) == -1 ||
		    !num(buf, &vals[k]))
			return paste_err(c, "cannot parse mtr value \"%.20s\"",
			    c->tok[first + nhost + k]);
	}
	if (mtr_host(c, first, first + nhost, &r) == -1)
		return -1;
	if ((k = col(c, "Snt")) >= 0)
		snt = vals[k] > INT_MAX ? -1 : (int)vals[k];
	if ((k = col(c, "Loss%")) >= 0)
		loss = vals[k];
	if ((k = col(c, "Rcv")) >= 0)
		rcv = vals[k] > INT_MAX ? INT_MAX : (int)vals[k];
	if (snt < 0 || loss > 100)
		return paste_err(c, "cannot parse mtr line: bad Snt or Loss%%");
	if (rcv < 0)
		rcv = (int)lround(snt * (100.0 - loss) / 100.0);
	if (rcv > snt)
		rcv = snt;
	scale_counts(&snt, &rcv);
	if (paste_open_hop(c, ttl) == -1)
		return -1;
	if (note.loss_by_echo) {	/* the line's figures are echo's */
		c->hop->loss_by_echo = 1;
		c->hop->echo_sent = snt;
		c->hop->echo_received = rcv;
	}
	c->hop->rl_rate = note.rl_rate;
	c->hop->rl_burst = note.rl_burst;
	c->extra = 0;
	b = col(c, "Best");
	a = col(c, "Avg");
	w = col(c, "Wrst");
	return paste_summary_probes(c, &r, snt, rcv, b >= 0 ? vals[b] : 0,
	    a >= 0 ? vals[a] : 0, w >= 0 ? vals[w] : 0);
}

/*
 * mtr -e's "[MPLS: Lbl 299776 TC 0 S u TTL 1]" under a hop: mtr adds up
 * the hop's replies, so the label goes to all of them.  "u" (unknown) is 0.
 */
static int
mtr_mpls_line(struct pctx *c)
{
	struct trace_mpls m;
	unsigned long	 v[4] = { 0, 0, 0, 0 };
	static const char *keys[4] = { "Lbl", "TC", "S", "TTL" };
	char		 buf[16];
	int		 i, k;

	if (c->ntok != 9 || strcmp(c->tok[0], "[MPLS:") != 0)
		return paste_err(c, "cannot parse mtr MPLS line \"%.40s\"", c->line);
	for (k = 0, i = 1; k < 4; k++, i += 2) {
		paste_strip(c->tok[i + 1], "]", buf, sizeof(buf));
		if (strcmp(c->tok[i], keys[k]) != 0 ||
		    (!unum(buf, &v[k]) && strcmp(buf, "u") != 0))
			return paste_err(c, "cannot parse mtr MPLS line \"%.40s\"", c->line);
	}
	if (paste_mpls_set(&m, v[0], v[1], v[2], v[3]) == -1)
		return paste_err(c, "cannot parse mtr MPLS line \"%.40s\"", c->line);
	return mpls_attach(c, &m, 1);
}

/*
 * An extra responder of the hop above (ECMP), "        185.91.10.122" or
 * "    |  `|-- 10.0.0.2": mtr does not say how many replies it gave, so it
 * takes one of the hop's replies (the last not yet given away).
 */
static int
mtr_extra(struct pctx *c)
{
	struct resp	 r;
	struct trace_probe *p;
	int		 i = 0, k;

	while (i < c->ntok && (strcmp(c->tok[i], "|") == 0 ||
	    strcmp(c->tok[i], "|--") == 0 || strcmp(c->tok[i], "`|--") == 0))
		i++;
	if (i == c->ntok)
		return 0;
	if (mtr_host(c, i, c->ntok, &r) == -1)
		return -1;
	if (r.addr[0] == '\0' && r.name[0] == '\0')
		return 0;
	for (k = c->hop->nprobes - 1 - c->extra; k >= 0; k--) {
		p = &c->hop->probes[k];
		if (!p->replied)
			continue;
		p->asn = r.asn;
		if (trace_probe_set_addr(c->hop, p, r.addr) == -1 ||
		    trace_probe_set_name(c->hop, p,
		    r.name[0] != '\0' ? r.name : NULL) == -1)
			return paste_err(c, "out of memory");
		c->extra = c->hop->nprobes - k;
		return 0;
	}
	return 0;
}

/* Column names of "HOST: name  Loss% Snt ..." or the screen's "Host Loss% ...". */
static int
mtr_columns(struct pctx *c, int from)
{
	int	 i;

	c->ncols = 0;
	for (i = from; i < c->ntok; i++) {
		if (c->ncols == PASTE_MAX_COLS)
			return paste_err(c, "cannot parse mtr header: too many columns");
		snprintf(c->cols[c->ncols++], sizeof(c->cols[0]), "%s", c->tok[i]);
	}
	if (col(c, "Snt") < 0)
		return paste_err(c, "cannot parse mtr header: no Snt column");
	return 0;
}

/*
 * mtr --report, --report-wide, -z, custom -o fields, -e, and the
 * interactive screen copied from a terminal.  Lines before the header
 * (the command, a prompt) and after the table are not part of the trace.
 */
static int
parse_mtr_report(struct pctx *c)
{
	char	 buf[32];
	int	 rc, ttl;
	size_t	 n;

	c->t->source = strdup("mtr");
	while ((rc = next_line(c)) == 1) {
		if (c->ntok == 0)
			continue;
		if (strcmp(c->tok[0], "Start:") == 0) {
			double	 ts;

			if (c->ntok == 2 && trace_parse_time(c->tok[1], &ts) == 0)
				c->t->start = ts;
			continue;
		}
		if (strcmp(c->tok[0], "HOST:") == 0) {
			if (mtr_columns(c, 2) == -1)
				return -1;
			continue;
		}
		if (strcmp(c->tok[0], "Host") == 0 && c->ntok > 2 &&
		    (strcmp(c->tok[1], "Loss%") == 0 || strcmp(c->tok[1], "Snt") == 0)) {
			if (mtr_columns(c, 1) == -1)	/* the interactive screen */
				return -1;
			continue;
		}
		if (strcmp(c->tok[0], "[MPLS:") == 0 && c->hop != NULL) {
			if (mtr_mpls_line(c) == -1)
				return -1;
			continue;
		}
		/* "1.|--", "1." "|--", "1." (-z, the screen) */
		n = strlen(c->tok[0]);
		snprintf(buf, sizeof(buf), "%s", c->tok[0]);
		if (n < sizeof(buf) && strstr(buf, ".|--") != NULL) {
			*strstr(buf, ".|--") = '\0';
			if (inum(buf, 1, TRACE_MAX_TTL, &ttl)) {
				if (mtr_hop(c, ttl, 1) == -1)
					return -1;
				continue;
			}
		}
		if (n > 1 && n < sizeof(buf) && buf[n - 1] == '.' && c->ntok > 1) {
			buf[n - 1] = '\0';
			if (inum(buf, 1, TRACE_MAX_TTL, &ttl)) {
				if (mtr_hop(c, ttl, strcmp(c->tok[1], "|--") == 0 ?
				    2 : 1) == -1)
					return -1;
				continue;
			}
		}
		if (c->lead_space && c->hop != NULL && c->ncols > 0 &&
		    c->ntok <= 4) {
			if (mtr_extra(c) == -1)
				return -1;
			continue;
		}
		if (c->t->nhops == 0 && c->ntok > 2 && c->t->dst_name == NULL &&
		    strcmp(c->tok[1], "->") == 0 && paste_set_dst(c, c->tok[2]) == -1)
			return -1;	/* the screen: "a (198.18.0.1) -> b (198.18.9.2)" */
		if (c->t->nhops == 0 && c->ntok > 3 && c->t->dst_name == NULL &&
		    strcmp(c->tok[2], "->") == 0 && paste_set_dst(c, c->tok[3]) == -1)
			return -1;
		if (c->t->nhops == 0 && c->ntok > 1 && strcmp(c->tok[0], "mtr") == 0 &&
		    c->t->dst_name == NULL && paste_set_dst(c, c->tok[c->ntok - 1]) == -1)
			return -1;	/* "mtr -r -c 10 HOST": the destination */
		/* the command, a prompt, the screen's title and keys lines */
	}
	return rc;
}

/*
 * The host at the end of a Windows line, as text: "NAME [ADDR]",
 * "NAME[ADDR]", "ADDR" or "NAME".  Returns 0, or -1 with the error set.
 */
static int
win_host(struct pctx *c, const char *text, struct resp *r)
{
	char		 buf[PASTE_MAX_LINE + 1], *br;

	memset(r, 0, sizeof(*r));
	paste_strip(text, " ", buf, sizeof(buf));
	if ((br = strchr(buf, '[')) != NULL) {
		*br++ = '\0';
		if (paste_strip(buf, " ", r->name, sizeof(r->name)) == -1 ||
		    !paste_name_ok(r->name) || *br == '\0' || br[strlen(br) - 1] != ']')
			return paste_err(c, "cannot parse host \"%.40s\"", text);
		br[strlen(br) - 1] = '\0';
		if (!paste_take_addr(r->addr, br))
			return paste_err(c, "cannot parse address \"%.40s\"", br);
		return 0;
	}
	if (!paste_name_ok(buf))
		return paste_err(c, "cannot parse host \"%.40s\"", text);
	resp_host(r, buf);
	return 0;
}

/* ---- iputils tracepath -------------------------------------------- */

/* tok[0] is "N:" (a hop) or "N?:" (a guess, tracepath's local hop); ttl in *ttl. */
static int
tracepath_ttl(const struct pctx *c, int *ttl, int *guess)
{
	char	 buf[8];
	size_t	 n = strlen(c->tok[0]);

	if (n < 2 || n >= sizeof(buf) || c->tok[0][n - 1] != ':')
		return 0;
	memcpy(buf, c->tok[0], n - 1);
	buf[n - 1] = '\0';
	*guess = buf[n - 2] == '?';
	if (*guess)
		buf[n - 2] = '\0';
	return inum(buf, 1, TRACE_MAX_TTL, ttl);
}

/*
 * "N:  HOST [(ADDR)]  1.234ms [asymm N] [pmtu N] [reached] [!H]", "N:  no
 * reply", "N?: [LOCALHOST]  pmtu 1500".  A line that reports a smaller
 * path MTU ("pmtu 1492" after the RTT) is the probe refused for its size
 * by a router before the hop, not an answer at that TTL: tracepath sends
 * again, so it is not kept as a probe.  asymm (the reply's hop count) is
 * not a reply TTL and is not kept.
 */
static int
tracepath_hop(struct pctx *c, int ttl)
{
	struct resp	 r;
	struct trace_probe *p;
	char		 buf[PASTE_MAX_NAME + 1];
	double		 rtt = -1;
	int		 i = 2, v, pmtu = 0, reached = 0;
	const char	*annot = NULL;

	if (c->ntok >= 3 && strcmp(c->tok[1], "no") == 0 &&
	    strcmp(c->tok[2], "reply") == 0) {
		if (paste_open_hop(c, ttl) == -1)
			return -1;
		return paste_add_probe(c, NULL, 0, 0) == NULL ? -1 : 0;
	}
	memset(&r, 0, sizeof(r));
	if (!paste_name_ok(c->tok[1]))
		return paste_err(c, "cannot parse tracepath host \"%.40s\"", c->tok[1]);
	resp_host(&r, c->tok[1]);
	if (i < c->ntok && c->tok[i][0] == '(') {
		paste_strip(c->tok[i], "()", buf, sizeof(buf));
		paste_take_addr(r.addr, buf);
		i++;
	}
	for (; i < c->ntok; i++) {
		const char *s = c->tok[i];

		if (rtt < 0 && num_unit(s, "ms", &rtt))
			continue;
		if ((strcmp(s, "asymm") == 0 || strcmp(s, "pmtu") == 0) &&
		    i + 1 < c->ntok && inum(c->tok[i + 1], 0, 65535, &v)) {
			pmtu |= s[0] == 'p';
			i++;
		} else if (strcmp(s, "reached") == 0)
			reached = 1;
		else if (annot_ok(s))
			annot = s;
		else
			return paste_err(c, "cannot parse tracepath field \"%.20s\"", s);
	}
	if (rtt < 0)
		return paste_err(c, "cannot parse tracepath line: no RTT");
	if (pmtu)
		return 0;
	if (paste_open_hop(c, ttl) == -1 || (p = paste_add_probe(c, &r, 1, rtt)) == NULL)
		return -1;
	if (annot != NULL && paste_set_annot(p, annot) == -1)
		return paste_err(c, "out of memory");
	if (reached) {
		/* tracepath says so: the destination answered */
		c->t->reached = 1;
		if (c->t->dst_name == NULL && paste_set_dst(c, r.addr[0] != '\0' ?
		    r.addr : r.name) == -1)
			return -1;
	}
	return 0;
}

static int
parse_tracepath(struct pctx *c)
{
	int	 rc, ttl, guess, i;

	c->t->source = strdup("tracepath");
	while ((rc = next_line(c)) == 1) {
		if (c->ntok == 0)
			continue;
		if (c->ntok >= 2 && tracepath_ttl(c, &ttl, &guess)) {
			if (guess || strcmp(c->tok[1], "[LOCALHOST]") == 0)
				continue;	/* the local host and its MTU */
			if (tracepath_hop(c, ttl) == -1)
				return -1;
			continue;
		}
		/* "$ tracepath -n HOST": the destination, from the command */
		for (i = 0; i + 1 < c->ntok && c->t->nhops == 0; i++)
			if ((strcmp(c->tok[i], "tracepath") == 0 ||
			    strcmp(c->tok[i], "tracepath6") == 0) &&
			    paste_set_dst(c, c->tok[c->ntok - 1]) == -1)
				return -1;
		/* the prompt, "Resume: pmtu 1492 hops 8 back 10" */
	}
	return rc;
}

/* ---- Windows pathping ---------------------------------------------- */

/*
 * A statistics line "N  RTT  L/ S = P%  L/ S = P%  HOST", ttl in tok[0]:
 * the hop becomes S probes, S - L of them answered (source to here) in
 * RTT ("---": none).  The route section's probes of the hop are replaced.
 */
static int
pathping_stats(struct pctx *c, int ttl)
{
	struct resp	 r;
	const char	*rest;
	double		 rtt = 0;
	int		 l1, s1, p1, l2, s2, p2, n = 0, k;

	if (!num_unit(c->tok[1], "ms", &rtt) && strcmp(c->tok[1], "---") != 0)
		return paste_err(c, "cannot parse pathping RTT \"%.20s\"", c->tok[1]);
	rest = line_at(c, 1) + strlen(c->tok[1]);
	if (sscanf(rest, " %d/ %d =%d%% %d/ %d =%d%% %n", &l1, &s1, &p1, &l2,
	    &s2, &p2, &n) != 6 || n == 0 || s1 < 0 || l1 < 0 || l1 > s1)
		return paste_err(c, "cannot parse pathping line \"%.40s\"", c->line);
	if (win_host(c, rest + n, &r) == -1)
		return -1;
	scale_counts(&s1, &l1);
	if (paste_open_hop(c, ttl) == -1)
		return -1;
	trace_hop_truncate(c->hop, 0);
	for (k = 0; k < s1; k++)
		if (paste_add_probe(c, &r, k < s1 - l1, rtt) == NULL)
			return -1;
	if (l1 == s1) {
		/* no answer in the statistics: the route section's responder */
		for (k = 0; k < s1; k++) {
			if (trace_probe_set_addr(c->hop, &c->hop->probes[k],
			    r.addr) == -1 || (r.name[0] != '\0' &&
			    trace_probe_set_name(c->hop, &c->hop->probes[k],
			    r.name) == -1))
				return paste_err(c, "out of memory");
		}
	}
	return 0;
}

/*
 * A route-section line "N  [* ...] HOST [ADDR]": each star a probe not
 * answered, the host one answered (the route section prints no RTT: 0 ms
 * until the statistics replace it).
 */
static int
pathping_route(struct pctx *c, int ttl)
{
	struct resp	 r;
	int		 i = 1;

	if (paste_open_hop(c, ttl) == -1)
		return -1;
	for (; i < c->ntok && strcmp(c->tok[i], "*") == 0; i++)
		if (paste_add_probe(c, NULL, 0, 0) == NULL)
			return -1;
	if (i == c->ntok)
		return 0;
	if (win_host(c, line_at(c, i), &r) == -1)
		return -1;
	return paste_add_probe(c, &r, 1, 0) == NULL ? -1 : 0;
}

/*
 * pathping: the route section (hop 0 is the source), then "Computing
 * statistics..." and the per-hop statistics, whose "Source to Here"
 * figures become the hop's probes.  Link lines ("0/ 100 =  0%   |") and
 * the rest are skipped.
 */
static int
parse_pathping(struct pctx *c)
{
	int	 rc, ttl, stats = 0;

	c->t->source = strdup("pathping");
	while ((rc = next_line(c)) == 1) {
		if (c->ntok == 0)
			continue;
		if (strcmp(c->tok[0], "Computing") == 0 ||
		    (strcmp(c->tok[0], "Hop") == 0 && c->ntok > 1 &&
		    strcmp(c->tok[1], "RTT") == 0)) {
			stats = 1;
			continue;
		}
		if (inum(c->tok[0], 0, TRACE_MAX_TTL, &ttl)) {
			if (ttl == 0) {
				/* the source: "0  NAME [ADDR]" */
				char buf[PASTE_MAX_NAME + 1];

				if (c->ntok >= 2) {
					paste_strip(strchr(c->line, '[') != NULL ?
					    strchr(c->line, '[') : c->tok[c->ntok - 1],
					    "[] ", buf, sizeof(buf));
					paste_take_addr(c->t->src, buf);
				}
				continue;
			}
			if (c->ntok < 2)
				return paste_err(c, "cannot parse pathping line \"%.40s\"",
				    c->line);
			if ((stats ? pathping_stats(c, ttl) :
			    pathping_route(c, ttl)) == -1)
				return -1;
			continue;
		}
		if (c->t->nhops == 0 && tracert_preamble(c) == -1)
			return -1;
	}
	return rc;
}

/* ---- WinMTR -------------------------------------------------------- */

/*
 * WinMTR's "Copy Text to clipboard" / "Export TEXT": a table of
 * "| HOST - LOSS | Sent | Recv | Best | Avrg | Wrst | Last |" rows, one per
 * hop in TTL order ("No response from host" for a silent hop).
 */
static int
parse_winmtr(struct pctx *c)
{
	struct resp	 r;
	char		 buf[PASTE_MAX_LINE + 1], *f[8], *save = NULL, *q, *dash;
	double		 v[6];
	int		 rc, nf, k, ttl = 0, head = 0;

	c->t->source = strdup("winmtr");
	while ((rc = next_line(c)) == 1) {
		if (c->ntok == 0 || c->line[strspn(c->line, " ")] != '|')
			continue;
		if (strstr(c->line, "Sent") != NULL && strstr(c->line, "Recv") != NULL) {
			head = 1;
			continue;
		}
		if (!head || strspn(c->line, "|-_ ") == strlen(c->line))
			continue;	/* the title and the rules */
		memcpy(buf, c->line, strlen(c->line) + 1);
		nf = 0;
		save = NULL;
		for (q = strtok_r(buf, "|", &save); q != NULL && nf < 8;
		    q = strtok_r(NULL, "|", &save))
			if (strspn(q, " ") != strlen(q))
				f[nf++] = q;
		if (nf != 7 || (dash = strrchr(f[0], '-')) == NULL)
			return paste_err(c, "cannot parse WinMTR row \"%.40s\"", c->line);
		*dash = '\0';
		for (k = 0; k < 6; k++) {
			char	 w[32];

			if (paste_strip(k == 0 ? dash + 1 : f[k], " ", w, sizeof(w)) == -1 ||
			    !num(w, &v[k]))
				return paste_err(c, "cannot parse WinMTR value \"%.20s\"",
				    k == 0 ? dash + 1 : f[k]);
		}
		/* v: loss %, Sent, Recv, Best, Avrg, Wrst (Last in f[6]) */
		memset(&r, 0, sizeof(r));
		paste_strip(f[0], " ", buf, sizeof(buf));
		if (strcmp(buf, "No response from host") != 0) {
			if (!paste_name_ok(buf))
				return paste_err(c, "cannot parse WinMTR host \"%.40s\"", buf);
			resp_host(&r, buf);
		}
		if (v[1] > INT_MAX || v[2] > v[1] || ttl == TRACE_MAX_TTL)
			return paste_err(c, "cannot parse WinMTR row: bad Sent or Recv");
		{
			int snt = (int)v[1], rcv = (int)v[2];

			scale_counts(&snt, &rcv);
			if (paste_open_hop(c, ++ttl) == -1 ||
			    paste_summary_probes(c, &r, snt, rcv, v[3], v[4], v[5]) == -1)
				return -1;
		}
	}
	return rc;
}

/*
 * UTF-16 (as PowerShell's ">" writes it) into UTF-8; be: big-endian.
 * Returns the new text (*outlen bytes), or NULL with err set.
 */
static char *
utf16_to_utf8(const unsigned char *in, size_t len, int be, size_t *outlen,
    char *err, size_t errlen)
{
	char		*out;
	size_t		 i, o = 0;
	uint32_t	 u, lo;

	if (len % 2 != 0) {
		snprintf(err, errlen, "1: cannot parse: UTF-16 text of odd length");
		return NULL;
	}
	if ((out = malloc(len / 2 * 3 + 1)) == NULL) {
		snprintf(err, errlen, "1: out of memory");
		return NULL;
	}
	for (i = 0; i + 1 < len; i += 2) {
		u = be ? (uint32_t)in[i] << 8 | in[i + 1] : (uint32_t)in[i + 1] << 8 | in[i];
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < len) {
			lo = be ? (uint32_t)in[i + 2] << 8 | in[i + 3] :
			    (uint32_t)in[i + 3] << 8 | in[i + 2];
			if (lo < 0xdc00 || lo > 0xdfff)
				goto bad;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if (u >= 0xd800 && u <= 0xdfff)
			goto bad;
		if (u < 0x80)
			out[o++] = (char)u;
		else if (u < 0x800) {
			out[o++] = (char)(0xc0 | u >> 6);
			out[o++] = (char)(0x80 | (u & 0x3f));
		} else if (u < 0x10000) {
			out[o++] = (char)(0xe0 | u >> 12);
			out[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (u & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | u >> 18);
			out[o++] = (char)(0x80 | ((u >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (u & 0x3f));
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
bad:
	snprintf(err, errlen, "1: cannot parse: a lone UTF-16 surrogate at byte %zu", i);
	free(out);
	return NULL;
}

/*
 * The text as UTF-8 without a BOM: *text moves past a UTF-8 BOM; UTF-16
 * (with a BOM, or without one when every other byte of the start is NUL)
 * is converted into *conv, which the caller frees.  Returns 0 or -1.
 */
int
paste_decode_text(const char **text, size_t *len, char **conv, char *err, size_t errlen)
{
	const unsigned char *u = (const unsigned char *)*text;
	size_t	 n = *len;
	int	 be;

	*conv = NULL;
	if (n > PASTE_MAX_INPUT) {
		snprintf(err, errlen, "1: cannot parse: input larger than %d bytes",
		    PASTE_MAX_INPUT);
		return -1;
	}
	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		*text += 3;
		*len -= 3;
		return 0;
	}
	if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		be = u[0] == 0xfe;
		u += 2;
		n -= 2;
	} else if (n >= 4 && u[0] != 0 && u[1] == 0 && u[2] != 0 && u[3] == 0)
		be = 0;
	else if (n >= 4 && u[0] == 0 && u[1] != 0 && u[2] == 0 && u[3] != 0)
		be = 1;
	else
		return 0;
	if ((*conv = utf16_to_utf8(u, n, be, len, err, errlen)) == NULL)
		return -1;
	*text = *conv;
	return 0;
}

/* ---- detection and entry point ------------------------------------- */

/* "N:" or "N?:" with N a TTL: tracepath's hop numbers. */
static int
tracepath_tok(const char *s)
{
	char	 buf[8];
	size_t	 n = strlen(s);
	int	 ttl;

	if (n < 2 || n >= sizeof(buf) || s[n - 1] != ':')
		return 0;
	memcpy(buf, s, n - 1);
	buf[n - 1] = '\0';
	if (buf[n - 2] == '?')
		buf[n - 2] = '\0';
	return inum(buf, 1, TRACE_MAX_TTL, &ttl);
}

/*
 * The format of text: JSON by its members; text by the first line that
 * only one format prints (pathping's statistics, WinMTR's table, mtr's
 * header, tracepath's "N:", tracert's RTTs before the host); else
 * traceroute.
 */
enum paste_format
paste_detect(const char *text, size_t len)
{
	enum paste_format f;
	char	*conv, err[128];

	if (paste_decode_text(&text, &len, &conv, err, sizeof(err)) == -1)
		return PASTE_TRACEROUTE;	/* paste_parse() will say why */
	f = paste_detect_format(text, len);
	free(conv);
	return f;
}

/* paste_detect() on UTF-8 text. */
enum paste_format
paste_detect_format(const char *text, size_t len)
{
	size_t	 i = 0, ls;
	int	 ttl, tracert = 0, mtr = 0, tracepath = 0, pathping = 0;
	char	 line[PASTE_MAX_LINE + 1], *tk[4], *save = NULL, *p;
	int	 n;

	while (i < len && (isspace((unsigned char)text[i]) ||
	    (unsigned char)text[i] >= 0x80))	/* a BOM */
		i++;
	if (i < len && (text[i] == '{' || text[i] == '[')) {
		if (memmem(text, len, "\"hubs\"", 6) != NULL)
			return PASTE_MTR_JSON;
		if (memmem(text, len, "\"prb_id\"", 8) != NULL ||
		    memmem(text, len, "\"msm_id\"", 8) != NULL)
			return PASTE_ATLAS;
		if (memmem(text, len, "\"probe_ttl\"", 11) != NULL ||
		    memmem(text, len, "\"hop_count\"", 11) != NULL)
			return PASTE_SCAMPER;
		if (text[i] == '{')
			return PASTE_TRACEPAIR;
	}
	for (i = 0; i < len;) {
		ls = i;
		while (i < len && text[i] != '\n')
			i++;
		n = (int)(i - ls < PASTE_MAX_LINE ? i - ls : PASTE_MAX_LINE);
		memcpy(line, text + ls, n);
		line[n] = '\0';
		i++;
		if (strstr(line, "Tracing route to") != NULL ||
		    strstr(line, "over a maximum of") != NULL)
			tracert = 1;
		if (strstr(line, "Computing statistics") != NULL ||
		    strstr(line, "Source to Here") != NULL)
			pathping = 1;
		if (strstr(line, "WinMTR") != NULL || (line[strspn(line, " ")] == '|' &&
		    strstr(line, "Sent") != NULL && strstr(line, "Recv") != NULL))
			return PASTE_WINMTR;
		if (strstr(line, ".|--") != NULL || strstr(line, "HOST:") != NULL ||
		    (strstr(line, " Host ") != NULL && strstr(line, "Loss%") != NULL))
			mtr = 1;
		for (p = line; *p; p++)
			if (*p == '\t' || *p == '\r')
				*p = ' ';
		n = 0;
		save = NULL;
		for (p = strtok_r(line, " ", &save); p != NULL && n < 4;
		    p = strtok_r(NULL, " ", &save))
			tk[n++] = p;
		if (n >= 2 && tracepath_tok(tk[0]))
			tracepath = 1;
		/* "  1    <1 ms ..." / "  2    12 ms ..." / "12 мс": RTTs before the host */
		if (n >= 3 && inum(tk[0], 1, TRACE_MAX_TTL, &ttl) &&
		    (tk[1][0] == '<' || isdigit((unsigned char)tk[1][0])) &&
		    strchr(tk[1], '.') == NULL && strchr(tk[1], ':') == NULL &&
		    (strcmp(tk[2], "ms") == 0 || strcmp(tk[2], "мс") == 0))
			tracert = 1;
		if (n >= 2 && inum(tk[0], 1, TRACE_MAX_TTL, &ttl) &&
		    strncmp(tk[1], "<1", 2) == 0 && strchr(tk[1], 'm') != NULL)
			tracert = 1;
	}
	if (pathping)
		return PASTE_PATHPING;
	if (mtr)
		return PASTE_MTR_REPORT;
	if (tracepath)
		return PASTE_TRACEPATH;
	if (tracert)
		return PASTE_TRACERT;
	return PASTE_TRACEROUTE;
}

/*
 * Reached: the last hop answered, and it is the destination by address or
 * name, or (the tools stop at the destination) it carries no unreachable
 * annotation and is below the maximum TTL.  Trailing star hops: not
 * reached.  REACH_DST (formats that name the destination and do not stop
 * at it, or say when they reached it: mtr --json, tracepath, pathping):
 * only the first rule, when the last responder and the destination can be
 * compared (two addresses or two names; else REACH_STOPS).  REACH_KNOWN:
 * the input said (Atlas, scamper,
 * tracepath's "reached").
 */
/*
 * The last hop's main responder and the destination can be compared: both
 * have an address, or both are only names.
 */
static int
dst_comparable(const struct trace *t, const struct trace_hop *h)
{
	const struct trace_probe *p = trace_hop_main_probe(h);

	if (p == NULL)
		return 0;
	if (p->addr[0] != '\0')
		return t->dst[0] != '\0';
	return p->name != NULL && t->dst_name != NULL && !addr_af(t->dst_name);
}

static void
finish(struct trace *t, enum reach_rule rule)
{
	const struct trace_hop *h;
	int	 i, j, answered = 0, unreach = 0;

	if (t->queries == 0 && t->nhops > 0)
		t->queries = t->hops[0].nprobes;
	if (t->first_ttl == 0 && t->nhops > 0)
		t->first_ttl = t->hops[0].ttl;
	h = t->nhops > 0 ? &t->hops[t->nhops - 1] : NULL;
	for (j = 0; h != NULL && j < h->nprobes; j++) {
		const struct trace_probe *p = &h->probes[j];

		if (trace_probe_more(p)->annot[0] != '\0' && strcmp(trace_probe_more(p)->annot, "!") != 0)
			unreach = 1;
		if (p->replied)
			answered = 1;
	}
	if (rule == REACH_DST && answered && !trace_hop_is_dst(t, h) &&
	    !dst_comparable(t, h))
		rule = REACH_STOPS;	/* a name against an address: cannot tell */
	if (rule != REACH_KNOWN)
		t->reached = answered && (trace_hop_is_dst(t, h) ||
		    (rule == REACH_STOPS && !unreach && (t->max_ttl == 0 ||
		    h->ttl < t->max_ttl)));
	if (t->af == 0) {
		for (i = 0; i < t->nhops && t->af == 0; i++)
			for (j = 0; j < t->hops[i].nprobes && t->af == 0; j++)
				t->af = addr_af(t->hops[i].probes[j].addr);
	}
	if (rule != REACH_KNOWN || t->stop_reason[0] == '\0')
		snprintf(t->stop_reason, sizeof(t->stop_reason), "%s",
		    t->reached ? "completed" : t->nhops > 0 ? "max-ttl" : "");
}

/* The parser of each format (PASTE_AUTO: detected first). */
static int (*const parsers[PASTE_NFORMATS])(struct pctx *) = {
	[PASTE_AUTO] = NULL,
	[PASTE_TRACEPAIR] = paste_parse_tracepair,
	[PASTE_TRACEROUTE] = parse_traceroute,
	[PASTE_TRACERT] = parse_tracert,
	[PASTE_MTR_REPORT] = parse_mtr_report,
	[PASTE_MTR_JSON] = paste_parse_mtr_json,
	[PASTE_TRACEPATH] = parse_tracepath,
	[PASTE_PATHPING] = parse_pathping,
	[PASTE_WINMTR] = parse_winmtr,
	[PASTE_ATLAS] = paste_parse_atlas,
	[PASTE_SCAMPER] = paste_parse_scamper,
};

struct trace *
paste_parse(const char *text, size_t len, enum paste_format fmt, char *err,
    size_t errlen)
{
	struct pctx	*c;
	struct trace	*t = NULL;
	char		*conv;
	int		 rc = -1, autofmt = fmt == PASTE_AUTO;

	if (paste_decode_text(&text, &len, &conv, err, errlen) == -1)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->t = trace_new()) == NULL) {
		snprintf(err, errlen, "1: out of memory");
		free(c);
		free(conv);
		return NULL;
	}
	c->text = text;
	c->len = len;
	c->err = err;
	c->errlen = errlen;
	if (fmt == PASTE_AUTO)
		fmt = paste_detect_format(text, len);
	if ((unsigned)fmt >= PASTE_NFORMATS || parsers[fmt] == NULL)
		fmt = PASTE_TRACEROUTE;
	rc = parsers[fmt](c);
	if (rc == 0 && fmt != PASTE_TRACEPAIR) {
		if (c->t->source == NULL) {
			snprintf(err, errlen, "1: out of memory");
			rc = -1;
		} else if (c->t->nhops == 0) {
			c->lineno = c->lineno > 0 ? c->lineno : 1;
			if (autofmt)
				rc = paste_err(c, "cannot parse: no trace found; formats "
				    "read: %s", PASTE_FORMATS_READ);
			else
				rc = paste_err(c, "cannot parse: no hop lines found (%s "
				    "format)", paste_format_name(fmt));
		} else
			finish(c->t, fmt == PASTE_ATLAS || fmt == PASTE_SCAMPER ||
			    fmt == PASTE_TRACEPATH ? REACH_KNOWN :
			    fmt == PASTE_MTR_JSON || fmt == PASTE_PATHPING ?
			    REACH_DST : REACH_STOPS);
	}
	if (rc == 0) {
		t = c->t;
		c->t = NULL;
	}
	trace_free(c->t);
	free(c);
	free(conv);
	return t;
}
