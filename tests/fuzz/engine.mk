# tests/fuzz/engine.mk: fuzz targets of the probe engine's parsers (issue 3).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_icmp4 $(BUILD)/tests/fuzz/fuzz_icmp6 \
	$(BUILD)/tests/fuzz/fuzz_pfx2as
FUZZ_icmp4_SRCS		= agent/probe_pkt.c
FUZZ_icmp6_SRCS		= agent/probe_pkt.c
FUZZ_pfx2as_SRCS	=
