/* cli_args.c: the operator CLI's shared argument helpers: flags taken out of argv in place. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probe_opts.h"

static void
argv_remove(int *argc, char **argv, int i, int n)
{
	memmove(&argv[i], &argv[i + n], (*argc - i - n + 1) * sizeof(*argv));
	*argc -= n;
}

int
cli_take_bool(int *argc, char **argv, const char *flag)
{
	int	 i, found = 0;

	for (i = 0; i < *argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], flag) == 0) {
			argv_remove(argc, argv, i--, 1);
			found = 1;
		}
	return found;
}

enum cli_layout
cli_take_layout(int *argc, char **argv)
{
	enum cli_layout	 l = CLI_LAYOUT_AUTO;

	if (cli_take_bool(argc, argv, "--classic"))
		l = CLI_LAYOUT_CLASSIC;
	if (cli_take_bool(argc, argv, "--summary"))
		l = CLI_LAYOUT_SUMMARY;
	return l;
}


int
cli_take_value(int *argc, char **argv, const char *flag, const char **value)
{
	return cli_take_values(argc, argv, flag, value, 1, NULL);
}

int
cli_take_values(int *argc, char **argv, const char *flag,
    const char **values, int max, int *n)
{
	size_t	 fl = strlen(flag);
	int	 i, got = 0;
	const char *v;

	values[0] = NULL;
	if (n != NULL)
		*n = 0;
	for (i = 0; i < *argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], flag, fl) != 0)
			continue;
		if (argv[i][fl] == '=') {
			v = argv[i] + fl + 1;
			argv_remove(argc, argv, i--, 1);
		} else if (argv[i][fl] == '\0') {
			if (i + 1 >= *argc)
				return -1;
			v = argv[i + 1];
			argv_remove(argc, argv, i--, 2);
		} else
			continue;
		/* one value: the last wins; several: in order, up to max */
		if (n == NULL)
			values[0] = v;
		else if (got >= max)
			return -2;
		else
			values[got++] = v;
	}
	if (n != NULL)
		*n = got;
	return 0;
}

uint32_t
cli_loss_timeout(const struct probe_opts *o, uint32_t ms)
{
	double	 need;

	if (ms != 0 || !probe_opts_loss(o))
		return ms;
	/* the rounds, then as long again as a pair's default allows */
	need = o->queries * probe_opts_interval(o) + 60;
	return need > 3600 ? 3600000 : (uint32_t)(need * 1000);
}

int
cli_take_timeout(const char *cmd, int *argc, char **argv, uint32_t *ms)
{
	const char	*tmo;
	char		*end;
	double		 secs;

	*ms = 0;
	if (cli_take_value(argc, argv, "--timeout", &tmo) == -1) {
		cli_errx(cmd, "--timeout needs a value in seconds");
		return -1;
	}
	if (tmo == NULL)
		return 0;
	/* Written so that NaN ("--timeout nan") fails too. */
	secs = strtod(tmo, &end);
	if (*end != '\0' || !(secs > 0 && secs <= 3600)) {
		cli_errx(cmd, "--timeout %s: want seconds in (0, 3600]", tmo);
		return -1;
	}
	*ms = (uint32_t)(secs * 1000);
	return 0;
}
