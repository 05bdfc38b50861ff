# agent/agentd.mk: the agent daemon (tracepair-agent --config FILE) and its spool.
# Linked into tracepair-agent once the probe engine's main (agent/main.c) exists.
AGENTD_SRCS = agent/agentd.c agent/spool.c agent/backoff.c agent/hostport.c
ifneq ($(wildcard agent/main.c),)
AGENT_SRCS += $(AGENTD_SRCS)
endif
