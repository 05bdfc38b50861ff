# bench/analysis-time.mk: the analysis of one pair timed in-process
# (bench/analysis-time.c, run by bench/diagnosis.sh): parse, analysis_run,
# JSON report, each alone.  (Prerequisites by second expansion:
# ANALYSIS_SRCS is complete only once every fragment is read.)
LAB_TOOLS += $(BUILD)/bin/analysis-time
.SECONDEXPANSION:
$(BUILD)/bin/analysis-time: $$(call objs,bench/analysis-time.c $$(ANALYSIS_SRCS)) $(COMMON_LIB)
	$(call link,)
