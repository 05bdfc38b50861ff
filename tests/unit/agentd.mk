# tests/unit/agentd.mk: unit tests of the agent daemon's spool and backoff.
UNIT_TESTS += $(BUILD)/tests/unit/test_spool
TEST_spool_SRCS = agent/spool.c agent/backoff.c
