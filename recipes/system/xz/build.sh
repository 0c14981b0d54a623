# shellcheck shell=bash
# xz: LFS 8.6. 32 and x32 are configured as cross builds (--host/--build):
# x32 programs cannot run here, and --host selects the right assembly for i686.

configure() {
	at_configure --disable-static \
		--docdir=/usr/share/doc/xz-5.4.1
}

check() {
	make check
}
