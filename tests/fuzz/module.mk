# tests/fuzz/: fuzz targets of the shared model (see tests/module.mk).
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_trace_json
# host:port as agents, the CLI and the test driver read it (common/hostport.c),
# and the identity of a peer's certificate from DER (tls_cert_identity,
# common/tls.c); seeds in tests/fuzz/corpus/hostport/ and certid/.
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_hostport $(BUILD)/tests/fuzz/fuzz_certid
FUZZ_hostport_SRCS =
FUZZ_certid_SRCS =
