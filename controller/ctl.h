/* ctl.h: the controller daemon's shared state and the interfaces of its ctl_* modules. */
#ifndef TRACEPAIR_CTL_H
#define TRACEPAIR_CTL_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "frame.h"
#include "probe_opts.h"
#include "store.h"
#include "tls.h"
#include "trace.h"

#define CTL_SOFTWARE		"tracepair-controller 0.1"
#define CTL_MAX_LISTEN		8
#define CTL_ADDR_LEN		64	/* "[v6]:port" */

struct event_base;
struct event;
struct evconnlistener;
struct config;
struct asn_table;

/* Settings from the configuration file (ctl_conf.c). */
struct ctl_conf {
	int		 nlisten;	/* entries used in listen[] */
	char		 listen[CTL_MAX_LISTEN][CTL_ADDR_LEN];	/* "addr:port" */
	char		*ca, *cert, *key, *crl;	/* PEM files */
	char		*database;	/* SQLite file */
	long long	 frame_limit;	/* bytes */
	long long	 max_connections;	/* sessions at once */
	int		 max_connections_set;	/* given in the file (else the
						   default, lowered to fit the
						   descriptor limit) */
	long long	 max_per_address;	/* sessions at once from one IP */
	long long	 hello_timeout_s;	/* TLS + Hello must finish within */
	long long	 idle_timeout_s;	/* close a peer silent this long */
	long long	 clock_interval_s;	/* resync every agent this often */
	long long	 clock_pings;	/* pings per sync round at connect */
	long long	 clock_pings_periodic;	/* pings per periodic round */
	long long	 clock_batch;	/* periodic rounds started per tick at most */
	long long	 pair_margin_ms;	/* added to 2 x RTT for the start instant */
	long long	 pair_timeout_ms;	/* default deadline of a pair/trace */
	long long	 max_timeout_ms;	/* largest deadline an operator may ask */
	long long	 follow_up_budget_ms;	/* a pair and its follow-up round
					   together, from its start; 0: none */
	char		*pfx2as;	/* pfx2as table file, NULL when none */
	char		*evidence_key;	/* Ed25519 key signing evidence packages, or NULL */
	char		*evidence_cert;	/* its signer certificate (tp-pki.sh issue DIR signer) */
	long long	 keep_s;	/* retention: pairs and traces older go; 0 = keep all */
	char		*alert_command;	/* run with each alert's JSON on stdin, or NULL */
	char		*alert_webhook;	/* https:// URL each alert is POSTed to, or NULL */
	char		*alert_webhook_ca;	/* CA file checking its certificate (NULL: system) */
	long long	 alert_remind_h;	/* reminder of an open alert every N hours */
	long long	 schedule_grace_s;	/* after a start, slots wait this long for agents */
	struct asn_table *asn;	/* that table, loaded; NULL when none */
};

/* Where a session is in its life. */
enum ctl_sess_state {
	CTL_SESS_TLS = 0,	/* handshake running */
	CTL_SESS_HELLO,		/* identified, waiting for the peer's Hello */
	CTL_SESS_READY,		/* Hello exchanged */
	CTL_SESS_CLOSING	/* frame_conn_close issued */
};

struct ctl_agent;

/* One accepted TLS connection (an agent or an operator). */
struct ctl_session {
	TAILQ_ENTRY(ctl_session) entry;		/* ctl->sessions */
	TAILQ_ENTRY(ctl_session) pend_entry;	/* ctl->pending, while pending */
	int		 pending;	/* on ctl->pending (TLS or Hello to come) */
	struct ctl	*ctl;	/* the daemon */
	struct frame_conn *fc;	/* framed TLS connection */
	enum ctl_sess_state state;	/* where it is */
	char		 addr[CTL_ADDR_LEN];	/* peer "ip:port" */
	char		 ip[TRACE_ADDR_LEN];	/* peer address alone */
	struct tls_peer	 peer;		/* from the certificate */
	double		 opened;	/* UNIX time accepted */
	double		 last_rx;	/* UNIX time of the last frame */
	struct ctl_agent *agent;	/* registry entry (agents, when READY) */
	int		 progress;	/* its Hello lists "progress" */
	/*
	 * The tenant of the operator request being handled (ctl_op_scope):
	 * the certificate's O for an operator, Envelope.tenant or every
	 * tenant (scope_all) for an MSP operator.
	 */
	char		 scope[TLS_NAME_LEN];
	int		 scope_all;
	TAILQ_ENTRY(ctl_session) close_entry;	/* ctl->closingq, while closing */
	int		 on_closingq;	/* on ctl->closingq */
	double		 closing_since;	/* UNIX time it began closing */
	int		 counted;	/* counted in ctl->addrtab */
	int		 inflight;	/* pairs/traces it waits for */
	double		 last_says;	/* last Error text of it logged */
	unsigned long	 says_quiet;	/* its Errors not logged since */
};

/* Sessions from one source address (ctl_session.c). */
struct ctl_addrcount {
	struct ctl_addrcount *next;	/* same bucket */
	int		 n;		/* sessions open from ip */
	char		 ip[TRACE_ADDR_LEN];
};
#define CTL_ADDRTAB	1024	/* buckets */
/*
 * PairGetReply bodies built once and sent to many (ctl_history.c): the
 * last CTL_RCACHE_N finished pairs asked for, each kept CTL_RCACHE_SECS.
 */
