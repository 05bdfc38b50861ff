/* wire.c: struct trace and struct probe_opts to and from their protobuf messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

/* Limits a Trace from the wire must respect (beyond the fixed buffers). */
#define WIRE_MAX_HOPS		TRACE_MAX_TTL
#define WIRE_MAX_PROBES		TRACE_MAX_QUERIES
#define WIRE_MAX_TEXT		4096	/* name, options, quoted_diff, ... */

char *
wire_strdup(const char *s)
{
	return strdup(s ? s : "");
}

void
wire_free(void *msg)
{
	if (msg != NULL)
		protobuf_c_message_free_unpacked((ProtobufCMessage *)msg, NULL);
}

/* "" or NULL -> NULL, else a copy.  -1 on memory exhaustion. */
static int
wire_opt_str(const char *in, char **out)
{
	*out = NULL;
	if (in == NULL || in[0] == '\0')
		return 0;
	return (*out = strdup(in)) ? 0 : -1;
}

/* Copy a string into a fixed buffer.  -1 if it does not fit. */
static int
wire_copy(char *dst, size_t len, const char *src)
{
	if (src == NULL)
		src = "";
	if (strlen(src) >= len)
		return -1;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static Tracepair__Method
wire_method_to_pb(enum trace_method m)
{
	switch (m) {
	case TRACE_METHOD_UDP:		return TRACEPAIR__METHOD__METHOD_UDP;
	case TRACE_METHOD_UDP_PARIS:	return TRACEPAIR__METHOD__METHOD_UDP_PARIS;
	case TRACE_METHOD_ICMP:		return TRACEPAIR__METHOD__METHOD_ICMP;
	case TRACE_METHOD_ICMP_PARIS:	return TRACEPAIR__METHOD__METHOD_ICMP_PARIS;
	case TRACE_METHOD_TCP:		return TRACEPAIR__METHOD__METHOD_TCP;
	default:			return TRACEPAIR__METHOD__METHOD_UNKNOWN;
	}
}

static int
wire_method_from_pb(Tracepair__Method m, enum trace_method *out)
{
	switch (m) {
	case TRACEPAIR__METHOD__METHOD_UDP:	*out = TRACE_METHOD_UDP; break;
	case TRACEPAIR__METHOD__METHOD_UDP_PARIS: *out = TRACE_METHOD_UDP_PARIS; break;
	case TRACEPAIR__METHOD__METHOD_ICMP:	*out = TRACE_METHOD_ICMP; break;
	case TRACEPAIR__METHOD__METHOD_ICMP_PARIS: *out = TRACE_METHOD_ICMP_PARIS; break;
	case TRACEPAIR__METHOD__METHOD_TCP:	*out = TRACE_METHOD_TCP; break;
	case TRACEPAIR__METHOD__METHOD_UNKNOWN:	*out = TRACE_METHOD_UNKNOWN; break;
	default:
		return -1;
	}
	return 0;
}

static Tracepair__Probe *
wire_probe_to_pb(const struct trace_probe *p)
{
	const struct trace_probe_more *pm = trace_probe_more(p);
	Tracepair__Probe	*m;
	int			 i;

	if ((m = malloc(sizeof(*m))) == NULL)
		return NULL;
	tracepair__probe__init(m);
	m->replied = p->replied != 0;
	m->rtt_ms = p->rtt_ms;
	m->reply_ttl = p->reply_ttl;
	m->icmp_type = p->icmp_type;
	m->icmp_code = p->icmp_code;
	m->asn = p->asn;
	m->addr = wire_strdup(p->addr);
	m->name = wire_strdup(p->name);
	m->annot = wire_strdup(pm->annot);
	m->quoted_diff = wire_strdup(pm->quoted_diff);
	if (m->addr == NULL || m->name == NULL || m->annot == NULL ||
	    m->quoted_diff == NULL)
		goto fail;
	if (pm->nmpls > 0) {
		if ((m->mpls = calloc((size_t)pm->nmpls, sizeof(*m->mpls))) == NULL)
			goto fail;
		for (i = 0; i < pm->nmpls && i < TRACE_MAX_MPLS; i++) {
			if ((m->mpls[i] = malloc(sizeof(*m->mpls[i]))) == NULL)
				goto fail;
			m->n_mpls++;
			tracepair__mpls__init(m->mpls[i]);
			m->mpls[i]->label = pm->mpls[i].label;
			m->mpls[i]->exp = pm->mpls[i].exp;
			m->mpls[i]->s = pm->mpls[i].s != 0;
			m->mpls[i]->ttl = pm->mpls[i].ttl;
		}
	}
	return m;
fail:
	wire_free(m);
	return NULL;
}

Tracepair__Trace *
wire_trace_to_pb(const struct trace *t)
{
	Tracepair__Trace	*m;
	Tracepair__Hop		*h;
	int			 i, j;

	if ((m = malloc(sizeof(*m))) == NULL)
		return NULL;
	tracepair__trace__init(m);
	m->agent = wire_strdup(t->agent);
	m->source = wire_strdup(t->source);
	m->src = wire_strdup(t->src);
	m->dst = wire_strdup(t->dst);
	m->dst_name = wire_strdup(t->dst_name);
	m->options = wire_strdup(t->options);
	m->stop_reason = wire_strdup(t->stop_reason);
	if (m->agent == NULL || m->source == NULL || m->src == NULL ||
	    m->dst == NULL || m->dst_name == NULL || m->options == NULL ||
	    m->stop_reason == NULL)
		goto fail;
	m->af = t->af;
	m->method = wire_method_to_pb(t->method);
	m->port = t->port;
	m->first_ttl = t->first_ttl;
	m->max_ttl = t->max_ttl;
	m->queries = t->queries;
	m->packet_size = t->packet_size;
	m->start = t->start;
	m->end = t->end;
	m->reached = t->reached != 0;
	m->unmatched_icmp = t->unmatched_icmp;
	m->malformed_icmp = t->malformed_icmp;
	if (t->nhops > 0) {
		if ((m->hops = calloc((size_t)t->nhops, sizeof(*m->hops))) == NULL)
			goto fail;
		for (i = 0; i < t->nhops; i++) {
			if ((h = malloc(sizeof(*h))) == NULL)
				goto fail;
			tracepair__hop__init(h);
			m->hops[m->n_hops++] = h;
			h->ttl = t->hops[i].ttl;
			h->echo_sent = (uint32_t)t->hops[i].echo_sent;
			h->echo_received = (uint32_t)t->hops[i].echo_received;
			h->loss_by_echo = t->hops[i].loss_by_echo != 0;
			h->rl_rate = t->hops[i].rl_rate;
			h->rl_burst = (uint32_t)t->hops[i].rl_burst;
			if (t->hops[i].nprobes <= 0)
				continue;
			h->probes = calloc((size_t)t->hops[i].nprobes,
			    sizeof(*h->probes));
			if (h->probes == NULL)
				goto fail;
			for (j = 0; j < t->hops[i].nprobes; j++) {
				h->probes[j] = wire_probe_to_pb(&t->hops[i].probes[j]);
				if (h->probes[j] == NULL)
					goto fail;
				h->n_probes++;
			}
		}
	}
	return m;
fail:
	wire_free(m);
	return NULL;
}

/* Fill one probe of h from the wire.  -1 with a reason. */
static int
wire_probe_from_pb(const Tracepair__Probe *m, struct trace_hop *h,
    struct trace_probe *p, char *err, size_t errlen)
{
	struct trace_probe_more *pm;
	const char *annot = m->annot != NULL ? m->annot : "";
	size_t	 i;

	if (m->addr != NULL && strlen(m->addr) >= TRACE_ADDR_LEN) {
		snprintf(err, errlen, "probe address too long");
		return -1;
	}
	if (strlen(annot) >= sizeof(pm->annot)) {
		snprintf(err, errlen, "probe annotation too long");
		return -1;
	}
	if ((m->name && strlen(m->name) > WIRE_MAX_TEXT) ||
	    (m->quoted_diff && strlen(m->quoted_diff) > WIRE_MAX_TEXT)) {
		snprintf(err, errlen, "probe text field too long");
		return -1;
	}
	if (m->n_mpls > TRACE_MAX_MPLS) {
		snprintf(err, errlen, "%zu MPLS labels (at most %d)", m->n_mpls,
		    TRACE_MAX_MPLS);
		return -1;
	}
	if (m->reply_ttl < -1 || m->reply_ttl > 255 || m->icmp_type < -1 ||
	    m->icmp_type > 255 || m->icmp_code < -1 || m->icmp_code > 255) {
		snprintf(err, errlen, "probe reply ttl/type/code out of range");
		return -1;
	}
	for (i = 0; i < m->n_mpls; i++) {
		if (m->mpls[i]->label > 0xfffff || m->mpls[i]->exp > 7 ||
		    m->mpls[i]->ttl > 255) {
			snprintf(err, errlen, "MPLS entry out of range");
			return -1;
		}
	}
	p->replied = m->replied != 0;
	p->rtt_ms = m->rtt_ms;
	p->reply_ttl = m->reply_ttl;
	p->icmp_type = m->icmp_type;
	p->icmp_code = m->icmp_code;
	p->asn = m->asn;
	if (trace_probe_set_addr(h, p, m->addr) == -1 ||
	    trace_probe_set_name(h, p, m->name != NULL && m->name[0] != '\0' ?
	    m->name : NULL) == -1)
		goto oom;
	if (annot[0] == '\0' && m->n_mpls == 0 &&
	    (m->quoted_diff == NULL || m->quoted_diff[0] == '\0'))
		return 0;
	if ((pm = trace_probe_more_alloc(p)) == NULL)
		goto oom;
	memcpy(pm->annot, annot, strlen(annot) + 1);
	for (i = 0; i < m->n_mpls; i++) {
		pm->mpls[i].label = m->mpls[i]->label;
		pm->mpls[i].exp = (uint8_t)m->mpls[i]->exp;
		pm->mpls[i].s = m->mpls[i]->s;
		pm->mpls[i].ttl = (uint8_t)m->mpls[i]->ttl;
	}
	pm->nmpls = (int)m->n_mpls;
	if (wire_opt_str(m->quoted_diff, &pm->quoted_diff) == -1)
		goto oom;
	return 0;
 oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

struct trace *
wire_trace_from_pb(const Tracepair__Trace *m, char *err, size_t errlen)
{
	struct trace		*t;
	struct trace_hop	*h;
	struct trace_probe	*p;
	const Tracepair__Hop	*mh;
	size_t			 i, j;

	if (m->n_hops > WIRE_MAX_HOPS) {
		snprintf(err, errlen, "%zu hops (at most %d)", m->n_hops,
		    WIRE_MAX_HOPS);
		return NULL;
	}
	if ((m->agent && strlen(m->agent) > WIRE_MAX_TEXT) ||
	    (m->source && strlen(m->source) > WIRE_MAX_TEXT) ||
	    (m->dst_name && strlen(m->dst_name) > WIRE_MAX_TEXT) ||
	    (m->options && strlen(m->options) > WIRE_MAX_TEXT)) {
		snprintf(err, errlen, "trace text field too long");
		return NULL;
	}
	if (m->af != 0 && m->af != 4 && m->af != 6) {
		snprintf(err, errlen, "address family %d", m->af);
		return NULL;
	}
	if (m->first_ttl < 0 || m->first_ttl > TRACE_MAX_TTL ||
	    m->max_ttl < 0 || m->max_ttl > TRACE_MAX_TTL ||
	    m->queries < 0 || m->queries > TRACE_MAX_QUERIES ||
	    m->port < 0 || m->port > 65535 || m->packet_size < 0 ||
	    m->packet_size > 65535) {
		snprintf(err, errlen, "trace ttl/queries/port/size out of range");
		return NULL;
	}
	if ((t = trace_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (wire_method_from_pb(m->method, &t->method) == -1) {
		snprintf(err, errlen, "unknown method %d", (int)m->method);
		goto fail;
	}
	if (wire_copy(t->src, sizeof(t->src), m->src) == -1 ||
	    wire_copy(t->dst, sizeof(t->dst), m->dst) == -1 ||
	    wire_copy(t->stop_reason, sizeof(t->stop_reason),
	    m->stop_reason) == -1) {
		snprintf(err, errlen, "trace address or stop reason too long");
		goto fail;
	}
	if (wire_opt_str(m->agent, &t->agent) == -1 ||
	    wire_opt_str(m->source, &t->source) == -1 ||
	    wire_opt_str(m->dst_name, &t->dst_name) == -1 ||
	    wire_opt_str(m->options, &t->options) == -1) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	t->af = m->af;
	t->port = m->port;
	t->first_ttl = m->first_ttl;
	t->max_ttl = m->max_ttl;
	t->queries = m->queries;
	t->packet_size = m->packet_size;
	t->start = m->start;
	t->end = m->end;
	t->reached = m->reached;
	t->unmatched_icmp = m->unmatched_icmp;
	t->malformed_icmp = m->malformed_icmp;
	for (i = 0; i < m->n_hops; i++) {
		mh = m->hops[i];
		if (mh->ttl < 1 || mh->ttl > TRACE_MAX_TTL ||
		    mh->n_probes > WIRE_MAX_PROBES) {
			snprintf(err, errlen, "hop %zu: ttl %d or %zu probes out "
			    "of range", i, mh->ttl, mh->n_probes);
			goto fail;
		}
		if (i > 0 && mh->ttl <= m->hops[i - 1]->ttl) {
			snprintf(err, errlen, "hops not in ascending ttl order");
			goto fail;
		}
		if (mh->echo_sent > WIRE_MAX_PROBES ||
		    mh->echo_received > mh->echo_sent ||
		    (mh->loss_by_echo && mh->echo_sent == 0) ||
		    mh->rl_burst > WIRE_MAX_PROBES || !(mh->rl_rate >= 0) ||
		    mh->rl_rate > 1e6) {
			snprintf(err, errlen, "hop %zu: echo or rate-limit figures "
			    "out of range", i);
			goto fail;
		}
		if ((h = trace_add_hop(t, mh->ttl, 0)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		h->echo_sent = (int)mh->echo_sent;
		h->echo_received = (int)mh->echo_received;
		h->loss_by_echo = mh->loss_by_echo;
		h->rl_rate = mh->rl_rate;
		h->rl_burst = (int)mh->rl_burst;
		for (j = 0; j < mh->n_probes; j++) {
			if ((p = trace_hop_add_probe(h)) == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			if (wire_probe_from_pb(mh->probes[j], h, p, err,
			    errlen) == -1)
				goto fail;
		}
	}
	return t;
fail:
	trace_free(t);
	return NULL;
}

Tracepair__TraceOptions *
wire_opts_to_pb(const struct probe_opts *o)
{
	Tracepair__TraceOptions	*m;
	int			 i;

	if ((m = malloc(sizeof(*m))) == NULL)
		return NULL;
	tracepair__trace_options__init(m);
	m->host = wire_strdup(o->host);
	m->src = wire_strdup(o->src);
	m->iface = wire_strdup(o->iface);
	m->asfile = wire_strdup(o->asfile);
	if (m->host == NULL || m->src == NULL || m->iface == NULL ||
	    m->asfile == NULL)
		goto fail;
	m->af = o->af;
	m->method = wire_method_to_pb(o->method);
	m->port = o->port;
	m->first_ttl = o->first_ttl;
	m->max_ttl = o->max_ttl;
	m->queries = o->queries;
	m->wait_max = o->wait_max;
	m->wait_here = o->wait_here;
	m->wait_near = o->wait_near;
	m->pause = o->pause;
	m->pps = o->pps;
	m->packet_size = o->packet_size;
	m->tos = o->tos;
	m->dont_fragment = o->dont_fragment != 0;
	m->fixed_port = o->fixed_port != 0;
	m->bypass_route = o->bypass_route != 0;
	m->no_dns = o->no_dns != 0;
	m->quoted_diff = o->quoted_diff != 0;
	m->unanswered_summary = o->unanswered_summary != 0;
	m->show_mpls = o->show_mpls != 0;
	m->max_inflight = o->max_inflight;
	m->gap_limit = o->gap_limit;
	m->loss = o->loss;
	m->interval = o->interval;
	if (o->ngw > 0) {
		if ((m->gw = calloc((size_t)o->ngw, sizeof(*m->gw))) == NULL)
			goto fail;
		for (i = 0; i < o->ngw && i < PROBE_MAX_GW; i++) {
			if ((m->gw[i] = wire_strdup(o->gw[i])) == NULL)
				goto fail;
			m->n_gw++;
		}
	}
	return m;
fail:
	wire_free(m);
	return NULL;
}

int
wire_opts_from_pb(const Tracepair__TraceOptions *m, struct probe_opts *o,
    char *err, size_t errlen)
{
	size_t	 i;

	memset(o, 0, sizeof(*o));
	if (wire_copy(o->host, sizeof(o->host), m->host) == -1 ||
	    wire_copy(o->src, sizeof(o->src), m->src) == -1 ||
	    wire_copy(o->iface, sizeof(o->iface), m->iface) == -1 ||
	    wire_copy(o->asfile, sizeof(o->asfile), m->asfile) == -1) {
		snprintf(err, errlen, "option host/src/iface/asfile too long");
		return -1;
	}
	if (m->n_gw > PROBE_MAX_GW) {
		snprintf(err, errlen, "%zu gateways (at most %d)", m->n_gw,
		    PROBE_MAX_GW);
		return -1;
	}
	for (i = 0; i < m->n_gw; i++)
		if (wire_copy(o->gw[i], sizeof(o->gw[i]), m->gw[i]) == -1) {
			snprintf(err, errlen, "gateway address too long");
			return -1;
		}
	o->ngw = (int)m->n_gw;
	if (wire_method_from_pb(m->method, &o->method) == -1) {
		snprintf(err, errlen, "unknown method %d", (int)m->method);
		return -1;
	}
	o->af = m->af;
	o->port = m->port;
	o->first_ttl = m->first_ttl;
	o->max_ttl = m->max_ttl;
	o->queries = m->queries;
	o->wait_max = m->wait_max;
	o->wait_here = m->wait_here;
	o->wait_near = m->wait_near;
	o->pause = m->pause;
	o->pps = m->pps;
	o->packet_size = m->packet_size;
	o->tos = m->tos;
	o->dont_fragment = m->dont_fragment;
	o->fixed_port = m->fixed_port;
	o->bypass_route = m->bypass_route;
	o->no_dns = m->no_dns;
	o->quoted_diff = m->quoted_diff;
	o->unanswered_summary = m->unanswered_summary;
	o->show_mpls = m->show_mpls;
	o->max_inflight = m->max_inflight;
	o->gap_limit = m->gap_limit;
	o->loss = m->loss;
	o->interval = m->interval;
	return 0;
}

int64_t
wire_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
wire_pong(const Tracepair__Envelope *ping, int64_t t2_ns,
    int (*send)(void *, Tracepair__Envelope *), void *arg)
{
	Tracepair__Envelope out = TRACEPAIR__ENVELOPE__INIT;
	Tracepair__Pong pong = TRACEPAIR__PONG__INIT;

	pong.t1_ns = ping->ping != NULL ? ping->ping->t1_ns : 0;
	pong.t2_ns = t2_ns;
	out.request_id = ping->request_id;
	out.body_case = TRACEPAIR__ENVELOPE__BODY_PONG;
	out.pong = &pong;
	pong.t3_ns = wire_now_ns();
	return send(arg, &out);
}
