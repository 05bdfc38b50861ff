/* test_probe_priv.c: after probe_drop_privileges(): other ids, no capabilities, no new raw socket. */
#include <sys/capability.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "probe.h"

/* 1 when fd is still an open raw socket that can be read from. */
static int
fcntl_ok(int fd)
{
	int	 type = 0;
	socklen_t len = sizeof(type);

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_RAW;
}

/* Child: drop, then check; exit status = number of the failed check. */
static int
child(const char *user)
{
	struct passwd	*pw = user ? getpwnam(user) : NULL;
	char		 err[256];
	cap_t		 caps, none;
	int		 fd, raw, c;

	if ((raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)) == -1)
		return 10;		/* opened before the drop */
	if (probe_drop_privileges(user, err, sizeof(err)) == -1) {
		fprintf(stderr, "# %s\n", err);
		return 11;
	}
	if (pw != NULL && (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid || getegid() != pw->pw_gid))
		return 12;
	caps = cap_get_proc();
	none = cap_init();
	c = cap_compare(caps, none);
	cap_free(caps);
	cap_free(none);
	if (c != 0)
		return 13;
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)) != -1 || errno != EPERM)
		return 14;
	if ((fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)) != -1 &&
	    errno != EAFNOSUPPORT)
		return 15;
	if (pw != NULL && setuid(0) == 0)
		return 16;
	/* The socket opened before still works (that is the point). */
	if (fcntl_ok(raw) == 0)
		return 17;
	return 0;
}

static void
run(const char *user)
{
	pid_t	 pid;
	int	 st;

	if (geteuid() != 0)
		skip();
	if (user != NULL && getpwnam(user) == NULL)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child(user));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_drop_to_nobody(void **state)
{
	(void)state;
	run("nobody");
}

static void
test_drop_caps_only(void **state)
{
	(void)state;
	run(NULL);
}

static void
test_unknown_user(void **state)
{
	char	 err[256];

	(void)state;
	assert_int_equal(probe_drop_privileges("no-such-user-tracepair", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no such user"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_to_nobody),
		cmocka_unit_test(test_drop_caps_only),
		cmocka_unit_test(test_unknown_user),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
