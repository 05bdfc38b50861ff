/* agentd_main.c: tracepair-agentd, the agent daemon that `tracepair-agent --config FILE` runs. */
#include "agentd.h"

int
main(int argc, char **argv)
{
	return agentd_main(argc, argv);
}
