# shellcheck shell=bash
# sed: LFS 8.30, with the HTML manual. No check: the book runs the test
# suite as the unprivileged user tester (some tests fail as root).

build() {
	make
	make html
}

install() {
	local doc=${DESTDIR:?}/usr/share/doc/sed-4.9
	make DESTDIR="$DESTDIR" install
	rm -f "$DESTDIR/usr/share/info/dir"
	mkdir -p "$doc"
	command install -m644 doc/sed.html "$doc/"
}
