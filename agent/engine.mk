# agent/engine.mk: the probe engine and `tracepair-agent trace` (issue 3).
# PROBE_SRCS is the engine alone; the daemon's fragment reuses it.
# tracepair-agent is the small binary (libevent, libcap, jansson only, as
# every program is linked --as-needed): `trace` runs in it, and daemon mode
# execs tracepair-agentd (agent/agentd.mk) from the same directory.
PROBE_SRCS	= agent/probe.c agent/probe_loss.c agent/probe_dns.c agent/probe_pkt.c agent/probe_priv.c
AGENT_SRCS	+= agent/main.c agent/trace_cli.c $(PROBE_SRCS)
