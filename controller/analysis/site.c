/* site.c: a site's boundary from its own trace and the other side's: private hops, the gateway seen inside and outside, carrier-grade NAT. */
#include <stdio.h>
#include <string.h>

#include "addrclass.h"
#include "analysis.h"
#include "site.h"

static const char *site_how_names[] = { "none", "private-addresses", "hint",
	"nat" };

const char *
site_how_name(enum site_how h)
{
	return (unsigned)h < sizeof(site_how_names) / sizeof(site_how_names[0]) ?
	    site_how_names[h] : "?";
}

/* The main responder's address of hop h, "" when none answered. */
static const char *
hop_addr(const struct trace_hop *h)
{
	const struct trace_probe *p = trace_hop_main_probe(h);

	return p != NULL ? p->addr : "";
}

/* 1 when some probe of hop h was answered from addr. */
static int
hop_has(const struct trace_hop *h, const char *addr)
{
	int	 i;

	for (i = 0; i < h->nprobes; i++)
		if (h->probes[i].replied && strcmp(h->probes[i].addr, addr) == 0)
			return 1;
	return 0;
}

/* The address the other trace reached (its destination answering), or "". */
static const char *
reached_addr(const struct trace *t)
{
	int	 i;

	if (t == NULL || t->dst[0] == '\0')
		return "";
	for (i = t->nhops - 1; i >= 0; i--)
		if (hop_has(&t->hops[i], t->dst))
			return t->dst;
	return "";
}

/* Set the gateway (and the edge, if no CGNAT follows) at hop i of own. */
static void
set_gateway(struct site *s, const struct trace_hop *h)
{
	s->gw_ttl = h->ttl;
	snprintf(s->gw_inside, sizeof(s->gw_inside), "%s", hop_addr(h));
	if (s->inside_ttl < h->ttl)
		s->inside_ttl = h->ttl;
}

void
site_find(const struct trace *own, const struct trace *other,
    const struct site_hint *hint, struct site *s)
{
	const struct trace_hop *h;
	const char	*a, *far;
	enum addrclass	 c;
	int		 i;

	memset(s, 0, sizeof(*s));
	/* to a private destination: both ends are inside one network */
	if (own == NULL || addrclass_inside(own->dst))
		return;
	far = reached_addr(other);
	/* the leading run of private / CGNAT hops (unanswered hops inside
	   the run do not end it; a public address does) */
	for (i = 0; i < own->nhops; i++) {
		h = &own->hops[i];
		a = hop_addr(h);
		if (a[0] == '\0')
			continue;
		if (strcmp(a, own->dst) == 0)
			break;
		c = addrclass_of(a);
		if (c == ADDRCLASS_PRIVATE) {
			if (s->cgnat_ttl != 0)	/* private again after CGNAT: the
						   carrier's inside, not the site's */
				s->inside_ttl = h->ttl;
			else
				set_gateway(s, h);
		} else if (c == ADDRCLASS_CGNAT) {
			s->cgnat_ttl = h->ttl;
			snprintf(s->cgnat_addr, sizeof(s->cgnat_addr), "%s", a);
			s->inside_ttl = h->ttl;
		} else
			break;
	}
	if (s->inside_ttl > 0)
		s->how = SITE_HOW_PRIVATE;
	/* a hint: the gateway's inside address in own, or its outside one */
	if (hint != NULL && hint->gateway[0] != '\0') {
		for (i = 0; i < own->nhops; i++)
			if (hop_has(&own->hops[i], hint->gateway) &&
			    strcmp(hint->gateway, own->dst) != 0) {
				s->inside_ttl = s->cgnat_ttl = 0;
				s->cgnat_addr[0] = '\0';
				set_gateway(s, &own->hops[i]);
				s->how = SITE_HOW_HINT;
				break;
			}
		if (s->how != SITE_HOW_HINT && strcmp(hint->gateway, far) == 0 &&
		    s->how == SITE_HOW_NONE && own->nhops > 0 &&
		    hop_addr(&own->hops[0])[0] != '\0') {
			set_gateway(s, &own->hops[0]);
			s->how = SITE_HOW_HINT;
		}
	}
	/* known NAT, nothing private: the first router is the gateway */
	if (s->how == SITE_HOW_NONE && hint != NULL && hint->nat &&
	    own->nhops > 0 && hop_addr(&own->hops[0])[0] != '\0' &&
	    strcmp(hop_addr(&own->hops[0]), own->dst) != 0) {
		set_gateway(s, &own->hops[0]);
		s->how = SITE_HOW_NAT;
	}
	if (s->how == SITE_HOW_NONE)
		return;
	if (s->gw_ttl == 0) {	/* only CGNAT space: the CGNAT box is all */
		s->gw_ttl = s->cgnat_ttl;
		snprintf(s->gw_inside, sizeof(s->gw_inside), "%s", s->cgnat_addr);
	}
	s->edge_ttl = s->cgnat_ttl > s->gw_ttl ? s->cgnat_ttl : s->gw_ttl;
	/*
	 * NAT: the site's own address is inside space, the other side
	 * traced to another (public) one, or the caller said so.  The box
	 * the other side reached at that address is the segment's edge.
	 */
	s->nat = (hint != NULL && hint->nat) ||
	    (own->src[0] != '\0' && addrclass_inside(own->src)) ||
	    s->how == SITE_HOW_PRIVATE;
	if (s->nat && far[0] != '\0' && !addrclass_inside(far) &&
	    strcmp(far, own->src) != 0)
		snprintf(s->edge_outside, sizeof(s->edge_outside), "%s", far);
	else if (hint != NULL && hint->gateway[0] != '\0' &&
	    strcmp(hint->gateway, far) == 0)
		snprintf(s->edge_outside, sizeof(s->edge_outside), "%s", far);
}

