# shellcheck shell=bash
# file: LFS 8.9 (plus the Multilib book's m32/mx32 sections). 32 and x32 are
# configured as cross builds (--host/--build); file then compiles magic.mgc with
# the build machine's `file`, which must be the same version (5.44). libmagic
# links with the zlib, bzip2, xz and zstd of the same ABI (the depends), so the
# result does not change with what happens to be in the root.

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" --disable-static "${cross[@]}"
}

build() {
	make
}

check() {
	# host mode: the libraries of this ABI that it links with (the depends) are
	# in the root, not on the build machine's loader path
	export LD_LIBRARY_PATH=${MLFS_ROOT:+$MLFS_ROOT${LIBDIR:?}}
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
}
