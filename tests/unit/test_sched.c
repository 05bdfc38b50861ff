/* test_sched.c: schedule timing (spread, a missed run runs once), where the runs go (no agent's runs closer than 1/(2R); the move rule), mesh order, change detection on hand-made traces, the shared culprit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "ctl.h"
#include "store.h"

static void
test_next_due(void **state)
{
	double	 slot;
	long	 missed;

	(void)state;
	assert_true(ctl_sched_next(1000, 300, 10) == 1210);
	assert_true(ctl_sched_next(910, 300, 10) == 1210);
	assert_true(ctl_sched_next(909.5, 300, 10) == 910);
	assert_int_equal(ctl_sched_due(1210, 1209.9, 300, 10, &slot, &missed),
	    0);
	assert_int_equal(ctl_sched_due(1210, 1210, 300, 10, &slot, &missed), 1);
	assert_true(slot == 1210);
	assert_int_equal(missed, 0);
	/* down across three slots: the latest runs, once */
	assert_int_equal(ctl_sched_due(1210, 2115, 300, 10, &slot, &missed), 1);
	assert_true(slot == 2110);
	assert_int_equal(missed, 3);
}

/*
 * Ten schedules every 60 s, phases spread over the interval, ticked once a
 * second for two hours with the controller down from 1800 s to 2400 s:
 * each runs once a minute, never twice within the interval, nothing runs
 * while down, and at the restart each runs once (not 10 times), then on its own slots.
 */
static void
test_simulated_downtime(void **state)
{
	double	 next[10], phase[10], last[10], slot;
	long	 missed;
	int	 runs[10], after[10], i, t;

	(void)state;
	for (i = 0; i < 10; i++) {
		next[i] = 1 + 60.0 * i / 10;
		phase[i] = next[i];
		last[i] = -1e9;
		runs[i] = after[i] = 0;
	}
	for (t = 0; t < 7200; t++) {
		if (t >= 1800 && t < 2400)
			continue;
		for (i = 0; i < 10; i++) {
			if (!ctl_sched_due(next[i], t, 60, phase[i], &slot,
			    &missed))
				continue;
			assert_true(slot - last[i] >= 60 - 1e-9);
			assert_true(t - slot < 60);
			if (t == 2400)
				after[i]++;
			last[i] = slot;
			next[i] = slot + 60;
			runs[i]++;
		}
	}
	for (i = 0; i < 10; i++) {
		/* 120 slots less the 10 missed while down */
		assert_true(runs[i] >= 109 && runs[i] <= 111);
		assert_int_equal(after[i], 1);
	}
}

static void
test_mesh_order(void **state)
{
	int	 out[64 * 63 / 2], seen[6][6], n, k, a, b, c, d;

	(void)state;
	memset(seen, 0, sizeof(seen));
	n = ctl_mesh_order(6, -1, out);
	assert_int_equal(n, 15);
	for (k = 0; k < n; k++) {
		a = out[k] / 256;
		b = out[k] % 256;
		assert_true(a < b && b < 6);
		assert_int_equal(seen[a][b]++, 0);
		/* the three pairs of one round share no site */
		if (k % 3 != 2) {
			c = out[k + 1] / 256;
			d = out[k + 1] % 256;
			assert_true(a != c && a != d && b != c && b != d);
		}
	}
	n = ctl_mesh_order(5, -1, out);
	assert_int_equal(n, 10);
	n = ctl_mesh_order(5, 2, out);
	assert_int_equal(n, 4);
	for (k = 0; k < n; k++)
		assert_true(out[k] / 256 == 2 || out[k] % 256 == 2);
	assert_int_equal(ctl_mesh_order(1, -1, out), 0);
}

