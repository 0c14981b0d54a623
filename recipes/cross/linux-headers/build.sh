# shellcheck shell=bash
# Linux API headers: LFS 5.4. One node: the uapi headers (asm included) serve
# the 64, 32 and x32 ABIs alike. Staged under $DESTDIR/usr/include, relative
# to $LFS like every cross-stage recipe.

# kbuild builds its helpers with the host's compiler
unset CC CXX CPPFLAGS LDFLAGS PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

build() {
	# no `make mrproper`: mlfs gives every node a fresh unpack, and in Debian's
	# dfsg tree (--source) mrproper stops at the removed
	# drivers/video/fbdev/nvidia/Makefile
	make headers
	find usr/include -type f ! -name '*.h' -delete
}

install() {
	mkdir -p "${DESTDIR:?}/usr"
	cp -r usr/include "$DESTDIR/usr"
}
