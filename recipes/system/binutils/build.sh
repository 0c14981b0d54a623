# shellcheck shell=bash
# Binutils: LFS 8.18. One x86_64 build handles the 64, 32 and x32 objects
# (elf_x86_64, elf_i386 and elf32_x86_64), so it is built once; the system
# zlib, gold and plugins as the book does. The test suite is not run (the
# book lists failures that depend on the machine).

prepare() {
	binutils_layout
}

configure() {
	local libdir
	libdir=$(libdir_arg)
	mkdir -p build
	cd build || return
	# shellcheck disable=SC2086  # empty in the lfs layout
	../configure --prefix=/usr $libdir \
		--sysconfdir=/etc \
		--enable-gold \
		--enable-ld=default \
		--enable-plugins \
		--enable-shared \
		--disable-werror \
		--enable-64-bit-bfd \
		--with-system-zlib
}

build() {
	make -C build tooldir=/usr
}

install() {
	local d=${DESTDIR:?}
	make -C build tooldir=/usr DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	# the book: no static libraries of the tools' internals
	rm -f "$d${LIBDIR:?}"/lib{bfd,ctf,ctf-nobfd,sframe,opcodes}.a
}
