/* sched-sim.c: scheduler benchmark: 1,000 schedules (100 meshes of 5 sites) over 200 agents, the controller's tick (ctl_sched_tick) over a real SQLite store in simulated time; CPU per tick and the spread of each agent's start times. */
#include <sys/queue.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"

#define AGENTS		200
#define MESHES		100
#define SITES		5	/* per mesh: 10 pairs */
#define EVERY		300	/* s */
#define ROUNDS		4	/* intervals simulated */

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct starts {
	double	*t[AGENTS];
	int	 n[AGENTS];
};

static int
collect(const struct store_run *r, void *arg)
{
	struct starts	*st = arg;
	int		 a, b;

	if (sscanf(r->agent_a, "agent%d", &a) != 1 ||
	    sscanf(r->agent_b, "agent%d", &b) != 1)
		return 0;
	st->t[a][st->n[a]++] = r->slot;
	st->t[b][st->n[b]++] = r->slot;
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctl		 ctl;
	struct store_schedule	 c;
	struct starts		 st;
	const char		*db = argc > 1 ? argv[1] : "/tmp/sched-sim.db";
	/* argv[2]: 0 places each mesh where it was added, without spreading */
	int			 order[SITES * SITES], site[SITES], m, k, n, i, a;
	char			 names[SITES][TLS_NAME_LEN];
	int			 spread = argc > 2 ? atoi(argv[2]) : 1;
	char			 err[256], name[160], aa[32], bb[32];
	double			 t0, start, cpu, cpu_max = 0, gap, mingap = 1e9;
	double			 meshgap = 1e9;
	clock_t			 c0, c1;
	long			 ticks = 0, runs, expected = 0, close10 = 0,
				 gaps = 0;

	log_init("sched-sim", 1, 0);
	unlink(db);
	ctl_init(&ctl);
	if ((ctl.store = store_open(db, err, sizeof(err))) == NULL ||
	    ctl_alert_init(&ctl, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	/* 100 meshes of 5 sites, added at random instants of one interval */
	srandom(1);
	t0 = 1.8e9;
	n = ctl_mesh_order(SITES, -1, order);
	for (m = 0; m < MESHES; m++) {
		for (k = 0; k < SITES; k++)
			site[k] = (m * 2 + k * 41) % AGENTS;
		for (k = 0; k < SITES; k++)
			snprintf(names[k], TLS_NAME_LEN, "agent%d", site[k]);
		/* added at a random instant; placed as `mesh add` places it */
		start = t0 + (double)(random() % EVERY);
		if (spread)
			start = ctl_mesh_spread(&ctl, "acme", names, order, n,
			    EVERY, start - 1);
		for (k = 0; k < n; k++) {
			memset(&c, 0, sizeof(c));
			snprintf(aa, sizeof(aa), "agent%d", site[order[k] / 256]);
			snprintf(bb, sizeof(bb), "agent%d", site[order[k] % 256]);
			snprintf(name, sizeof(name), "m%d:%s~%s", m, aa, bb);
			c.tenant = "acme";
			c.name = name;
			c.kind = "pair";
			snprintf(aa + 16, 16, "m%d", m);
			c.mesh = aa + 16;
			c.agent_a = aa;
			c.agent_b = bb;
			c.every_s = EVERY;
			c.next_run = start + (double)EVERY * k / n;
			c.phase = fmod(c.next_run, EVERY);
			/* slots at or before the last tick, t0 + 1199 */
			if (c.next_run <= t0 + ROUNDS * EVERY - 1)
				expected += (long)floor((t0 + ROUNDS * EVERY -
				    1 - c.next_run) / EVERY) + 1;
			if (store_schedule_put(ctl.store, &c, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
		}
		/* the schedules so far, as the controller holds them */
		ctl_sched_free_all(&ctl);
		if (ctl_sched_load(&ctl, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	}
	/*
	 * The agents are simulated as absent: each due run is taken in the
	 * store (the same transaction as a real start) and recorded as
	 * skipped, which is the scheduler's whole share of a run.
	 */
	c0 = clock();
	for (i = 0; i < ROUNDS * EVERY; i++) {
		clock_t	 a0 = clock();

		ctl_sched_tick(&ctl, t0 + i);
		cpu = (double)(clock() - a0) / CLOCKS_PER_SEC;
		if (cpu > cpu_max)
			cpu_max = cpu;
		ticks++;
	}
	c1 = clock();
	memset(&st, 0, sizeof(st));
	for (a = 0; a < AGENTS; a++)
		st.t[a] = calloc(MESHES * SITES * ROUNDS * 4, sizeof(double));
	if (store_run_list(ctl.store, "acme", NULL, NULL, NULL, 0, 0, 1000000,
	    collect, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	runs = 0;
	for (a = 0; a < AGENTS; a++) {
		runs += st.n[a];
		qsort(st.t[a], (size_t)st.n[a], sizeof(double), cmp_double);
		for (k = 1; k < st.n[a]; k++) {
			gap = st.t[a][k] - st.t[a][k - 1];
			if (gap < mingap)
				mingap = gap;
			if (gap < 10)
				close10++;
			gaps++;
		}
	}
	/* within one mesh: an agent's pairs at least EVERY/10 apart */
	for (m = 0; m < MESHES; m++) {
		double	 ts[64];
		int	 nt = 0;
		struct ctl_sched *s;

		snprintf(name, sizeof(name), "agent%d", (m * 2) % AGENTS);
		snprintf(aa, sizeof(aa), "m%d", m);
		TAILQ_FOREACH(s, &ctl.scheds, entry)
			if (strcmp(s->mesh, aa) == 0 &&
			    (strcmp(s->agent[0], name) == 0 ||
			    strcmp(s->agent[1], name) == 0))
				ts[nt++] = s->phase;
		qsort(ts, (size_t)nt, sizeof(double), cmp_double);
		for (k = 1; k < nt; k++)
			if (ts[k] - ts[k - 1] < meshgap)
				meshgap = ts[k] - ts[k - 1];
	}
	printf("schedules %d, agents %d, interval %d s, %d intervals simulated\n",
	    ctl.nscheds, AGENTS, EVERY, ROUNDS);
	printf("runs taken %ld (slots due in the window %ld)\n", runs / 2,
	    expected);
	printf("CPU: %.3f s for %ld ticks: %.2f ms per tick on average "
	    "(%.3f %% of one core), %.2f ms at most\n",
	    (double)(c1 - c0) / CLOCKS_PER_SEC, ticks,
	    1000.0 * (double)(c1 - c0) / CLOCKS_PER_SEC / (double)ticks,
	    100.0 * (double)(c1 - c0) / CLOCKS_PER_SEC / (double)ticks,
	    cpu_max * 1000);
	printf("an agent's runs: %.1f per interval on average; closest two "
	    "of one agent (any meshes) %.1f s apart; within one mesh %.1f s "
	    "(interval / pairs = %.1f s)\n", (double)runs / AGENTS / ROUNDS,
	    mingap, meshgap, (double)EVERY / n);
	printf("successive runs of one agent under 10 s apart: %ld of %ld "
	    "(%.1f %%)\n", close10, gaps, 100.0 * close10 / gaps);
	for (a = 0; a < AGENTS; a++)
		free(st.t[a]);
	ctl_sched_free_all(&ctl);
	ctl_alert_free(&ctl);
	store_close(ctl.store);
	ctl_conf_free(&ctl.conf);
	unlink(db);
	return 0;
}
