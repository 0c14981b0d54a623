# shellcheck shell=bash
# expat: LFS 8.39 (plus the Multilib book's m32/mx32 sections). 32 and x32 are
# configured as cross builds. Every ABI installs everything (the book's extra
# ABIs drop doc/ from the build; the documentation is the same for all ABIs and
# the merge keeps one copy; xmlwf of the primary ABI wins).

configure() {
	at_configure --disable-static \
		--docdir=/usr/share/doc/expat-2.5.0
}

check() {
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	# `command`: the step function is itself called install
	command install -m644 doc/*.html doc/*.css "$DESTDIR/usr/share/doc/expat-2.5.0"
}
