# shellcheck shell=bash
# binutils pass 1: LFS 5.2. One x86_64 binutils handles the elf_x86_64,
# elf_i386 and elf32_x86_64 emulations, so it serves all three ABIs without a
# multilib option (the multilib book dropped --enable-multilib here).
#
# Where the files go: the tools live in $LFS/tools and their paths are built
# in, so the prefix is $LFS/tools. mlfs merges the staging dir into its root,
# which for the book's stages is $LFS, so the staged tree must be relative to
# $LFS: install() runs `make DESTDIR=$DESTDIR install` (everything lands in
# $DESTDIR$LFS/tools) and then moves $DESTDIR$LFS/tools to $DESTDIR/tools.

# these are host programs, built with the host's compiler: the step's CC
# ($LFS_TGT-gcc -m64, which does not exist yet) and the host-mode flags (set
# when mlfs runs with --root) are not for them
unset CC CXX CPPFLAGS LDFLAGS PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

# the staged tree relative to $LFS: $DESTDIR$LFS/tools -> $DESTDIR/tools
unprefix() {
	mv "${DESTDIR:?}${LFS:?}/tools" "$DESTDIR/tools"
	rmdir -p --ignore-fail-on-non-empty "$DESTDIR$LFS"
}

prepare() {
	binutils_layout
}

configure() {
	mkdir -p build
	cd build || return
	../configure --prefix="${LFS:?}/tools" \
		--with-sysroot="$LFS" \
		--target="${LFS_TGT:?}" \
		--disable-nls \
		--enable-gprofng=no \
		--disable-werror
}

build() {
	make -C build
}

install() {
	make -C build DESTDIR="${DESTDIR:?}" install
	unprefix
	# the info directory file is owned by no package; gcc-pass1 installs one too
	rm -f "$DESTDIR/tools/share/info/dir"
}
