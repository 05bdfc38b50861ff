/* addrclass.h: which kind of address an IP address is: public, private (RFC 1918, ULA), carrier-grade NAT (RFC 6598). */
#ifndef TRACEPAIR_ADDRCLASS_H
#define TRACEPAIR_ADDRCLASS_H

#include <stddef.h>

/* Kinds of address, as far as site boundaries are concerned. */
enum addrclass {
	ADDRCLASS_NONE = 0,	/* "" or not an address */
	ADDRCLASS_PUBLIC,	/* routable on the Internet (as far as we know) */
	ADDRCLASS_PRIVATE,	/* RFC 1918 10/8, 172.16/12, 192.168/16; IPv6 ULA fc00::/7 */
	ADDRCLASS_CGNAT,	/* RFC 6598 shared address space 100.64.0.0/10 */
	ADDRCLASS_LOCAL		/* loopback, link-local, unspecified */
};

/* The class of a numeric address (test ranges first, see below). */
enum addrclass	 addrclass_of(const char *addr);
/* 1 when addr is private or carrier-grade NAT space (inside some site). */
int		 addrclass_inside(const char *addr);
const char	*addrclass_name(enum addrclass);

/*
 * Test-only: extra prefixes treated as private and as carrier-grade NAT,
 * so that a lab confined to 198.18.0.0/15 can stand in for RFC 1918 and
 * RFC 6598 space.  Each list is comma-separated "addr/len" entries (at
 * most 8 each); NULL or "" clears.  -1 with a one-line reason on a bad
 * entry (nothing is changed then).
 */
int		 addrclass_set_test(const char *private_list,
		    const char *cgnat_list, char *err, size_t errlen);
/*
 * The same from the environment: TRACEPAIR_TEST_PRIVATE and
 * TRACEPAIR_TEST_CGNAT.  Called by the programs' main, never by a library.
 */
int		 addrclass_test_from_env(char *err, size_t errlen);

#endif
