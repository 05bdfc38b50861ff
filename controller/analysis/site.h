/* site.h: where each site of a pair ends: its own segment, its gateway seen from inside and outside, NAT and carrier-grade NAT (pure, no I/O). */
#ifndef TRACEPAIR_SITE_H
#define TRACEPAIR_SITE_H

#include "trace.h"

/* What the caller knows of a site beyond the two traces. */
struct site_hint {
	char		 gateway[TRACE_ADDR_LEN];	/* an address of the site's gateway
					   (inside, as its own trace saw it, or
					   outside, as the other trace did); "" none */
	int		 nat;		/* 1: the site is known to be behind NAT
					   (the controller saw another address
					   than the agent's own) */
};

/* How a site's boundary was found. */
enum site_how {
	SITE_HOW_NONE = 0,	/* not found: no site segment */
	SITE_HOW_PRIVATE,	/* private (RFC 1918 / RFC 6598 / ULA) hops first */
	SITE_HOW_HINT,		/* the caller named the gateway */
	SITE_HOW_NAT		/* known NAT, public addresses inside: the
				   first router is taken as the gateway */
};

/* One site as found in its own trace and the other side's. */
struct site {
	enum site_how	 how;		/* SITE_HOW_NONE: nothing else is set */
	int		 nat;		/* the site's traffic leaves through NAT */
	int		 inside_ttl;	/* hops 1..inside_ttl of its own trace are
					   the site's segment (gateway and CGNAT
					   included) */
	int		 gw_ttl;	/* the site's own gateway in its own trace */
	char		 gw_inside[TRACE_ADDR_LEN];	/* the gateway as its own
					   trace saw it (its LAN address) */
	int		 edge_ttl;	/* the last box of the segment in its own
					   trace (the CGNAT when there is one,
					   else the gateway): what the other
					   side reaches at the site's public
					   address */
	char		 edge_outside[TRACE_ADDR_LEN];	/* that box as the other
					   trace saw it (its destination), ""
					   when not seen */
	int		 cgnat_ttl;	/* carrier-grade NAT (RFC 6598 space) on
					   the way out, 0 none */
	char		 cgnat_addr[TRACE_ADDR_LEN];	/* its inside address */
};

/*
 * The site at the start of `own` (the trace it sent) as far as `own` and
 * `other` (the trace the other site sent towards it) tell, with the
 * caller's hint (may be NULL).  Private addresses first; a hint names the
 * gateway when the addresses do not; a known NAT with public addresses
 * inside takes the first router.
 */
void		 site_find(const struct trace *own, const struct trace *other,
		    const struct site_hint *hint, struct site *out);
const char	*site_how_name(enum site_how);

/*
 * After the suspects of analysis a (of fwd and rev) are found: those at a
 * site become kind "site" (ANALYSIS_SUSPECT_SITE): a router suspect that
 * is a site's gateway, a link inside a site, or the gateway's uplink when
 * only the way out of the site loses and the way in reaches the gateway's
 * public address with every probe answered.
 */
struct analysis;
void		 site_suspects(struct analysis *a, const struct trace *fwd,
		    const struct trace *rev);

#endif
