/* wire.h: struct trace and struct probe_opts to and from their protobuf messages. */
#ifndef TRACEPAIR_WIRE_H
#define TRACEPAIR_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "probe_opts.h"
#include "trace.h"
#include "tracepair.pb-c.h"

/*
 * Messages built here are wholly malloc'd (every string and sub-message),
 * so protobuf_c_message_free_unpacked(&m->base, NULL) frees them, exactly
 * like a message from *_unpack(); an Envelope built by hand around them can
 * be freed the same way.  NULL strings of struct trace go out as "" and
 * "" comes back as NULL.
 */

/* NULL on memory exhaustion. */
Tracepair__Trace *wire_trace_to_pb(const struct trace *);
/*
 * Checks every field before use (string lengths against the fixed
 * buffers, ttl/probe/mpls counts, enum ranges).  NULL with a reason.
 */
struct trace	*wire_trace_from_pb(const Tracepair__Trace *, char *err,
		    size_t errlen);

Tracepair__TraceOptions *wire_opts_to_pb(const struct probe_opts *);
/*
 * Fill o from the message (starting from probe_opts_init defaults for
 * nothing: every field is taken as sent).  Only checks what the C struct
 * needs (lengths, counts, enum range); semantic checks are
 * probe_opts_check's job.  -1 with a reason.
 */
int		 wire_opts_from_pb(const Tracepair__TraceOptions *,
		    struct probe_opts *o, char *err, size_t errlen);

/* The wall clock (CLOCK_REALTIME, ns) every protocol timestamp is read from. */
int64_t		 wire_now_ns(void);
/*
 * The agent's half of the clock measurement (docs/protocol.md): answer
 * ping (an Envelope whose body is a Ping, read at t2_ns) with a Pong that
 * echoes t1, carries t2 and, read as late as possible, t3; send(arg, env)
 * queues it.  Returns what send returns.
 */
int		 wire_pong(const Tracepair__Envelope *ping, int64_t t2_ns,
		    int (*send)(void *arg, Tracepair__Envelope *env), void *arg);

/* malloc'd copy of s ("" for NULL) that free_unpacked can free. */
char		*wire_strdup(const char *s);
/* Free any message built here or unpacked (NULL is fine). */
void		 wire_free(void *msg);

#endif
