# controller/analysis.mk: the asymmetry analysis library, its reports, the
# pasted-traceroute parsers, the pfx2as table (agent/asn.c: the controller
# annotates arriving traces, `analyze -A` pasted ones), and the `tracepair`
# CLI's main + analyze.
ANALYSIS_SRCS += controller/analysis.c controller/report.c controller/paste.c \
	agent/asn.c
CLI_SRCS += controller/tracepair.c controller/cmd_analyze.c
