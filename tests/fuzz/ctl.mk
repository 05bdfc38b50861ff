# tests/fuzz/ctl.mk: fuzz targets of the control plane (frames, config files,
# the site method and address ranges of fuzz_site.c).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_frame $(BUILD)/tests/fuzz/fuzz_config \
	$(BUILD)/tests/fuzz/fuzz_site
# the streaming reader behind every connection (back-pressure, bursts, closes)
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_frameconn
# the controller's message handlers behind decode (ctl_session.c routing,
# role and tenant checks, requests, results), sessions over bufferevent
# pairs, the store in memory; it links the daemon without its main.
# Seeds in tests/fuzz/corpus/ctlmsg/, written by gen_msgseeds (below).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_ctlmsg
FUZZ_ctlmsg_SRCS = $(filter-out controller/controller.c,$(CONTROLLER_SRCS)) \
	$(ANALYSIS_SRCS)
# gen_msgseeds writes the seeds of fuzz_ctlmsg and fuzz_agentmsg (checked
# in; `make fuzz-seeds-msg` writes them again).
$(BUILD)/tests/fuzz/gen_msgseeds: $(BUILD)/obj/tests/fuzz/gen_msgseeds.o $(COMMON_LIB)
	$(call link,)
fuzz-seeds-msg: $(BUILD)/tests/fuzz/gen_msgseeds
	@mkdir -p tests/fuzz/corpus/ctlmsg tests/fuzz/corpus/agentmsg
	$(Q)$< tests/fuzz/corpus/ctlmsg tests/fuzz/corpus/agentmsg
.PHONY: fuzz-seeds-msg
