/* analysis.c: align a forward and a reverse trace, find divergence, real loss, delay steps and suspects. */
#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis.h"
#include "site.h"
#include "analysis_priv.h"

static const char *how_names[] = { "address", "alias", "name", "subnet",
	"gateway" };
static const char *suspect_names[] = { "link", "router", "destination", "filter",
	"site", "latency" };
static const char *artifact_names[] = {
	"icmp-rate-limit", "destination-rate-limit", "rtt-spike", "silent-router",
	"echo-detour"
};

const char *
analysis_how_name(enum analysis_how h)
{
	return (unsigned)h <= ANALYSIS_HOW_GATEWAY ? how_names[h] : "unknown";
}

const char *
analysis_suspect_kind_name(enum analysis_suspect_kind k)
{
	return (unsigned)k <= ANALYSIS_SUSPECT_LATENCY ? suspect_names[k] : "unknown";
}

const char *
analysis_artifact_kind_name(enum analysis_artifact_kind k)
{
	return (unsigned)k <= ANALYSIS_ART_ECHO_DETOUR ? artifact_names[k] : "unknown";
}

const char *
analysis_dir_name(enum analysis_dir d)
{
	return d == ANALYSIS_FORWARD ? "forward" : "reverse";
}

const char *
analysis_hop_label(const struct analysis_hop *h)
{
	if (h->name[0] != '\0')
		return h->name;
	if (h->addr[0] != '\0')
		return h->addr;
	return "*";
}

double
analysis_conf_shown(double c)
{
	if (c < ANALYSIS_FIRM && c >= ANALYSIS_FIRM - 0.005)
		return ANALYSIS_FIRM - 0.01;
	return c;
}

void
analysis_opts_init(struct analysis_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->step_min_ms = 10.0;
	o->step_min_frac = 0.25;
	o->contradict_p = 0.005;
}

/* ---- statistics ---------------------------------------------------- */

