# asr-doctor: one plain Makefile (pkg-config for the libraries, -MMD for
# header dependencies, quiet unless V=1, SANITIZE=1 for ASan+UBSan).

PROG      := asr-doctor
VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man/man1
CC        ?= cc
PKG_CONFIG ?= pkg-config

# Build dependencies (Debian package names) and the extra ones the tests use.
BUILD_DEPS := make gcc pkg-config libncurses-dev libssh2-1-dev libblkid-dev \
              libcjson-dev libcmocka-dev libcmark-dev libhivex-dev
TEST_DEPS  := openssh-server openssh-client tmux fdisk e2fsprogs util-linux grub-pc-bin grub-common patch \
              procps iproute2 libhivex-bin libwin-hivex-perl chntpw ansible-core sudo passwd \
              libpam-modules
BENCH_DEPS := dialog libvterm-dev hyperfine libc-bin grep openssh-server openssh-client ansible-core
LINT_DEPS  := cppcheck clang-tidy

PKGS := ncursesw libssh2 blkid libcjson libcmark hivex

BUILDDIR  ?= build
ifeq ($(SANITIZE),1)
BUILD     := $(BUILDDIR)/san
OPTFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fsanitize=float-cast-overflow -fno-sanitize-recover=all
LDSAN     := -fsanitize=address,undefined -fsanitize=float-cast-overflow
else
BUILD     := $(BUILDDIR)/release
OPTFLAGS  := -O2 -g
LDSAN     :=
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# pkg-config would add its own _XOPEN_SOURCE; we set ours once, here.
PKG_CFLAGS := $(filter-out -D_XOPEN_SOURCE% -D_DEFAULT_SOURCE,$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

CPPFLAGS  += -I. -I$(BUILD)/gen -D_GNU_SOURCE \
             -D_XOPEN_SOURCE_EXTENDED -DASR_VERSION='"$(VERSION)"'
CFLAGS    ?=
CFLAGS    += -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
             $(OPTFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS   += $(LDSAN)
LDLIBS    += $(PKG_LIBS) -lpthread

ENGINE_SRC := $(sort $(wildcard engine/*.c engine/*/*.c))
TUI_SRC    := $(sort $(wildcard tui/*.c))
CLI_SRC    := $(sort $(wildcard cli/*.c))
CONTENT    := $(sort $(wildcard content/*.md content/*.json))
DEMO_FILES := $(shell find content/demo content/demo-windows \( -type f -o -type l \) 2>/dev/null | LC_ALL=C sort)

CHECK_SRC  := $(sort $(wildcard engine/check_*.c engine/fix_*.c))
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/content_data.o \
              $(BUILD)/gen/check_registry.o
TUI_OBJ    := $(TUI_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/%.o)
TERMINFO_OBJ := $(BUILD)/gen/terminfo_data.o
TERMINFO_NAMES := vt100 vt102 vt220 linux screen screen-256color tmux tmux-256color \
              xterm xterm-256color ansi

TEST_SRC   := $(sort $(wildcard tests/engine/test_*.c tests/cli/test_*.c tests/tui/test_*.c tests/ssh/test_*.c \
                tests/tools/test_*.c \
                tests/fuzz/test_*.c))
TEST_BIN   := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
# The longest suite (the failure injection of test_apply) and the suites
# that mostly wait (sshd, tmux) start first, so that the parallel run
# (tests/run-tests.sh, TEST_JOBS) ends with the short ones.
TEST_SLOW  := $(filter $(BUILD)/tests/engine/test_apply,$(TEST_BIN)) \
              $(filter $(BUILD)/tests/ssh/% $(BUILD)/tests/tui/%,$(TEST_BIN))
TEST_RUN_ORDER := $(TEST_SLOW) $(filter-out $(TEST_SLOW),$(TEST_BIN))
TEST_SUPPORT_SRC := $(filter-out tests/support/win_standin.c tests/support/win_sftp.c,$(sort $(wildcard tests/support/*.c)))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/%.o)
# The stand-in for a Windows machine's commands: a program of its own that
# the Windows suites run (as a target's commands, or as sshd's ForceCommand).
WIN_STANDIN := $(BUILD)/tests/support/win-standin

.PHONY: all run check test deps deps-test deps-lint install uninstall clean lint lint-layers valgrind bench static \
        static-link static-test fuzz fuzz-build deb rpm package-test
.DEFAULT_GOAL := all
.SECONDARY:

# ./asr-doctor is always the normal build; sanitizer and other build
# folders keep their binary inside.
ifeq ($(SANITIZE)$(BUILDDIR),build)
all: $(PROG)
else
all: $(BUILD)/$(PROG)
endif

$(PROG): $(BUILD)/$(PROG)
	$(Q)cp $< $@.tmp && mv $@.tmp $@

$(BUILD)/$(PROG): $(CLI_OBJ) $(TERMINFO_OBJ) $(BUILD)/libtui.a $(BUILD)/libengine.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(TERMINFO_OBJ) $(BUILD)/libtui.a $(BUILD)/libengine.a $(LDLIBS)

$(BUILD)/libengine.a: $(ENGINE_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/libtui.a: $(TUI_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The article, tables and demo root are compiled into the binary, so one
# copied file is enough on a field machine.
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/gen/content_data.c: $(BUILD)/tools/embed $(CONTENT) $(DEMO_FILES)
	@mkdir -p $(dir $@)
	@echo "  EMBED   content/"
	$(Q)$(BUILD)/tools/embed content $(CONTENT:content/%=%) $(DEMO_FILES:content/%=%) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/content_data.o: $(BUILD)/gen/content_data.c
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The build machine's compiled descriptions of common terminals ride along
# (cli/terminfo.c), for machines without one for $TERM. Generated, never
# committed; names this machine lacks are left out.
$(BUILD)/gen/terminfo_data.c: $(BUILD)/tools/embed tools/terminfo-collect.sh
	@mkdir -p $(dir $@)
	@echo "  EMBED   terminfo: $(TERMINFO_NAMES)"
	$(Q)names=$$(sh tools/terminfo-collect.sh $(BUILD)/gen/terminfo $(TERMINFO_NAMES)) && \
	  $(BUILD)/tools/embed -s terminfo_files $(BUILD)/gen/terminfo $$names > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/terminfo_data.o: $(BUILD)/gen/terminfo_data.c
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Every `const struct check_def check_NAME = {` in engine/check_*.c joins
# the registry, so adding a check touches one file.
$(BUILD)/gen/check_registry.c: $(CHECK_SRC) tools/gen-registry.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)tools/gen-registry.sh $(CHECK_SRC) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/check_registry.o: $(BUILD)/gen/check_registry.c
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Tests: one cmocka binary per file; tests/run-tests.sh fails a suite that
# ran no test.
$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT_OBJ) $(BUILD)/libtui.a $(BUILD)/libengine.a
	@mkdir -p $(dir $@)
	@echo "  TEST-CC $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(TEST_SUPPORT_OBJ) \
	  $(BUILD)/libtui.a $(BUILD)/libengine.a $(LDFLAGS) $(LDLIBS) $(CMOCKA_LIBS) -lutil

$(WIN_STANDIN): tests/support/win_standin.c $(BUILD)/tests/support/winmodel.o \
                $(BUILD)/tests/support/win_sftp.o $(BUILD)/libengine.a
	@mkdir -p $(dir $@)
	@echo "  TEST-CC $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(BUILD)/tests/support/winmodel.o \
	  $(BUILD)/tests/support/win_sftp.o \
	  $(BUILD)/libengine.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/support/%.o: tests/support/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -c -o $@ $<

deps:
	@tools/deps.sh $(BUILD_DEPS)

deps-test:
	@tools/deps.sh $(BUILD_DEPS) $(TEST_DEPS)

deps-lint:
	@tools/deps.sh $(LINT_DEPS)

run: deps
	@$(MAKE) --no-print-directory all
	./$(PROG)

check: deps-test
	@$(MAKE) --no-print-directory lint-layers all tests
	@ASR_DOCTOR=$(CURDIR)/$(BUILD)/$(PROG) tests/run-tests.sh $(TEST_RUN_ORDER)

tests: $(TEST_BIN) $(WIN_STANDIN)
$(TEST_BIN): | $(WIN_STANDIN)

test: check

# make lint: the layering rules (also part of make check), then cppcheck
# and clang-tidy (.clang-tidy) on every source file, each file once until
# it or a header it includes changes (a stamp per file under $(BUILD)/lint,
# with the headers in a .d beside it, read by the include at the end);
# any finding fails.
# Suppressions are inline (cppcheck-suppress, NOLINT) with their reason.
LINT_SRC   := $(ENGINE_SRC) $(TUI_SRC) $(CLI_SRC)
LINT_CFLAGS := -std=c11 -I. -I$(BUILD)/gen -D_GNU_SOURCE -D_XOPEN_SOURCE_EXTENDED \
               -DASR_VERSION='"$(VERSION)"' $(PKG_CFLAGS)
LINT_STAMPS := $(LINT_SRC:%.c=$(BUILD)/lint/%.cppcheck) $(LINT_SRC:%.c=$(BUILD)/lint/%.tidy)

.PHONY: lint-files
lint: deps-lint
	@$(MAKE) --no-print-directory lint-layers lint-files
	@echo "  LINT    clean: $(words $(LINT_SRC)) files (layers, cppcheck, clang-tidy)"

lint-files: $(LINT_STAMPS)

# The headers a stamp depends on, as the compiler lists them.
LINT_DEPFILE = $(CC) $(LINT_CFLAGS) -MM -MP -MT $@ -MF $@.d $<

$(BUILD)/lint/%.cppcheck: %.c
	@mkdir -p $(dir $@)
	@echo "  CPPCHK  $<"
	$(Q)$(LINT_DEPFILE)
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	  --std=c11 --inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -I. $< && touch $@

$(BUILD)/lint/%.tidy: %.c .clang-tidy
	@mkdir -p $(dir $@)
	@echo "  TIDY    $<"
	$(Q)$(LINT_DEPFILE)
	$(Q)clang-tidy --quiet $< -- $(LINT_CFLAGS) && touch $@

# make valgrind: memory errors and leaks under valgrind (tools/valgrind.sh):
# every suite that runs no terminal (tests/tui runs the program in tmux,
# outside valgrind), then asr-doctor's own non-interactive runs (--demo, a
# --root sandbox). One suite or a few: VALGRIND_SUITES="build/release/tests/...".
# Not with SANITIZE=1 (ASan and valgrind do not mix).
VALGRIND_DEPS := valgrind
VALGRIND_SUITES := $(filter-out $(BUILD)/tests/tui/%,$(TEST_BIN))
valgrind:
	@tools/deps.sh $(BUILD_DEPS) $(TEST_DEPS) $(VALGRIND_DEPS)
	@$(MAKE) --no-print-directory all tests
	@ASR_DOCTOR=$(CURDIR)/$(BUILD)/$(PROG) tools/valgrind.sh $(VALGRIND_SUITES)

# The dependency direction of the folders, curses kept out of engine/, the
# system out of tui/, target kinds inside engine/target/ (tools/lint-layers.sh).
lint-layers:
	@tools/lint-layers.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 0755 $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	install -m 0644 man/$(PROG).1 $(DESTDIR)$(MANDIR)/$(PROG).1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(MANDIR)/$(PROG).1

clean:
	rm -rf build $(PROG)

# The benchmark (never part of all or check): the pseudo-terminal harness
# and bench/run.sh, which prints a table (BENCH_ARGS="--json FILE" for JSON).
$(BUILD)/bench/ptybench: bench/ptybench.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -D_GNU_SOURCE \
	  $$($(PKG_CONFIG) --cflags vterm 2>/dev/null) -o $@ $< \
	  $$($(PKG_CONFIG) --libs vterm 2>/dev/null || echo -lvterm) -lutil

# The installer log generator (bench/genlog.c): a 1 GB UTF-16LE log.
$(BUILD)/bench/genlog: bench/genlog.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -o $@ $<

# The delaying TCP relay (bench/relay.c) for the remote timings.
$(BUILD)/bench/relay: bench/relay.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -D_GNU_SOURCE -o $@ $<

bench:
	@tools/deps.sh $(BUILD_DEPS) $(BENCH_DEPS)
	@$(MAKE) --no-print-directory all $(BUILD)/bench/ptybench $(BUILD)/bench/genlog $(BUILD)/bench/relay
	@PTYBENCH=$(BUILD)/bench/ptybench GENLOG=$(BUILD)/bench/genlog RELAY=$(BUILD)/bench/relay \
	  bench/run.sh $(BENCH_ARGS)

# The portable binary (never part of all or check): `make static` links
# every library Debian ships a static archive of, and glibc, into
# ./$(PROG)-static (stripped); cJSON, which Debian ships only as a shared
# library, is compiled from Debian's source package into build/static/cjson
# (fetched with a private apt state, never committed). `make static-test`
# runs it in a debootstrapped older Debian (tests/static/run.sh).
STATIC_DIR  := build/static
STATIC_DEPS := dpkg-dev file
STATIC_TEST_DEPS := debootstrap tmux
STATIC_PKGS := ncursesw libssh2 blkid libcmark hivex
CJSON_DIR   := $(STATIC_DIR)/cjson

static:
	@tools/deps.sh $(BUILD_DEPS) $(STATIC_DEPS)
	@$(MAKE) --no-print-directory BUILDDIR=$(STATIC_DIR) SANITIZE= static-link

static-link: $(PROG)-static

$(PROG)-static: $(BUILD)/$(PROG)-static
	$(Q)strip -o $@.tmp $< && mv $@.tmp $@
	@echo "  STATIC  $@: $$(stat -c %s $@) bytes ($$(du -h $@ | cut -f1)), unstripped $$(stat -c %s $<)"
	@file $@ | sed 's/^/  FILE    /'
	@ldd $@ 2>&1 | sed 's/^[[:space:]]*/  LDD     /'

$(CJSON_DIR)/src/cJSON.c:
	$(Q)sh tools/static-cjson.sh $(CJSON_DIR)

$(CJSON_DIR)/cJSON.o: $(CJSON_DIR)/src/cJSON.c
	@echo "  CC      $<"
	$(Q)$(CC) -std=c89 -O2 -g -c -o $@ $<

# Static glibc warns that getaddrinfo and dlopen (OpenSSL's engines) want
# the shared libraries of the same glibc at run time; cli/static/nss.c keeps
# name lookups on the built-in files and dns modules (README explains).
STATIC_OBJ := $(BUILD)/cli/static/nss.o $(CJSON_DIR)/cJSON.o
$(BUILD)/$(PROG)-static: $(CLI_OBJ) $(TERMINFO_OBJ) $(STATIC_OBJ) $(BUILD)/libtui.a \
		$(BUILD)/libengine.a
	@echo "  LD      $@ (static)"
	$(Q)$(CC) -static $(LDFLAGS) -o $@ $(CLI_OBJ) $(TERMINFO_OBJ) $(STATIC_OBJ) \
	  $(BUILD)/libtui.a $(BUILD)/libengine.a \
	  $$($(PKG_CONFIG) --static --libs $(STATIC_PKGS)) -lpthread 2> $@.log || { cat $@.log >&2; exit 1; }
	@sed -n 's/.*warning: Using \(.[a-z]*.\) in statically linked.*/  NOTE    static glibc warns about \1 (README: Portable binary)/p' $@.log | sort -u

static-test: static
	@tools/deps.sh $(STATIC_TEST_DEPS)
	@tests/static/run.sh ./$(PROG)-static

# Packages of the portable binary (never part of all or check): `make deb`
# and `make rpm` stage the binary, the man page, the completion it prints,
# copyright, changelog and the Ansible role (tools/package.sh) and pack
# them into build/pkg; `make package-test` runs tests/package/run.sh
# (lintian, dpkg --root and rpm --root installs into test roots).
PKG_DIR      := build/pkg
PACKAGE_DEPS := dpkg-dev lintian rpm man-db bsdextrautils
DEB_FILE     := $(PKG_DIR)/$(PROG)_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null || echo amd64).deb
RPM_FILE     := $(PKG_DIR)/$(PROG)-$(VERSION)-1.$(shell uname -m).rpm

deb: static
	@tools/deps.sh $(PACKAGE_DEPS)
	@tools/package.sh deb ./$(PROG)-static $(VERSION) $(PKG_DIR)

rpm: static
	@tools/deps.sh $(PACKAGE_DEPS)
	@tools/package.sh rpm ./$(PROG)-static $(VERSION) $(PKG_DIR)

package-test: deb rpm
	@tests/package/run.sh $(DEB_FILE) $(RPM_FILE) $(VERSION)

# Fuzzing (never part of all or check): `make fuzz` builds one libFuzzer
# binary per tests/fuzz/fuzz_NAME.c into build/fuzz/ (clang; the engine
# instrumented with ASan and UBSan) and runs each for FUZZ_SECONDS on a
# copy of its seed corpus (new inputs stay under build/fuzz/corpus/),
# failing on any crash, leak or hang. FUZZ_TARGETS="doc grub" picks some.
# `make check` replays every seed corpus with the normal compiler
# (tests/fuzz/test_fuzz_corpus.c links every target).
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_DEPS    := clang libclang-rt-14-dev
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJ     := $(FUZZ_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/fuzz/fuzzlib.o

fuzz:
	@tools/deps.sh $(BUILD_DEPS) $(FUZZ_DEPS)
	@$(MAKE) --no-print-directory CC=clang BUILDDIR=$(FUZZ_DIR) BUILD=$(FUZZ_DIR)/libfuzzer LDSAN= \
	  OPTFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN) -DFUZZ_LIBFUZZER" \
	  FUZZ_TARGETS="$(FUZZ_TARGETS)" fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

$(FUZZ_DIR)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/fuzzlib.o $(BUILD)/libengine.a
	@mkdir -p $(dir $@)
	@echo "  FUZZ-LD $@"
	$(Q)$(CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/fuzz/test_fuzz_corpus: tests/fuzz/test_fuzz_corpus.c $(FUZZ_OBJ) $(TEST_SUPPORT_OBJ) \
		$(BUILD)/libtui.a $(BUILD)/libengine.a
	@mkdir -p $(dir $@)
	@echo "  TEST-CC $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(FUZZ_OBJ) $(TEST_SUPPORT_OBJ) \
	  $(BUILD)/libtui.a $(BUILD)/libengine.a $(LDFLAGS) $(LDLIBS) $(CMOCKA_LIBS) -lutil

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
