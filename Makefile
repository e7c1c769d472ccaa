# rlc build. `make` builds build/librlc.{a,so} and build/rlc; `make test` runs the
# whole suite; `make test SANITIZE=1` runs it under ASan+UBSan; `make deps`
# installs the Debian packages rlc needs.

SANITIZE ?= 0
PORTABLE ?= 0
CC ?= cc

ifeq ($(SANITIZE),1)
  BUILD ?= build-san
  OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDOPT := -fsanitize=address,undefined
else
  BUILD ?= build
  ifeq ($(PORTABLE),1)
    OPT := -O2 -g
  else
    OPT := -O3 -march=native -g
  endif
  LDOPT :=
endif

# FFmpeg's libraries write MP4 video (rlc_video_*); SDL2 is the CLI's live
# window only (rlc play --render human, eval --watch), not the library's.
PKGS := cairo libpng libavformat libavcodec libswscale libavutil
CLI_PKGS := sdl2
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# -ffp-contract=off everywhere but src/nn: gcc's default for ISO C, written
# out because clang's is "on" (a*b+c fused), which moves planning, RNG
# formulas and the tests' exact expectations off by an ulp.
WERROR ?= 0
ifeq ($(WERROR),1)
  EXTRA_CFLAGS += -Werror
endif

CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter -ffp-contract=off \
               -fPIC -pthread -Iinclude -Isrc $(PKG_CFLAGS) $(OPT) $(EXTRA_CFLAGS)
# Env dynamics (and numpy's RNG arithmetic) must match Gymnasium bit for bit: no FMA contraction, libm's pow
# where Python writes x**2, and real float32 rounding (the SLP vectorizer drops
# double->float->double round trips).
CFLAGS_EXACT := -ffp-contract=off -fno-builtin-pow -fno-tree-slp-vectorize
# Box2D (LunarLander) is C++ behind a C shim that needs nothing from libstdc++.
LIBS := $(PKG_LIBS) -lgif -lbox2d -lm -lpthread $(LDOPT)
CXX ?= g++
CXXFLAGS_SHIM := -std=c++11 -O2 -g -fno-exceptions -fno-rtti -ffp-contract=off -fPIC -fvisibility=hidden -Wall -Wextra \
                 $(LDOPT)

