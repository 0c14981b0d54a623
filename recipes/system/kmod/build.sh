# shellcheck shell=bash
# kmod: LFS 8.57, 64-bit only, as the autotools page of LFS 11.x/12.0 builds
# kmod-30 (the Multilib book's m32/mx32 sections are not built here).
# kmod-30 installs only /usr/bin/kmod: install() makes the book's links.
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

install() {
	local d=${DESTDIR:?} target
	make DESTDIR="$d" install
	mkdir -p "$d/usr/sbin"
	for target in depmod insmod modinfo modprobe rmmod; do
		ln -sf ../bin/kmod "$d/usr/sbin/$target"
	done
	ln -sf kmod "$d/usr/bin/lsmod"
}