/* A reached trace to 10.0.0.9 through the routers given. */
static struct trace *
mk_trace(const char *const *routers, int n, uint32_t asn)
{
	struct trace		*t = trace_new();
	struct trace_hop	*h;
	struct trace_probe	*p;
	int			 i;

	snprintf(t->dst, sizeof(t->dst), "10.0.0.9");
	t->reached = 1;
	for (i = 0; i <= n; i++) {
		h = trace_add_hop(t, i + 1, 0);
		p = trace_hop_add_probe(h);
		p->replied = 1;
		p->rtt_ms = 1 + i;
		trace_probe_set_addr(h, p, i < n ? routers[i] : "10.0.0.9");
		p->asn = i == 1 ? asn : 64500;
	}
	return t;
}

static void
test_change_diff(void **state)
{
	static const char *const r1[] = { "10.0.0.1", "10.0.0.2" };
	static const char *const r2[] = { "10.0.0.1", "10.0.0.3" };
	struct ctl_run_view	 a, b;
	json_t			*ch, *c, *pr;
	char			 line[512], *text;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.status = b.status = "ok";
	a.fwd = mk_trace(r1, 2, 64500);
	a.rev = mk_trace(r1, 2, 64500);
	b.fwd = mk_trace(r2, 2, 64501);
	b.rev = mk_trace(r1, 2, 64500);
	a.an = json_loads("{\"verdict\": \"No loss (0.99).\", \"loss\": "
	    "{\"forward\": {\"persistent\": false}}, \"suspects\": []}", 0,
	    NULL);
	b.an = json_loads("{\"verdict\": \"Loss starts at 10.0.0.3.\", "
	    "\"loss\": {\"forward\": {\"persistent\": true, \"addr\": "
	    "\"10.0.0.3\", \"loss_pct\": 30}}, \"suspects\": [{\"kind\": "
	    "\"link\", \"between\": [\"10.0.0.1\", \"10.0.0.3\"]}]}", 0, NULL);
	/* the same run twice: nothing changed */
	ch = ctl_change_diff(&a, &a);
	assert_int_equal(json_array_size(ch), 0);
	assert_int_equal(ctl_change_alarm(ch), 0);
	json_decref(ch);
	ch = ctl_change_diff(&a, &b);
	c = json_array_get(ch, 0);
	assert_string_equal(json_string_value(json_object_get(c, "kind")),
	    "routers");
	assert_string_equal(json_string_value(json_object_get(c, "direction")),
	    "forward");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c,
	    "added"), 0)), "10.0.0.3");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c,
	    "removed"), 0)), "10.0.0.2");
	c = json_array_get(ch, 1);
	assert_string_equal(json_string_value(json_object_get(c, "kind")),
	    "as-path");
	c = json_array_get(ch, 2);
	assert_string_equal(json_string_value(json_object_get(c, "kind")),
	    "loss-onset");
	assert_string_equal(json_string_value(json_object_get(c, "at")),
	    "10.0.0.3");
	c = json_array_get(ch, 3);
	assert_string_equal(json_string_value(json_object_get(c, "kind")),
	    "suspect-new");
	c = json_array_get(ch, 4);
	assert_string_equal(json_string_value(json_object_get(c, "kind")),
	    "verdict");
	assert_int_equal(json_array_size(ch), 5);
	assert_int_equal(ctl_change_alarm(ch), 1);
	ctl_change_line(json_array_get(ch, 0), line, sizeof(line));
	assert_string_equal(line, "forward path: routers added 10.0.0.3; "
	    "removed 10.0.0.2");
	json_decref(ch);
	/* and back: loss and the suspect cleared */
	ch = ctl_change_diff(&b, &a);
	text = json_dumps(ch, 0);
	assert_non_null(strstr(text, "loss-cleared"));
	free(text);
	json_decref(ch);
	pr = ctl_change_problems(&b);
	assert_non_null(json_object_get(pr, "loss forward"));
	assert_non_null(json_object_get(pr, "link 10.0.0.1 - 10.0.0.3"));
	json_decref(pr);
	pr = ctl_change_problems(&a);
	assert_int_equal(json_object_size(pr), 0);
	json_decref(pr);
	json_decref(a.an);
	json_decref(b.an);
	trace_free((struct trace *)(uintptr_t)a.fwd);
	trace_free((struct trace *)(uintptr_t)a.rev);
	trace_free((struct trace *)(uintptr_t)b.fwd);
	trace_free((struct trace *)(uintptr_t)b.rev);
}

