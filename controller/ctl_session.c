/* ctl_session.c: the controller's listeners and TLS sessions: accept, identify by certificate, route messages by role. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "ctl.h"
#include "log.h"
#include "probe_opts.h"

/*
 * Peer text for a log line: printable ASCII stays, anything else (newlines
 * that would forge a line, terminal escapes) becomes \xHH; cut to fit.
 */
static void
ctl_inert(const char *in, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	size_t	 n = 0;

	for (; *p != '\0' && n + 5 < len; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			out[n++] = (char)*p;
		else {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
}

/* Which bodies each role may send once its Hello is in. */
static const struct {
	Tracepair__Envelope__BodyCase body;
	enum tls_role	 role;
} ctl_allowed[] = {
	{ TRACEPAIR__ENVELOPE__BODY_PONG, TLS_ROLE_AGENT },
	{ TRACEPAIR__ENVELOPE__BODY_JOB_RESULT, TLS_ROLE_AGENT },
	{ TRACEPAIR__ENVELOPE__BODY_PROGRESS, TLS_ROLE_AGENT },
	{ TRACEPAIR__ENVELOPE__BODY_ERROR, TLS_ROLE_AGENT },
	{ TRACEPAIR__ENVELOPE__BODY_AGENTS_REQUEST, TLS_ROLE_OPERATOR },
	{ TRACEPAIR__ENVELOPE__BODY_PAIR_REQUEST, TLS_ROLE_OPERATOR },
	{ TRACEPAIR__ENVELOPE__BODY_TRACE_REQUEST, TLS_ROLE_OPERATOR },
	{ TRACEPAIR__ENVELOPE__BODY_PAIRS_REQUEST, TLS_ROLE_OPERATOR },
	{ TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REQUEST, TLS_ROLE_OPERATOR },
	{ TRACEPAIR__ENVELOPE__BODY_EVIDENCE_REQUEST, TLS_ROLE_OPERATOR },
	{ TRACEPAIR__ENVELOPE__BODY_SCHEDULE_REQUEST, TLS_ROLE_OPERATOR },
	{ TRACEPAIR__ENVELOPE__BODY_HISTORY_REQUEST, TLS_ROLE_OPERATOR },
	{ TRACEPAIR__ENVELOPE__BODY_MESH_STATUS_REQUEST, TLS_ROLE_OPERATOR },
	{ TRACEPAIR__ENVELOPE__BODY_ERROR, TLS_ROLE_OPERATOR },
};

int
ctl_role_operator(enum tls_role role)
{
	return role == TLS_ROLE_OPERATOR || role == TLS_ROLE_MSP;
}

const char *
ctl_op_tenant(const struct ctl_session *op)
{
	return op->scope_all ? NULL : op->scope;
}

static int
ctl_body_allowed(Tracepair__Envelope__BodyCase body, enum tls_role role)
{
	size_t	 i;

	/* An MSP operator may send what an operator may (to every tenant). */
	if (role == TLS_ROLE_MSP)
		role = TLS_ROLE_OPERATOR;
	for (i = 0; i < sizeof(ctl_allowed) / sizeof(ctl_allowed[0]); i++)
		if (ctl_allowed[i].body == body && ctl_allowed[i].role == role)
			return 1;
	return 0;
}

/* FNV-1a of a source address, for ctl->addrtab. */
static unsigned
ctl_addr_hash(const char *ip)
{
	uint32_t	 h = 2166136261u;

	while (*ip != '\0')
		h = (h ^ (unsigned char)*ip++) * 16777619u;
	return h % CTL_ADDRTAB;
}

/* The count of sessions from ip (NULL when none, unless create). */
static struct ctl_addrcount *
ctl_addr_find(struct ctl *ctl, const char *ip, int create)
{
	struct ctl_addrcount	*ac;
	unsigned		 h = ctl_addr_hash(ip);

	for (ac = ctl->addrtab[h]; ac != NULL; ac = ac->next)
		if (strcmp(ac->ip, ip) == 0)
			return ac;
	if (!create || (ac = calloc(1, sizeof(*ac))) == NULL)
		return NULL;
	snprintf(ac->ip, sizeof(ac->ip), "%s", ip);
	ac->next = ctl->addrtab[h];
	ctl->addrtab[h] = ac;
	return ac;
}

static void
ctl_addr_release(struct ctl *ctl, const char *ip)
{
	struct ctl_addrcount	**pp, *ac;

	for (pp = &ctl->addrtab[ctl_addr_hash(ip)]; (ac = *pp) != NULL;
	    pp = &ac->next)
		if (strcmp(ac->ip, ip) == 0) {
			if (--ac->n <= 0) {
				*pp = ac->next;
				free(ac);
			}
			return;
		}
}

static void
ctl_listeners_enable(struct ctl *ctl, int on)
{
	int	 i;

	for (i = 0; i < ctl->nlisteners; i++)
		if (on)
			evconnlistener_enable(ctl->listeners[i]);
		else
			evconnlistener_disable(ctl->listeners[i]);
}

/* Remove a session for good (its frame_conn is freed by the caller). */
static void
ctl_session_destroy(struct ctl_session *s)
{
	struct ctl	*ctl = s->ctl;
	struct ctl_agent *a = s->agent;
	char		 reason[128];

	if (a != NULL) {
		/*
		 * The agent is offline: off the registry and the clock's sync
		 * queue, and the jobs it was running fail.
		 */
		s->agent = NULL;
		ctl_registry_offline(ctl, a);
		ctl_clock_stop(ctl, a);
		snprintf(reason, sizeof(reason), "agent %s disconnected",
		    a->name);
		ctl_jobs_agent_gone(ctl, a->tenant, a->name, reason);
	}
	if (ctl_role_operator(s->peer.role))
		ctl_pairs_operator_gone(ctl, s);
	ctl_ingest_forget(ctl, s);
	ctl_session_unpend(s);
	if (s->on_closingq)
		TAILQ_REMOVE(&ctl->closingq, s, close_entry);
	if (s->counted)
		ctl_addr_release(ctl, s->ip);
	TAILQ_REMOVE(&ctl->sessions, s, entry);
	ctl->nsessions--;
	free(s);
	/* Room again: accept what waits in the kernel's backlog. */
	if (ctl->listeners_full && ctl->nsessions < ctl->conf.max_connections &&
	    !ctl->listeners_paused) {
		ctl->listeners_full = 0;
		ctl_listeners_enable(ctl, 1);
		log_info("%d connections: accepting again", ctl->nsessions);
	}
}

int
ctl_session_admit(struct ctl_session *s)
{
	char	 msg[300];

	if (s->peer.role != TLS_ROLE_AGENT &&
	    !ctl_role_operator(s->peer.role)) {
		s->state = CTL_SESS_HELLO;	/* so the log names it */
		snprintf(msg, sizeof(msg), "role %s may not connect to the "
		    "controller", tls_role_name(s->peer.role));
		ctl_session_refuse(s, 0, TRACEPAIR__ERROR_CODE__ERROR_FORBIDDEN,
		    msg);
		return -1;
	}
	if (s->peer.tenant[0] == '\0') {
		s->state = CTL_SESS_HELLO;
		ctl_session_refuse(s, 0, TRACEPAIR__ERROR_CODE__ERROR_FORBIDDEN,
		    "certificate has no tenant (subject O)");
		return -1;
	}
	s->state = CTL_SESS_HELLO;
	return 0;
}

static void
ctl_on_connected(struct frame_conn *fc, void *arg)
{
	struct ctl_session	*s = arg;
	SSL			*ssl = bufferevent_openssl_get_ssl(frame_conn_bev(fc));
	char			 err[256], msg[300];

	if (tls_peer_identity(ssl, &s->peer, err, sizeof(err)) == -1) {
		snprintf(msg, sizeof(msg), "certificate: %s", err);
		ctl_session_refuse(s, 0, TRACEPAIR__ERROR_CODE__ERROR_FORBIDDEN,
		    msg);
		return;
	}
	if (ctl_session_admit(s) == -1)
		return;	/* refused (s may be gone) */
	log_debug("%s: TLS up (%s)", ctl_who(s), SSL_get_version(ssl));
}

/* Our Hello, in answer to the peer's. */
static void
ctl_send_hello(struct ctl_session *s, uint64_t request_id)
{
	frame_env		 env;
	Tracepair__Hello	 h;
	char			 sw[] = CTL_SOFTWARE, cap[] = "progress";
	char			*caps[] = { cap };

	tracepair__envelope__init(&env);
	tracepair__hello__init(&h);
	h.protocol_version = FRAME_PROTOCOL_VERSION;
	h.software = sw;
	/* an agent learns where its connection arrives from (NAT detection) */
	if (s->peer.role == TLS_ROLE_AGENT)
		h.observed_addr = s->ip;
	h.n_capabilities = 1;
	h.capabilities = caps;
	/* what results may weigh: an agent sends an error in place of more */
	h.frame_limit = (uint32_t)s->ctl->conf.frame_limit;
	env.request_id = request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	(void)ctl_send(s, &env);
}

/* "" (none) or a numeric address of family af. */
static int
ctl_addr_ok(const char *a, int af)
{
	unsigned char	 buf[sizeof(struct in6_addr)];

	return a == NULL || a[0] == '\0' || inet_pton(af, a, buf) == 1;
}

static void
ctl_on_hello(struct ctl_session *s, const frame_env *env)
{
	const Tracepair__Hello	*h = env->hello;
	char			 msg[128];
	enum trace_method	 m;
	int			 port;

	if (s->state != CTL_SESS_HELLO) {
		ctl_session_refuse(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED, "second hello");
		return;
	}
	if (h->protocol_version != FRAME_PROTOCOL_VERSION) {
		snprintf(msg, sizeof(msg), "protocol version %u not supported "
		    "(want %d)", h->protocol_version, FRAME_PROTOCOL_VERSION);
		ctl_session_refuse(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_VERSION, msg);
		return;
	}
	if ((h->software && strlen(h->software) > 255) ||
	    (h->probe_addr4 && strlen(h->probe_addr4) >= TRACE_ADDR_LEN) ||
	    (h->probe_addr6 && strlen(h->probe_addr6) >= TRACE_ADDR_LEN) ||
	    (h->local_addr && strlen(h->local_addr) >= TRACE_ADDR_LEN)) {
		ctl_session_refuse(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "hello field too long");
		return;
	}
	if (!ctl_addr_ok(h->probe_addr4, AF_INET) ||
	    !ctl_addr_ok(h->probe_addr6, AF_INET6)) {
		snprintf(msg, sizeof(msg), "hello: probe address '%.46s' is not "
		    "an IPv%d address", ctl_addr_ok(h->probe_addr4, AF_INET) ?
		    h->probe_addr6 : h->probe_addr4,
		    ctl_addr_ok(h->probe_addr4, AF_INET) ? 6 : 4);
		ctl_session_refuse(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, msg);
		return;
	}
	if (h->site_method != NULL && h->site_method[0] != '\0' &&
	    (strlen(h->site_method) >= sizeof(s->agent->site_method) ||
	    probe_site_method_parse(h->site_method, &m, &port, msg,
	    sizeof(msg)) == -1)) {
		ctl_session_refuse(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "hello: bad site method");
		return;
	}
	if (!ctl_addr_ok(h->local_addr, AF_INET) &&
	    !ctl_addr_ok(h->local_addr, AF_INET6)) {
		ctl_session_refuse(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST,
		    "hello: local address is not an IP address");
		return;
	}
	s->state = CTL_SESS_READY;
	s->progress = frame_hello_has(h, "progress");
	ctl_session_unpend(s);
	ctl_send_hello(s, env->request_id);
	if (s->state != CTL_SESS_READY)
		return;
	if (s->peer.role == TLS_ROLE_AGENT) {
		if ((s->agent = ctl_registry_online(s->ctl, s, h)) == NULL) {
			ctl_session_refuse(s, env->request_id,
			    TRACEPAIR__ERROR_CODE__ERROR_INTERNAL,
			    "out of memory");
			return;
		}
		ctl_inert(h->software ? h->software : "?", msg, sizeof(msg));
		log_info("%s: agent online (%s, probe %s%s%s%s%s)", ctl_who(s),
		    msg,
		    s->agent->probe4, s->agent->probe4[0] &&
		    s->agent->probe6[0] ? " " : "", s->agent->probe6,
		    s->agent->nat ? ", behind NAT: local " : "",
		    s->agent->nat ? s->agent->local : "");
		ctl_clock_start(s->ctl, s->agent, (int)s->ctl->conf.clock_pings);
	} else
		log_info("%s: %s connected", ctl_who(s),
		    s->peer.role == TLS_ROLE_MSP ? "MSP operator (every tenant)" :
		    "operator");
}

/*
 * The tenant of an operator's request (ctl_op_tenant).  A customer's
 * operator has its certificate's and may name no other: the refusal is
 * the same whatever the tenant named, so it tells nothing of who exists.
 * -1 after refusing the request.
 */
static int
ctl_op_scope(struct ctl_session *s, const frame_env *env)
{
	const char	*t = (const char *)env->tenant.data;
	size_t		 i, n = env->tenant.len;

	s->scope_all = 0;
	snprintf(s->scope, sizeof(s->scope), "%s", s->peer.tenant);
	if (t == NULL || n == 0) {
		s->scope_all = s->peer.role == TLS_ROLE_MSP;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' &&
		    t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') ||
		    t[i] == '.' || t[i] == '_' || t[i] == '-'))
			break;
	if (n >= sizeof(s->scope) || i < n) {
		ctl_reply_error(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST, "bad tenant name "
		    "(letters, digits, '.', '_', '-'; at most 63)");
		return -1;
	}
	if (s->peer.role != TLS_ROLE_MSP) {
		if (strlen(s->peer.tenant) == n &&
		    memcmp(t, s->peer.tenant, n) == 0)
			return 0;
		ctl_reply_error(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_FORBIDDEN, "--tenant is for "
		    "MSP operators: your certificate sees its own tenant only");
		return -1;
	}
	memcpy(s->scope, t, n);	/* checked: n < sizeof(s->scope) */
	s->scope[n] = '\0';
	return 0;
}

static void
ctl_on_message(struct frame_conn *fc, const frame_env *env, void *arg)
{
	struct ctl_session	*s = arg;
	struct ctl		*ctl = s->ctl;
	char			 msg[160];

	(void)fc;
	if (s->state == CTL_SESS_CLOSING)
		return;
	s->last_rx = ctl_now();
	if (s->agent != NULL)
		s->agent->last_seen = s->last_rx;
	if (env->body_case == TRACEPAIR__ENVELOPE__BODY_HELLO) {
		ctl_on_hello(s, env);
		return;
	}
	if (s->state != CTL_SESS_READY) {
		snprintf(msg, sizeof(msg), "%s before hello",
		    frame_body_name(env));
		ctl_session_refuse(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED, msg);
		return;
	}
	if (!ctl_body_allowed(env->body_case, s->peer.role)) {
		snprintf(msg, sizeof(msg), "%s not allowed for role %s",
		    frame_body_name(env), tls_role_name(s->peer.role));
		ctl_session_refuse(s, env->request_id,
		    TRACEPAIR__ERROR_CODE__ERROR_FORBIDDEN, msg);
		return;
	}
	if (ctl_role_operator(s->peer.role) && ctl_op_scope(s, env) == -1)
		return;
	switch (env->body_case) {
	case TRACEPAIR__ENVELOPE__BODY_PONG:
		ctl_clock_pong(ctl, s->agent, env->pong);
		break;
	case TRACEPAIR__ENVELOPE__BODY_JOB_RESULT:
		ctl_job_result(ctl, s, env->request_id, env->job_result);
		break;
	case TRACEPAIR__ENVELOPE__BODY_PROGRESS:
		ctl_job_progress(ctl, s, env->progress);
		break;
	case TRACEPAIR__ENVELOPE__BODY_ERROR:
		/* Peer text, escaped, at most one line a second per peer. */
		if (s->last_says != 0 && s->last_rx - s->last_says < 1.0) {
			s->says_quiet++;
			break;
		}
		ctl_inert(env->error->message ? env->error->message :
		    "(no message)", msg, sizeof(msg));
		log_warnx("%s: says: %s%s", ctl_who(s), msg, s->says_quiet ?
		    " (and more, not logged)" : "");
		s->last_says = s->last_rx;
		s->says_quiet = 0;
		break;
	case TRACEPAIR__ENVELOPE__BODY_AGENTS_REQUEST:
		ctl_registry_reply(ctl, s, env->request_id);
		break;
	case TRACEPAIR__ENVELOPE__BODY_PAIR_REQUEST:
		ctl_pair_request(ctl, s, env->request_id, env->pair_request);
		break;
	case TRACEPAIR__ENVELOPE__BODY_TRACE_REQUEST:
		ctl_trace_request(ctl, s, env->request_id, env->trace_request);
		break;
	case TRACEPAIR__ENVELOPE__BODY_PAIRS_REQUEST:
		ctl_pairs_request(ctl, s, env->request_id, env->pairs_request);
		break;
	case TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REQUEST:
		ctl_pair_get_request(ctl, s, env->request_id,
		    env->pair_get_request);
		break;
	case TRACEPAIR__ENVELOPE__BODY_EVIDENCE_REQUEST:
		ctl_evidence_request(ctl, s, env->request_id,
		    env->evidence_request);
		break;
	case TRACEPAIR__ENVELOPE__BODY_SCHEDULE_REQUEST:
		ctl_schedule_request(ctl, s, env->request_id,
		    env->schedule_request);
		break;
	case TRACEPAIR__ENVELOPE__BODY_HISTORY_REQUEST:
		ctl_history_request(ctl, s, env->request_id,
		    env->history_request);
		break;
	case TRACEPAIR__ENVELOPE__BODY_MESH_STATUS_REQUEST:
		ctl_mesh_status_request(ctl, s, env->request_id,
		    env->mesh_status_request);
		break;
	default:
		/* ctl_allowed lists nothing else. */
		break;
	}
}

static void
ctl_on_close(struct frame_conn *fc, const char *reason, void *arg)
{
	struct ctl_session	*s = arg;
	const char		*subj;

	if (s->state == CTL_SESS_TLS) {
		/* Name the certificate it offered, if any (not trusted). */
		subj = tls_peer_subject(bufferevent_openssl_get_ssl(
		    frame_conn_bev(fc)));
		log_warnx("%s: refused: TLS handshake failed: %s%s%s%s",
		    s->addr, reason, subj ? " (certificate " : "",
		    subj ? subj : "", subj ? ")" : "");
	}
	else if (s->state == CTL_SESS_CLOSING)
		log_debug("%s: closed: %s", ctl_who(s), reason);
	else
		log_info("%s: disconnected: %s", ctl_who(s), reason);
	frame_conn_free(fc);
	ctl_session_destroy(s);
}

static const struct frame_conn_cbs ctl_cbs = {
	ctl_on_connected, ctl_on_message, ctl_on_close
};

/* Peer address as "ip:port" and "ip". */
static void
ctl_format_addr(const struct sockaddr *sa, char *addr, size_t alen, char *ip,
    size_t iplen)
{
	char	 host[INET6_ADDRSTRLEN];
	int	 port = 0;

	host[0] = '\0';
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
		snprintf(addr, alen, "%s:%d", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], host,
			    sizeof(host));
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
		snprintf(addr, alen, strchr(host, ':') ? "[%s]:%d" : "%s:%d",
		    host, port);
	} else
		snprintf(addr, alen, "unknown");
	snprintf(ip, iplen, "%s", host);
}

