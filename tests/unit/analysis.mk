# tests/unit/analysis.mk: unit tests of the asymmetry analysis, its reports
# and the pasted-traceroute parsers (fixtures in tests/analysis/).
UNIT_TESTS += $(BUILD)/tests/unit/test_analysis $(BUILD)/tests/unit/test_paste \
	$(BUILD)/tests/unit/test_site $(BUILD)/tests/unit/test_paste_realworld
TEST_analysis_SRCS = $(ANALYSIS_SRCS)
TEST_site_SRCS = $(ANALYSIS_SRCS)
TEST_paste_SRCS = controller/analysis/paste.c controller/analysis/paste_json.c
# the corpus ../shared/realworld/ (or $TP_REALWORLD), read in place
TEST_paste_realworld_SRCS = controller/analysis/paste.c controller/analysis/paste_json.c

# Golden text/JSON reports of the fixture pairs (checked by
# tests/lab/t_analysis_golden.sh); regenerate after a deliberate change.
analysis-golden: $(BUILD)/bin/tracepair
	$(Q)TP_BIN=$(BUILD)/bin sh tests/lab/t_analysis_golden.sh regen
.PHONY: analysis-golden

# The mtr summary arithmetic (Rcv column, rounding), apart from test_paste.
UNIT_TESTS += $(BUILD)/tests/unit/test_paste_mtr
TEST_paste_mtr_SRCS = controller/analysis/paste.c controller/analysis/paste_json.c

# Evidence packages: evpkg.c (in libtpcommon.a) and the package's files
# (evidence.c, svg.c); golden SUMMARY.txt and SVG of the lab fixture pair.
UNIT_TESTS += $(BUILD)/tests/unit/test_evidence
TEST_evidence_SRCS = $(ANALYSIS_SRCS)
# Rewrite tests/analysis/golden/lab-sfchi-SUMMARY.txt and lab-sfchi.svg
# after a deliberate change; review the diff before committing it.
evidence-golden: $(BUILD)/tests/unit/test_evidence
	$(Q)TP_REGEN=1 $(BUILD)/tests/unit/test_evidence
.PHONY: evidence-golden

# The follow-up round of an inconclusive pair (followup.c): deciding hops,
# probe count, the merge of two rounds, its record.
UNIT_TESTS += $(BUILD)/tests/unit/test_followup
TEST_followup_SRCS = $(ANALYSIS_SRCS)
