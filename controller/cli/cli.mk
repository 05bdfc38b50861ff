# controller/cli/cli.mk: tracepair, the operator CLI: main and subcommand
# table (tracepair.c), shared argument and output helpers (cli_args.c,
# cli_print.c), the connection to the controller (cli_conn.c) and one file
# per subcommand (cmd_*.c).  Nothing else includes controller/cli/.
CLI_SRCS += controller/cli/tracepair.c controller/cli/cli_args.c \
	controller/cli/cli_print.c controller/cli/cli_conn.c \
	controller/cli/cmd_agents.c controller/cli/cmd_analyze.c \
	controller/cli/cmd_pair.c controller/cli/cmd_pairs.c \
	controller/cli/cmd_trace.c controller/cli/cmd_evidence.c \
	controller/cli/cmd_schedule.c
