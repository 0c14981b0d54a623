# shellcheck shell=bash
# Linux API headers: LFS 5.4. One node: the uapi headers (asm included) serve
# the 64, 32 and x32 ABIs alike. Staged under $DESTDIR/usr/include, relative
# to $LFS like every cross-stage recipe.

# kbuild builds its helpers with the host's compiler
unset CC CXX CPPFLAGS LDFLAGS PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

# mlfs builds in STATE/build/NODE/src, and NODE (pkg:abi) holds a colon, which
# kbuild refuses ("source directory cannot contain spaces or colons"): the
# first step moves the tree to the same path with '-' for ':' and leaves a symlink in its place, every step works in that physical path, and
# install() removes it at the end (mlfs removes only the link)
colonfree() {
	local alt=${MLFS_SRC//:/-}
	[ "$alt" != "$MLFS_SRC" ] || return 0
	if [ ! -L "$MLFS_SRC" ]; then
		rm -rf "$alt"
		mkdir -p "${alt%/*}"
		mv "$MLFS_SRC" "$alt"
		ln -s "$alt" "$MLFS_SRC"
	fi
	cd -P "$alt" || return 1
}

colonfree_done() {
	local alt=${MLFS_SRC//:/-}
	[ "$alt" != "$MLFS_SRC" ] || return 0
	cd /
	rm -rf "${alt%/*}"
}

build() {
	colonfree
	# no `make mrproper`: mlfs gives every node a fresh unpack, and in Debian's
	# dfsg tree (--source) mrproper stops at the removed
	# drivers/video/fbdev/nvidia/Makefile
	make headers
	find usr/include -type f ! -name '*.h' -delete
}

install() {
	colonfree
	mkdir -p "${DESTDIR:?}/usr"
	cp -r usr/include "$DESTDIR/usr"
	colonfree_done
}
