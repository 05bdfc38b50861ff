# controller/analysis/analysis.mk: the analysis library: alignment and
# diagnosis (analysis.c), its JSON form (analysis_json.c), the text report
# (report.c) and the pasted-traceroute parsers (paste.c).  Pure: no I/O of
# its own, includes only common/; linked into the controller and the CLI.
ANALYSIS_SRCS += controller/analysis/analysis.c \
	controller/analysis/analysis_json.c controller/analysis/report.c \
	controller/analysis/paste.c controller/analysis/site.c
