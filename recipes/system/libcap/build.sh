# shellcheck shell=bash
# libcap: LFS 8.25 (plus the Multilib book's m32/mx32 sections). A plain
# Makefile: `lib` is the libdir's name under prefix (lib, lib32, libx32), so
# the libraries and libcap.pc/libpsx.pc land in the ABI's libdir and need no
# sed (the book only seds them because it installs with prefix=$PWD/DESTDIR/usr).
# The extra ABIs build the library directory alone, as the book does, with
# CC="gcc -m32 -march=i686" / "gcc -mx32 -march=x86-64". Make.Rules sets CC with
# := so it is given on the command line; BUILD_CC (which compiles and runs
# _makenames) is the build machine's gcc, as an x32 _makenames cannot run here.
# No PAM and no Go here, as in LFS.

mk() {
	local cc=${CC:?}
	if [ "${MLFS_ABI:?}" != "${MLFS_PRIMARY_ABI:?}" ]; then
		cc="$cc -march=${MLFS_MARCH:?}"
	fi
	make CC="$cc" BUILD_CC=gcc prefix=/usr lib="${LIBDIR_MULTI:?}" \
		PAM_CAP=no GOLANG=no "$@"
}

prepare() {
	# the book: do not install the static libraries
	sed -i '/install -m.*STA/d' libcap/Makefile
}

build() {
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		mk
	else
		mk -C libcap
	fi
}

check() {
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		mk test
	else
		mk -C libcap test
	fi
}

install() {
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		mk DESTDIR="${DESTDIR:?}" install
	else
		mk DESTDIR="${DESTDIR:?}" -C libcap install
	fi
	chmod 755 "$DESTDIR$LIBDIR"/lib{cap,psx}.so.2.66
}
