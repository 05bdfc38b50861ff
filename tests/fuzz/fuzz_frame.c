/* fuzz_frame.c: frame_decode() on arbitrary bytes, then the wire conversions of what decoded. */
#include <stdint.h>
#include <stdlib.h>

#include "frame.h"
#include "wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Convert whatever trace or options the envelope carries, and back. */
static void
convert(const frame_env *env)
{
	const Tracepair__Trace		*pt = NULL;
	const Tracepair__TraceOptions	*po = NULL;
	struct probe_opts		 o;
	struct trace			*t;
	Tracepair__Trace		*again;
	char				 err[256];

	switch (env->body_case) {
	case TRACEPAIR__ENVELOPE__BODY_JOB_RESULT:
		if (env->job_result->outcome_case ==
		    TRACEPAIR__JOB_RESULT__OUTCOME_TRACE)
			pt = env->job_result->trace;
		break;
	case TRACEPAIR__ENVELOPE__BODY_TRACE_JOB:
		po = env->trace_job->options;
		break;
	case TRACEPAIR__ENVELOPE__BODY_PAIR_REQUEST:
		po = env->pair_request->options;
		break;
	case TRACEPAIR__ENVELOPE__BODY_TRACE_REQUEST:
		po = env->trace_request->options;
		break;
	case TRACEPAIR__ENVELOPE__BODY_TRACE_REPLY:
		pt = env->trace_reply->trace;
		break;
	case TRACEPAIR__ENVELOPE__BODY_PAIR_REPLY:
		pt = env->pair_reply->forward;
		break;
	case TRACEPAIR__ENVELOPE__BODY_PROGRESS:
		(void)frame_progress_ok(env->progress);
		break;
	default:
		break;
	}
	if (po != NULL)
		(void)wire_opts_from_pb(po, &o, err, sizeof(err));
	if (pt != NULL && (t = wire_trace_from_pb(pt, err, sizeof(err))) != NULL) {
		again = wire_trace_to_pb(t);
		wire_free(again);
		trace_free(t);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	frame_env	*env;
	size_t		 used;
	char		 err[256];
	uint8_t		*buf;
	size_t		 n;

	/* Several frames back to back, as a stream would carry them. */
	while (len > 0 && frame_decode(data, len, 64 * 1024, &env, &used, err,
	    sizeof(err)) == FRAME_DONE) {
		convert(env);
		buf = frame_encode(env, 64 * 1024, &n, err, sizeof(err));
		free(buf);
		frame_free(env);
		data += used;
		len -= used;
	}
	return 0;
}
