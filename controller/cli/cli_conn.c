/* cli_conn.c: the operator CLI's connection to the controller: settings, mutual TLS, one request and its reply. */
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "cli.h"
#include "cli_conn.h"
#include "config.h"
#include "hostport.h"
#include "tls.h"
#include "trace_text.h"
#include "wire.h"

#define CLI_SOFTWARE	"tracepair-cli 0.1"
#define CLI_WAIT_MARGIN_MS	15000	/* waited past a request's own timeout */
#define CLI_DEFAULT_WAIT_MS	75000	/* when the controller's default applies */

/* An open session with the controller (blocking socket + SSL). */
struct cli_conn {
	int		 fd;		/* connected TCP socket */
	SSL_CTX		*ctx;		/* client context */
	SSL		*ssl;		/* the session */
	char		 where[300];	/* "host:port" for messages */
	uint64_t	 next_id;	/* request_id of the next request */
	cli_progress_cb	 progress;	/* Progress for a request, or NULL */
	void		*progress_arg;
	char		 tenant[64];	/* Envelope.tenant of every request ("" none) */
};

void
cli_conn_set_progress(struct cli_conn *c, cli_progress_cb cb, void *arg)
{
	c->progress = cb;
	c->progress_arg = arg;
}


int
cli_wait_ms(uint32_t timeout_ms)
{
	return timeout_ms ? (int)timeout_ms + CLI_WAIT_MARGIN_MS :
	    CLI_DEFAULT_WAIT_MS;
}

