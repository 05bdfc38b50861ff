# tests/fuzz/ctl.mk: fuzz targets of the control plane (frames, config files,
# the site method and address ranges of fuzz_site.c).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_frame $(BUILD)/tests/fuzz/fuzz_config \
	$(BUILD)/tests/fuzz/fuzz_site
# the streaming reader behind every connection (back-pressure, bursts, closes)
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_frameconn
