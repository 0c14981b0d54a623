# shellcheck shell=bash
# gdbm: LFS 8.37 (plus the Multilib book's m32/mx32 sections), with the
# dbm/ndbm compatibility library. 32 and x32 are configured as cross builds;
# gdbmtool links with the same ABI's readline (the depends).

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" --disable-static \
		--enable-libgdbm-compat "${cross[@]}"
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