#define CTL_RCACHE_N	8
#define CTL_RCACHE_SECS	60
struct ctl_rcache;
/* Output a peer may leave unread before the controller stops reading it. */
#define CTL_OUT_HWM	(1024 * 1024)
/* Pairs and traces one operator session may have running at once. */
#define CTL_OP_INFLIGHT	32
/* Descriptors kept beside the sessions (listeners, store, logs, files). */
#define CTL_FD_RESERVE	64
/* Seconds a refused session may take to flush its Error before it is cut. */
#define CTL_CLOSE_SECS	6

#define CTL_CLOCK_SAMPLES	8	/* recent samples the filter picks from */

/*
 * Clock state of one agent (ctl_clock.c).  Like NTP's clock filter, the
 * offset is the one of the smallest-RTT sample among the last
 * CTL_CLOCK_SAMPLES (no older than 5 sync intervals): a full round at
 * connect fills the ring, cheaper periodic rounds refresh it.
 */
struct ctl_clock {
	int		 synced;	/* at least one round finished */
	int64_t		 offset_ns;	/* agent - controller, chosen sample */
	int64_t		 rtt_ns;	/* RTT of that sample */
	int		 pings_left;	/* of the round in progress; 0 = idle */
	int64_t		 ping_t1;	/* t1 of the ping in flight, 0 none */
	int		 nsamp;		/* valid entries of the ring */
	int		 next;		/* ring slot of the next sample */
	int64_t		 samp_off[CTL_CLOCK_SAMPLES];	/* sample offsets */
	int64_t		 samp_rtt[CTL_CLOCK_SAMPLES];	/* sample RTTs */
	double		 samp_t[CTL_CLOCK_SAMPLES];	/* UNIX time taken */
	double		 next_sync;	/* UNIX time the next round is due */
};

/* One agent the controller knows (online or not). */
/* What the controller knows of the NAT in front of an agent. */
enum ctl_nat {
	CTL_NAT_NONE = 0,	/* local and public address are one (or unknown) */
	CTL_NAT_NAT,		/* they differ: a NAT on the way */
	CTL_NAT_CGNAT		/* and carrier-grade NAT space (RFC 6598) on the
				   way out: the public address is shared */
};

struct ctl_agent {
	TAILQ_ENTRY(ctl_agent) entry;		/* ctl->agents */
	TAILQ_ENTRY(ctl_agent) sync_entry;	/* ctl->syncq, while online */
	TAILQ_ENTRY(ctl_agent) dirty_entry;	/* ctl->dirtyq, while dirty */
	int		 in_sync;	/* on ctl->syncq */
	char		 name[TLS_NAME_LEN];	/* certificate CN */
	char		 tenant[TLS_NAME_LEN];	/* certificate O */
	char		 version[64];	/* Hello.software */
	char		 address[CTL_ADDR_LEN];	/* last peer address */
	char		 probe4[TRACE_ADDR_LEN];	/* Hello.probe_addr4, else the
						   public address if IPv4 */
	char		 probe6[TRACE_ADDR_LEN];	/* Hello.probe_addr6, else the
						   public address if IPv6 */
	char		 local[TRACE_ADDR_LEN];	/* Hello.local_addr ("" unknown) */
	char		 public_addr[TRACE_ADDR_LEN];	/* its connection arrives from */
	int		 nat;		/* enum ctl_nat */
	char		 site_method[24];	/* Hello.site_method ("" any) */
	struct ctl_session *sess;	/* NULL when offline */
	double		 connected_since;	/* 0 offline */
	double		 last_seen;	/* UNIX time of its last message */
	struct ctl_clock clock;	/* offset and RTT */
	int		 dirty;		/* store row out of date */
	int		 resend_due;	/* a result of it the store failed */
};

struct ctl_job;
struct ctl_pair;
struct followup_info;
struct ctl_pair_record;
struct ctl_ingest;
struct ctl_sched;
struct ctl_sched_run;
struct ctl_alerts;
struct ctl_finish_retry;
/* Pair rows the store failed to finish, retried each tick, at most: */
#define CTL_FINISHQ_MAX	4096
/* Seconds between asking agents to resend what the store failed. */
#define CTL_RESEND_SECS	5

