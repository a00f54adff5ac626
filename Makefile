# leakshim - build, test, install.  Plain GNU make, no configure step.
#
#   make            build/libleakshim.so, build/leakreport, build/leakshim
#   make demo       install what is missing, build, run an example under the shim
#   make check      unit tests, then end-to-end tests (TAP, run by prove)
#   make deps       apt-get the Debian packages that are missing
#   make deps-test  and those only tests use (go, chromium, ...)
#   make install    PREFIX=/usr/local DESTDIR=
#   make sanitize   reporter and unit tests under ASan+UBSan, in build-san/
#   make fuzz       libFuzzer targets, FUZZ_SECONDS (60) each, in build-fuzz/
#   make bench      benchmarks (bench/)
#   make soak       nginx, redis, postgres... under the shim, SOAK_SECONDS each

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
MANDIR ?= $(PREFIX)/share/man
PKGLIBDIR = $(LIBDIR)/leakshim

CC ?= cc
CFLAGS ?= -O2 -g
B ?= build

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN += -Werror
endif
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -MMD -MP $(CFLAGS)

# The shim shares the host's symbol space: hidden by default, initial-exec
# TLS so that touching a thread-local never allocates, and no builtin
# malloc/calloc/free so the compiler cannot turn our own code into calls
# that recurse into the wrappers.
SHIM_CFLAGS = -fPIC -fvisibility=hidden -ftls-model=initial-exec \
	-fno-builtin-malloc -fno-builtin-calloc -fno-builtin-free \
	-fno-builtin-realloc -I/usr/include/x86_64-linux-gnu
SHIM_LIBS = -shared -Wl,--no-undefined -Wl,-z,nodelete -lunwind -ldl -lpthread -lm

SHIM_CORE = arena config out stack table track boot real dump dumpfile modmap state pq scan threads metrics sample
SHIM_SRCS = $(addprefix shim/,$(addsuffix .c,$(SHIM_CORE))) \
	shim/shim.c shim/ctl.c shim/verdict.c shim/preload.c
SHIM_OBJS = $(SHIM_SRCS:shim/%.c=$(B)/shim/%.o)

REPORT_CORE = parse symbolize report suppress json text util age sites diff trend trendfmt plot \
	xml folded pprof flame html htmltrend htmldiff sarif junit progress formats
REPORT_SRCS = $(addprefix reporter/,$(addsuffix .c,$(REPORT_CORE)))
REPORT_OBJS = $(REPORT_SRCS:reporter/%.c=$(B)/reporter/%.o) $(B)/gen/profile.pb-c.o
REPORT_LIBS = -ldw -lelf -lstdc++ -lprotobuf-c -lz

EXAMPLES = leaky threads clean forky sleeper cxxleak libcleak pool_leak soak
EXAMPLE_BINS = $(addprefix $(B)/examples/,$(EXAMPLES))
EXAMPLE_CFLAGS = -O0 -g -fno-omit-frame-pointer -fno-inline

UNIT = t_config t_arena t_table t_stack t_out t_dump t_parse
UNIT_BINS = $(addprefix $(B)/tests/,$(UNIT))

all: $(B)/libleakshim.so $(B)/leakreport $(B)/leakshim

$(B)/shim/%.o: shim/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SHIM_CFLAGS) -c -o $@ $<

$(B)/reporter/%.o: reporter/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ishim -c -o $@ $<

