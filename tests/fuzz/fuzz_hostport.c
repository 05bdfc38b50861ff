/* fuzz_hostport.c: hostport_split() (a controller address as agents, the CLI and the test driver are given it) on arbitrary bytes, with room to spare and with buffers one byte short. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostport.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Input: the address text (up to a NUL, or all of it).  Every split that
 * succeeds must give a NUL-terminated host and a port of digits in
 * 1..65535, within the buffers given.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const size_t hostlens[] = { 256, 16, 2, 1 };
	static const size_t portlens[] = { 8, 6, 5, 1 };
	char	*s, host[256], port[8], err[256];
	size_t	 i;
	long	 v;

	if ((s = malloc(len + 1)) == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	for (i = 0; i < sizeof(hostlens) / sizeof(hostlens[0]); i++) {
		memset(host, 'x', sizeof(host));
		memset(port, 'x', sizeof(port));
		if (hostport_split(s, i % 2 ? "7300" : "1", host, hostlens[i],
		    port, portlens[i], err, sizeof(err)) == -1)
			continue;
		if (memchr(host, '\0', hostlens[i]) == NULL ||
		    memchr(port, '\0', portlens[i]) == NULL)
			abort();
		if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port))
			abort();
		v = strtol(port, NULL, 10);
		if (v < 1 || v > 65535)
			abort();
	}
	free(s);
	return 0;
}