/*
 * Three failing pairs name the link 198.18.0.5 - 198.18.0.6 (two of them
 * from the other side: 198.18.0.6 - 198.18.0.5), one also a router the
 * healthy pair crosses cleanly: the link comes first with 3, the cleared
 * router is left out.
 */
static void
test_culprit(void **state)
{
	static const char *const ok[] = { "198.18.9.1", "198.18.1.2" };
	struct ctl_culprit_pair	 p[4];
	json_t			*r, *e;
	char			*text;
	int			 cleared;

	(void)state;
	memset(p, 0, sizeof(p));
	p[0].label = "a~b";
	p[0].failing = 1;
	p[0].an = json_loads("{\"suspects\": [{\"kind\": \"link\", \"near\": "
	    "{\"addr\": \"198.18.0.5\"}, \"far\": {\"addr\": \"198.18.0.6\"}}]}",
	    0, NULL);
	p[1].label = "a~c";
	p[1].failing = 1;
	p[1].an = json_loads("{\"suspects\": [{\"kind\": \"link\", \"near\": "
	    "{\"addr\": \"198.18.0.6\"}, \"far\": {\"addr\": \"198.18.0.5\"}}]}",
	    0, NULL);
	p[2].label = "b~c";
	p[2].failing = 1;
	p[2].an = json_loads("{\"suspects\": [{\"kind\": \"link\", \"near\": "
	    "{\"addr\": \"198.18.1.2\"}, \"far\": {\"addr\": \"198.18.0.5\"}}]}",
	    0, NULL);
	p[3].label = "c~d";
	p[3].fwd = mk_trace(ok, 2, 0);
	r = ctl_culprit_rank(p, 4, &cleared);
	e = json_array_get(r, 0);
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
	    "link");
	assert_int_equal(json_integer_value(json_object_get(e,
	    "failing_pairs")), 3);
	assert_true(cleared >= 1);
	text = json_dumps(r, 0);
	assert_null(strstr(text, "\"198.18.1.2\""));
	free(text);
	json_decref(r);
	json_decref(p[0].an);
	json_decref(p[1].an);
	json_decref(p[2].an);
	trace_free((struct trace *)(uintptr_t)p[3].fwd);
}

/*
 * A healthy pair (status ok, no suspect) that lost probes past the lossy
 * link 198.18.0.1 - 198.18.0.6 clears nothing before its last lossy hop
 * (every probe to that hop crossed the link): the link one failing pair
 * names stays first, its routers stay listed; only the destination,
 * after the last loss, is cleared.
 */
static void
test_culprit_lossy_healthy(void **state)
{
	static const char *const via[] = { "198.18.0.1", "198.18.0.6" };
	struct ctl_culprit_pair	 p[2];
	struct trace		*t;
	struct trace_probe	*pr;
	json_t			*r, *e;
	char			*text;
	int			 cleared;

	(void)state;
	memset(p, 0, sizeof(p));
	p[0].label = "a~b";
	p[0].failing = 1;
	p[0].an = json_loads("{\"suspects\": [{\"kind\": \"link\", \"near\": "
	    "{\"addr\": \"198.18.0.1\"}, \"far\": {\"addr\": \"198.18.0.6\"}}]}",
	    0, NULL);
	p[1].label = "c~d";
	t = mk_trace(via, 2, 0);
	/* hop 2, past the link, lost one probe of two */
	pr = trace_hop_add_probe(&t->hops[1]);
	pr->replied = 0;
	p[1].fwd = t;
	r = ctl_culprit_rank(p, 2, &cleared);
	e = json_array_get(r, 0);
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
	    "link");
	assert_int_equal(json_integer_value(json_object_get(e,
	    "failing_pairs")), 1);
	text = json_dumps(r, 0);
	assert_non_null(strstr(text, "\"198.18.0.1\""));
	assert_non_null(strstr(text, "\"198.18.0.6\""));
	assert_int_equal(cleared, 0);
	free(text);
	json_decref(r);
	json_decref(p[0].an);
	trace_free(t);
}

