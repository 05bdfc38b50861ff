# tests/fuzz/agentd.mk: the agent daemon's message handler behind decode
# (agentd.c: Hello, Ping, TraceJob and its option checks, ResultAck) on a
# controller's frames, through agentd_session_new: no TLS, no probe
# engine, the spool in a scratch directory.  It links the daemon without
# its main.  Seeds in tests/fuzz/corpus/agentmsg/, written by gen_msgseeds
# (tests/fuzz/ctl.mk).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_agentmsg
FUZZ_agentmsg_SRCS = $(filter-out agent/agentd_main.c,$(AGENTD_SRCS)) \
	tests/fuzz/fuzz_dir.c
