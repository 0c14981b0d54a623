# shellcheck shell=bash
# gcc pass 2: LFS 6.18, multilib. One node (one_pass) cross-compiles the
# compiler that will run in $LFS, with libgcc and libstdc++ for every
# requested ABI: --with-multilib-list follows $MLFS_ABIS (64 -> m64, 32 ->
# m32, x32 -> mx32). gcc_intree and gcc_prepare (include/gcc.sh) put mpfr,
# gmp and mpc in the tree and make the multilib book's edits, as for pass 1;
# libgcc and libstdc++ are built with POSIX threads. Installed with DESTDIR
# into $LFS/usr (libstdc++ of the cross stage is replaced, as in the book),
# with cc pointing at gcc.

# configure finds $LFS_TGT-gcc by --host; the build machine's tools use gcc
unset CC CXX

prepare() {
	gcc_intree
	gcc_prepare
	# libgcc and libstdc++ with POSIX threads
	sed '/thread_header =/s/@.*@/gthr-posix.h/' \
		-i libgcc/Makefile.in libstdc++-v3/include/Makefile.in
}

configure() {
	local ml
	ml=$(gcc_mlist)
	mkdir -p build
	cd build || return
	../configure \
		--build="$(../config.guess)" \
		--host="${LFS_TGT:?}" \
		--target="$LFS_TGT" \
		LDFLAGS_FOR_TARGET="-L$PWD/$LFS_TGT/libgcc" \
		--prefix=/usr \
		--with-build-sysroot="${LFS:?}" \
		--enable-default-pie \
		--enable-default-ssp \
		--disable-nls \
		--enable-multilib --with-multilib-list="$ml" \
		--disable-libatomic \
		--disable-libgomp \
		--disable-libquadmath \
		--disable-libsanitizer \
		--disable-libssp \
		--disable-libvtv \
		--enable-languages=c,c++
}

build() {
	make -C build
}

install() {
	local d=${DESTDIR:?}
	make -C build DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	ln -sf gcc "$d/usr/bin/cc"
}
