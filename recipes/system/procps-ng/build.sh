# shellcheck shell=bash
# procps-ng: LFS 8.79, the System V book's configure (no systemd), and
# include/autotools.sh for make and install. kill comes from util-linux.
# top, watch and slabtop link with ncurses (the depends).
# No check step: the book says the "free with commit" test fails when
# programs with their own memory allocator run on the build machine, which
# the build cannot control.

configure() {
	at_configure --docdir=/usr/share/doc/procps-ng-4.0.2 \
		--disable-static --disable-kill
}
