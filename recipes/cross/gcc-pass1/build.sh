# shellcheck shell=bash
# gcc pass 1: LFS 5.3, multilib. One node builds the compiler and libgcc for
# every requested ABI (one_pass): --with-multilib-list follows $MLFS_ABIS
# (64 -> m64, 32 -> m32, x32 -> mx32). mpfr, gmp and mpc are built in-tree
# from the further sources $MLFS_SOURCE_1..3.
#
# Where the files go: as binutils-pass1, --prefix=$LFS/tools (the compiler
# finds its parts through it) and `make DESTDIR=D install`, then D$LFS/tools
# moves to D/tools and D into the staging dir: the staged tree is
# relative to $LFS, the root mlfs merges into. The per-ABI libgcc files under
# /tools/lib/gcc/$LFS_TGT/12.2.0/{32,x32}/ are not in a libdir, so the merge's
# library rules leave them alone.

# a host program built with the host's compiler (see binutils-pass1)
unset CC CXX CPPFLAGS LDFLAGS PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

# mlfs builds in STATE/build/NODE/src, and NODE (pkg:abi) holds a colon, which
# gcc's build cannot take safely (the driver passes its -B directories
# to collect2 in the ':'-separated COMPILER_PATH and LIBRARY_PATH): the
# first step moves the tree to the same path with '-' for ':' and leaves a
# symlink in its place, every step works in that physical path, and
# install() removes it at the end (mlfs removes only the link)
colonfree() {
	local alt=${MLFS_SRC//:/-}
	[ "$alt" != "$MLFS_SRC" ] || return 0
	if [ ! -L "$MLFS_SRC" ]; then
		rm -rf "$alt"
		mkdir -p "${alt%/*}"
		mv "$MLFS_SRC" "$alt"
		ln -s "$alt" "$MLFS_SRC"
	fi
	cd -P "$alt" || return 1
}

colonfree_done() {
	local alt=${MLFS_SRC//:/-}
	[ "$alt" != "$MLFS_SRC" ] || return 0
	cd /
	rm -rf "${alt%/*}"
}

# DESTDIR (STATE/stage/NODE) holds the colon too, and make reads a $(DESTDIR)
# in a target (e.g. gcc/ada/gcc-interface/Make-lang.in:837, "target pattern
# contains no '%'") as a rule's colon: make never sees DESTDIR
# (it is taken out of the environment here), install() installs into a
# colon-free dir beside the tree and moves the files into the staging dir
STAGE=${DESTDIR:?}
unset DESTDIR

# a colon-free install dir
colonfree_dest() {
	local d=${MLFS_SRC//:/-}
	d=${d%/*}/dest
	rm -rf "$d"
	mkdir -p "$d"
	echo "$d"
}

# move what was installed in $1 into the staging dir
tostage() {
	local f
	for f in "$1"/* "$1"/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		mv "$f" "$STAGE"/
	done
	rmdir "$1"
}

# the installed tree relative to $LFS: $1$LFS/tools -> $1/tools
unprefix() {
	mv "$1${LFS:?}/tools" "$1/tools"
	rmdir -p --ignore-fail-on-non-empty "$1$LFS"
}

# the gcc multilib names of the requested ABIs, 64-bit first: "m64,m32,mx32"
mlist() {
	local a l=""
	for a in ${MLFS_ABIS:?}; do
		case $a in
		64 | 32 | x32) ;;
		*) echo "gcc-pass1: no gcc multilib for ABI '$a'" >&2; return 1 ;;
		esac
	done
	case " $MLFS_ABIS " in *" 64 "*) l=$l,m64 ;; esac
	case " $MLFS_ABIS " in *" 32 "*) l=$l,m32 ;; esac
	case " $MLFS_ABIS " in *" x32 "*) l=$l,mx32 ;; esac
	echo "${l#,}"
}

prepare() {
	colonfree
	local d i=1
	for d in mpfr gmp mpc; do
		local v="MLFS_SOURCE_$i"
		rm -rf "$d"
		mkdir "$d"
		tar -xf "${!v:?}" -C "$d" --strip-components=1 --no-same-owner
		i=$((i + 1))
	done
	# Debian's dfsg gmp (doc/ removed) needs its configure and Makefile.in
	# told so; the upstream tarball has doc/
	[ -d gmp/doc ] || {
		sed -i 's@ doc/Makefile tune/Makefile@ tune/Makefile@' gmp/configure
		sed -i 's@^SUBDIRS = \(.*\) doc$@SUBDIRS = \1@' gmp/Makefile.in
	}
	# Debian's dfsg tree: the GFDL gcc/doc/tm.texi.in is an empty stub, which
	# genhooks cannot check against the target hooks; s-tm-texi then only
	# copies it, as Debian's own gcc-gfdl-build.diff does
	# shellcheck disable=SC2016
	if grep -q 'non DFSG free' gcc/doc/tm.texi.in; then
		sed -i '/^s-tm-texi: build\/genhooks/,/^\tfi$/c\s-tm-texi: build/genhooks$(build_exeext) $(srcdir)/doc/tm.texi.in\n\tcat $(srcdir)/doc/tm.texi.in > tmp-tm.texi\n\t$(STAMP) $@' \
			gcc/Makefile.in
		grep -q '^	cat $(srcdir)/doc/tm.texi.in > tmp-tm.texi$' gcc/Makefile.in
	fi
	# the lfs layout: m64 in ../lib, m32 in ../lib32 (mx32 keeps ../libx32);
	# $(call ...) is make's
	# shellcheck disable=SC2016
	sed -e '/m64=/s/lib64/lib/' \
		-e '/m32=/s/m32=.*/m32=..\/lib32$(call if_multiarch,:i386-linux-gnu)/' \
		-i.orig gcc/config/i386/t-linux64
	grep -q 'm64=../lib\b' gcc/config/i386/t-linux64
	grep -q 'mx32=../libx32' gcc/config/i386/t-linux64
	# 32-bit code realigns its stack for SSE by default (the multilib book)
	case " $MLFS_ABIS " in
	*" 32 "*)
		sed '/STACK_REALIGN_DEFAULT/s/0/(!TARGET_64BIT \&\& TARGET_SSE)/' \
			-i gcc/config/i386/i386.h ;;
	esac
}

configure() {
	colonfree
	local ml
	ml=$(mlist)
	mkdir -p build
	cd build || return
	../configure \
		--target="${LFS_TGT:?}" \
		--prefix="${LFS:?}/tools" \
		--with-glibc-version=2.36 \
		--with-sysroot="$LFS" \
		--with-newlib \
		--without-headers \
		--enable-default-pie \
		--enable-default-ssp \
		--enable-initfini-array \
		--disable-nls \
		--disable-shared \
		--enable-multilib --with-multilib-list="$ml" \
		--disable-decimal-float \
		--disable-threads \
		--disable-libatomic \
		--disable-libgomp \
		--disable-libquadmath \
		--disable-libssp \
		--disable-libvtv \
		--disable-libstdcxx \
		--enable-languages=c,c++
}

build() {
	colonfree
	make -C build
}

install() {
	colonfree
	local ver d
	ver=$(cat gcc/BASE-VER)
	d=$(colonfree_dest)
	make -C build DESTDIR="$d" install
	unprefix "$d"
	# the full limits.h (the book's cat of limitx.h, glimits.h and limity.h)
	cat gcc/limitx.h gcc/glimits.h gcc/limity.h \
		>"$d/tools/lib/gcc/$LFS_TGT/$ver/install-tools/include/limits.h"
	rm -f "$d/tools/share/info/dir"
	tostage "$d"
	colonfree_done
}
