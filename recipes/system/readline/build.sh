# shellcheck shell=bash
# readline: LFS 8.10 (plus the Multilib book's m32/mx32 sections). 32 and x32
# are configured as cross builds. The shared libraries are linked with the
# same ABI's ncursesw, as the book does with SHLIB_LIBS: in an LFS build
# the ncurses-temp of Chapter 6, in host mode the ncurses recipe (host_depends).

prepare() {
	# the book: no .old copies of the libraries, no ldconfig bug
	sed -i '/MV.*old/d' Makefile.in
	sed -i '/{OLDSUFF}/c:' support/shlib-install
}

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" --disable-static \
		--with-curses --docdir=/usr/share/doc/readline-8.2 "${cross[@]}"
}

build() {
	make SHLIB_LIBS="-lncursesw"
}

install() {
	make SHLIB_LIBS="-lncursesw" DESTDIR="${DESTDIR:?}" install
}
