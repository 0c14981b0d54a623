# shellcheck shell=bash
# libxcrypt: LFS 8.26 (plus the Multilib book's m32/mx32 sections). The
# primary ABI builds the modern libcrypt.so.2 only (--enable-obsolete-api=no);
# 32 and x32 build the glibc-compatible libcrypt.so.1 (=glibc) for old
# binaries, as the book does. 32 and x32 are configured as cross builds.
# The book installs the extra ABIs by copying .libs/libcrypt.so* and running
# `make install-pkgconfigDATA` plus a libcrypt.pc link; here every ABI runs the
# full `make install` into its staging dir and the merge sorts it out.

configure() {
	local obsolete=no
	if [ "${MLFS_ABI:?}" != "${MLFS_PRIMARY_ABI:?}" ]; then
		obsolete=glibc
	fi
	at_configure --enable-hashes=strong,glibc --enable-obsolete-api="$obsolete" \
		--disable-static --disable-failure-tokens
}

check() {
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	# the book's link for the extra ABIs (make install already makes it on
	# the primary ABI); -f: the same link on every ABI
	ln -sf libxcrypt.pc "$DESTDIR$LIBDIR/pkgconfig/libcrypt.pc"
}
