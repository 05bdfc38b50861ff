/* ctl_culprit.c: the shared culprit of a mesh round: links, routers and ASes ranked by the failing pairs whose suspects hold them, less what healthy pairs cross cleanly. */
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"

/*
 * A link is known by the point-to-point subnet of its far end (/30 for
 * IPv4, /126 for IPv6): routers answer from the interface a probe came
 * in on, so the far end of a link crossed either way is an address of
 * that link's subnet.  "" when addr is not an address.
 */
static void
culprit_link_key(const char *addr, char *buf, size_t len)
{
	unsigned char	 b[16];
	char		 s[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	if (inet_pton(AF_INET, addr, b) == 1) {
		b[3] &= 0xfc;
		inet_ntop(AF_INET, b, s, sizeof(s));
		snprintf(buf, len, "%s/30", s);
	} else if (inet_pton(AF_INET6, addr, b) == 1) {
		b[15] &= 0xfc;
		inet_ntop(AF_INET6, b, s, sizeof(s));
		snprintf(buf, len, "%s/126", s);
	}
}

/* The entry of kind/key in tab (made, with label, when absent). */
static json_t *
culprit_get(json_t *tab, const char *kind, const char *key, const char *label)
{
	char	 k[300];
	json_t	*e;

	snprintf(k, sizeof(k), "%s %s", kind, key);
	if ((e = json_object_get(tab, k)) != NULL)
		return e;
	e = json_pack("{s:s, s:s, s:i, s:[]}", "kind", kind, "label", label,
	    "failing_pairs", 0, "pairs");
	json_object_set_new(tab, k, e);
	return e;
}

/* Count pair once for kind/key. */
static void
culprit_count(json_t *tab, const char *kind, const char *key,
    const char *label, const char *pair)
{
	json_t	*e = culprit_get(tab, kind, key, label), *ps;
	size_t	 i;
	json_t	*v;

	if (e == NULL)
		return;
	ps = json_object_get(e, "pairs");
	json_array_foreach(ps, i, v)
		if (strcmp(json_string_value(v), pair) == 0)
			return;
	json_array_append_new(ps, json_string(pair));
	json_object_set_new(e, "failing_pairs",
	    json_integer((json_int_t)json_array_size(ps)));
}

static const char *
culprit_addr(const json_t *hop)
{
	const char	*s = json_string_value(json_object_get(hop, "addr"));

	return s ? s : json_string_value(json_object_get(hop, "name"));
}

/* The suspects of one failing pair into tab. */
static void
culprit_failing(json_t *tab, const struct ctl_culprit_pair *p)
{
	json_t		*sp, *v;
	const char	*near, *far, *k;
	char		 key[128], label[300];
	size_t		 i, j;

	json_array_foreach(json_object_get(p->an, "suspects"), i, sp) {
		k = json_string_value(json_object_get(sp, "kind"));
		if (k == NULL)
			continue;
		near = culprit_addr(json_object_get(sp, "near"));
		far = culprit_addr(json_object_get(sp, "far"));
		if (strcmp(k, "link") == 0 && near && far) {
			culprit_link_key(far, key, sizeof(key));
			if (key[0] == '\0')
				snprintf(key, sizeof(key), "%s", far);
			snprintf(label, sizeof(label), "%s - %s (link %s)", near,
			    far, key);
			culprit_count(tab, "link", key, label, p->label);
		}
		if (strcmp(k, "router") == 0) {
			near = culprit_addr(json_object_get(sp, "router"));
			far = culprit_addr(json_object_get(sp,
			    "router_reverse"));
		}
		if (near != NULL)
			culprit_count(tab, "router", near, near, p->label);
		if (far != NULL)
			culprit_count(tab, "router", far, far, p->label);
		json_array_foreach(json_object_get(sp, "asn"), j, v) {
			snprintf(label, sizeof(label), "AS%lld",
			    (long long)json_integer_value(v));
			culprit_count(tab, "as", label, label, p->label);
		}
	}
}

/*
 * What a healthy pair crosses without loss (its links, routers, ASes)
 * into clean: the hops after the last one that lost some of its probes
 * (one that answers none is a silent router, not loss).  The probes to
 * hop i and to every hop after it cross the link into hop i, so that link
 * was crossed without loss only when none of them was lost.  A pair can
 * be healthy (status ok, no suspect: its analysis named nothing on a
 * small sample) and still have lost probes past a lossy link; clearing
 * what it crossed would clear the shared culprit of the whole round.
 */
static void
culprit_healthy(json_t *clean, const struct trace *t)
{
	const struct trace_probe *pr;
	struct trace_hop_stats	 st;
	char		 key[300], lk[128];
	int		 i, last = -1;

	for (i = 0; t != NULL && i < t->nhops; i++) {
		trace_hop_stats(&t->hops[i], &st);
		if (st.received > 0 && st.received < st.sent)
			last = i;
	}
	for (i = last + 1; t != NULL && i < t->nhops; i++) {
		if ((pr = trace_hop_main_probe(&t->hops[i])) == NULL ||
		    pr->addr[0] == '\0')
			continue;
		snprintf(key, sizeof(key), "router %s", pr->addr);
		json_object_set_new(clean, key, json_true());
		culprit_link_key(pr->addr, lk, sizeof(lk));
		snprintf(key, sizeof(key), "link %s", lk[0] ? lk : pr->addr);
		json_object_set_new(clean, key, json_true());
		if (pr->asn != 0) {
			snprintf(key, sizeof(key), "as AS%u", pr->asn);
			json_object_set_new(clean, key, json_true());
		}
	}
}

static int
culprit_kind_rank(const char *k)
{
	return strcmp(k, "link") == 0 ? 0 : strcmp(k, "router") == 0 ? 1 : 2;
}

static int
culprit_cmp(const void *a, const void *b)
{
	json_t	*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t cx = json_integer_value(json_object_get(x, "failing_pairs"));
	json_int_t cy = json_integer_value(json_object_get(y, "failing_pairs"));

	if (cx != cy)
		return cx > cy ? -1 : 1;
	cx = culprit_kind_rank(json_string_value(json_object_get(x, "kind")));
	cy = culprit_kind_rank(json_string_value(json_object_get(y, "kind")));
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "label")),
	    json_string_value(json_object_get(y, "label")));
}

json_t *
ctl_culprit_rank(const struct ctl_culprit_pair *p, int n, int *cleared)
{
	json_t		*tab, *clean, *out, *e, **v;
	const char	*key;
	size_t		 k = 0, i;
	int		 j;

	*cleared = 0;
	tab = json_object();
	clean = json_object();
	out = json_array();
	if (tab == NULL || clean == NULL || out == NULL)
		goto fail;
	for (j = 0; j < n; j++) {
		if (p[j].failing)
			culprit_failing(tab, &p[j]);
		else {
			culprit_healthy(clean, p[j].fwd);
			culprit_healthy(clean, p[j].rev);
		}
	}
	if ((v = calloc(json_object_size(tab) + 1, sizeof(*v))) == NULL)
		goto fail;
	json_object_foreach(tab, key, e) {
		if (json_object_get(clean, key) != NULL) {
			(*cleared)++;
			continue;
		}
		v[k++] = e;
	}
	qsort(v, k, sizeof(*v), culprit_cmp);
	for (i = 0; i < k; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(tab);
	json_decref(clean);
	return out;
fail:
	json_decref(tab);
	json_decref(clean);
	json_decref(out);
	return NULL;
}
