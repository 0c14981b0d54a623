# shellcheck shell=bash
# man-db: LFS 8.78, the System V book's configure (no systemd tmpfiles or
# units), include/autotools.sh for make and install, and the test suite.
# It links with libpipeline, gdbm and zlib (the depends); groff provides the
# formatters. man is not setuid; the cache is owned by user bin.

configure() {
	at_configure --docdir=/usr/share/doc/man-db-2.11.2 \
		--sysconfdir=/etc \
		--disable-setuid \
		--enable-cache-owner=bin \
		--with-browser=/usr/bin/lynx \
		--with-vgrind=/usr/bin/vgrind \
		--with-grap=/usr/bin/grap \
		--with-systemdtmpfilesdir= \
		--with-systemdsystemunitdir=
}

check() {
	make check
}