/* The side (0 A, 1 B) whose site gateway or edge hop h is, -1 none. */
static int
site_gateway_of(const struct analysis *a, const struct analysis_hop *h)
{
	int	 side;

	if (h->addr[0] == '\0')
		return -1;
	for (side = 0; side < 2; side++) {
		const struct site *S = &a->site[side];

		if (S->how == SITE_HOW_NONE)
			continue;
		if (strcmp(h->addr, S->gw_inside) == 0 ||
		    (S->cgnat_addr[0] == '\0' &&
		    strcmp(h->addr, S->edge_outside) == 0))
			return side;
	}
	return -1;
}

/* 1 when t reached its destination with every probe to that hop answered. */
static int
reached_cleanly(const struct trace *t)
{
	const struct trace_hop *h;
	int		 i, j;

	for (i = t->nhops - 1; i >= 0; i--) {
		h = &t->hops[i];
		if (!hop_has(h, t->dst))
			continue;
		for (j = 0; j < h->nprobes; j++)
			if (!h->probes[j].replied)
				return 0;
		return h->nprobes > 0;
	}
	return 0;
}

/* 1 when h is inside site side's own segment (gateway excluded) or its source. */
static int
site_inside(const struct analysis *a, int side, const struct analysis_hop *h)
{
	int	 i;

	if (h->ttl == 0 && h->addr[0] == '\0')
		return 1;	/* "A (forward source)": the agent itself */
	for (i = 0; i < a->nsegment[side]; i++)
		if (h->addr[0] != '\0' && strcmp(a->segment[side][i].addr,
		    h->addr) == 0 && strcmp(h->addr, a->site[side].gw_inside) != 0)
			return 1;
	return 0;
}

/*
 * A site's own gateway as the suspect (kind "site"): a router suspect that
 * is the gateway; a link inside the site; or the gateway's uplink when
 * only the direction leaving the site loses and the other direction
 * reaches the gateway's public address without loss (the uplink carries
 * that traffic well: what the gateway forwards is lost, "it's our own
 * router").
 */
void
site_suspects(struct analysis *a, const struct trace *fwd,
    const struct trace *rev)
{
	const struct trace *t[2] = { fwd, rev };
	struct analysis_suspect *s;
	int		 i, side, ga, gb, out;
	char		 lbl[2 * TRACE_ADDR_LEN + 16], why[ANALYSIS_WHY_LEN];

	for (i = 0; i < a->nsuspects; i++) {
		s = &a->suspects[i];
		side = -1;
		if (s->kind == ANALYSIS_SUSPECT_ROUTER) {
			if ((ga = site_gateway_of(a, &s->a)) >= 0)
				side = ga;
			else if ((gb = site_gateway_of(a, &s->b)) >= 0)
				side = gb;
		} else if (s->kind == ANALYSIS_SUSPECT_LINK) {
			ga = site_gateway_of(a, &s->a);
			gb = site_gateway_of(a, &s->b);
			if ((ga == 0 || site_inside(a, 0, &s->a)) &&
			    (gb == 0 || site_inside(a, 0, &s->b)))
				side = 0;	/* inside site A */
			else if ((ga == 1 || site_inside(a, 1, &s->a)) &&
			    (gb == 1 || site_inside(a, 1, &s->b)))
				side = 1;
			else if (ga >= 0 || gb >= 0) {
				side = ga >= 0 ? ga : gb;
				out = side == 0 ? ANALYSIS_FORWARD : ANALYSIS_REVERSE;
				/* only the way out of the site loses, and the
				   way in reaches the gateway cleanly */
				if (!(a->loss[out].persistent &&
				    !a->loss[!out].persistent &&
				    reached_cleanly(t[!out]) &&
				    a->site[side].edge_outside[0] != '\0'))
					side = -1;
			}
		}
		if (side < 0)
			continue;
		s->kind = ANALYSIS_SUSPECT_SITE;
		memset(&s->a, 0, sizeof(s->a));
		memset(&s->b, 0, sizeof(s->b));
		snprintf(s->a.addr, sizeof(s->a.addr), "%s",
		    a->site[side].gw_inside);
		s->a.ttl = a->site[side].gw_ttl;
		snprintf(s->b.addr, sizeof(s->b.addr), "%s",
		    a->site[side].edge_outside);
		snprintf(lbl, sizeof(lbl), "%s%s%s%s", s->a.addr,
		    s->b.addr[0] ? " (public " : "", s->b.addr,
		    s->b.addr[0] ? ")" : "");
		memcpy(why, s->why, sizeof(why));
		snprintf(s->why, sizeof(s->why), "site %s's own gateway %s: "
		    "%.800s", side == 0 ? "A" : "B", lbl, why);
	}
}
