# shellcheck shell=bash
# gcc pass 1: LFS 5.3, multilib. One node builds the compiler and libgcc for
# every requested ABI (one_pass): --with-multilib-list follows $MLFS_ABIS
# (64 -> m64, 32 -> m32, x32 -> mx32). gcc_intree and gcc_prepare
# (include/gcc.sh) put mpfr, gmp and mpc in the tree and make the multilib
# book's edits.
#
# Where the files go: as binutils-pass1, --prefix=$LFS/tools (the compiler
# finds its parts through it) and `make DESTDIR=D install`, then D$LFS/tools
# moves to D/tools: the staged tree is relative to $LFS, the root mlfs
# merges into. The per-ABI libgcc files under
# /tools/lib/gcc/$LFS_TGT/12.2.0/{32,x32}/ are not in a libdir, so the merge's
# library rules leave them alone.

# a host program built with the host's compiler (see binutils-pass1)
unset CC CXX CPPFLAGS LDFLAGS PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

prepare() {
	gcc_intree
	gcc_prepare
}

configure() {
	local ml
	ml=$(gcc_mlist)
	mkdir -p build
	cd build || return
	../configure \
		--target="${LFS_TGT:?}" \
		--prefix="${LFS:?}/tools" \
		--with-glibc-version=2.36 \
		--with-sysroot="$LFS" \
		--with-newlib \
		--without-headers \
		--enable-default-pie \
		--enable-default-ssp \
		--enable-initfini-array \
		--disable-nls \
		--disable-shared \
		--enable-multilib --with-multilib-list="$ml" \
		--disable-decimal-float \
		--disable-threads \
		--disable-libatomic \
		--disable-libgomp \
		--disable-libquadmath \
		--disable-libssp \
		--disable-libvtv \
		--disable-libstdcxx \
		--enable-languages=c,c++
}

build() {
	make -C build
}

install() {
	local d=${DESTDIR:?} ver
	ver=$(cat gcc/BASE-VER)
	make -C build DESTDIR="$d" install
	# the staged tree relative to $LFS: $d$LFS/tools -> $d/tools
	mv "$d$LFS/tools" "$d/tools"
	rmdir -p --ignore-fail-on-non-empty "$d$LFS"
	# the full limits.h, which includes glibc's once it is there (the cat of
	# limitx.h, glimits.h and limity.h of LFS 12, straight into the
	# compiler's include/: LFS 11's copy into install-tools/ needs the
	# mkheaders run at the end of the glibc page, or the temp stage's gnulib
	# stops at "Assumed value of MB_LEN_MAX wrong")
	cat gcc/limitx.h gcc/glimits.h gcc/limity.h \
		>"$d/tools/lib/gcc/$LFS_TGT/$ver/include/limits.h"
	rm -f "$d/tools/share/info/dir"
}
