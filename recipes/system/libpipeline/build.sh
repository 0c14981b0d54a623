# shellcheck shell=bash
# libpipeline: LFS 8.67, the steps of include/autotools.sh and the test suite.

check() {
	make check
}
