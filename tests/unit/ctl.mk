# tests/unit/ctl.mk: unit tests of the control plane (framing, wire conversion, config, store, controller pieces).
UNIT_TESTS += $(BUILD)/tests/unit/test_frame $(BUILD)/tests/unit/test_wire \
	$(BUILD)/tests/unit/test_config $(BUILD)/tests/unit/test_store \
	$(BUILD)/tests/unit/test_ctl $(BUILD)/tests/unit/test_tls
TEST_store_SRCS = controller/store_sqlite.c
TEST_ctl_SRCS = $(filter-out controller/controller.c,$(CONTROLLER_SRCS)) \
	$(ANALYSIS_SRCS)
# schedules, change detection, the shared culprit (controller/ctl_sched.c,
# ctl_change.c, ctl_culprit.c)
UNIT_TESTS += $(BUILD)/tests/unit/test_sched
TEST_sched_SRCS = $(TEST_ctl_SRCS)
