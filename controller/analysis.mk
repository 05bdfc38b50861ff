# controller/analysis.mk: the asymmetry analysis library, its reports, the
# pasted-traceroute parsers, and the `tracepair` CLI's main + analyze.
ANALYSIS_SRCS += controller/analysis.c controller/report.c controller/paste.c
CLI_SRCS += controller/tracepair.c controller/cmd_analyze.c
