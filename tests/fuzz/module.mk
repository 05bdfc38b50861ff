# tests/fuzz/: fuzz targets.  Each fuzz_X.c defines LLVMFuzzerTestOneInput
# and has a seed corpus in tests/fuzz/corpus/X/.  `make test` links them with
# fuzz_main.c (corpus replay + mutations); `make fuzz` builds libFuzzer
# binaries with clang into build-fuzz/.
# Add a target: FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_X and list the
# objects it needs besides libtpcommon.a in FUZZ_X_OBJS.

FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_trace_json

$(BUILD)/tests/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/fuzz_main.o $(COMMON_LIB)
	$(call link,$(FUZZ_$*_OBJS))

# Fuzz targets' extra objects must be built before linking.
.SECONDEXPANSION:
$(FUZZ_TARGETS): $$(FUZZ_$$(patsubst fuzz_%,%,$$(notdir $$@))_OBJS)
