# shellcheck shell=bash
# pkgconf: LFS 8.17 (plus the Multilib book's multilib part). Every ABI builds
# libpkgconf (32 and x32 as cross builds); the primary ABI's pkgconf program
# wins, and pkg-config is a link to it, as in the book. The book's per-ABI
# <triplet>-pkg-config links and personality files are not made here: mlfs
# writes them itself (a <triplet>-pkg-config wrapper running pkgconf with the
# ABI's personality file), for every ABI of the build.

configure() {
	at_configure --disable-static \
		--docdir=/usr/share/doc/pkgconf-1.8.1
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		ln -sf pkgconf "$DESTDIR/usr/bin/pkg-config"
		ln -sf pkgconf.1 "$DESTDIR/usr/share/man/man1/pkg-config.1"
	fi
}
