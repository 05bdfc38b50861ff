/* addrclass.c: address classes (RFC 1918, RFC 6598, ULA) for site boundaries, with a test-only override for the lab. */
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrclass.h"

#define ADDRCLASS_TEST_MAX	8	/* prefixes per test list */

/* One prefix of a class. */
struct addrclass_pfx {
	int		 af;		/* AF_INET or AF_INET6 */
	unsigned char	 addr[16];	/* network address */
	int		 len;		/* prefix length */
	enum addrclass	 cls;		/* what an address inside it is */
};

/* Test prefixes (checked before the real ranges). */
static struct addrclass_pfx addrclass_test[2 * ADDRCLASS_TEST_MAX];
static int addrclass_ntest;

static int
pfx_match(const struct addrclass_pfx *p, int af, const unsigned char *a)
{
	int	 full = p->len / 8, rest = p->len % 8;

	if (p->af != af)
		return 0;
	if (memcmp(p->addr, a, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((p->addr[full] ^ a[full]) & (0xff << (8 - rest))) == 0;
}

enum addrclass
addrclass_of(const char *addr)
{
	unsigned char	 a[16];
	int		 i;

	if (addr == NULL || addr[0] == '\0')
		return ADDRCLASS_NONE;
	if (inet_pton(AF_INET, addr, a) == 1) {
		for (i = 0; i < addrclass_ntest; i++)
			if (pfx_match(&addrclass_test[i], AF_INET, a))
				return addrclass_test[i].cls;
		if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168))
			return ADDRCLASS_PRIVATE;
		if (a[0] == 100 && (a[1] & 0xc0) == 64)
			return ADDRCLASS_CGNAT;
		if (a[0] == 127 || a[0] == 0 || (a[0] == 169 && a[1] == 254))
			return ADDRCLASS_LOCAL;
		return ADDRCLASS_PUBLIC;
	}
	if (inet_pton(AF_INET6, addr, a) == 1) {
		static const unsigned char zero[16];

		for (i = 0; i < addrclass_ntest; i++)
			if (pfx_match(&addrclass_test[i], AF_INET6, a))
				return addrclass_test[i].cls;
		if ((a[0] & 0xfe) == 0xfc)
			return ADDRCLASS_PRIVATE;
		if ((a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
		    memcmp(a, zero, 15) == 0)
			return ADDRCLASS_LOCAL;
		return ADDRCLASS_PUBLIC;
	}
	return ADDRCLASS_NONE;
}

int
addrclass_inside(const char *addr)
{
	enum addrclass c = addrclass_of(addr);

	return c == ADDRCLASS_PRIVATE || c == ADDRCLASS_CGNAT;
}

const char *
addrclass_name(enum addrclass c)
{
	switch (c) {
	case ADDRCLASS_PUBLIC:
		return "public";
	case ADDRCLASS_PRIVATE:
		return "private";
	case ADDRCLASS_CGNAT:
		return "cgnat";
	case ADDRCLASS_LOCAL:
		return "local";
	default:
		return "none";
	}
}

/* Parse one comma-separated list into out[*n...]; -1 with a reason. */
static int
parse_list(const char *list, enum addrclass cls, struct addrclass_pfx *out,
    int *n, char *err, size_t errlen)
{
	char		 buf[64], *slash, *end;
	const char	*p = list, *q;
	size_t		 l;
	long		 len;
	int		 count = 0;

	while (p != NULL && *p != '\0') {
		q = strchr(p, ',');
		l = q ? (size_t)(q - p) : strlen(p);
		if (l == 0 || l >= sizeof(buf)) {
			snprintf(err, errlen, "test %s range: bad entry",
			    addrclass_name(cls));
			return -1;
		}
		memcpy(buf, p, l);
		buf[l] = '\0';
		if (++count > ADDRCLASS_TEST_MAX) {
			snprintf(err, errlen, "test %s ranges: more than %d",
			    addrclass_name(cls), ADDRCLASS_TEST_MAX);
			return -1;
		}
		if ((slash = strchr(buf, '/')) == NULL) {
			snprintf(err, errlen, "test %s range '%s': no /len",
			    addrclass_name(cls), buf);
			return -1;
		}
		*slash++ = '\0';
		len = strtol(slash, &end, 10);
		memset(&out[*n], 0, sizeof(out[*n]));
		if (inet_pton(AF_INET, buf, out[*n].addr) == 1)
			out[*n].af = AF_INET;
		else if (inet_pton(AF_INET6, buf, out[*n].addr) == 1)
			out[*n].af = AF_INET6;
		if (out[*n].af == 0 || *slash == '\0' || *end != '\0' ||
		    len < 0 || len > (out[*n].af == AF_INET ? 32 : 128)) {
			snprintf(err, errlen, "test %s range '%s/%s' is not "
			    "ADDR/LEN", addrclass_name(cls), buf, slash);
			return -1;
		}
		out[*n].len = (int)len;
		out[*n].cls = cls;
		(*n)++;
		p = q ? q + 1 : NULL;
	}
	return 0;
}

int
addrclass_set_test(const char *private_list, const char *cgnat_list,
    char *err, size_t errlen)
{
	struct addrclass_pfx tmp[2 * ADDRCLASS_TEST_MAX];
	int		 n = 0;

	if (parse_list(cgnat_list, ADDRCLASS_CGNAT, tmp, &n, err, errlen) == -1 ||
	    parse_list(private_list, ADDRCLASS_PRIVATE, tmp, &n, err,
	    errlen) == -1)
		return -1;
	memcpy(addrclass_test, tmp, sizeof(tmp));
	addrclass_ntest = n;
	return 0;
}

int
addrclass_test_from_env(char *err, size_t errlen)
{
	return addrclass_set_test(getenv("TRACEPAIR_TEST_PRIVATE"),
	    getenv("TRACEPAIR_TEST_CGNAT"), err, errlen);
}