$(B)/libleakshim.so: $(SHIM_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(SHIM_LIBS)

# pprof's profile.proto, compiled by protoc-c into the build directory:
# generated from the one source, by the protoc-c that matches the
# installed libprotobuf-c, never edited, never committed.
$(B)/gen/%.pb-c.c $(B)/gen/%.pb-c.h: reporter/%.proto
	@mkdir -p $(@D)
	protoc-c --proto_path=reporter --c_out=$(B)/gen $<

$(B)/gen/%.pb-c.o: $(B)/gen/%.pb-c.c
	$(CC) $(ALL_CFLAGS) -I$(B)/gen -c -o $@ $<

.PRECIOUS: $(B)/gen/%.pb-c.c $(B)/gen/%.pb-c.h
$(B)/reporter/pprof.o: $(B)/gen/profile.pb-c.h
$(B)/reporter/pprof.o: ALL_CFLAGS += -I$(B)/gen

$(B)/leakreport: $(B)/reporter/main.o $(REPORT_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(REPORT_LIBS)

# The command parses a program's LEAKSHIM_OPTIONS with the shim's parser.
$(B)/leakshim: $(B)/reporter/leakshim.o $(B)/reporter/dumps.o \
		$(B)/reporter/snapshot.o $(B)/reporter/formats.o \
		$(B)/shim/config.o $(B)/shim/out.o
	$(CC) $(CFLAGS) -o $@ $^

# --- examples: built without optimisation so each leak keeps its line ---
examples: $(EXAMPLE_BINS)

$(B)/examples/%: examples/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(EXAMPLE_CFLAGS) -o $@ $< -lpthread

# libpq clients: built only for examples and tests, the shim never links it.
PQ_CFLAGS = $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
PQ_LIBS = $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq)
$(B)/examples/pool_leak: examples/pool_leak.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(EXAMPLE_CFLAGS) $(PQ_CFLAGS) -o $@ $< \
		$(PQ_LIBS) -lpthread

$(B)/tests/leakcases: tests/progs/leakcases.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(EXAMPLE_CFLAGS) -o $@ $< -lpthread

$(B)/tests/pqcases: tests/progs/pqcases.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(EXAMPLE_CFLAGS) $(PQ_CFLAGS) -o $@ $< \
		$(PQ_LIBS)

# --- the torture programs (tests/t700-torture.sh) ---
TORTURE = $(addprefix $(B)/tests/,torture exc plugin.so ctorlib.so)
$(B)/tests/torture: tests/torture/torture.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(EXAMPLE_CFLAGS) -o $@ $< -lpthread -ldl

$(B)/tests/exc: tests/torture/exc.cc
	@mkdir -p $(@D)
	$(CXX) $(EXAMPLE_CFLAGS) -o $@ $< -lpthread

$(B)/tests/%.so: tests/torture/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(EXAMPLE_CFLAGS) -fPIC -shared -o $@ $<

$(B)/examples/%: examples/%.cc
	@mkdir -p $(@D)
	$(CXX) $(EXAMPLE_CFLAGS) -o $@ $<

# --- unit tests link the module sources directly, no LD_PRELOAD ---
UNIT_SHIM_OBJS = $(filter-out $(B)/shim/preload.o $(B)/shim/shim.o \
	$(B)/shim/ctl.o $(B)/shim/verdict.o,$(SHIM_OBJS))

$(B)/tests/t_%: tests/unit/t_%.c $(UNIT_SHIM_OBJS) $(REPORT_OBJS) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ishim -Ireporter -Itests -o $@ $< \
		$(UNIT_SHIM_OBJS) $(REPORT_OBJS) -lunwind -ldl -lpthread -lm $(REPORT_LIBS)

check: all examples $(UNIT_BINS) $(B)/tests/pqcases $(B)/tests/leakcases \
		$(TORTURE)
	B=$(abspath $(B)) prove -f $(UNIT_BINS) tests/t[0-9]*.sh

# The reporter's end-to-end tests need no shim: they run under the
# sanitizers too.  UBSan stops at its first report, so tests see it fail.
SAN_TESTS = tests/t010-reporter.sh tests/t015-reporter-pq.sh \
	tests/t016-reporter-classify.sh tests/t017-reporter-trend.sh \
	tests/t018-reporter-diff.sh tests/t019-bad-input.sh
SAN_ENV = ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
sanitize:
	$(MAKE) B=build-san CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		build-san/leakreport build-san/leakshim $(addprefix build-san/tests/,$(UNIT))
	$(SAN_ENV) prove -f $(addprefix build-san/tests/,$(UNIT))
	$(SAN_ENV) B=$(abspath build-san) prove -f $(SAN_TESTS)

# --- fuzzing: libFuzzer targets (fuzz/) under ASan+UBSan, in build-fuzz/ ---
FUZZ_B = build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC = clang
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -MMD -MP -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# NAME:MAX_LEN: a dump's lines may be long; options hold paths of PATH_MAX.
FUZZ_RUNS = dump:16384 options:8192 suppress:4096
FUZZ_REPORT_OBJS = $(addprefix $(FUZZ_B)/reporter/,$(addsuffix .o,parse \
	report symbolize suppress util age text json progress folded xml \
	flame html sarif junit))
FUZZ_BINS = $(addprefix $(FUZZ_B)/fuzz_,dump options suppress)

$(FUZZ_B)/reporter/%.o: reporter/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Ishim -c -o $@ $<

$(FUZZ_B)/shim/%.o: shim/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Ishim -c -o $@ $<

$(FUZZ_B)/fuzz_options: fuzz/fuzz_options.c $(FUZZ_B)/shim/config.o \
		$(FUZZ_B)/shim/out.o $(FUZZ_B)/reporter/dumps.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Ishim -Ireporter -o $@ \
		$(filter %.c %.o,$^)

$(FUZZ_B)/fuzz_dump $(FUZZ_B)/fuzz_suppress: $(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c \
		$(FUZZ_REPORT_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Ishim -Ireporter -o $@ \
		$(filter %.c %.o,$^) -ldw -lelf -lstdc++

fuzz: $(FUZZ_BINS)
	@FUZZ_B=$(FUZZ_B) FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh $(FUZZ_RUNS)

demo: deps all examples
	@echo
	@echo '== build/leakshim --top 3 -- build/examples/leaky'
	@$(B)/leakshim --top 3 -- $(B)/examples/leaky
	@echo
	@B=$(B) sh examples/demo.sh

soak-demo: deps all examples
	@B=$(B) sh examples/soak-demo.sh

DEPS = build-essential pkg-config libunwind-dev uthash-dev libdw-dev libelf-dev \
	libpq-dev postgresql jq python3 python3-psycopg2 \
	libprotobuf-c-dev protobuf-c-compiler zlib1g-dev clang
# Only tests need these: they skip what is missing (make deps-test).
DEPS_TEST = golang-go chromium fonts-dejavu-core python3-jsonschema \
	python3-junitparser man-db \
	nginx-light wrk redis-server redis-tools sqlite3 git curl
deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get install -y --no-install-recommends $$missing || \
		{ $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends $$missing; }; \
	fi

deps-test:
	@$(MAKE) --no-print-directory deps DEPS="$(DEPS_TEST)"

bench: all
	@B=$(B) sh bench/run.sh

# Real services under the shim for SOAK_SECONDS each, with and without:
# the figures go to bench/SERVICES.md (tests/soak/services.sh).
SOAK_SECONDS ?= 300
soak: all
	@B=$(abspath $(B)) SOAK_SECONDS=$(SOAK_SECONDS) sh tests/soak/services.sh

MAN1 = docs/man/leakshim.1 docs/man/leakreport.1
MAN7 = docs/man/leakshim.7

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGLIBDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 0755 $(B)/leakshim $(B)/leakreport $(DESTDIR)$(BINDIR)/
	install -m 0644 $(B)/libleakshim.so $(DESTDIR)$(PKGLIBDIR)/
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/leakshim $(DESTDIR)$(BINDIR)/leakreport
	rm -f $(DESTDIR)$(PKGLIBDIR)/libleakshim.so
	-rmdir $(DESTDIR)$(PKGLIBDIR)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(MAN7)))

clean:
	rm -rf build build-san build-fuzz

.PHONY: all examples check sanitize fuzz demo soak-demo soak deps deps-test bench install \
	uninstall clean
.DELETE_ON_ERROR:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
-include $(wildcard $(FUZZ_B)/*.d $(FUZZ_B)/*/*.d)
