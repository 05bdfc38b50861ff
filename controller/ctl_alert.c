/* ctl_alert.c: alerts of scheduled runs (alert, reminder, resolved, change) queued durably in the store and delivered to a command (JSON on stdin) and an HTTPS webhook (POST, certificate checked), retried with backoff. */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ctl.h"
#include "log.h"

#define ALERT_INFLIGHT		8	/* deliveries at once at most */
#define ALERT_TIMEOUT_S		30	/* a command or a POST may take this long */
#define ALERT_BACKOFF_MIN_S	5	/* first retry after, doubled each time */
#define ALERT_BACKOFF_MAX_S	3600

/* One delivery in progress. */
struct alert_job {
	long long	 alert_id;	/* its outbox row, 0 = slot free */
	int		 attempts;	/* before this one */
	double		 started;
	pid_t		 pid;		/* command: the child, else 0 */
	struct evhttp_connection *conn;	/* webhook: the connection */
	int		 finished;	/* webhook: the answer came */
	int		 ok;		/* ... and it was 2xx */
	char		 error[160];
};

struct ctl_alerts {
	struct ctl	*ctl;
	SSL_CTX		*ssl;		/* webhook client context, or NULL */
	char		 scheme[8], host[256], path[1024];
	int		 port;
	struct alert_job job[ALERT_INFLIGHT];
};

int
ctl_alert_init(struct ctl *ctl, char *err, size_t errlen)
{
	struct ctl_alerts	*a;
	struct evhttp_uri	*u;
	const char		*q;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(err, errlen, "alerts: out of memory");
		return -1;
	}
	a->ctl = ctl;
	ctl->alerts = a;
	if (ctl->conf.alert_webhook == NULL)
		return 0;
	if ((u = evhttp_uri_parse(ctl->conf.alert_webhook)) == NULL ||
	    evhttp_uri_get_scheme(u) == NULL ||
	    strcmp(evhttp_uri_get_scheme(u), "https") != 0 ||
	    evhttp_uri_get_host(u) == NULL ||
	    strlen(evhttp_uri_get_host(u)) >= sizeof(a->host)) {
		if (u != NULL)
			evhttp_uri_free(u);
		snprintf(err, errlen, "alert_webhook %s: want an https:// URL",
		    ctl->conf.alert_webhook);
		return -1;
	}
	snprintf(a->host, sizeof(a->host), "%s", evhttp_uri_get_host(u));
	a->port = evhttp_uri_get_port(u) > 0 ? evhttp_uri_get_port(u) : 443;
	q = evhttp_uri_get_query(u);
	snprintf(a->path, sizeof(a->path), "%s%s%s",
	    evhttp_uri_get_path(u) && *evhttp_uri_get_path(u) ?
	    evhttp_uri_get_path(u) : "/", q ? "?" : "", q ? q : "");
	evhttp_uri_free(u);
	if ((a->ssl = SSL_CTX_new(TLS_client_method())) == NULL) {
		snprintf(err, errlen, "alerts: SSL_CTX_new failed");
		return -1;
	}
	SSL_CTX_set_min_proto_version(a->ssl, TLS1_2_VERSION);
	SSL_CTX_set_verify(a->ssl, SSL_VERIFY_PEER, NULL);
	if ((ctl->conf.alert_webhook_ca != NULL ?
	    SSL_CTX_load_verify_locations(a->ssl, ctl->conf.alert_webhook_ca,
	    NULL) : SSL_CTX_set_default_verify_paths(a->ssl)) != 1) {
		snprintf(err, errlen, "alert_webhook_ca: cannot load %s",
		    ctl->conf.alert_webhook_ca ? ctl->conf.alert_webhook_ca :
		    "the system's CAs");
		return -1;
	}
	return 0;
}