/* The daemon. */
struct ctl {
	struct event_base *base;	/* the one event loop */
	struct ctl_conf	 conf;	/* configuration */
	SSL_CTX		*ssl_ctx;	/* server context (TLS 1.3, client certs) */
	struct store	*store;	/* SQLite store */
	int		 nlisteners;	/* entries used in listeners[] */
	struct evconnlistener *listeners[CTL_MAX_LISTEN];	/* one per listen line */
	int		 listeners_paused;	/* after EMFILE, until the next tick */
	int		 listeners_full;	/* at max_connections, until one ends */
	TAILQ_HEAD(, ctl_session) closingq;	/* refused, Error being flushed */
	struct ctl_addrcount *addrtab[CTL_ADDRTAB];	/* sessions per source IP */
	struct ctl_rcache *rcache[CTL_RCACHE_N];	/* stored pairs' replies */
	int		 resend_pending;	/* some agent has resend_due */
	double		 resend_at;	/* ask them again (Ping.resend_spool) */
	TAILQ_HEAD(, ctl_finish_retry) finishq;	/* pair rows to write */
	int		 nfinishq;	/* entries on finishq */
	double		 refuse_logged;	/* last per-address refusal logged */
	unsigned long	 refused_quiet;	/* refusals not logged since */
	struct event	*tick;		/* the one periodic timer (1 s) */
	struct event	*sig_int, *sig_term, *sig_hup;	/* signals through the loop */
	TAILQ_HEAD(, ctl_session) sessions;
	int		 nsessions;	/* entries in sessions */
	/*
	 * The 1 s tick never walks every connection: it looks at sessions
	 * still in TLS/Hello (pending), at the head of the sync queue
	 * (online agents by next_sync: a round moves its agent to the tail,
	 * so the queue stays ordered) and at the agents whose row changed.
	 */
	TAILQ_HEAD(, ctl_session) pending;	/* in TLS or Hello, oldest first */
	TAILQ_HEAD(, ctl_agent) syncq;	/* online agents by next_sync */
	TAILQ_HEAD(, ctl_agent) dirtyq;	/* rows to write */
	TAILQ_HEAD(, ctl_agent) agents;	/* every known agent */
	int		 nagents_online;	/* agents with a session */
	TAILQ_HEAD(, ctl_job) jobs;	/* jobs waiting for a result */
	TAILQ_HEAD(, ctl_pair) pairs;	/* pairs and single traces in progress */
	TAILQ_HEAD(, ctl_sched) scheds;	/* schedules and meshes (ctl_sched.c) */
	TAILQ_HEAD(, ctl_sched_run) sched_runs;	/* their runs in flight */
	int		 nscheds;	/* entries in scheds */
	double		 sched_since;	/* when the schedules were loaded (the grace) */
	struct ctl_alerts *alerts;	/* alert deliveries (ctl_alert.c) */
	uint64_t	 next_id;	/* job / pair id counter */
	char		 id_prefix[24];	/* unique per controller run */
	/* ctl_store.c: results waiting for their commit, and retention */
	TAILQ_HEAD(, ctl_ingest) ingestq;	/* in arrival order */
	int		 ningest;	/* entries in ingestq */
	struct event	*ingest_ev;	/* flushes ingestq once the loop turns */
	struct event	*prune_ev;	/* the next retention batch */
	long long	 pruned;	/* rows removed by this run of pruning */
};

/* A job sent to an agent, waiting for its JobResult (ctl_pair.c). */
struct ctl_job {
	TAILQ_ENTRY(ctl_job) entry;	/* ctl->jobs */
	char		 id[48];	/* job id ("j-PREFIX-N") */
	struct ctl_pair	*pair;		/* the pair or single trace it belongs to */
	int		 side;		/* 0 = A / the agent, 1 = B */
	char		 agent[TLS_NAME_LEN];	/* who runs it */
	char		 tenant[TLS_NAME_LEN];	/* certificate O */
	int		 done;		/* result or failure recorded */
	struct trace	*trace;		/* result, or NULL */
	char		 error[256];	/* why there is no trace */
	int64_t		 offset_ns;	/* the agent's offset when sent */
};

/* A paired trace (two jobs) or a single trace (one job) in progress. */
struct ctl_pair {
	TAILQ_ENTRY(ctl_pair) entry;	/* ctl->pairs */
	char		 id[48];	/* pair id, or the job id of a single trace */
	int		 single;	/* 1: TraceRequest, one job */
	struct ctl_session *op;		/* operator to answer, NULL if gone */
	uint64_t	 request_id;	/* of the operator's request */
	char		 tenant[TLS_NAME_LEN];	/* certificate O */
	char		 agent[2][TLS_NAME_LEN];	/* A, B */
	struct ctl_job	*job[2];	/* A -> B, B -> A (job[1] NULL if single) */
	double		 deadline;	/* UNIX time */
	/*
	 * The follow-up round (docs/analysis.md): when the first round is
	 * inconclusive, job[] become the second round's jobs and first[]
	 * keeps the first round's until the pair ends.
	 */
	int		 follow_up;	/* 1: a follow-up round may run */
	int		 round;		/* 1, or 2 while the follow-up runs */
	double		 started;	/* UNIX time it started (the budget's start) */
	struct probe_opts *opts;	/* [2]: each side's options, NULL single */
	struct ctl_job	*first[2];	/* round 1's jobs during round 2, else NULL */
	struct followup_info *fu;	/* what the follow-up did, NULL: nothing
					   to say (the first round decided) */
	/* Told how the pair ended (ctl_pair_start's origin); NULL: nobody. */
	void		(*on_finish)(struct ctl *, const struct ctl_pair_record *,
			    void *);
	void		*finish_arg;	/* for on_finish */
};

/* ctl_conf.c */
void	 ctl_conf_init(struct ctl_conf *);
/* The daemon's state, empty: every queue initialised, the defaults in conf. */
void	 ctl_init(struct ctl *);
/* Read FILE.  -1 with "file:line: reason". */
int	 ctl_conf_load(struct ctl_conf *, const char *path, char *err,
	    size_t errlen);
