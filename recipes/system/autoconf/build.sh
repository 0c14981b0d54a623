# shellcheck shell=bash
# autoconf: LFS 8.45 (the autoconf-2.71 page of LFS 11.2/11.3: the seds let
# the test suite cope with bash 5.2's SHLVL). The .tar.gz release is used (the
# book names the .tar.xz): it is the file Debian ships as its orig tarball.

prepare() {
	sed -e 's/SECONDS|/&SHLVL|/' \
		-e '/BASH_ARGV=/a\        /^SHLVL=/ d' \
		-i.orig tests/local.at
}

check() {
	make check TESTSUITEFLAGS="-j${MLFS_JOBS:-1}"
}
