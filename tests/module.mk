# tests/: unit tests (cmocka) and fuzz targets, linked by two generic rules.
#
# A unit test tests/unit/test_X.c:   UNIT_TESTS += $(BUILD)/tests/unit/test_X
#                                    TEST_X_SRCS = <sources it needs besides libtpcommon.a>
# A fuzz target tests/fuzz/fuzz_X.c: FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_X
#                                    FUZZ_X_SRCS = <sources it needs>
#                                    seeds in tests/fuzz/corpus/X/
# Each area declares its own in its fragment (tests/unit/AREA.mk, ...).

UNIT_TESTS += $(BUILD)/tests/unit/test_trace

.SECONDEXPANSION:
$(BUILD)/tests/unit/test_%: $(BUILD)/obj/tests/unit/test_%.o \
    $$(call objs,$$(TEST_$$*_SRCS)) $(COMMON_LIB)
	$(call link,$(CMOCKA_LIBS))

$(BUILD)/tests/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o \
    $(BUILD)/obj/tests/fuzz/fuzz_main.o $$(call objs,$$(FUZZ_$$*_SRCS)) $(COMMON_LIB)
	$(call link,)

# make fuzz: libFuzzer builds with clang, run by hand:
#   build-fuzz/fuzz_X -max_total_time=60 tests/fuzz/corpus/X
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	$(INC_tests) -I$(BUILD)/proto $(PKG_CFLAGS)
fuzz: $(COMMON_LIB)
	@mkdir -p build-fuzz
	$(Q)for t in $(notdir $(FUZZ_TARGETS)); do \
		x=$${t#fuzz_}; \
		srcs=$$($(MAKE) -s --no-print-directory print-fuzz-srcs X=$$x); \
		echo "  FUZZ    $$t"; \
		clang $(FUZZ_CFLAGS) -o build-fuzz/$$t tests/fuzz/$$t.c $$srcs \
		    common/*.c $(BUILD)/proto/tracepair.pb-c.c $(LIBS) || exit 1; \
	done
print-fuzz-srcs:
	@echo $(FUZZ_$(X)_SRCS)
# make fuzz-run: every target of `make fuzz` for FUZZ_SECS (60) seconds on a
# scratch copy of its corpus; fails on any finding (tests/fuzz/fuzz-run.sh).
FUZZ_SECS ?= 60
fuzz-run: fuzz
	$(Q)sh tests/fuzz/fuzz-run.sh $(FUZZ_SECS) $(notdir $(FUZZ_TARGETS))
.PHONY: fuzz print-fuzz-srcs fuzz-run
