/* evidence.h: the files of an evidence package for an ISP (SUMMARY.txt, traces, report.html, pair.json) and redaction (pure, no I/O). */
#ifndef TRACEPAIR_EVIDENCE_H
#define TRACEPAIR_EVIDENCE_H

#include <stddef.h>

#include "analysis.h"
#include "evpkg.h"
#include "trace.h"

#define EVIDENCE_MAX_RUNS	64	/* pairs in one package */
#define EVIDENCE_MAX_PREFIXES	32	/* redacted prefixes */
#define EVIDENCE_MAX_SITE_HOPS	16	/* largest --redact-site-hops */
#define EVIDENCE_REDACTED	"redacted"	/* hidden replies are named "redacted-TAGTTL" */

/* One stored pair (a run) as the package shows it. */
struct evidence_run {
	const char	*pair_id;
	const char	*agent_a, *agent_b;	/* site names (agents' certificate CNs) */
	const char	*operator_name;	/* who asked for the run */
	double		 created;	/* UNIX time it was asked for */
	const char	*status;	/* "ok", "partial", "failed" */
	const char	*reason;	/* why not ok, "" */
	double		 skew_ms;	/* start difference of the two traces */
	const struct trace *fwd;	/* A -> B, NULL when missing */
	const struct trace *rev;	/* B -> A, NULL when missing */
	const struct analysis *a;	/* NULL unless both traces are there */
};

/* A package to build. */
struct evidence_in {
	const char	*tenant;	/* whose measurements */
	const char	*requester;	/* who asked for the package (operator CN) */
	const char	*software;	/* "tracepair-controller 0.1" */
	double		 made;		/* UNIX time the package is made */
	const char	*redaction;	/* what was hidden, one line, "" none */
	int		 nruns;		/* 1..EVIDENCE_MAX_RUNS, oldest first */
	const struct evidence_run *runs;
};

/* A prefix to redact. */
struct evidence_prefix {
	int		 af;		/* 4 or 6 */
	unsigned char	 addr[16];	/* network address */
	int		 len;		/* prefix length */
};

/* "198.18.10.0/24" or "2001:db8::/32"; -1 when not a prefix. */
int	 evidence_prefix_parse(const char *, struct evidence_prefix *);
/*
 * Hide what the package must not show, in place: in each trace the
 * first site_hops hops (the measuring site's own routers) and the
 * site_hops hops before its destination (the other site's), and any
 * reply from one of the prefixes.  A hidden reply keeps its RTT, TTL and
 * ICMP type, loses its address, AS number and MPLS labels and is named
 * "redacted-" tag ttl ("redacted-A3": distinct per hop, so that the
 * analysis never takes two hidden hops for one router).  Returns the
 * replies hidden.  Run the analysis on
 * the redacted traces, so that no finding names what was hidden.
 */
int	 evidence_redact(struct trace *, const char *tag, int site_hops,
	    const struct evidence_prefix *, int nprefixes);

/*
 * Add SUMMARY.txt, report.html (the SVG inline), pair.json and, per run,
 * runs/ID/{forward,reverse}-{traceroute,mtr}.txt and runs/ID/paths.svg
 * to pkg.  -1 with err (out of memory, a package limit).
 */
int	 evidence_build(const struct evidence_in *, struct evpkg *, char *err,
	    size_t errlen);
/* SUMMARY.txt alone, malloc'ed (the golden-file tests use it). */
char	*evidence_summary(const struct evidence_in *);

#endif
