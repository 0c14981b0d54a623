# shellcheck shell=bash
# isl: LFS 8.22 (the Multilib book's page). It links gmp (the depends). The
# book runs no test suite.

configure() {
	at_configure --disable-static --docdir=/usr/share/doc/isl-0.25
}

install() {
	local d=${DESTDIR:?} lib=${LIBDIR:?} doc=${DESTDIR:?}/usr/share/doc/isl-0.25
	make DESTDIR="$d" install
	mkdir -p "$doc"
	command install -m644 doc/CodingStyle doc/manual.pdf doc/SubmittingPatches \
		doc/user.pod "$doc/"
	# the gdb helper goes where gdb looks for the library's auto-load scripts
	mkdir -p "$d/usr/share/gdb/auto-load$lib"
	mv "$d$lib"/libisl*gdb.py "$d/usr/share/gdb/auto-load$lib/"
}
