/* probe_priv.c: the privilege drop after the raw sockets are open, and its verification. */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/capability.h>

#include <netinet/in.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

/*
 * Order: (1) give up every capability in the bounding set (needs
 * CAP_SETPCAP, so first), (2) groups, gid, uid — all three ids, so none
 * can be regained, (3) clear permitted/effective/inheritable and the
 * ambient set, (4) no new privileges through exec, (5) verify: ids as
 * asked, no capability left, and a new raw socket refused.
 */
int
probe_drop_privileges(const char *user, char *err, size_t errlen)
{
	struct passwd	*pw = NULL;
	uid_t		 ruid, euid, suid;
	gid_t		 rgid, egid, sgid;
	cap_t		 caps;
	cap_flag_value_t v;
	cap_value_t	 c;
	int		 fd;

	if (user != NULL && (pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "--user %s: no such user", user);
		return -1;
	}
	if (prctl(PR_CAPBSET_READ, 0, 0, 0, 0) >= 0) {
		for (c = 0; c <= CAP_LAST_CAP; c++)
			if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1 &&
			    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1 &&
			    errno != EINVAL && errno != EPERM) {
				snprintf(err, errlen, "PR_CAPBSET_DROP: %s",
				    strerror(errno));
				return -1;
			}
	}
	/*
	 * Already that user (a unit with User= and the raw-socket capability
	 * as an ambient one): nothing to switch, and no CAP_SETUID to do it.
	 */
	if (pw != NULL && getresuid(&ruid, &euid, &suid) == 0 &&
	    getresgid(&rgid, &egid, &sgid) == 0 && ruid == pw->pw_uid &&
	    euid == pw->pw_uid && suid == pw->pw_uid && rgid == pw->pw_gid &&
	    egid == pw->pw_gid && sgid == pw->pw_gid && pw->pw_uid != 0)
		;
	else if (pw != NULL) {
		if (setgroups(1, &pw->pw_gid) == -1 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
			snprintf(err, errlen, "cannot become %s: %s", user,
			    strerror(errno));
			return -1;
		}
	}
	if ((caps = cap_init()) == NULL || cap_set_proc(caps) == -1) {
		snprintf(err, errlen, "cannot drop capabilities: %s",
		    strerror(errno));
		if (caps)
			cap_free(caps);
		return -1;
	}
	cap_free(caps);
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}

	/* Verify. */
	if (pw != NULL) {
		if (getresuid(&ruid, &euid, &suid) == -1 ||
		    getresgid(&rgid, &egid, &sgid) == -1 ||
		    ruid != pw->pw_uid || euid != pw->pw_uid || suid != pw->pw_uid ||
		    rgid != pw->pw_gid || egid != pw->pw_gid || sgid != pw->pw_gid) {
			snprintf(err, errlen, "privilege drop to %s did not hold",
			    user);
			return -1;
		}
	}
	if ((caps = cap_get_proc()) == NULL) {
		snprintf(err, errlen, "cap_get_proc: %s", strerror(errno));
		return -1;
	}
	for (c = 0; c <= CAP_LAST_CAP; c++) {
		if ((cap_get_flag(caps, c, CAP_EFFECTIVE, &v) == 0 && v) ||
		    (cap_get_flag(caps, c, CAP_PERMITTED, &v) == 0 && v)) {
			cap_free(caps);
			snprintf(err, errlen, "capability %d survived the drop", c);
			return -1;
		}
	}
	cap_free(caps);
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)) != -1) {
		close(fd);
		snprintf(err, errlen, "a raw socket can still be opened after the drop");
		return -1;
	}
	return 0;
}
