# shellcheck shell=bash
# mpc: LFS 8.21, with the HTML manual. It links gmp and mpfr (the depends).

configure() {
	at_configure --disable-static --docdir=/usr/share/doc/mpc-1.3.1
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