/* The type of each alert due, "type/type", marking each delivered. */
static void
alert_type_cb(const struct store_alert *a, void *arg)
{
	char	*out = arg;
	json_t	*b = json_loads(a->body, 0, NULL);
	size_t	 n = strlen(out);

	snprintf(out + n, 128 - n, "%s%s", n ? "/" : "",
	    b ? json_string_value(json_object_get(b, "type")) : "?");
	json_decref(b);
}

static const char *
alert_step(struct ctl *ctl, struct ctl_sched *s, const char *problems,
    const char *changes, double now, char *out)
{
	json_t		*p = json_loads(problems, 0, NULL);
	json_t		*c = json_loads(changes, 0, NULL);
	char		 err[256];
	long long	 id;

	assert_non_null(p);
	assert_non_null(c);
	ctl_alert_run(ctl, s, "p-1", "sf", "chi", c, p, now);
	json_decref(p);
	json_decref(c);
	out[0] = '\0';
	assert_int_equal(store_alert_due(ctl->store, now + 1e6, 10,
	    alert_type_cb, out, err, sizeof(err)), 0);
	/* delivered: the next step sees only its own */
	for (id = 1; id < 64; id++)
		store_alert_result(ctl->store, id, 1, "", 0, err, sizeof(err));
	return out;
}

/*
 * A schedule's alerts (ctl_alert_run): one "alert" when a problem opens,
 * nothing while it persists, a "reminder" every alert_remind_h hours, a
 * new "alert" for a further problem, one "resolved" when all clear (with
 * what was open), a "change" for a route change with no problem.
 */
static void
test_alert_states(void **state)
{
	struct ctl		 ctl;
	struct ctl_sched	 s;
	char			 db[] = "/tmp/test_sched.XXXXXX", err[256];
	char			 out[128];
	int			 fd;
	const char		*none = "{}", *nochg = "[]";
	const char		*loss = "{\"loss 198.18.0.1 -> 198.18.0.2\": {}}";
	const char		*two = "{\"loss 198.18.0.1 -> 198.18.0.2\": {},"
				    " \"unreachable\": {}}";
	double			 t = 1000;

	(void)state;
	assert_true((fd = mkstemp(db)) != -1);
	close(fd);
	memset(&ctl, 0, sizeof(ctl));
	memset(&s, 0, sizeof(s));
	ctl.store = store_open(db, err, sizeof(err));
	assert_non_null(ctl.store);
	ctl.conf.alert_command = "cat";
	ctl.conf.alert_remind_h = 6;
	snprintf(s.tenant, sizeof(s.tenant), "acme");
	snprintf(s.name, sizeof(s.name), "sf~chi");

	assert_string_equal(alert_step(&ctl, &s, none, nochg, t, out), "");
	assert_string_equal(alert_step(&ctl, &s, loss, nochg, t += 60, out),
	    "alert");
	assert_string_equal(alert_step(&ctl, &s, loss, nochg, t += 60, out),
	    "");
	/* 6 h after the alert, not before */
	assert_string_equal(alert_step(&ctl, &s, loss, nochg,
	    t += 6 * 3600 - 180, out), "");
	assert_string_equal(alert_step(&ctl, &s, loss, nochg, t += 120, out),
	    "reminder");
	assert_string_equal(alert_step(&ctl, &s, loss, nochg, t += 60, out),
	    "");
	assert_string_equal(alert_step(&ctl, &s, two, nochg, t += 60, out),
	    "alert");
	assert_string_equal(alert_step(&ctl, &s, none, nochg, t += 60, out),
	    "resolved");
	assert_string_equal(alert_step(&ctl, &s, none, nochg, t += 60, out),
	    "");
	assert_string_equal(alert_step(&ctl, &s, none,
	    "[{\"kind\": \"routers\", \"direction\": \"forward\"}]",
	    t += 60, out), "change");
	/* a change of no alarm kind is not alerted */
	assert_string_equal(alert_step(&ctl, &s, none,
	    "[{\"kind\": \"verdict\"}]", t += 60, out), "");
	/* no reminders when alert_remind_h is 0 */
	ctl.conf.alert_remind_h = 0;
	assert_string_equal(alert_step(&ctl, &s, loss, nochg, t += 60, out),
	    "alert");
	assert_string_equal(alert_step(&ctl, &s, loss, nochg,
	    t += 48 * 3600, out), "");
	free(s.alert_state);
	store_close(ctl.store);
	unlink(db);
}