void	 ctl_conf_free(struct ctl_conf *);
/*
 * max_connections against RLIMIT_NOFILE: raise the soft limit to what it
 * needs (when apply), lower a default max_connections to fit; -1 with a
 * reason when a configured one cannot fit under the hard limit.
 */
int	 ctl_conf_fdlimit(struct ctl_conf *, int apply, char *err,
	    size_t errlen);


/*
 * The daemon's files stand in layers; a file calls only the layers below
 * it, never back up (docs/architecture.md):
 *
 *   controller.c                 main, signals, the 1 s tick
 *   ctl_session.c                listeners, TLS sessions, routing by role
 *   ctl_sched.c, ctl_alert.c     schedules, meshes, history; alerts
 *                                (ctl_spread.c: where their runs go)
 *                                (ctl_change.c, ctl_culprit.c: pure)
 *   ctl_pair.c                   pairs and single traces, results
 *                                (ctl_followup.c: a pair's follow-up round)
 *   ctl_history.c                stored pairs read back, their replies
 *   ctl_clock.c                  clock offsets (pings)
 *   ctl_registry.c               the agents known, online or not
 *   ctl_reply.c, store_sqlite.c  sending and refusing, the clock; the store
 *
 * ctl_conf.c reads the configuration for controller.c.
 */

/* ctl_reply.c: the bottom layer. */
int64_t	 ctl_now_ns(void);
double	 ctl_now(void);
/* "role name (tenant) at addr" of a session, for log lines (static buffer). */
const char *ctl_who(const struct ctl_session *);
/*
 * Queue env to s.  When it cannot (the frame is too large, or memory ran
 * out while queueing), the session is refused and closed: a reply that was
 * built but cannot be sent leaves the peer nothing else to wait for.
 */
int	 ctl_send(struct ctl_session *, const frame_env *env);
/* Send Error{code, msg}, log the reason with the peer identity, close. */
void	 ctl_session_refuse(struct ctl_session *, uint64_t request_id,
	    Tracepair__ErrorCode code, const char *msg);
/* The session no longer waits for TLS or Hello (off ctl->pending). */
void	 ctl_session_unpend(struct ctl_session *);
/*
 * Reply Error{code, msg} to a request; the connection stays.  The one
 * out-of-memory policy of the daemon: a reply that cannot be built is
 * answered with ERROR_INTERNAL "out of memory" this way.
 */
void	 ctl_reply_error(struct ctl_session *op, uint64_t request_id,
	    Tracepair__ErrorCode code, const char *msg);

/* ctl_session.c: the top of the daemon, below controller.c. */
int	 ctl_listen(struct ctl *, char *err, size_t errlen);
void	 ctl_listen_close(struct ctl *);
/* Tick work: TLS/Hello timeouts of pending sessions, resume paused listeners. */
void	 ctl_session_tick(struct ctl *, double now);
/*
 * The session s (zeroed, malloc'd) of a connection accepted from addr
 * ("ip:port") and ip, over bev: framed, on ctl->sessions and
 * ctl->pending, in its TLS handshake.  -1 when out of memory (bev and s
 * are the caller's still).  ctl_accept makes every session this way, over
 * TLS; the fuzz target of the message handlers (tests/fuzz/fuzz_ctlmsg.c)
 * over a bufferevent pair.
 */
struct bufferevent;
int	 ctl_session_start(struct ctl *, struct ctl_session *s,
	    struct bufferevent *bev, const char *addr, const char *ip);
/*
 * The handshake is done and s->peer holds the certificate's identity:
 * refuse a role that may not connect or a certificate without a tenant
 * (-1: s may be gone), else wait for the Hello (0).
 */
int	 ctl_session_admit(struct ctl_session *s);
/* An operator of one tenant or an MSP operator (every tenant). */
int	 ctl_role_operator(enum tls_role);
/*
 * The tenant an operator request is about: NULL for an MSP operator that
 * named none (every tenant), else that one tenant.  Every operator request
 * reads, lists and acts through it only, so that another tenant's agent
 * or pair is as absent as one that never existed.
 */
const char *ctl_op_tenant(const struct ctl_session *op);
void	 ctl_session_close_all(struct ctl *);

/* ctl_registry.c */
/* Load known agents from the store (all offline). */
int	 ctl_registry_load(struct ctl *, char *err, size_t errlen);
/*
 * An agent session finished its Hello: register it (newest wins: an older
 * session of the same tenant/name is closed).  NULL on memory exhaustion.
 */
struct ctl_agent *ctl_registry_online(struct ctl *, struct ctl_session *,
	    const Tracepair__Hello *);
/*
 * The agent's session ended: mark it offline.  The session's close path
 * (ctl_session.c) then stops its clock and fails the jobs it was running.
 */
void	 ctl_registry_offline(struct ctl *, struct ctl_agent *);
/* A pair found carrier-grade NAT space on the agent's way out. */
void	 ctl_registry_note_cgnat(struct ctl *, struct ctl_agent *);
/* "", "nat" or "cgnat" for an enum ctl_nat. */
const char *ctl_registry_nat_name(int);
/* The agent's store row is out of date (flushed on the next tick). */
void	 ctl_registry_dirty(struct ctl *, struct ctl_agent *);
/* The agent of tenant named name, or NULL (another tenant's is NULL too). */
struct ctl_agent *ctl_registry_find(struct ctl *, const char *tenant,
	    const char *name);