static int
set_str(char **dst, const char *v, char *err, size_t errlen)
{
	free(*dst);
	if ((*dst = strdup(v)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
cli_conn_take_flags(struct cli_conn_settings *s, int *argc, char **argv,
    char *err, size_t errlen)
{
	static const char *flags[] = { "--controller", "--cert", "--key",
	    "--ca", "--tenant" };
	int	 i, j, k, out = 0;

	for (i = 0; i < *argc; i++) {
		char	**dst = NULL;
		const char *val = NULL;

		if (strcmp(argv[i], "--") == 0) {
			/* everything after -- is not ours */
			for (; i < *argc; i++)
				argv[out++] = argv[i];
			break;
		}
		for (k = 0; k < 5; k++) {
			size_t	 fl = strlen(flags[k]);

			if (strncmp(argv[i], flags[k], fl) != 0)
				continue;
			if (argv[i][fl] == '=')
				val = argv[i] + fl + 1;
			else if (argv[i][fl] == '\0') {
				if (i + 1 >= *argc) {
					snprintf(err, errlen, "%s needs a value",
					    flags[k]);
					return -1;
				}
				val = argv[++i];
			} else
				continue;
			dst = k == 0 ? &s->controller : k == 1 ? &s->cert :
			    k == 2 ? &s->key : k == 3 ? &s->ca : &s->tenant;
			break;
		}
		if (dst == NULL) {
			argv[out++] = argv[i];
			continue;
		}
		if (set_str(dst, val, err, errlen) == -1)
			return -1;
	}
	for (j = out; j < *argc; j++)
		argv[j] = NULL;
	*argc = out;
	return 0;
}

int
cli_conn_settings_resolve(struct cli_conn_settings *s, char *err,
    size_t errlen)
{
	static const char *envs[] = { "TRACEPAIR_CONTROLLER", "TRACEPAIR_CERT",
	    "TRACEPAIR_KEY", "TRACEPAIR_CA" };
	static const char *keys[] = { "controller", "cert", "key", "ca" };
	char	**fields[4] = { &s->controller, &s->cert, &s->key, &s->ca };
	char	 path[4096];
	const char *file = getenv("TRACEPAIR_CONFIG"), *home, *v;
	struct config *cf = NULL;
	int	 i;

	for (i = 0; i < 4; i++)
		if (*fields[i] == NULL && (v = getenv(envs[i])) != NULL &&
		    *v != '\0' && set_str(fields[i], v, err, errlen) == -1)
			return -1;
	if (s->tenant == NULL && (v = getenv("TRACEPAIR_TENANT")) != NULL &&
	    *v != '\0' && set_str(&s->tenant, v, err, errlen) == -1)
		return -1;
	if (s->tenant != NULL && (s->tenant[0] == '\0' ||
	    strlen(s->tenant) > 63 || strspn(s->tenant, "abcdefghijklmnopqrstu"
	    "vwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
	    strlen(s->tenant))) {
		snprintf(err, errlen, "--tenant '%.80s': want a tenant name "
		    "(letters, digits, . _ -, at most 63)", s->tenant);
		return -1;
	}
	if (s->controller && s->cert && s->key && s->ca)
		goto done;
	if (file != NULL && *file == '\0')
		file = NULL;
	if (file == NULL && (home = getenv("HOME")) != NULL) {
		snprintf(path, sizeof(path), "%s/.config/tracepair/cli.conf",
		    home);
		if (access(path, F_OK) == 0)
			file = path;
	}
	if (file != NULL) {
		if ((cf = config_load(file, err, errlen)) == NULL)
			return -1;
		for (i = 0; i < 4; i++)
			if ((v = config_get(cf, keys[i])) != NULL &&
			    *fields[i] == NULL &&
			    set_str(fields[i], v, err, errlen) == -1) {
				config_free(cf);
				return -1;
			}
		if (config_get(cf, "timeout_ms") != NULL) {
			long long n;

			if (config_get_int(cf, "timeout_ms", 100, 600000, 10000,
			    &n, err, errlen) == -1) {
				config_free(cf);
				return -1;
			}
			s->timeout_ms = n;
		}
		if (config_unused(cf, err, errlen) == -1) {
			config_free(cf);
			return -1;
		}
		config_free(cf);
	}
done:
	for (i = 0; i < 4; i++)
		if (*fields[i] == NULL) {
			snprintf(err, errlen, "no %s: use --%s, %s or '%s' in "
			    "~/.config/tracepair/cli.conf", keys[i], keys[i],
			    envs[i], keys[i]);
			return -1;
		}
	if (s->timeout_ms <= 0)
		s->timeout_ms = 10000;
	return 0;
}

void
cli_conn_settings_clear(struct cli_conn_settings *s)
{
	free(s->controller);
	free(s->cert);
	free(s->key);
	free(s->ca);
	free(s->tenant);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ transport */

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is readable/writable or the deadline passes (0 / -1). */
static int
wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd pfd = { fd, ev, 0 };
	int	 rc;

	for (;;) {
		int64_t left = deadline - mono_ms();

		if (left <= 0)
			return -1;
		rc = poll(&pfd, 1, (int)left);
		if (rc > 0)
			return 0;
		if (rc == 0)
			return -1;
		if (errno != EINTR)
			return -1;
	}
}

/* TCP connect to the first address that answers before the deadline. */
static int
tcp_connect(const char *host, const char *port, int64_t deadline, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	int	 fd = -1, rc, soerr;
	socklen_t sl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		return -1;
	}
	snprintf(err, errlen, "no address");
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			snprintf(err, errlen, "socket: %s", strerror(errno));
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
		    errno != EINPROGRESS) {
			snprintf(err, errlen, "%s", strerror(errno));
			close(fd);
			fd = -1;
			continue;
		}
		if (wait_fd(fd, POLLOUT, deadline) == -1) {
			snprintf(err, errlen, "connection timed out");
			close(fd);
			fd = -1;
			continue;
		}
		sl = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
		    soerr != 0) {
			snprintf(err, errlen, "%s", strerror(soerr));
			close(fd);
			fd = -1;
			continue;
		}
		break;
	}
	freeaddrinfo(res);
	if (fd != -1) {
		int	 one = 1;

		/* small request/reply frames: no Nagle + delayed-ACK stalls */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;
}

/*
 * Drive one SSL operation on the non-blocking socket until it completes,
 * fails, or the deadline passes.  Returns its result (> 0 done).
 */
static int
ssl_io(struct cli_conn *c, int op, void *buf, int len, int64_t deadline,
    int *timed_out)
{
	int	 rc, e;

	*timed_out = 0;
	for (;;) {
		ERR_clear_error();
		if (op == 0)
			rc = SSL_connect(c->ssl);
		else if (op == 1)
			rc = SSL_read(c->ssl, buf, len);
		else
			rc = SSL_write(c->ssl, buf, len);
		if (rc > 0)
			return rc;
		e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN :
			    POLLOUT, deadline) == -1) {
				*timed_out = 1;
				return -1;
			}
			continue;
		}
		return rc;
	}
}

/* Why the session failed, in one line. */
static void
ssl_reason(struct cli_conn *c, int rc, char *buf, size_t len)
{
	int	 e = SSL_get_error(c->ssl, rc);

	if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL &&
	    ERR_peek_error() == 0 && errno == 0)) {
		snprintf(buf, len, "connection closed by the controller");
		return;
	}
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 &&
	    (errno == EPIPE || errno == ECONNRESET)) {
		snprintf(buf, len, "connection closed by the controller (%s; "
		    "it may be at its connection limit)", strerror(errno));
		return;
	}
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
		snprintf(buf, len, "%s", strerror(errno));
		return;
	}
	tls_error_reason(NULL, c->ssl, buf, len);
	/* OpenSSL 3 words a TCP close without close_notify this way */
	if (strstr(buf, "unexpected eof") != NULL)
		snprintf(buf, len, "connection closed by the controller");
}

