# tests/: unit tests (cmocka), fuzz targets, lab tools.
# A unit test tests/unit/test_X.c becomes $(BUILD)/tests/unit/test_X,
# linked with the objects listed in TEST_X_OBJS (plus libtpcommon.a).

UNIT_TESTS += $(BUILD)/tests/unit/test_trace

$(BUILD)/tests/unit/test_trace: $(call objs,tests/unit/test_trace.c) $(COMMON_LIB)
	$(call link,$(CMOCKA_LIBS))

-include tests/unit/module.mk tests/fuzz/module.mk tests/lab/module.mk