void
analysis_wilson(int k, int n, double *lo, double *hi)
{
	const double z = 1.959964;
	double	 p, den, centre, half;

	if (n <= 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = (double)k / n;
	den = 1 + z * z / n;
	centre = (p + z * z / (2.0 * n)) / den;
	half = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / den;
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
}

/* P(X <= k) for X ~ Binomial(n, q). */
double
an_binom_cdf(int k, int n, double q)
{
	double	 pmf, sum;
	int	 i;

	if (k >= n)
		return 1.0;
	if (k < 0)
		return 0.0;
	if (q <= 0)
		return 1.0;
	if (q >= 1)
		return 0.0;
	pmf = pow(1 - q, n);
	sum = pmf;
	for (i = 0; i < k; i++) {
		pmf *= (double)(n - i) / (i + 1) * q / (1 - q);
		sum += pmf;
	}
	return sum > 1 ? 1 : sum;
}

int
an_cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ---- preparing the hops -------------------------------------------- */

void
an_copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

void
an_bprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* A trace's hop as a struct analysis_hop (main responder). */
static void
fill_ref(const struct trace_hop *h, struct analysis_hop *ref)
{
	const struct trace_probe *p = trace_hop_main_probe(h);
	int	 i;

	memset(ref, 0, sizeof(*ref));
	ref->ttl = h->ttl;
	if (p == NULL) {	/* no reply: keep any name/address a probe carries */
		for (i = 0; i < h->nprobes; i++) {
			if (h->probes[i].addr[0] != '\0' || h->probes[i].name) {
				p = &h->probes[i];
				break;
			}
		}
	}
	if (p == NULL)
		return;
	an_copy_str(ref->addr, sizeof(ref->addr), p->addr);
	an_copy_str(ref->name, sizeof(ref->name), p->name);
	ref->asn = p->asn;
}

static int
prepare_dir(struct an_dir *d, const struct trace *t)
{
	struct trace_hop_stats s;
	struct an_hop	*h;
	const struct trace_probe *mp;
	double		 rtts[TRACE_MAX_QUERIES];
	int		 i, j, k, n;

	d->t = t;
	d->nhops = 0;
	d->last = -1;
	if (t->nhops > 0 && (d->hops = calloc(t->nhops, sizeof(*d->hops))) == NULL)
		return -1;
	for (i = 0; i < t->nhops; i++) {
		if (t->hops[i].nprobes <= 0)
			continue;
		h = &d->hops[d->nhops++];
		h->th = &t->hops[i];
		h->match = -1;
		h->reply_ttl = -1;
		fill_ref(h->th, &h->ref);
		trace_hop_stats(h->th, &s);
		h->sent = s.sent;
		h->recv = s.received;
		for (j = 0, n = 0; j < h->th->nprobes; j++) {
			const struct trace_probe *p = &h->th->probes[j];

			if (!p->replied)
				continue;
			rtts[n++] = p->rtt_ms;
			if (trace_probe_more(p)->annot[0] != '\0')
				an_copy_str(h->annot, sizeof(h->annot),
				    trace_probe_more(p)->annot);
			if (p->addr[0] == '\0')
				continue;
			for (k = 0; k < h->naddrs; k++)
				if (strcmp(h->addrs[k], p->addr) == 0)
					break;
			if (k == h->naddrs && h->naddrs < AN_MAX_ADDRS)
				an_copy_str(h->addrs[h->naddrs++], TRACE_ADDR_LEN, p->addr);
		}
		if (n > 0) {
			qsort(rtts, n, sizeof(rtts[0]), an_cmp_double);
			h->med_ms = n % 2 ? rtts[n / 2] : (rtts[n / 2 - 1] + rtts[n / 2]) / 2;
			d->last = d->nhops - 1;
		}
		if ((mp = trace_hop_main_probe(h->th)) != NULL)
			h->reply_ttl = mp->reply_ttl;
	}
	/* The destination: the last answering hop, if it is the target. */
	if (d->last >= 0) {
		h = &d->hops[d->last];
		if (t->reached || trace_hop_is_dst(t, h->th)) {
			h->is_dest = 1;
			d->reached = 1;
		}
	}
	return 0;
}

/* ---- alignment ----------------------------------------------------- */

/* 1 when a and b are the two ends of one /30 or /31 (v4), /126 or /127 (v6). */
static int
subnet_mates(const char *a, const char *b)
{
	unsigned char	 x[16], y[16];
	int		 len, i;
	unsigned	 lx, ly;

	if (a[0] == '\0' || b[0] == '\0' || strcmp(a, b) == 0)
		return 0;
	if (inet_pton(AF_INET, a, x) == 1) {
		if (inet_pton(AF_INET, b, y) != 1)
			return 0;
		len = 4;
	} else if (inet_pton(AF_INET6, a, x) == 1) {
		if (inet_pton(AF_INET6, b, y) != 1)
			return 0;
		len = 16;
	} else
		return 0;
	for (i = 0; i < len - 1; i++)
		if (x[i] != y[i])
			return 0;
	lx = x[len - 1];
	ly = y[len - 1];
	if ((lx & ~1u) == (ly & ~1u))	/* /31, /127 */
		return 1;
	/* /30, /126: both must be host addresses (.1 and .2 of the four) */
	if ((lx & ~3u) == (ly & ~3u) && (lx & 3u) != 0 && (lx & 3u) != 3 &&
	    (ly & 3u) != 0 && (ly & 3u) != 3)
		return 1;
	return 0;
}

static int
has_addr(const struct an_hop *h, const char *addr)
{
	int	 i;

	for (i = 0; i < h->naddrs; i++)
		if (strcmp(h->addrs[i], addr) == 0)
			return 1;
	return 0;
}

static int
alias_pair(const struct analysis_opts *o, const char *x, const char *y)
{
	int	 i;

	for (i = 0; i < o->naliases; i++) {
		if ((strcmp(o->aliases[i].a, x) == 0 && strcmp(o->aliases[i].b, y) == 0) ||
		    (strcmp(o->aliases[i].a, y) == 0 && strcmp(o->aliases[i].b, x) == 0))
			return 1;
	}
	return 0;
}

/* The hop answering at ttl+1 in d (a neighbour for subnet evidence), or NULL. */
static const struct an_hop *
next_hop(const struct an_dir *d, int idx)
{
	if (idx + 1 < d->nhops && d->hops[idx + 1].ref.ttl == d->hops[idx].ref.ttl + 1 &&
	    d->hops[idx + 1].recv > 0)
		return &d->hops[idx + 1];
	return NULL;
}

static int
any_mates(const struct an_hop *x, const struct an_hop *y)
{
	int	 i, j;

	for (i = 0; i < x->naddrs; i++)
		for (j = 0; j < y->naddrs; j++)
			if (subnet_mates(x->addrs[i], y->addrs[j]))
				return 1;
	return 0;
}

/*
 * Two names of one router: equal (case-insensitive), or one is the other
 * cut short the way mtr's report cuts names to its column (16+ chars).
 */
static int
same_name(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b);

	if (la == 0 || lb == 0)
		return 0;
	if (la == lb)
		return strcasecmp(a, b) == 0;
	if ((la < lb ? la : lb) < 16)
		return 0;
	return strncasecmp(a, b, la < lb ? la : lb) == 0;
}

/*
 * Evidence that forward hop fi and reverse hop rj are one router: returns
 * its weight (0 none) and the kind in *how.  A router answers the forward
 * trace from the interface facing A and the reverse trace from the one
 * facing B; the latter shares a point-to-point subnet with the next
 * forward hop, the former with the next reverse hop.
 */
