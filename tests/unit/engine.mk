# tests/unit/engine.mk: unit tests of the probe engine and `trace` (issue 3).
UNIT_TESTS += $(BUILD)/tests/unit/test_probe_pkt $(BUILD)/tests/unit/test_probe_opts \
	$(BUILD)/tests/unit/test_probe_priv $(BUILD)/tests/unit/test_probe_engine \
	$(BUILD)/tests/unit/test_probe_text $(BUILD)/tests/unit/test_probe_tcpfilter \
	$(BUILD)/tests/unit/test_probe_dnscache $(BUILD)/tests/unit/test_probe_large \
	$(BUILD)/tests/unit/test_probe_stall
TEST_probe_pkt_SRCS	= agent/probe_pkt.c
TEST_probe_opts_SRCS	=
TEST_probe_priv_SRCS	= $(PROBE_SRCS)
# The engine's loop tests share one harness (loop, engine, callback, wait).
PROBE_HARNESS_SRCS	= tests/unit/probe_harness.c $(PROBE_SRCS)
TEST_probe_engine_SRCS	= $(PROBE_HARNESS_SRCS)
TEST_probe_text_SRCS	=
TEST_probe_tcpfilter_SRCS = $(PROBE_HARNESS_SRCS)
TEST_probe_dnscache_SRCS = $(PROBE_HARNESS_SRCS)
TEST_probe_large_SRCS	= $(PROBE_HARNESS_SRCS)
TEST_probe_stall_SRCS	= $(PROBE_HARNESS_SRCS)
