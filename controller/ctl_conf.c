/* ctl_conf.c: the controller's configuration file (keys in deploy/tracepair-controller.conf.example). */
#include <sys/resource.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/util.h>

#include "asn.h"
#include "config.h"
#include "evpkg.h"
#include "ctl.h"
#include "followup.h"
#include "hostport.h"

void
ctl_conf_init(struct ctl_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->frame_limit = FRAME_LIMIT_DEFAULT;
	c->max_connections = 20000;
	c->max_per_address = 256;
	c->hello_timeout_s = 10;
	c->idle_timeout_s = 300;
	c->clock_interval_s = 60;
	c->clock_pings = 8;
	c->clock_pings_periodic = 2;
	c->clock_batch = 200;
	c->pair_margin_ms = 200;
	c->pair_timeout_ms = 60000;
	c->max_timeout_ms = 600000;
	c->follow_up_budget_ms = FOLLOWUP_BUDGET_S * 1000;
	c->alert_remind_h = 24;
	c->schedule_grace_s = CTL_SCHED_GRACE_S;
}

void
ctl_init(struct ctl *ctl)
{
	memset(ctl, 0, sizeof(*ctl));
	TAILQ_INIT(&ctl->sessions);
	TAILQ_INIT(&ctl->pending);
	TAILQ_INIT(&ctl->syncq);
	TAILQ_INIT(&ctl->dirtyq);
	TAILQ_INIT(&ctl->agents);
	TAILQ_INIT(&ctl->jobs);
	TAILQ_INIT(&ctl->pairs);
	TAILQ_INIT(&ctl->ingestq);
	TAILQ_INIT(&ctl->scheds);
	TAILQ_INIT(&ctl->sched_runs);
	TAILQ_INIT(&ctl->closingq);
	TAILQ_INIT(&ctl->finishq);
	ctl_conf_init(&ctl->conf);
}

void
ctl_conf_free(struct ctl_conf *c)
{
	free(c->ca);
	free(c->cert);
	free(c->key);
	free(c->crl);
	free(c->database);
	free(c->pfx2as);
	free(c->evidence_key);
	free(c->evidence_cert);
	free(c->alert_command);
	free(c->alert_webhook);
	free(c->alert_webhook_ca);
	asn_free(c->asn);
	memset(c, 0, sizeof(*c));
}

