# shellcheck shell=bash
# Util-linux: LFS 7.12, for every ABI (include/util-linux.sh: the libraries
# only for 32 and x32), with the book's Chapter 7 options.

configure() {
	ul_configure
}
