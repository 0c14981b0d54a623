# shellcheck shell=bash
# mpfr: LFS 8.20, version 4.2.0 as in LFS 12.0, with the HTML manual. It
# links gmp (the depends). The test suite is critical (LFS 12.0: 197 tests).

prepare() {
	# LFS 12.0: the upstream fix of a test that relied on a bug of old glibc
	# releases (valid with any glibc)
	sed -e 's/+01,234,567/+1,234,567 /' \
		-e 's/13.10Pd/13Pd/' \
		-i tests/tsprintf.c
}

configure() {
	at_configure --disable-static --enable-thread-safe \
		--docdir=/usr/share/doc/mpfr-4.2.0
}

build() {
	make
	make html
}

check() {
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	make DESTDIR="$DESTDIR" install-html
	rm -f "$DESTDIR/usr/share/info/dir"
}
