/* sched-sim.c: scheduler benchmark: 1,000 schedules (100 meshes of 5 sites) over 200 agents, added one by one while the controller's tick (ctl_sched_tick) runs over a real SQLite store in simulated time; CPU per tick and per add, and how close each agent's runs come. */
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
#define EVERY		300	/* s: meshes are added within one of these */
#define ROUNDS		4	/* intervals of EVERY measured after the adds */
#define MAXRUNS		4096	/* runs of one agent in the window, at most */

/* The intervals of `mixed` (two pairs of them do not divide each other). */
static const long mixed_every[] = { 120, 180, 300, 600 };

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Each agent's runs in the window: when due (slot) and when taken (tick). */
struct starts {
	double	*slot[AGENTS], *tick[AGENTS];
	int	 n[AGENTS];
	double	 from;		/* the window: slots at or after from */
	long	 runs;
	struct srun *all;	/* every run of the simulation */
	size_t	 nall, maxall;
};

/* One run, for each schedule's own gaps (the move rule). */
struct srun {
	char	 name[48];
	double	 slot;
};

static int
cmp_srun(const void *a, const void *b)
{
	const struct srun *x = a, *y = b;
	int	 c = strcmp(x->name, y->name);

	return c != 0 ? c : x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int
collect(const struct store_run *r, void *arg)
{
	struct starts	*st = arg;
	int		 ab[2], i;

	if (st->nall < st->maxall) {
		snprintf(st->all[st->nall].name, sizeof(st->all[0].name), "%s",
		    r->schedule);
		st->all[st->nall++].slot = r->slot;
	}
	if (r->slot < st->from ||
	    sscanf(r->agent_a, "agent%d", &ab[0]) != 1 ||
	    sscanf(r->agent_b, "agent%d", &ab[1]) != 1)
		return 0;
	st->runs++;
	for (i = 0; i < 2; i++)
		if (st->n[ab[i]] < MAXRUNS) {
			st->slot[ab[i]][st->n[ab[i]]] = r->slot;
			st->tick[ab[i]][st->n[ab[i]]++] = r->started;
		}
	return 0;
}

/*
 * The placement before ctl_spread.c (kept here only to compare): a new
 * mesh's pairs k/n of the interval apart, the whole mesh shifted within
 * every / n of now to the one of 16 starts keeping its pairs farthest
 * from the slots of the tenant's schedules of the same interval that
 * share an agent with them.
 */
static double
old_mesh_spread(struct ctl *ctl, const char *tenant,
    char names[][TLS_NAME_LEN], const int *order, int n, long every,
    double now)
{
	struct ctl_sched	*x;
	double			 best = now + 1, best_score = -1, start, score, d;
	double			 step = (double)every / n / 16;
	const char		*a, *b;
	int			 j, k;

	for (j = 0; j < 16; j++) {
		start = now + 1 + j * step;
		score = (double)every;
		for (k = 0; k < n; k++) {
			a = names[order[k] / 256];
			b = names[order[k] % 256];
			TAILQ_FOREACH(x, &ctl->scheds, entry) {
				if (x->mesh_row || x->paused ||
				    x->every_s != every ||
				    strcmp(x->tenant, tenant) != 0 ||
				    (strcmp(x->agent[0], a) != 0 &&
				    strcmp(x->agent[1], a) != 0 &&
				    strcmp(x->agent[0], b) != 0 &&
				    strcmp(x->agent[1], b) != 0))
					continue;
				d = ctl_spread_dist(start + (double)every * k /
				    n, x->phase, every);
				if (d < score)
					score = d;
			}
		}
		if (score > best_score) {
			best_score = score;
			best = start;
		}
	}
	return best;
}

/* Gaps of one agent's sorted runs t[0..n) against its rate r. */
struct gapstat {
	double	 mingap, minxr;
	long	 gaps, under_half, under10;
};

static void
gaps(const double *t, int n, double r, struct gapstat *g)
{
	double	 d;
	int	 k;

	for (k = 1; k < n; k++) {
		d = t[k] - t[k - 1];
		if (d < g->mingap)
			g->mingap = d;
		if (d * r < g->minxr)
			g->minxr = d * r;
		if (d * r < 0.5 - 1e-9)
			g->under_half++;
		if (d < 10)
			g->under10++;
		g->gaps++;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: sched-sim [db [spread|old|none [same|mixed "
	    "[seed]]]]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct ctl		 ctl;
	struct starts		 st;
	struct ctl_sched	*s, *pairs[SITES * SITES];
	struct gapstat		 gs, gt;
	const char		*db = argc > 1 ? argv[1] : "/tmp/sched-sim.db";
	const char		*mode = argc > 2 ? argv[2] : "spread";
	const char		*ivl = argc > 3 ? argv[3] : "same";
	unsigned		 seed = argc > 4 ? (unsigned)atoi(argv[4]) : 1;
	int			 order[SITES * SITES], site[SITES], m, k, n, i, a;
	char			 names[SITES][TLS_NAME_LEN], err[256];
	double			 t0 = 1.8e9, tadd[MESHES], rate[AGENTS], start;
	double			 cpu, cpu_max = 0, add_cpu = 0, add_max = 0;
	double			 from, to, expected = 0;
	long			 every[MESHES], ticks = 0, moved = 0, moved_max = 0;
	long			 stretched = 0;
	double			 own_min = 1e9, own_max = 0;
	clock_t			 tick_cpu = 0;
	int			 mixed, nextm;

	if (strcmp(mode, "spread") != 0 && strcmp(mode, "old") != 0 &&
	    strcmp(mode, "none") != 0)
		usage();
	if (strcmp(ivl, "same") != 0 && strcmp(ivl, "mixed") != 0)
		usage();
	mixed = strcmp(ivl, "mixed") == 0;
	log_init("sched-sim", 1, 0);
	unlink(db);
	ctl_init(&ctl);
	if ((ctl.store = store_open(db, err, sizeof(err))) == NULL ||
	    ctl_alert_init(&ctl, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	/* 100 meshes of 5 sites, added at random instants of one interval */
	srandom(seed);
	for (m = 0; m < MESHES; m++) {
		tadd[m] = t0 + (double)(random() % (EVERY * 1000)) / 1000;
		every[m] = mixed ? mixed_every[random() % 4] : EVERY;
	}
	qsort(tadd, MESHES, sizeof(double), cmp_double);
	n = ctl_mesh_order(SITES, -1, order);
	memset(rate, 0, sizeof(rate));
	/*
	 * The agents are simulated as absent: each due run is taken in the
	 * store (the same transaction as a real start) and recorded as
	 * skipped, which is the scheduler's whole share of a run.  The
	 * meshes are added between ticks, as `mesh add` does in the event
	 * loop; the window measured starts when the last one is in.
	 */
	/*
	 * A schedule moved at t after its last run L next runs at the
	 * first slot of its new phase at or after L + every (before L + 2
	 * every): from t0 + EVERY + 2 intervals on, every slot is on the
	 * final phases.
	 */
	from = t0 + EVERY + 2 * (mixed ? 600 : EVERY);
	to = from + ROUNDS * EVERY;
	nextm = 0;
	for (i = 0; t0 + i < to; i++) {
		clock_t	 a0;

		while (nextm < MESHES && tadd[nextm] < t0 + i) {
			m = nextm++;
			for (k = 0; k < SITES; k++) {
				site[k] = (m * 2 + k * 41) % AGENTS;
				snprintf(names[k], TLS_NAME_LEN, "agent%d",
				    site[k]);
				rate[site[k]] += (double)(SITES - 1) /
				    (double)every[m];
			}
			a0 = clock();
			start = tadd[m];
			if (strcmp(mode, "old") == 0)
				start = old_mesh_spread(&ctl, "acme", names,
				    order, n, every[m], tadd[m]) - 1;
			for (k = 0; k < n; k++) {
				if ((s = calloc(1, sizeof(*s))) == NULL)
					return 1;
				snprintf(s->tenant, sizeof(s->tenant), "acme");
				snprintf(s->mesh, sizeof(s->mesh), "m%d", m);
				snprintf(s->agent[0], sizeof(s->agent[0]), "%s",
				    names[order[k] / 256]);
				snprintf(s->agent[1], sizeof(s->agent[1]), "%s",
				    names[order[k] % 256]);
				snprintf(s->name, sizeof(s->name), "m%d:%s~%s",
				    m, s->agent[0], s->agent[1]);
				s->every_s = every[m];
				s->created = tadd[m];
				ctl_sched_move(s, start + 1 +
				    (double)every[m] * k / n, tadd[m]);
				if (ctl_sched_add(&ctl, s, err,
				    sizeof(err)) == -1) {
					fprintf(stderr, "%s\n", err);
					return 1;
				}
				pairs[k] = s;
			}
			if (strcmp(mode, "spread") == 0) {
				long	 mv = ctl_sched_place(&ctl, pairs, n,
					    tadd[m], err, sizeof(err));

				if (mv == -1) {
					fprintf(stderr, "%s\n", err);
					return 1;
				}
				moved += mv;
				if (mv > moved_max)
					moved_max = mv;
			}
			cpu = (double)(clock() - a0) / CLOCKS_PER_SEC;
			add_cpu += cpu;
			if (cpu > add_max)
				add_max = cpu;
		}
		a0 = clock();
		ctl_sched_tick(&ctl, t0 + i);
		tick_cpu += clock() - a0;
		cpu = (double)(clock() - a0) / CLOCKS_PER_SEC;
		if (cpu > cpu_max)
			cpu_max = cpu;
		ticks++;
	}
	/* the slots due in the window, from the final phases */
	TAILQ_FOREACH(s, &ctl.scheds, entry) {
		double	 f = ctl_sched_next(from - 1e-6, s->every_s, s->phase);

		/* the last tick is to - 1: slots after it are not due yet */
		if (f <= to - 1)
			expected += floor((to - 1 - f) / (double)s->every_s) + 1;
	}
	memset(&st, 0, sizeof(st));
	st.from = from;
	st.maxall = 200000;
	if ((st.all = calloc(st.maxall, sizeof(*st.all))) == NULL)
		return 1;
	for (a = 0; a < AGENTS; a++)
		if ((st.slot[a] = calloc(MAXRUNS, sizeof(double))) == NULL ||
		    (st.tick[a] = calloc(MAXRUNS, sizeof(double))) == NULL)
			return 1;
	if (store_run_list(ctl.store, "acme", NULL, NULL, NULL, 0, 0, 1000000,
	    collect, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	memset(&gs, 0, sizeof(gs));
	memset(&gt, 0, sizeof(gt));
	gs.mingap = gt.mingap = gs.minxr = gt.minxr = 1e9;
	for (a = 0; a < AGENTS; a++) {
		if (st.n[a] > 1) {
			qsort(st.slot[a], (size_t)st.n[a], sizeof(double),
			    cmp_double);
			qsort(st.tick[a], (size_t)st.n[a], sizeof(double),
			    cmp_double);
		}
		gaps(st.slot[a], st.n[a], rate[a], &gs);
		gaps(st.tick[a], st.n[a], rate[a], &gt);
	}
	/* each schedule's own gaps, the whole run: the move rule */
	qsort(st.all, st.nall, sizeof(*st.all), cmp_srun);
	for (k = 1; k < (int)st.nall; k++) {
		double	 g;

		if (strcmp(st.all[k].name, st.all[k - 1].name) != 0)
			continue;
		s = ctl_sched_find(&ctl, "acme", st.all[k].name);
		g = (st.all[k].slot - st.all[k - 1].slot) /
		    (double)s->every_s;
		if (g < own_min)
			own_min = g;
		if (g > own_max)
			own_max = g;
		if (g > 1 + 1e-6)
			stretched++;
	}
	printf("mode %s, %s intervals, seed %u: schedules %d, agents %d, "
	    "meshes added over %d s, %d s measured from %.0f s\n", mode, ivl,
	    seed, ctl.nscheds, AGENTS, EVERY, ROUNDS * EVERY, from - t0);
	printf("runs taken in the window %ld (slots due %.0f)\n", st.runs,
	    expected);
	printf("tick CPU: %.2f ms per tick on average over %ld ticks, "
	    "%.2f ms at most\n", 1000.0 * (double)tick_cpu / CLOCKS_PER_SEC /
	    (double)ticks, ticks, cpu_max * 1000);
	printf("add CPU (placement and store, one mesh of %d pairs): %.2f ms "
	    "on average, %.2f ms at most; other schedules moved per add: "
	    "%.1f on average, %ld at most\n", n, 1000 * add_cpu / MESHES,
	    1000 * add_max, (double)moved / MESHES, moved_max);
	printf("one schedule's successive runs: %.3f to %.3f intervals "
	    "apart (%ld gaps longer than the interval, from moves)\n",
	    own_min, own_max, stretched);
	printf("an agent's runs per %d s: %.1f on average\n", EVERY,
	    2.0 * (double)st.runs / AGENTS / ROUNDS);
	printf("closest two runs of one agent: %.1f s taken (%.1f s due)\n",
	    gt.mingap, gs.mingap);
	printf("worst gap x R (R the agent's runs per second): %.2f taken "
	    "(%.2f due)\n", gt.minxr, gs.minxr);
	printf("successive runs of one agent under 1/(2R) apart: %.1f %% taken "
	    "(%ld of %ld), %.1f %% due\n", 100.0 * (double)gt.under_half /
	    (double)gt.gaps, gt.under_half, gt.gaps, 100.0 *
	    (double)gs.under_half / (double)gs.gaps);
	printf("successive runs of one agent under 10 s apart: %.1f %% taken, "
	    "%.1f %% due\n", 100.0 * (double)gt.under10 / (double)gt.gaps,
	    100.0 * (double)gs.under10 / (double)gs.gaps);
	/* the largest add: a mesh of 64 sites (2,016 pairs) on top */
	if (strcmp(mode, "spread") == 0) {
		struct ctl_sched	**big;
		int			 border[64 * 63 / 2], nb;
		clock_t			 b0;

		nb = ctl_mesh_order(64, -1, border);
		if ((big = calloc((size_t)nb, sizeof(*big))) == NULL)
			return 1;
		for (k = 0; k < nb; k++) {
			if ((s = calloc(1, sizeof(*s))) == NULL)
				return 1;
			snprintf(s->tenant, sizeof(s->tenant), "acme");
			snprintf(s->mesh, sizeof(s->mesh), "big");
			snprintf(s->agent[0], sizeof(s->agent[0]), "agent%d",
			    border[k] / 256);
			snprintf(s->agent[1], sizeof(s->agent[1]), "agent%d",
			    border[k] % 256);
			snprintf(s->name, sizeof(s->name), "big:%s~%s",
			    s->agent[0], s->agent[1]);
			s->every_s = EVERY;
			ctl_sched_move(s, to + (double)EVERY * k / nb, to);
			if (ctl_sched_add(&ctl, s, err, sizeof(err)) == -1) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			big[k] = s;
		}
		b0 = clock();
		moved = ctl_sched_place(&ctl, big, nb, to, err, sizeof(err));
		printf("a mesh of 64 sites (%d pairs) added on top: placement "
		    "and store %.0f ms, %ld other schedules moved\n", nb,
		    1000.0 * (double)(clock() - b0) / CLOCKS_PER_SEC, moved);
		free(big);
	}
	free(st.all);
	for (a = 0; a < AGENTS; a++) {
		free(st.slot[a]);
		free(st.tick[a]);
	}
	ctl_sched_free_all(&ctl);
	ctl_alert_free(&ctl);
	store_close(ctl.store);
	ctl_conf_free(&ctl.conf);
	unlink(db);
	return 0;
}
