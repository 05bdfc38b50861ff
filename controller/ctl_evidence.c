/* ctl_evidence.c: EvidenceRequest: stored pairs of the operator's tenant redacted, analysed, packed (evidence.c), signed and sent as one archive. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "evidence.h"
#include "log.h"

/* Room kept in a frame for the Envelope and the reply's other fields. */
#define CTL_EVIDENCE_SLACK	1024

/* A request's records and what was made of them. */
struct ctl_ev {
	struct ctl_pair_record	 rec[EVIDENCE_MAX_RUNS];	/* the stored pairs, redacted */
	struct evidence_run	 run[EVIDENCE_MAX_RUNS];	/* views of rec, sorted by time */
	struct analysis		*an[EVIDENCE_MAX_RUNS];	/* analyses of rec (NULL: a trace missing) */
	int			 n;	/* entries used */
};

static void
ctl_ev_free(struct ctl_ev *ev)
{
	int	 i;

	for (i = 0; i < ev->n; i++) {
		analysis_free(ev->an[i]);
		ctl_pair_record_free(&ev->rec[i]);
	}
	free(ev);
}

/* Runs oldest first (qsort). */
static int
ctl_ev_cmp(const void *x, const void *y)
{
	const struct evidence_run *a = x, *b = y;

	return a->created < b->created ? -1 : a->created > b->created;
}

/* The one line the package states about redaction. */
static void
ctl_ev_redaction(const Tracepair__EvidenceRequest *req, int hidden,
    char *buf, size_t len)
{
	size_t	 i, o;

	buf[0] = '\0';
	if (req->redact_site_hops == 0 && req->n_redact_prefixes == 0)
		return;
	o = (size_t)snprintf(buf, len, "before signing, %d replies were hidden "
	    "(address, name, AS number removed; RTT kept; named "
	    "\"redacted-\" + site + hop): ", hidden);
	if (req->redact_site_hops > 0 && o < len)
		o += (size_t)snprintf(buf + o, len - o, "each site's first %u "
		    "hop(s) in both directions%s", req->redact_site_hops,
		    req->n_redact_prefixes ? "; " : "");
	for (i = 0; i < req->n_redact_prefixes && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " :
		    "replies from ", req->redact_prefixes[i]);
	if (o < len)
		snprintf(buf + o, len - o, ".  The analysis ran on the redacted "
		    "traces.");
}

/* The pairs of a schedule's runs that have traces (EvidenceRequest.schedule). */
struct ctl_ev_runs {
	char		*ids[EVIDENCE_MAX_RUNS];
	size_t		 n;
	int		 oom;
};

static int
ctl_ev_run(const struct store_run *r, void *arg)
{
	struct ctl_ev_runs	*er = arg;

	if (r->pair_id == NULL || r->pair_id[0] == '\0' ||
	    (strcmp(r->status, "ok") != 0 && strcmp(r->status, "partial") != 0))
		return 0;
	if (er->n == EVIDENCE_MAX_RUNS)
		return 1;
	if ((er->ids[er->n] = strdup(r->pair_id)) == NULL) {
		er->oom = 1;
		return 1;
	}
	er->n++;
	return 0;
}

static void	 ctl_evidence_pairs(struct ctl *, struct ctl_session *,
		    uint64_t, const Tracepair__EvidenceRequest *);

void
ctl_evidence_request(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id, const Tracepair__EvidenceRequest *req)
{
	Tracepair__EvidenceRequest	 copy;
	struct ctl_ev_runs		 er;
	char				 err[256];
	size_t				 i;

	if (req->schedule == NULL || req->schedule[0] == '\0') {
		ctl_evidence_pairs(ctl, op, request_id, req);
		return;
	}
	/* the newest runs of the schedule (or mesh) since `since` */
	if (req->n_pair_ids > 0 || strlen(req->schedule) >
	    CTL_SCHED_FULL_MAX || !(req->since >= 0)) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, "schedule goes "
		    "without pair ids, with since a UNIX time");
		return;
	}
	if (ctl_sched_find(ctl, op->scope, req->schedule) == NULL) {
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND, "no such schedule");
		return;
	}
	memset(&er, 0, sizeof(er));
	if (store_run_list(ctl->store, op->scope, req->schedule, NULL,
	    NULL, req->since, 0, 1000, ctl_ev_run, &er, err,
	    sizeof(err)) == -1 || er.oom) {
		log_warnx("evidence of schedule %s: %s", req->schedule,
		    er.oom ? "out of memory" : err);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "store failure");
	} else if (er.n == 0)
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND,
		    "the schedule has no runs with traces in that time");
	else {
		copy = *req;
		copy.schedule = NULL;
		copy.pair_ids = er.ids;
		copy.n_pair_ids = er.n;
		ctl_evidence_pairs(ctl, op, request_id, &copy);
	}
	for (i = 0; i < er.n; i++)
		free(er.ids[i]);
}

