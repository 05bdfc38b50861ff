/* hostport.h: split "host:port", "[v6]:port" or "host" as the agent, the CLI and the test driver write them. */
#ifndef TRACEPAIR_HOSTPORT_H
#define TRACEPAIR_HOSTPORT_H

#include <stddef.h>

/*
 * The controller's one port: it listens there by default, and agents, the
 * CLI and the test driver dial it when a controller address has none.
 */
#define TP_DEFAULT_PORT	"7300"

/*
 * Split s into host and port (digits, 1..65535); a missing port becomes
 * defport (with defport NULL, a port is required).  A bare IPv6 address (two colons or more, no brackets) has no
 * port.  Returns -1 with a one-line reason in err (also when the host or
 * the port does not fit its buffer).
 */
int	hostport_split(const char *s, const char *defport, char *host,
	    size_t hostlen, char *port, size_t portlen, char *err, size_t errlen);

#endif