/* Write rows that changed, in one transaction. */
void	 ctl_registry_flush(struct ctl *);
void	 ctl_registry_free(struct ctl *);
/* AgentsReply for an operator of tenant. */
void	 ctl_registry_reply(struct ctl *, struct ctl_session *op,
	    uint64_t request_id);

/* ctl_clock.c */
/* One NTP-style sample from t1..t4 (ns).  -1 when inconsistent. */
int	 ctl_clock_sample(int64_t t1, int64_t t2, int64_t t3, int64_t t4,
	    int64_t *offset, int64_t *rtt);
/* Add one sample to the ring. */
void	 ctl_clock_add(struct ctl_clock *, int64_t offset, int64_t rtt,
	    double now);
/*
 * The smallest-RTT sample no older than max_age.  -1 when there is none.
 */
int	 ctl_clock_pick(const struct ctl_clock *, double now, double max_age,
	    int64_t *offset, int64_t *rtt);
/* Start a round of n pings to an agent now; it goes to the sync queue's tail. */
void	 ctl_clock_start(struct ctl *, struct ctl_agent *, int n);
/* The agent went offline: off the sync queue. */
void	 ctl_clock_stop(struct ctl *, struct ctl_agent *);
void	 ctl_clock_pong(struct ctl *, struct ctl_agent *,
	    const Tracepair__Pong *);
/*
 * Tick work: agents due at the head of the sync queue (at most
 * clock_batch per tick) are checked for silence (idle_timeout) and start
 * a periodic round.
 */
void	 ctl_clock_tick(struct ctl *, double now);

/* ctl_history.c */
/* A stored pair with everything its PairReply carries (ctl_history.c). */
struct ctl_pair_record {
	struct store_pair sp;	/* the pair row */
	struct trace	*fwd;	/* A -> B, NULL when none is stored */
	struct trace	*rev;	/* B -> A, NULL when none is stored */
	char		*json;	/* the analysis JSON, NULL when none */
	char		*report;	/* the text report, NULL when none */
};

/*
 * Read pair_id of tenant (NULL: any, for an MSP operator) back from the
 * store: 1 found (free it with ctl_pair_record_free), 0 when there is none
 * or it is another tenant's (the caller cannot tell the two apart), -1
 * with a reason.
 */
int	 ctl_pair_load(struct ctl *, const char *tenant, const char *pair_id,
	    struct ctl_pair_record *, char *err, size_t errlen);
void	 ctl_pair_record_free(struct ctl_pair_record *);
/*
 * The one builder of a PairReply (the answer to PairRequest, and the pair
 * in PairGetReply): strings point into rec, the traces are new
 * (ctl_pair_reply_clear).  -1 when out of memory.
 */
int	 ctl_pair_reply_fill(Tracepair__PairReply *,
	    const struct ctl_pair_record *rec);
void	 ctl_pair_reply_clear(Tracepair__PairReply *);
/* Send rec as the PairReply to request_id of op (an Error when out of memory). */
void	 ctl_pair_reply_send(struct ctl_session *op, uint64_t request_id,
	    const struct ctl_pair_record *rec);
#define CTL_PAIRS_DEFAULT	20	/* PairsRequest.limit 0 */
#define CTL_PAIRS_MAX		1000	/* largest PairsRequest.limit */
#define CTL_PAIR_ID_MAX		64	/* longest pair id PairGetRequest takes */
/* PairsReply: the operator's tenant's stored pairs, newest first. */
void	 ctl_pairs_request(struct ctl *, struct ctl_session *op,
	    uint64_t request_id, const Tracepair__PairsRequest *);
/*
 * Why id cannot be a pair id (NULL when it can): letters, digits, '-',
 * '_' and '.', at most CTL_PAIR_ID_MAX.
 */
const char *ctl_pair_id_bad(const char *id);
/* PairGetReply: one stored pair of the operator's tenant. */
void	 ctl_pair_get_request(struct ctl *, struct ctl_session *op,
	    uint64_t request_id, const Tracepair__PairGetRequest *);
/* Drop the cached replies (at exit; those still being sent go after). */
void	 ctl_rcache_free(struct ctl *);

/* ctl_evidence.c */
/*
 * EvidenceReply: a signed evidence package (docs/evidence.md) of stored
 * pairs of the operator's tenant, redacted as asked before signing.
 */
void	 ctl_evidence_request(struct ctl *, struct ctl_session *op,
	    uint64_t request_id, const Tracepair__EvidenceRequest *);

/* ctl_pair.c */
/*
 * Called once when a pair ends (ok, partial or failed, also when it is
 * refused before any job is sent), with the record of how it ended as
 * stored: the scheduler's history and alerting hang here.  rec and what
 * it points to are valid only during the call.
 */
typedef void	 (*ctl_pair_finish_fn)(struct ctl *, const struct ctl_pair_record *rec,
		    void *arg);
