/* agentd.h: the agent daemon: dials the controller, runs trace jobs, spools and streams results. */
#ifndef TRACEPAIR_AGENTD_H
#define TRACEPAIR_AGENTD_H

#include <stddef.h>

#include "trace.h"

/* Where results wait for the controller's ack (the unit's StateDirectory). */
#define AGENTD_DEFAULT_SPOOL	"/var/lib/tracepair-agent"
#define AGENTD_HOST_LEN		256
#define AGENTD_PORT_LEN		16

/* Settings of tracepair-agent --config FILE (deploy/tracepair-agent.conf.example). */
struct agentd_config {
	char		 controller_host[AGENTD_HOST_LEN];	/* name or address */
	char		 controller_port[AGENTD_PORT_LEN];	/* port (string) */
	char		*ca;		/* CA certificate file (PEM) */
	char		*cert;		/* own agent certificate */
	char		*key;		/* own private key */
	char		 probe_addr4[TRACE_ADDR_LEN];	/* "" = where the controller sees us */
	char		 probe_addr6[TRACE_ADDR_LEN];	/* "" = where the controller sees us */
	char		 site_method[24];	/* how probes from outside get into
						   our site ("" any: udp) */
	char		*user;		/* drop privileges to this user, or NULL */
	char		*spool_dir;	/* directory of undelivered results */
	size_t		 spool_max_bytes;	/* bound of the spool */
	int		 max_jobs;	/* jobs that may run at once */
	double		 pps;		/* probe-rate cap over all jobs, 0 = engine default */
	int		 dns;		/* 0: never resolve names (forces -n on jobs) */
	int		 backoff_min_ms;	/* first reconnect delay (nominal) */
	int		 backoff_max_ms;	/* reconnect delay cap */
	int		 connect_timeout_ms;	/* TCP + TLS + Hello must finish within */
	int		 idle_timeout_s;	/* no frame from the controller this long: reconnect */
	int		 default_deadline_ms;	/* job deadline when the job says 0 */
};

/*
 * Read and check a config file into c (defaults for absent keys).  Unknown
 * keys are errors.  Returns -1 with "file:line: reason" in err.
 */
int	agentd_config_load(const char *path, struct agentd_config *c,
	    char *err, size_t errlen);
void	agentd_config_clear(struct agentd_config *c);
/*
 * What start-up will need beyond the file itself (for -n): the user
 * exists, and the spool can be written by that user.  -1 with a reason.
 */
int	agentd_config_check(const struct agentd_config *c, char *err,
	    size_t errlen);

/*
 * The options of a TraceJob as the engine takes them: decoded, no_dns
 * forced when dns is 0, then checked.  -1 with the first problem in err.
 */
struct Tracepair__TraceOptions;
struct probe_opts;
int	agentd_job_opts(const struct Tracepair__TraceOptions *m, int dns,
	    struct probe_opts *o, char *err, size_t errlen);

/*
 * The daemon's controller session alone, for the fuzz target of its
 * message handler (tests/fuzz/fuzz_agentmsg.c): no TLS, no probe engine,
 * no network.  A daemon of settings cfg (its file names are not used) and
 * identity self, on base (stays the caller's), spooling into spool
 * (taken), connected over bev (taken; a bufferevent pair's end), its Hello
 * sent.  Messages arriving on bev go through the daemon's own handler:
 * jobs are checked and scheduled as always; when one is due to start it
 * fails with "no probe engine" instead.  NULL when out of memory (spool
 * and bev stay the caller's).
 */
struct event_base;
struct bufferevent;
struct spool;
struct tls_peer;
struct agentd;
struct agentd	*agentd_session_new(struct event_base *base,
		    const struct agentd_config *cfg, const struct tls_peer *self,
		    struct spool *spool, struct bufferevent *bev);
void		 agentd_session_free(struct agentd *);

/*
 * tracepair-agent --config FILE [-n] [-v]: run the daemon in the
 * foreground (logs on stderr, or syslog with --syslog).  Returns the
 * process exit status.
 */
int	agentd_main(int argc, char **argv);

#endif
