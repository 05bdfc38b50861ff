# tests/lab/probe.mk: tp-forge, the forged-ICMP injector of t_probe_forge.sh (libc only).
LAB_TOOLS += $(BUILD)/bin/tp-forge

$(BUILD)/bin/tp-forge: $(call objs,tests/lab/probe_forge.c)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^
