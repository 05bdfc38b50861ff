# controller/analysis/analysis.mk: the analysis library: alignment and
# diagnosis (analysis.c; the loss onset per direction, onset.c; the round-trip
# model, roundtrip.c, its loss estimator, estimate.c, the probes that
# would decide its verdict, decide.c, and its delay fit,
# delay.c), its verdict sentence (analysis_verdict.c), its
# JSON form (analysis_json.c), the text report
# (report.c), the pasted-traceroute parsers (paste.c for text,
# paste_json.c for JSON), the drawing of a
# pair (svg.c), the files of an evidence package (evidence.c) and the
# follow-up round of an inconclusive pair (followup.c) and the hops whose
# echo went another way (echo.c).  Pure: no I/O of
# its own, includes only common/; linked into the controller and the CLI.
ANALYSIS_SRCS += controller/analysis/analysis.c \
	controller/analysis/analysis_json.c controller/analysis/analysis_verdict.c \
	controller/analysis/report.c \
	controller/analysis/paste.c controller/analysis/paste_json.c \
	controller/analysis/site.c \
	controller/analysis/svg.c controller/analysis/evidence.c \
	controller/analysis/estimate.c controller/analysis/roundtrip.c \
	controller/analysis/decide.c \
	controller/analysis/delay.c controller/analysis/onset.c \
	controller/analysis/followup.c controller/analysis/echo.c
