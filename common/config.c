/* config.c: parse "key value" configuration files (syntax in config.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

#define CONFIG_FILE_MAX	(1024 * 1024)

static int
config_add(struct config *c, const char *k, size_t klen, const char *v,
    size_t vlen, int line)
{
	struct config_entry	*e, *n;

	if (c->nents >= CONFIG_MAX_ENTRIES)
		return -1;
	n = realloc(c->ents, sizeof(*n) * (size_t)(c->nents + 1));
	if (n == NULL)
		return -1;
	c->ents = n;
	e = &c->ents[c->nents];
	e->key = strndup(k, klen);
	e->value = strndup(v, vlen);
	e->line = line;
	e->used = 0;
	if (e->key == NULL || e->value == NULL) {
		free(e->key);
		free(e->value);
		return -1;
	}
	c->nents++;
	return 0;
}

static int
is_key_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '.' || ch == '-';
}

/* Parse one line (without its newline).  -1 with the reason in why. */
static int
config_line(struct config *c, const char *p, size_t len, int line,
    const char **why)
{
	size_t	 i = 0, ks, ke, vs, ve;

	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	if (i == len || p[i] == '#')
		return 0;
	ks = i;
	while (i < len && is_key_char((unsigned char)p[i]))
		i++;
	ke = i;
	if (ke == ks) {
		*why = "expected a key";
		return -1;
	}
	if (i < len && p[i] != ' ' && p[i] != '\t' && p[i] != '\r') {
		*why = "bad character in key";
		return -1;
	}
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < len && p[i] == '"') {
		vs = ++i;
		while (i < len && p[i] != '"')
			i++;
		if (i == len) {
			*why = "unterminated quote";
			return -1;
		}
		ve = i++;
		while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
		if (i < len && p[i] != '#') {
			*why = "text after quoted value";
			return -1;
		}
	} else {
		vs = i;
		ve = i;
		while (i < len) {
			if (p[i] == '#' && (i == vs || p[i - 1] == ' ' ||
			    p[i - 1] == '\t'))
				break;
			i++;
			ve = i;
		}
		while (ve > vs && (p[ve - 1] == ' ' || p[ve - 1] == '\t' ||
		    p[ve - 1] == '\r'))
			ve--;
	}
	if (config_add(c, p + ks, ke - ks, p + vs, ve - vs, line) == -1) {
		*why = c->nents >= CONFIG_MAX_ENTRIES ? "too many lines" :
		    "out of memory";
		return -1;
	}
	return 0;
}

struct config *
config_parse(const char *text, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct config	*c;
	const char	*why = NULL;
	size_t		 pos = 0, end;
	int		 line = 0;

	if (name == NULL)
		name = "config";
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->name = strdup(name)) == NULL) {
		free(c);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	while (pos < len) {
		line++;
		end = pos;
		while (end < len && text[end] != '\n') {
			if (text[end] == '\0') {
				why = "NUL byte";
				goto fail;
			}
			end++;
		}
		if (end - pos > CONFIG_LINE_MAX) {
			why = "line too long";
			goto fail;
		}
		if (config_line(c, text + pos, end - pos, line, &why) == -1)
			goto fail;
		pos = end + 1;
	}
	return c;
fail:
	snprintf(err, errlen, "%s:%d: %s", name, line, why);
	config_free(c);
	return NULL;
}

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct config	*c;
	FILE		*f;
	char		*buf;
	size_t		 n;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(CONFIG_FILE_MAX + 1)) == NULL) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	n = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		c = NULL;
	} else if (n > CONFIG_FILE_MAX) {
		snprintf(err, errlen, "%s: file too large", path);
		c = NULL;
	} else
		c = config_parse(buf, n, path, err, errlen);
	fclose(f);
	free(buf);
	return c;
}

void
config_free(struct config *c)
{
	int	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nents; i++) {
		free(c->ents[i].key);
		free(c->ents[i].value);
	}
	free(c->ents);
	free(c->name);
	free(c);
}

static struct config_entry *
config_find(struct config *c, const char *key)
{
	struct config_entry	*found = NULL;
	int			 i;

	for (i = 0; i < c->nents; i++)
		if (strcmp(c->ents[i].key, key) == 0) {
			c->ents[i].used = 1;
			found = &c->ents[i];
		}
	return found;
}

const char *
config_get(struct config *c, const char *key)
{
	struct config_entry	*e = config_find(c, key);

	return e ? e->value : NULL;
}

const char *
config_get_str(struct config *c, const char *key, const char *def)
{
	const char	*v = config_get(c, key);

	return v ? v : def;
}

const char *
config_next(struct config *c, const char *key, int *iter)
{
	for (; *iter >= 0 && *iter < c->nents; (*iter)++)
		if (strcmp(c->ents[*iter].key, key) == 0) {
			c->ents[*iter].used = 1;
			return c->ents[(*iter)++].value;
		}
	return NULL;
}

int
config_get_int(struct config *c, const char *key, long long min,
    long long max, long long def, long long *out, char *err, size_t errlen)
{
	struct config_entry	*e = config_find(c, key);
	long long		 v;
	char			*end;

	if (e == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	v = strtoll(e->value, &end, 10);
	if (e->value[0] == '\0' || *end != '\0' || errno != 0) {
		snprintf(err, errlen, "%s:%d: %s: not a number: '%s'", c->name,
		    e->line, key, e->value);
		return -1;
	}
	if (v < min || v > max) {
		snprintf(err, errlen, "%s:%d: %s: %lld out of range %lld..%lld",
		    c->name, e->line, key, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
config_get_bool(struct config *c, const char *key, int def, int *out,
    char *err, size_t errlen)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	struct config_entry	*e = config_find(c, key);
	size_t			 i;

	if (e == NULL) {
		*out = def;
		return 0;
	}
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(e->value, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(e->value, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	snprintf(err, errlen, "%s:%d: %s: expected yes or no, not '%s'",
	    c->name, e->line, key, e->value);
	return -1;
}

int
config_unused(const struct config *c, char *err, size_t errlen)
{
	int	 i;

	for (i = 0; i < c->nents; i++)
		if (!c->ents[i].used) {
			snprintf(err, errlen, "%s:%d: unknown key '%s'",
			    c->name, c->ents[i].line, c->ents[i].key);
			return -1;
		}
	return 0;
}

int
config_single(const struct config *c, const char *repeatable, char *err,
    size_t errlen)
{
	int	 i, j;

	for (i = 1; i < c->nents; i++) {
		if (repeatable != NULL && strcmp(c->ents[i].key, repeatable) == 0)
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(c->ents[i].key, c->ents[j].key) == 0) {
				snprintf(err, errlen, "%s:%d: '%s' given again "
				    "(first on line %d)", c->name,
				    c->ents[i].line, c->ents[i].key,
				    c->ents[j].line);
				return -1;
			}
	}
	return 0;
}
