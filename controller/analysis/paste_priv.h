/*
 * paste_priv.h: what the pasted-input parsers share: one parse's context,
 * a responder as a line names it, and the helpers that build the trace.
 * paste.c holds the text formats (traceroute, tracert, mtr --report,
 * tracepath, pathping, WinMTR), detection and the entry points;
 * paste_json.c the JSON ones (mtr --json, RIPE Atlas, scamper, tracepair).
 * Private to those two files.
 */
#ifndef TRACEPAIR_PASTE_PRIV_H
#define TRACEPAIR_PASTE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "paste.h"
#include "trace.h"

#define PASTE_MAX_TOKENS	256	/* tokens accepted on one line */
#define PASTE_MAX_NAME		255	/* longest host name accepted */
#define PASTE_MAX_COLS		16	/* mtr report columns understood */

/* One parse: the input, where we are in it, and the trace being built. */
struct pctx {
	const char	*text;		/* the whole input */
	size_t		 len;		/* its length */
	size_t		 pos;		/* start of the next line */
	int		 lineno;	/* 1-based number of the current line */
	char		 line[PASTE_MAX_LINE + 1];	/* the current line, NUL-terminated */
	char		 tokbuf[PASTE_MAX_LINE + 1];	/* tokenised copy of line */
	char		*tok[PASTE_MAX_TOKENS];	/* tokens of the current line */
	int		 ntok;		/* entries in tok */
	int		 lead_space;	/* the line starts with white space */
	size_t		 rawlen;	/* length of the last physical line read */
	struct trace	*t;		/* result */
	struct trace_hop *hop;		/* hop the last hop line opened, or NULL */
	char		*err;		/* where the error goes */
	size_t		 errlen;
	int		 ncols;		/* mtr report: value columns of the HOST: line */
	char		 cols[PASTE_MAX_COLS][12];	/* their names */
	int		 extra;		/* mtr: replies of the hop given to extra responders */
	int		 counted;	/* traceroute: a hop's probes made from a
					   "r/s pkts" summary, not in order */
	int		 run0[TRACE_MAX_TTL + 1];	/* by ttl: the hop's
					   probes before this run's */
	int		 nlimited[TRACE_MAX_TTL + 1];	/* by ttl: runs in
					   which the hop showed the limit's order */
	int		 nordered[TRACE_MAX_TTL + 1];	/* by ttl: runs that
					   could show it (4 probes or more) */
	int		 burst[TRACE_MAX_TTL + 1];	/* by ttl: the fewest
					   answers before the stars in those */
};

/* The responder a line names: name and/or address. */
struct resp {
	char	 name[PASTE_MAX_NAME + 1];	/* "" unknown */
	char	 addr[TRACE_ADDR_LEN];		/* "" unknown or invalid */
	uint32_t asn;				/* 0 unknown */
	int	 nmpls;				/* label stack entries in mpls */
	struct trace_mpls mpls[TRACE_MAX_MPLS];	/* RFC 4950 labels it quoted */
	int	 nmore_asns;			/* further origin ASes */
	uint32_t more_asns[TRACE_MAX_MORE_ASNS];
};

/* Set "LINE: cannot parse ..." and return -1. */
int		 paste_err(struct pctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* A token without the given surrounding characters into buf: 0, or -1
   when it did not fit (buf holds its start). */
int		 paste_strip(const char *s, const char *chars, char *buf,
		    size_t len);
/* s into dst (TRACE_ADDR_LEN bytes) when it is a valid address: its
   family, else 0. */
int		 paste_take_addr(char *dst, const char *s);
/* A host name as traceroute prints it: printable, no brackets, not too long. */
int		 paste_name_ok(const char *s);
/* A probe of the current hop answered by r (replied) after rtt ms. */
struct trace_probe *paste_add_probe(struct pctx *, const struct resp *r,
		    int replied, double rtt);
/* Open (or reopen) the hop with this ttl. */
int		 paste_open_hop(struct pctx *, int ttl);
/* The destination a header names, a host name or an address; nothing
   when s is no host name.  0, or -1 when out of memory. */
int		 paste_set_dst(struct pctx *, const char *s);
/* An annotation on probe p; -1 when out of memory. */
int		 paste_set_annot(struct trace_probe *p, const char *a);
/* One label stack entry from its four numbers; -1 when one is out of range. */
int		 paste_mpls_set(struct trace_mpls *m, unsigned long label,
		    unsigned long exp, unsigned long s, unsigned long ttl);
/* Probes for a summary line (sent, received, best/avg/worst): the replies
   get best, then avg, and worst for the last, so min/avg/max survive. */
int		 paste_summary_probes(struct pctx *, const struct resp *r,
		    int snt, int rcv, double best, double avg, double worst);
/*
 * The input as UTF-8 without a BOM: *text moves past a UTF-8 BOM; UTF-16
 * is converted into *conv (the caller frees it).  0, or -1 with err.
 */
int		 paste_decode_text(const char **text, size_t *len, char **conv,
		    char *err, size_t errlen);
/* paste_detect() on UTF-8 text. */
enum paste_format paste_detect_format(const char *text, size_t len);

/* The JSON formats (paste_json.c): 0, or -1 with the error in c->err. */
int		 paste_parse_mtr_json(struct pctx *);
int		 paste_parse_atlas(struct pctx *);
int		 paste_parse_scamper(struct pctx *);
int		 paste_parse_tracepair(struct pctx *);

#endif
