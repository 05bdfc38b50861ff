/* test_ctl.c: controller pieces without sockets: NTP-style clock samples, the configuration file, a pair started with no operator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/queue.h>

#include <cmocka.h>

#include "asn.h"
#include "ctl.h"
#include "hostport.h"

static void
test_clock_sample(void **state)
{
	int64_t	 off, rtt;
	int64_t	 ms = 1000000;

	(void)state;
	/* Agent 5 ms ahead, 2 ms each way, 1 ms inside the agent. */
	int64_t t1 = 1000 * ms, t2 = t1 + 2 * ms + 5 * ms, t3 = t2 + 1 * ms;
	int64_t t4 = t1 + 2 * ms + 1 * ms + 2 * ms;
	assert_int_equal(ctl_clock_sample(t1, t2, t3, t4, &off, &rtt), 0);
	assert_int_equal(off, 5 * ms);
	assert_int_equal(rtt, 4 * ms);
	/* Agent 30 ms behind, asymmetric 1 ms / 3 ms: offset off by 1 ms. */
	t2 = t1 + 1 * ms - 30 * ms;
	t3 = t2;
	t4 = t1 + 1 * ms + 3 * ms;
	assert_int_equal(ctl_clock_sample(t1, t2, t3, t4, &off, &rtt), 0);
	assert_int_equal(off, -31 * ms);
	assert_int_equal(rtt, 4 * ms);
	/* Inconsistent samples are refused. */
	assert_int_equal(ctl_clock_sample(t1, t2, t3, t1 - 1, &off, &rtt), -1);
	assert_int_equal(ctl_clock_sample(t1, t3 + 1, t3, t4, &off, &rtt), -1);
	assert_int_equal(ctl_clock_sample(0, t2, t3, t4, &off, &rtt), -1);
	/* The agent claims more time inside than the round trip took. */
	assert_int_equal(ctl_clock_sample(t1, t2, t2 + 10 * ms, t4, &off, &rtt),
	    -1);
}

static void
test_clock_filter(void **state)
{
	struct ctl_clock c;
	int64_t		 off, rtt;
	int		 i;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(ctl_clock_pick(&c, 100, 300, &off, &rtt), -1);
	/* A connect round: the 3 ms sample wins over queued 9..14 ms ones. */
	for (i = 0; i < 8; i++)
		ctl_clock_add(&c, 1000 + i, i == 5 ? 3000000 : 9000000 + i * 100000,
		    100 + i * 0.01);
	assert_int_equal(ctl_clock_pick(&c, 101, 300, &off, &rtt), 0);
	assert_int_equal(off, 1005);
	assert_int_equal(rtt, 3000000);
	/* Two periodic samples push the two oldest out; 3 ms still best. */
	ctl_clock_add(&c, 2000, 5000000, 160);
	ctl_clock_add(&c, 2001, 4000000, 160.01);
	assert_int_equal(c.nsamp, 8);
	assert_int_equal(ctl_clock_pick(&c, 161, 300, &off, &rtt), 0);
	assert_int_equal(off, 1005);
	/* Once the connect samples are too old, the periodic best counts. */
	assert_int_equal(ctl_clock_pick(&c, 450, 300, &off, &rtt), 0);
	assert_int_equal(off, 2001);
	assert_int_equal(rtt, 4000000);
	/* Eight newer samples replace the 3 ms one entirely. */
	for (i = 0; i < 8; i++)
		ctl_clock_add(&c, 3000 + i, 7000000 - i, 200 + i);
	assert_int_equal(ctl_clock_pick(&c, 210, 300, &off, &rtt), 0);
	assert_int_equal(off, 3007);
	assert_int_equal(ctl_clock_pick(&c, 900, 300, &off, &rtt), -1);
}

static char dir[64];

/* A new temporary dir holding the empty ca, cert and key a config names. */
static void
make_dir(void)
{
	const char	*files[] = { "ca", "cert", "key" };
	char		 p[128];
	size_t		 i;

	snprintf(dir, sizeof(dir), "/tmp/test_ctl.XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		fclose(fopen(p, "w"));
	}
}