int
ctl_session_start(struct ctl *ctl, struct ctl_session *s,
    struct bufferevent *bev, const char *addr, const char *ip)
{
	s->ctl = ctl;
	s->state = CTL_SESS_TLS;
	s->opened = s->last_rx = ctl_now();
	snprintf(s->addr, sizeof(s->addr), "%s", addr);
	snprintf(s->ip, sizeof(s->ip), "%s", ip);
	if ((s->fc = frame_conn_new(bev, (size_t)ctl->conf.frame_limit,
	    &ctl_cbs, s)) == NULL)
		return -1;
	frame_conn_set_out_hwm(s->fc, CTL_OUT_HWM);
	TAILQ_INSERT_TAIL(&ctl->sessions, s, entry);
	TAILQ_INSERT_TAIL(&ctl->pending, s, pend_entry);
	s->pending = 1;
	ctl->nsessions++;
	return 0;
}

/*
 * At max_connections: stop accepting (new connections wait in the
 * kernel's backlog) until a session ends.  Never fatal.
 */
static void
ctl_at_cap(struct ctl *ctl)
{
	if (ctl->listeners_full)
		return;
	ctl->listeners_full = 1;
	ctl_listeners_enable(ctl, 0);
	log_warnx("%d connections (max_connections): accepting paused",
	    ctl->nsessions);
}

