# shellcheck shell=bash
# Gawk: LFS 6.9, cross-compiled into $LFS (include/temp-autotools.sh). As
# the book does, the "extras" directory is left out.

prepare() {
	sed -i 's/extras//' Makefile.in
}
