# tests/fuzz/: fuzz targets of the shared model (see tests/module.mk).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_trace_json
