# shellcheck shell=bash
# lz4: the Multilib book's lz4 page (LFS 12.1 added it between xz and zstd;
# 1.9.4 is the version that page introduced). A plain Makefile: CC carries the
# -m flag and LIBDIR (also in the step environment) puts liblz4 and liblz4.pc
# into the ABI's libdir. BUILD_STATIC=no: no liblz4.a for any ABI, as the book.
# The other ABIs keep only their libdir (the book's DESTDIR install and copy of
# m32/usr/lib32/*): ml_libonly from autotools.sh.

configure() {
	:
}

build() {
	make BUILD_STATIC=no PREFIX=/usr LIBDIR="${LIBDIR:?}"
}

check() {
	# the book runs the test suite in the 64-bit part only
	[ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ] || return 0
	make -j1 check
}

install() {
	make BUILD_STATIC=no PREFIX=/usr LIBDIR="${LIBDIR:?}" DESTDIR="${DESTDIR:?}" install
	if [ "${MLFS_ABI:?}" != "${MLFS_PRIMARY_ABI:?}" ]; then
		ml_libonly
	fi
}
