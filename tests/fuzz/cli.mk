# tests/fuzz/cli.mk: fuzz targets of the operator CLI: its --since parser
# (pairs_parse_when) and its reply printing (cli_print.c) on an Envelope;
# seeds in tests/fuzz/corpus/when/ and cliprint/.  They link the CLI
# without its main.
FUZZ_CLI_SRCS = $(filter-out controller/cli/tracepair.c,$(CLI_SRCS)) $(ANALYSIS_SRCS)
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_when $(BUILD)/tests/fuzz/fuzz_cliprint
FUZZ_when_SRCS = $(FUZZ_CLI_SRCS)
FUZZ_cliprint_SRCS = $(FUZZ_CLI_SRCS)
