/* site.c: a site's boundary from its own trace and the other side's: private hops, the gateway seen inside and outside, carrier-grade NAT. */
#include <stdio.h>
#include <string.h>

#include "addrclass.h"
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
