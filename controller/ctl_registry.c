/* ctl_registry.c: the agent registry: who is known, who is online, newest connection wins, rows flushed to the store. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrclass.h"
#include "ctl.h"
#include "log.h"
#include "wire.h"

struct ctl_agent *
ctl_registry_find(struct ctl *ctl, const char *tenant, const char *name)
{
	struct ctl_agent	*a;

	if (tenant == NULL || name == NULL)
		return NULL;
	TAILQ_FOREACH(a, &ctl->agents, entry)
		if (strcmp(a->name, name) == 0 && strcmp(a->tenant, tenant) == 0)
			return a;
	return NULL;
}

static struct ctl_agent *
ctl_agent_new(struct ctl *ctl, const char *tenant, const char *name)
{
	struct ctl_agent	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->tenant, sizeof(a->tenant), "%s", tenant);
	TAILQ_INSERT_TAIL(&ctl->agents, a, entry);
	return a;
}

/* Rows from the store become offline registry entries. */
static void
ctl_registry_load_one(const struct store_agent *sa, void *arg)
{
	struct ctl		*ctl = arg;
	struct ctl_agent	*a;

	if (ctl_registry_find(ctl, sa->tenant, sa->name) != NULL)
		return;
	if ((a = ctl_agent_new(ctl, sa->tenant, sa->name)) == NULL)
		return;
	snprintf(a->version, sizeof(a->version), "%s", sa->version);
	snprintf(a->address, sizeof(a->address), "%s", sa->address);
	snprintf(a->probe4, sizeof(a->probe4), "%s", sa->probe_addr4);
	snprintf(a->probe6, sizeof(a->probe6), "%s", sa->probe_addr6);
	a->last_seen = sa->last_seen;
	a->clock.offset_ns = (int64_t)(sa->offset_ms * 1e6);
	a->clock.rtt_ns = (int64_t)(sa->rtt_ms * 1e6);
}

int
ctl_registry_load(struct ctl *ctl, char *err, size_t errlen)
{
	if (store_agents_all_offline(ctl->store, err, errlen) == -1)
		return -1;
	return store_agent_list(ctl->store, NULL, ctl_registry_load_one, ctl,
	    err, errlen);
}

/*
 * NAT from the two addresses: none when they agree or the local one is
 * unknown; carrier-grade when the agent's own address is already RFC 6598
 * space (a later pair may find CGNAT further out: ctl_registry_note_cgnat).
 */
static int
ctl_registry_nat_of(const char *local, const char *public_addr)
{
	if (local[0] == '\0' || strcmp(local, public_addr) == 0)
		return CTL_NAT_NONE;
	return addrclass_of(local) == ADDRCLASS_CGNAT ? CTL_NAT_CGNAT :
	    CTL_NAT_NAT;
}

void
ctl_registry_note_cgnat(struct ctl *ctl, struct ctl_agent *a)
{
	if (a->nat == CTL_NAT_CGNAT)
		return;
	log_info("agent %s: carrier-grade NAT on the way out: its public "
	    "address %s is shared", a->name, a->public_addr);
	a->nat = CTL_NAT_CGNAT;
	(void)ctl;
}

const char *
ctl_registry_nat_name(int nat)
{
	return nat == CTL_NAT_CGNAT ? "cgnat" : nat == CTL_NAT_NAT ? "nat" : "";
}

struct ctl_agent *
ctl_registry_online(struct ctl *ctl, struct ctl_session *s,
    const Tracepair__Hello *h)
{
	struct ctl_agent	*a;
	struct ctl_session	*old;
	char			 msg[256];

	a = ctl_registry_find(ctl, s->peer.tenant, s->peer.name);
	if (a == NULL && (a = ctl_agent_new(ctl, s->peer.tenant,
	    s->peer.name)) == NULL)
		return NULL;
	if ((old = a->sess) != NULL) {
		/*
		 * Newest wins: the agent reconnected (the old TCP connection
		 * may be half dead) or someone else holds its certificate.
		 * Its jobs stay pending: results follow the name, not the
		 * connection, and the agent resends spooled ones.
		 */
		old->agent = NULL;
		ctl->nagents_online--;
		snprintf(msg, sizeof(msg), "replaced by a newer connection of "
		    "agent %s from %s", a->name, s->addr);
		ctl_session_refuse(old, 0, TRACEPAIR__ERROR_CODE__ERROR_UNEXPECTED,
		    msg);
	}
	a->sess = s;
	ctl->nagents_online++;
	snprintf(a->version, sizeof(a->version), "%s",
	    h->software ? h->software : "");
	snprintf(a->address, sizeof(a->address), "%s", s->addr);
	snprintf(a->probe4, sizeof(a->probe4), "%s",
	    h->probe_addr4 ? h->probe_addr4 : "");
	snprintf(a->probe6, sizeof(a->probe6), "%s",
	    h->probe_addr6 ? h->probe_addr6 : "");
	snprintf(a->local, sizeof(a->local), "%s",
	    h->local_addr ? h->local_addr : "");
	snprintf(a->public_addr, sizeof(a->public_addr), "%s", s->ip);
	snprintf(a->site_method, sizeof(a->site_method), "%s",
	    h->site_method ? h->site_method : "");
	/*
	 * A family with no configured probe address: the address its
	 * connection arrives from, which behind NAT is the public one (a
	 * configured address always wins).
	 */
	if (strchr(s->ip, ':') != NULL) {
		if (a->probe6[0] == '\0')
			snprintf(a->probe6, sizeof(a->probe6), "%s", s->ip);
	} else if (a->probe4[0] == '\0')
		snprintf(a->probe4, sizeof(a->probe4), "%s", s->ip);
	a->nat = ctl_registry_nat_of(a->local, a->public_addr);
	a->connected_since = a->last_seen = ctl_now();
	a->clock.synced = 0;
	a->clock.pings_left = 0;
	a->clock.ping_t1 = 0;
	a->clock.nsamp = 0;	/* samples of an earlier connection do not count */
	a->clock.next = 0;
	ctl_registry_dirty(ctl, a);
	return a;
}

