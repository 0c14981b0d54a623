# shellcheck shell=bash
# expect: LFS 8.15. It builds against Tcl's configuration script and private
# headers (the depends): in host mode those of the root. The book's gcc-15
# patch is not needed with gcc 12. The test suite needs working ptys (devpts
# mounted in the chroot); the book calls it critical.

configure() {
	at_configure --with-tcl="${MLFS_ROOT:-}${LIBDIR:?}" --enable-shared \
		--disable-rpath --mandir=/usr/share/man \
		--with-tclinclude="${MLFS_ROOT:-}/usr/include"
}

check() {
	make test
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	ln -sf expect5.45.4/libexpect5.45.4.so "$DESTDIR${LIBDIR:?}/"
}
