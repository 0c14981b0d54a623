# shellcheck shell=bash
# xml-parser: LFS 8.43 (XML::Parser). ExtUtils::MakeMaker honours DESTDIR.
# perllocal.pod (MakeMaker's log of local installs, appended to by every
# module) is owned by no package and is removed from the staging dir.

configure() {
	perl Makefile.PL
}

build() {
	make
}

check() {
	make test
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	find "$DESTDIR" -name perllocal.pod -delete
}