/* Remove what make_dir and write_conf made. */
static void
remove_dir(void)
{
	const char	*files[] = { "ca", "cert", "key", "c.conf" };
	char		 p[128];
	size_t		 i;

	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

/*
 * Write a config with the files it names made to exist; its database in
 * dir unless body names one (the default's directory, /var/lib/tracepair,
 * need not exist where the tests run, and the load checks it is writable).
 */
static const char *
write_conf(const char *body)
{
	static char	 path[128];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/c.conf", dir);
	f = fopen(path, "w");
	fprintf(f, "ca %s/ca\ncert %s/cert\nkey %s/key\n%s", dir, dir, dir, body);
	if (strstr(body, "database ") == NULL)
		fprintf(f, "\ndatabase %s/c.db\n", dir);
	fclose(f);
	return path;
}

static void
test_conf(void **state)
{
	struct ctl_conf	 c;
	char		 err[512], p[128];
	size_t		 i;

	(void)state;
	make_dir();
	assert_int_equal(ctl_conf_load(&c, write_conf(
	    "listen 198.18.0.1:4433\nlisten [2001:db8::1]:4433\n"
	    "clock_interval 30\nframe_limit 65536\ndatabase /tmp/x.db\n"),
	    err, sizeof(err)), 0);
	assert_int_equal(c.nlisten, 2);
	assert_string_equal(c.listen[1], "[2001:db8::1]:4433");
	assert_int_equal(c.clock_interval_s, 30);
	assert_int_equal(c.frame_limit, 65536);
	assert_int_equal(c.pair_margin_ms, 200);
	assert_null(c.crl);
	assert_string_equal(c.database, "/tmp/x.db");
	ctl_conf_free(&c);

	/* Defaults: both families on the one port agents and the CLI dial. */
	assert_int_equal(ctl_conf_load(&c, write_conf(""), err, sizeof(err)), 0);
	assert_int_equal(c.nlisten, 2);
	assert_string_equal(c.listen[0], "[::]:" TP_DEFAULT_PORT);
	assert_string_equal(c.listen[1], "0.0.0.0:" TP_DEFAULT_PORT);
	assert_string_equal(TP_DEFAULT_PORT, "7300");
	ctl_conf_free(&c);

	/* Each mistake gets one line naming it. */
	static const struct { const char *body, *want; } bad[] = {
		{ "listen 198.18.0.1\n", "want ADDRESS:PORT" },
		{ "listen nowhere:1\n", "want ADDRESS:PORT" },
		{ "frame_limit 10\n", "out of range" },
		{ "clock_interval 200\n", "idle_timeout must be at least" },
		{ "crl /nonexistent/crl.pem\n", "not readable" },
		{ "colour blue\n", "unknown key 'colour'" },
		{ "pair_timeout_ms 900000\n", "larger than max_timeout_ms" },
	};
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(ctl_conf_load(&c, write_conf(bad[i].body), err,
		    sizeof(err)), -1);
		if (strstr(err, bad[i].want) == NULL)
			fail_msg("'%s': got '%s'", bad[i].body, err);
	}
	snprintf(p, sizeof(p), "%s/key", dir);
	unlink(p);
	assert_int_equal(ctl_conf_load(&c, write_conf(""), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "key"));
	remove_dir();
}

/* pfx2as FILE: loaded with the configuration, a bad table is "FILE:LINE: reason". */
static void
test_conf_pfx2as(void **state)
{
	struct ctl_conf	 c;
	char		 err[512], p[160], t[128], body[192];
	FILE		*f;

	(void)state;
	make_dir();
	snprintf(t, sizeof(t), "%s/pfx2as", dir);
	assert_non_null(f = fopen(t, "w"));
	fprintf(f, "# comment\n198.18.10.0 24 64498\n2001:db8:10:: 48 64497\n");
	fclose(f);
	snprintf(body, sizeof(body), "pfx2as %s\n", t);
	assert_int_equal(ctl_conf_load(&c, write_conf(body), err, sizeof(err)), 0);
	assert_string_equal(c.pfx2as, t);
	assert_non_null(c.asn);
	assert_int_equal(asn_lookup(c.asn, "198.18.10.26"), 64498);
	assert_int_equal(asn_lookup(c.asn, "2001:db8:10:7::2"), 64497);
	ctl_conf_free(&c);

	/* none configured: no table */
	assert_int_equal(ctl_conf_load(&c, write_conf(""), err, sizeof(err)), 0);
	assert_null(c.asn);
	assert_null(c.pfx2as);
	ctl_conf_free(&c);

	/* a bad third line */
	assert_non_null(f = fopen(t, "w"));
	fprintf(f, "198.18.10.0 24 64498\n\n198.18.11.0 33 64498\n");
	fclose(f);
	assert_int_equal(ctl_conf_load(&c, write_conf(body), err, sizeof(err)), -1);
	snprintf(p, sizeof(p), "%s:3: ", t);
	if (strncmp(err, p, strlen(p)) != 0)
		fail_msg("got '%s'", err);
	/* a missing table */
	unlink(t);
	assert_int_equal(ctl_conf_load(&c, write_conf(body), err, sizeof(err)), -1);
	assert_non_null(strstr(err, t));
	remove_dir();
}

