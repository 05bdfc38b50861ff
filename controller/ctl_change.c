/* ctl_change.c: one scheduled run compared with the previous run of its schedule: routers, AS path, divergence, loss and delay onsets, suspects, verdict (docs/history.md). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"

/* The directions, as the analysis JSON names them. */
static const char *const change_dirs[2] = { "forward", "reverse" };

/*
 * The routers of a trace in path order: each answering hop's main
 * responder, the destination left out.  A JSON array of strings.
 */
static json_t *
change_routers(const struct trace *t)
{
	const struct trace_probe *p;
	json_t		*a;
	int		 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; t != NULL && i < t->nhops; i++) {
		if (trace_hop_is_dst(t, &t->hops[i]))
			continue;
		if ((p = trace_hop_main_probe(&t->hops[i])) == NULL ||
		    p->addr[0] == '\0')
			continue;
		json_array_append_new(a, json_string(p->addr));
	}
	return a;
}

/* The AS path of a trace: the origin ASes of its hops, repeats folded. */
static json_t *
change_as_path(const struct trace *t)
{
	const struct trace_probe *p;
	json_t		*a;
	uint32_t	 last = 0;
	int		 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; t != NULL && i < t->nhops; i++) {
		if ((p = trace_hop_main_probe(&t->hops[i])) == NULL ||
		    p->asn == 0 || p->asn == last)
			continue;
		last = p->asn;
		json_array_append_new(a, json_integer(p->asn));
	}
	return a;
}

/* 1 when string s is an element of array a. */
static int
change_in(const json_t *a, const char *s)
{
	size_t	 i;
	json_t	*v;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* The elements of a missing from b (strings). */
static json_t *
change_minus(const json_t *a, const json_t *b)
{
	json_t	*out = json_array(), *v;
	size_t	 i;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && !change_in(b, json_string_value(v)) &&
		    !change_in(out, json_string_value(v)))
			json_array_append(out, v);
	return out;
}

/* "addr" of a {hop} object, else its name, else def. */
static const char *
change_hop_label(const json_t *hop, const char *def)
{
	const char	*s;

	if (!json_is_object(hop))
		return def;
	if ((s = json_string_value(json_object_get(hop, "addr"))) != NULL)
		return s;
	if ((s = json_string_value(json_object_get(hop, "name"))) != NULL)
		return s;
	return def;
}

/* The divergences of an analysis as strings: "after X, rejoin at Y". */
static json_t *
change_divergence(const json_t *an)
{
	json_t		*out = json_array(), *d;
	char		 buf[256];
	size_t		 i;

	json_array_foreach(json_object_get(an, "divergence"), i, d) {
		snprintf(buf, sizeof(buf), "after %s, rejoin at %s",
		    change_hop_label(json_object_get(json_object_get(d,
		    "diverge_after"), "forward"), "A"),
		    change_hop_label(json_object_get(json_object_get(d,
		    "rejoin_at"), "forward"), "B"));
		json_array_append_new(out, json_string(buf));
	}
	return out;
}

/* A suspect as one key: "KIND between0 - between1". */
static void
change_suspect_key(const json_t *sp, char *buf, size_t len)
{
	const json_t	*bt = json_object_get(sp, "between");
	const char	*k = json_string_value(json_object_get(sp, "kind"));

	if (k != NULL && strcmp(k, "router") == 0) {
		snprintf(buf, len, "router %s", change_hop_label(
		    json_object_get(sp, "router"), "?"));
		return;
	}
	snprintf(buf, len, "%s %s%s%s", k ? k : "?",
	    json_string_value(json_array_get(bt, 0)) ?
	    json_string_value(json_array_get(bt, 0)) : "?",
	    json_array_size(bt) > 1 ? " - " : "",
	    json_array_size(bt) > 1 && json_string_value(json_array_get(bt,
	    1)) ? json_string_value(json_array_get(bt, 1)) : "");
}

/* The suspects of an analysis as keys. */
static json_t *
change_suspects(const json_t *an)
{
	json_t		*out = json_array(), *sp;
	char		 buf[256];
	size_t		 i;

	json_array_foreach(json_object_get(an, "suspects"), i, sp) {
		change_suspect_key(sp, buf, sizeof(buf));
		if (!change_in(out, buf))
			json_array_append_new(out, json_string(buf));
	}
	return out;
}

/* The verdict's first line with its figures taken out (they vary run to run). */
static void
change_verdict_norm(const char *v, char *buf, size_t len)
{
	size_t	 n = 0;

	for (; v != NULL && *v != '\0' && *v != '\n' && n + 1 < len; v++)
		if (!isdigit((unsigned char)*v) && *v != '.' && *v != '%')
			buf[n++] = *v;
	buf[n] = '\0';
}

/* The onset of a direction's loss or latency object, or NULL when none. */
static const char *
change_onset(const json_t *an, const char *what, int dir)
{
	const json_t	*o = json_object_get(json_object_get(an, what),
			    change_dirs[dir]);

	if (!json_is_object(o))
		return NULL;
	if (strcmp(what, "loss") == 0 &&
	    !json_is_true(json_object_get(o, "persistent")))
		return NULL;
	return change_hop_label(o, "?");
}

