/* asn.c: origin AS numbers from a CAIDA pfx2as prefix table (-A FILE). */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn.h"

/* One prefix of the table. */
struct asn_entry {
	uint8_t		 af;		/* 4 or 6 */
	uint8_t		 len;		/* prefix length in bits */
	uint8_t		 addr[16];	/* network address, host bits zero */
	uint32_t	 asn;		/* origin AS */
	int		 line;		/* place in the file: the first wins */
};

/* The entries of one family and prefix length: e[start..end). */
struct asn_group {
	uint8_t		 af, len;	/* family (4, 6) and prefix length */
	int		 start, end;	/* range in asn_table.e, sorted */
};

/*
 * The whole table, sorted by family, then prefix length (longest first),
 * then address, so a lookup is one binary search per prefix length
 * present, longest first: a full CAIDA table (about a million prefixes)
 * answers in microseconds, not in a scan of every line.
 */
struct asn_table {
	struct asn_entry *e;
	int		 n, cap;
	struct asn_group g[33 + 129];	/* one per family and length */
	int		 ng;
};

void
asn_free(struct asn_table *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

/* Zero the bits of a past the first bits. */
static void
mask_bits(uint8_t *a, int bits)
{
	int	 full = bits / 8, rest = bits % 8;

	if (full >= 16)
		return;
	if (rest != 0)
		a[full++] &= (uint8_t)(0xff << (8 - rest));
	memset(a + full, 0, (size_t)(16 - full));
}

static int
entry_cmp(const void *pa, const void *pb)
{
	const struct asn_entry *a = pa, *b = pb;
	int	 c;

	if (a->af != b->af)
		return a->af - b->af;
	if (a->len != b->len)
		return b->len - a->len;
	if ((c = memcmp(a->addr, b->addr, sizeof(a->addr))) != 0)
		return c;
	return a->line - b->line;
}

/* Sort the parsed table and find its groups. */
static void
asn_index(struct asn_table *t)
{
	int	 i;

	if (t->n > 0)
		qsort(t->e, (size_t)t->n, sizeof(*t->e), entry_cmp);
	t->ng = 0;
	for (i = 0; i < t->n; i++) {
		if (t->ng == 0 || t->g[t->ng - 1].af != t->e[i].af ||
		    t->g[t->ng - 1].len != t->e[i].len) {
			t->g[t->ng].af = t->e[i].af;
			t->g[t->ng].len = t->e[i].len;
			t->g[t->ng].start = i;
			t->ng++;
		}
		t->g[t->ng - 1].end = i + 1;
	}
}

int
asn_count(const struct asn_table *t)
{
	return t->n;
}

/* One line (NUL-terminated, no newline); 0 ok/empty, -1 bad. */
static int
parse_line(struct asn_table *t, char *line)
{
	char	*tok[3], *save = NULL, *p, *end;
	struct asn_entry e;
	unsigned long v;
	int	 i;

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	for (i = 0, p = line; i < 3; i++, p = NULL)
		if ((tok[i] = strtok_r(p, " \t\r", &save)) == NULL)
			break;
	if (i == 0)
		return 0;
	if (i < 3 || strtok_r(NULL, " \t\r", &save) != NULL)
		return -1;
	memset(&e, 0, sizeof(e));
	if (inet_pton(AF_INET, tok[0], e.addr) == 1)
		e.af = 4;
	else if (inet_pton(AF_INET6, tok[0], e.addr) == 1)
		e.af = 6;
	else
		return -1;
	errno = 0;
	v = strtoul(tok[1], &end, 10);
	if (*end != '\0' || errno || v > (e.af == 4 ? 32u : 128u) || tok[1][0] == '-')
		return -1;
	e.len = (uint8_t)v;
	errno = 0;
	v = strtoul(tok[2], &end, 10);
	if (end == tok[2] || errno || v > 0xffffffffUL || tok[2][0] == '-' ||
	    (*end != '\0' && *end != '_' && *end != ','))
		return -1;
	e.asn = (uint32_t)v;
	e.line = t->n;
	mask_bits(e.addr, e.len);
	if (t->n == t->cap) {
		int	 ncap = t->cap ? t->cap * 2 : 256;
		struct asn_entry *ne = realloc(t->e, (size_t)ncap * sizeof(*ne));

		if (ne == NULL)
			return -1;
		t->e = ne;
		t->cap = ncap;
	}
	t->e[t->n++] = e;
	return 0;
}

struct asn_table *
asn_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct asn_table *t;
	char	 line[512];
	size_t	 i = 0, j;
	int	 lineno = 0;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while (i < len) {
		lineno++;
		for (j = i; j < len && text[j] != '\n'; j++)
			;
		if (j - i >= sizeof(line) || memchr(text + i, '\0', j - i)) {
			snprintf(err, errlen, "%d: bad line", lineno);
			asn_free(t);
			return NULL;
		}
		memcpy(line, text + i, j - i);
		line[j - i] = '\0';
		if (parse_line(t, line) == -1) {
			snprintf(err, errlen, "%d: bad line (want PREFIX LENGTH AS)",
			    lineno);
			asn_free(t);
			return NULL;
		}
		i = j + 1;
	}
	asn_index(t);
	return t;
}