/* Who starts a pair, and who hears how it ended. */
struct ctl_pair_origin {
	const char	*tenant;	/* the tenant whose agents run it */
	const char	*operator_name;	/* stored with the pair ("" none) */
	struct ctl_session *op;		/* operator to answer, or NULL */
	uint64_t	 request_id;	/* of op's request */
	ctl_pair_finish_fn on_finish;	/* NULL: nobody else listens */
	void		*finish_arg;	/* passed to on_finish */
	char		*id_out;	/* when not NULL: gets the pair id (48 bytes) */
	int		 follow_up;	/* 1: an inconclusive first round, or one
					   decided below 0.90, gets a follow-up
					   round (operators' pairs) */
};
/*
 * Start a paired trace of agents a and b (both of origin->tenant) with
 * options base (host unset: each side traces to the other's probe
 * address), deadline timeout_ms (0: the configured default).  0 when the
 * pair exists (started, or recorded as failed because an agent is offline
 * or unmeasured: either way it ends through on_finish and the operator,
 * if any, gets its PairReply); -1 when nothing was started or recorded,
 * with the error code and reason for the requester.  No operator session
 * is needed: the scheduler calls this with origin->op NULL.
 */
int	 ctl_pair_start(struct ctl *, const struct ctl_pair_origin *origin,
	    struct ctl_agent *a, struct ctl_agent *b,
	    const struct probe_opts *base, uint32_t timeout_ms,
	    Tracepair__ErrorCode *code, char *err, size_t errlen);
void	 ctl_pair_request(struct ctl *, struct ctl_session *op,
	    uint64_t request_id, const Tracepair__PairRequest *);
void	 ctl_trace_request(struct ctl *, struct ctl_session *op,
	    uint64_t request_id, const Tracepair__TraceRequest *);
/*
 * An agent's Progress for one of its jobs: passed on to the operator
 * waiting for that pair or trace if it asked for progress; anything out of
 * range or not the agent's own job is dropped.
 */
void	 ctl_job_progress(struct ctl *, struct ctl_session *,
	    const Tracepair__Progress *);
void	 ctl_job_result(struct ctl *, struct ctl_session *,
	    uint64_t request_id, const Tracepair__JobResult *);
/*
 * After the store's word on a result (ctl_store.c): the ResultAck (s NULL
 * when the session closed meanwhile: none), and the job done.  Takes t.
 */
void	 ctl_job_stored(struct ctl *, struct ctl_session *s,
	    uint64_t request_id, const char *jid, const char *agent,
	    const char *tenant, struct trace *t, const char *errline,
	    enum store_result res, const char *err);
/* The agent's session ended: its running jobs fail with reason. */
void	 ctl_jobs_agent_gone(struct ctl *, const char *tenant,
	    const char *name, const char *reason);
/* The operator's session ended: its pairs run on, unanswered. */
void	 ctl_pairs_operator_gone(struct ctl *, struct ctl_session *);
/*
 * Tick work: deadlines; pair rows the store failed to finish are written
 * again; agents whose results the store failed are asked to resend them.
 */
void	 ctl_pair_tick(struct ctl *, double now);
void	 ctl_pair_free_all(struct ctl *);
/* A pair's jobs, shared with its follow-up round (ctl_followup.c). */
struct ctl_job	*ctl_job_new(struct ctl *, struct ctl_pair *p, int side,
		    const struct ctl_agent *a);
/* Record a job in the store and send it.  -1 with a reason. */
int		 ctl_job_send(struct ctl *, struct ctl_agent *a,
		    struct ctl_job *j, const struct probe_opts *o,
		    double start_ctl, int64_t start_at_agent_ns,
		    uint32_t deadline_ms, char *err, size_t errlen);
/* The analysis of two traces of pair p, NULL (logged) when it fails. */
struct analysis	*ctl_analysis_run(struct ctl *, const struct ctl_pair *p,
		    const struct trace *fwd, const struct trace *rev);
/* An agent's job deadline out of ms left to the controller's own. */
uint32_t	 ctl_agent_deadline(uint32_t ms);
/* Why agent a cannot take a job now, or NULL when it can. */
const char	*ctl_agent_unready(const struct ctl_agent *a, int need_clock,
		    char *buf, size_t len);

/* ctl_followup.c */
/*
 * Pair p's first round is in: start its follow-up round when its analysis
 * is inconclusive or not firm (1: p->job[] are the new round's jobs), or
 * record why none runs (0).  docs/analysis.md 3c.
 */
int	 ctl_follow_up(struct ctl *, struct ctl_pair *p);
/* The end of p's follow-up round: each direction's rounds merged into
   mt[d] (NULL: the first round's stands), p->fu told what was merged. */
void	 ctl_follow_up_merge(struct ctl_pair *p, struct trace *mt[2]);

/*
 * ctl_store.c: the store's work in the event loop.  Results are queued
 * (ctl_ingest_add takes t) and stored together once the loop has read
 * what arrived, in one transaction (one fsync), at most CTL_INGEST_MAX at
 * a time; then each is acked (ctl_job_stored).  Retention (conf keep_s)
 * prunes in batches of CTL_PRUNE_BATCH, one per turn of the loop while
 * old rows are left, then every CTL_PRUNE_IDLE_S.
 */