static int
spread_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* An agent of tenant acme in ctl's registry (offline). */
static void
spread_agent(struct ctl *ctl, const char *name)
{
	struct ctl_agent	*a;

	assert_non_null(a = calloc(1, sizeof(*a)));
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->tenant, sizeof(a->tenant), "acme");
	TAILQ_INSERT_TAIL(&ctl->agents, a, entry);
}

/* An operator's schedule request, as the CLI sends it. */
static void
spread_request(struct ctl *ctl, struct ctl_session *op, const char *action,
    const char *name, const char *a, const char *b, uint32_t every,
    char **sites, size_t nsites)
{
	Tracepair__ScheduleRequest	 req;

	tracepair__schedule_request__init(&req);
	req.action = (char *)(uintptr_t)action;
	req.name = (char *)(uintptr_t)name;
	req.agent_a = (char *)(uintptr_t)a;
	req.agent_b = (char *)(uintptr_t)b;
	req.every_s = every;
	req.sites = sites;
	req.n_sites = nsites;
	ctl_schedule_request(ctl, op, 1, &req);
}

/*
 * The runs of each agent over the hyperperiod (HYPER s) of the schedules
 * in ctl: the smallest gap between two of them times the agent's run
 * rate R (runs per second).  *closest gets the smallest gap in seconds.
 */
#define HYPER	120
static double
spread_worst(struct ctl *ctl, const char *agent, double *closest)
{
	struct ctl_sched	*s;
	double			 t[256], r = 0, g, worst = 1e9;
	int			 n = 0, k, i;

	TAILQ_FOREACH(s, &ctl->scheds, entry) {
		if (s->mesh_row || (strcmp(s->agent[0], agent) != 0 &&
		    strcmp(s->agent[1], agent) != 0))
			continue;
		r += 1.0 / (double)s->every_s;
		for (k = 0; k < HYPER / s->every_s; k++)
			t[n++] = fmod(s->next_run + (double)(k * s->every_s),
			    HYPER);
	}
	assert_true(n > 1);
	qsort(t, (size_t)n, sizeof(t[0]), spread_cmp);
	*closest = 1e9;
	for (i = 0; i < n; i++) {
		g = i + 1 < n ? t[i + 1] - t[i] : t[0] + HYPER - t[i];
		if (g < *closest)
			*closest = g;
		if (g * r < worst)
			worst = g * r;
	}
	return worst;
}

/*
 * Schedules added one after another by an operator within a second: six
 * pairs of one hub every 60 s, a mesh of three of its spokes every
 * 120 s, a pair of two spokes every 30 s.  No agent's runs may come
 * closer than 1/(2R) (R its runs per second), and each schedule's first
 * run is within one interval.  (Before ctl_spread.c every schedule of
 * the hub ran first on the next tick: six runs at once.)
 */
