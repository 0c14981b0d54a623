# shellcheck shell=bash
# Binutils pass 2: LFS 6.17, cross-compiled with $LFS_TGT-gcc into $LFS/usr,
# shared libraries and a 64-bit BFD. One x86_64 binutils serves all three
# ABIs (no multilib option). It waits for xz-temp as the book's order does
# (configure may find liblzma in $LFS), and its libtool must not add the
# host's library directories to the link (the book's ltmain.sh edit).

# configure finds $LFS_TGT-gcc by --host; the build machine's tools use gcc
unset CC CXX

prepare() {
	# the ltmain.sh line that adds $add_dir (libtool 2.4.7 in binutils 2.40)
	# shellcheck disable=SC2016  # ltmain.sh's own variable
	sed '6009s/$add_dir//' -i ltmain.sh
	binutils_layout
}

configure() {
	mkdir -p build
	cd build || return
	../configure --prefix=/usr \
		--build="$(../config.guess)" \
		--host="${LFS_TGT:?}" \
		--disable-nls \
		--enable-shared \
		--enable-gprofng=no \
		--disable-werror \
		--enable-64-bit-bfd
}

build() {
	make -C build
}

install() {
	local d=${DESTDIR:?}
	make -C build DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	# the book: the static libraries are of no use and break later builds
	rm -f "$d"/usr/lib/lib{bfd,ctf,ctf-nobfd,opcodes,sframe}.a
}
