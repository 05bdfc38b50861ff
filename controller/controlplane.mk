# controller/controlplane.mk: tracepair-controller (main, sessions, registry, clock sync, pairs, stored pairs, config, SQLite store).
CONTROLLER_SRCS += controller/controller.c controller/ctl_conf.c \
	controller/ctl_session.c controller/ctl_registry.c \
	controller/ctl_clock.c controller/ctl_pair.c controller/ctl_history.c \
	controller/store_sqlite.c
