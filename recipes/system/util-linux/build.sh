# shellcheck shell=bash
# Util-linux: LFS 8.80 (sysv book), for every ABI (include/util-linux.sh: the
# libraries only for 32 and x32). The test suite is not run: the book
# warns it can harm the system when run as root.

configure() {
	ul_configure --bindir=/usr/bin --sbindir=/usr/sbin \
		--without-systemd --without-systemdsystemunitdir
}
