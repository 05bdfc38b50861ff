/* test_probe_text.c: classic and summary printers of a trace, and pfx2as lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>

#include "asn.h"
#include "trace.h"
#include "trace_text.h"

static void
probe(struct trace_hop *h, int i, const char *addr, const char *name,
    double rtt, const char *annot)
{
	struct trace_probe *p = &h->probes[i];

	p->replied = 1;
	p->rtt_ms = rtt;
	trace_probe_set_addr(h, p, addr);
	if (name)
		trace_probe_set_name(h, p, name);
	if (annot[0] != '\0')
		snprintf(trace_probe_more_alloc(p)->annot, sizeof(p->more->annot),
		    "%s", annot);
	p->reply_ttl = 63;
}

static struct trace *
sample(void)
{
	struct trace	*t = trace_new();
	struct trace_hop *h;

	t->dst_name = strdup("b.lab");
	strcpy(t->dst, "198.18.3.2");
	strcpy(t->src, "198.18.0.1");
	t->max_ttl = 30;
	t->packet_size = 60;
	t->start = 1795000000.0;
	h = trace_add_hop(t, 1, 3);
	probe(h, 0, "198.18.0.2", "r1.lab", 1.234, "");
	probe(h, 1, "198.18.0.2", "r1.lab", 1.201, "");
	h = trace_add_hop(t, 2, 3);
	probe(h, 0, "198.18.1.2", NULL, 2.5, "");
	probe(h, 1, "198.18.9.2", NULL, 2.75, "");
	probe(h, 2, "198.18.9.2", NULL, 3.0, "");
	trace_probe_more_alloc(&h->probes[2])->nmpls = 1;
	trace_probe_more_alloc(&h->probes[2])->mpls[0].label = 16001;
	trace_probe_more_alloc(&h->probes[2])->mpls[0].s = 1;
	trace_probe_more_alloc(&h->probes[2])->mpls[0].ttl = 1;
	h = trace_add_hop(t, 3, 3);
	h = trace_add_hop(t, 4, 3);
	probe(h, 0, "198.18.3.2", NULL, 4.0, "!H");
	probe(h, 1, "198.18.3.2", NULL, 4.5, "!H");
	probe(h, 2, "198.18.3.2", NULL, 5.0, "!H");
	return t;
}

static char *
render(const struct trace *t, const struct trace_text_opts *o, int summary)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	if (summary)
		assert_int_equal(trace_text_summary(fp, t, o), 0);
	else
		assert_int_equal(trace_text_print(fp, t, o), 0);
	fclose(fp);
	return buf;
}

static void
test_classic(void **state)
{
	struct trace	*t = sample();
	struct trace_text_opts o;
	char	*s;

	(void)state;
	trace_text_opts_init(&o);
	s = render(t, &o, 0);
	assert_string_equal(s,
	    "traceroute to b.lab (198.18.3.2), 30 hops max, 60 byte packets\n"
	    " 1  r1.lab (198.18.0.2)  1.234 ms  1.201 ms *\n"
	    " 2  198.18.1.2 (198.18.1.2)  2.500 ms 198.18.9.2 (198.18.9.2)  2.750 ms <MPLS:L=16001,E=0,S=1,T=1>  3.000 ms\n"
	    " 3  * * *\n"
	    " 4  198.18.3.2 (198.18.3.2)  4.000 ms !H  4.500 ms !H  5.000 ms !H\n");
	free(s);
	o.numeric = 1;
	o.unanswered = 1;
	o.show_mpls = 0;
	o.header = 0;
	s = render(t, &o, 0);
	assert_string_equal(s,
	    " 1  198.18.0.2  1.234 ms  1.201 ms *  (1 unanswered)\n"
	    " 2  198.18.1.2  2.500 ms 198.18.9.2  2.750 ms  3.000 ms\n"
	    " 3  * * *  (3 unanswered)\n"
	    " 4  198.18.3.2  4.000 ms !H  4.500 ms !H  5.000 ms !H\n");
	free(s);
	trace_free(t);
}

static void
test_summary(void **state)
{
	struct trace	*t = sample();
	struct trace_text_opts o;
	char	*s;

	(void)state;
	trace_text_opts_init(&o);
	o.numeric = 1;
	s = render(t, &o, 1);
	assert_non_null(strstr(s, "Start: 2026-"));
	assert_non_null(strstr(s, "HOST: 198.18.0.1"));
	assert_non_null(strstr(s, "  1.|-- 198.18.0.2"));
	assert_non_null(strstr(s, " 33.3%     3     1.2     1.2     1.2     1.2     0.0\n"));
	assert_non_null(strstr(s, "    |-- 198.18.1.2\n"));	/* ECMP second responder */
	assert_non_null(strstr(s, "  3.|-- ???"));
	assert_non_null(strstr(s, "100.0%"));
	free(s);
	trace_free(t);
}

/* Offset of "%" (the loss column) in the line of s that starts with prefix. */
static long
loss_column(const char *s, const char *prefix)
{
	const char *line = strstr(s, prefix), *pct;

	assert_non_null(line);
	pct = strchr(line, '%');
	assert_non_null(pct);
	return pct - line;
}

static void
test_summary_long_names(void **state)
{
	struct trace	*t = sample();
	struct trace_text_opts o;
	char	*s;

	(void)state;
	trace_text_opts_init(&o);
	trace_probe_set_name(&t->hops[3], &t->hops[3].probes[0],
	    "my-company-t1.chicago.other-isp.example.net");
	s = render(t, &o, 1);
	/* Every row's loss column lines up with the header's, however long. */
	assert_int_equal(loss_column(s, "HOST: "), loss_column(s, "  1.|-- "));
	assert_int_equal(loss_column(s, "HOST: "), loss_column(s, "  4.|-- "));
	assert_int_equal(loss_column(s, "HOST: "), loss_column(s, "  3.|-- "));
	assert_non_null(strstr(s, "my-company-t1.chicago.other-isp.example.net "));
	free(s);
	trace_free(t);
}

