# shellcheck shell=bash
# diffutils: LFS 8.59, the steps of include/autotools.sh and the test suite.

check() {
	make check
}
