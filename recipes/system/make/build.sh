# shellcheck shell=bash
# make: LFS 8.68 (the make-4.3 page of LFS 11.2), the steps of
# include/autotools.sh and the test suite. Guile support is not enabled (LFS
# has no Guile; its .pc would have to be in the root for configure to see it).
# include/make.sh makes Debian's make-dfsg tree buildable.

check() {
	make check
}