static int
evidence(const struct an_state *st, int fi, int rj, enum analysis_how *how)
{
	const struct an_hop *f = &st->d[0].hops[fi], *r = &st->d[1].hops[rj];
	const struct an_hop *fn, *rn;
	int	 i, j;

	for (i = 0; i < f->naddrs; i++) {
		if (has_addr(r, f->addrs[i])) {
			*how = ANALYSIS_HOW_ADDR;
			return 8;
		}
	}
	for (i = 0; i < f->naddrs; i++)
		for (j = 0; j < r->naddrs; j++)
			if (alias_pair(st->opts, f->addrs[i], r->addrs[j])) {
				*how = ANALYSIS_HOW_ALIAS;
				return 7;
			}
	if (same_name(f->ref.name, r->ref.name)) {
		*how = ANALYSIS_HOW_NAME;
		return 6;
	}
	fn = next_hop(&st->d[0], fi);
	rn = next_hop(&st->d[1], rj);
	if ((fn != NULL && any_mates(fn, r)) || (rn != NULL && any_mates(f, rn))) {
		*how = ANALYSIS_HOW_SUBNET;
		return 4;
	}
	return 0;
}

/* A hop that can take part in alignment: a router that answered. */
static int
alignable(const struct an_hop *h)
{
	return h->recv > 0 && !h->is_dest &&
	    (h->ref.addr[0] != '\0' || h->ref.name[0] != '\0');
}

/*
 * A hop that takes part in alignment and in the routers of one direction:
 * a router outside both sites' own segments, or a site's edge (its own
 * view, and the other trace's destination when that is the site's public
 * address).
 */
static int
alignable_site(const struct an_hop *h)
{
	if (h->site_edge)
		return h->recv > 0;
	return alignable(h) && !h->in_site;
}

/*
 * Mark each site's segment and edge (site.c): hops inside a site are its
 * own, shown once, from its own trace; its edge box is one router with
 * the other trace's destination.
 */
static int
mark_sites(struct an_state *st)
{
	struct analysis	*a = st->a;
	int		 side, i, n;

	for (side = 0; side < 2; side++) {
		struct an_dir *own = &st->d[side], *other = &st->d[!side];
		struct site *S = &a->site[side];

		site_find(own->t, other->t, &st->opts->site[side], S);
		if (S->how == SITE_HOW_NONE)
			continue;
		for (i = 0, n = 0; i < own->nhops; i++)
			if (own->hops[i].ref.ttl <= S->inside_ttl)
				n++;
		if (n > 0 && (a->segment[side] = calloc(n, sizeof(
		    *a->segment[side]))) == NULL)
			return -1;
		for (i = 0; i < own->nhops; i++) {
			struct an_hop *h = &own->hops[i];

			if (h->ref.ttl > S->inside_ttl)
				continue;
			h->in_site = side + 1;
			if (h->ref.ttl == S->edge_ttl && S->edge_outside[0] != '\0')
				h->site_edge = side + 1;
			a->segment[side][a->nsegment[side]++] = h->ref;
		}
		if (S->edge_outside[0] != '\0' && other->last >= 0 &&
		    other->hops[other->last].is_dest &&
		    has_addr(&other->hops[other->last], S->edge_outside))
			other->hops[other->last].site_edge = side + 1;
	}
	return 0;
}

/*
 * Monotone alignment: forward hops in ascending ttl against reverse hops
 * in descending ttl, maximising total evidence (weighted LCS).
 */
static int
align(struct an_state *st)
{
	struct an_dir	*F = &st->d[0], *R = &st->d[1];
	int		 n = F->nhops, m = R->nhops, i, j, w, best;
	int		*dp, *wt;
	enum analysis_how how, *hw;

	if (n == 0 || m == 0)
		return 0;
	dp = calloc((size_t)(n + 1) * (m + 1), sizeof(*dp));
	wt = calloc((size_t)n * m, sizeof(*wt));
	hw = calloc((size_t)n * m, sizeof(*hw));
	if (dp == NULL || wt == NULL || hw == NULL) {
		free(dp);
		free(wt);
		free(hw);
		return -1;
	}
#define DP(i, j) dp[(size_t)(i) * (m + 1) + (j)]
	/* column j of the table is reverse hop m-1-j (read towards A) */
	for (i = 0; i < n; i++) {
		for (j = 0; j < m; j++) {
			int	 rj = m - 1 - j;

			w = 0;
			if (F->hops[i].site_edge != 0 &&
			    F->hops[i].site_edge == R->hops[rj].site_edge &&
			    F->hops[i].recv > 0 && R->hops[rj].recv > 0) {
				w = 9;	/* one gateway, seen inside and outside */
				how = ANALYSIS_HOW_GATEWAY;
			} else if (alignable_site(&F->hops[i]) &&
			    alignable_site(&R->hops[rj]))
				w = evidence(st, i, rj, &how);
			wt[(size_t)i * m + j] = w;
			hw[(size_t)i * m + j] = w ? how : ANALYSIS_HOW_ADDR;
		}
	}
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			best = DP(i - 1, j) > DP(i, j - 1) ? DP(i - 1, j) : DP(i, j - 1);
			w = wt[(size_t)(i - 1) * m + (j - 1)];
			if (w > 0 && DP(i - 1, j - 1) + w > best)
				best = DP(i - 1, j - 1) + w;
			DP(i, j) = best;
		}
	}
	for (i = n, j = m; i > 0 && j > 0;) {
		w = wt[(size_t)(i - 1) * m + (j - 1)];
		if (w > 0 && DP(i, j) == DP(i - 1, j - 1) + w) {
			F->hops[i - 1].match = m - j;
			F->hops[i - 1].how = hw[(size_t)(i - 1) * m + (j - 1)];
			R->hops[m - j].match = i - 1;
			R->hops[m - j].how = F->hops[i - 1].how;
			i--;
			j--;
		} else if (DP(i - 1, j) >= DP(i, j - 1))
			i--;
		else
			j--;
	}