/* A required readable file.  -1 with a reason. */
static int
conf_file(struct config *cf, const char *key, int required, char **out,
    char *err, size_t errlen)
{
	const char	*v = config_get(cf, key);

	if (v == NULL || v[0] == '\0') {
		if (!required)
			return 0;
		snprintf(err, errlen, "%s: missing '%s FILE'", cf->name, key);
		return -1;
	}
	if (access(v, R_OK) == -1) {
		snprintf(err, errlen, "%s: %s %s: not readable", cf->name, key, v);
		return -1;
	}
	if ((*out = strdup(v)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * "keep DURATION": N followed by s, m, h, d or w ("90d"), at least an hour;
 * "0" or "forever" keeps everything.  -1 with a reason.
 */
static int
conf_keep(struct config *cf, long long *out, char *err, size_t errlen)
{
	const char	*v = config_get(cf, "keep");
	char		*end;
	long long	 n, unit;

	*out = 0;
	if (v == NULL || strcmp(v, "0") == 0 || strcmp(v, "forever") == 0)
		return 0;
	n = strtoll(v, &end, 10);
	switch (end[0]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: unit = 0; break;
	}
	if (end == v || v[0] < '0' || v[0] > '9' || unit == 0 ||
	    end[1] != '\0' || n <= 0 || n > 100LL * 366 * 86400 / unit ||
	    n * unit < 3600) {
		snprintf(err, errlen, "%s: keep '%s': want a duration of at "
		    "least an hour such as 90d, 12w or 36h (s, m, h, d, w), or "
		    "0 to keep everything", cf->name, v);
		return -1;
	}
	*out = n * unit;
	return 0;
}

/*
 * The database can be opened for writing: an existing regular file we may
 * read and write, or a new one in a directory we may write (-n checks it
 * without creating it).  -1 with a reason.
 */
static int
conf_db_check(const char *db, char *err, size_t errlen)
{
	struct stat	 st;
	char		 dir[4096], *slash;

	if (stat(db, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "database %s: not a regular file",
			    db);
			return -1;
		}
		if (access(db, R_OK | W_OK) == -1) {
			snprintf(err, errlen, "database %s: cannot be opened for "
			    "writing", db);
			return -1;
		}
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", db);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    access(dir, W_OK | X_OK) == -1) {
		snprintf(err, errlen, "database %s: cannot be created (%s is "
		    "not a writable directory)", db, dir);
		return -1;
	}
	return 0;
}

/* Port of a parsed listen address (0 when none was given). */
static int
conf_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

int
ctl_conf_load(struct ctl_conf *c, const char *path, char *err, size_t errlen)
{
	static const struct {
		const char	*key;
		long long	 min, max;
		size_t		 off;
	} ints[] = {
		{ "frame_limit", 1024, 64 * 1024 * 1024,
		    offsetof(struct ctl_conf, frame_limit) },
		{ "max_connections", 1, 1000000,
		    offsetof(struct ctl_conf, max_connections) },
		{ "max_connections_per_address", 1, 1000000,
		    offsetof(struct ctl_conf, max_per_address) },
		{ "hello_timeout", 1, 3600,
		    offsetof(struct ctl_conf, hello_timeout_s) },
		{ "idle_timeout", 10, 86400,
		    offsetof(struct ctl_conf, idle_timeout_s) },
		{ "clock_interval", 5, 86400,
		    offsetof(struct ctl_conf, clock_interval_s) },
		{ "clock_pings", 1, 64, offsetof(struct ctl_conf, clock_pings) },
		{ "clock_pings_periodic", 1, 64,
		    offsetof(struct ctl_conf, clock_pings_periodic) },
		{ "clock_batch", 1, 100000,
		    offsetof(struct ctl_conf, clock_batch) },
		{ "pair_margin_ms", 0, 60000,
		    offsetof(struct ctl_conf, pair_margin_ms) },
		{ "pair_timeout_ms", 100, 3600000,
		    offsetof(struct ctl_conf, pair_timeout_ms) },
		{ "max_timeout_ms", 100, 86400000,
		    offsetof(struct ctl_conf, max_timeout_ms) },
		{ "follow_up_budget_ms", 0, 3600000,
		    offsetof(struct ctl_conf, follow_up_budget_ms) },
		{ "alert_remind_hours", 0, 8760,
		    offsetof(struct ctl_conf, alert_remind_h) },
		{ "schedule_grace", 0, 3600,
		    offsetof(struct ctl_conf, schedule_grace_s) },
	};
	struct config		*cf;
	struct sockaddr_storage	 ss;
	const char		*v;
	size_t			 i;
	int			 it = 0, sslen;

	ctl_conf_init(c);
	if ((cf = config_load(path, err, errlen)) == NULL)
		return -1;
	if (config_single(cf, "listen", err, errlen) == -1)
		goto fail;
	while ((v = config_next(cf, "listen", &it)) != NULL) {
		if (c->nlisten == CTL_MAX_LISTEN) {
			snprintf(err, errlen, "%s: more than %d listen lines",
			    path, CTL_MAX_LISTEN);
			goto fail;
		}
		sslen = sizeof(ss);
		if (strlen(v) >= CTL_ADDR_LEN || evutil_parse_sockaddr_port(v,
		    (struct sockaddr *)&ss, &sslen) == -1 ||
		    conf_port(&ss) == 0) {
			snprintf(err, errlen, "%s: listen '%s': want ADDRESS:PORT "
			    "or [IPv6]:PORT", path, v);
			goto fail;
		}
		snprintf(c->listen[c->nlisten++], CTL_ADDR_LEN, "%s", v);
	}
	if (c->nlisten == 0) {
		snprintf(c->listen[0], CTL_ADDR_LEN, "[::]:%s", TP_DEFAULT_PORT);
		snprintf(c->listen[1], CTL_ADDR_LEN, "0.0.0.0:%s",
		    TP_DEFAULT_PORT);
		c->nlisten = 2;
	}
	if (conf_file(cf, "ca", 1, &c->ca, err, errlen) == -1 ||
	    conf_file(cf, "cert", 1, &c->cert, err, errlen) == -1 ||
	    conf_file(cf, "key", 1, &c->key, err, errlen) == -1 ||
	    conf_file(cf, "crl", 0, &c->crl, err, errlen) == -1)
		goto fail;
	c->database = strdup(config_get_str(cf, "database",
	    "/var/lib/tracepair/controller.db"));
	if (c->database == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (conf_db_check(c->database, err, errlen) == -1)
		goto fail;
	/* Loaded here, so that -n checks the table too. */
	if ((v = config_get(cf, "pfx2as")) != NULL && v[0] != '\0') {
		if ((c->pfx2as = strdup(v)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if ((c->asn = asn_load(v, err, errlen)) == NULL)
			goto fail;
	}
	/* Checked here too: -n says whether the signer can sign. */
	if (conf_file(cf, "evidence_key", 0, &c->evidence_key, err,
	    errlen) == -1 || conf_file(cf, "evidence_cert", 0,
	    &c->evidence_cert, err, errlen) == -1)
		goto fail;
	/* alerts of scheduled runs (docs/history.md) */
	if (((v = config_get(cf, "alert_command")) != NULL && v[0] != '\0' &&
	    (c->alert_command = strdup(v)) == NULL) ||
	    ((v = config_get(cf, "alert_webhook")) != NULL && v[0] != '\0' &&
	    (c->alert_webhook = strdup(v)) == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (c->alert_webhook != NULL && strncmp(c->alert_webhook, "https://",
	    8) != 0) {
		snprintf(err, errlen, "%s: alert_webhook must be an https:// URL",
		    path);
		goto fail;
	}
	if (conf_file(cf, "alert_webhook_ca", 0, &c->alert_webhook_ca, err,
	    errlen) == -1)
		goto fail;
	if ((c->evidence_key == NULL) != (c->evidence_cert == NULL)) {
		snprintf(err, errlen, "%s: evidence_key and evidence_cert go "
		    "together", path);
		goto fail;
	}
	if (c->evidence_key != NULL && evpkg_signer_check(c->evidence_key,
	    c->evidence_cert, err, errlen) == -1)
		goto fail;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (config_get_int(cf, ints[i].key, ints[i].min, ints[i].max,
		    *(long long *)(void *)((char *)c + ints[i].off),
		    (long long *)(void *)((char *)c + ints[i].off), err,
		    errlen) == -1)
			goto fail;
	if (conf_keep(cf, &c->keep_s, err, errlen) == -1)
		goto fail;
	c->max_connections_set = config_get(cf, "max_connections") != NULL;
	if (c->pair_timeout_ms > c->max_timeout_ms) {
		snprintf(err, errlen, "%s: pair_timeout_ms is larger than "
		    "max_timeout_ms", path);
		goto fail;
	}
	if (c->idle_timeout_s < 2 * c->clock_interval_s) {
		snprintf(err, errlen, "%s: idle_timeout must be at least twice "
		    "clock_interval (agents only speak when pinged)", path);
		goto fail;
	}
	if (config_unused(cf, err, errlen) == -1)
		goto fail;
	config_free(cf);
	return 0;
fail:
	config_free(cf);
	ctl_conf_free(c);
	return -1;
}

int
ctl_conf_fdlimit(struct ctl_conf *c, int apply, char *err, size_t errlen)
{
	struct rlimit	 rl;
	rlim_t		 need = (rlim_t)c->max_connections + CTL_FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		snprintf(err, errlen, "getrlimit(RLIMIT_NOFILE) failed");
		return -1;
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		if (c->max_connections_set) {
			snprintf(err, errlen, "max_connections %lld needs %llu "
			    "descriptors, the limit is %llu (ulimit -Hn): lower "
			    "max_connections or raise the limit",
			    c->max_connections, (unsigned long long)need,
			    (unsigned long long)rl.rlim_max);
			return -1;
		}
		if (rl.rlim_max <= CTL_FD_RESERVE + 16) {
			snprintf(err, errlen, "descriptor limit %llu is too low "
			    "(ulimit -Hn)", (unsigned long long)rl.rlim_max);
			return -1;
		}
		c->max_connections = (long long)rl.rlim_max - CTL_FD_RESERVE;
		need = rl.rlim_max;
	}
	if (apply && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
			snprintf(err, errlen, "cannot raise the descriptor limit "
			    "to %llu for max_connections %lld",
			    (unsigned long long)need, c->max_connections);
			return -1;
		}
	}
	return 0;
}
