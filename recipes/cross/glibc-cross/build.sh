# shellcheck shell=bash
# glibc-cross: LFS 5.5, one node per ABI. 64: --host=$LFS_TGT and /usr/lib; 32 and
# x32: CC="$LFS_TGT-gcc -m32" (or -mx32, the step's CC), --host=$LFS_TGT_MULTI
# (i686-lfs-linux-gnu, x86_64-lfs-linux-gnux32) and --libdir, --libexecdir and
# libc_cv_slibdir set to the ABI's libdir (/usr/lib32, /usr/libx32).
#
# Every ABI installs everything with `make DESTDIR=... install` (the
# staged tree is relative to $LFS). The book copies only the libdir and the
# gnu/{lib-names,stubs}-NN.h headers out of the 32 and x32 builds; here the
# merge does that: identical files are kept once, the per-ABI headers have
# per-ABI names, and the programs (/usr/bin, /usr/sbin, /usr/libexec) of the
# 64-bit build win (the recipe's "primary" rules). The loader links
# ($LFS/lib64/ld-linux-x86-64.so.2, /lib/ld-linux.so.2 in /usr/lib) come from
# mlfs's glue. As in the book, 32 and x32 build once glibc-cross:64 is in place
# (the recipe's "primary_first"), side by side.
# libc_cv_cxx_link_ok=no: in the book no libstdc++ exists yet at this page, so
# glibc builds its C test helpers; a rebuild would find the libstdc++ of the
# previous build in $LFS and link a C++ helper with a -lgcc_s that pass 1 has
# not (--disable-shared). The flag gives the book's result every time.
# --disable-crypt: the book's glibc (2.38 and later) builds no libcrypt;
# Chapter 8's libxcrypt is the system's. Built here, glibc's libcrypt.so.1
# would be linked by the chroot stage's perl and then be replaced under it.
# Not done: the book's glibc-2.36-fhs-1.patch (nscd/nss_db paths under /var;
# no copy of it is at hand), and the ld-lsb-x86-64.so.3 link.

# the host-mode flags (mlfs --root) must not reach glibc's build
unset CPPFLAGS LDFLAGS PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

prepare() {
	# Debian's orig (--source) has no manual/ (GFDL): take it out of the
	# subdirectories, or make stops at "manual: No such file or directory"
	if [ ! -d manual ]; then
		sed -i 's/ wctype manual shadow / wctype shadow /' Makeconfig
		! grep -q ' manual ' Makeconfig
	fi
}

configure() {
	local libdir
	libdir=$(libdir_arg)
	mkdir -p build
	cd build || return
	echo "rootsbindir=/usr/sbin" >configparms
	# shellcheck disable=SC2086  # empty in the lfs layout
	../configure --prefix=/usr $libdir \
		--host="${LFS_TGT:?}" \
		--build="$(../scripts/config.guess)" \
		--enable-kernel=3.2 \
		--disable-crypt \
		--with-headers="${LFS:?}/usr/include" \
		libc_cv_cxx_link_ok=no \
		libc_cv_slibdir="${LIBDIR:?}"
}

multi_configure() {
	mkdir -p build
	cd build || return
	echo "rootsbindir=/usr/sbin" >configparms
	CC="${CC:?}" CXX="${CXX:?}" ../configure --prefix=/usr \
		--host="${LFS_TGT_MULTI:?}" \
		--build="$(../scripts/config.guess)" \
		--enable-kernel=3.2 \
		--disable-crypt \
		--with-headers="${LFS:?}/usr/include" \
		--enable-multi-arch \
		--libdir="${LIBDIR:?}" \
		--libexecdir="$LIBDIR" \
		libc_cv_cxx_link_ok=no \
		libc_cv_slibdir="$LIBDIR"
}

configure_32() {
	multi_configure
}

configure_x32() {
	multi_configure
}

build() {
	make -C build
}

install() {
	make -C build DESTDIR="${DESTDIR:?}" install
	# one ldd serves every ABI: its RTLDLIST names the loaders by their
	# /lib64, /lib and /libx32 paths
	sed '/RTLDLIST=/s@/usr@@g' -i "$DESTDIR/usr/bin/ldd"
	ldd_layout "$DESTDIR/usr/bin/ldd"
	rm -f "$DESTDIR/usr/share/info/dir"
}
