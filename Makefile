# mlfs: build, test, demo and install.
#   make            build build/mlfs
#   make check      install what the tests need, then run every test (unit + integration)
#   make check-book  the whole book into /var/tmp/mlfs-book (hours; not in CI)
#   make demo       install what it needs, build mlfs and a real multilib set into ./demo-root
#   make install    PREFIX=/usr/local DESTDIR=
PREFIX   = /usr/local
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/mlfs
PKGS     = libuv jansson libcurl libarchive libgit2 libcrypto
CC       = cc
CFLAGS   = -std=c11 -O2 -g -Wall -Wextra -Wshadow -Wmissing-prototypes -Wno-unused-parameter
SANFLAGS = -O1 -g -Wno-format-truncation -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
PKGCFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS = -DMLFS_DATADIR='"$(DATADIR)"' -iquote orchestrator -iquote tests/unit $(PKGCFLAGS)
LDLIBS   = $(PKGLIBS)

SRC  = $(filter-out orchestrator/main.c,$(wildcard orchestrator/*.c))
HDR  = $(wildcard orchestrator/*.h)
OBJ  = $(SRC:orchestrator/%.c=build/obj/%.o)
SOBJ = $(SRC:orchestrator/%.c=build/san/%.o)
UNIT = $(patsubst tests/unit/%.c,build/san/tests/%,$(wildcard tests/unit/t-*.c))
HELP = $(patsubst tests/helpers/%.c,build/helpers/%,$(wildcard tests/helpers/*.c))
FUZZ = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZFLAGS = -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

all: build/mlfs

build/obj/%.o: orchestrator/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/san/%.o: orchestrator/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

build/mlfs: build/obj/main.o $(OBJ)
	$(CC) $(CFLAGS) -o $@ build/obj/main.o $(OBJ) $(LDLIBS)

build/san/mlfs: build/san/main.o $(SOBJ)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ build/san/main.o $(SOBJ) $(LDLIBS)

build/san/tests/%: tests/unit/%.c $(SOBJ) $(HDR) tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -o $@ $< $(SOBJ) $(LDLIBS) -lcmocka

# libFuzzer targets (clang): tests/t0600-fuzz.sh runs them for a bounded time
build/fuzz/%: tests/fuzz/%.c $(SRC) $(HDR)
	@mkdir -p $(@D)
	clang $(CPPFLAGS) $(FUZZFLAGS) -o $@ $< $(SRC) $(LDLIBS)

fuzz: $(FUZZ)

build/helpers/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

deps:
	@scripts/deps.sh

# every test: cmocka units and shell integration tests, under ASan and UBSan
check: deps
	$(MAKE) build/mlfs build/san/mlfs $(UNIT) $(HELP)
	tests/run.sh

# the long toolchain build (not in CI): see tests/real/
check-toolchain: deps build/mlfs
	tests/real/toolchain.sh

# the whole book, cross toolchain to final system, for 64, 32 and x32 (not in
# CI; many hours; resumes where it stopped): see tests/real/book.sh
check-book: deps build/mlfs
	tests/real/book.sh

demo: deps build/mlfs
	scripts/demo.sh

install: build/mlfs
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)
	cp build/mlfs $(DESTDIR)$(BINDIR)/mlfs
	cp -R recipes patches abi-profiles book $(DESTDIR)$(DATADIR)/

clean:
	rm -rf build

.PHONY: all deps check check-toolchain check-book demo install clean fuzz
