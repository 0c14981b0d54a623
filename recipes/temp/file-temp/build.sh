# shellcheck shell=bash
# File: LFS 6.7, cross-compiled into $LFS (include/temp-autotools.sh). The
# magic database must be compiled by a file of the same version, so a host
# file is built first (with the host's compiler and none of the optional
# libraries), and the cross build uses it.
# --disable-{bzlib,xzlib,zlib}: in the book no compression library is in
# $LFS yet at this page; in mlfs's parallel temp stage xz-temp may already
# be, and configure would pick it up. The flags give the book's result every
# time.

prepare() {
	mkdir -p build
	cd build || return
	env -u CC -u CXX -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR \
		../configure --disable-bzlib --disable-libseccomp --disable-xzlib --disable-zlib
	env -u CC -u CXX make
}

configure() {
	temp_configure --disable-bzlib --disable-xzlib --disable-zlib
}

build() {
	make FILE_COMPILE="$PWD/build/src/file"
}
