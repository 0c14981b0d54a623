# shellcheck shell=bash
# libtool: LFS 8.36 (plus the Multilib book's m32/mx32 sections, which keep
# libltdl). 32 and x32 are configured as cross builds. The libtool script of
# each ABI names its own compiler flags and libdirs; the merge keeps the
# primary ABI's /usr/bin/libtool, as the book does.
# The book's `make -k check` runs libtool's whole test suite (long, with known
# failures); it is not run here.

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" "${cross[@]}"
}

build() {
	make
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	# the book removes the static libltdl of the primary ABI only
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		rm -f "$DESTDIR$LIBDIR/libltdl.a"
	fi
}
