# shellcheck shell=bash
# libstdc++ pass 1: LFS 5.6, multilib. One node (one_pass) builds the library
# for every ABI gcc-pass1 knows: --enable-multilib builds each multilib in one
# make, and each lands in its libdir by gcc's multi-os-directory (../lib,
# ../lib32, ../libx32 from /usr/lib). It waits for glibc on every ABI.
# The headers go to /tools/$LFS_TGT/include/c++/12.2.0 (the book's
# --with-gxx-include-dir); with DESTDIR the staged tree is relative to $LFS
# like the book's `make DESTDIR=$LFS install`. The merge drops the .la files.

# configure finds $LFS_TGT-gcc by --host, and adds -m32/-mx32 per multilib
unset CC CXX CPPFLAGS LDFLAGS PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

# mlfs builds in STATE/build/NODE/src, and NODE (pkg:abi) holds a colon, which
# gcc's build cannot take safely (see gcc-pass1): the
# first step moves the tree to the same path with '-' for ':' and leaves a
# symlink in its place, every step works in that physical path, and
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

# DESTDIR (STATE/stage/NODE) holds the colon too, and make reads a $(DESTDIR)
# in a target (as in gcc-pass1) as a rule's colon: make never sees DESTDIR
# (it is taken out of the environment here), install() installs into a
# colon-free dir beside the tree and moves the files into the staging dir
STAGE=${DESTDIR:?}
unset DESTDIR

# a colon-free install dir
colonfree_dest() {
	local d=${MLFS_SRC//:/-}
	d=${d%/*}/dest
	rm -rf "$d"
	mkdir -p "$d"
	echo "$d"
}

# move what was installed in $1 into the staging dir
tostage() {
	local f
	for f in "$1"/* "$1"/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		mv "$f" "$STAGE"/
	done
	rmdir "$1"
}

configure() {
	colonfree
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
	colonfree
	make -C build
}

install() {
	colonfree
	local d
	d=$(colonfree_dest)
	make -C build DESTDIR="$d" install
	tostage "$d"
	colonfree_done
}
