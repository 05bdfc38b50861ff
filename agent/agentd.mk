# agent/agentd.mk: the agent daemon, tracepair-agentd (run by
# `tracepair-agent --config FILE`), its spool, and the agent simulator.
# The engine's sources (PROBE_SRCS) come from agent/engine.mk.
AGENTD_SRCS += agent/agentd_main.c agent/agentd.c agent/spool.c agent/backoff.c \
	agent/hostport.c $(PROBE_SRCS)

# The agent simulator the integration tests drive (N agents in one process).
LAB_TOOLS += $(BUILD)/bin/agentsim
$(BUILD)/bin/agentsim: $(call objs,tests/integration/agentsim.c agent/hostport.c) $(COMMON_LIB)
	$(call link,)
