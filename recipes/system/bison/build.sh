# shellcheck shell=bash
# bison: LFS 8.33, the steps of include/autotools.sh and include/bison.sh
# (Debian's manual-less tree), and the test suite (about 5.5 SBU).

check() {
	make check
}
