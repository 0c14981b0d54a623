# shellcheck shell=bash
# zstd: LFS 8.8 (plus the Multilib book's m32/mx32 sections). A plain Makefile:
# CC carries the -m flag, and LIBDIR (which the step environment already
# exports, and which lib/Makefile reads as `LIBDIR ?= $(exec_prefix)/lib`) is
# passed explicitly, so the library and libzstd.pc land in the ABI's libdir
# directly; the book's copy to lib32 and its sed of libzstd.pc are not needed.
# The zstd program uses zlib, liblzma and liblz4 when it finds them: they are
# depends, so each ABI's program gets the same features whatever is in the
# root (the book builds lz4 just before zstd).

build() {
	make prefix=/usr LIBDIR="${LIBDIR:?}"
}

check() {
	# the book runs `make check` (the full fuzz/regression suite, long); a round
	# trip through the freshly built program and library is enough here
	# (programs/zstd has the library compiled in)
	local t=.mlfs-check
	mkdir -p "$t"
	cat lib/*/*.c >"$t/in"
	programs/zstd -q -19 "$t/in" -o "$t/in.zst"
	programs/zstd -q -d "$t/in.zst" -o "$t/out"
	cmp "$t/in" "$t/out"
}

install() {
	make prefix=/usr LIBDIR="${LIBDIR:?}" DESTDIR="${DESTDIR:?}" install
	# the book removes the static library of the primary ABI only
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		rm -f "$DESTDIR$LIBDIR/libzstd.a"
	fi
}
