# bench/controller-scale.mk: the certificate helper of bench/controller-scale.sh.
LAB_TOOLS += $(BUILD)/bin/controller-scale-certs
$(BUILD)/bin/controller-scale-certs: $(call objs,bench/controller-scale-certs.c) $(COMMON_LIB)
	$(call link,)
