/* trace_cli.c: `tracepair-agent trace`: one traceroute from the command line. */
#include <sys/types.h>

#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/dns.h>

#include "asn.h"
#include "probe.h"
#include "probe_opts.h"
#include "trace.h"
#include "trace_cli.h"
#include "trace_text.h"

#define PROG	"tracepair-agent trace"

/* What the command line asked for beyond the trace options. */
struct cli {
	int		 json;		/* --json */
	int		 atlas;		/* --atlas: a RIPE Atlas result */
	int		 summary;	/* --summary */
	const char	*user;		/* --user, NULL: nobody when root */
	struct trace	*result;	/* set by the done callback */
	char		 err[256];	/* failure from the engine */
	int		 done;		/* the callback ran */
	int		 shown;		/* a progress line is on stderr */
	struct event_base *base;
};

/* A loss run's progress, one line rewritten in place on a terminal. */
static void
progress(const struct probe_progress *p, void *arg)
{
	struct cli *c = arg;

	fprintf(stderr, "\r\033[Kround %d/%d, %.0f s left", p->rounds_done,
	    p->rounds, p->seconds_left);
	if (p->worst_ttl > 0)
		fprintf(stderr, ", worst hop %d (%.0f %% lost)", p->worst_ttl,
		    p->worst_loss);
	fflush(stderr);
	c->shown = 1;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: tracepair-agent trace [options] HOST [packetsize]\n"
"\n"
"Trace the path to HOST with every TTL in flight at once (raw sockets;\n"
"needs CAP_NET_RAW, dropped right after the sockets are open).\n"
"\n"
"%s"
"  --json             machine-readable output (docs/trace-json.md)\n"
"  --atlas            the result as RIPE Atlas writes it (docs/trace-json.md)\n"
"  --summary          per-hop loss and RTT statistics (mtr report style)\n"
"  --user USER        drop to USER after opening the sockets\n"
"                     (default when run as root: nobody)\n"
"  -h, --help         this text\n", probe_opts_usage);
}

/* libevent's own messages (a dead nameserver, say) are not ours to print. */
static void
quiet_log(int severity, const char *msg)
{
	(void)severity;
	(void)msg;
}

static void
done(struct trace *t, const char *err, void *arg)
{
	struct cli	*c = arg;

	c->result = t;
	if (err != NULL)
		snprintf(c->err, sizeof(c->err), "%s", err);
	c->done = 1;
	event_base_loopbreak(c->base);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct cli	*c = arg;

	(void)what;
	snprintf(c->err, sizeof(c->err), "interrupted by signal %d", (int)sig);
	c->done = 1;
	event_base_loopbreak(c->base);
}

/* The options as given, for the record in the trace. */
static char *
join_args(int argc, char **argv)
{
	size_t	 len = 1;
	char	*s;
	int	 i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int
trace_cli_main(int argc, char **argv)
{
	struct cli	 c;
	struct probe_opts o;
	struct trace_text_opts to;
	struct asn_table *asn = NULL;
	struct evdns_base *dns = NULL;
	struct probe_engine *eng = NULL;
	struct probe_run *run;
	struct event	*sigint = NULL, *sigterm = NULL;
	char		**rest, err[256], *json;
	int		 i, nrest = 0, rc = 1;

	memset(&c, 0, sizeof(c));
	if ((rest = calloc((size_t)argc + 1, sizeof(*rest))) == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return 1;
	}
	/* Our own long options first; the rest are traceroute's. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c.json = 1;
		else if (strcmp(argv[i], "--atlas") == 0)
			c.atlas = 1;
		else if (strcmp(argv[i], "--summary") == 0)
			c.summary = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			free(rest);
			return 0;
		} else if (strncmp(argv[i], "--user=", 7) == 0)
			c.user = argv[i] + 7;
		else if (strcmp(argv[i], "--user") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: --user needs a value\n", PROG);
				free(rest);
				return 2;
			}
			c.user = argv[++i];
		} else if (strcmp(argv[i], "--") == 0) {
			for (; i < argc; i++)
				rest[nrest++] = argv[i];
		} else
			rest[nrest++] = argv[i];
	}
	probe_opts_init(&o);
	if (probe_opts_parse(&o, nrest, rest, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s (see --help)\n", PROG, err);
		free(rest);
		return 2;
	}
	free(rest);
	if (c.json + c.summary + c.atlas > 1) {
		fprintf(stderr, "%s: --json, --atlas and --summary exclude each other\n",
		    PROG);
		return 2;
	}
	if (c.user == NULL && geteuid() == 0 && getpwnam("nobody") != NULL)
		c.user = "nobody";

	/* Files and resolver configuration are read before the drop. */
	if (o.asfile[0] != '\0' && (asn = asn_load(o.asfile, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: -A %s\n", PROG, err);
		return 2;
	}
	event_set_log_callback(quiet_log);
	if ((c.base = event_base_new()) == NULL) {
		fprintf(stderr, "%s: cannot create the event loop\n", PROG);
		goto out;
	}
	if (!o.no_dns) {
		dns = evdns_base_new(c.base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
		    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
		if (dns != NULL) {
			evdns_base_set_option(dns, "timeout:", "1.0");
			evdns_base_set_option(dns, "attempts:", "2");
		}
	}

	/* 1. raw sockets  2. drop privileges  3. everything else. */
	if ((eng = probe_engine_new(c.base, dns, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		goto out;
	}
	if (probe_drop_privileges(c.user, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		goto out;
	}
	probe_engine_set_rate(eng, o.pps);
	if ((sigint = evsignal_new(c.base, SIGINT, on_signal, &c)) == NULL ||
	    (sigterm = evsignal_new(c.base, SIGTERM, on_signal, &c)) == NULL ||
	    evsignal_add(sigint, NULL) == -1 || evsignal_add(sigterm, NULL) == -1) {
		fprintf(stderr, "%s: cannot watch signals\n", PROG);
		goto out;
	}
	if ((run = probe_start(eng, &o, done, &c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		goto out;
	}
	if (isatty(STDERR_FILENO))
		probe_set_progress(run, progress, &c);
	while (!c.done)
		if (event_base_dispatch(c.base) == -1)
			break;
	if (c.shown)
		fprintf(stderr, "\r\033[K");
	if (c.result == NULL) {
		fprintf(stderr, "%s: %s\n", PROG, c.err[0] ? c.err : "trace failed");
		goto out;
	}
	if (asn != NULL)
		asn_annotate(asn, c.result);
	c.result->options = join_args(argc - 1, argv + 1);
	trace_text_opts_init(&to);
	to.numeric = o.no_dns;
	to.show_asn = asn != NULL;
	to.show_diff = o.quoted_diff;
	to.unanswered = o.unanswered_summary;
	if (c.json || c.atlas) {
		json = c.atlas ? trace_to_atlas(c.result, 1) :
		    trace_to_json(c.result, 1);
		if (json == NULL) {
			fprintf(stderr, "%s: cannot encode JSON\n", PROG);
			goto out;
		}
		printf("%s\n", json);
		free(json);
		rc = fflush(stdout) == 0 ? 0 : 1;
	} else if (c.summary)
		rc = trace_text_summary(stdout, c.result, &to) == 0 ? 0 : 1;
	else
		rc = trace_text_print(stdout, c.result, &to) == 0 ? 0 : 1;
out:
	trace_free(c.result);
	if (sigint) event_free(sigint);
	if (sigterm) event_free(sigterm);
	probe_engine_free(eng);
	if (dns)
		evdns_base_free(dns, 1);
	if (c.base)
		event_base_free(c.base);
	asn_free(asn);
	return rc;
}
