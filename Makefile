# tracepair: one non-recursive build for the agent, the controller, the CLI,
# the tests and the lab tools.  Each directory contributes a module.mk.
#
#   make               build everything into build/
#   make SANITIZE=1    ASan+UBSan build into build-san/
#   make V=1           show the commands
#   make test          install missing deps, build, run every test
#   make demo          install missing deps, build, run the SF <-> Chicago lab
#   make demo-msp      the same, then a mesh of six lab sites with one shared lossy link

CC	?= gcc
ifeq ($(origin CC),default)
CC	 = gcc
endif
PKG_CONFIG ?= pkg-config
PROTOC_C ?= protoc-c

ifeq ($(SANITIZE),1)
BUILD	?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD	?= build
SANFLAGS =
endif

ifeq ($(V),1)
Q =
else
Q = @
endif

PKGS	 = libevent libevent_openssl openssl libprotobuf-c sqlite3 jansson libcap libarchive
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wcast-qual
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP \
	   $(INC) -I$(BUILD)/proto $(PKG_CFLAGS)

# Include paths are per folder, so that an include across the house's
# walls fails to compile (docs/architecture.md): common/ sees only itself;
# the agent sees common/; the analysis library sees common/; the daemon
# sees common/ and the analysis library; the CLI sees common/ and the
# analysis library; nothing sees controller/cli/.  Tests and benchmarks see
# everything they test.  (For pattern-specific variables the longer
# pattern, i.e. the deeper folder, wins.)
INC_common	= -Icommon
INC_agent	= -Icommon -Iagent
INC_analysis	= -Icommon -Icontroller/analysis
INC_controller	= -Icommon -Icontroller/analysis -Icontroller
INC_cli		= -Icommon -Icontroller/analysis -Icontroller/cli
INC_tests	= -Icommon -Iagent -Icontroller/analysis -Icontroller \
		  -Icontroller/cli -Itests/unit
INC		= $(INC_tests)
$(BUILD)/obj/common/%.o: INC = $(INC_common)
$(BUILD)/obj/agent/%.o: INC = $(INC_agent)
$(BUILD)/obj/controller/%.o: INC = $(INC_controller)
$(BUILD)/obj/controller/analysis/%.o: INC = $(INC_analysis)
$(BUILD)/obj/controller/cli/%.o: INC = $(INC_cli)
ALL_LDFLAGS = -Wl,--as-needed $(LDFLAGS) $(SANFLAGS)
LIBS	 = $(PKG_LIBS) -lm

# Filled in by the module.mk files.
BINS		=
UNIT_TESTS	=
FUZZ_TARGETS	=
LAB_TOOLS	=
COMMON_SRCS	=

objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

PROTO_C	= $(BUILD)/proto/tracepair.pb-c.c
PROTO_H	= $(BUILD)/proto/tracepair.pb-c.h

COMMON_LIB = $(BUILD)/libtpcommon.a

all: everything

# Sources of the three programs; each area's fragment adds to them.
AGENT_SRCS	=	# tracepair-agent (needs a main)
AGENTD_SRCS	=	# tracepair-agentd (the agent daemon)
CONTROLLER_SRCS	=	# tracepair-controller
CLI_SRCS	=	# tracepair (operator CLI)
ANALYSIS_SRCS	=	# analysis library, linked into controller and CLI

