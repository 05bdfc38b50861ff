# tests/: unit tests (cmocka), fuzz targets, lab tools.
# Unit tests of the shared model.  Other areas put their unit-test rules in
# their own fragment, tests/unit/AREA.mk (included by the top Makefile).

UNIT_TESTS += $(BUILD)/tests/unit/test_trace

$(BUILD)/tests/unit/test_trace: $(call objs,tests/unit/test_trace.c) $(COMMON_LIB)
	$(call link,$(CMOCKA_LIBS))


