# shellcheck shell=bash
# iana-etc: LFS 8.2, for the primary ABI only (data files, nothing to build).
# The book copies the two files into /etc; here they are staged into the
# node's DESTDIR and merged like any other file.

install() {
	local f
	for f in services protocols; do
		[ -s "$f" ] || { echo "iana-etc: no '$f' in the source tree" >&2; return 1; }
	done
	mkdir -p "${DESTDIR:?}/etc"
	command install -m644 services protocols "$DESTDIR/etc/"
}