void
ctl_alert_free(struct ctl *ctl)
{
	struct ctl_alerts	*a = ctl->alerts;
	int			 i;

	if (a == NULL)
		return;
	for (i = 0; i < ALERT_INFLIGHT; i++) {
		if (a->job[i].conn != NULL)
			evhttp_connection_free(a->job[i].conn);
		if (a->job[i].pid > 0) {
			kill(a->job[i].pid, SIGKILL);
			waitpid(a->job[i].pid, NULL, 0);
		}
	}
	SSL_CTX_free(a->ssl);
	free(a);
	ctl->alerts = NULL;
}

/* Queue body for every configured action. */
static void
ctl_alert_queue(struct ctl *ctl, const struct ctl_sched *s, json_t *body,
    double now)
{
	struct store_alert	 sa;
	char			*text, err[256];

	if ((text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
	    NULL) {
		log_warnx("schedule %s: alert: out of memory", s->name);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.tenant = s->tenant;
	sa.schedule = s->name;
	sa.body = text;
	sa.created = now;
	if (ctl->conf.alert_command != NULL) {
		sa.action = "command";
		sa.target = ctl->conf.alert_command;
		if (store_alert_add(ctl->store, &sa, err, sizeof(err)) == -1)
			log_warnx("schedule %s: alert: %s", s->name, err);
	}
	if (ctl->conf.alert_webhook != NULL) {
		sa.action = "webhook";
		sa.target = ctl->conf.alert_webhook;
		if (store_alert_add(ctl->store, &sa, err, sizeof(err)) == -1)
			log_warnx("schedule %s: alert: %s", s->name, err);
	}
	log_info("schedule %s (%s): %s queued",
	    s->name, s->tenant, json_string_value(json_object_get(body,
	    "type")));
	free(text);
}

void
ctl_alert_run(struct ctl *ctl, struct ctl_sched *s, const char *pair_id,
    const char *agent_a, const char *agent_b, const json_t *changes,
    const json_t *problems, double now)
{
	json_t		*st, *open, *body, *v;
	const char	*type = NULL, *key;
	double		 notified;
	char		*text;
	int		 fresh = 0;

	st = s->alert_state && s->alert_state[0] ?
	    json_loads(s->alert_state, 0, NULL) : NULL;
	if (st == NULL)
		st = json_object();
	open = json_object_get(st, "problems");
	notified = json_number_value(json_object_get(st, "notified"));
	json_object_foreach((json_t *)(uintptr_t)problems, key, v)
		if (json_object_get(open, key) == NULL)
			fresh = 1;
	if (json_object_size(open) == 0 && json_object_size(problems) > 0)
		type = "alert";
	else if (json_object_size(open) > 0 && json_object_size(problems) == 0)
		type = "resolved";
	else if (fresh)
		type = "alert";
	else if (json_object_size(open) > 0 && ctl->conf.alert_remind_h > 0 &&
	    now - notified >= (double)ctl->conf.alert_remind_h * 3600)
		type = "reminder";
	else if (json_object_size(problems) == 0 && ctl_change_alarm(changes))
		type = "change";
	if (type != NULL) {
		body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:O, s:O}",
		    "type", type, "tenant", s->tenant, "schedule", s->name,
		    "pair_id", pair_id, "agent_a", agent_a, "agent_b", agent_b,
		    "time", now, "problems", strcmp(type, "resolved") == 0 ?
		    open : problems, "changes", changes);
		if (body != NULL) {
			ctl_alert_queue(ctl, s, body, now);
			json_decref(body);
		}
		if (strcmp(type, "change") != 0)
			notified = now;
	}
	/* the state: what is open now, and when it was last told */
	json_object_set_new(st, "problems", json_deep_copy(problems));
	json_object_set_new(st, "notified", json_real(notified));
	if ((text = json_dumps(st, JSON_COMPACT)) != NULL) {
		free(s->alert_state);
		s->alert_state = text;
	}
	json_decref(st);
}

/* ---- delivery */