#define ASN_FILE_MAX	(256L * 1024 * 1024)	/* a full table is ~20 MB */

struct asn_table *
asn_load(const char *path, char *err, size_t errlen)
{
	FILE	*fp;
	char	*buf = NULL, e[160];
	size_t	 len = 0, cap = 0, n;
	struct asn_table *t;

	struct stat	 st;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* A regular file of bounded size: not /dev/zero, not a FIFO. */
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > ASN_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path, !S_ISREG(st.st_mode) ?
		    "not a regular file" : "larger than 256 MiB");
		fclose(fp);
		return NULL;
	}
	for (;;) {
		if (len > ASN_FILE_MAX) {
			fclose(fp);
			free(buf);
			snprintf(err, errlen, "%s: larger than 256 MiB", path);
			return NULL;
		}
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap + 1048576);

			if (nb == NULL) {
				fclose(fp);
				free(buf);
				snprintf(err, errlen, "%s: out of memory", path);
				return NULL;
			}
			buf = nb;
			cap += 1048576;
		}
		if ((n = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	t = asn_parse(buf, len, e, sizeof(e));
	free(buf);
	if (t == NULL)
		snprintf(err, errlen, "%s:%s", path, e);
	return t;
}

uint32_t
asn_lookup(const struct asn_table *t, const char *addr)
{
	uint8_t	 a[16], m[16];
	int	 af, k, lo, hi, mid;

	if (t == NULL)
		return 0;
	memset(a, 0, sizeof(a));
	if (inet_pton(AF_INET, addr, a) == 1)
		af = 4;
	else if (inet_pton(AF_INET6, addr, a) == 1)
		af = 6;
	else
		return 0;
	for (k = 0; k < t->ng; k++) {
		const struct asn_group *g = &t->g[k];

		if (g->af != af)
			continue;
		memcpy(m, a, sizeof(m));
		mask_bits(m, g->len);
		/* The first entry of the group not below m. */
		for (lo = g->start, hi = g->end; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (memcmp(t->e[mid].addr, m, sizeof(m)) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < g->end && memcmp(t->e[lo].addr, m, sizeof(m)) == 0)
			return t->e[lo].asn;
	}
	return 0;
}

void
asn_annotate(const struct asn_table *t, struct trace *tr)
{
	int	 i, j;

	for (i = 0; i < tr->nhops; i++)
		for (j = 0; j < tr->hops[i].nprobes; j++) {
			struct trace_probe *p = &tr->hops[i].probes[j];

			if (p->replied && p->addr[0] != '\0')
				p->asn = asn_lookup(t, p->addr);
		}
}
