# shellcheck shell=bash
# groff: LFS 8.62 (include/autotools.sh for make and install). The book lets
# the reader choose the default paper size with PAGE; this recipe takes
# "letter", jhalfs's default (echo A4 > /etc/papersize overrides it later).
# configure needs Perl (the depends). The package has no test suite.

configure() {
	PAGE=letter at_configure
}