LIB_SRC := $(wildcard src/core/*.c src/env/*.c src/env/envs/*.c src/nn/*.c src/data/*.c src/agents/*.c \
                     src/run/*.c src/out/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
REF_SRC := $(wildcard tests/reference*.c)
TEST_SRC := $(filter-out $(REF_SRC),$(wildcard tests/*.c))
EXAMPLE_SRC := $(wildcard examples/*.c)
BENCH_SRC := $(wildcard bench/*.c)

LIB_CXX_SRC := $(wildcard src/env/envs/*.cpp)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(LIB_CXX_SRC:%.cpp=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
REF_OBJ := $(REF_SRC:%.c=$(BUILD)/obj/%.o)
DEPS := $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(REF_OBJ:.o=.d)

.PHONY: all lib cli install uninstall test test-run check valgrind test-unit test-reference deps demo clean examples bench

all: lib cli examples

lib: $(BUILD)/librlc.a $(BUILD)/librlc.so
cli: $(BUILD)/rlc

$(BUILD)/obj/src/env/envs/%.o: src/env/envs/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS_EXACT) -MMD -MP -c $< -o $@

$(BUILD)/obj/src/env/envs/%.o: src/env/envs/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_SHIM) -MMD -MP -c $< -o $@

# Network kernels may fuse multiply-adds and vectorize sqrtf (no errno): speed
# matters there, bit-exactness with Python does not (tests use tolerances).
# -fno-trapping-math lets gcc if-convert the activations' selects (tanh's loop
# stayed scalar: 32% of PPO's time on LunarLander); it changes no result.
$(BUILD)/obj/src/nn/%.o: src/nn/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -ffp-contract=fast -fno-math-errno -fno-trapping-math -MMD -MP -c $< -o $@

$(BUILD)/obj/src/core/rng.o: src/core/rng.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS_EXACT) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -MMD -MP -c $< -o $@

# Only what include/rlc/ marks RLC_API leaves the library (librlc.so's
# exports); the rest stays internal, across files included.
$(LIB_OBJ): private CFLAGS_BASE += -fvisibility=hidden

$(BUILD)/librlc.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Programs linked with -lrlc load librlc.so.0 (the ABI's major version).
$(BUILD)/librlc.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,librlc.so.0 -o $@ $^ $(LIBS)
	ln -sf librlc.so $(BUILD)/librlc.so.0

# Programs link the plain static library, as users do: the built-in
# algorithms and envs are tables that reference their classes, so the linker
# keeps them without --whole-archive.
$(CLI_OBJ): private CFLAGS_BASE += $(shell pkg-config --cflags $(CLI_PKGS) 2>/dev/null)
$(BUILD)/rlc: $(CLI_OBJ) $(BUILD)/librlc.a
	$(CC) -o $@ $(CLI_OBJ) $(BUILD)/librlc.a $(LIBS) $(shell pkg-config --libs $(CLI_PKGS) 2>/dev/null)

$(BUILD)/test_rlc: $(TEST_OBJ) $(BUILD)/librlc.a
	$(CC) -o $@ $(TEST_OBJ) $(BUILD)/librlc.a $(LIBS)

$(BUILD)/test_reference: $(REF_OBJ) $(BUILD)/librlc.a
	$(CC) -o $@ $(REF_OBJ) $(BUILD)/librlc.a $(LIBS)

examples: $(EXAMPLE_SRC:examples/%.c=$(BUILD)/examples/%)
$(BUILD)/examples/%: examples/%.c $(BUILD)/librlc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -o $@ $< $(BUILD)/librlc.a $(LIBS)

bench: $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: bench/%.c $(BUILD)/librlc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -o $@ $< $(BUILD)/librlc.a $(LIBS)
# The bare CartPole loop runs the envs' exact arithmetic, so it gets their flags.
$(BUILD)/bench/cartpole_bare: private CFLAGS_BASE += $(CFLAGS_EXACT)
# bench_gemm compares the kernels with OpenBLAS when libopenblas-dev is
# installed; only that program links it.
OPENBLAS_LIBS := $(shell pkg-config --libs openblas 2>/dev/null)
$(BUILD)/bench/bench_gemm: private CFLAGS_BASE += $(if $(OPENBLAS_LIBS),-DHAVE_OPENBLAS $(shell pkg-config --cflags openblas))
$(BUILD)/bench/bench_gemm: private LIBS += $(OPENBLAS_LIBS)

# The whole suite: unit tests, the reference replays and the CLI checks; the
# last line is the total. Builds and tests only (offline, no root): missing
# Debian packages are named, `make deps` installs them.
test:
	@sh scripts/deps.sh --check
	@$(MAKE) --no-print-directory test-run

# Every build variant, each a verdict of its own, warnings as errors: native
# (-march=native), portable (no -march), clang, and ASan+UBSan; then every
# fuzzer briefly. What CI runs. The tests are single-threaded, so two lanes
# use the two cores: the sanitized build (the slowest) beside the other three.
check: deps
	@lane() { \
	  for v in "$$@"; do \
	    case $$v in \
	      native) a="" ;; portable) a="PORTABLE=1 BUILD=build-portable" ;; \
	      clang) a="CC=clang BUILD=build-clang" ;; sanitize) a="SANITIZE=1" ;; \
	    esac; \
	    log="/tmp/rlc-check-$$v.log"; \
	    { $(MAKE) --no-print-directory -s WERROR=1 $$a all && $(MAKE) --no-print-directory WERROR=1 $$a test-run; } >"$$log" 2>&1; \
	    rc=$$?; echo "== make test $$a (WERROR=1): $$(tail -n 1 "$$log")"; grep "^FAIL" "$$log"; \
	    [ $$rc -eq 0 ] || { echo "make check: the $$v variant failed (log: $$log)"; return 1; }; \
	  done; }; \
	lane sanitize & pid=$$!; \
	lane native portable clang; a=$$?; wait $$pid; b=$$?; \
	[ $$a -eq 0 ] && [ $$b -eq 0 ] || exit 1; \
	echo "make check: all 4 variants passed"
	@echo "== make fuzz-smoke (each harness a few seconds from its corpus)"
	@$(MAKE) --no-print-directory -s fuzz-smoke > /tmp/rlc-check-fuzz.log 2>&1; rc=$$?; tail -n 8 /tmp/rlc-check-fuzz.log; \
	  [ $$rc -eq 0 ] || { echo "make check: fuzz-smoke failed (log: /tmp/rlc-check-fuzz.log)"; exit 1; }

# The unit tests under valgrind's memcheck: no invalid access, no
# uninitialised value used, no leak. On the portable build (valgrind does not
# know every instruction -march=native may emit). Slow: about an hour on one
# core; VALGRIND_TESTS=name... runs the cases whose names contain them.
VALGRIND_TESTS ?=
valgrind:
	@$(MAKE) --no-print-directory -s PORTABLE=1 BUILD=build-portable build-portable/test_rlc
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	  --show-leak-kinds=definite,indirect --suppressions=tests/valgrind.supp --error-exitcode=9 \
	  build-portable/test_rlc $(VALGRIND_TESTS)

test-run: $(BUILD)/test_rlc $(BUILD)/test_reference $(BUILD)/rlc $(BUILD)/librlc.so examples
	@BUILD=$(BUILD) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp sh tests/run_all.sh

# The main job on a fresh machine: dependencies, build, then `rlc train` with
# no settings (DQN on CartPole-v1 until solved) into runs/demo: progress line,
# curve.png, agent.gif, metrics, checkpoint.
demo: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/rlc train --out runs/demo --force

test-unit: $(BUILD)/test_rlc
	@$(BUILD)/test_rlc

test-reference: $(BUILD)/test_reference
	@$(BUILD)/test_reference

deps:
	@sh scripts/deps.sh

# Installation: headers, both libraries (the shared one as
# librlc.so.VERSION with the SONAME link librlc.so.0 and the dev link
# librlc.so), the tool, rlc.pc for pkg-config and the man page rlc(1)
# generated from the tool's --help. DESTDIR is honoured for packaging.
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
VERSION := $(shell sed -n 's/^\#define RLC_VERSION "\(.*\)"/\1/p' include/rlc/core.h)
LIBS_PRIVATE := $(filter-out $(PKG_LIBS) $(LDOPT),$(LIBS))
DEST = $(DESTDIR)$(PREFIX)
DESTLIB = $(DESTDIR)$(LIBDIR)

$(BUILD)/rlc.1: $(BUILD)/rlc scripts/man.sh
	sh scripts/man.sh $(BUILD)/rlc $@

install: lib cli $(BUILD)/rlc.1
	install -d $(DEST)/include/rlc $(DESTLIB)/pkgconfig $(DEST)/bin $(DEST)/share/man/man1
	install -m 644 include/rlc/*.h $(DEST)/include/rlc/
	install -m 644 $(BUILD)/librlc.a $(DESTLIB)/librlc.a
	install -m 755 $(BUILD)/librlc.so $(DESTLIB)/librlc.so.$(VERSION)
	ln -sf librlc.so.$(VERSION) $(DESTLIB)/librlc.so.0
	ln -sf librlc.so.0 $(DESTLIB)/librlc.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@PKGS@|$(PKGS)|' -e 's|@LIBS_PRIVATE@|$(LIBS_PRIVATE)|' rlc.pc.in > $(DESTLIB)/pkgconfig/rlc.pc
	install -m 755 $(BUILD)/rlc $(DEST)/bin/rlc
	install -m 644 $(BUILD)/rlc.1 $(DEST)/share/man/man1/rlc.1

uninstall:
	rm -f $(DEST)/include/rlc/*.h $(DESTLIB)/librlc.a $(DESTLIB)/librlc.so.$(VERSION) $(DESTLIB)/librlc.so.0 \
	      $(DESTLIB)/librlc.so $(DESTLIB)/pkgconfig/rlc.pc $(DEST)/bin/rlc $(DEST)/share/man/man1/rlc.1
	-rmdir $(DEST)/include/rlc 2>/dev/null

clean:
	rm -rf build build-san build-portable build-clang build-fuzz

# libFuzzer harnesses (fuzz/fuzz_*.c), built with clang, ASan and UBSan into
# build-fuzz/; `make fuzz FUZZ_SECONDS=N` runs each for N seconds from its
# seed corpus (fuzz/corpus/NAME), `make fuzz-smoke` a few seconds each (CI).
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-bins
fuzz-build:
	@$(MAKE) --no-print-directory CC=clang BUILD=build-fuzz OPT="$(FUZZ_OPT) -fsanitize=fuzzer-no-link" \
	  LDOPT="-fsanitize=address,undefined" fuzz-bins
fuzz-bins: $(FUZZ_SRC:fuzz/%.c=$(BUILD)/%)
$(BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(BUILD)/librlc.a
	$(CC) $(CFLAGS_BASE) -fsanitize=fuzzer -o $@ $< $(BUILD)/librlc.a $(LIBS)
fuzz: fuzz-build
	@sh fuzz/run.sh $(FUZZ_SECONDS)
fuzz-smoke: fuzz-build
	@sh fuzz/run.sh 5

-include $(DEPS)
