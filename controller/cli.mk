# controller/cli.mk: the operator CLI's control-plane commands (agents, pair, trace)
# and its connection to the controller.  Added once the CLI's main exists.
CLI_CONN_SRCS = controller/cli_conn.c agent/hostport.c
ifneq ($(wildcard controller/tracepair.c),)
CLI_SRCS += $(CLI_CONN_SRCS) controller/cmd_agents.c
ifneq ($(wildcard common/trace_text.h),)
CLI_SRCS += controller/cmd_pair.c controller/cmd_trace.c
endif
endif
