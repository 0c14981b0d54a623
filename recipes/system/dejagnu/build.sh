# shellcheck shell=bash
# dejagnu: LFS 8.16, built in a build directory as upstream recommends. Only
# scripts: build() makes the book's HTML and text manuals with makeinfo. The
# tests run expect (the depends).

configure() {
	mkdir -p build
	cd build || return
	../configure --prefix=/usr
}

build() {
	cd build || return
	mkdir -p doc
	makeinfo --html --no-split -o doc/dejagnu.html ../doc/dejagnu.texi
	makeinfo --plaintext -o doc/dejagnu.txt ../doc/dejagnu.texi
}

check() {
	cd build || return
	make check
}

install() {
	local doc=${DESTDIR:?}/usr/share/doc/dejagnu-1.6.3
	cd build || return
	make DESTDIR="$DESTDIR" install
	rm -f "$DESTDIR/usr/share/info/dir"
	mkdir -p "$doc"
	command install -m644 doc/dejagnu.html doc/dejagnu.txt "$doc/"
}
