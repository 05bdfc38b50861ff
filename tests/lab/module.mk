# tests/lab/: the network-namespace test bed.  tp-delayline is the delay/loss
# program that sits between two veth ends of an impaired link (tplab starts
# it); it needs only libc.

LAB_TOOLS += $(BUILD)/bin/tp-delayline

$(BUILD)/bin/tp-delayline: $(call objs,tests/lab/delayline.c)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^
