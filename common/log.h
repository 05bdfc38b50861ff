/* log.h: logging for the daemons and tools, to stderr or syslog. */
#ifndef TRACEPAIR_LOG_H
#define TRACEPAIR_LOG_H

#include <stdarg.h>

/* Call once; to_stderr=0 logs to syslog under ident.  verbose: 0..2. */
void	log_init(const char *ident, int to_stderr, int verbose);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Log and exit(1): only for main(), never in library-like modules. */
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
