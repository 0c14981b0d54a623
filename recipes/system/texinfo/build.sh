# shellcheck shell=bash
# texinfo: LFS 8.71 (the texinfo-6.8 page of LFS 11.2), include/autotools.sh,
# the test suite and the book's optional TeX components. info links with
# ncurses; the programs need Perl at build and run time (the depends).
# /usr/share/info/dir is not made here: it belongs to no package (the book's
# optional loop over install-info rebuilds it on the finished system).

check() {
	make check
}

install() {
	local d=${DESTDIR:?}
	make DESTDIR="$d" install
	make DESTDIR="$d" TEXMF=/usr/share/texmf install-tex
	rm -f "$d/usr/share/info/dir"
}
