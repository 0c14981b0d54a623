# shellcheck shell=bash
# attr: LFS 8.23 (plus the Multilib book's m32/mx32 sections): plain autotools.
# 32 and x32 are configured as cross builds (--host/--build).

configure() {
	at_configure --disable-static \
		--sysconfdir=/etc --docdir=/usr/share/doc/attr-2.5.1
}

check() {
	make check
}
