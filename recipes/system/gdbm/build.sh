# shellcheck shell=bash
# gdbm: LFS 8.37 (plus the Multilib book's m32/mx32 sections), with the
# dbm/ndbm compatibility library. 32 and x32 are configured as cross builds;
# gdbmtool links with the same ABI's readline (the depends).

configure() {
	at_configure --disable-static \
		--enable-libgdbm-compat
}

check() {
	make check
}