#undef DP
	free(dp);
	free(wt);
	free(hw);
	return 0;
}

/* ---- result building helpers --------------------------------------- */

void *
an_grow(struct an_state *st, void *arr, int *n, size_t size)
{
	char	*p;

	if ((p = realloc(arr, (size_t)(*n + 1) * size)) == NULL) {
		st->oom = 1;
		return NULL;
	}
	memset(p + (size_t)*n * size, 0, size);
	(*n)++;
	return p;
}

struct analysis_artifact *
an_add_artifact(struct an_state *st, enum analysis_artifact_kind kind,
    enum analysis_dir dir, const struct an_hop *h, double value,
    const char *fmt, ...)
{
	struct analysis *a = st->a;
	struct analysis_artifact *arr, *x;
	va_list	 ap;

	if ((arr = an_grow(st, a->artifacts, &a->nartifacts, sizeof(*arr))) == NULL)
		return NULL;
	a->artifacts = arr;
	x = &arr[a->nartifacts - 1];
	x->kind = kind;
	x->dir = dir;
	x->hop = h->ref;
	x->value = value;
	va_start(ap, fmt);
	vsnprintf(x->why, sizeof(x->why), fmt, ap);
	va_end(ap);
	return x;
}

struct analysis_suspect *
an_add_suspect(struct an_state *st, enum analysis_suspect_kind kind,
    const struct analysis_hop *x, const struct analysis_hop *y, double conf)
{
	struct analysis *a = st->a;
	struct analysis_suspect *arr, *s;

	if ((arr = an_grow(st, a->suspects, &a->nsuspects, sizeof(*arr))) == NULL)
		return NULL;
	a->suspects = arr;
	s = &arr[a->nsuspects - 1];
	s->kind = kind;
	if (x != NULL)
		s->a = *x;
	if (y != NULL)
		s->b = *y;
	s->confidence = conf < 0 ? 0 : conf > 1 ? 1 : conf;
	return s;
}

/* ---- shared routers, one-direction-only routers, divergence ---------- */

static void
match_of(const struct an_state *st, int fi, struct analysis_match *m)
{
	const struct an_hop *f = &st->d[0].hops[fi];

	memset(m, 0, sizeof(*m));
	m->fwd = f->ref;
	m->rev = st->d[1].hops[f->match].ref;
	m->how = f->how;
}

/* Record the stretch between two anchors if either path has routers of its own there. */
static void
close_stretch(struct an_state *st, const struct analysis_match *from,
    const struct analysis_match *to, int nf, int rhi, int rlo)
{
	struct analysis	*a = st->a;
	struct analysis_divergence *dv;
	int		 j, nr = 0;

	for (j = rlo + 1; j < rhi; j++)
		if (alignable_site(&st->d[1].hops[j]))
			nr++;
	if (nf == 0 && nr == 0)
		return;
	if ((dv = an_grow(st, a->divergence, &a->ndivergence, sizeof(*dv))) == NULL)
		return;
	a->divergence = dv;
	dv = &dv[a->ndivergence - 1];
	dv->from = *from;
	if (to != NULL)
		dv->to = *to;
	dv->nfwd_only = nf;
	dv->nrev_only = nr;
}

/*
 * Shared routers (forward order), routers of one direction only, and the
 * stretches where the paths differ.  Reverse hops are read backwards: an
 * anchor at forward hop i and reverse index r leaves reverse indices
 * between r and the previous anchor's as that stretch's own routers.
 */
static void
find_shared(struct an_state *st)
{
	struct analysis	*a = st->a;
	struct an_dir	*F = &st->d[0], *R = &st->d[1];
	struct analysis_match prev, cur;
	int		 i, j, nf = 0, pr;

	memset(&prev, 0, sizeof(prev));
	pr = R->nhops;		/* reverse index of the previous anchor */
	for (i = 0; i < F->nhops; i++) {
		struct an_hop *f = &F->hops[i];

		if (f->match >= 0) {
			struct analysis_match *arr;

			match_of(st, i, &cur);
			if ((arr = an_grow(st, a->shared, &a->nshared, sizeof(*arr))) == NULL)
				return;
			a->shared = arr;
			arr[a->nshared - 1] = cur;
			close_stretch(st, &prev, &cur, nf, pr, f->match);
			prev = cur;
			pr = f->match;
			nf = 0;
		} else if (alignable_site(f)) {
			struct analysis_hop *arr;

			if ((arr = an_grow(st, a->fwd_only, &a->nfwd_only, sizeof(*arr))) == NULL)
				return;
			a->fwd_only = arr;
			arr[a->nfwd_only - 1] = f->ref;
			nf++;
		}
	}
	close_stretch(st, &prev, NULL, nf, pr, -1);
	/* reverse-only routers, in reverse-trace order */
	for (j = 0; j < R->nhops; j++) {
		struct analysis_hop *arr;

		if (R->hops[j].match >= 0 || !alignable_site(&R->hops[j]))
			continue;
		if ((arr = an_grow(st, a->rev_only, &a->nrev_only, sizeof(*arr))) == NULL)
			return;
		a->rev_only = arr;
		arr[a->nrev_only - 1] = R->hops[j].ref;
	}
}

