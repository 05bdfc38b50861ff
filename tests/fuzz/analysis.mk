# tests/fuzz/analysis.mk: the pasted-traceroute parsers (and the analysis
# behind them) on arbitrary bytes; seeds in tests/fuzz/corpus/paste/.
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_paste
FUZZ_paste_SRCS = $(ANALYSIS_SRCS)
# The alias evidence of `analyze --aliases` (analysis_aliases_parse) and an
# analysis that uses it; seeds in tests/fuzz/corpus/aliases/.
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_aliases
FUZZ_aliases_SRCS = $(ANALYSIS_SRCS)