# Every area keeps its own fragment(s): DIR/*.mk.  Fragments only add to
# the variables above and define their own tests; the programs are linked
# below, once every fragment has been read.
include $(sort $(wildcard common/*.mk agent/*.mk controller/*.mk \
	controller/*/*.mk tests/*.mk tests/*/*.mk bench/*.mk))

ifneq ($(AGENT_SRCS),)
BINS += $(BUILD)/bin/tracepair-agent
$(BUILD)/bin/tracepair-agent: $(call objs,$(AGENT_SRCS)) $(COMMON_LIB)
	$(call link,)
endif
ifneq ($(AGENTD_SRCS),)
BINS += $(BUILD)/bin/tracepair-agentd
$(BUILD)/bin/tracepair-agentd: $(call objs,$(AGENTD_SRCS)) $(COMMON_LIB)
	$(call link,)
endif
ifneq ($(CONTROLLER_SRCS),)
BINS += $(BUILD)/bin/tracepair-controller
$(BUILD)/bin/tracepair-controller: $(call objs,$(CONTROLLER_SRCS) $(ANALYSIS_SRCS)) $(COMMON_LIB)
	$(call link,)
endif
ifneq ($(CLI_SRCS),)
BINS += $(BUILD)/bin/tracepair
$(BUILD)/bin/tracepair: $(call objs,$(CLI_SRCS) $(ANALYSIS_SRCS)) $(COMMON_LIB)
	$(call link,)
endif

everything: $(BINS) $(UNIT_TESTS) $(FUZZ_TARGETS) $(LAB_TOOLS)

# The four programs alone (what the packages ship).
programs: $(BINS)

$(PROTO_C) $(PROTO_H): proto/tracepair.proto
	@mkdir -p $(BUILD)/proto
	@echo "  PROTOC  $<"
	$(Q)$(PROTOC_C) --proto_path=proto --c_out=$(BUILD)/proto $<

$(BUILD)/obj/%.o: %.c | $(PROTO_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/proto/tracepair.pb-c.o: $(PROTO_C)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -std=c11 -O2 -g $(SANFLAGS) $(PKG_CFLAGS) -I$(BUILD)/proto -c -o $@ $<

$(COMMON_LIB): $(call objs,$(COMMON_SRCS)) $(BUILD)/obj/proto/tracepair.pb-c.o
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

# Link rule shared by every program: objects first, then the common library.
define link
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(COMMON_LIB) $(LIBS) $(1)
endef

deps:
	@sh deploy/install-deps.sh

# make test: dependencies first (a fresh machine has none), then a build
# that sees them, then every test.  The one re-invocation is deliberate:
# pkg-config must run after the packages exist.
test: deps
	$(Q)$(MAKE) --no-print-directory check

check: everything fuzz-san
	$(Q)BUILD=$(BUILD) BUILD_SAN=$(BUILD_SAN) sh tests/run-tests.sh

# make mutate: the mutation score of the suite (tests/mutate/mutations.txt,
# each applied to a scratch copy under /tmp, rebuilt and tested); >= 90 %
# caught or it fails.  Slow (a rebuild and tests per mutation); lab tests
# named in the list need root.
mutate: everything
	$(Q)sh tests/mutate/mutate.sh

# fuzz-san: the fuzz targets' replay binaries only, built with ASan+UBSan
# into $(BUILD_SAN); tests/run-tests.sh replays the corpora with them too.
BUILD_SAN ?= build-san
fuzz-san:
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(BUILD_SAN) fuzz-targets
fuzz-targets: $(FUZZ_TARGETS)

demo: deps
	$(Q)$(MAKE) --no-print-directory everything
	$(Q)BUILD=$(BUILD) sh tests/lab/demo.sh

# demo-msp: a mesh of six lab sites, two rounds, one shared lossy link:
# the mesh summary and the change list (tests/lab/demo-msp.sh).
demo-msp: deps
	$(Q)$(MAKE) --no-print-directory everything
	$(Q)BUILD=$(BUILD) sh tests/lab/demo-msp.sh

# make install [PREFIX=/usr/local] [SYSCONFDIR=/etc] [DESTDIR=...]: the four
# programs (the agent daemon beside tracepair-agent, which runs it), the man
# pages, the systemd units (BINDIR and SYSCONFDIR filled in; not enabled),
# the example configs under SYSCONFDIR/tracepair/ and the PKI script.
# docs/deploy.md goes on from there.
PREFIX	?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR	?= $(PREFIX)/lib/systemd/system
INSTALL_BINS = tracepair tracepair-agent tracepair-agentd tracepair-controller
install: everything
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/tracepair $(DESTDIR)$(PREFIX)/share/tracepair
	install -m 755 $(addprefix $(BUILD)/bin/,$(INSTALL_BINS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 docs/man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	for u in tracepair-agent tracepair-controller; do \
		sed -e 's|@BINDIR@|$(PREFIX)/bin|g' \
		    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' deploy/$$u.service.in \
		    >$(DESTDIR)$(UNITDIR)/$$u.service && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u.service || exit 1; \
	done
	install -m 644 deploy/tracepair-agent.conf.example \
	    deploy/tracepair-controller.conf.example $(DESTDIR)$(SYSCONFDIR)/tracepair/
	install -m 755 certs/tp-pki.sh $(DESTDIR)$(PREFIX)/share/tracepair/

# make deb: the Debian packages tracepair, tracepair-agent and
# tracepair-controller (deploy/debian/, dpkg-buildpackage + debhelper) from
# a clean copy of the committed tree, into build-deb/; lintian checks them.
deb:
	$(Q)sh deploy/make-deb.sh

fmt:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-san build-deb

.SECONDARY:
.PHONY: all everything programs deps test check demo demo-msp install deb fmt clean fuzz-san fuzz-targets mutate

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
