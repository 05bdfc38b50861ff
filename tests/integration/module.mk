# tests/integration/module.mk: the agent simulator the integration tests
# drive (N agents in one process).
LAB_TOOLS += $(BUILD)/bin/agentsim
$(BUILD)/bin/agentsim: $(call objs,tests/integration/agentsim.c) $(COMMON_LIB)
	$(call link,)
