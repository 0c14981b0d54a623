# shellcheck shell=bash
# flex: LFS 8.13. flex runs m4 (the depends) and records its path at
# configure time. lex is flex in lex emulation mode.

configure() {
	at_configure --docdir=/usr/share/doc/flex-2.6.4 --disable-static
}

check() {
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	rm -f "$DESTDIR/usr/share/info/dir"
	ln -sf flex "$DESTDIR/usr/bin/lex"
	ln -sf flex.1 "$DESTDIR/usr/share/man/man1/lex.1"
}