/* ---- loss ---------------------------------------------------------- */

/* Indices into d->hops of the hops that answered, ascending; returns how many. */
static int
answering(const struct an_dir *d, int idx[TRACE_MAX_TTL + 1])
{
	int	 k, n = 0;

	for (k = 0; k < d->nhops && n <= TRACE_MAX_TTL; k++)
		if (d->hops[k].recv > 0)
			idx[n++] = k;
	return n;
}

/* ---- latency ------------------------------------------------------- */

/*
 * A persistent RTT step: the first hop k where the level min(median RTT of
 * hop j, j >= k) rises by at least step_min_ms and step_min_frac of the
 * level before.  A
 * hop whose median is far above that level (at least double and
 * 2*step_min_ms over) while later hops are not is an RTT spike.
 */
static void
find_latency(struct an_state *st, enum analysis_dir dir)
{
	struct an_dir	*d = &st->d[dir];
	struct analysis_step *S = &st->a->step[dir];
	double		 lvl[TRACE_MAX_TTL + 1], delta, extra;
	int		 idx[TRACE_MAX_TTL + 1], n, k;

	if ((n = answering(d, idx)) == 0)
		return;
	lvl[n - 1] = d->hops[idx[n - 1]].med_ms;
	for (k = n - 2; k >= 0; k--)
		lvl[k] = fmin(d->hops[idx[k]].med_ms, lvl[k + 1]);
	for (k = 1; k < n; k++) {
		delta = lvl[k] - lvl[k - 1];
		if (delta >= st->opts->step_min_ms &&
		    delta >= st->opts->step_min_frac * lvl[k - 1] && !S->found) {
			S->found = 1;
			S->at = d->hops[idx[k]].ref;
			S->before_ms = lvl[k - 1];
			S->after_ms = lvl[k];
		}
	}
	for (k = 0; k + 1 < n; k++) {
		struct an_hop *h = &d->hops[idx[k]];

		extra = h->med_ms - lvl[k];
		if (extra >= 2 * st->opts->step_min_ms && extra >= lvl[k])
			an_add_artifact(st, ANALYSIS_ART_RTT_SPIKE, dir, h, extra,
			    "median RTT %.1f ms here but %.1f ms at later hops: a slow "
			    "control plane answering, not delay on the path",
			    h->med_ms, lvl[k]);
	}
}

/* ---- reply TTLs, silent routers, stops ------------------------------ */

static void
find_replyttl(struct an_state *st, enum analysis_dir dir)
{
	struct an_dir	*d = &st->d[dir];
	struct analysis	*a = st->a;
	struct analysis_replyttl *arr;
	static const int inits[] = { 32, 64, 128, 255 };
	int		 i, k, init, ret;

	for (i = 0; i < d->nhops; i++) {
		struct an_hop *h = &d->hops[i];

		if (h->recv == 0 || h->reply_ttl <= 0 || h->reply_ttl > 255)
			continue;
		for (k = 0, init = 255; k < 4; k++)
			if (h->reply_ttl <= inits[k]) {
				init = inits[k];
				break;
			}
		ret = init - h->reply_ttl + 1;
		if (ret == h->ref.ttl)
			continue;
		if ((arr = an_grow(st, a->replyttl, &a->nreplyttl, sizeof(*arr))) == NULL)
			return;
		a->replyttl = arr;
		arr[a->nreplyttl - 1].dir = dir;
		arr[a->nreplyttl - 1].hop = h->ref;
		arr[a->nreplyttl - 1].return_hops = ret;
	}
}

