# shellcheck shell=bash
# ncurses: LFS 8.29 (wide-character libraries only). 32 and x32 are configured
# as cross builds: ncurses then builds its helper programs with the build
# machine's compiler and installs the terminfo database with the build
# machine's tic. The primary ABI installs everything; the others install their
# libraries, headers and programs, as the book does (identical headers
# are merged once; ncursesw6-config is a chost tool).
# --disable-pkg-ldflags keeps the caller's LDFLAGS (host mode: -L$MLFS_ROOT/...)
# out of the installed .pc files and ncursesw6-config.

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" --mandir=/usr/share/man \
		--with-shared --without-normal --with-cxx-shared --without-debug \
		--without-ada --disable-stripping --enable-widec \
		--with-manpage-format=normal --enable-pc-files --disable-pkg-ldflags \
		--with-pkg-config-libdir="$LIBDIR/pkgconfig" "${cross[@]}"
}

build() {
	make
}

install() {
	local d=${DESTDIR:?} lib=${LIBDIR:?} l
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		make DESTDIR="$d" install
	else
		# as the book does for the other ABIs: no terminfo database (the
		# primary ABI's tic writes aliases as files, the build machine's tic
		# as symlinks) and no manual pages; libraries, headers and programs
		make DESTDIR="$d" install.libs install.includes install.progs
	fi
	# the book: curses.h always uses the wide-character definitions
	sed -i 's/^#if.*XOPEN.*$/#if 1/' "$d/usr/include/curses.h"
	# programs that link with the non-wide names get the wide libraries
	for l in ncurses form panel menu; do
		ln -sf "lib${l}w.so" "$d$lib/lib${l}.so"
		ln -sf "${l}w.pc" "$d$lib/pkgconfig/${l}.pc"
	done
	ln -sf libncursesw.so "$d$lib/libcurses.so"
}
