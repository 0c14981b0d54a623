# shellcheck shell=bash
# m4: LFS 8.11, the steps of include/autotools.sh and the test suite. The
# book's seds for gcc 15 (m4 1.4.20) are not needed with 1.4.19 and gcc 12.

check() {
	make check
}
