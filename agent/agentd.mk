# agent/agentd.mk: the agent daemon (tracepair-agent --config FILE) and its spool.
AGENT_SRCS += agent/spool.c agent/backoff.c
