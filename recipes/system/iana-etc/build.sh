# shellcheck shell=bash
# iana-etc: LFS 8.2, for the primary ABI only (data files, nothing to build).
# The book copies the two files into /etc; here they are staged into the
# node's DESTDIR and merged like any other file. A tree with the files under
# etc/ (Debian's netbase, which stands in where iana-etc cannot be had) is
# taken as well.

install() {
	local f d=.
	[ -s services ] || [ ! -s etc/services ] || d=etc
	for f in services protocols; do
		[ -s "$d/$f" ] || { echo "iana-etc: no '$f' in the source tree" >&2; return 1; }
	done
	mkdir -p "${DESTDIR:?}/etc"
	command install -m644 "$d/services" "$d/protocols" "$DESTDIR/etc/"
}
