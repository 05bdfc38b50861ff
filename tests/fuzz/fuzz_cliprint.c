/* fuzz_cliprint.c: the CLI's reply printing (controller/cli/cli_print.c) on a protobuf Envelope decoded from arbitrary bytes, as a controller could send it: pairs, stored pairs, traces, progress, errors. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_conn.h"
#include "frame.h"
#include "trace.h"
#include "wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Both ways a pair prints (JSON and text, each layout), and its status. */
static void
print_pair(const Tracepair__PairReply *r)
{
	struct trace	*fwd, *rev;

	if (r == NULL)
		return;
	fwd = cli_pair_trace("pair", r->forward, "forward");
	rev = cli_pair_trace("pair", r->reverse, "reverse");
	cli_pair_print_json("pair", r, fwd, rev);
	cli_pair_print_text(r, "a", "b", fwd, rev, CLI_LAYOUT_AUTO);
	cli_pair_print_text(r, "a", "b", fwd, rev, CLI_LAYOUT_CLASSIC);
	cli_pair_print_text(r, "a", "b", fwd, rev, CLI_LAYOUT_SUMMARY);
	(void)cli_reply_status("pair", r->status, r->reason);
	trace_free(fwd);
	trace_free(rev);
}

static void
print_env(const frame_env *env)
{
	struct cli_progress pl;
	struct trace	*t;
	char		 err[256];

	switch (env->body_case) {
	case TRACEPAIR__ENVELOPE__BODY_PAIR_REPLY:
		print_pair(env->pair_reply);
		break;
	case TRACEPAIR__ENVELOPE__BODY_PAIR_GET_REPLY:
		print_pair(env->pair_get_reply->pair);
		if (env->pair_get_reply->changes_json != NULL &&
		    env->pair_get_reply->changes_json[0] != '\0')
			cli_print_changes(env->pair_get_reply->changes_json, "  ");
		break;
	case TRACEPAIR__ENVELOPE__BODY_TRACE_REPLY:
		if (env->trace_reply->trace != NULL && (t = wire_trace_from_pb(
		    env->trace_reply->trace, err, sizeof(err))) != NULL) {
			cli_print_trace(t, CLI_LAYOUT_AUTO);
			cli_print_trace(t, CLI_LAYOUT_CLASSIC);
			cli_print_trace(t, CLI_LAYOUT_SUMMARY);
			trace_free(t);
		}
		(void)cli_reply_status("trace", env->trace_reply->status,
		    env->trace_reply->reason);
		break;
	case TRACEPAIR__ENVELOPE__BODY_PROGRESS:
		/* as cli_conn hands it on: checked, for one of the agents asked */
		if (!frame_progress_ok(env->progress))
			break;
		memset(&pl, 0, sizeof(pl));
		pl.agent[0] = "a";
		pl.agent[1] = env->progress->agent;
		cli_progress_show(env->progress, &pl);
		cli_progress_show(env->progress, &pl);
		cli_progress_end(&pl);
		break;
	case TRACEPAIR__ENVELOPE__BODY_ERROR:
		(void)cli_reply_status("pair", "failed", env->error->message);
		break;
	default:
		break;
	}
}

/*
 * Input: one Envelope's bytes (no frame header).  What is printed goes to
 * /dev/null: the replay's TAP lines stay on the real stdout.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int	 null_fd = -1;
	frame_env	*env;
	int		 out, errfd;

	if (len > FRAME_LIMIT_DEFAULT)
		return 0;
	if ((env = tracepair__envelope__unpack(NULL, len, data)) == NULL)
		return 0;
	if (env->body_case == TRACEPAIR__ENVELOPE__BODY__NOT_SET) {
		frame_free(env);	/* frame_decode refuses it too */
		return 0;
	}
	if (null_fd == -1 && (null_fd = open("/dev/null", O_WRONLY)) == -1)
		abort();
	fflush(stdout);
	fflush(stderr);
	if ((out = dup(STDOUT_FILENO)) == -1 || (errfd = dup(STDERR_FILENO)) == -1 ||
	    dup2(null_fd, STDOUT_FILENO) == -1 || dup2(null_fd, STDERR_FILENO) == -1)
		abort();
	print_env(env);
	fflush(stdout);
	fflush(stderr);
	if (dup2(out, STDOUT_FILENO) == -1 || dup2(errfd, STDERR_FILENO) == -1)
		abort();
	close(out);
	close(errfd);
	frame_free(env);
	return 0;
}
