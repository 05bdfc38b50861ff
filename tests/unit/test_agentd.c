/* test_agentd.c: the agent daemon's configuration file (defaults, every key, each mistake a user can make) and its check of a job's options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "agentd.h"
#include "probe_opts.h"
#include "wire.h"

/* Write text to a temporary file; its path goes into path. */
static void
conf_file(const char *text, char *path, size_t len)
{
	int	 fd;

	snprintf(path, len, "/tmp/tp-agentd-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

#define BASE "ca /etc/tp/ca.crt\ncert /etc/tp/a.crt\nkey /etc/tp/a.key\n"

/* Load text; returns the loader's result, err holds its message. */
static int
load(const char *text, struct agentd_config *c, char *err, size_t errlen)
{
	char	 path[64];
	int	 rc;

	conf_file(text, path, sizeof(path));
	err[0] = '\0';
	rc = agentd_config_load(path, c, err, errlen);
	unlink(path);
	return rc;
}

static void
test_defaults(void **state)
{
	struct agentd_config c;
	char	 err[256];

	(void)state;
	assert_int_equal(load("# minimal\ncontroller ctl.example\n" BASE, &c,
	    err, sizeof(err)), 0);
	assert_string_equal(c.controller_host, "ctl.example");
	assert_string_equal(c.controller_port, "7300");
	assert_string_equal(c.ca, "/etc/tp/ca.crt");
	assert_string_equal(c.cert, "/etc/tp/a.crt");
	assert_string_equal(c.key, "/etc/tp/a.key");
	assert_string_equal(c.spool_dir, "/var/lib/tracepair-agent");
	assert_null(c.user);
	assert_string_equal(c.probe_addr4, "");
	assert_string_equal(c.probe_addr6, "");
	assert_int_equal(c.max_jobs, 8);
	assert_int_equal(c.dns, 1);
	assert_int_equal(c.backoff_min_ms, 1000);
	assert_int_equal(c.backoff_max_ms, 60000);
	assert_int_equal(c.spool_max_bytes, 64u * 1024 * 1024);
	assert_true(c.pps == 0);
	agentd_config_clear(&c);
}

static void
test_every_key(void **state)
{
	struct agentd_config c;
	char	 err[256];

	(void)state;
	assert_int_equal(load("controller [2001:db8::1]:7400\n" BASE
	    "probe_addr4 198.18.1.10\nprobe_addr6 2001:db8:1::10\n"
	    "user tracepair\nspool /var/tmp/sp\nspool_max_mb 2\nmax_jobs 3\n"
	    "pps 500\ndns no\nbackoff_min_ms 200\nbackoff_max_ms 5000\n"
	    "connect_timeout_ms 3000\nidle_timeout_s 0\n"
	    "default_deadline_ms 9000\n", &c, err, sizeof(err)), 0);
	assert_string_equal(c.controller_host, "2001:db8::1");
	assert_string_equal(c.controller_port, "7400");
	assert_string_equal(c.probe_addr4, "198.18.1.10");
	assert_string_equal(c.probe_addr6, "2001:db8:1::10");
	assert_string_equal(c.user, "tracepair");
	assert_string_equal(c.spool_dir, "/var/tmp/sp");
	assert_int_equal(c.spool_max_bytes, 2u * 1024 * 1024);
	assert_int_equal(c.max_jobs, 3);
	assert_true(c.pps == 500);
	assert_int_equal(c.dns, 0);
	assert_int_equal(c.backoff_min_ms, 200);
	assert_int_equal(c.backoff_max_ms, 5000);
	assert_int_equal(c.connect_timeout_ms, 3000);
	assert_int_equal(c.idle_timeout_s, 0);
	assert_int_equal(c.default_deadline_ms, 9000);
	agentd_config_clear(&c);
}

static void
test_mistakes(void **state)
{
	static const struct {
		const char *text;	/* config file */
		const char *needle;	/* in the message */
	} cases[] = {
		{ BASE, "controller HOST:PORT' is required" },
		{ "controller c:7300\nca a\nkey k\n", "'cert' is required" },
		{ "controller c:7300\ncert c\nkey k\n", "'ca' is required" },
		{ "controller c:70000\n" BASE, "bad port" },
		{ "controller [2001:db8::1\n" BASE, "missing ']'" },
		{ "controller c\n" BASE "probe_addr4 198.18.1.300\n",
		    "not an IPv4 address" },
		{ "controller c\n" BASE "probe_addr6 198.18.1.3\n",
		    "not an IPv6 address" },
		{ "controller c\n" BASE "max_jobs 0\n", "max_jobs" },
		{ "controller c\n" BASE "spool_max_mb lots\n", "spool_max_mb" },
		{ "controller c\n" BASE "dns maybe\n", "dns" },
		{ "controller c\n" BASE "backoff_min_ms 5000\nbackoff_max_ms 100\n",
		    "backoff_max_ms is below" },
		{ "controller c\n" BASE "probe_address 198.18.1.1\n",
		    "unknown key 'probe_address'" },
	};
	struct agentd_config c;
	char	 err[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int	 rc = load(cases[i].text, &c, err, sizeof(err));

		if (rc != -1 || strstr(err, cases[i].needle) == NULL)
			fail_msg("case %zu: rc %d, message '%s', want '%s'", i,
			    rc, err, cases[i].needle);
		/* a failed load leaves nothing allocated */
		assert_null(c.ca);
		assert_null(c.spool_dir);
	}
}

static void
test_missing_file(void **state)
{
	struct agentd_config c;
	char	 err[256];

	(void)state;
	assert_int_equal(agentd_config_load("/nonexistent/agent.conf", &c, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/agent.conf"));
}

/* A job's options are refused for the decoding problem itself, dns or not. */
static void
test_job_opts(void **state)
{
	Tracepair__TraceOptions *m;
	struct probe_opts o;
	char	 err[256];
	int	 dns;

	(void)state;
	probe_opts_init(&o);
	snprintf(o.host, sizeof(o.host), "192.0.2.1");
	assert_non_null(m = wire_opts_to_pb(&o));
	for (dns = 0; dns <= 1; dns++) {
		assert_int_equal(agentd_job_opts(m, dns, &o, err, sizeof(err)),
		    0);
		assert_int_equal(o.no_dns, !dns);
	}
	/* a source the agent has, one it has not (spoofing), an interface */
	wire_free(m);
	snprintf(o.src, sizeof(o.src), "127.0.0.1");
	assert_non_null(m = wire_opts_to_pb(&o));
	assert_int_equal(agentd_job_opts(m, 0, &o, err, sizeof(err)), 0);
	wire_free(m);
	snprintf(o.src, sizeof(o.src), "198.51.100.77");
	assert_non_null(m = wire_opts_to_pb(&o));
	assert_int_equal(agentd_job_opts(m, 0, &o, err, sizeof(err)), -1);
	assert_string_equal(err, "source address 198.51.100.77 is not an "
	    "address of this agent");
	wire_free(m);
	o.src[0] = '\0';
	snprintf(o.iface, sizeof(o.iface), "lo");
	assert_non_null(m = wire_opts_to_pb(&o));
	assert_int_equal(agentd_job_opts(m, 0, &o, err, sizeof(err)), 0);
	wire_free(m);
	snprintf(o.iface, sizeof(o.iface), "tpnoif0");
	assert_non_null(m = wire_opts_to_pb(&o));
	assert_int_equal(agentd_job_opts(m, 0, &o, err, sizeof(err)), -1);
	assert_string_equal(err, "interface tpnoif0: not an interface of this "
	    "agent");
	o.iface[0] = '\0';
	m->iface[0] = '\0';
	m->method = 99;
	for (dns = 0; dns <= 1; dns++) {
		err[0] = '\0';
		assert_int_equal(agentd_job_opts(m, dns, &o, err, sizeof(err)),
		    -1);
		assert_string_equal(err, "unknown method 99");
	}
	wire_free(m);
}

/*
 * -n checks what start-up needs: the user exists, and the spool can be
 * written by that user (tried as that user when we are root).
 */
static void
test_check_runtime(void **state)
{
	struct agentd_config c;
	char	 err[256], dir[] = "/tmp/test_agentd_spool.XXXXXX", sub[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/spool", dir);
	memset(&c, 0, sizeof(c));
	c.spool_dir = sub;
	/* No user: this process; the spool does not exist yet but can be made. */
	assert_int_equal(agentd_config_check(&c, err, sizeof(err)), 0);
	c.user = (char *)(uintptr_t)"no-such-user-tp";
	assert_int_equal(agentd_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "user no-such-user-tp: no such user"));
	if (geteuid() == 0) {
		/* Root may write the root-owned 0700 directory; nobody may not. */
		assert_int_equal(chmod(dir, 0700), 0);
		c.user = (char *)(uintptr_t)"nobody";
		assert_int_equal(agentd_config_check(&c, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "not writable by nobody"));
		assert_int_equal(chmod(dir, 0777), 0);
		assert_int_equal(agentd_config_check(&c, err, sizeof(err)), 0);
	}
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_check_runtime),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_mistakes),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_job_opts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
