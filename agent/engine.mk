# agent/engine.mk: the probe engine and `tracepair-agent trace` (issue 3).
# PROBE_SRCS is the engine alone; the daemon's fragment reuses it.
PROBE_SRCS	= agent/probe.c agent/probe_pkt.c agent/probe_priv.c agent/asn.c
COMMON_SRCS	+= common/probe_opts.c common/trace_text.c
AGENT_SRCS	+= agent/main.c agent/trace_cli.c $(PROBE_SRCS)
