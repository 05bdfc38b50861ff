/* hostport.c: split "host:port", "[v6]:port" or "host" as the agent, the CLI and the test driver write them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostport.h"

int
hostport_split(const char *s, const char *defport, char *host,
    size_t hostlen, char *port, size_t portlen, char *err, size_t errlen)
{
	const char *colon, *h = s;
	size_t	 hl;
	int	 n;

	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL) {
			snprintf(err, errlen, "'%s': missing ']'", s);
			return -1;
		}
		h = s + 1;
		hl = rb - h;
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (rb[1] != '\0' && colon == NULL) {
			snprintf(err, errlen, "'%s': junk after ']'", s);
			return -1;
		}
	} else {
		colon = strrchr(s, ':');
		if (colon != NULL && strchr(s, ':') != colon) {
			/* a bare IPv6 address: no port */
			colon = NULL;
		}
		hl = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (hl == 0 || hl >= hostlen) {
		snprintf(err, errlen, "'%s': bad host", s);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (colon != NULL) {
		char	*end;
		long	 p;

		errno = 0;
		p = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || errno || p < 1 ||
		    p > 65535) {
			snprintf(err, errlen, "'%s': bad port", s);
			return -1;
		}
		n = snprintf(port, portlen, "%ld", p);
	} else if (defport != NULL)
		n = snprintf(port, portlen, "%s", defport);
	else {
		snprintf(err, errlen, "'%s': no port", s);
		return -1;
	}
	if (n < 1 || (size_t)n >= portlen) {
		/* never a port cut short ("7300" as "73") */
		snprintf(err, errlen, "'%s': the port does not fit", s);
		return -1;
	}
	return 0;
}
