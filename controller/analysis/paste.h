/* paste.h: parsers for traceroute output a person pasted, into struct trace. */
#ifndef TRACEPAIR_PASTE_H
#define TRACEPAIR_PASTE_H

#include <stddef.h>

#include "trace.h"

#define PASTE_MAX_LINE	4096		/* longest line accepted */
#define PASTE_MAX_INPUT	(8 << 20)	/* largest input accepted, bytes */

/* Formats paste_parse() understands. */
enum paste_format {
	PASTE_AUTO = 0,		/* guess from the text */
	PASTE_TRACEPAIR,	/* tracepair JSON (docs/trace-json.md) */
	PASTE_TRACEROUTE,	/* Linux / BSD / macOS traceroute, traceroute6 */
	PASTE_TRACERT,		/* Windows tracert */
	PASTE_MTR_REPORT,	/* mtr --report / -r -w / -z / the screen */
	PASTE_MTR_JSON,		/* mtr --json */
	PASTE_TRACEPATH,	/* iputils tracepath */
	PASTE_PATHPING,		/* Windows pathping */
	PASTE_WINMTR,		/* WinMTR's text export */
	PASTE_ATLAS,		/* RIPE Atlas traceroute result JSON */
	PASTE_SCAMPER,		/* scamper trace JSON (sc_warts2json) */
	PASTE_NFORMATS		/* (count) */
};

/* What the formats are, for messages: "traceroute (Linux, ...), ...". */
#define PASTE_FORMATS_READ \
	"traceroute/traceroute6 (Linux, BSD, macOS, BusyBox, JunOS), " \
	"tcptraceroute, tracepath, Windows tracert (any language) and pathping, " \
	"mtr (report, screen, --json), WinMTR, RIPE Atlas and scamper JSON, " \
	"tracepair JSON"

/*
 * Parse text (len bytes, need not end in NUL) in the given format (or
 * PASTE_AUTO).  Names only, addresses only or both; stars; annotations.
 * An address that is not a valid IPv4/IPv6 address counts as absent.
 * UTF-8 (with or without a BOM) or UTF-16 with a BOM (PowerShell's ">"),
 * any line ends.  Lines around the trace that are not part of it (prompts,
 * commands, banners, notes) are skipped; a hop line must parse.
 * Returns NULL with "LINE: cannot parse ..." (the 1-based line) in err.
 */
struct trace	*paste_parse(const char *text, size_t len, enum paste_format,
		    char *err, size_t errlen);
/*
 * A saved pair: one JSON document with "forward" and "reverse" traces (as
 * `tracepair pair --json` and `tracepair analyze --json` write), or two
 * RIPE Atlas results (a JSON array) or two scamper traces.  Returns
 * 0 and both traces, or -1 with "LINE: cannot parse ..." in err.
 */
int		 paste_parse_pair(const char *text, size_t len, struct trace **fwd,
		    struct trace **rev, char *err, size_t errlen);
/*
 * 1 when text is a saved pair rather than one trace: tracepair JSON with
 * "forward" or "reverse", an array of two Atlas results, two scamper
 * traces.  paste_parse_pair() reads all three.
 */
int		 paste_is_pair(const char *text, size_t len);
/* The format paste_parse(PASTE_AUTO) would pick. */
enum paste_format paste_detect(const char *text, size_t len);
const char	*paste_format_name(enum paste_format);
/* Returns -1 when the name is unknown. */
int		 paste_format_parse(const char *, enum paste_format *);

#endif
