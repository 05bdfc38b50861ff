# bench/sched-sim.mk: the scheduler benchmark (bench/sched-sim.c): the
# controller's own schedule tick, over a real store, in simulated time.
# (Prerequisites by second expansion: CONTROLLER_SRCS is set later.)
LAB_TOOLS += $(BUILD)/bin/sched-sim
.SECONDEXPANSION:
SCHED_SIM_SRCS = bench/sched-sim.c \
	$(filter-out controller/controller.c,$(CONTROLLER_SRCS)) $(ANALYSIS_SRCS)
$(BUILD)/bin/sched-sim: $$(call objs,$$(SCHED_SIM_SRCS)) $(COMMON_LIB)
	$(call link,)
