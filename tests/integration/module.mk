# tests/integration/module.mk: the agent simulator the integration tests
# drive (N agents in one process).
LAB_TOOLS += $(BUILD)/bin/agentsim
$(BUILD)/bin/agentsim: $(call objs,tests/integration/agentsim.c) $(COMMON_LIB)
	$(call link,)

# the attacker the hardening tests play (slowloris, pipelining operator)
LAB_TOOLS += $(BUILD)/bin/ctlstress
$(BUILD)/bin/ctlstress: $(call objs,tests/integration/ctlstress.c) $(COMMON_LIB)
	$(call link,)
