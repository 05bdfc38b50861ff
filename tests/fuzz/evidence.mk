# tests/fuzz/evidence.mk: the evidence package reader of `tracepair verify`
# (common/evpkg.c, in libtpcommon.a) on arbitrary bytes; seeds in
# tests/fuzz/corpus/evpkg/ (signed tar.gz and zip packages of the test CA in
# tests/evidence/, tampered, truncated and hostile archives).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_evpkg
FUZZ_evpkg_SRCS =
