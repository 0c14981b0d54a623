# shellcheck shell=bash
# gettext: LFS 8.32, version 0.21 (Debian bookworm's) with the commands of
# the book's 0.21 page (LFS 10.1). The test suite takes about 3 SBU.

configure() {
	at_configure --disable-static --docdir=/usr/share/doc/gettext-0.21
}

check() {
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	rm -f "$DESTDIR/usr/share/info/dir"
	chmod 0755 "$DESTDIR${LIBDIR:?}/preloadable_libintl.so"
}