/* The package of req->pair_ids. */
static void
ctl_evidence_pairs(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id, const Tracepair__EvidenceRequest *req)
{
	struct evidence_prefix	 pfx[EVIDENCE_MAX_PREFIXES];
	struct evidence_in	 in;
	struct ctl_ev		*ev = NULL;
	struct evpkg		 pkg;
	enum evpkg_format	 fmt = EVPKG_TARGZ;
	Tracepair__EvidenceReply r;
	frame_env		 env;
	unsigned char		*ar = NULL;
	size_t			 arlen = 0, i, j, budget;
	const char		*why;
	char			 err[256], msg[300], redaction[1024], top[128];
	char			 fname[160], software[] = CTL_SOFTWARE;
	int			 rc, hidden = 0, code = TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST;

	evpkg_init(&pkg);
	if (ctl->conf.evidence_key == NULL) {
		ctl_reply_error(op, request_id, code, "this controller has no "
		    "evidence signing key (evidence_key and evidence_cert in its "
		    "configuration)");
		return;
	}
	if (req->n_pair_ids == 0 || req->n_pair_ids > EVIDENCE_MAX_RUNS) {
		snprintf(msg, sizeof(msg), "an evidence package takes 1 to %d "
		    "pair ids", EVIDENCE_MAX_RUNS);
		ctl_reply_error(op, request_id, code, msg);
		return;
	}
	if (req->format != NULL && req->format[0] != '\0' &&
	    evpkg_format_parse(req->format, &fmt) == -1) {
		ctl_reply_error(op, request_id, code, "format must be tar.gz or "
		    "zip");
		return;
	}
	if (req->redact_site_hops > EVIDENCE_MAX_SITE_HOPS) {
		snprintf(msg, sizeof(msg), "redact_site_hops is at most %d",
		    EVIDENCE_MAX_SITE_HOPS);
		ctl_reply_error(op, request_id, code, msg);
		return;
	}
	if (req->n_redact_prefixes > EVIDENCE_MAX_PREFIXES) {
		snprintf(msg, sizeof(msg), "at most %d redacted prefixes",
		    EVIDENCE_MAX_PREFIXES);
		ctl_reply_error(op, request_id, code, msg);
		return;
	}
	for (i = 0; i < req->n_redact_prefixes; i++)
		if (evidence_prefix_parse(req->redact_prefixes[i], &pfx[i]) == -1) {
			snprintf(msg, sizeof(msg), "redact prefix %.64s: not "
			    "ADDRESS/LENGTH", req->redact_prefixes[i]);
			ctl_reply_error(op, request_id, code, msg);
			return;
		}
	for (i = 0; i < req->n_pair_ids; i++) {
		if ((why = ctl_pair_id_bad(req->pair_ids[i])) != NULL) {
			ctl_reply_error(op, request_id, code, why);
			return;
		}
		for (j = 0; j < i; j++)
			if (strcmp(req->pair_ids[i], req->pair_ids[j]) == 0) {
				snprintf(msg, sizeof(msg), "pair %s given twice",
				    req->pair_ids[i]);
				ctl_reply_error(op, request_id, code, msg);
				return;
			}
	}
	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		goto oom;
	for (i = 0; i < req->n_pair_ids; i++) {
		struct ctl_pair_record *rec = &ev->rec[ev->n];
		struct evidence_run *run = &ev->run[ev->n];

		rc = ctl_pair_load(ctl, ctl_op_tenant(op), req->pair_ids[i], rec,
		    err, sizeof(err));
		if (rc == -1) {
			log_warnx("evidence %s for %s (%s): %s", req->pair_ids[i],
			    op->peer.name, op->peer.tenant, err);
			ctl_ev_free(ev);
			ctl_reply_error(op, request_id,
			    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "store failure");
			return;
		}
		if (rc == 0) {
			ctl_ev_free(ev);
			snprintf(msg, sizeof(msg), "no such pair %s",
			    req->pair_ids[i]);
			ctl_reply_error(op, request_id,
			    TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND, msg);
			return;
		}
		ev->n++;
		/* One package speaks for one tenant (an MSP operator's may mix). */
		if (strcmp(rec->sp.tenant, ev->rec[0].sp.tenant) != 0) {
			ctl_ev_free(ev);
			ctl_reply_error(op, request_id, code, "pairs of different "
			    "tenants: one package per tenant");
			return;
		}
		if (strcmp(rec->sp.status, "running") == 0) {
			ctl_ev_free(ev);
			snprintf(msg, sizeof(msg), "pair %s is still running",
			    req->pair_ids[i]);
			ctl_reply_error(op, request_id, code, msg);
			return;
		}
		/* Redaction first: nothing hidden reaches the analysis. */
		if (rec->fwd && (rc = evidence_redact(rec->fwd, "A",
		    (int)req->redact_site_hops, pfx,
		    (int)req->n_redact_prefixes)) == -1)
			goto oom;
		hidden += rec->fwd ? rc : 0;
		if (rec->rev && (rc = evidence_redact(rec->rev, "B",
		    (int)req->redact_site_hops, pfx,
		    (int)req->n_redact_prefixes)) == -1)
			goto oom;
		hidden += rec->rev ? rc : 0;
		if (rec->fwd && rec->rev && (ev->an[ev->n - 1] = analysis_run(
		    rec->fwd, rec->rev, NULL, err, sizeof(err))) == NULL)
			log_warnx("evidence %s: no analysis: %s", req->pair_ids[i],
			    err);
		run->pair_id = rec->sp.pair_id;
		run->agent_a = rec->sp.agent_a;
		run->agent_b = rec->sp.agent_b;
		run->operator_name = rec->sp.operator_name;
		run->created = rec->sp.created;
		run->status = rec->sp.status;
		run->reason = rec->sp.reason ? rec->sp.reason : "";
		run->skew_ms = rec->sp.skew_ms;
		run->fwd = rec->fwd;
		run->rev = rec->rev;
		run->a = ev->an[ev->n - 1];
	}
	qsort(ev->run, (size_t)ev->n, sizeof(ev->run[0]), ctl_ev_cmp);
	ctl_ev_redaction(req, hidden, redaction, sizeof(redaction));
	memset(&in, 0, sizeof(in));
	in.tenant = ev->rec[0].sp.tenant;	/* the pairs' (checked above) */
	in.requester = op->peer.name;
	in.software = software;
	in.made = ctl_now();
	in.redaction = redaction;
	in.nruns = ev->n;
	in.runs = ev->run;
	snprintf(top, sizeof(top), "tracepair-evidence-%s%s",
	    ev->run[ev->n - 1].pair_id, ev->n > 1 ? "-and-more" : "");
	if (evidence_build(&in, &pkg, err, sizeof(err)) == -1 ||
	    evpkg_sign(&pkg, ctl->conf.evidence_key, ctl->conf.evidence_cert,
	    in.made, err, sizeof(err)) == -1 ||
	    evpkg_write(&pkg, fmt, top, in.made, &ar, &arlen, err,
	    sizeof(err)) == -1) {
		log_warnx("evidence for %s (%s): %s", op->peer.name,
		    op->peer.tenant, err);
		ctl_ev_free(ev);
		evpkg_free(&pkg);
		ctl_reply_error(op, request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, "cannot build the "
		    "package (see the controller's log)");
		return;
	}
	/* The CLI reads at most FRAME_LIMIT_DEFAULT, whatever ours is. */
	budget = (size_t)ctl->conf.frame_limit < FRAME_LIMIT_DEFAULT ?
	    (size_t)ctl->conf.frame_limit : FRAME_LIMIT_DEFAULT;
	if (arlen + CTL_EVIDENCE_SLACK > budget) {
		snprintf(msg, sizeof(msg), "the package (%zu bytes) is larger "
		    "than one reply may be (%zu); ask for fewer pairs", arlen,
		    budget - CTL_EVIDENCE_SLACK);
		ctl_ev_free(ev);
		evpkg_free(&pkg);
		free(ar);
		ctl_reply_error(op, request_id, code, msg);
		return;
	}
	snprintf(fname, sizeof(fname), "%s.%s", top, evpkg_format_ext(fmt));
	tracepair__evidence_reply__init(&r);
	r.file_name = fname;
	r.archive.data = ar;
	r.archive.len = arlen;
	tracepair__envelope__init(&env);
	env.request_id = request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_EVIDENCE_REPLY;
	env.evidence_reply = &r;
	log_info("evidence for %s (%s): %d pair(s), %zu bytes, %d replies "
	    "redacted", op->peer.name, op->peer.tenant, ev->n, arlen, hidden);
	(void)ctl_send(op, &env);
	free(ar);
	evpkg_free(&pkg);
	ctl_ev_free(ev);
	return;
oom:
	if (ev != NULL)
		ctl_ev_free(ev);
	evpkg_free(&pkg);
	ctl_reply_error(op, request_id, TRACEPAIR__ERROR_CODE__ERROR_INTERNAL,
	    "out of memory");
}
