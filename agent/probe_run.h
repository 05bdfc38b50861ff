/* probe_run.h: the probe engine's own view of a run, shared by probe.c (sockets, sending, matching) and probe_loss.c (loss measurement in rounds); not an interface for other code. */
#ifndef TRACEPAIR_PROBE_RUN_H
#define TRACEPAIR_PROBE_RUN_H

#include <sys/queue.h>
#include <stdint.h>

#include "probe.h"
#include "probe_pkt.h"
#include "trace.h"

struct event;
struct resolve;

/* Where one probe stands. */
enum probe_state {
	PROBE_UNSENT = 0,	/* not sent yet */
	PROBE_INFLIGHT,		/* sent, no reply, not given up */
	PROBE_ANSWERED,		/* a matching reply arrived */
	PROBE_TIMEDOUT,		/* given up (adaptive wait), or the send failed */
	PROBE_DISCARDED,	/* beyond the destination: dropped from the result */
	PROBE_SKIPPED		/* loss run: not sent, to keep under the hop's
				   rate limit; dropped from the result */
};

/* Where one run stands. */
enum run_state {
	RUN_RESOLVING = 0,	/* waiting for the destination's address */
	RUN_PROBING,		/* sending and matching */
	RUN_NAMING,		/* probing over, waiting for reverse DNS */
	RUN_DONE		/* callback scheduled */
};

/* A token bucket: at most rate per second, bursts of at most depth. */
struct bucket {
	double		 rate;		/* tokens per second */
	double		 depth;		/* most tokens held */
	double		 tokens;	/* tokens now */
	double		 last;		/* when tokens was computed */
};

/* Engine-side state of one probe; its result lives in the trace. */
struct probe_slot {
	enum probe_state state;
	int		 ttl;
	double		 sent;		/* send time, UNIX seconds (kernel TX
					   timestamp once it is known) */
	double		 rx;		/* receive time of the answer */
	int		 dest;		/* the reply came from the destination */
	int		 heap_pos;	/* PROBE_INFLIGHT: place in its TTL's
					   heap (probe_run.heap), else -1 */
	struct trace_probe *tp;		/* result in run->trace */
};

/*
 * A loss run's view of one TTL (docs/probing.md): the ICMP echo child
 * measuring the hop's address, and the hop's rate limit once learned.
 * Rounds are paired by index: echo probe j goes with round round0 + j.
 */
struct ttl_loss {
	struct probe_run *run;		/* the loss run this belongs to */
	struct probe_run *echo;		/* running echo child, or NULL */
	int		 started;	/* an echo child was started */
	int		 round0;	/* round its probe 0 pairs with */
	int		 nsent;		/* echo probes sent (child finished) */
	uint8_t		*ok;		/* per echo probe: answered (finished) */
	int		 limited;	/* the limit is learned */
	int		 lim_round;	/* round from which TE probes are thinned */
	int		 every;		/* then one TE probe every that many rounds */
	double		 rate;		/* learned replies per second */
	int		 burst;		/* learned burst */
};

/* One trace in progress. */
struct probe_run {
	TAILQ_ENTRY(probe_run) entry;	/* in engine->runs */
	struct probe_engine *eng;
	uint64_t	 serial;	/* names the run in the TX ring */
	enum run_state	 state;
	struct probe_opts opts;		/* what was asked */
	struct probe_flow flow;		/* what every probe shares */
	int		 ifindex;	/* -i, 0 none */
	struct trace	*trace;		/* the result being filled in */
	int		 nprobes;	/* ttls * queries */
	struct probe_slot *slots;	/* index = (ttl - first) * queries + q */
	int		 next_send;	/* next slot to send */
	int		 inflight;	/* slots in PROBE_INFLIGHT */
	int		 unsent;	/* slots in PROBE_UNSENT */
	/*
	 * What run_check needs, kept up to date as probes change state
	 * instead of rescanning every slot on each reply: per TTL, the
	 * longest RTT answered, and the slots in flight as a min-heap on
	 * their send time (the earliest is the first to time out, since
	 * every probe of a TTL waits as long).  TTL k (= ttl - first_ttl)
	 * owns heap[k * queries ...], heapn[k] entries long.
	 */
	double		 here[TRACE_MAX_TTL + 2];	/* s, 0: none answered */
	int		*heap;		/* slot indices, nprobes long */
	int		 heapn[TRACE_MAX_TTL + 1];	/* entries per TTL */
	int		 terminal_ttl;	/* lowest TTL that ended the trace, 0 none */
	double		 last_send;	/* for -z */
	int		 sent_now;	/* sent in this pump: timeouts to arm */
	struct bucket	 bucket;	/* this run's own rate cap (opts.pps) */
	struct event	*ev_timer;	/* timeouts, pause, DNS wait */
	struct event	*ev_done;	/* deferred callback / failure */
	double		 naming_until;	/* RUN_NAMING: give up on names then */
	struct resolve	*resolve;	/* RUN_RESOLVING: the lookup */
	char		 err[160];	/* failure reported by ev_done */
	probe_done_cb	 cb;
	void		*cb_arg;
	/* Loss measurement in rounds (docs/probing.md). */
	int		 loss;		/* this run sends in rounds */
	int		 nttl;		/* TTLs: max_ttl - first_ttl + 1 */
	double		 interval;	/* s between rounds */
	double		 t0;		/* when round 0 began, 0 not yet */
	struct probe_run *parent;	/* an echo child: the run it serves */
	struct ttl_loss	*tl;		/* a loss run (not a child): per TTL */
	int		 children;	/* echo children still running */
	probe_progress_cb progress;	/* per finished round, or NULL */
	void		*progress_arg;
	int		 rounds_done;	/* reported to progress */
};

/* probe.c */
double		 now_real(void);
/*
 * A run, set up but not pumped (the caller pumps); parent: an echo child
 * of that loss run (set before the slots are made).
 */
struct probe_run *run_create(struct probe_engine *, const struct probe_opts *,
		    struct probe_run *parent, probe_done_cb, void *, char *,
		    size_t);
/* Give up on probes past their wait as of `at', finish the run when
   nothing is left, else arm its timer (probe.c has the details). */
void		 run_check(struct probe_run *, double at);

/* probe_loss.c (docs/probing.md) */
int		 order_slot(const struct probe_run *, int j);
int		 loss_skip(struct probe_run *, int idx);
void		 loss_echo_start(struct probe_run *, int k, const char *addr,
		    double now);
void		 loss_conclude(struct probe_run *, int keep);
void		 loss_progress(struct probe_run *, double now);

#endif
