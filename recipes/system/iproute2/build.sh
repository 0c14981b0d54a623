# shellcheck shell=bash
# iproute2: LFS 8.65. No autotools: make runs the package's own configure
# script, which finds libelf and libcap with pkg-config (the depends).
# The programs go to /usr/sbin. arpd needs Berkeley DB, which LFS does not
# have: it is not built and its directory and manual page are not installed.
# The package has no working test suite.

prepare() {
	sed -i /ARPD/d Makefile
	rm -f man/man8/arpd.8
}

build() {
	make NETNS_RUN_DIR=/run/netns
}

install() {
	local d=${DESTDIR:?} doc=/usr/share/doc/iproute2-6.1.0
	make NETNS_RUN_DIR=/run/netns SBINDIR=/usr/sbin DESTDIR="$d" install
	# the book's optional documentation
	mkdir -p "$d$doc"
	cp COPYING README* "$d$doc"
}
