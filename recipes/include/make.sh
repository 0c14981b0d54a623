# shellcheck shell=bash
# make.sh: what make-temp (LFS 6.12) and make (LFS 8.68) share. Debian's
# make-dfsg orig (built with --source) has no configure and no doc/: its
# configure.ac names Makefile twice and its Makefile.am the manual page of
# doc/, which Debian's own changes take out as here before autoreconf (the
# release tarball needs none of this).

prepare() {
	if [ ! -x configure ]; then
		sed -i 's|po/Makefile.in Makefile \\|po/Makefile.in \\|' configure.ac
		sed -i '/^man_MANS =/d' Makefile.am
		autoreconf -fi
	fi
}
