/* gen_msgseeds.c: writes the seed corpora of fuzz_ctlmsg and fuzz_agentmsg (valid, edge and malformed message sequences), packed with protobuf-c. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

/*
 *   gen_msgseeds CTLDIR AGENTDIR
 *
 * (make fuzz-seeds-msg).  A seed is the harness's byte 0 (see the comment
 * at the top of each target) and the frames one peer sends.  The files are
 * checked in: run this again only when a seed should change.
 */

/* The seed being written: byte 0 and frames. */
static uint8_t	 seed[1 << 16];
static size_t	 seedlen;

static void
seed_begin(uint8_t flags)
{
	seed[0] = flags;
	seedlen = 1;
}

static void
add_bytes(const void *p, size_t n)
{
	if (seedlen + n > sizeof(seed)) {
		fprintf(stderr, "gen_msgseeds: seed too large\n");
		exit(1);
	}
	memcpy(seed + seedlen, p, n);
	seedlen += n;
}

/* Append env as one frame. */
static void
add(frame_env *env, uint64_t request_id)
{
	uint8_t	*buf;
	size_t	 len;
	char	 err[256];

	env->request_id = request_id;
	if ((buf = frame_encode(env, FRAME_LIMIT_DEFAULT, &len, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "gen_msgseeds: %s\n", err);
		exit(1);
	}
	add_bytes(buf, len);
	free(buf);
}

static void
seed_end(const char *dir, const char *name)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(seed, 1, seedlen, f) != seedlen || fclose(f) != 0) {
		fprintf(stderr, "gen_msgseeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* Envelope builders: each fills *env around a static body. */
#define BODY(field, CASE) \
	do { env->body_case = TRACEPAIR__ENVELOPE__BODY_##CASE; \
	    env->field = &m; } while (0)

static void
env_hello(frame_env *env, uint32_t version, const char *probe4,
    const char *site, uint32_t frame_limit)
{
	static Tracepair__Hello	 m;
	static char		 cap[] = "progress", *caps[] = { cap };

	tracepair__envelope__init(env);
	tracepair__hello__init(&m);
	m.protocol_version = version;
	m.software = "seed 0.1";
	m.probe_addr4 = (char *)(uintptr_t)probe4;
	m.site_method = (char *)(uintptr_t)site;
	m.local_addr = "10.1.2.3";
	m.observed_addr = "192.0.2.9";
	m.frame_limit = frame_limit;
	m.n_capabilities = 1;
	m.capabilities = caps;
	BODY(hello, HELLO);
}

static void
opts_init(Tracepair__TraceOptions *o)
{
	tracepair__trace_options__init(o);
	o->first_ttl = 1;
	o->max_ttl = 12;
	o->queries = 2;
	o->wait_max = 1.0;
	o->method = TRACEPAIR__METHOD__METHOD_ICMP;
}

static void
env_pair(frame_env *env, const char *a, const char *b, int bad_opts)
{
	static Tracepair__PairRequest	 m;
	static Tracepair__TraceOptions	 o;

	tracepair__envelope__init(env);
	tracepair__pair_request__init(&m);
	opts_init(&o);
	if (bad_opts) {
		o.max_ttl = 300;
		o.first_ttl = 40;
		o.packet_size = 70000;
	}
	m.agent_a = (char *)(uintptr_t)a;
	m.agent_b = (char *)(uintptr_t)b;
	m.options = &o;
	m.timeout_ms = 5000;
	BODY(pair_request, PAIR_REQUEST);
}

static void
env_trace(frame_env *env, const char *agent, const char *host, int loss)
{
	static Tracepair__TraceRequest	 m;
	static Tracepair__TraceOptions	 o;

	tracepair__envelope__init(env);
	tracepair__trace_request__init(&m);
	opts_init(&o);
	o.loss = loss;
	m.agent = (char *)(uintptr_t)agent;
	m.host = (char *)(uintptr_t)host;
	m.options = &o;
	BODY(trace_request, TRACE_REQUEST);
}

static void
env_simple(frame_env *env, int which, const char *s)
{
	static Tracepair__AgentsRequest		 ar;
	static Tracepair__PairsRequest		 pr;
	static Tracepair__PairGetRequest	 gr;
	static Tracepair__HistoryRequest	 hr;
	static Tracepair__MeshStatusRequest	 mr;
	static Tracepair__EvidenceRequest	 er;
	static char				*ids[1];

	tracepair__envelope__init(env);
	switch (which) {
	case 0:
		tracepair__agents_request__init(&ar);
		env->body_case = TRACEPAIR__ENVELOPE__BODY_AGENTS_REQUEST;
		env->agents_request = &ar;
		break;
	case 1:
		tracepair__pairs_request__init(&pr);
		pr.limit = 5;
		pr.agent = (char *)(uintptr_t)s;
		env->body_case = TRACEPAIR__ENVELOPE__BODY_PAIRS_REQUEST;
		env->pairs_request = &pr;
		break;
	case 2:
		tracepair__pair_get_request__init(&gr);
		gr.pair_id = (char *)(uintptr_t)s;
		env->body_case = TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REQUEST;
		env->pair_get_request = &gr;
		break;
	case 3:
		tracepair__history_request__init(&hr);
		hr.schedule = (char *)(uintptr_t)s;
		hr.limit = 10;
		env->body_case = TRACEPAIR__ENVELOPE__BODY_HISTORY_REQUEST;
		env->history_request = &hr;
		break;
	case 4:
		tracepair__mesh_status_request__init(&mr);
		mr.name = (char *)(uintptr_t)s;
		env->body_case = TRACEPAIR__ENVELOPE__BODY_MESH_STATUS_REQUEST;
		env->mesh_status_request = &mr;
		break;
	default:
		tracepair__evidence_request__init(&er);
		ids[0] = (char *)(uintptr_t)s;
		er.n_pair_ids = 1;
		er.pair_ids = ids;
		er.redact_site_hops = 1;
		env->body_case = TRACEPAIR__ENVELOPE__BODY_EVIDENCE_REQUEST;
		env->evidence_request = &er;
		break;
	}
}

static void
env_schedule(frame_env *env, const char *action, const char *name,
    int nsites)
{
	static Tracepair__ScheduleRequest	 m;
	static Tracepair__TraceOptions		 o;
	static char	 s1[] = "sf", s2[] = "chi", s3[] = "nyc";
	static char	*sites[] = { s1, s2, s3 };

	tracepair__envelope__init(env);
	tracepair__schedule_request__init(&m);
	opts_init(&o);
	m.action = (char *)(uintptr_t)action;
	m.name = (char *)(uintptr_t)name;
	m.agent_a = s1;
	m.agent_b = s2;
	m.every_s = 60;
	m.options = &o;
	m.quick = 1;
	m.n_sites = (size_t)nsites;
	m.sites = sites;
	BODY(schedule_request, SCHEDULE_REQUEST);
}

static void
env_error(frame_env *env, const char *msg)
{
	static Tracepair__Error	 m;

	tracepair__envelope__init(env);
	tracepair__error__init(&m);
	m.code = TRACEPAIR__ERROR_CODE__ERROR_INTERNAL;
	m.message = (char *)(uintptr_t)msg;
	BODY(error, ERROR);
}

static void
env_pong(frame_env *env, int64_t t1)
{
	static Tracepair__Pong	 m;

	tracepair__envelope__init(env);
	tracepair__pong__init(&m);
	m.t1_ns = t1;
	m.t2_ns = t1 + 1000;
	m.t3_ns = t1 + 2000;
	BODY(pong, PONG);
}

static void
env_progress(frame_env *env, const char *job, uint32_t done, uint32_t rounds)
{
	static Tracepair__Progress	 m;

	tracepair__envelope__init(env);
	tracepair__progress__init(&m);
	m.job_id = (char *)(uintptr_t)job;
	m.rounds_done = done;
	m.rounds = rounds;
	m.seconds_left = 3.5;
	m.worst_ttl = 4;
	m.worst_loss = 25.0;
	BODY(progress, PROGRESS);
}

/* A JobResult: a trace of nhops hops to dst, or (nhops < 0) an error. */
static void
env_result(frame_env *env, const char *job, const char *dst, int nhops)
{
	static Tracepair__JobResult	 m;
	static Tracepair__Trace		 t;
	static Tracepair__Hop		 hops[8], *hp[8];
	static Tracepair__Probe		 pr[8], *pp[8];
	static char			 addr[8][32];
	int				 i;

	tracepair__envelope__init(env);
	tracepair__job_result__init(&m);
	m.job_id = (char *)(uintptr_t)job;
	if (nhops < 0) {
		m.outcome_case = TRACEPAIR__JOB_RESULT__OUTCOME_ERROR;
		m.error = "no route to host";
		BODY(job_result, JOB_RESULT);
		return;
	}
	tracepair__trace__init(&t);
	t.agent = "sf";
	t.src = "198.18.0.1";
	t.dst = (char *)(uintptr_t)dst;
	t.af = 4;
	t.method = TRACEPAIR__METHOD__METHOD_ICMP;
	t.first_ttl = 1;
	t.max_ttl = 12;
	t.queries = 1;
	t.packet_size = 60;
	t.start = 1.7e9;
	t.end = 1.7e9 + 2;
	t.reached = 1;
	t.stop_reason = "COMPLETED";
	for (i = 0; i < nhops && i < 8; i++) {
		tracepair__hop__init(&hops[i]);
		tracepair__probe__init(&pr[i]);
		hops[i].ttl = i + 1;
		if (i == nhops - 1)
			snprintf(addr[i], sizeof(addr[i]), "%s", dst);
		else
			snprintf(addr[i], sizeof(addr[i]), "198.18.%d.1",
			    10 + i);
		pr[i].replied = 1;
		pr[i].rtt_ms = 1.5 * (i + 1);
		pr[i].addr = addr[i];
		pr[i].reply_ttl = 64 - i;
		pr[i].icmp_type = i == nhops - 1 ? 0 : 11;
		pr[i].icmp_code = 0;
		pp[i] = &pr[i];
		hops[i].n_probes = 1;
		hops[i].probes = &pp[i];
		hp[i] = &hops[i];
	}
	t.n_hops = (size_t)i;
	t.hops = hp;
	m.outcome_case = TRACEPAIR__JOB_RESULT__OUTCOME_TRACE;
	m.trace = &t;
	BODY(job_result, JOB_RESULT);
}

static void
env_job(frame_env *env, const char *job, const char *host, int64_t start_at,
    int variant)
{
	static Tracepair__TraceJob	 m;
	static Tracepair__TraceOptions	 o;

	tracepair__envelope__init(env);
	tracepair__trace_job__init(&m);
	opts_init(&o);
	o.host = (char *)(uintptr_t)host;
	o.no_dns = 1;
	switch (variant) {
	case 1:		/* out of range */
		o.max_ttl = 0;
		o.queries = 99;
		break;
	case 2:		/* someone else's source address */
		o.src = "203.0.113.77";
		break;
	case 3:		/* no such interface */
		o.iface = "nosuch0";
		break;
	case 4:		/* a loss run, big enough to meet the frame limit */
		o.loss = 1;
		o.queries = 100;
		o.max_ttl = 64;
		break;
	case 5:		/* a name to resolve, a gateway, TCP */
		o.no_dns = 0;
		o.method = TRACEPAIR__METHOD__METHOD_TCP;
		o.port = 443;
		break;
	default:
		break;
	}
	m.job_id = (char *)(uintptr_t)job;
	m.options = variant == 6 ? NULL : &o;
	m.start_at_ns = start_at;
	m.deadline_ms = 10000;
	BODY(trace_job, TRACE_JOB);
}

static void
env_ping(frame_env *env, int resend)
{
	static Tracepair__Ping	 m;

	tracepair__envelope__init(env);
	tracepair__ping__init(&m);
	m.t1_ns = 1700000000000000000LL;
	m.resend_spool = resend;
	BODY(ping, PING);
}

static void
env_ack(frame_env *env, const char *job)
{
	static Tracepair__ResultAck	 m;

	tracepair__envelope__init(env);
	tracepair__result_ack__init(&m);
	m.job_id = (char *)(uintptr_t)job;
	BODY(result_ack, RESULT_ACK);
}

/*
 * fuzz_ctlmsg byte 0: bits 0-2 identity (0 sf, 1 chi, 2 nyc: agents of
 * acme; 3 alice of acme, 4 bob of other: operators; 5 mia: MSP; 6 a
 * signer; 7 an agent without tenant), 8 harness Hello, 16 sf and chi
 * online, 32 "progress", 64 a pair sf -> chi running.
 */
#define ALICE	(3 | 8 | 16 | 32)
static void
gen_ctl(const char *d)
{
	frame_env	 e;

	seed_begin(ALICE); env_pair(&e, "sf", "chi", 0); add(&e, 3);
	seed_end(d, "op_pair");
	seed_begin(ALICE); env_pair(&e, "sf", "chi", 1); add(&e, 3);
	seed_end(d, "op_pair_bad_opts");
	seed_begin(ALICE); env_pair(&e, "sf", "sf", 0); add(&e, 3);
	env_pair(&e, "sf", "nosuch", 0); add(&e, 4);
	seed_end(d, "op_pair_refused");
	seed_begin(ALICE); env_trace(&e, "sf", "198.18.0.2", 0); add(&e, 4);
	seed_end(d, "op_trace");
	seed_begin(ALICE); env_trace(&e, "chi", "198.18.0.1", 1); add(&e, 4);
	seed_end(d, "op_trace_loss");
	seed_begin(ALICE); env_simple(&e, 0, NULL); add(&e, 2);
	env_simple(&e, 1, ""); add(&e, 5);
	env_simple(&e, 1, "sf"); add(&e, 6);
	env_simple(&e, 3, ""); add(&e, 7);
	env_error(&e, "bye\n\x1b[2J"); add(&e, 8);
	env_error(&e, "again"); add(&e, 9);
	seed_end(d, "op_lists");
	seed_begin(ALICE | 64); env_simple(&e, 2, "p-fz-1"); add(&e, 5);
	env_simple(&e, 2, "bad id!"); add(&e, 6);
	env_simple(&e, 5, "p-fz-1"); add(&e, 7);
	seed_end(d, "op_pair_get");
	seed_begin(ALICE); env_schedule(&e, "add", "", 0); add(&e, 5);
	env_schedule(&e, "list", "", 0); add(&e, 6);
	env_schedule(&e, "show", "sf~chi", 0); add(&e, 7);
	env_schedule(&e, "pause", "sf~chi", 0); add(&e, 8);
	env_schedule(&e, "resume", "sf~chi", 0); add(&e, 9);
	env_schedule(&e, "rm", "sf~chi", 0); add(&e, 10);
	seed_end(d, "op_schedule");
	seed_begin(ALICE); env_schedule(&e, "mesh-add", "m1", 2); add(&e, 5);
	env_simple(&e, 4, "m1"); add(&e, 6);
	env_simple(&e, 3, "m1"); add(&e, 7);
	seed_end(d, "op_mesh");
	/* the operator says its own Hello; then one again */
	seed_begin(3 | 16); env_hello(&e, 1, NULL, NULL, 0); add(&e, 1);
	env_simple(&e, 0, NULL); add(&e, 2);
	env_hello(&e, 1, NULL, NULL, 0); add(&e, 3);
	seed_end(d, "op_hello_twice");
	seed_begin(3); env_simple(&e, 0, NULL); add(&e, 2);
	seed_end(d, "op_before_hello");
	seed_begin(3); env_hello(&e, 2, NULL, NULL, 0); add(&e, 1);
	seed_end(d, "op_bad_version");
	seed_begin(ALICE); env_pong(&e, 1); add(&e, 2);
	seed_end(d, "op_forbidden_pong");
	/* tenants: bob may not name acme; mia (MSP) may name any */
	seed_begin(4 | 8 | 16); env_simple(&e, 0, NULL);
	e.tenant.data = (uint8_t *)(uintptr_t)"other"; e.tenant.len = 5;
	add(&e, 2);
	env_pair(&e, "sf", "chi", 0); add(&e, 3);
	env_simple(&e, 0, NULL);
	e.tenant.data = (uint8_t *)(uintptr_t)"acme"; e.tenant.len = 4;
	add(&e, 4);
	seed_end(d, "op_other_tenant");
	seed_begin(5 | 8 | 16); env_simple(&e, 0, NULL); add(&e, 2);
	env_pair(&e, "sf", "chi", 0);
	e.tenant.data = (uint8_t *)(uintptr_t)"acme"; e.tenant.len = 4;
	add(&e, 3);
	env_simple(&e, 1, "");
	e.tenant.data = (uint8_t *)(uintptr_t)"bad tenant"; e.tenant.len = 10;
	add(&e, 4);
	seed_end(d, "msp_tenants");
	seed_begin(6 | 8); env_simple(&e, 0, NULL); add(&e, 2);
	seed_end(d, "signer_refused");
	seed_begin(7 | 8); env_pong(&e, 1); add(&e, 2);
	seed_end(d, "agent_no_tenant");

	/* agents: sf runs j-fz-2 of pair p-fz-1 (bit 64) */
	seed_begin(0 | 8 | 16 | 32 | 64);
	env_progress(&e, "j-fz-2", 1, 10); add(&e, 0);
	env_result(&e, "j-fz-2", "198.18.0.2", 4); add(&e, 9);
	seed_end(d, "agent_result_trace");
	seed_begin(0 | 8 | 16 | 64); env_result(&e, "j-fz-99", "198.18.0.2", 3);
	add(&e, 9);
	env_result(&e, "j-fz-98", NULL, -1); add(&e, 8);
	env_result(&e, "j-fz-2", "198.18.0.2", 3); add(&e, 10);
	env_result(&e, "j-fz-2", "198.18.0.2", 3); add(&e, 11);
	seed_end(d, "agent_result_unknown_dup");
	seed_begin(1 | 8 | 16 | 64); env_result(&e, "j-fz-3", "198.18.0.1", 2);
	add(&e, 9);
	seed_end(d, "agent_chi_result");
	seed_begin(0 | 8 | 16 | 64); env_progress(&e, "j-fz-2", 20, 10);
	add(&e, 0);
	env_progress(&e, "j-fz-3", 1, 10); add(&e, 0);
	seed_end(d, "agent_progress_bad");
	seed_begin(2 | 8 | 16); env_pong(&e, 12345); add(&e, 0);
	env_error(&e, "job failed"); add(&e, 0);
	env_simple(&e, 0, NULL); add(&e, 2);
	seed_end(d, "agent_pong_error_forbidden");
	seed_begin(2 | 16); env_hello(&e, 1, "198.18.0.3", "tcp:443", 0);
	add(&e, 1);
	env_pong(&e, 1); add(&e, 0);
	seed_end(d, "agent_hello");
	seed_begin(2); env_hello(&e, 1, "not-an-ip", NULL, 0); add(&e, 1);
	seed_end(d, "agent_hello_bad_addr");
	seed_begin(2); env_hello(&e, 1, "198.18.0.3", "carrier-pigeon", 0);
	add(&e, 1);
	seed_end(d, "agent_hello_bad_site");
	seed_begin(0 | 16 | 64); env_hello(&e, 1, "198.18.0.1", NULL, 0);
	add(&e, 1);
	env_result(&e, "j-fz-2", "198.18.0.2", 2); add(&e, 2);
	seed_end(d, "agent_newest_wins");
	/* malformed: bad length, no body */
	seed_begin(ALICE);
	add_bytes("\x00\x00\x00\x03\x08\x01\x00", 7);
	seed_end(d, "bad_frame");
}

/*
 * fuzz_agentmsg byte 0: bit 0 the controller's Hello first, 1 dns yes,
 * bits 2-3 max_jobs - 1, 4 a small spool, 5 the Hello's frame limit 2048.
 */
#define READY	1
static void
gen_agent(const char *d)
{
	frame_env	 e;

	seed_begin(READY); env_job(&e, "j-a-1", "198.18.0.2", 0, 0);
	add(&e, 0);
	seed_end(d, "job_now");
	seed_begin(READY); env_job(&e, "j-a-1", "198.18.0.2", 0, 0);
	add(&e, 0);
	env_ack(&e, "j-a-1"); add(&e, 0);
	env_ack(&e, "j-a-1"); add(&e, 0);
	seed_end(d, "job_now_ack");
	seed_begin(READY); env_job(&e, "j-a-2", "198.18.0.2",
	    4000000000000000000LL, 0); add(&e, 0);
	env_job(&e, "j-a-2", "198.18.0.2", 4000000000000000000LL, 0);
	add(&e, 0);
	seed_end(d, "job_later_dup");
	seed_begin(READY); env_job(&e, "j-a-3", "198.18.0.2", 0, 1); add(&e, 0);
	seed_end(d, "job_bad_opts");
	seed_begin(READY); env_job(&e, "j-a-4", "198.18.0.2", 0, 2); add(&e, 0);
	seed_end(d, "job_foreign_src");
	seed_begin(READY); env_job(&e, "j-a-5", "198.18.0.2", 0, 3); add(&e, 0);
	seed_end(d, "job_no_iface");
	seed_begin(READY | 32); env_job(&e, "j-a-6", "198.18.0.2", 0, 4);
	add(&e, 0);
	seed_end(d, "job_loss_small_limit");
	seed_begin(READY | 2); env_job(&e, "j-a-7", "example.net", 0, 5);
	add(&e, 0);
	seed_end(d, "job_name_dns");
	seed_begin(READY); env_job(&e, "j-a-8", "example.net", 0, 5);
	add(&e, 0);
	seed_end(d, "job_name_no_dns");
	seed_begin(READY); env_job(&e, "j-a-9", "198.18.0.2", 0, 6); add(&e, 0);
	seed_end(d, "job_no_options");
	seed_begin(READY); env_job(&e, "", "198.18.0.2", 0, 0); add(&e, 0);
	seed_end(d, "job_no_id");
	seed_begin(READY); env_job(&e, "j-b-1", "198.18.0.2",
	    4000000000000000000LL, 0); add(&e, 0);
	env_job(&e, "j-b-2", "198.18.0.2", 4000000000000000000LL, 0);
	add(&e, 0);
	env_job(&e, "j-b-3", "198.18.0.2", 0, 0); add(&e, 0);
	seed_end(d, "job_busy");
	seed_begin(READY | 16); env_job(&e, "j-c-1", "198.18.0.2", 0, 0);
	add(&e, 0);
	env_job(&e, "j-c-2", "198.18.0.2", 0, 1); add(&e, 0);
	env_ping(&e, 1); add(&e, 0);
	env_job(&e, "j-c-1", "198.18.0.2", 0, 0); add(&e, 0);
	seed_end(d, "job_resend_dup");
	seed_begin(READY); env_ping(&e, 0); add(&e, 0);
	env_ping(&e, 1); add(&e, 0);
	seed_end(d, "ping");
	seed_begin(0); env_hello(&e, 1, NULL, NULL, 4096); add(&e, 1);
	env_job(&e, "j-d-1", "198.18.0.2", 0, 0); add(&e, 0);
	seed_end(d, "hello_job");
	seed_begin(0); env_hello(&e, 9, NULL, NULL, 0); add(&e, 1);
	seed_end(d, "hello_bad_version");
	seed_begin(READY); env_hello(&e, 1, NULL, NULL, 0); add(&e, 1);
	seed_end(d, "hello_twice");
	seed_begin(0); env_ping(&e, 0); add(&e, 0);
	seed_end(d, "ping_before_hello");
	seed_begin(READY); env_error(&e, "go away"); add(&e, 0);
	seed_end(d, "error");
	seed_begin(READY); env_pair(&e, "sf", "chi", 0); add(&e, 5);
	seed_end(d, "not_for_agents");
	seed_begin(READY); env_result(&e, "j-x", "198.18.0.2", 2); add(&e, 5);
	seed_end(d, "result_to_agent");
	seed_begin(READY);
	add_bytes("\x00\x00\x00\x02\x08\x01", 6);
	seed_end(d, "bad_no_body");
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen_msgseeds CTLDIR AGENTDIR\n");
		return 2;
	}
	gen_ctl(argv[1]);
	gen_agent(argv[2]);
	return 0;
}
