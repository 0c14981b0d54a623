# shellcheck shell=bash
# glibc: LFS 5.5, one node per ABI. 64: --host=$LFS_TGT and /usr/lib; 32 and
# x32: CC="$LFS_TGT-gcc -m32" (or -mx32, the step's CC), --host=$LFS_TGT_MULTI
# (i686-lfs-linux-gnu, x86_64-lfs-linux-gnux32) and --libdir, --libexecdir and
# libc_cv_slibdir set to the ABI's libdir (/usr/lib32, /usr/libx32).
#
# Every ABI installs everything with `make DESTDIR=... install` (the
# staged tree is relative to $LFS). The book copies only the libdir and the
# gnu/{lib-names,stubs}-NN.h headers out of the 32 and x32 builds; here the
# merge does that: identical files are kept once, the per-ABI headers have
# per-ABI names, and the programs (/usr/bin, /usr/sbin, /usr/libexec) of the
# 64-bit build win (the recipe's "primary" rules). The loader links
# ($LFS/lib64/ld-linux-x86-64.so.2, /lib/ld-linux.so.2 in /usr/lib) come from
# mlfs's glue.
# Not done: the book's glibc-2.36-fhs-1.patch (nscd/nss_db paths under /var;
# no copy of it is at hand), and the ld-lsb-x86-64.so.3 link.

# the host-mode flags (mlfs --root) must not reach glibc's build
unset CPPFLAGS LDFLAGS PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

# mlfs builds in STATE/build/NODE/src, and NODE (pkg:abi) holds a colon, which
# glibc's make cannot take (it joins directories with ':' in vpath): the
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
# in a target (glibc's $(inst_libdir)/... rules) as a rule's colon: make
# never sees DESTDIR (it is taken out of the environment here), install() installs into a
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

prepare() {
	colonfree
	# Debian's orig (--source) has no manual/ (GFDL): take it out of the
	# subdirectories, or make stops at "manual: No such file or directory"
	if [ ! -d manual ]; then
		sed -i 's/ wctype manual shadow / wctype shadow /' Makeconfig
		! grep -q ' manual ' Makeconfig
	fi
}

configure() {
	colonfree
	mkdir -p build
	cd build || return
	echo "rootsbindir=/usr/sbin" >configparms
	../configure --prefix=/usr \
		--host="${LFS_TGT:?}" \
		--build="$(../scripts/config.guess)" \
		--enable-kernel=3.2 \
		--with-headers="${LFS:?}/usr/include" \
		libc_cv_slibdir=/usr/lib
}

multi_configure() {
	colonfree
	mkdir -p build
	cd build || return
	echo "rootsbindir=/usr/sbin" >configparms
	CC="${CC:?}" CXX="${CXX:?}" ../configure --prefix=/usr \
		--host="${LFS_TGT_MULTI:?}" \
		--build="$(../scripts/config.guess)" \
		--enable-kernel=3.2 \
		--with-headers="${LFS:?}/usr/include" \
		--enable-multi-arch \
		--libdir="${LIBDIR:?}" \
		--libexecdir="$LIBDIR" \
		libc_cv_slibdir="$LIBDIR"
}

configure_32() {
	multi_configure
}

configure_x32() {
	multi_configure
}

build() {
	colonfree
	make -C build
}

install() {
	colonfree
	local d
	d=$(colonfree_dest)
	make -C build DESTDIR="$d" install
	# one ldd serves every ABI: its RTLDLIST names the loaders by their
	# /lib64, /lib and /libx32 paths
	sed '/RTLDLIST=/s@/usr@@g' -i "$d/usr/bin/ldd"
	rm -f "$d/usr/share/info/dir"
	tostage "$d"
	colonfree_done
}
