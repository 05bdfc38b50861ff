/* probe.h: the probe engine: raw sockets, probes in flight, replies matched to probes. */
#ifndef TRACEPAIR_PROBE_H
#define TRACEPAIR_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "probe_opts.h"
#include "trace.h"

struct event_base;
struct evdns_base;
struct probe_engine;		/* sockets + global rate cap, shared by runs */
struct probe_run;		/* one trace in progress */

/*
 * Start-up order (privileged part kept small, as mtr and OpenBSD do):
 *   1. probe_engine_new()      opens every raw socket (needs CAP_NET_RAW)
 *   2. probe_drop_privileges() setresuid/setresgid to user, clears all
 *                              capabilities, and verifies the drop
 *   3. only then read input from the network / start runs.
 */
struct probe_engine *probe_engine_new(struct event_base *, struct evdns_base *,
	    char *err, size_t errlen);
/* user NULL: keep the uid (already unprivileged) but still drop caps. */
int	probe_drop_privileges(const char *user, char *err, size_t errlen);
/* Global probe-rate cap over all runs (probes per second, 0 = default). */
void	probe_engine_set_rate(struct probe_engine *, double pps);
void	probe_engine_free(struct probe_engine *);
/* ICMP that matched no probe / was malformed, over the engine's life. */
void	probe_engine_counters(const struct probe_engine *, uint64_t *unmatched,
	    uint64_t *malformed);
/*
 * The reverse-DNS cache: a name is kept ttl seconds, a lookup that gave
 * no name ttl_none seconds, and at most max entries (the oldest finished
 * one goes first).  0 for any: the default (3600 s, 300 s, 4096).
 */
void	probe_engine_set_names(struct probe_engine *, double ttl,
	    double ttl_none, int max);

/*
 * TCP segments the engine has read from its raw TCP sockets (IPv4 and
 * IPv6).  A socket filter passes only possible replies (SYN-ACK, RST+ACK)
 * to flow ports, so other TCP traffic on the host does not count here.
 */
uint64_t probe_engine_tcp_read(const struct probe_engine *);

/*
 * Called once when a run ends.  The trace belongs to the callee (trace_free).
 * On failure trace is NULL and err says why in one line.
 */
typedef void (*probe_done_cb)(struct trace *trace, const char *err, void *arg);

/*
 * Start a trace now.  Resolves opts->host (numeric or via DNS), sends all
 * TTLs under the rate cap, matches replies strictly.  Returns NULL with a
 * reason in err when the run cannot start (bad host, no route, ...).
 * Runs on one engine share its sockets; each gets its own flow identifier
 * (UDP/TCP source port, ICMP echo id), which is how replies find their run.
 * A name given to an engine with an evdns base is resolved asynchronously:
 * an unknown name then arrives as the callback's err.
 */
struct probe_run *probe_start(struct probe_engine *, const struct probe_opts *,
	    probe_done_cb, void *arg, char *err, size_t errlen);
/* Stop a run; its callback is not called. */
void	probe_cancel(struct probe_run *);

/* Where a loss run (docs/probing.md) stands, after each round. */
struct probe_progress {
	int		 rounds_done;	/* rounds sent and answered or given up */
	int		 rounds;	/* rounds in all */
	double		 seconds_left;	/* until the last round is in */
	int		 worst_ttl;	/* the hop losing most so far, 0 none */
	double		 worst_loss;	/* its loss, percent */
};
typedef void (*probe_progress_cb)(const struct probe_progress *, void *arg);
/* Ask a loss run for its progress after each round (NULL: stop). */
void	probe_set_progress(struct probe_run *, probe_progress_cb, void *arg);

#endif
