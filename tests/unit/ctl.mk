# tests/unit/ctl.mk: unit tests of the control plane (framing, wire conversion, config, store).
UNIT_TESTS += $(BUILD)/tests/unit/test_frame $(BUILD)/tests/unit/test_wire \
	$(BUILD)/tests/unit/test_config $(BUILD)/tests/unit/test_store
TEST_store_SRCS = controller/store_sqlite.c
