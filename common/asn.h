/* asn.h: origin AS numbers from a CAIDA pfx2as prefix table (-A FILE). */
#ifndef TRACEPAIR_ASN_H
#define TRACEPAIR_ASN_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

struct asn_table;

/*
 * Lines "PREFIX<ws>LENGTH<ws>AS" (IPv4 or IPv6; AS may be a MOAS list
 * "A_B" or a set "A,B": the first is used); '#' starts a comment.
 * Returns NULL with "FILE:LINE: reason" in err on a bad table.
 */
struct asn_table *asn_load(const char *path, char *err, size_t errlen);
/* The same from memory (what asn_load reads; fuzzed). */
struct asn_table *asn_parse(const char *text, size_t len, char *err, size_t errlen);
/* Origin AS of the longest matching prefix, 0 if none or not an address. */
uint32_t	 asn_lookup(const struct asn_table *, const char *addr);
/* Set probe->asn for every answered probe of t. */
void		 asn_annotate(const struct asn_table *, struct trace *t);
int		 asn_count(const struct asn_table *);
void		 asn_free(struct asn_table *);

#endif
