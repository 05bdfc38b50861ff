# common/: code both daemons and the CLI use, built into libtpcommon.a.
COMMON_SRCS += common/log.c common/trace.c common/trace_json.c