static void
find_silent_and_stop(struct an_state *st, enum analysis_dir dir)
{
	struct an_dir	*d = &st->d[dir], *o = &st->d[!dir];
	struct analysis_stop *S = &st->a->stop[dir];
	const struct trace *t = d->t;
	int		 i, last = d->last;
	const char	*how;

	for (i = 0; i < last; i++)
		if (d->hops[i].recv == 0)
			an_add_artifact(st, ANALYSIS_ART_SILENT, dir, &d->hops[i], 100.0,
			    "hop %d never answers but later hops do: a router that "
			    "does not send time-exceeded (or filters it), not a fault",
			    d->hops[i].ref.ttl);
	if (d->reached)
		return;
	S->stopped = 1;
	S->other_reached = o->reached;
	if (last >= 0) {
		S->last = d->hops[last].ref;
		an_copy_str(S->annot, sizeof(S->annot), d->hops[last].annot);
	}
	switch (t->method) {
	case TRACE_METHOD_TCP:
		how = "try ICMP echo (-I) or UDP (-U), or another TCP port";
		break;
	case TRACE_METHOD_ICMP:
	case TRACE_METHOD_ICMP_PARIS:
		how = "try TCP SYN to port 443 (-T -p 443), which filters usually pass";
		break;
	default:
		how = "try TCP SYN to port 443 (-T -p 443) or ICMP echo (-I), which "
		    "filters often pass where UDP is dropped";
		break;
	}
	if (S->annot[0] != '\0' && strcmp(S->annot, "!") != 0)
		an_bprintf(S->advice, sizeof(S->advice),
		    "%s answered %s (unreachable or administratively prohibited): "
		    "a route or filter there stops the probes; %s",
		    analysis_hop_label(&S->last), S->annot, how);
	else if (last < 0)
		an_bprintf(S->advice, sizeof(S->advice),
		    "no hop answered at all: a local filter or no route; %s", how);
	else
		an_bprintf(S->advice, sizeof(S->advice),
		    "nothing answers after %s (hop %d): a filter or an outage; %s%s",
		    analysis_hop_label(&S->last), S->last.ttl, how,
		    o->reached ? "; the other direction got through, so the "
		    "far site is up" : "");
}

/* ---- suspects ------------------------------------------------------ */

/*
 * 1 when forward hop fr and reverse hop rr (by ttl; 0 = the trace's
 * source) are one router.  A trace's source is the other trace's
 * destination.
 */
int
an_same_router(const struct an_state *st, const struct analysis_hop *fr,
    const struct analysis_hop *rr)
{
	const struct an_dir *F = &st->d[0], *R = &st->d[1];
	int	 i;

	if (fr->ttl == 0)	/* A: the reverse trace's destination */
		return rr->ttl != 0 && R->reached &&
		    R->hops[R->nhops - 1].ref.ttl == rr->ttl && R->hops[R->nhops - 1].is_dest;
	if (rr->ttl == 0)
		return F->reached && F->hops[F->nhops - 1].ref.ttl == fr->ttl &&
		    F->hops[F->nhops - 1].is_dest;
	for (i = 0; i < F->nhops; i++)
		if (F->hops[i].ref.ttl == fr->ttl && F->hops[i].match >= 0)
			return R->hops[F->hops[i].match].ref.ttl == rr->ttl;
	return 0;
}

/* One view of a router: "name (addr)", or whichever of the two is known. */
static void
router_view(char *buf, size_t len, const struct analysis_hop *h)
{
	if (h->name[0] != '\0' && h->addr[0] != '\0')
		an_bprintf(buf, len, "%s (%s)", h->name, h->addr);
	else
		an_bprintf(buf, len, "%s", analysis_hop_label(h));
}

const char *
analysis_router_label(const struct analysis_suspect *s, char *buf, size_t len)
{
	char	 f[ANALYSIS_NAME_LEN + TRACE_ADDR_LEN + 4];
	char	 r[ANALYSIS_NAME_LEN + TRACE_ADDR_LEN + 4];

	router_view(f, sizeof(f), &s->a);
	router_view(r, sizeof(r), &s->b);
	if (s->b.ttl == 0 || strcmp(f, r) == 0)
		an_bprintf(buf, len, "%s", f);
	else if (same_name(s->a.name, s->b.name) && s->a.addr[0] != '\0' &&
	    s->b.addr[0] != '\0')
		an_bprintf(buf, len, "%s (%s forward, %s reverse)", s->a.name,
		    s->a.addr, s->b.addr);
	else
		an_bprintf(buf, len, "%s (forward) / %s (reverse)", f, r);
	return buf;
}

/*
 * The AS numbers of a suspect's two ends (a link) or of its two views (a
 * router: forward and reverse interface; 0 unknown).  A router known from
 * one view only has that AS on both.
 */
void
analysis_suspect_asns(const struct analysis_suspect *s, uint32_t *x, uint32_t *y)
{
	*x = s->a.asn;
	*y = s->b.asn;
	if (s->kind != ANALYSIS_SUSPECT_ROUTER)
		return;
	if (s->b.ttl == 0)
		*y = 0;
	if (*x == 0 || *y == 0)
		*x = *y = *x ? *x : *y;
}

const char *
analysis_suspect_asn(const struct analysis_suspect *s, char *buf, size_t len)
{
	uint32_t x, y;
	char	 xs[16] = "?", ys[16] = "?";

	analysis_suspect_asns(s, &x, &y);
	if (x == 0 && y == 0) {
		an_bprintf(buf, len, "%s", "");
		return buf;
	}
	if (x != 0)
		an_bprintf(xs, sizeof(xs), "AS%u", x);
	if (y != 0)
		an_bprintf(ys, sizeof(ys), "AS%u", y);
	if (x == y)
		an_bprintf(buf, len, " (%s)", xs);
	else
		an_bprintf(buf, len, " (%s - %s)", xs, ys);
	return buf;
}

