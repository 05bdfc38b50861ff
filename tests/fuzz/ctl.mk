# tests/fuzz/ctl.mk: fuzz targets of the control plane (frames, config files).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_frame $(BUILD)/tests/fuzz/fuzz_config
