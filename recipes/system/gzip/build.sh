# shellcheck shell=bash
# gzip: LFS 8.64, the steps of include/autotools.sh and the test suite.

check() {
	make check
}