#define CTL_JOB_ID_MAX		128	/* longest job id accepted from an agent */
#define CTL_INGEST_MAX		256
#define CTL_PRUNE_BATCH		50
#define CTL_PRUNE_IDLE_S	60
int	 ctl_store_start(struct ctl *, char *err, size_t errlen);
void	 ctl_ingest_add(struct ctl *, struct ctl_session *, uint64_t request_id,
	    const char *jid, struct trace *t, const char *errline);
/* Store and ack what is queued now (also at shutdown). */
void	 ctl_ingest_flush(struct ctl *);
/* A session closes: its queued results are stored but not acked. */
void	 ctl_ingest_forget(struct ctl *, struct ctl_session *);
void	 ctl_store_stop(struct ctl *);
/* conf keep_s as the config writes it: "90d", "36h" or "5400s". */
const char *ctl_keep_text(const struct ctl *, char *buf, size_t len);
/* ---- Schedules, meshes, history, alerts (docs/history.md) */

/* ctl_change.c: a run compared with the one before it (pure). */
struct json_t;
/* One finished run as compared. */
struct ctl_run_view {
	const char	*status;	/* "ok", "partial", "failed" */
	const char	*reason;	/* why not ok */
	const struct trace *fwd, *rev;	/* NULL when absent */
	struct json_t	*an;		/* its analysis object, or NULL */
};
/*
 * The changes from prev to cur as a JSON array of objects (docs/history.md):
 * status, routers, as-path, divergence, loss-onset/-cleared,
 * delay-onset/-cleared, suspect-new/-cleared, verdict.  Empty when prev
 * is NULL.  NULL on memory exhaustion.
 */
struct json_t	*ctl_change_diff(const struct ctl_run_view *prev,
		    const struct ctl_run_view *cur);
/*
 * What is wrong in cur, as an object key -> text: "status" (not ok),
 * "loss DIR" (persistent loss), one key per suspect.  Empty when healthy.
 */
struct json_t	*ctl_change_problems(const struct ctl_run_view *cur);
/* 1 when changes hold a path change or a new loss onset (escalate). */
int		 ctl_change_alarm(const struct json_t *changes);
/* One change as one line for people. */
void		 ctl_change_line(const struct json_t *change, char *buf,
		    size_t len);

/* ctl_sched.c: schedules and meshes. */
#define CTL_SCHED_NAME_MAX	64	/* longest schedule or mesh name */
/* longest full name: a mesh's pair "MESH:A~B" */
#define CTL_SCHED_FULL_MAX	(CTL_SCHED_NAME_MAX + 2 * TLS_NAME_LEN)
#define CTL_HISTORY_DEFAULT	100	/* runs a history request gets by default */
#define CTL_HISTORY_MAX		1000	/* and at most */
#define CTL_SCHED_MAX		20000	/* schedules (mesh pairs included) at most */
/*
 * schedule_grace's default: for this long after the controller starts, a
 * slot whose agent has not come back yet waits for it instead of being
 * skipped as offline (agents reconnect with backoff: backoff_max_ms, 60 s
 * by default).
 */
#define CTL_SCHED_GRACE_S	60
#define CTL_MESH_SITES_MAX	64	/* sites of one mesh at most */
#define CTL_EVERY_MIN		10	/* shortest interval (s) */
#define CTL_EVERY_MAX		604800	/* longest (a week) */
/* One schedule: a pair run every every_s (or a mesh, which is not run itself). */
struct ctl_sched {
	TAILQ_ENTRY(ctl_sched) entry;	/* ctl->scheds */
	char		 tenant[TLS_NAME_LEN];
	char		 name[CTL_SCHED_FULL_MAX + 1];	/* mesh pairs: "MESH:A~B" */
	int		 mesh_row;	/* 1: a mesh (sites, hub), not run */
	char		 mesh[CTL_SCHED_NAME_MAX + 1];	/* a mesh's pair: its mesh */
	char		 agent[2][TLS_NAME_LEN];	/* A, B */
	long		 every_s;
	double		 phase;		/* seconds into each interval */
	unsigned char	*opts;		/* packed TraceOptions */
	size_t		 opts_len;
	int		 quick;		/* quick runs, escalated on alarm */
	int		 paused;
	long		 timeout_ms;
	char		*sites, *hub;	/* mesh row: "a,b,c" and "" or a site */
	double		 created;
	double		 next_run;	/* next slot due */
	double		 last_run;	/* last slot taken */
	char		 last_pair[48];	/* pair of the last finished main run */
	char		 last_full[48];	/* of the last escalated full run */
	char		*alert_state;	/* ctl_alert.c's JSON, malloc'd ("" none) */
	struct ctl_sched_run *running;	/* its main run in flight, or NULL */
	char		 last_status[16];	/* of the last run */
	char		 last_reason[256];
};
/* The first slot strictly after now of an interval every with phase. */
double	 ctl_sched_next(double now, long every, double phase);
/*
 * Whether a schedule whose next slot is next_run is due at now: 1 with
 * *slot the latest slot at or before now (runs missed while the
 * controller was down are skipped: one run, not N) and *missed their
 * number; 0 when not due.
 */
int	 ctl_sched_due(double next_run, double now, long every, double phase,
	    double *slot, long *missed);
