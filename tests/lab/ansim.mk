# tests/lab/ansim.mk: tp-ansim, the Monte-Carlo false-failure calculator of
# the analysis lab tests (the analysis library on redrawn lab traces; run
# by hand, its figures are in the tests' comments and docs/testing.md).
LAB_TOOLS += $(BUILD)/bin/tp-ansim

$(BUILD)/bin/tp-ansim: $(call objs,tests/lab/ansim.c $(ANALYSIS_SRCS)) $(COMMON_LIB)
	$(call link,)
