# common/module.mk: code every program uses, built into libtpcommon.a: framing,
# TLS, protobuf conversion (wire.c), config files, the
# trace model and its JSON/Atlas/text forms, probe options, logging, the pfx2as
# table (asn.c), host:port parsing (hostport.c) and evidence packages
# (evpkg.c: signed manifest, tar.gz/zip) and small exact tests (stats.c).  Includes only common/
# and the generated protocol header (see INC_common in the Makefile).
COMMON_SRCS += common/frame.c common/tls.c common/wire.c common/config.c \
	common/log.c common/trace.c common/trace_json.c common/trace_jsonw.c \
	common/trace_atlas.c \
	common/trace_text.c common/probe_opts.c common/asn.c common/hostport.c \
	common/addrclass.c common/evpkg.c common/stats.c
