# shellcheck shell=bash
# tar: LFS 8.70 (include/autotools.sh for make). POSIX ACLs come from libacl
# when present (the depends).
# No check step: the book says the "capabilities: binary store/restore" test
# fails whenever it runs (LFS has no SELinux); it is skipped only where the
# build filesystem has no extended attributes.

configure() {
	# configure may run as root
	FORCE_UNSAFE_CONFIGURE=1 at_configure
}

install() {
	local d=${DESTDIR:?}
	make DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	# the book's HTML manual; Debian's tar orig (dfsg, built with --source
	# tar=DIR) has no manual to build it from
	if [ -f doc/tar.texi ]; then
		make -C doc DESTDIR="$d" install-html docdir=/usr/share/doc/tar-1.34
	fi
}