static void
alert_job_done(struct ctl *ctl, struct alert_job *j, int ok, const char *why)
{
	double	 next, backoff;
	char	 err[256];
	int	 k;

	backoff = ALERT_BACKOFF_MIN_S;
	for (k = 0; k < j->attempts && backoff < ALERT_BACKOFF_MAX_S; k++)
		backoff *= 2;
	if (backoff > ALERT_BACKOFF_MAX_S)
		backoff = ALERT_BACKOFF_MAX_S;
	next = ctl_now() + backoff;
	if (store_alert_result(ctl->store, j->alert_id, ok, ok ? "" : why,
	    next, err, sizeof(err)) == -1)
		log_warnx("alert %lld: %s", j->alert_id, err);
	if (ok)
		log_info("alert %lld delivered", j->alert_id);
	else
		log_warnx("alert %lld not delivered (%s); again in %.0f s",
		    j->alert_id, why, backoff);
	if (j->conn != NULL)
		evhttp_connection_free(j->conn);
	memset(j, 0, sizeof(*j));
}

/* Run the command with body on its standard input (a temporary file). */
static int
alert_command(struct alert_job *j, const char *cmd, const char *body)
{
	char	 tmpl[] = "/tmp/tracepair-alert.XXXXXX";
	size_t	 n = strlen(body), off = 0;
	ssize_t	 w;
	pid_t	 pid;
	int	 fd;

	if ((fd = mkstemp(tmpl)) == -1) {
		snprintf(j->error, sizeof(j->error), "mkstemp: %s",
		    strerror(errno));
		return -1;
	}
	unlink(tmpl);
	while (off < n) {
		if ((w = write(fd, body + off, n - off)) <= 0) {
			snprintf(j->error, sizeof(j->error), "write: %s",
			    strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	lseek(fd, 0, SEEK_SET);
	if ((pid = fork()) == -1) {
		snprintf(j->error, sizeof(j->error), "fork: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (pid == 0) {
		dup2(fd, 0);
		if (fd != 0)
			close(fd);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd);
	j->pid = pid;
	return 0;
}

static void
alert_http_done(struct evhttp_request *req, void *arg)
{
	struct alert_job	*j = arg;
	int			 code;

	j->finished = 1;
	if (req == NULL) {
		unsigned long e = ERR_get_error();

		snprintf(j->error, sizeof(j->error), "webhook: %s",
		    e ? ERR_reason_error_string(e) : "connection failed");
		while (ERR_get_error() != 0)
			;
		return;
	}
	code = evhttp_request_get_response_code(req);
	j->ok = code >= 200 && code < 300;
	if (!j->ok)
		snprintf(j->error, sizeof(j->error), "webhook: HTTP %d", code);
}

/* POST body to the webhook.  -1 with j->error. */
static int
alert_webhook(struct ctl *ctl, struct alert_job *j, const char *body)
{
	struct ctl_alerts	*a = ctl->alerts;
	struct bufferevent	*bev;
	struct evhttp_request	*req;
	struct evkeyvalq	*h;
	SSL			*ssl;
	char			 len[24];

	if ((ssl = SSL_new(a->ssl)) == NULL) {
		snprintf(j->error, sizeof(j->error), "SSL_new failed");
		return -1;
	}
	/* SNI and the name the certificate must carry */
	SSL_set_tlsext_host_name(ssl, a->host);
	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (SSL_set1_host(ssl, a->host) != 1) {
		SSL_free(ssl);
		snprintf(j->error, sizeof(j->error), "SSL_set1_host failed");
		return -1;
	}
	if ((bev = bufferevent_openssl_socket_new(ctl->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS)) == NULL) {
		SSL_free(ssl);
		snprintf(j->error, sizeof(j->error), "bufferevent failed");
		return -1;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	if ((j->conn = evhttp_connection_base_bufferevent_new(ctl->base, NULL,
	    bev, a->host, (unsigned short)a->port)) == NULL) {
		bufferevent_free(bev);
		snprintf(j->error, sizeof(j->error), "evhttp connection failed");
		return -1;
	}
	evhttp_connection_set_timeout(j->conn, ALERT_TIMEOUT_S);
	if ((req = evhttp_request_new(alert_http_done, j)) == NULL) {
		snprintf(j->error, sizeof(j->error), "out of memory");
		return -1;
	}
	h = evhttp_request_get_output_headers(req);
	snprintf(len, sizeof(len), "%zu", strlen(body));
	evhttp_add_header(h, "Host", a->host);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Content-Length", len);
	evhttp_add_header(h, "User-Agent", CTL_SOFTWARE);
	evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
	if (evhttp_make_request(j->conn, req, EVHTTP_REQ_POST, a->path) == -1) {
		snprintf(j->error, sizeof(j->error), "webhook request failed");
		return -1;
	}
	return 0;
}

/* A free slot, or NULL; also whether alert_id is already in flight. */
static struct alert_job *
alert_slot(struct ctl_alerts *a, long long alert_id, int *busy)
{
	struct alert_job	*free_slot = NULL;
	int			 i;

	*busy = 0;
	for (i = 0; i < ALERT_INFLIGHT; i++) {
		if (a->job[i].alert_id == alert_id)
			*busy = 1;
		if (a->job[i].alert_id == 0 && free_slot == NULL)
			free_slot = &a->job[i];
	}
	return free_slot;
}

static void
alert_start(const struct store_alert *sa, void *arg)
{
	struct ctl		*ctl = arg;
	struct alert_job	*j;
	int			 busy, rc;

	if ((j = alert_slot(ctl->alerts, sa->alert_id, &busy)) == NULL || busy)
		return;
	memset(j, 0, sizeof(*j));
	j->alert_id = sa->alert_id;
	j->attempts = sa->attempts;
	j->started = ctl_now();
	if (strcmp(sa->action, "command") == 0)
		rc = alert_command(j, sa->target, sa->body);
	else if (strcmp(sa->action, "webhook") == 0 && ctl->alerts->ssl != NULL)
		rc = alert_webhook(ctl, j, sa->body);
	else {
		snprintf(j->error, sizeof(j->error), "action %s not configured",
		    sa->action);
		rc = -1;
	}
	if (rc == -1)
		alert_job_done(ctl, j, 0, j->error);
}

void
ctl_alert_tick(struct ctl *ctl, double now)
{
	struct ctl_alerts	*a = ctl->alerts;
	struct alert_job	*j;
	char			 why[64], err[256];
	int			 i, st;
	pid_t			 w;

	if (a == NULL)
		return;
	for (i = 0; i < ALERT_INFLIGHT; i++) {
		j = &a->job[i];
		if (j->alert_id == 0)
			continue;
		if (j->pid > 0) {
			if ((w = waitpid(j->pid, &st, WNOHANG)) == j->pid) {
				j->pid = 0;
				if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
					alert_job_done(ctl, j, 1, "");
				else {
					snprintf(why, sizeof(why), "command "
					    "exit %d", WIFEXITED(st) ?
					    WEXITSTATUS(st) : 128 + WTERMSIG(st));
					alert_job_done(ctl, j, 0, why);
				}
			} else if (now - j->started > ALERT_TIMEOUT_S) {
				kill(j->pid, SIGKILL);
				waitpid(j->pid, NULL, 0);
				j->pid = 0;
				alert_job_done(ctl, j, 0, "command timed out");
			}
		} else if (j->finished)
			alert_job_done(ctl, j, j->ok, j->error);
		else if (now - j->started > ALERT_TIMEOUT_S + 5)
			alert_job_done(ctl, j, 0, "webhook timed out");
	}
	if (store_alert_due(ctl->store, now, ALERT_INFLIGHT, alert_start, ctl,
	    err, sizeof(err)) == -1)
		log_warnx("alerts: %s", err);
}
