# shellcheck shell=bash
# layout.sh: what the toolchain recipes change when the library layout is not
# the book's (lfs: 64 in /usr/lib, 32 in /usr/lib32, x32 in /usr/libx32). The
# layout reaches the steps as MLFS_LAYOUT and MLFS_LIBDIR_<ABI>; in the lfs
# layout these functions change nothing, so its commands stay the book's.

# binutils_layout: ld's default search dirs (ld/genscripts.sh) start with the
# layout's libdir of each emulation's ABI; the stock ones only know
# lib, lib32, lib64 and libx32 (the multilib note: "Otherwise, we should edit
# ld/genscripts.sh ... to ensure correct library directories")
# shellcheck disable=SC2016
binutils_layout() {
	[ "${MLFS_LAYOUT:?}" != lfs ] || return 0
	local f=ld/genscripts.sh block
	block=$(
		echo '# mlfs: the library layout'"'"'s libdir of the emulation'"'"'s ABI first'
		echo 'case "$EMULATION_NAME" in'
		echo "  elf_x86_64) mlfs_dir=${MLFS_LIBDIR_64:-} ;;"
		echo "  elf_i386) mlfs_dir=${MLFS_LIBDIR_32:-} ;;"
		echo "  elf32_x86_64) mlfs_dir=${MLFS_LIBDIR_X32:-} ;;"
		echo '  *) mlfs_dir= ;;'
		echo 'esac'
		echo 'if [ -n "$mlfs_dir" ]; then'
		echo '  if [ "x${use_sysroot}" = "xyes" ]; then mlfs_dir="=$mlfs_dir"; fi'
		echo '  lib_path1=$mlfs_dir${lib_path1:+:$lib_path1}'
		echo 'fi'
	)
	grep -q '^# mlfs: the library layout' "$f" && return 0
	awk -v blk="$block" '/^case :\$\{lib_path1\}:\$\{lib_path2\}: in$/ && !done { print blk; done = 1 } { print }' \
		"$f" >"$f.mlfs"
	mv "$f.mlfs" "$f"
	grep -q '^# mlfs: the library layout' "$f"
}

# ldd_layout LDD: ldd's RTLDLIST names the loaders of every ABI where programs
# request them (after the book's `s@/usr@@g`, which yields them in the lfs
# layout only: glibc's rewrite knows lib, lib64 and libx32 dirs alone)
ldd_layout() {
	[ "${MLFS_LAYOUT:?}" != lfs ] || return 0
	sed -i "s@^RTLDLIST=.*@RTLDLIST=\"${MLFS_LOADERS:?}\"@" "$1"
	grep -qx "RTLDLIST=\"$MLFS_LOADERS\"" "$1"
}

# libdir_arg: --libdir for a package of the primary ABI when its libdir is not
# the default /usr/lib (glibc: libc_cv_slibdir alone moves only the shared
# libraries); nothing in the lfs layout
libdir_arg() {
	[ "${LIBDIR:?}" = /usr/lib ] || echo "--libdir=$LIBDIR"
}
