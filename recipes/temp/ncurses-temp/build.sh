# shellcheck shell=bash
# Ncurses: LFS 6.3, for every ABI. Each node first builds a host tic (with
# the host's compiler) to install the terminfo database, then cross-compiles
# the wide-character libraries with $LFS_TGT-gcc -m64/-m32/-mx32 and
# --host=$LFS_TGT_MULTI. As in the book, the primary ABI installs everything
# (libncurses.so becomes a linker script for -lncursesw); the 32 and x32
# nodes install only their libraries, in /usr/lib32 and /usr/libx32, with a
# libncurses.so link.

prepare() {
	# the book: gawk, not mawk, for the generated sources
	sed -i s/mawk// configure
	mkdir -p build
	cd build || return
	env -u CC -u CXX -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR ../configure
	env -u CC -u CXX make -C include
	env -u CC -u CXX make -C progs tic
}

configure() {
	./configure --prefix=/usr \
		--host="${LFS_TGT_MULTI:?}" \
		--build="$(./config.guess)" \
		--libdir="${LIBDIR:?}" \
		--mandir=/usr/share/man \
		--with-manpage-format=normal \
		--with-shared \
		--without-normal \
		--with-cxx-shared \
		--without-debug \
		--without-ada \
		--disable-stripping \
		--enable-widec
}

build() {
	make
}

install() {
	local d=${DESTDIR:?} tic=$PWD/build/progs/tic
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		make DESTDIR="$d" TIC_PATH="$tic" install
		echo "INPUT(-lncursesw)" >"$d$LIBDIR/libncurses.so"
		# the book: curses.h always uses the wide-character definitions
		sed -i 's/^#if.*XOPEN.*$/#if 1/' "$d/usr/include/curses.h"
	else
		make DESTDIR="$d" TIC_PATH="$tic" install.libs
		ln -sf libncursesw.so "$d$LIBDIR/libncurses.so"
	fi
}
