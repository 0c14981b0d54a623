# shellcheck shell=bash
# kbd: LFS 8.66 (include/autotools.sh for make and install).
# Built WITHOUT the book's kbd-2.5.1-backspace-1.patch (LFS's own patch, not
# in Debian's kbd, so it cannot be obtained and verified here): the i386
# keymaps keep their own Backspace/Delete codes instead of the book's 127 and
# the escape sequence.
# resizecons (it needs the defunct svgalib) is not built, as in the book.

prepare() {
	# Debian's kbd orig (a git export of the tag, built with --source
	# kbd=DIR) has no configure: generate it as kbd's autogen.sh does
	[ -f configure ] || autoreconf -fiv
	sed -i '/RESIZECONS_PROGS=/s/yes/no/' configure
	sed -i 's/resizecons.8 //' docs/man/man8/Makefile.in
}

configure() {
	at_configure --disable-vlock
}

check() {
	make check
}

install() {
	local d=${DESTDIR:?} doc=/usr/share/doc/kbd-2.5.1
	make DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	# the book's optional documentation
	mkdir -p "$d$doc"
	cp -R docs/doc/* "$d$doc"
}
