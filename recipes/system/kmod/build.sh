# shellcheck shell=bash
# kmod: LFS 8.57 with the Multilib book's m32/mx32 sections (kmod-30, the
# autotools page of LFS 11.x/12.0). The primary ABI builds everything and
# makes the book's links; 32 and x32 are configured as cross builds
# (at_configure gives --host/--build) with --with-rootlibdir in their libdir,
# installed into DESTDIR and reduced to their libdir (ml_libonly), as the
# book copies DESTDIR/usr/lib32/* only. For 32, CC gets -march=i686
# (MLFS_MARCH of the 32 profile), as the book's later, meson kmod pages do; the
# kmod-30 page relies on the compiler's default, which for an LFS gcc is not
# i686. The other ABIs need no manual pages (the book keeps the primary's).
# No check: the book runs no tests (they need kernel module sources).
# Debian's kmod 30+20221128 is a git snapshot, not the release tarball: such a
# tree (given with --source) has no configure script and no prebuilt manual
# pages, so prepare() runs autoreconf (as autogen.sh does, without gtk-doc)
# and, without xsltproc, the manual pages are left out.

prepare() {
	if [ ! -x configure ]; then
		[ -f libkmod/docs/gtk-doc.make ] || touch libkmod/docs/gtk-doc.make
		autoreconf --force --install
	fi
}

configure() {
	local man=()
	if [ ! -f man/kmod.8 ] && ! command -v xsltproc >/dev/null; then
		man=(--disable-manpages)
	fi
	at_configure --sysconfdir=/etc --with-openssl --with-xz --with-zstd \
		--with-zlib "${man[@]}"
}

# the other ABIs: only libkmod is kept
kmod_configure_lib() {
	at_configure --sysconfdir=/etc --with-openssl --with-xz --with-zstd \
		--with-zlib --with-rootlibdir="${LIBDIR:?}" --disable-manpages
}

configure_32() {
	CC="${CC:?} -march=${MLFS_MARCH:?}" kmod_configure_lib
}

configure_x32() {
	kmod_configure_lib
}

install() {
	local d=${DESTDIR:?} target
	make DESTDIR="$d" install
	if [ "${MLFS_ABI:?}" != "${MLFS_PRIMARY_ABI:?}" ]; then
		ml_libonly
		return 0
	fi
	mkdir -p "$d/usr/sbin"
	for target in depmod insmod modinfo modprobe rmmod; do
		ln -sf ../bin/kmod "$d/usr/sbin/$target"
	done
	ln -sf kmod "$d/usr/bin/lsmod"
}
