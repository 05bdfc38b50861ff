/* probe_dns.h: the probe engine's reverse-DNS cache: asynchronous PTR lookups through evdns, bounded and aged. */
#ifndef TRACEPAIR_PROBE_DNS_H
#define TRACEPAIR_PROBE_DNS_H

#include <stdint.h>

struct evdns_base;
struct probe_dns;

#define PROBE_DNS_TTL_NAME	3600.0	/* s: a reverse-DNS name is kept */
#define PROBE_DNS_TTL_NONE	300.0	/* s: a failed / empty lookup is kept */
#define PROBE_DNS_MAX		4096	/* cache entries at most */

/*
 * A cache resolving through dns (never NULL).  done(arg) is called after
 * every lookup that finishes, so that the owner can look again at what
 * waits for names.  NULL when out of memory.
 */
struct probe_dns *probe_dns_new(struct evdns_base *dns,
		    void (*done)(void *arg), void *arg);
/* Forget every entry; lookups still running are freed by their callback. */
void		 probe_dns_free(struct probe_dns *);
/* Lifetimes of a name and of "no name" (s), and the most entries; 0: default. */
void		 probe_dns_set_limits(struct probe_dns *, double ttl,
		    double ttl_none, int max);
/*
 * Start a reverse lookup of addr (numeric text of the af 4|6 address a)
 * unless it is cached, running, or the cache is full of running lookups.
 * Never blocks.
 */
void		 probe_dns_lookup(struct probe_dns *, int af, const uint8_t *a,
		    const char *addr);
/*
 * What the cache knows of addr: -1 nothing (never asked, or expired),
 * 0 the lookup still runs, 1 done; then *name is the name or NULL.
 */
int		 probe_dns_get(struct probe_dns *, const char *addr,
		    const char **name);

#endif