static void
test_asn(void **state)
{
	static const char table[] =
	    "# pfx2as\n"
	    "198.18.0.0\t15\t64500\n"
	    "198.18.1.0\t24\t64501_64502\n"
	    "2001:db8::\t32\t64510,64511\n"
	    "\n";
	struct asn_table *a;
	struct trace	*t;
	struct trace_text_opts o;
	char	 err[160], *s;

	(void)state;
	a = asn_parse(table, strlen(table), err, sizeof(err));
	assert_non_null(a);
	assert_int_equal(asn_count(a), 3);
	assert_int_equal(asn_lookup(a, "198.18.0.2"), 64500);
	assert_int_equal(asn_lookup(a, "198.18.1.2"), 64501);	/* longest prefix */
	assert_int_equal(asn_lookup(a, "198.19.255.1"), 64500);
	assert_int_equal(asn_lookup(a, "198.20.0.1"), 0);
	assert_int_equal(asn_lookup(a, "2001:db8:3::2"), 64510);
	assert_int_equal(asn_lookup(a, "not-an-address"), 0);
	t = sample();
	asn_annotate(a, t);
	trace_text_opts_init(&o);
	o.numeric = 1;
	o.show_asn = 1;
	o.header = 0;
	s = render(t, &o, 0);
	assert_non_null(strstr(s, " 2  198.18.1.2 [AS64501]  2.500 ms 198.18.9.2 [AS64500]  2.750 ms <MPLS:L=16001,E=0,S=1,T=1>  3.000 ms\n"));
	free(s);
	trace_free(t);
	asn_free(a);

	assert_null(asn_parse("198.18.0.0 33 1\n", 16, err, sizeof(err)));
	assert_non_null(strstr(err, "1: bad line"));
	assert_null(asn_parse("ok\n", 3, err, sizeof(err)));
	assert_null(asn_parse("# c\n198.18.0.0 24\n", 18, err, sizeof(err)));
	assert_non_null(strstr(err, "2: bad line"));
	assert_null(asn_parse("198.18.0.0 24 -5\n", 17, err, sizeof(err)));
	assert_null(asn_load("/nonexistent/pfx2as", err, sizeof(err)));
}

/* A reference prefix of test_asn_index, as written in its table. */
struct ref_prefix {
	int		 af, len;	/* 4 or 6; bits */
	uint8_t		 a[16];	/* address as written (host bits set) */
	uint32_t	 asn;
};

/* Longest match by a scan, the first line winning among equals. */
static uint32_t
ref_lookup(const struct ref_prefix *r, int n, int af, const uint8_t *a)
{
	int	 i, b, best = -1;
	uint32_t asn = 0;

	for (i = 0; i < n; i++) {
		if (r[i].af != af || r[i].len <= best)
			continue;
		for (b = 0; b < r[i].len; b++)
			if (((a[b / 8] ^ r[i].a[b / 8]) >> (7 - b % 8)) & 1)
				break;
		if (b == r[i].len) {
			best = r[i].len;
			asn = r[i].asn;
		}
	}
	return asn;
}

/*
 * The sorted index answers every lookup as a scan of the table would:
 * random IPv4 and IPv6 prefixes of every length (host bits set, the same
 * prefix twice with different AS numbers), queried inside and around them.
 */
static void
test_asn_index(void **state)
{
	enum { NP = 3000, NQ = 20000 };
	struct ref_prefix *r = calloc(NP, sizeof(*r));
	char	*text = malloc(NP * 64), buf[INET6_ADDRSTRLEN], err[160];
	size_t	 len = 0;
	struct asn_table *t;
	uint8_t	 a[16];
	int	 i, j, af, bad = 0;

	(void)state;
	assert_non_null(r);
	assert_non_null(text);
	srandom(4242);
	for (i = 0; i < NP; i++) {
		if (i > 0 && i % 97 == 0) {
			r[i] = r[i - 1];	/* the same prefix again */
			r[i].asn++;
		} else {
			r[i].af = i % 4 == 0 ? 6 : 4;
			r[i].len = (int)(random() % (r[i].af == 4 ? 33 : 129));
			for (j = 0; j < 16; j++)
				r[i].a[j] = (uint8_t)(random() % 4 == 0 ?
				    random() : j % 3);	/* shared bits */
			if (r[i].af == 4)
				memset(r[i].a + 4, 0, 12);
			r[i].asn = 64512 + (uint32_t)i;
		}
		inet_ntop(r[i].af == 4 ? AF_INET : AF_INET6, r[i].a, buf,
		    sizeof(buf));
		len += (size_t)snprintf(text + len, 64, "%s\t%d\t%u\n", buf,
		    r[i].len, r[i].asn);
	}
	t = asn_parse(text, len, err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(asn_count(t), NP);
	for (i = 0; i < NQ; i++) {
		const struct ref_prefix *p = &r[random() % NP];

		af = p->af;
		memcpy(a, p->a, sizeof(a));
		/* flip one random bit: inside the prefix or just outside */
		j = (int)(random() % (af == 4 ? 32 : 128));
		a[j / 8] ^= (uint8_t)(0x80 >> (j % 8));
		inet_ntop(af == 4 ? AF_INET : AF_INET6, a, buf, sizeof(buf));
		if (asn_lookup(t, buf) != ref_lookup(r, NP, af, a))
			bad++;
	}
	assert_int_equal(bad, 0);
	asn_free(t);
	free(text);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_summary_long_names),
		cmocka_unit_test(test_asn),
		cmocka_unit_test(test_asn_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
