# shellcheck shell=bash
# Bash: LFS 6.4, cross-compiled into $LFS (include/temp-autotools.sh), with
# sh pointing at it. It links the ncursesw of ncurses-temp, as in the book.

configure() {
	./configure --prefix=/usr \
		--build="$(sh support/config.guess)" \
		--host="${LFS_TGT:?}" \
		--without-bash-malloc
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	rm -f "$DESTDIR/usr/share/info/dir"
	# $LFS/bin is a link to usr/bin
	ln -sf bash "$DESTDIR/usr/bin/sh"
}
