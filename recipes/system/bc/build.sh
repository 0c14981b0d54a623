# shellcheck shell=bash
# bc: LFS 8.12 with GNU bc 1.07.1 (Debian bookworm's bc), not the book's
# Gavin Howard bc: the steps are those of the book's GNU bc page (LFS 8.1,
# then in Chapter 6). bc and dc use readline (the depends), which links ncursesw.

prepare() {
	# the book: build libmath.h with sed instead of ed
	cat >bc/fix-libmath_h <<'FIX'
#! /bin/bash
sed -e '1   s/^/{"/' \
    -e     's/$/",/' \
    -e '2,$ s/^/"/'  \
    -e   '$ d'       \
    -i libmath.h

sed -e '$ s/$/0}/' \
    -i libmath.h
FIX
	# the book: configure need not find flex (page 8.13 comes later; the
	# scanner is pregenerated)
	sed -i -e '/flex/s/as_fn_error/: ;; # &/' configure
	# Debian's fix of the circular libmath.h <-> global.o dependency
	# (Debian bug 889176): the throw-away fbc links its own copy of global.o
	# shellcheck disable=SC2016  # make variables
	sed -i -e 's/^global\.o: libmath\.h$/&\nglobal_foo.c: global.c\n\tcp -a global.c global_foo.c/' \
		-e 's/^\t$(MAKE) global\.o$/\t$(MAKE) global_foo.o/' \
		-e 's/ $(fbcOBJ) global\.o / $(fbcOBJ) global_foo.o /' \
		-e 's@^\trm -f \./fbc \./global\.o$@\trm -f ./fbc ./global_foo.o@' \
		bc/Makefile.in
}

configure() {
	at_configure --with-readline --mandir=/usr/share/man --infodir=/usr/share/info
}

check() {
	# the book: a few of the 12,144 results differ in the last digit
	echo quit | ./bc/bc -l Test/checklib.b
}
