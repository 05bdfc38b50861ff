# tests/unit/ctl.mk: unit tests of the control plane (framing, wire conversion, config, store, controller pieces).
UNIT_TESTS += $(BUILD)/tests/unit/test_frame $(BUILD)/tests/unit/test_wire \
	$(BUILD)/tests/unit/test_config $(BUILD)/tests/unit/test_store \
	$(BUILD)/tests/unit/test_ctl $(BUILD)/tests/unit/test_tls
TEST_store_SRCS = controller/store_sqlite.c
TEST_ctl_SRCS = controller/ctl_conf.c controller/ctl_session.c \
	controller/ctl_registry.c controller/ctl_clock.c controller/ctl_pair.c \
	controller/ctl_history.c \
	controller/store_sqlite.c $(ANALYSIS_SRCS)
