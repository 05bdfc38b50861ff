# agent/engine.mk: the probe engine and `tracepair-agent trace` (issue 3).
# PROBE_SRCS is the engine alone; the daemon's fragment reuses it.
PROBE_SRCS	= agent/probe.c agent/probe_pkt.c agent/probe_priv.c agent/asn.c
COMMON_SRCS	+= common/probe_opts.c common/trace_text.c
AGENT_SRCS	+= agent/main.c agent/trace_cli.c $(PROBE_SRCS)

# tracepair-trace: `tracepair-agent trace` alone, linked --as-needed so that
# the daemon's TLS, SQLite and protobuf libraries are not loaded (idle RSS
# under 4 MB); tracepair-agent runs it from its own directory when root.
TRACE_SRCS	= agent/trace_main.c agent/trace_cli.c $(PROBE_SRCS)
BINS		+= $(BUILD)/bin/tracepair-trace
$(BUILD)/bin/tracepair-trace: $(call objs,$(TRACE_SRCS)) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -Wl,--as-needed -o $@ $(filter %.o,$^) $(COMMON_LIB) $(LIBS)
