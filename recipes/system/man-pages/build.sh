# shellcheck shell=bash
# man-pages: LFS 8.1, version 6.03 (Debian bookworm's). Nothing to build: the
# pages are installed with the Makefile's own install target. GIT=false keeps
# the Makefile from asking git for a version (the tree may sit inside another
# git work tree).

prepare() {
	# libxcrypt installs better crypt(3) and crypt_r(3) pages
	rm -f man3/crypt*
}

install() {
	make GIT=false prefix=/usr DESTDIR="${DESTDIR:?}" install
}
