# bench/store-bench.mk: the store benchmark (bench/store-bench.c, run by bench/store.sh).
LAB_TOOLS += $(BUILD)/bin/store-bench
$(BUILD)/bin/store-bench: $(call objs,bench/store-bench.c controller/store_sqlite.c) $(COMMON_LIB)
	$(call link,)
