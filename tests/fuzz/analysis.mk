# tests/fuzz/analysis.mk: the pasted-traceroute parsers (and the analysis
# behind them) on arbitrary bytes; seeds in tests/fuzz/corpus/paste/.
FUZZ_TARGETS += $(BUILD)/tests/fuzz/fuzz_paste
FUZZ_paste_SRCS = $(ANALYSIS_SRCS)