static void
test_spread_agents(void **state)
{
	struct ctl		 ctl;
	struct ctl_session	 op;
	struct ctl_sched	*s;
	struct ctl_agent	*a;
	char			 db[] = "/tmp/test_spread.XXXXXX", err[256];
	char			 spoke[8], *mesh[] = { "a1", "a2", "a3" };
	static const char *const names[] = { "hub", "a1", "a2", "a3", "a4",
				    "a5", "a6" };
	struct {
		char	 name[CTL_SCHED_FULL_MAX + 1];
		double	 phase, next_run;
	}			 saved[16];
	double			 closest, now;
	int			 fd, i;

	(void)state;
	assert_true((fd = mkstemp(db)) != -1);
	close(fd);
	ctl_init(&ctl);
	assert_non_null(ctl.store = store_open(db, err, sizeof(err)));
	for (i = 0; i < 7; i++)
		spread_agent(&ctl, names[i]);
	memset(&op, 0, sizeof(op));
	op.ctl = &ctl;
	op.state = CTL_SESS_CLOSING;	/* replies go nowhere */
	snprintf(op.scope, sizeof(op.scope), "acme");
	now = ctl_now();
	for (i = 1; i <= 6; i++) {
		snprintf(spoke, sizeof(spoke), "a%d", i);
		spread_request(&ctl, &op, "add", "", "hub", spoke, 60, NULL, 0);
	}
	spread_request(&ctl, &op, "mesh-add", "m", NULL, NULL, 120, mesh, 3);
	spread_request(&ctl, &op, "add", "", "a4", "a5", 30, NULL, 0);
	assert_int_equal(ctl.nscheds, 6 + 1 + 3 + 1);
	TAILQ_FOREACH(s, &ctl.scheds, entry) {
		if (s->mesh_row)
			continue;
		assert_true(s->next_run >= now);
		assert_true(s->next_run < ctl_now() + (double)s->every_s + 1);
	}
	for (i = 0; i < 7; i++) {
		double	 w = spread_worst(&ctl, names[i], &closest);

		print_message("%s: closest two runs %.1f s, gap x R %.2f\n",
		    names[i], closest, w);
		assert_true(w >= 0.5 - 1e-6);
	}
	/* the store holds where they run now: loaded again, the same */
	i = 0;
	TAILQ_FOREACH(s, &ctl.scheds, entry) {
		snprintf(saved[i].name, sizeof(saved[i].name), "%s", s->name);
		saved[i].phase = s->phase;
		saved[i++].next_run = s->next_run;
	}
	ctl_sched_free_all(&ctl);
	assert_int_equal(ctl_sched_load(&ctl, err, sizeof(err)), 0);
	assert_int_equal(ctl.nscheds, i);
	while (i-- > 0) {
		assert_non_null(s = ctl_sched_find(&ctl, "acme",
		    saved[i].name));
		assert_true(s->phase == saved[i].phase);
		assert_true(s->next_run == saved[i].next_run);
	}
	ctl_sched_free_all(&ctl);
	while ((a = TAILQ_FIRST(&ctl.agents)) != NULL) {
		TAILQ_REMOVE(&ctl.agents, a, entry);
		free(a);
	}
	store_close(ctl.store);
	ctl_conf_free(&ctl.conf);
	unlink(db);
}

/*
 * The move rule (ctl_sched_move): a schedule moved to any phase at any
 * moment before its next run next runs at least one interval after its
 * last run and less than two after it, on its new phase, never before
 * now; one due at this tick, or waiting out a stretched gap, is not
 * movable.
 */
/*
 * A due slot waits for its agents: within the grace after a restart for
 * one not back yet, and for a clock not measured yet for up to 10 s after
 * the agent connected (t_sched once ran the first slot after a restart
 * the moment chicago-office said Hello: "clock not measured yet").  Past
 * those, the slot runs (and records why it could not).
 */