/* What the finish hook of a pair saw. */
struct finish_seen {
	int	 calls;		/* times called */
	char	 status[16];	/* rec->sp.status */
	char	 reason[128];	/* rec->sp.reason */
	char	 pair_id[48];	/* rec->sp.pair_id */
};

static void
finish_hook(struct ctl *ctl, const struct ctl_pair_record *rec, void *arg)
{
	struct finish_seen *f = arg;

	(void)ctl;
	f->calls++;
	snprintf(f->status, sizeof(f->status), "%s", rec->sp.status);
	snprintf(f->reason, sizeof(f->reason), "%s",
	    rec->sp.reason ? rec->sp.reason : "");
	snprintf(f->pair_id, sizeof(f->pair_id), "%s", rec->sp.pair_id);
}

/*
 * ctl_pair_start with no operator session (as the scheduler starts pairs):
 * a pair that cannot run is recorded as failed, the finish hook hears it
 * once, and the store holds it; a pair of one agent with itself is refused
 * without a record.
 */
static void
test_pair_start_no_operator(void **state)
{
	struct ctl		 ctl;
	struct ctl_agent	 a, b;
	struct ctl_pair_origin	 origin;
	struct probe_opts	 o;
	struct finish_seen	 seen;
	struct store_pair	 sp;
	Tracepair__ErrorCode	 code;
	char			 db[] = "/tmp/test_ctl_pair.XXXXXX", path[64],
				 err[256];
	int			 fd;

	(void)state;
	assert_true((fd = mkstemp(db)) != -1);
	close(fd);
	snprintf(path, sizeof(path), "%s", db);
	ctl_init(&ctl);
	snprintf(ctl.id_prefix, sizeof(ctl.id_prefix), "test");
	unlink(path);
	assert_non_null(ctl.store = store_open(path, err, sizeof(err)));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	snprintf(a.name, sizeof(a.name), "sf");
	snprintf(b.name, sizeof(b.name), "chi");
	snprintf(a.tenant, sizeof(a.tenant), "acme");
	snprintf(b.tenant, sizeof(b.tenant), "acme");
	snprintf(a.probe4, sizeof(a.probe4), "198.18.0.1");
	snprintf(b.probe4, sizeof(b.probe4), "198.18.0.2");
	probe_opts_init(&o);

	memset(&seen, 0, sizeof(seen));
	memset(&origin, 0, sizeof(origin));
	origin.tenant = "acme";
	origin.operator_name = "schedule:test";
	origin.on_finish = finish_hook;
	origin.finish_arg = &seen;
	/* Both offline: recorded as failed, heard once, no operator needed. */
	assert_int_equal(ctl_pair_start(&ctl, &origin, &a, &b, &o, 0, &code,
	    err, sizeof(err)), 0);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.status, "failed");
	assert_string_equal(seen.reason, "agent sf offline");
	assert_int_equal(store_pair_get(ctl.store, seen.pair_id, &sp, err,
	    sizeof(err)), 1);
	assert_string_equal(sp.status, "failed");
	assert_string_equal(sp.tenant, "acme");
	assert_string_equal(sp.operator_name, "schedule:test");
	store_pair_free(&sp);
	assert_true(TAILQ_EMPTY(&ctl.pairs));

	/* One agent with itself: refused, nothing recorded, hook silent. */
	assert_int_equal(ctl_pair_start(&ctl, &origin, &a, &a, &o, 0, &code,
	    err, sizeof(err)), -1);
	assert_int_equal(code, TRACEPAIR__ERROR_CODE__ERROR_BAD_REQUEST);
	assert_string_equal(err, "a pair needs two different agents");
	assert_int_equal(seen.calls, 1);

	store_close(ctl.store);
	ctl_conf_free(&ctl.conf);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_sample),
		cmocka_unit_test(test_clock_filter),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_conf_pfx2as),
		cmocka_unit_test(test_pair_start_no_operator),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
