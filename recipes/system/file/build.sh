# shellcheck shell=bash
# file: LFS 8.9 (plus the Multilib book's m32/mx32 sections). 32 and x32 are
# configured as cross builds (--host/--build); file then compiles magic.mgc with
# the build machine's `file`, which must be the same version (5.44). libmagic
# links with the zlib, bzip2, xz and zstd of the same ABI (the depends), so the
# result does not change with what happens to be in the root.

configure() {
	at_configure --disable-static
}

check() {
	make check
}
