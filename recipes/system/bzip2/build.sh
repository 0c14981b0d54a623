# shellcheck shell=bash
# bzip2: LFS 8.5. No configure: the compiler is sedded into both Makefiles.
# Its Makefile hard-codes $(PREFIX)/lib, so install() moves the static library
# into $LIBDIR itself and installs the shared library there by hand (as the
# book does): nothing is left for the merge to relocate.
# The step is called install(), so the install program is `command install`.

prepare() {
	# relative symlinks, man pages under share/man (the book's seds)
	# shellcheck disable=SC2016
	sed -i 's@\(ln -s -f \)$(PREFIX)/bin/@\1@' Makefile
	sed -i 's@(PREFIX)/man@(PREFIX)/share/man@g' Makefile
	sed -i "s@^CC=.*@CC=${CC:?}@" Makefile Makefile-libbz2_so
}

build() {
	make -f Makefile-libbz2_so
	make clean
	# the default target also runs the self test with the new bzip2, which
	# cannot run for x32: build the library and programs only, test in check()
	make libbz2.a bzip2 bzip2recover
}

check() {
	make test
}

install() {
	local d=${DESTDIR:?} lib=${LIBDIR:?}
	make PREFIX="$d/usr" install
	if [ "$lib" != /usr/lib ]; then
		mkdir -p "$d$lib"
		mv "$d/usr/lib/libbz2.a" "$d$lib/"
		rmdir "$d/usr/lib" 2>/dev/null || true
	fi
	command install -m755 libbz2.so.1.0.8 "$d$lib/"
	ln -sf libbz2.so.1.0.8 "$d$lib/libbz2.so"
	ln -sf libbz2.so.1.0.8 "$d$lib/libbz2.so.1"
	ln -sf libbz2.so.1.0.8 "$d$lib/libbz2.so.1.0"
	# the programs use the shared library
	command install -m755 bzip2-shared "$d/usr/bin/bzip2"
	ln -sf bzip2 "$d/usr/bin/bunzip2"
	ln -sf bzip2 "$d/usr/bin/bzcat"
	# the book removes the static library of the primary ABI only
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		rm -f "$d$lib/libbz2.a"
	fi
}