static void
change_add(json_t *out, json_t *c)
{
	if (c != NULL)
		json_array_append_new(out, c);
}

/* Loss or delay onsets of both directions compared. */
static void
change_onsets(json_t *out, const json_t *pan, const json_t *can,
    const char *what, const char *name)
{
	const char	*was, *now;
	const json_t	*o;
	char		 kind[32];
	int		 d;

	for (d = 0; d < 2; d++) {
		was = change_onset(pan, what, d);
		now = change_onset(can, what, d);
		o = json_object_get(json_object_get(can, what), change_dirs[d]);
		if (now != NULL && (was == NULL || strcmp(was, now) != 0)) {
			const json_t *val = json_object_get(o, strcmp(what,
			    "loss") == 0 ? "loss_pct" : "after_ms");

			snprintf(kind, sizeof(kind), "%s-onset", name);
			change_add(out, json_pack("{s:s, s:s, s:s, s:o, s:o}",
			    "kind", kind, "direction", change_dirs[d], "at", now,
			    "was", was ? json_string(was) : json_null(),
			    "value", val ? json_copy((json_t *)(uintptr_t)val) :
			    json_null()));
		} else if (now == NULL && was != NULL) {
			snprintf(kind, sizeof(kind), "%s-cleared", name);
			change_add(out, json_pack("{s:s, s:s, s:s}", "kind",
			    kind, "direction", change_dirs[d], "was", was));
		}
	}
}

json_t *
ctl_change_diff(const struct ctl_run_view *prev, const struct ctl_run_view *cur)
{
	const struct trace *pt[2], *ct[2];
	json_t		*out, *a, *b, *add, *rm;
	char		 pv[512], cv[512];
	size_t		 i;
	json_t		*v;
	int		 d;

	if ((out = json_array()) == NULL)
		return NULL;
	if (prev == NULL || cur == NULL)
		return out;
	if (strcmp(prev->status, cur->status) != 0)
		change_add(out, json_pack("{s:s, s:s, s:s, s:s}", "kind",
		    "status", "from", prev->status, "to", cur->status,
		    "reason", cur->reason ? cur->reason : ""));
	pt[0] = prev->fwd, pt[1] = prev->rev;
	ct[0] = cur->fwd, ct[1] = cur->rev;
	for (d = 0; d < 2; d++) {
		if (pt[d] == NULL || ct[d] == NULL)
			continue;
		a = change_routers(pt[d]);
		b = change_routers(ct[d]);
		add = change_minus(b, a);
		rm = change_minus(a, b);
		if (json_array_size(add) > 0 || json_array_size(rm) > 0)
			change_add(out, json_pack("{s:s, s:s, s:O, s:O}", "kind",
			    "routers", "direction", change_dirs[d], "added", add,
			    "removed", rm));
		json_decref(add);
		json_decref(rm);
		json_decref(a);
		json_decref(b);
		a = change_as_path(pt[d]);
		b = change_as_path(ct[d]);
		if (!json_equal(a, b))
			change_add(out, json_pack("{s:s, s:s, s:O, s:O}", "kind",
			    "as-path", "direction", change_dirs[d], "from", a,
			    "to", b));
		json_decref(a);
		json_decref(b);
	}
	if (prev->an == NULL || cur->an == NULL)
		return out;
	a = change_divergence(prev->an);
	b = change_divergence(cur->an);
	if (!json_equal(a, b))
		change_add(out, json_pack("{s:s, s:O, s:O}", "kind", "divergence",
		    "from", a, "to", b));
	json_decref(a);
	json_decref(b);
	change_onsets(out, prev->an, cur->an, "loss", "loss");
	change_onsets(out, prev->an, cur->an, "latency", "delay");
	a = change_suspects(prev->an);
	b = change_suspects(cur->an);
	json_array_foreach(b, i, v)
		if (!change_in(a, json_string_value(v)))
			change_add(out, json_pack("{s:s, s:O}", "kind",
			    "suspect-new", "suspect", v));
	json_array_foreach(a, i, v)
		if (!change_in(b, json_string_value(v)))
			change_add(out, json_pack("{s:s, s:O}", "kind",
			    "suspect-cleared", "suspect", v));
	json_decref(a);
	json_decref(b);
	change_verdict_norm(json_string_value(json_object_get(prev->an,
	    "verdict")), pv, sizeof(pv));
	change_verdict_norm(json_string_value(json_object_get(cur->an,
	    "verdict")), cv, sizeof(cv));
	if (strcmp(pv, cv) != 0)
		change_add(out, json_pack("{s:s, s:s, s:s}", "kind", "verdict",
		    "from", json_string_value(json_object_get(prev->an,
		    "verdict")) ? json_string_value(json_object_get(prev->an,
		    "verdict")) : "", "to", json_string_value(json_object_get(
		    cur->an, "verdict")) ? json_string_value(json_object_get(
		    cur->an, "verdict")) : ""));
	return out;
}

