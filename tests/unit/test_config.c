/* test_config.c: the "key value" config parser: values, comments, quotes, repeats, typed lookups, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static struct config *
parse(const char *text, char *err, size_t errlen)
{
	return config_parse(text, strlen(text), "t.conf", err, errlen);
}


/* A key given twice is an error naming both lines (listen may repeat). */
static void
test_single(void **state)
{
	const char	 text[] = "a 1\nlisten x\nb 2\nlisten y\na 3\n";
	struct config	*c;
	char		 err[128];

	(void)state;
	assert_non_null(c = config_parse(text, sizeof(text) - 1, "f", err,
	    sizeof(err)));
	assert_int_equal(config_single(c, "listen", err, sizeof(err)), -1);
	assert_string_equal(err, "f:5: 'a' given again (first on line 1)");
	config_free(c);
	assert_non_null(c = config_parse(text, 12, "f", err, sizeof(err)));
	assert_int_equal(config_single(c, "listen", err, sizeof(err)), 0);
	config_free(c);
}

static void
test_values(void **state)
{
	struct config	*c;
	char		 err[256];
	const char	*v;
	long long	 n;
	int		 b, it = 0;

	(void)state;
	c = parse("# comment\n\nlisten 198.18.0.1:4433\n  listen [2001:db8::1]:4433 # v6\n"
	    "key \"/etc/a b#c\"\nport 4433\ndebug off\nempty\nname a#b\n", err,
	    sizeof(err));
	assert_non_null(c);
	assert_string_equal(config_next(c, "listen", &it), "198.18.0.1:4433");
	assert_string_equal(config_next(c, "listen", &it), "[2001:db8::1]:4433");
	assert_null(config_next(c, "listen", &it));
	assert_string_equal(config_get(c, "key"), "/etc/a b#c");
	assert_int_equal(config_get_int(c, "port", 1, 65535, 0, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 4433);
	assert_int_equal(config_get_bool(c, "debug", 1, &b, err, sizeof(err)), 0);
	assert_int_equal(b, 0);
	assert_string_equal(config_get(c, "empty"), "");
	/* '#' not after a blank is part of the value. */
	assert_string_equal(config_get(c, "name"), "a#b");
	assert_int_equal(config_unused(c, err, sizeof(err)), 0);
	v = config_get_str(c, "absent", "dflt");
	assert_string_equal(v, "dflt");
	config_free(c);
}

static void
test_errors(void **state)
{
	struct config	*c;
	char		 err[256];
	long long	 n;
	int		 b;

	(void)state;
	assert_null(parse("ok 1\nk@y v\n", err, sizeof(err)));
	assert_string_equal(err, "t.conf:2: bad character in key");
	assert_null(parse("key \"open\n", err, sizeof(err)));
	assert_non_null(strstr(err, "unterminated quote"));
	assert_null(config_parse("a b\0c\n", 6, "t.conf", err, sizeof(err)));
	assert_non_null(strstr(err, "NUL"));

	c = parse("port 70000\nretries x\nflag maybe\ntypo 1\n", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(config_get_int(c, "port", 1, 65535, 0, &n, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "t.conf:1: port: 70000 out of range 1..65535");
	assert_int_equal(config_get_int(c, "retries", 0, 9, 0, &n, err,
	    sizeof(err)), -1);
	assert_int_equal(config_get_bool(c, "flag", 0, &b, err, sizeof(err)), -1);
	assert_int_equal(config_unused(c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:4: unknown key 'typo'");
	config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
