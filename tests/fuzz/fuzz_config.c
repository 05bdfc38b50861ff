/* fuzz_config.c: config_parse() and every lookup on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct config	*c;
	const char	*v;
	char		 err[256];
	long long	 n;
	int		 b, it = 0;

	if ((c = config_parse((const char *)data, len, "fuzz", err,
	    sizeof(err))) == NULL)
		return 0;
	(void)config_get(c, "listen");
	while ((v = config_next(c, "listen", &it)) != NULL)
		(void)v;
	(void)config_get_int(c, "port", 1, 65535, 4433, &n, err, sizeof(err));
	(void)config_get_bool(c, "debug", 0, &b, err, sizeof(err));
	(void)config_get_str(c, "name", "x");
	(void)config_unused(c, err, sizeof(err));
	config_free(c);
	return 0;
}
