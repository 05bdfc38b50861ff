# controller/controller.mk: tracepair-controller, the daemon, in layers
# (docs/architecture.md): controller.c (main) over ctl_session.c (TLS
# sessions) over ctl_pair.c (ctl_followup.c: the follow-up round) / ctl_registry.c / ctl_clock.c / ctl_history.c
# and ctl_evidence.c (evidence packages), ctl_sched.c / ctl_spread.c
# (where the runs go) / ctl_alert.c /
# ctl_change.c / ctl_culprit.c (schedules, meshes, history, alerts) over ctl_reply.c (sending and refusing, the clock) and store_sqlite.c
# (the SQLite store behind store.h; ctl_store.c batches its writes in the
# event loop and prunes old rows); ctl_conf.c reads the config.
CONTROLLER_SRCS += controller/controller.c controller/ctl_conf.c \
	controller/ctl_session.c controller/ctl_reply.c \
	controller/ctl_registry.c controller/ctl_clock.c controller/ctl_pair.c \
	controller/ctl_followup.c \
	controller/ctl_history.c controller/ctl_evidence.c \
	controller/ctl_sched.c controller/ctl_spread.c controller/ctl_change.c controller/ctl_culprit.c \
	controller/ctl_alert.c controller/ctl_store.c \
	controller/store_sqlite.c
