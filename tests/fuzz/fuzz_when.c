/* fuzz_when.c: the CLI's --since parser (pairs_parse_when: an age or a UTC date/time) on arbitrary bytes, against several clocks. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Input: the text of --since.  Whatever it reads must be a finite time
 * not before 1970, and an age ("2h") no later than now.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const time_t nows[] = { 1796000000, 0, 59, 4102444800 };
	char	*s;
	double	 t;
	size_t	 i;

	if ((s = malloc(len + 1)) == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		if (pairs_parse_when(s, nows[i], &t) == -1)
			continue;
		if (!isfinite(t) || t < 0)
			abort();
		if (strchr(s, '-') == NULL && t > (double)nows[i])
			abort();	/* an age lies in the past */
	}
	free(s);
	return 0;
}
