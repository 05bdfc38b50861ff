# agent/agentd.mk: the agent daemon, tracepair-agentd (run by
# `tracepair-agent --config FILE`): its configuration (agentd_conf.c), its
# session (agentd.c), its spool and backoff.  The engine's sources
# (PROBE_SRCS) come from agent/engine.mk.
AGENTD_SRCS += agent/agentd_main.c agent/agentd.c agent/agentd_conf.c \
	agent/spool.c agent/backoff.c $(PROBE_SRCS)
