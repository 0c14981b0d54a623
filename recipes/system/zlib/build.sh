# shellcheck shell=bash
# zlib: LFS 8.4 (plus the Multilib book's m32/mx32 sections).
# zlib's configure only compiles test programs, it never runs them, so x32
# needs no --host; CC carries the -m flag.

configure() {
	CC="${CC:?}" ./configure --prefix=/usr --libdir="${LIBDIR:?}"
}

check() {
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	# the book removes the static library of the primary ABI only
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		rm -f "$DESTDIR$LIBDIR/libz.a"
	fi
}
