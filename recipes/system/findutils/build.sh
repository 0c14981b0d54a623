# shellcheck shell=bash
# findutils: LFS 8.61 (include/autotools.sh for make and install), 64-bit
# only (the book's TIME_T_32_BIT_OK=yes is for i?86 hosts). The locate
# database goes to /var/lib/locate (FHS).
# No check step: the book runs the test suite as the non-root user tester.

configure() {
	at_configure --localstatedir=/var/lib/locate
}
