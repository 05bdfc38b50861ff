/* config.h: "key value" configuration files shared by the agent and the controller. */
#ifndef TRACEPAIR_CONFIG_H
#define TRACEPAIR_CONFIG_H

#include <stddef.h>

/*
 * Syntax: one "key value" per line; key is [A-Za-z0-9_.-]+, value is the
 * rest of the line with surrounding blanks removed (may be empty); a line
 * whose first non-blank character is '#' is a comment, and so is anything
 * after a '#' that follows a blank; blank lines are ignored.  A value may
 * be written in double quotes to keep a '#' or blanks ("a # b").  A key
 * may repeat (config_next walks every value).  Lines are at most
 * CONFIG_LINE_MAX bytes, NUL bytes are refused.
 */
#define CONFIG_LINE_MAX		4096
#define CONFIG_MAX_ENTRIES	4096

/* One "key value" line. */
struct config_entry {
	char		*key;		/* [A-Za-z0-9_.-]+ */
	char		*value;		/* rest of the line, unquoted, may be "" */
	int		 line;		/* 1-based line number */
	int		 used;		/* set by the lookups; see config_unused */
};

/* A parsed file. */
struct config {
	char		*name;		/* file name for messages */
	int		 nents;
	struct config_entry *ents;
};

/* Parse text (need not be NUL-terminated).  NULL with "name:line: reason". */
struct config	*config_parse(const char *text, size_t len, const char *name,
		    char *err, size_t errlen);
/* Read and parse a file.  NULL with a reason. */
struct config	*config_load(const char *path, char *err, size_t errlen);
void		 config_free(struct config *);

/* Last value of key, or NULL. */
const char	*config_get(struct config *, const char *key);
/* Value of key or def. */
const char	*config_get_str(struct config *, const char *key,
		    const char *def);
/*
 * Values of a repeated key, in file order: start with *iter = 0; returns
 * NULL when there are no more.
 */
const char	*config_next(struct config *, const char *key, int *iter);
/*
 * -1 with "name:line: 'key' given again (first on line N)" when a key other
 * than repeatable (NULL: none) appears twice: a second value silently
 * winning over the first is a mistake to report, not to guess.
 */
int		 config_single(const struct config *, const char *repeatable,
		    char *err, size_t errlen);
/* Integer in [min,max], def when absent.  -1 with "name:line: reason". */
int		 config_get_int(struct config *, const char *key, long long min,
		    long long max, long long def, long long *out, char *err,
		    size_t errlen);
/* yes/no/true/false/on/off/1/0, def when absent.  -1 with a reason. */
int		 config_get_bool(struct config *, const char *key, int def,
		    int *out, char *err, size_t errlen);
/*
 * After every lookup: -1 with "name:line: unknown key 'x'" when a line was
 * never looked up (a typo should not pass silently).
 */
int		 config_unused(const struct config *, char *err, size_t errlen);

#endif
