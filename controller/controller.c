/* controller.c: tracepair-controller: mutual-TLS control plane for agents and operators (main, signals, the one timer). */
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "asn.h"
#include "addrclass.h"
#include "ctl.h"
#include "log.h"

static void
usage(void)
{
	fprintf(stderr, "usage: tracepair-controller --config FILE [-n] [-v] "
	    "[--syslog]\n"
	    "  -f, --config FILE  configuration (key value lines)\n"
	    "  -n                 check the configuration and exit\n"
	    "  -v                 debug logging\n"
	    "      --syslog       log to syslog instead of stderr\n");
	exit(2);
}

/* Once a second: sessions, clock rounds, deadlines, registry rows. */
static void
ctl_tick(evutil_socket_t fd, short what, void *arg)
{
	struct ctl	*ctl = arg;
	double		 now = ctl_now();

	(void)fd;
	(void)what;
	ctl_session_tick(ctl, now);
	ctl_clock_tick(ctl, now);
	ctl_pair_tick(ctl, now);
	ctl_sched_tick(ctl, now);
	ctl_alert_tick(ctl, now);
	ctl_registry_flush(ctl);
}

static void
ctl_signal(evutil_socket_t sig, short what, void *arg)
{
	struct ctl	*ctl = arg;
	char		 err[256];

	(void)what;
	if (sig == SIGHUP) {
		if (ctl->conf.crl == NULL)
			log_info("SIGHUP: no crl configured, nothing to reload");
		else if (tls_ctx_load_crl(ctl->ssl_ctx, ctl->conf.crl, err,
		    sizeof(err)) == -1)
			log_warnx("SIGHUP: CRL not reloaded: %s", err);
		else
			log_info("SIGHUP: CRL %s reloaded", ctl->conf.crl);
		return;
	}
	log_info("signal %d: shutting down", (int)sig);
	event_base_loopbreak(ctl->base);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl	 ctl;
	struct tls_files tf;
	const char	*conffile = NULL;
	char		 err[512];
	unsigned char	 rnd[4];
	struct timeval	 one = { 1, 0 };
	int		 ch, checkonly = 0, verbose = 0, use_syslog = 0;

	while ((ch = getopt_long(argc, argv, "f:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'S':
			use_syslog = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || conffile == NULL)
		usage();

	ctl_init(&ctl);
	if (ctl_conf_load(&ctl.conf, conffile, err, sizeof(err)) == -1)
		errx(1, "%s", err);
	if (ctl_conf_fdlimit(&ctl.conf, !checkonly, err, sizeof(err)) == -1)
		errx(1, "%s: %s", conffile, err);
	/* test-only private/CGNAT stand-in ranges (docs/analysis.md) */
	if (addrclass_test_from_env(err, sizeof(err)) == -1)
		errx(1, "%s", err);
	memset(&tf, 0, sizeof(tf));
	tf.ca = ctl.conf.ca;
	tf.cert = ctl.conf.cert;
	tf.key = ctl.conf.key;
	tf.crl = ctl.conf.crl;
	if ((ctl.ssl_ctx = tls_server_ctx(&tf, err, sizeof(err))) == NULL)
		errx(1, "%s", err);
	{
		struct tls_peer	 me;
		X509		*x = SSL_CTX_get0_certificate(ctl.ssl_ctx);

		if (tls_cert_identity(x, &me, err, sizeof(err)) == -1)
			errx(1, "%s: %s", ctl.conf.cert, err);
		if (me.role != TLS_ROLE_CONTROLLER)
			errx(1, "%s: certificate role is %s, not controller",
			    ctl.conf.cert, tls_role_name(me.role));
	}
	if (checkonly) {
		SSL_CTX_free(ctl.ssl_ctx);
		ctl_conf_free(&ctl.conf);
		printf("configuration OK\n");
		return 0;
	}

	log_init("tracepair-controller", !use_syslog, verbose);
	signal(SIGPIPE, SIG_IGN);
	if ((ctl.store = store_open(ctl.conf.database, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (store_fail_unfinished(ctl.store, "controller restarted", err,
	    sizeof(err)) == -1 || ctl_registry_load(&ctl, err, sizeof(err)) == -1 ||
	    ctl_sched_load(&ctl, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		fatalx("no random bytes");
	snprintf(ctl.id_prefix, sizeof(ctl.id_prefix), "%lx%02x%02x",
	    (unsigned long)time(NULL), rnd[0], rnd[1]);
	if ((ctl.base = event_base_new()) == NULL)
		fatalx("cannot create the event base");
	if (ctl_listen(&ctl, err, sizeof(err)) == -1 ||
	    ctl_store_start(&ctl, err, sizeof(err)) == -1 ||
	    ctl_alert_init(&ctl, err, sizeof(err)) == -1)
		fatalx("%s", err);
	ctl.tick = event_new(ctl.base, -1, EV_PERSIST, ctl_tick, &ctl);
	ctl.sig_int = evsignal_new(ctl.base, SIGINT, ctl_signal, &ctl);
	ctl.sig_term = evsignal_new(ctl.base, SIGTERM, ctl_signal, &ctl);
	ctl.sig_hup = evsignal_new(ctl.base, SIGHUP, ctl_signal, &ctl);
	if (ctl.tick == NULL || ctl.sig_int == NULL || ctl.sig_term == NULL ||
	    ctl.sig_hup == NULL || event_add(ctl.tick, &one) == -1 ||
	    event_add(ctl.sig_int, NULL) == -1 ||
	    event_add(ctl.sig_term, NULL) == -1 ||
	    event_add(ctl.sig_hup, NULL) == -1)
		fatalx("cannot set up events");
	log_info("%s ready (store %s, frame limit %lld bytes, at most %lld "
	    "connections, %lld from one address)", CTL_SOFTWARE,
	    ctl.conf.database, ctl.conf.frame_limit, ctl.conf.max_connections,
	    ctl.conf.max_per_address);
	if (ctl.conf.keep_s > 0) {
		char	 keep[32];

		log_info("retention: pairs and traces older than %s are "
		    "removed", ctl_keep_text(&ctl, keep, sizeof(keep)));
	}
	if (ctl.conf.asn != NULL)
		log_info("pfx2as %s: %d prefixes", ctl.conf.pfx2as,
		    asn_count(ctl.conf.asn));

	event_base_dispatch(ctl.base);
	/* Results read but not yet committed are stored and acked first. */
	ctl_store_stop(&ctl);

	/*
	 * Free in reverse order.  Pairs first, recorded as stopped, so that
	 * closing the agents' sessions does not end them as "disconnected".
	 */
	ctl_listen_close(&ctl);
	ctl_pair_free_all(&ctl);
	ctl_sched_free_all(&ctl);
	ctl_alert_free(&ctl);
	if (store_fail_unfinished(ctl.store, "controller stopped", err,
	    sizeof(err)) == -1)
		log_warnx("%s", err);
	ctl_session_close_all(&ctl);
	ctl_rcache_free(&ctl);
	ctl_registry_flush(&ctl);
	ctl_registry_free(&ctl);
	event_free(ctl.sig_hup);
	event_free(ctl.sig_term);
	event_free(ctl.sig_int);
	event_free(ctl.tick);
	event_base_free(ctl.base);
	store_close(ctl.store);
	SSL_CTX_free(ctl.ssl_ctx);
	ctl_conf_free(&ctl.conf);
	log_info("stopped");
	return 0;
}
