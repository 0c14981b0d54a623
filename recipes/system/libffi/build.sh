# shellcheck shell=bash
# libffi: LFS 8.49. --with-gcc-arch is the ABI's -march (i686 / x86-64), not
# "native", so the libraries run on any x86_64 machine. ffi.h records the
# target (X86 or X86_64), so it differs between 32 and 64/x32 and is wrapped.
# --disable-multi-os-directory: install into --libdir itself, not into
# $libdir/$(gcc -print-multi-os-directory) (/usr/lib32/../lib32, which breaks
# other layouts such as Debian multiarch).
# check needs DejaGnu's runtest; without it `make check` only warns.

configure() {
	at_configure --disable-static \
		--with-gcc-arch="${MLFS_MARCH:?}" --disable-multi-os-directory
}

check() {
	make check
}