void
ctl_registry_dirty(struct ctl *ctl, struct ctl_agent *a)
{
	if (a->dirty)
		return;
	a->dirty = 1;
	TAILQ_INSERT_TAIL(&ctl->dirtyq, a, dirty_entry);
}

void
ctl_registry_offline(struct ctl *ctl, struct ctl_agent *a)
{
	if (a->sess == NULL)
		return;
	a->sess = NULL;
	a->connected_since = 0;
	a->clock.pings_left = 0;
	a->clock.ping_t1 = 0;
	ctl_registry_dirty(ctl, a);
	ctl->nagents_online--;
}

void
ctl_registry_flush(struct ctl *ctl)
{
	struct ctl_agent	*a;
	struct store_agent	*rows;
	size_t			 n = 0, i = 0;
	char			 err[256];

	TAILQ_FOREACH(a, &ctl->dirtyq, dirty_entry)
		n++;
	if (n == 0)
		return;
	if ((rows = calloc(n, sizeof(*rows))) == NULL) {
		log_warnx("registry: out of memory");
		return;
	}
	TAILQ_FOREACH(a, &ctl->dirtyq, dirty_entry) {
		rows[i].name = a->name;
		rows[i].tenant = a->tenant;
		rows[i].version = a->version;
		rows[i].address = a->address;
		rows[i].probe_addr4 = a->probe4;
		rows[i].probe_addr6 = a->probe6;
		rows[i].connected_since = a->connected_since;
		rows[i].last_seen = a->last_seen;
		rows[i].offset_ms = (double)a->clock.offset_ns / 1e6;
		rows[i].rtt_ms = (double)a->clock.rtt_ns / 1e6;
		i++;
	}
	if (store_agent_put_many(ctl->store, rows, n, err, sizeof(err)) == -1)
		log_warnx("registry: %s", err);
	else
		while ((a = TAILQ_FIRST(&ctl->dirtyq)) != NULL) {
			TAILQ_REMOVE(&ctl->dirtyq, a, dirty_entry);
			a->dirty = 0;
		}
	free(rows);
}

void
ctl_registry_free(struct ctl *ctl)
{
	struct ctl_agent	*a;

	while ((a = TAILQ_FIRST(&ctl->agents)) != NULL) {
		TAILQ_REMOVE(&ctl->agents, a, entry);
		free(a);
	}
	TAILQ_INIT(&ctl->syncq);
	TAILQ_INIT(&ctl->dirtyq);
}

/* One AgentInfo, wholly malloc'd (freed with the reply). */
static Tracepair__AgentInfo *
ctl_agent_info(const struct ctl_agent *a)
{
	Tracepair__AgentInfo	*ai;

	if ((ai = malloc(sizeof(*ai))) == NULL)
		return NULL;
	tracepair__agent_info__init(ai);
	ai->name = wire_strdup(a->name);
	ai->tenant = wire_strdup(a->tenant);
	ai->version = wire_strdup(a->version);
	ai->address = wire_strdup(a->sess ? a->address : "");
	ai->probe_addr4 = wire_strdup(a->probe4);
	ai->probe_addr6 = wire_strdup(a->probe6);
	ai->local_addr = wire_strdup(a->local);
	ai->public_addr = wire_strdup(a->sess ? a->public_addr : "");
	ai->nat = wire_strdup(ctl_registry_nat_name(a->nat));
	ai->site_method = wire_strdup(a->site_method);
	if (!ai->name || !ai->tenant || !ai->version || !ai->address ||
	    !ai->probe_addr4 || !ai->probe_addr6 || !ai->local_addr ||
	    !ai->public_addr || !ai->nat || !ai->site_method) {
		wire_free(ai);
		return NULL;
	}
	ai->connected_since = a->connected_since;
	ai->last_seen = a->last_seen;
	ai->offset_ms = (double)a->clock.offset_ns / 1e6;
	ai->rtt_ms = (double)a->clock.rtt_ns / 1e6;
	ai->online = a->sess != NULL;
	return ai;
}

void
ctl_registry_reply(struct ctl *ctl, struct ctl_session *op,
    uint64_t request_id)
{
	frame_env		 env;
	Tracepair__AgentsReply	*r;
	struct ctl_agent	*a;
	const char		*tenant = ctl_op_tenant(op);
	size_t			 n = 0;

	tracepair__envelope__init(&env);
	if ((r = malloc(sizeof(*r))) == NULL)
		goto oom;
	tracepair__agents_reply__init(r);
	TAILQ_FOREACH(a, &ctl->agents, entry)
		if (tenant == NULL || strcmp(a->tenant, tenant) == 0)
			n++;
	if (n > 0 && (r->agents = calloc(n, sizeof(*r->agents))) == NULL)
		goto oom;
	TAILQ_FOREACH(a, &ctl->agents, entry) {
		if (tenant != NULL && strcmp(a->tenant, tenant) != 0)
			continue;
		if ((r->agents[r->n_agents] = ctl_agent_info(a)) == NULL)
			goto oom;
		r->n_agents++;
	}
	env.request_id = request_id;
	env.body_case = TRACEPAIR__ENVELOPE__BODY_AGENTS_REPLY;
	env.agents_reply = r;
	(void)ctl_send(op, &env);
	wire_free(r);
	return;
oom:
	wire_free(r);
	ctl_reply_error(op, request_id, TRACEPAIR__ERROR_CODE__ERROR_INTERNAL,
	    "out of memory");
}
