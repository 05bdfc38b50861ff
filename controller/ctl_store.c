/* ctl_store.c: the store's work inside the event loop: results stored in batches (one commit for all that arrived together) and retention pruned a small batch at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "ctl.h"
#include "log.h"

/* One result waiting for its commit. */
struct ctl_ingest {
	TAILQ_ENTRY(ctl_ingest) entry;	/* ctl->ingestq */
	struct ctl_session *s;		/* the agent's session; NULL once closed */
	uint64_t	 request_id;	/* of its JobResult (the ack's) */
	char		 jid[CTL_JOB_ID_MAX + 1];
	char		 agent[TLS_NAME_LEN];	/* certificate CN */
	char		 tenant[TLS_NAME_LEN];	/* certificate O */
	struct trace	*t;		/* or NULL and */
	char		*errline;	/* the error line */
	double		 received;
};

static void
ctl_ingest_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_ingest_flush(arg);
}

const char *
ctl_keep_text(const struct ctl *ctl, char *buf, size_t len)
{
	long long	 k = ctl->conf.keep_s;

	if (k % 86400 == 0)
		snprintf(buf, len, "%lldd", k / 86400);
	else if (k % 3600 == 0)
		snprintf(buf, len, "%lldh", k / 3600);
	else
		snprintf(buf, len, "%llds", k);
	return buf;
}

static void
ctl_prune_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl	*ctl = arg;
	struct timeval	 tv = { 0, 0 };
	char		 err[256], keep[32];
	double		 t0 = ctl_now(), before = t0 - (double)ctl->conf.keep_s;
	int		 n;

	(void)fd;
	(void)what;
	n = store_prune(ctl->store, before, CTL_PRUNE_BATCH, err, sizeof(err));
	if (n == -1) {
		/* A locked database: the rows are still old next time. */
		log_warnx("retention: %s", err);
		tv.tv_sec = CTL_PRUNE_IDLE_S;
	} else if (n > 0) {
		ctl->pruned += n;
		log_debug("retention: %d rows older than %s in %.1f ms", n,
		    ctl_keep_text(ctl, keep, sizeof(keep)),
		    (ctl_now() - t0) * 1e3);
		/* The next batch once the loop has served what is waiting. */
		tv.tv_usec = 50000;
	} else {
		if (ctl->pruned > 0)
			log_info("retention: removed %lld pairs and jobs older "
			    "than %s", ctl->pruned,
			    ctl_keep_text(ctl, keep, sizeof(keep)));
		ctl->pruned = 0;
		tv.tv_sec = CTL_PRUNE_IDLE_S;
	}
	if (event_add(ctl->prune_ev, &tv) == -1)
		log_warnx("retention: cannot schedule the next batch");
}

int
ctl_store_start(struct ctl *ctl, char *err, size_t errlen)
{
	struct timeval	 first = { 1, 0 };

	if ((ctl->ingest_ev = event_new(ctl->base, -1, 0, ctl_ingest_cb,
	    ctl)) == NULL) {
		snprintf(err, errlen, "cannot set up the ingest event");
		return -1;
	}
	if (ctl->conf.keep_s <= 0)
		return 0;
	if ((ctl->prune_ev = event_new(ctl->base, -1, 0, ctl_prune_cb,
	    ctl)) == NULL || event_add(ctl->prune_ev, &first) == -1) {
		snprintf(err, errlen, "cannot set up the retention event");
		return -1;
	}
	return 0;
}

void
ctl_ingest_add(struct ctl *ctl, struct ctl_session *s, uint64_t request_id,
    const char *jid, struct trace *t, const char *errline)
{
	struct ctl_ingest	*in;
	struct timeval		 now = { 0, 0 };

	if ((in = calloc(1, sizeof(*in))) == NULL ||
	    (errline != NULL && (in->errline = strdup(errline)) == NULL)) {
		/* Not acked: the agent keeps it spooled and sends it again. */
		log_warnx("job %s: out of memory, result not stored", jid);
		free(in);
		trace_free(t);
		return;
	}
	in->s = s;
	in->request_id = request_id;
	snprintf(in->jid, sizeof(in->jid), "%s", jid);
	snprintf(in->agent, sizeof(in->agent), "%s", s->peer.name);
	snprintf(in->tenant, sizeof(in->tenant), "%s", s->peer.tenant);
	in->t = t;
	in->received = ctl_now();
	TAILQ_INSERT_TAIL(&ctl->ingestq, in, entry);
	if (++ctl->ningest >= CTL_INGEST_MAX)
		ctl_ingest_flush(ctl);
	else if (ctl->ingest_ev != NULL && !event_pending(ctl->ingest_ev,
	    EV_TIMEOUT, NULL))
		(void)event_add(ctl->ingest_ev, &now);
	else if (ctl->ingest_ev == NULL)	/* not started (tests) */
		ctl_ingest_flush(ctl);
}

void
ctl_ingest_flush(struct ctl *ctl)
{
	struct store_result_in	*rs;
	struct ctl_ingest	*in;
	enum store_result	 res;
	char			 err[256];
	int			 i, n = ctl->ningest;

	if (n == 0)
		return;
	if (ctl->ingest_ev != NULL)
		(void)event_del(ctl->ingest_ev);
	err[0] = '\0';
	if ((rs = calloc((size_t)n, sizeof(*rs))) != NULL) {
		i = 0;
		TAILQ_FOREACH(in, &ctl->ingestq, entry) {
			if (i == n)
				break;
			rs[i].job_id = in->jid;
			rs[i].agent = in->agent;
			rs[i].tenant = in->tenant;
			rs[i].trace = in->t;
			rs[i].error = in->errline;
			rs[i].received = in->received;
			i++;
		}
		(void)store_job_results(ctl->store, rs, (size_t)n, err,
		    sizeof(err));
		if (n > 1)
			log_debug("%d results in one commit", n);
	}
	/*
	 * Acked in arrival order, only now that all are on disk.  Each stays
	 * on the queue until its turn, so that a session closing meanwhile
	 * (ctl_ingest_forget) is seen.  Without memory for the batch, one
	 * commit each.
	 */
	for (i = 0; i < n && (in = TAILQ_FIRST(&ctl->ingestq)) != NULL; i++) {
		TAILQ_REMOVE(&ctl->ingestq, in, entry);
		ctl->ningest--;
		if (rs != NULL)
			res = rs[i].res;
		else
			res = store_job_result(ctl->store, in->jid, in->agent,
			    in->tenant, in->t, in->errline, in->received, err,
			    sizeof(err));
		ctl_job_stored(ctl, in->s, in->request_id, in->jid, in->agent,
		    in->tenant, in->t, in->errline, res, err);
		free(in->errline);
		free(in);
	}
	free(rs);
}

void
ctl_ingest_forget(struct ctl *ctl, struct ctl_session *s)
{
	struct ctl_ingest	*in;

	TAILQ_FOREACH(in, &ctl->ingestq, entry)
		if (in->s == s)
			in->s = NULL;
}

void
ctl_store_stop(struct ctl *ctl)
{
	ctl_ingest_flush(ctl);
	if (ctl->ingest_ev != NULL)
		event_free(ctl->ingest_ev);
	if (ctl->prune_ev != NULL)
		event_free(ctl->prune_ev);
	ctl->ingest_ev = ctl->prune_ev = NULL;
}
