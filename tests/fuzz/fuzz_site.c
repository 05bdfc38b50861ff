/* fuzz_site.c: what an agent's Hello and the test environment hand to the site code: a site method (probe_site_method_parse), stand-in address ranges (addrclass_set_test) and addresses (addrclass_of), on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addrclass.h"
#include "probe_opts.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Input: up to four NUL- or newline-separated strings: a site method,
 * a private range list, a CGNAT range list, an address.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*buf, *part[4] = { "", "", "", "" }, *p;
	enum trace_method m;
	int		 port, i = 0;
	char		 err[256];

	if ((buf = malloc(len + 1)) == NULL)
		return 0;
	memcpy(buf, data, len);
	buf[len] = '\0';
	for (p = buf, part[0] = buf; i < 3 && (p = strpbrk(p, "\n")) != NULL;) {
		*p++ = '\0';
		part[++i] = p;
	}
	(void)probe_site_method_parse(part[0], &m, &port, err, sizeof(err));
	if (addrclass_set_test(part[1], part[2], err, sizeof(err)) == 0) {
		(void)addrclass_of(part[3]);
		(void)addrclass_inside(part[3]);
		(void)addrclass_of("198.18.64.1");
		(void)addrclass_of("2001:db8::1");
	}
	(void)addrclass_set_test(NULL, NULL, err, sizeof(err));
	free(buf);
	return 0;
}
