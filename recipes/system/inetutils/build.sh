# shellcheck shell=bash
# inetutils: LFS 8.40. No logger (util-linux installs a newer one), no whois,
# none of the insecure r* programs, no servers. ifconfig moves to /usr/sbin.
# The book's later sed for telnet.c (HAVE_TERMCAP_TGETENT) is for gcc 14 and
# inetutils 2.5+; it is not needed for 2.4.

configure() {
	at_configure --bindir=/usr/bin --localstatedir=/var \
		--disable-logger --disable-whois --disable-rcp --disable-rexec \
		--disable-rlogin --disable-rsh --disable-servers
}

check() {
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	rm -f "$DESTDIR/usr/share/info/dir"
	mkdir -p "$DESTDIR/usr/sbin"
	mv "$DESTDIR/usr/bin/ifconfig" "$DESTDIR/usr/sbin/ifconfig"
}
