# controller/cli.mk: the operator CLI's control-plane commands (agents, pair, pairs, show, trace)
# and its connection to the controller.
CLI_SRCS += controller/cli_conn.c agent/hostport.c controller/cmd_agents.c \
	controller/cmd_pair.c controller/cmd_pairs.c \
	controller/cmd_trace.c