void
an_src_hop(struct analysis_hop *h, const char *who)
{
	memset(h, 0, sizeof(*h));
	an_copy_str(h->name, sizeof(h->name), who);
}

/* The suspect was seen in direction d. */
static void
seen_in(struct analysis_suspect *s, enum analysis_dir d)
{
	if (d == ANALYSIS_FORWARD)
		s->seen_fwd = 1;
	else
		s->seen_rev = 1;
}

/* The stops' suspects: a filter, or a destination that does not answer. */
static void
find_suspects(struct an_state *st)
{
	struct analysis	*a = st->a;
	struct analysis_suspect *s;
	struct analysis_hop dst;
	int		 d, i;

	/* stops */
	for (d = 0; d < 2; d++) {
		struct analysis_stop *S = &a->stop[d];
		const struct an_dir *D = &st->d[d], *O = &st->d[!d];
		int	 at_gateway = 0;

		if (!S->stopped)
			continue;
		memset(&dst, 0, sizeof(dst));
		an_copy_str(dst.addr, sizeof(dst.addr), D->t->dst);
		an_copy_str(dst.name, sizeof(dst.name), D->t->dst_name);
		if (dst.name[0] == '\0' && dst.addr[0] == '\0')
			an_copy_str(dst.name, sizeof(dst.name), d == 0 ? "B" : "A");
		/* stopped right before the far host: last hop is the other's first router */
		for (i = 0; i < O->nhops && S->last.ttl > 0; i++) {
			if (O->hops[i].recv == 0)
				continue;
			if (d == 0)
				at_gateway = an_same_router(st, &S->last, &O->hops[i].ref);
			else
				at_gateway = an_same_router(st, &O->hops[i].ref, &S->last);
			break;
		}
		s = an_add_suspect(st, at_gateway && !S->other_reached ?
		    ANALYSIS_SUSPECT_DESTINATION : ANALYSIS_SUSPECT_FILTER,
		    &S->last, &dst, S->other_reached ? 0.6 : 0.4);
		if (s == NULL)
			return;
		seen_in(s, d);
		if (S->last.ttl == 0)
			an_bprintf(s->why, sizeof(s->why), "the %s trace gets no "
			    "answer from any hop; %s", analysis_dir_name(d),
			    S->advice);
		else
			an_bprintf(s->why, sizeof(s->why), "the %s trace stops after "
			    "hop %d %s%s; %s", analysis_dir_name(d), S->last.ttl,
			    analysis_hop_label(&S->last),
			    at_gateway ? ", the router next to the destination" : "",
			    S->advice);
	}
}

static int
cmp_suspect(const void *x, const void *y)
{
	const struct analysis_suspect *a = x, *b = y;
	int	 c;

	if (fabs(a->confidence - b->confidence) > 1e-9)
		return a->confidence > b->confidence ? -1 : 1;
	/* a chosen suspect before an alternative of the same weight */
	if (a->alternative != b->alternative)
		return a->alternative ? 1 : -1;
	/*
	 * A tie (two routers the data cannot tell apart) is ordered by kind,
	 * then along the forward trace, so that the report does not depend
	 * on qsort's order of equal elements.
	 */
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->a.ttl != b->a.ttl)
		return a->a.ttl < b->a.ttl ? -1 : 1;
	if ((c = strcmp(a->a.addr, b->a.addr)) != 0)
		return c;
	if (a->b.ttl != b->b.ttl)
		return a->b.ttl < b->b.ttl ? -1 : 1;
	return strcmp(a->b.addr, b->b.addr);
}

/* ---- entry points -------------------------------------------------- */

struct analysis *
analysis_run(const struct trace *fwd, const struct trace *rev,
    const struct analysis_opts *opts, char *err, size_t errlen)
{
	struct analysis_opts defaults;
	struct an_state	 st;
	int		 d, i;

	if (fwd == NULL || rev == NULL) {
		snprintf(err, errlen, "analysis needs a forward and a reverse trace");
		return NULL;
	}
	if (opts == NULL) {
		analysis_opts_init(&defaults);
		opts = &defaults;
	}
	memset(&st, 0, sizeof(st));
	st.opts = opts;
	if ((st.a = calloc(1, sizeof(*st.a))) == NULL)
		goto oom;
	if (prepare_dir(&st.d[0], fwd) == -1 || prepare_dir(&st.d[1], rev) == -1)
		goto oom;
	an_echo_detours(&st, 0);
	an_echo_detours(&st, 1);
	st.a->min_probes = 0;
	for (d = 0; d < 2; d++)
		for (i = 0; i < st.d[d].nhops; i++)
			if (st.d[d].hops[i].recv > 0 && (st.a->min_probes == 0 ||
			    st.d[d].hops[i].sent < st.a->min_probes))
				st.a->min_probes = st.d[d].hops[i].sent;
	if (mark_sites(&st) == -1 || align(&st) == -1)
		goto oom;
	find_shared(&st);
	for (d = 0; d < 2; d++) {
		if (rt_onset(&st, d) == -1)
			goto oom;
		find_latency(&st, d);
		find_replyttl(&st, d);
		find_silent_and_stop(&st, d);
	}
	if (rt_diagnose(&st) == -1)
		goto oom;
	find_suspects(&st);
	site_suspects(st.a, fwd, rev);
	if (st.oom)
		goto oom;
	if (st.a->nsuspects > 1)
		qsort(st.a->suspects, st.a->nsuspects, sizeof(*st.a->suspects),
		    cmp_suspect);
	an_make_verdict(&st);
	free(st.d[0].hops);
	free(st.d[1].hops);
	return st.a;
oom:
	snprintf(err, errlen, "analysis: out of memory");
	free(st.d[0].hops);
	free(st.d[1].hops);
	analysis_free(st.a);
	return NULL;
}

