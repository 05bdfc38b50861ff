/* probe_harness.c: the harness the probe engine's unit tests share: one event loop, one engine, runs that call back into a ph_result. */
#include <stdio.h>
#include <unistd.h>

#include <event2/event.h>

#include "probe_harness.h"

struct event_base *ph_base;
struct probe_engine *ph_eng;
int	 ph_pending;

void
ph_done(struct trace *t, const char *err, void *arg)
{
	struct ph_result *r = arg;

	r->t = t;
	if (err)
		snprintf(r->err, sizeof(r->err), "%s", err);
	r->done = 1;
	if (ph_pending > 0)
		ph_pending--;
	if (ph_pending == 0)
		event_base_loopbreak(ph_base);
}

int
ph_open(int engine, int pps)
{
	char	 err[160];

	if (geteuid() != 0)
		return 0;
	if ((ph_base = event_base_new()) == NULL)
		return -1;
	if (!engine)
		return 0;
	ph_eng = probe_engine_new(ph_base, NULL, err, sizeof(err));
	if (ph_eng == NULL) {
		fprintf(stderr, "# %s\n", err);
		return -1;
	}
	if (pps > 0)
		probe_engine_set_rate(ph_eng, pps);
	return 0;
}

int
ph_setup(void **state)
{
	(void)state;
	return ph_open(1, 0);
}

int
ph_teardown(void **state)
{
	(void)state;
	probe_engine_free(ph_eng);
	ph_eng = NULL;
	if (ph_base)
		event_base_free(ph_base);
	ph_base = NULL;
	return 0;
}

void
ph_opts(struct probe_opts *o, const char *host, enum trace_method m, int q,
    int max_ttl)
{
	probe_opts_init(o);
	snprintf(o->host, sizeof(o->host), "%s", host);
	o->method = m;
	o->queries = q;
	o->max_ttl = max_ttl;
	o->no_dns = 1;
	o->loss = -1;	/* all at once: a test asks for rounds itself */
}

void
ph_wait(int secs)
{
	struct timeval	 tv = { secs, 0 };

	event_base_loopexit(ph_base, &tv);
	event_base_dispatch(ph_base);
}
