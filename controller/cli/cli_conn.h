/* cli_conn.h: the operator CLI's connection to the controller: settings, mutual TLS, one request and its reply. */
#ifndef TRACEPAIR_CLI_CONN_H
#define TRACEPAIR_CLI_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* Exit statuses of the control-plane commands (docs/man/tracepair.1). */
#define CLI_EXIT_OK		0	/* the request succeeded */
#define CLI_EXIT_FAILED		1	/* it ran and failed (pair failed/partial, trace failed) */
#define CLI_EXIT_USAGE		2	/* bad command line or settings */
#define CLI_EXIT_CONN		3	/* controller unreachable, TLS refused, protocol error */
#define CLI_EXIT_AGENT		4	/* unknown or offline agent, no such pair */


/*
 * Where and as whom to connect.  Each field comes from a flag, else the
 * environment (TRACEPAIR_CONTROLLER, TRACEPAIR_CERT, TRACEPAIR_KEY,
 * TRACEPAIR_CA), else the file $TRACEPAIR_CONFIG or
 * ~/.config/tracepair/cli.conf (keys controller, cert, key, ca).
 */
struct cli_conn_settings {
	char		*controller;	/* "host:port" */
	char		*cert;		/* operator certificate (PEM) */
	char		*key;		/* its private key */
	char		*ca;		/* CA that signed the controller */
	char		*tenant;	/* --tenant / TRACEPAIR_TENANT: the tenant
					   of every request (an MSP operator), or NULL */
	int		 timeout_ms;	/* connect + TLS handshake bound */
};

/*
 * Remove the connection flags (--controller X, --cert X, --key X, --ca X,
 * --tenant X, also as --flag=X) from argv in place, storing them in s; *argc shrinks.
 * Returns -1 with a reason when a flag lacks its value.
 */
int	 cli_conn_take_flags(struct cli_conn_settings *s, int *argc,
	    char **argv, char *err, size_t errlen);
/* Fill what the flags left unset from the environment and the file. */
int	 cli_conn_settings_resolve(struct cli_conn_settings *s, char *err,
	    size_t errlen);
void	 cli_conn_settings_clear(struct cli_conn_settings *s);

struct cli_conn;

/*
 * Progress of the request in flight (an agent's loss run, passed on by
 * the controller); set on a connection before cli_conn_call.
 */
typedef void (*cli_progress_cb)(const Tracepair__Progress *, void *arg);
void		 cli_conn_set_progress(struct cli_conn *, cli_progress_cb,
		    void *arg);
/*
 * The progress line of a pair or trace: one entry per agent (names must
 * be the ones asked for; others are ignored), rewritten in place on
 * stderr.  Set it with cli_conn_set_progress(c, cli_progress_show, &pl)
 * when stderr is a terminal, and cli_progress_end() after the reply.
 */
struct cli_progress {
	const char	*agent[2];	/* the agents of the request */
	Tracepair__Progress last[2];	/* the latest from each */
	int		 seen[2];
	int		 shown;		/* a line is on stderr */
};
void		 cli_progress_show(const Tracepair__Progress *, void *arg);
void		 cli_progress_end(struct cli_progress *);
/*
 * cli_conn_call for a pair or trace of agents a and b (b NULL for a
 * trace): the agents' progress on stderr while it runs, when stderr is a
 * terminal, and the line cleared after the reply.
 */
frame_env	*cli_conn_call_progress(struct cli_conn *c, const char *cmd,
		    frame_env *req, int want, int timeout_ms, const char *a,
		    const char *b, int *status);

/*
 * Connect, handshake (TLS 1.3, our certificate, the controller's checked
 * against ca and its role), and exchange Hello.  Returns NULL with a
 * one-line reason in err and the exit status to use in *status.
 */
struct cli_conn	*cli_conn_open(const struct cli_conn_settings *s, char *err,
		    size_t errlen, int *status);
/*
 * Send req (request_id is set here) and wait up to timeout_ms for the
 * envelope answering it.  A reply of type Error is returned as such (the
 * caller maps it).  NULL with a reason and *status on transport failure.
 */
frame_env	*cli_conn_request(struct cli_conn *, frame_env *req,
		    int timeout_ms, char *err, size_t errlen, int *status);
void		 cli_conn_close(struct cli_conn *);
/*
 * One exchange of a subcommand: send req, wait up to timeout_ms, close c.
 * Returns the reply when its body is `want` (a TRACEPAIR__ENVELOPE__BODY_*
 * case).  Otherwise prints "tracepair CMD: why" (transport failure, the
 * controller's Error, an unexpected reply) and returns NULL with the exit
 * status in *status.
 */
frame_env	*cli_conn_call(struct cli_conn *c, const char *cmd,
		    frame_env *req, int want, int timeout_ms, int *status);
/*
 * The second half of cli_conn_call, for a command that looks at some
 * replies itself first: reply when its body is `want`, else it is freed
 * after printing why, and NULL with the exit status in *status.
 */
frame_env	*cli_conn_expect(const char *cmd, frame_env *reply, int want,
		    int *status);

/*
 * The exit status and a one-line message for an Error reply
 * (unknown agent -> CLI_EXIT_AGENT, forbidden -> CLI_EXIT_CONN, ...).
 */
int		 cli_conn_error_status(const frame_env *env, char *msg,
		    size_t len);

/* How long to wait for the reply to a request of timeout_ms (0: default). */
int		 cli_wait_ms(uint32_t timeout_ms);
/*
 * The common start of every control-plane command: cli_conn_args takes
 * the connection flags out of argv (before the command checks the rest;
 * -1 after printing one line), cli_conn_setup resolves the settings and
 * connects (NULL after printing one line; *status is the exit status).
 * Both leave s cleared when they fail; cli_conn_setup always clears it.
 */
int		 cli_conn_args(const char *cmd, struct cli_conn_settings *s,
		    int *argc, char **argv);
struct cli_conn	*cli_conn_setup(const char *cmd, struct cli_conn_settings *s,
		    int *status);

#endif