void
analysis_free(struct analysis *a)
{
	if (a == NULL)
		return;
	free(a->shared);
	free(a->fwd_only);
	free(a->rev_only);
	free(a->divergence);
	free(a->artifacts);
	free(a->replyttl);
	free(a->suspects);
	free(a->segment[0]);
	free(a->segment[1]);
	free(a->roundtrip);
	free(a->distance);
	free(a->jitter);
	free(a);
}

/*
 * One line of alias evidence (NUL-terminated, no line end) into *al, of
 * *cap entries (grown by doubling: a line gives up to 496 pairs).
 */
static int
aliases_line(char *line, int lineno, struct analysis_alias **al, int *n,
    int *cap, char *err, size_t errlen)
{
	struct analysis_alias *nal;
	char		*p, *save = NULL, *w, *words[ANALYSIS_ALIAS_MAX_PER_LINE];
	unsigned char	 tmp[16];
	int		 nw = 0, i, j;

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	for (w = strtok_r(line, " \t\r", &save); w != NULL;
	    w = strtok_r(NULL, " \t\r", &save)) {
		if (strlen(w) >= TRACE_ADDR_LEN ||
		    (inet_pton(AF_INET, w, tmp) != 1 &&
		    inet_pton(AF_INET6, w, tmp) != 1)) {
			snprintf(err, errlen, "%d: cannot parse address \"%.50s\"",
			    lineno, w);
			return -1;
		}
		if (nw == ANALYSIS_ALIAS_MAX_PER_LINE) {
			snprintf(err, errlen, "%d: more than %d addresses", lineno,
			    ANALYSIS_ALIAS_MAX_PER_LINE);
			return -1;
		}
		words[nw++] = w;
	}
	if (nw == 1) {
		snprintf(err, errlen, "%d: cannot parse: one address is no alias",
		    lineno);
		return -1;
	}
	for (i = 0; i < nw; i++) {
		for (j = i + 1; j < nw; j++) {
			if (*n == ANALYSIS_MAX_ALIASES) {
				snprintf(err, errlen, "%d: more than %d alias pairs",
				    lineno, ANALYSIS_MAX_ALIASES);
				return -1;
			}
			if (*n == *cap) {
				int ncap = *cap ? *cap * 2 : 16;

				if (ncap > ANALYSIS_MAX_ALIASES)
					ncap = ANALYSIS_MAX_ALIASES;
				if ((nal = realloc(*al, (size_t)ncap *
				    sizeof(**al))) == NULL) {
					snprintf(err, errlen, "out of memory");
					return -1;
				}
				*al = nal;
				*cap = ncap;
			}
			nal = *al;
			snprintf(nal[*n].a, sizeof(nal[*n].a), "%s", words[i]);
			snprintf(nal[*n].b, sizeof(nal[*n].b), "%s", words[j]);
			(*n)++;
		}
	}
	return 0;
}

int
analysis_aliases_parse(const char *text, size_t len,
    struct analysis_alias **out, char *err, size_t errlen)
{
	struct analysis_alias *al = NULL;
	char		 line[ANALYSIS_ALIAS_MAX_LINE + 1];
	const char	*eol;
	size_t		 pos = 0, n;
	int		 lineno = 0, npairs = 0, cap = 0;

	*out = NULL;
	while (pos < len) {
		lineno++;
		eol = memchr(text + pos, '\n', len - pos);
		n = (eol != NULL ? (size_t)(eol - text) : len) - pos;
		if (n > ANALYSIS_ALIAS_MAX_LINE) {
			snprintf(err, errlen, "%d: cannot parse: line longer than "
			    "%d bytes", lineno, ANALYSIS_ALIAS_MAX_LINE);
			goto fail;
		}
		if (memchr(text + pos, '\0', n) != NULL) {
			snprintf(err, errlen, "%d: cannot parse: NUL byte in text",
			    lineno);
			goto fail;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (aliases_line(line, lineno, &al, &npairs, &cap, err,
		    errlen) == -1)
			goto fail;
		pos += n + (eol != NULL);
	}
	*out = al;
	return npairs;
fail:
	free(al);
	return -1;
}
