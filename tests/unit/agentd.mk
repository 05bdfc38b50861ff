# tests/unit/agentd.mk: unit tests of the agent daemon's spool and backoff.
UNIT_TESTS += $(BUILD)/tests/unit/test_spool
TEST_spool_SRCS = agent/spool.c agent/backoff.c

# The spool's file reader on arbitrary bytes (seeds in tests/fuzz/corpus/spool/).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_spool
FUZZ_spool_SRCS = agent/spool.c tests/fuzz/fuzz_dir.c

# The daemon's configuration loader (links the engine it calls).
UNIT_TESTS += $(BUILD)/tests/unit/test_agentd
TEST_agentd_SRCS = $(filter-out agent/agentd_main.c,$(AGENTD_SRCS))

# test_spool wraps fsync to count the calls and inject failures.
$(BUILD)/tests/unit/test_spool: LDFLAGS += -Wl,--wrap=fsync

# The spool's put/ack/read/evict/reopen paths, a sequence of operations
# decoded from the input (seeds in tests/fuzz/corpus/spoolops/).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_spoolops
FUZZ_spoolops_SRCS = agent/spool.c tests/fuzz/fuzz_dir.c
