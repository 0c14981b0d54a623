# shellcheck shell=bash
# Perl: LFS 7.9, with the book's directory layout under /usr/lib/perl5/5.36
# and a shared libperl. The man dirs are named as in Chapter 8: without nroff
# (no groff yet) Configure answers "none", and installman then writes every
# page, as NAME.0, into the top of DESTDIR.

configure() {
	local v=/usr/lib/perl5/5.36
	sh Configure -des \
		-Dprefix=/usr \
		-Dvendorprefix=/usr \
		-Duseshrplib \
		-Dprivlib="$v/core_perl" \
		-Darchlib="$v/core_perl" \
		-Dsitelib="$v/site_perl" \
		-Dsitearch="$v/site_perl" \
		-Dvendorlib="$v/vendor_perl" \
		-Dvendorarch="$v/vendor_perl" \
		-Dman1dir=/usr/share/man/man1 \
		-Dman3dir=/usr/share/man/man3
}

build() {
	make
}

install() {
	make DESTDIR="${DESTDIR:?}" install
}