/*
 * The order of a mesh's pairs over n sites (hub < 0: every pair; else
 * hub-and-spoke): out[k] = i * 256 + j for k < return value, arranged so
 * that consecutive pairs share no site where possible (round-robin
 * rounds).  out holds n * (n - 1) / 2 entries.
 */
int	 ctl_mesh_order(int n, int hub, int *out);
/*
 * Whether s may move now: a pair schedule, not paused, not due at this
 * tick (next_run > now), and within one interval of its last run (not
 * already waiting out a gap a move stretched).
 */
int	 ctl_sched_movable(const struct ctl_sched *s, double now);
/*
 * Move s to phase (seconds into its interval): its next run is the first
 * slot of the new phase at or after both now and one interval after its
 * last run.  For a schedule ctl_sched_movable, next_run - last_run is
 * then within [every, 2 every): never two runs closer than the interval,
 * never a whole interval without a run.  Memory only; the caller stores
 * it.
 */
void	 ctl_sched_move(struct ctl_sched *s, double phase, double now);
/* Add s (calloc'd by the caller, then held) to memory and the store.  -1 with a reason. */
int	 ctl_sched_add(struct ctl *, struct ctl_sched *s, char *err,
	    size_t errlen);
/*
 * Place the new schedules add[] (in memory and the store already) with
 * ctl_spread_place and store where they and the schedules moved for them
 * now run, in one transaction.  The number of other schedules moved, or
 * -1 with a reason (memory then holds the placement, the store the old).
 */
int	 ctl_sched_place(struct ctl *, struct ctl_sched **add, int nadd,
	    double now, char *err, size_t errlen);

/* ctl_spread.c: where a schedule's runs go (docs/history.md). */
#define CTL_SPREAD_CANDS	2000	/* candidate placements per decision */
#define CTL_SPREAD_MOVES	1024	/* other schedules re-placed per add */
#define CTL_SPREAD_PASSES	4	/* passes over the neighbours per add */
/*
 * Distance of a and b on a circle of g seconds: how close runs at
 * a + k T1 and b + m T2 ever come, with g = gcd(T1, T2).
 */
double	 ctl_spread_dist(double a, double b, long g);
/*
 * Place the nadd schedules of add[] (one tenant's, already in
 * ctl->scheds) one after another, each at its best phase: the one that
 * maximises the smallest gap, weighted by the agent's run rate, to every
 * run of its two agents over the hyperperiod; then move the tenant's
 * other schedules of those agents each to its own best phase when that
 * is better for it (CTL_SPREAD_PASSES passes, at most maxmoved of them,
 * listed in moved[]).  Phases and next runs set with ctl_sched_move, in
 * memory only.  Returns how many other schedules moved.
 */
int	 ctl_spread_place(struct ctl *, struct ctl_sched **add, int nadd,
	    double now, struct ctl_sched **moved, int maxmoved);
/* Load schedules from the store (start-up). */
int	 ctl_sched_load(struct ctl *, char *err, size_t errlen);
/* Tick work: start the runs that are due. */
void	 ctl_sched_tick(struct ctl *, double now);
int	 ctl_sched_wait(struct ctl *, const struct ctl_sched *, double now);
void	 ctl_sched_free_all(struct ctl *);
void	 ctl_schedule_request(struct ctl *, struct ctl_session *op,
	    uint64_t request_id, const Tracepair__ScheduleRequest *);
void	 ctl_history_request(struct ctl *, struct ctl_session *op,
	    uint64_t request_id, const Tracepair__HistoryRequest *);
void	 ctl_mesh_status_request(struct ctl *, struct ctl_session *op,
	    uint64_t request_id, const Tracepair__MeshStatusRequest *);
/* The schedule name of tenant, or NULL. */
struct ctl_sched *ctl_sched_find(struct ctl *, const char *tenant,
	    const char *name);

/* ctl_culprit.c: the shared culprit of a mesh round (pure). */
/* One member pair of a round, as ranked. */
struct ctl_culprit_pair {
	const char	*label;		/* "A~B" */
	int		 failing;	/* loss or failure */
	const struct trace *fwd, *rev;	/* NULL when absent */
	struct json_t	*an;		/* its analysis, or NULL */
};
/*
 * Links, routers and ASes in the suspects of failing pairs, ranked by how
 * many failing pairs name them, without those a healthy pair crosses
 * without loss: a JSON array of {"kind", "label", "failing_pairs",
 * "pairs"} (most first); *cleared gets how many were cleared.
 */
struct json_t	*ctl_culprit_rank(const struct ctl_culprit_pair *, int n,
		    int *cleared);

/* ctl_alert.c: alert actions (command, HTTPS webhook), durable. */
int	 ctl_alert_init(struct ctl *, char *err, size_t errlen);
/*
 * A main run of s ended: compare its problems with the alert state of s,
 * queue "alert", "reminder" or "resolved" for every configured action,
 * and update s->alert_state.  changes and problems are the run's.
 */
void	 ctl_alert_run(struct ctl *, struct ctl_sched *s, const char *pair_id,
	    const char *agent_a, const char *agent_b,
	    const struct json_t *changes, const struct json_t *problems,
	    double now);
/* Tick work: deliveries due, children and requests that finished or timed out. */
void	 ctl_alert_tick(struct ctl *, double now);
void	 ctl_alert_free(struct ctl *);

#endif
