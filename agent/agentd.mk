# agent/agentd.mk: the agent daemon (tracepair-agent --config FILE) and its spool.
# Linked into tracepair-agent once the probe engine's main (agent/main.c) exists.
AGENTD_SRCS = agent/agentd.c agent/spool.c agent/backoff.c agent/hostport.c
ifneq ($(wildcard agent/main.c),)
AGENT_SRCS += $(AGENTD_SRCS)
endif

# The agent simulator the integration tests drive (N agents in one process).
LAB_TOOLS += $(BUILD)/bin/agentsim
$(BUILD)/bin/agentsim: $(call objs,tests/integration/agentsim.c agent/hostport.c) $(COMMON_LIB)
	$(call link,)
