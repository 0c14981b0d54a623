# shellcheck shell=bash
# bison.sh: what bison-chroot (LFS 7.8) and bison (LFS 8.33) share.
# Debian's dfsg tree (built with --source) has no manual (doc/bison.texi,
# doc/bison.info, doc/figs): prepare() does what Debian's rules do (an empty
# manual, dated so that make does not rebuild it) and install() drops the
# empty info file.

prepare() {
	if [ ! -f doc/bison.texi ]; then
		echo '@setfilename bison.info' >doc/bison.texi
		mkdir -p doc/figs
		touch --date='Jan 01 2000' doc/bison.info doc/bison.help \
			doc/figs/example.txt doc/figs/example-reduce.txt \
			doc/figs/example-shift.txt doc/*.texi \
			build-aux/cross-options.pl src/getargs.c
		touch doc/.dfsg-stub
	fi
}

configure() {
	at_configure --docdir=/usr/share/doc/bison-3.8.2
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	rm -f "$DESTDIR/usr/share/info/dir"
	if [ -f doc/.dfsg-stub ]; then
		rm -f "$DESTDIR/usr/share/info/bison.info"
	fi
}
