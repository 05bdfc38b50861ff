/* probe_dns.c: the probe engine's reverse-DNS cache: asynchronous PTR lookups through evdns, bounded and aged. */
#include <sys/queue.h>

#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/dns.h>

#include "probe_dns.h"
#include "trace.h"

#define PROBE_DNS_BUCKETS	1024	/* hash chains of the cache */

/*
 * A reverse-DNS cache entry; orphaned (cache NULL, out of every list) when
 * the cache goes or while its lookup is still running.  A finished entry
 * is forgotten after the name lifetime (or the shorter one of a lookup
 * that gave no name); an entry whose lookup runs is never freed but by
 * its callback.
 */
struct dns_entry {
	LIST_ENTRY(dns_entry) hash;	/* in its chain of cache->names */
	TAILQ_ENTRY(dns_entry) age;	/* in cache->names_age, oldest first */
	struct probe_dns *cache;	/* NULL: orphaned, dns_cb frees it */
	char		 addr[TRACE_ADDR_LEN];	/* numeric address, the key */
	char		*name;		/* NULL: none (yet) */
	int		 done;		/* the lookup finished */
	double		 done_at;	/* when it finished (UNIX seconds) */
};

/* One hash chain of the reverse-DNS cache. */
LIST_HEAD(dns_chain, dns_entry);

/* The cache: entries by address and by age, its bounds, its owner's hook. */
struct probe_dns {
	struct evdns_base *dns;		/* the resolver */
	void		(*done)(void *);	/* after each finished lookup */
	void		*done_arg;
	struct dns_chain names[PROBE_DNS_BUCKETS];	/* by address */
	TAILQ_HEAD(, dns_entry) names_age;	/* the same entries, oldest first */
	int		 nnames;	/* entries in the cache */
	int		 names_max;	/* most entries (PROBE_DNS_MAX) */
	double		 names_ttl;	/* s a name is kept (PROBE_DNS_TTL_NAME) */
	double		 names_ttl_none;	/* s no name is kept (..._NONE) */
};

static double
dns_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct probe_dns *
probe_dns_new(struct evdns_base *dns, void (*done)(void *), void *arg)
{
	struct probe_dns *c;
	int	 b;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->dns = dns;
	c->done = done;
	c->done_arg = arg;
	for (b = 0; b < PROBE_DNS_BUCKETS; b++)
		LIST_INIT(&c->names[b]);
	TAILQ_INIT(&c->names_age);
	probe_dns_set_limits(c, 0, 0, 0);
	return c;
}

void
probe_dns_set_limits(struct probe_dns *c, double ttl, double ttl_none, int max)
{
	c->names_ttl = ttl > 0 ? ttl : PROBE_DNS_TTL_NAME;
	c->names_ttl_none = ttl_none > 0 ? ttl_none : PROBE_DNS_TTL_NONE;
	c->names_max = max > 0 ? max : PROBE_DNS_MAX;
}

/* Out of the cache: freed now, or by dns_cb when its lookup still runs. */
static void
dns_forget(struct dns_entry *d)
{
	struct probe_dns *c = d->cache;

	LIST_REMOVE(d, hash);
	TAILQ_REMOVE(&c->names_age, d, age);
	c->nnames--;
	if (d->done) {
		free(d->name);
		free(d);
	} else
		d->cache = NULL;	/* its callback frees it */
}

void
probe_dns_free(struct probe_dns *c)
{
	struct dns_entry *d;

	if (c == NULL)
		return;
	while ((d = TAILQ_FIRST(&c->names_age)) != NULL)
		dns_forget(d);
	free(c);
}

/* FNV-1a of the numeric address: its chain. */
static struct dns_chain *
dns_chain(struct probe_dns *c, const char *addr)
{
	uint32_t h = 2166136261u;

	for (; *addr != '\0'; addr++)
		h = (h ^ (uint8_t)*addr) * 16777619u;
	return &c->names[h % PROBE_DNS_BUCKETS];
}

static void
dns_cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	struct dns_entry *d = arg;
	struct probe_dns *c = d->cache;

	(void)ttl;
	if (c == NULL) {		/* cache gone, or evicted */
		free(d);
		return;
	}
	d->done = 1;
	d->done_at = dns_now();
	if (result == DNS_ERR_NONE && type == DNS_PTR && count > 0 &&
	    addresses != NULL && ((char **)addresses)[0] != NULL)
		d->name = strdup(((char **)addresses)[0]);
	if (c->done != NULL)
		c->done(c->done_arg);
}

/* The cache entry of addr, NULL if none or expired (then forgotten). */
static struct dns_entry *
dns_find(struct probe_dns *c, const char *addr)
{
	struct dns_entry *d;

	LIST_FOREACH(d, dns_chain(c, addr), hash)
		if (strcmp(d->addr, addr) == 0)
			break;
	if (d != NULL && d->done && dns_now() >= d->done_at +
	    (d->name != NULL ? c->names_ttl : c->names_ttl_none)) {
		dns_forget(d);
		return NULL;
	}
	return d;
}

/*
 * Room for one more entry: forget the oldest finished one when the cache
 * is full.  0, or -1 when every entry is still being looked up.
 */
static int
dns_room(struct probe_dns *c)
{
	struct dns_entry *d;

	if (c->nnames < c->names_max)
		return 0;
	TAILQ_FOREACH(d, &c->names_age, age)
		if (d->done) {
			dns_forget(d);
			return 0;
		}
	return -1;
}

void
probe_dns_lookup(struct probe_dns *c, int af, const uint8_t *a,
    const char *addr)
{
	struct dns_entry *d;
	struct evdns_request *req;
	struct in_addr in4;
	struct in6_addr in6;

	if (dns_find(c, addr) != NULL || dns_room(c) == -1)
		return;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return;
	d->cache = c;
	snprintf(d->addr, sizeof(d->addr), "%s", addr);
	LIST_INSERT_HEAD(dns_chain(c, addr), d, hash);
	TAILQ_INSERT_TAIL(&c->names_age, d, age);
	c->nnames++;
	if (af == 4) {
		memcpy(&in4, a, 4);
		req = evdns_base_resolve_reverse(c->dns, &in4, 0, dns_cb, d);
	} else {
		memcpy(&in6, a, 16);
		req = evdns_base_resolve_reverse_ipv6(c->dns, &in6, 0, dns_cb, d);
	}
	if (req == NULL && !d->done) {
		d->done = 1;
		d->done_at = dns_now();
	}
}

int
probe_dns_get(struct probe_dns *c, const char *addr, const char **name)
{
	struct dns_entry *d;

	*name = NULL;
	if ((d = dns_find(c, addr)) == NULL)
		return -1;
	if (!d->done)
		return 0;
	*name = d->name;
	return 1;
}