static void
ctl_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct ctl		*ctl = arg;
	struct ctl_session	*s;
	struct bufferevent	*bev;
	SSL			*ssl;
	struct ctl_addrcount	*ac;
	char			 addr[CTL_ADDR_LEN], ip[TRACE_ADDR_LEN];
	double			 now;
	int			 one = 1;

	(void)l;
	(void)salen;
	ctl_format_addr(sa, addr, sizeof(addr), ip, sizeof(ip));
	if (ctl->nsessions >= ctl->conf.max_connections) {
		/* (not reached while the listeners are off at the cap) */
		evutil_closesocket(fd);
		ctl_at_cap(ctl);
		return;
	}
	if ((ac = ctl_addr_find(ctl, ip, 1)) == NULL ||
	    ac->n >= ctl->conf.max_per_address) {
		evutil_closesocket(fd);
		/* One line a second at most: a flood must not flood the log. */
		now = ctl_now();
		if (now - ctl->refuse_logged >= 1.0) {
			log_warnx("%s: refused: %s (max_connections_per_address "
			    "%lld)%s", addr, ac == NULL ? "out of memory" :
			    "too many connections from this address",
			    ctl->conf.max_per_address,
			    ctl->refused_quiet ? " and more, not logged" : "");
			ctl->refuse_logged = now;
			ctl->refused_quiet = 0;
		} else
			ctl->refused_quiet++;
		return;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (ssl = SSL_new(ctl->ssl_ctx)) == NULL) {
		log_warnx("%s: refused: out of memory", addr);
		free(s);
		evutil_closesocket(fd);
		return;
	}
	bev = bufferevent_openssl_socket_new(ctl->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_warnx("%s: refused: cannot create a TLS buffer", addr);
		SSL_free(ssl);
		evutil_closesocket(fd);
		free(s);
		return;
	}
	/* Do not wait for a TLS close_notify from a peer we drop. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	if (ctl_session_start(ctl, s, bev, addr, ip) == -1) {
		log_warnx("%s: refused: out of memory", addr);
		bufferevent_free(bev);
		free(s);
		return;
	}
	ac->n++;
	s->counted = 1;
	log_debug("%s: accepted", addr);
	if (ctl->nsessions >= ctl->conf.max_connections)
		ctl_at_cap(ctl);
}

static void
ctl_accept_error(struct evconnlistener *l, void *arg)
{
	struct ctl	*ctl = arg;
	int		 e = EVUTIL_SOCKET_ERROR();

	if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
		/* Out of descriptors: pause accepting until the next tick. */
		if (!ctl->listeners_paused)
			log_warnx("accept: %s: accepting paused for a second",
			    evutil_socket_error_to_string(e));
		ctl_listeners_enable(ctl, 0);
		ctl->listeners_paused = 1;
	} else
		log_warnx("accept: %s", evutil_socket_error_to_string(e));
	(void)l;
}

