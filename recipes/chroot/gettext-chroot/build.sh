# shellcheck shell=bash
# Gettext: LFS 7.7. Only three programs are needed this early: the static
# build's msgfmt, msgmerge and xgettext go to /usr/bin.

configure() {
	./configure --disable-shared
}

build() {
	make
}

install() {
	local p
	mkdir -p "${DESTDIR:?}/usr/bin"
	for p in msgfmt msgmerge xgettext; do
		cp "gettext-tools/src/$p" "$DESTDIR/usr/bin/"
	done
}
