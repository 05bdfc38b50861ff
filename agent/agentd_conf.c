/* agentd_conf.c: the agent daemon's configuration file: read, checked, defaults filled in (mirrors controller/ctl_conf.c). */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agentd.h"
#include "config.h"
#include "hostport.h"
#include "probe_opts.h"

void
agentd_config_clear(struct agentd_config *c)
{
	free(c->ca);
	free(c->cert);
	free(c->key);
	free(c->user);
	free(c->spool_dir);
	memset(c, 0, sizeof(*c));
}

static int
dup_value(struct config *cf, const char *key, const char *def, char **out,
    char *err, size_t errlen)
{
	const char *v = config_get_str(cf, key, def);

	if (v == NULL || *v == '\0') {
		snprintf(err, errlen, "%s: '%s' is required", cf->name, key);
		return -1;
	}
	if ((*out = strdup(v)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
get_addr(struct config *cf, const char *key, int af, char *out, size_t len,
    char *err, size_t errlen)
{
	const char *v = config_get(cf, key);
	unsigned char buf[sizeof(struct in6_addr)];

	out[0] = '\0';
	if (v == NULL || *v == '\0')
		return 0;
	if (inet_pton(af, v, buf) != 1) {
		snprintf(err, errlen, "%s: %s '%s' is not an IPv%d address",
		    cf->name, key, v, af == AF_INET ? 4 : 6);
		return -1;
	}
	snprintf(out, len, "%s", v);
	return 0;
}

int
agentd_config_load(const char *path, struct agentd_config *c, char *err,
    size_t errlen)
{
	struct config	*cf;
	const char	*v;
	long long	 n;
	char		 ebuf[256];
	int		 b;

	memset(c, 0, sizeof(*c));
	if ((cf = config_load(path, err, errlen)) == NULL)
		return -1;
	if (config_single(cf, NULL, err, errlen) == -1)
		goto fail;
	if ((v = config_get(cf, "controller")) == NULL) {
		snprintf(err, errlen, "%s: 'controller HOST:PORT' is required",
		    path);
		goto fail;
	}
	if (hostport_split(v, TP_DEFAULT_PORT, c->controller_host,
	    sizeof(c->controller_host), c->controller_port,
	    sizeof(c->controller_port), ebuf, sizeof(ebuf)) == -1) {
		snprintf(err, errlen, "%s: controller %s", path, ebuf);
		goto fail;
	}
	if (dup_value(cf, "ca", NULL, &c->ca, err, errlen) == -1 ||
	    dup_value(cf, "cert", NULL, &c->cert, err, errlen) == -1 ||
	    dup_value(cf, "key", NULL, &c->key, err, errlen) == -1 ||
	    dup_value(cf, "spool", AGENTD_DEFAULT_SPOOL,
	    &c->spool_dir, err, errlen) == -1)
		goto fail;
	if ((v = config_get(cf, "user")) != NULL && *v != '\0' &&
	    (c->user = strdup(v)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (get_addr(cf, "probe_addr4", AF_INET, c->probe_addr4,
	    sizeof(c->probe_addr4), err, errlen) == -1 ||
	    get_addr(cf, "probe_addr6", AF_INET6, c->probe_addr6,
	    sizeof(c->probe_addr6), err, errlen) == -1)
		goto fail;
	if ((v = config_get(cf, "site_method")) != NULL && *v != '\0') {
		enum trace_method m;
		int		 port;
		char		 ebuf2[128];

		if (strlen(v) >= sizeof(c->site_method))
			snprintf(ebuf2, sizeof(ebuf2), "site_method too long");
		if (strlen(v) >= sizeof(c->site_method) ||
		    probe_site_method_parse(v, &m, &port, ebuf2,
		    sizeof(ebuf2)) == -1) {
			snprintf(err, errlen, "%s: %s", path, ebuf2);
			goto fail;
		}
		snprintf(c->site_method, sizeof(c->site_method), "%s", v);
	}
	if (config_get_int(cf, "spool_max_mb", 1, 1024 * 1024, 64, &n, err,
	    errlen) == -1)
		goto fail;
	c->spool_max_bytes = (size_t)n * 1024 * 1024;
	if (config_get_int(cf, "max_jobs", 1, 1000, 8, &n, err, errlen) == -1)
		goto fail;
	c->max_jobs = n;
	if (config_get_int(cf, "pps", 0, 1000000, 0, &n, err, errlen) == -1)
		goto fail;
	c->pps = n;
	if (config_get_bool(cf, "dns", 1, &b, err, errlen) == -1)
		goto fail;
	c->dns = b;
	if (config_get_int(cf, "backoff_min_ms", 10, 3600000, 1000, &n, err,
	    errlen) == -1)
		goto fail;
	c->backoff_min_ms = n;
	if (config_get_int(cf, "backoff_max_ms", 10, 3600000, 60000, &n, err,
	    errlen) == -1)
		goto fail;
	c->backoff_max_ms = n;
	if (c->backoff_max_ms < c->backoff_min_ms) {
		snprintf(err, errlen, "%s: backoff_max_ms is below "
		    "backoff_min_ms", path);
		goto fail;
	}
	if (config_get_int(cf, "connect_timeout_ms", 100, 600000, 15000, &n,
	    err, errlen) == -1)
		goto fail;
	c->connect_timeout_ms = n;
	if (config_get_int(cf, "idle_timeout_s", 0, 86400, 300, &n, err,
	    errlen) == -1)
		goto fail;
	c->idle_timeout_s = n;
	if (config_get_int(cf, "default_deadline_ms", 100, 3600000, 120000,
	    &n, err, errlen) == -1)
		goto fail;
	c->default_deadline_ms = n;
	if (config_unused(cf, err, errlen) == -1)
		goto fail;
	config_free(cf);
	return 0;
fail:
	config_free(cf);
	agentd_config_clear(c);
	return -1;
}


/*
 * 0 when path (or, if it does not exist yet, the directory it would be
 * made in) can be written and searched by whoever this process is.
 */
static int
spool_access(const char *path)
{
	char	 parent[PATH_MAX], *slash;

	if (access(path, F_OK) == 0)
		return access(path, W_OK | X_OK);
	if (errno != ENOENT)
		return -1;
	snprintf(parent, sizeof(parent), "%s", path);
	if ((slash = strrchr(parent, '/')) == NULL)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	return access(parent, W_OK | X_OK);
}

int
agentd_config_check(const struct agentd_config *c, char *err, size_t errlen)
{
	struct passwd	*pw = NULL;
	pid_t		 pid;
	int		 status, rc;

	if (c->user != NULL && (pw = getpwnam(c->user)) == NULL) {
		snprintf(err, errlen, "user %s: no such user (create it, e.g. "
		    "adduser --system --group %s, or remove the 'user' line)",
		    c->user, c->user);
		return -1;
	}
	/*
	 * The spool is opened after the privilege drop: try it as the user
	 * the daemon will be, in a child that becomes that user.
	 */
	if (pw == NULL || geteuid() != 0 || pw->pw_uid == geteuid())
		rc = spool_access(c->spool_dir) == 0 ? 0 : errno;
	else {
		if ((pid = fork()) == -1) {
			snprintf(err, errlen, "fork: %s", strerror(errno));
			return -1;
		}
		if (pid == 0) {
			if (setgroups(1, &pw->pw_gid) == -1 ||
			    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
			    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
				_exit(EPERM);
			_exit(spool_access(c->spool_dir) == 0 ? 0 : errno);
		}
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : EPERM;
	}
	if (rc != 0) {
		snprintf(err, errlen, "spool %s: not writable by %s: %s "
		    "(its owner must be the agent's user)", c->spool_dir,
		    pw != NULL ? pw->pw_name : "this user", strerror(rc));
		return -1;
	}
	return 0;
}