static int
write_all(struct cli_conn *c, const uint8_t *buf, size_t len, int64_t deadline,
    char *err, size_t errlen)
{
	int	 rc, to;
	char	 why[256];

	while (len > 0) {
		rc = ssl_io(c, 2, (void *)(uintptr_t)buf, (int)len, deadline, &to);
		if (rc <= 0) {
			if (to)
				snprintf(why, sizeof(why), "timed out");
			else
				ssl_reason(c, rc, why, sizeof(why));
			snprintf(err, errlen, "controller %s: sending: %s",
			    c->where, why);
			return -1;
		}
		buf += rc;
		len -= rc;
	}
	return 0;
}

static int
read_all(struct cli_conn *c, uint8_t *buf, size_t len, int64_t deadline,
    char *err, size_t errlen, int *status)
{
	int	 rc, to;
	char	 why[256];

	while (len > 0) {
		rc = ssl_io(c, 1, buf, (int)len, deadline, &to);
		if (rc <= 0) {
			if (to) {
				snprintf(err, errlen, "controller %s: no reply "
				    "in time", c->where);
				*status = CLI_EXIT_FAILED;
				return -1;
			}
			ssl_reason(c, rc, why, sizeof(why));
			if (strstr(why, "alert") != NULL ||
			    strstr(why, "certificate") != NULL)
				snprintf(err, errlen, "controller %s refused "
				    "the TLS session: %s", c->where, why);
			else
				snprintf(err, errlen, "controller %s: %s",
				    c->where, why);
			*status = CLI_EXIT_CONN;
			return -1;
		}
		buf += rc;
		len -= rc;
	}
	return 0;
}

static int
cli_send(struct cli_conn *c, const frame_env *env, int64_t deadline,
    char *err, size_t errlen)
{
	uint8_t	*buf;
	size_t	 len;
	int	 rc;

	if ((buf = frame_encode(env, FRAME_LIMIT_DEFAULT, &len, err,
	    errlen)) == NULL)
		return -1;
	rc = write_all(c, buf, len, deadline, err, errlen);
	free(buf);
	return rc;
}

