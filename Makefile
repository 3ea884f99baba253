# Service Portal: build, run and test. Plain GNU make; `make help` lists the targets.

CC ?= cc
PKGS := libfcgi json-c libjwt libsodium libmariadb
WARN := -std=c17 -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wno-missing-field-initializers
DEFS := -D_GNU_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags json-c libjwt libsodium libmariadb 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs json-c libjwt libsodium libmariadb 2>/dev/null) -lfcgi
RELEASE_FLAGS := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
RELEASE_LDFLAGS := -pie -Wl,-z,relro,-z,now
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

# Everything in app/ except the two programs' own files makes the shared library of modules.
APP_SRC := $(filter-out app/main.c app/ctl/%,$(wildcard app/*.c app/*/*.c))
PORTALD_SRC := app/main.c $(APP_SRC)
PORTALCTL_SRC := $(wildcard app/ctl/*.c) $(APP_SRC)
UNIT_SRC := $(wildcard tests/unit/*.c)

BUILD := build
REL_OBJ = $(patsubst %.c,$(BUILD)/rel/%.o,$(1))
ASAN_OBJ = $(patsubst %.c,$(BUILD)/asan/%.o,$(1))

.PHONY: all help deps build build-asan bench-router vendor run stop test test-unit test-api test-browser lint format clean valgrind soak

all: build

help:
	@echo "make run     install what is missing, build, start the stack on 127.0.0.1:8080"
	@echo "make stop    stop the stack started by make run"
	@echo "make test    unit, API and browser tests against a private stack on 127.0.0.1:18080"
	@echo "make lint    clang-format check and cppcheck"
	@echo "make fuzz    each libFuzzer harness for a minute"
	@echo "make valgrind  API tests against workers under valgrind memcheck"
	@echo "make soak    ten minutes at 80 % of peak: zero errors, memory and descriptors flat"
	@echo "make bench   throughput and latency of the hot paths (QUICK=1 for a short run)"
	@echo "make clean   remove build output (data under var/ is kept)"

deps:
	@ops/install-deps.sh

build: $(BUILD)/portald $(BUILD)/portalctl
build-asan: $(BUILD)/asan/portald $(BUILD)/asan/portalctl $(BUILD)/asan/unit-tests
# The router's choice timed on its own and against a tenant's database (make bench runs it).
bench-router: $(BUILD)/bench-router

$(BUILD)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(WARN) $(DEFS) $(RELEASE_FLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(WARN) $(DEFS) $(ASAN_FLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/portald: $(call REL_OBJ,$(PORTALD_SRC))
	@echo "  LD $@"; $(CC) $(RELEASE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/portalctl: $(call REL_OBJ,$(PORTALCTL_SRC))
	@echo "  LD $@"; $(CC) $(RELEASE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench-router: $(call REL_OBJ,tests/bench/router.c $(APP_SRC))
	@echo "  LD $@"; $(CC) $(RELEASE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/unit-tests: $(call REL_OBJ,$(UNIT_SRC) $(APP_SRC))
	@echo "  LD $@"; $(CC) $(RELEASE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/asan/portald: $(call ASAN_OBJ,$(PORTALD_SRC))
	@echo "  LD $@"; $(CC) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/asan/portalctl: $(call ASAN_OBJ,$(PORTALCTL_SRC))
	@echo "  LD $@"; $(CC) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/asan/unit-tests: $(call ASAN_OBJ,$(UNIT_SRC) $(APP_SRC))
	@echo "  LD $@"; $(CC) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The UI's runtime libraries, copied from the npm packages pinned in frontend/package-lock.json.
VENDOR := frontend/vendor/preact.mjs frontend/vendor/hooks.mjs frontend/vendor/htm.mjs \
          frontend/vendor/uplot.mjs frontend/vendor/uplot.css
vendor: $(VENDOR)
frontend/vendor/preact.mjs: frontend/node_modules/preact/dist/preact.mjs
	@mkdir -p $(dir $@) && cp $< $@
frontend/vendor/hooks.mjs: frontend/node_modules/preact/hooks/dist/hooks.mjs
	@mkdir -p $(dir $@) && cp $< $@
frontend/vendor/htm.mjs: frontend/node_modules/htm/dist/htm.mjs
	@mkdir -p $(dir $@) && cp $< $@
frontend/vendor/uplot.mjs: frontend/node_modules/uplot/dist/uPlot.esm.js
	@mkdir -p $(dir $@) && cp $< $@
frontend/vendor/uplot.css: frontend/node_modules/uplot/dist/uPlot.min.css
	@mkdir -p $(dir $@) && cp $< $@

run: deps
	@$(MAKE) --no-print-directory build vendor
	@ops/stack.sh start

stop:
	@ops/stack.sh stop

# make test: its own port (18080, or PORTAL_TEST_PORT) and data directory (var/test), so it runs
# beside make run's stack.
test: deps
	@$(MAKE) --no-print-directory build build-asan vendor
	@ops/run-tests.sh

test-unit: build-asan
	$(BUILD)/asan/unit-tests

lint:
	clang-format --dry-run -Werror $$(find app tests/unit tests/bench -name '*.[ch]')
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 \
		--suppress=missingIncludeSystem -Iapp app

format:
	clang-format -i $$(find app tests/unit tests/bench -name '*.[ch]')

clean:
	rm -rf $(BUILD) frontend/vendor

# Each libFuzzer harness in tests/fuzz/ (clang, ASan + UBSan) from its seed corpus; new corpus
# entries stay in var/fuzz/corpus, crashing inputs go to var/fuzz/crashes.
.PHONY: fuzz fuzz-short
fuzz:
	@FUZZ_SECONDS=60 ops/fuzz.sh

# Five seconds per harness, for make test.
fuzz-short:
	@FUZZ_SECONDS=5 ops/fuzz.sh

# wrk against the real stack on 127.0.0.1:18180 (data in var/bench, generated once and reused);
# the results table goes to BENCHMARKS.md. QUICK=1: a small data set and short runs.
.PHONY: bench
QUICK ?= 0
bench: deps
	@$(MAKE) --no-print-directory build bench-router vendor
	@QUICK=$(QUICK) ops/bench.sh

# The workers under valgrind memcheck while a few API test files run: no error, no definite leak.
valgrind: build vendor
	@ops/valgrind.sh

# Ten minutes of mixed traffic at about 80 % of the measured peak against the test stack, with
# worker memory and descriptors sampled; ends with a summary and "N passed, N failed".
soak: build build-asan vendor
	@ops/soak.sh
