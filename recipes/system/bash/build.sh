# shellcheck shell=bash
# bash: LFS 8.35, version 5.2.15 as in LFS 12.0, linked with the installed
# readline (and ncursesw: the depends). No check: the book runs the tests as
# the unprivileged user tester on a pty made by expect. The book's
# `exec /usr/bin/bash --login` concerns the running shell, not the package.

configure() {
	at_configure --without-bash-malloc --with-installed-readline \
		--docdir=/usr/share/doc/bash-5.2.15
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	rm -f "$DESTDIR/usr/share/info/dir"
	# sh is bash (made in Chapter 6; listed among this page's programs)
	ln -sf bash "$DESTDIR/usr/bin/sh"
}
