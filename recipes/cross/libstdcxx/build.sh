# shellcheck shell=bash
# libstdc++ pass 1: LFS 5.6, multilib. One node (one_pass) builds the library
# for every ABI gcc-pass1 knows: --enable-multilib builds each multilib in one
# make, and each lands in its libdir by gcc's multi-os-directory (../lib,
# ../lib32, ../libx32 from /usr/lib). It waits for glibc-cross on every ABI.
# The headers go to /tools/$LFS_TGT/include/c++/12.2.0 (the book's
# --with-gxx-include-dir); with DESTDIR the staged tree is relative to $LFS
# like the book's `make DESTDIR=$LFS install`. The merge drops the .la files.

# configure finds $LFS_TGT-gcc by --host, and adds -m32/-mx32 per multilib
unset CC CXX CPPFLAGS LDFLAGS PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

configure() {
	mkdir -p build
	cd build || return
	../libstdc++-v3/configure \
		--host="${LFS_TGT:?}" \
		--build="$(../config.guess)" \
		--prefix=/usr \
		--enable-multilib \
		--disable-nls \
		--disable-libstdcxx-pch \
		--with-gxx-include-dir="/tools/$LFS_TGT/include/c++/$(cat ../gcc/BASE-VER)"
}

build() {
	make -C build
}

install() {
	make -C build DESTDIR="${DESTDIR:?}" install
}
