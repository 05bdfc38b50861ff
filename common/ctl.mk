# common/ctl.mk: control-plane code in libtpcommon.a (framing, TLS, wire conversion, config).
COMMON_SRCS += common/frame.c common/tls.c common/wire.c common/config.c