static frame_env *
cli_recv(struct cli_conn *c, int64_t deadline, char *err, size_t errlen,
    int *status)
{
	uint8_t	 hdr[FRAME_HDR_LEN], *buf;
	frame_env *env = NULL;
	size_t	 n, used;
	char	 why[256];

	if (read_all(c, hdr, sizeof(hdr), deadline, err, errlen, status) == -1)
		return NULL;
	n = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 |
	    (size_t)hdr[2] << 8 | hdr[3];
	if (n == 0 || n > FRAME_LIMIT_DEFAULT) {
		snprintf(err, errlen, "controller %s: bad frame length %zu",
		    c->where, n);
		*status = CLI_EXIT_CONN;
		return NULL;
	}
	if ((buf = malloc(FRAME_HDR_LEN + n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		*status = CLI_EXIT_FAILED;
		return NULL;
	}
	memcpy(buf, hdr, FRAME_HDR_LEN);
	if (read_all(c, buf + FRAME_HDR_LEN, n, deadline, err, errlen,
	    status) == -1) {
		free(buf);
		return NULL;
	}
	if (frame_decode(buf, FRAME_HDR_LEN + n, FRAME_LIMIT_DEFAULT, &env,
	    &used, why, sizeof(why)) != FRAME_DONE) {
		snprintf(err, errlen, "controller %s: bad frame: %s", c->where,
		    why);
		*status = CLI_EXIT_CONN;
		env = NULL;
	}
	free(buf);
	return env;
}

int
cli_conn_error_status(const frame_env *env, char *msg, size_t len)
{
	const Tracepair__Error *e = env->error;
	const char *m = e && e->message && *e->message ? e->message : "error";

	snprintf(msg, len, "%s", m);
	if (e == NULL)
		return CLI_EXIT_FAILED;
	switch (e->code) {
	case TRACEPAIR__ERROR_CODE__ERROR_UNKNOWN_AGENT:
	case TRACEPAIR__ERROR_CODE__ERROR_NOT_FOUND:
		return CLI_EXIT_AGENT;
	case TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST:
		if (strstr(m, "offline") != NULL)
			return CLI_EXIT_AGENT;
		return CLI_EXIT_USAGE;
	case TRACEPAIR__ERROR_CODE__ERROR_FORBIDDEN:
	case TRACEPAIR__ERROR_CODE__ERROR_BAD_VERSION:
	case TRACEPAIR__ERROR_CODE__ERROR_BAD_FRAME:
	case TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED:
		snprintf(msg, len, "controller refused: %s", m);
		return CLI_EXIT_CONN;
	default:
		return CLI_EXIT_FAILED;
	}
}

struct cli_conn *
cli_conn_open(const struct cli_conn_settings *s, char *err, size_t errlen,
    int *status)
{
	struct tls_files tf = { s->ca, s->cert, s->key, NULL };
	struct cli_conn *c;
	struct tls_peer peer;
	char	 host[256], port[16], why[1024];
	int64_t	 deadline = mono_ms() + s->timeout_ms;
	Tracepair__Envelope env = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__Hello h;
	static char	 cap[] = "progress";
	char		*caps[] = { cap };
	frame_env *reply;
	int	 rc, to;

	*status = CLI_EXIT_USAGE;
	if (hostport_split(s->controller, TP_DEFAULT_PORT, host, sizeof(host),
	    port, sizeof(port), why, sizeof(why)) == -1) {
		snprintf(err, errlen, "controller %s", why);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->fd = -1;
	c->next_id = 1;
	snprintf(c->where, sizeof(c->where), "%s", s->controller);
	if (s->tenant != NULL)
		snprintf(c->tenant, sizeof(c->tenant), "%s", s->tenant);
	if ((c->ctx = tls_client_ctx(&tf, err, errlen)) == NULL)
		goto fail;
	/* The controller would refuse anything but an operator anyway. */
	if (SSL_CTX_get0_certificate(c->ctx) != NULL &&
	    tls_cert_identity(SSL_CTX_get0_certificate(c->ctx), &peer, why,
	    sizeof(why)) == 0 && peer.role != TLS_ROLE_OPERATOR &&
	    peer.role != TLS_ROLE_MSP) {
		snprintf(err, errlen, "%s is a%s %s certificate, not an "
		    "operator certificate", s->cert,
		    peer.role == TLS_ROLE_AGENT ? "n" : "",
		    tls_role_name(peer.role));
		goto fail;
	}
	*status = CLI_EXIT_CONN;
	if ((c->fd = tcp_connect(host, port, deadline, why,
	    sizeof(why))) == -1) {
		snprintf(err, errlen, "controller %s unreachable: %s",
		    s->controller, why);
		goto fail;
	}
	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1) {
		snprintf(err, errlen, "cannot create a TLS session");
		goto fail;
	}
	errno = 0;
	if ((rc = ssl_io(c, 0, NULL, 0, deadline, &to)) <= 0) {
		if (to)
			snprintf(why, sizeof(why), "handshake timed out");
		else
			ssl_reason(c, rc, why, sizeof(why));
		snprintf(err, errlen, "TLS handshake with controller %s "
		    "failed: %s", s->controller, why);
		goto fail;
	}
	if (tls_peer_identity(c->ssl, &peer, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "controller %s: %s", s->controller, why);
		goto fail;
	}
	if (peer.role != TLS_ROLE_CONTROLLER) {
		snprintf(err, errlen, "%s is not a controller (its "
		    "certificate says %s %s)", s->controller,
		    tls_role_name(peer.role), peer.name);
		goto fail;
	}
	tracepair__hello__init(&h);
	h.protocol_version = FRAME_PROTOCOL_VERSION;
	h.software = CLI_SOFTWARE;
	h.n_capabilities = 1;
	h.capabilities = caps;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	if (cli_send(c, &env, deadline, err, errlen) == -1) {
		/*
		 * TLS 1.3: the server checks our certificate after our side
		 * of the handshake is done, so a refusal shows up here as a
		 * reset.  Its alert may still be readable: say why if so.
		 */
		uint8_t	 b;
		int	 st;

		if (read_all(c, &b, 1, mono_ms() + 500, why, sizeof(why),
		    &st) == -1 && strstr(why, "refused the TLS") != NULL)
			snprintf(err, errlen, "%s", why);
		else
			snprintf(err, errlen, "controller %s closed the TLS "
			    "session right after the handshake: is the "
			    "certificate from the controller's CA, valid and "
			    "not revoked?", s->controller);
		goto fail;
	}
	if ((reply = cli_recv(c, deadline, err, errlen, status)) == NULL)
		goto fail;
	if (reply->body_case == TRACEPAIR__ENVELOPE__BODY_ERROR) {
		*status = cli_conn_error_status(reply, why, sizeof(why));
		if (*status == CLI_EXIT_FAILED)
			*status = CLI_EXIT_CONN;
		snprintf(err, errlen, "controller %s refused: %s",
		    s->controller, why);
		frame_free(reply);
		goto fail;
	}
	if (reply->body_case != TRACEPAIR__ENVELOPE__BODY_HELLO ||
	    reply->hello->protocol_version != FRAME_PROTOCOL_VERSION) {
		snprintf(err, errlen, "controller %s: unexpected %s instead of "
		    "hello (version 1)", s->controller, frame_body_name(reply));
		frame_free(reply);
		goto fail;
	}
	frame_free(reply);
	*status = CLI_EXIT_OK;
	return c;
fail:
	cli_conn_close(c);
	return NULL;
}

frame_env *
cli_conn_request(struct cli_conn *c, frame_env *req, int timeout_ms,
    char *err, size_t errlen, int *status)
{
	int64_t	 deadline = mono_ms() + timeout_ms;
	frame_env *reply;
	uint64_t id = c->next_id++;

	req->request_id = id;
	if (c->tenant[0] != '\0') {
		req->tenant.data = (uint8_t *)c->tenant;
		req->tenant.len = strlen(c->tenant);
	}
	if (cli_send(c, req, deadline, err, errlen) == -1) {
		*status = CLI_EXIT_CONN;
		return NULL;
	}
	for (;;) {
		if ((reply = cli_recv(c, deadline, err, errlen, status)) == NULL)
			return NULL;
		/* Where the request stands, before its answer (we asked). */
		if (reply->request_id == id && reply->body_case ==
		    TRACEPAIR__ENVELOPE__BODY_PROGRESS) {
			if (c->progress != NULL && frame_progress_ok(reply->progress))
				c->progress(reply->progress, c->progress_arg);
			frame_free(reply);
			continue;
		}
		/* An Error with id 0 closes the session: it answers us too. */
		if (reply->request_id == id || (reply->body_case ==
		    TRACEPAIR__ENVELOPE__BODY_ERROR && reply->request_id == 0))
			return reply;
		frame_free(reply);	/* not ours (none expected): skip */
	}
}

int
cli_conn_args(const char *cmd, struct cli_conn_settings *s, int *argc,
    char **argv)
{
	char	 err[512];

	memset(s, 0, sizeof(*s));
	if (cli_conn_take_flags(s, argc, argv, err, sizeof(err)) == -1) {
		cli_errx(cmd, "%s", err);
		cli_conn_settings_clear(s);
		return -1;
	}
	return 0;
}

struct cli_conn *
cli_conn_setup(const char *cmd, struct cli_conn_settings *s, int *status)
{
	struct cli_conn *c;
	char	 err[512];

	if (cli_conn_settings_resolve(s, err, sizeof(err)) == -1) {
		cli_errx(cmd, "%s", err);
		cli_conn_settings_clear(s);
		*status = CLI_EXIT_USAGE;
		return NULL;
	}
	c = cli_conn_open(s, err, sizeof(err), status);
	if (c == NULL)
		cli_errx(cmd, "%s", err);
	cli_conn_settings_clear(s);
	return c;
}

frame_env *
cli_conn_call(struct cli_conn *c, const char *cmd, frame_env *req, int want,
    int timeout_ms, int *status)
{
	frame_env	*reply;
	char		 err[512];

	reply = cli_conn_request(c, req, timeout_ms, err, sizeof(err), status);
	cli_conn_close(c);
	if (reply == NULL) {
		cli_errx(cmd, "%s", err);
		return NULL;
	}
	return cli_conn_expect(cmd, reply, want, status);
}

frame_env *
cli_conn_expect(const char *cmd, frame_env *reply, int want, int *status)
{
	char	 err[512];

	if ((int)reply->body_case == want)
		return reply;
	if (reply->body_case == TRACEPAIR__ENVELOPE__BODY_ERROR) {
		*status = cli_conn_error_status(reply, err, sizeof(err));
		cli_errx(cmd, "%s", err);
	} else {
		cli_errx(cmd, "unexpected reply %s", frame_body_name(reply));
		*status = CLI_EXIT_CONN;
	}
	frame_free(reply);
	return NULL;
}

void
cli_conn_close(struct cli_conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->fd != -1)
		close(c->fd);
	if (c->ctx != NULL)
		SSL_CTX_free(c->ctx);
	free(c);
}