json_t *
ctl_change_problems(const struct ctl_run_view *cur)
{
	json_t		*out, *sp;
	char		 key[300];
	const char	*at;
	size_t		 i;
	int		 d;

	if ((out = json_object()) == NULL)
		return NULL;
	if (strcmp(cur->status, "ok") != 0) {
		json_object_set_new(out, "status", json_string(
		    cur->reason && cur->reason[0] ? cur->reason : cur->status));
		return out;
	}
	for (d = 0; d < 2; d++)
		if ((at = change_onset(cur->an, "loss", d)) != NULL) {
			snprintf(key, sizeof(key), "loss %s", change_dirs[d]);
			json_object_set_new(out, key, json_sprintf("loss from "
			    "%s on (%.1f%%)", at, json_number_value(
			    json_object_get(json_object_get(json_object_get(
			    cur->an, "loss"), change_dirs[d]), "loss_pct"))));
		}
	json_array_foreach(json_object_get(cur->an, "suspects"), i, sp) {
		change_suspect_key(sp, key, sizeof(key));
		json_object_set_new(out, key, json_sprintf("confidence %.2f",
		    json_number_value(json_object_get(sp, "confidence"))));
	}
	return out;
}

int
ctl_change_alarm(const json_t *changes)
{
	static const char *const alarms[] = { "routers", "as-path",
	    "divergence", "loss-onset" };
	const char	*k;
	json_t		*c;
	size_t		 i, j;

	json_array_foreach(changes, i, c) {
		k = json_string_value(json_object_get(c, "kind"));
		for (j = 0; k != NULL && j < sizeof(alarms) / sizeof(alarms[0]);
		    j++)
			if (strcmp(k, alarms[j]) == 0)
				return 1;
	}
	return 0;
}

/* A JSON array of strings as "a, b, c" into buf. */
static void
change_join(const json_t *a, char *buf, size_t len)
{
	json_t	*v;
	size_t	 i, n = 0;
	char	 num[24];
	const char *s;

	buf[0] = '\0';
	json_array_foreach(a, i, v) {
		if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "AS%lld",
			    (long long)json_integer_value(v));
			s = num;
		} else
			s = json_string_value(v) ? json_string_value(v) : "?";
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
		    i ? (json_is_integer(v) ? " " : ", ") : "", s);
		if (n >= len)
			break;
	}
	if (json_array_size(a) == 0)
		snprintf(buf, len, "none");
}

void
ctl_change_line(const json_t *c, char *buf, size_t len)
{
	const char	*k = json_string_value(json_object_get(c, "kind"));
	const char	*dir = json_string_value(json_object_get(c, "direction"));
	char		 x[400], y[400];

	if (k == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	if (strcmp(k, "routers") == 0) {
		change_join(json_object_get(c, "added"), x, sizeof(x));
		change_join(json_object_get(c, "removed"), y, sizeof(y));
		snprintf(buf, len, "%s path: routers added %s; removed %s", dir,
		    x, y);
	} else if (strcmp(k, "as-path") == 0 || strcmp(k, "divergence") == 0) {
		change_join(json_object_get(c, "from"), x, sizeof(x));
		change_join(json_object_get(c, "to"), y, sizeof(y));
		snprintf(buf, len, "%s%s%s changed: %s -> %s", dir ? dir : "",
		    dir ? " " : "", k, x, y);
	} else if (strcmp(k, "loss-onset") == 0 ||
	    strcmp(k, "delay-onset") == 0) {
		snprintf(buf, len, "%s: new %s onset at %s (%g%s)%s%s", dir,
		    k[0] == 'l' ? "loss" : "delay",
		    json_string_value(json_object_get(c, "at")),
		    json_number_value(json_object_get(c, "value")),
		    k[0] == 'l' ? "%" : " ms",
		    json_string_value(json_object_get(c, "was")) ? ", was at " :
		    "", json_string_value(json_object_get(c, "was")) ?
		    json_string_value(json_object_get(c, "was")) : "");
	} else if (strcmp(k, "loss-cleared") == 0 ||
	    strcmp(k, "delay-cleared") == 0)
		snprintf(buf, len, "%s: %s from %s gone", dir,
		    k[0] == 'l' ? "loss" : "delay",
		    json_string_value(json_object_get(c, "was")));
	else if (strcmp(k, "suspect-new") == 0 ||
	    strcmp(k, "suspect-cleared") == 0)
		snprintf(buf, len, "suspect %s: %s", k[8] == 'n' ? "new" :
		    "cleared", json_string_value(json_object_get(c, "suspect")));
	else if (strcmp(k, "status") == 0)
		snprintf(buf, len, "status %s -> %s%s%s",
		    json_string_value(json_object_get(c, "from")),
		    json_string_value(json_object_get(c, "to")),
		    *json_string_value(json_object_get(c, "reason")) ? ": " : "",
		    json_string_value(json_object_get(c, "reason")));
	else if (strcmp(k, "verdict") == 0)
		snprintf(buf, len, "verdict now: %s",
		    json_string_value(json_object_get(c, "to")));
	else
		snprintf(buf, len, "%s", k);
}
