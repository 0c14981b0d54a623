# shellcheck shell=bash
# automake: LFS 8.46. No check: the test suite is very long (about 16 SBU)
# and the book notes that t/subobj.sh is known to fail in the LFS
# environment for automake 1.16.x.

configure() {
	at_configure --docdir=/usr/share/doc/automake-1.16.5
}