static void
test_sched_wait(void **state)
{
	struct ctl		 ctl;
	struct ctl_sched	 s;
	struct ctl_session	 sess[2];
	struct ctl_agent	*a;
	double			 now = 1e9;
	int			 i = 0;

	(void)state;
	ctl_init(&ctl);
	ctl.conf.schedule_grace_s = 60;
	spread_agent(&ctl, "sf");
	spread_agent(&ctl, "chi");
	memset(&s, 0, sizeof(s));
	snprintf(s.tenant, sizeof(s.tenant), "acme");
	snprintf(s.agent[0], sizeof(s.agent[0]), "sf");
	snprintf(s.agent[1], sizeof(s.agent[1]), "chi");
	/* offline: wait within the grace, not after it */
	ctl.sched_since = now - 5;
	assert_int_equal(ctl_sched_wait(&ctl, &s, now), 1);
	ctl.sched_since = now - 61;
	assert_int_equal(ctl_sched_wait(&ctl, &s, now), 0);
	/* both back, clocks measured: run */
	memset(sess, 0, sizeof(sess));
	TAILQ_FOREACH(a, &ctl.agents, entry) {
		sess[i].state = CTL_SESS_READY;
		sess[i].opened = now - 1;
		a->sess = &sess[i++];
		a->clock.synced = 1;
	}
	assert_int_equal(ctl_sched_wait(&ctl, &s, now), 0);
	/* chi back a second ago, its clock not measured: wait, even long
	   after the restart; 11 s after it connected: run */
	a = ctl_registry_find(&ctl, "acme", "chi");
	a->clock.synced = 0;
	assert_int_equal(ctl_sched_wait(&ctl, &s, now), 1);
	a->sess->opened = now - 11;
	assert_int_equal(ctl_sched_wait(&ctl, &s, now), 0);
	/* in the grace with both back and measured: run at once */
	a->clock.synced = 1;
	ctl.sched_since = now - 1;
	assert_int_equal(ctl_sched_wait(&ctl, &s, now), 0);
	while ((a = TAILQ_FIRST(&ctl.agents)) != NULL) {
		TAILQ_REMOVE(&ctl.agents, a, entry);
		free(a);
	}
}

static void
test_sched_move(void **state)
{
	struct ctl_sched	 s;
	double			 L = 1000, now, phase;
	int			 i;

	(void)state;
	srandom(7);
	for (i = 0; i < 10000; i++) {
		memset(&s, 0, sizeof(s));
		s.every_s = 60;
		s.last_run = L;
		s.next_run = L + 60;
		now = L + (double)(random() % 60000) / 1000;
		phase = (double)(random() % 600000) / 1000 - 300;
		assert_true(ctl_sched_movable(&s, now));
		ctl_sched_move(&s, phase, now);
		assert_true(s.next_run >= L + 60 - 1e-6);
		assert_true(s.next_run < L + 120);
		assert_true(s.next_run >= now);
		assert_true(s.phase >= 0 && s.phase < 60);
		assert_true(ctl_spread_dist(s.next_run, s.phase, 60) < 1e-6);
		/* moved again before it ran: still within [L + 60, L + 120) */
		phase = (double)(random() % 60000) / 1000;
		if (ctl_sched_movable(&s, now + 0.5)) {
			ctl_sched_move(&s, phase, now + 0.5);
			assert_true(s.next_run >= L + 60 - 1e-6);
			assert_true(s.next_run < L + 120);
		}
	}
	/* back by a second: the slot a second early would be too close */
	memset(&s, 0, sizeof(s));
	s.every_s = 60;
	s.last_run = L;
	s.next_run = L + 60;
	ctl_sched_move(&s, fmod(L - 1, 60), L + 10);
	assert_true(s.next_run == L + 119);
	/* forward: the same interval */
	s.next_run = L + 60;
	ctl_sched_move(&s, fmod(L + 5, 60), L + 10);
	assert_true(s.next_run == L + 65);
	/* exactly one interval on, despite rounding */
	s.next_run = L + 60;
	ctl_sched_move(&s, fmod(L, 60), L + 10);
	assert_true(s.next_run == L + 60);
	/* due at this tick, or past a stretched gap: not movable */
	assert_false(ctl_sched_movable(&s, L + 60));
	s.next_run = L + 119;
	assert_false(ctl_sched_movable(&s, L + 61));
	/* never run: the first slot at or after now */
	memset(&s, 0, sizeof(s));
	s.every_s = 60;
	ctl_sched_move(&s, 30, 1005);
	assert_true(s.next_run == 1050);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_due),
		cmocka_unit_test(test_simulated_downtime),
		cmocka_unit_test(test_mesh_order),
		cmocka_unit_test(test_spread_agents),
		cmocka_unit_test(test_sched_move),
		cmocka_unit_test(test_sched_wait),
		cmocka_unit_test(test_change_diff),
		cmocka_unit_test(test_culprit),
		cmocka_unit_test(test_culprit_lossy_healthy),
		cmocka_unit_test(test_alert_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