int
ctl_listen(struct ctl *ctl, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	struct evconnlistener	*l;
	unsigned		 flags;
	int			 i, sslen;

	for (i = 0; i < ctl->conf.nlisten; i++) {
		sslen = sizeof(ss);
		memset(&ss, 0, sizeof(ss));
		if (evutil_parse_sockaddr_port(ctl->conf.listen[i],
		    (struct sockaddr *)&ss, &sslen) == -1) {
			snprintf(err, errlen, "listen %s: bad address",
			    ctl->conf.listen[i]);
			return -1;
		}
		flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
		    LEV_OPT_CLOSE_ON_EXEC;
		if (ss.ss_family == AF_INET6)
			flags |= LEV_OPT_BIND_IPV6ONLY;
		l = evconnlistener_new_bind(ctl->base, ctl_accept, ctl, flags,
		    4096, (struct sockaddr *)&ss, sslen);
		if (l == NULL) {
			snprintf(err, errlen, "listen %s: %s", ctl->conf.listen[i],
			    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
			return -1;
		}
		evconnlistener_set_error_cb(l, ctl_accept_error);
		ctl->listeners[ctl->nlisteners++] = l;
		log_info("listening on %s", ctl->conf.listen[i]);
	}
	return 0;
}

void
ctl_listen_close(struct ctl *ctl)
{
	int	 i;

	for (i = 0; i < ctl->nlisteners; i++)
		evconnlistener_free(ctl->listeners[i]);
	ctl->nlisteners = 0;
}

void
ctl_session_tick(struct ctl *ctl, double now)
{
	struct ctl_session	*s;
	char			 msg[96];

	if (ctl->listeners_paused) {
		ctl->listeners_paused = 0;
		if (!ctl->listeners_full)
			ctl_listeners_enable(ctl, 1);
	}
	/*
	 * Oldest first: stop at the first one still within its time.  A
	 * session still in its TLS handshake is cut at once (there is no
	 * channel to send an Error on); one that has TLS but no Hello gets
	 * the Error and CTL_CLOSE_SECS to take it.
	 */
	while ((s = TAILQ_FIRST(&ctl->pending)) != NULL &&
	    now - s->opened > (double)ctl->conf.hello_timeout_s) {
		snprintf(msg, sizeof(msg), "no %s within %llds",
		    s->state == CTL_SESS_TLS ? "TLS handshake" : "hello",
		    ctl->conf.hello_timeout_s);
		if (s->state == CTL_SESS_TLS) {
			log_warnx("%s: refused: %s", s->addr, msg);
			frame_conn_free(s->fc);
			ctl_session_destroy(s);
			continue;
		}
		ctl_session_refuse(s, 0, TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED,
		    msg);
	}
	/* Refused sessions whose peer does not take the Error: cut. */
	while ((s = TAILQ_FIRST(&ctl->closingq)) != NULL &&
	    now - s->closing_since > CTL_CLOSE_SECS) {
		log_debug("%s: closed: the peer did not read its error",
		    ctl_who(s));
		frame_conn_free(s->fc);
		ctl_session_destroy(s);
	}
}

void
ctl_session_close_all(struct ctl *ctl)
{
	struct ctl_session	*s;

	while ((s = TAILQ_FIRST(&ctl->sessions)) != NULL) {
		frame_conn_free(s->fc);
		ctl_session_destroy(s);
	}
}
