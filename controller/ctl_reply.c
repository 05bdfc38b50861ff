/* ctl_reply.c: the bottom layer of the controller daemon: the clock, and sending, refusing and answering with an error. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "ctl.h"
#include "log.h"
#include "wire.h"

int64_t
ctl_now_ns(void)
{
	return wire_now_ns();
}

double
ctl_now(void)
{
	return (double)ctl_now_ns() / 1e9;
}

/* "role name (tenant) at addr" for log lines. */
const char *
ctl_who(const struct ctl_session *s)
{
	static char	 buf[256];

	if (s->state == CTL_SESS_TLS || s->peer.role == TLS_ROLE_NONE)
		snprintf(buf, sizeof(buf), "%s", s->addr);
	else
		snprintf(buf, sizeof(buf), "%s %s%s%s%s at %s",
		    tls_role_name(s->peer.role), s->peer.name,
		    s->peer.tenant[0] ? " (" : "", s->peer.tenant,
		    s->peer.tenant[0] ? ")" : "", s->addr);
	return buf;
}

int
ctl_send(struct ctl_session *s, const frame_env *env)
{
	char	 err[256];

	if (s->state == CTL_SESS_CLOSING)
		return -1;
	if (frame_conn_send(s->fc, env, err, sizeof(err)) == -1) {
		log_warnx("%s: cannot send %s: %s", ctl_who(s),
		    frame_body_name(env), err);
		ctl_session_refuse(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL, err);
		return -1;
	}
	return 0;
}

/* The session no longer waits for TLS or Hello. */
void
ctl_session_unpend(struct ctl_session *s)
{
	if (!s->pending)
		return;
	TAILQ_REMOVE(&s->ctl->pending, s, pend_entry);
	s->pending = 0;
}

void
ctl_session_refuse(struct ctl_session *s, uint64_t request_id,
    Tracepair__ErrorCode code, const char *msg)
{
	if (s->state == CTL_SESS_CLOSING)
		return;
	ctl_session_unpend(s);
	log_warnx("%s: refused: %s", ctl_who(s), msg);
	s->state = CTL_SESS_CLOSING;
	/*
	 * frame_conn_close waits for the Error to be flushed; a peer that
	 * never reads would hold the session: the tick ends those that take
	 * longer than CTL_CLOSE_SECS (ctl_session_tick).
	 */
	s->closing_since = ctl_now();
	TAILQ_INSERT_TAIL(&s->ctl->closingq, s, close_entry);
	s->on_closingq = 1;
	frame_conn_close(s->fc, request_id, code, msg);	/* may free s */
}

void
ctl_reply_error(struct ctl_session *op, uint64_t request_id,
    Tracepair__ErrorCode code, const char *msg)
{
	frame_env		 env;
	Tracepair__Error	 e;
	char			 m[256];

	snprintf(m, sizeof(m), "%s", msg);
	tracepair__envelope__init(&env);
	tracepair__error__init(&e);
	e.code = code;
	e.message = m;
	env.request_id = request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_ERROR;
	env.error = &e;
	log_info("operator %s (%s): request %" PRIu64 " refused: %s",
	    op->peer.name, op->peer.tenant, request_id, msg);
	(void)ctl_send(op, &env);
}
