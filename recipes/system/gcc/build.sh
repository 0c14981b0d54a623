# shellcheck shell=bash
# gcc: LFS 8.28, multilib. One node (one_pass) builds the native compiler and
# libgcc, libstdc++ and the other runtime libraries for every requested ABI:
# --with-multilib-list follows $MLFS_ABIS (include/gcc.sh), each runtime lands
# in its ABI's libdir by gcc's multi-os-directory. gmp, mpfr and mpc are the
# system's. The test suite is not run (hours on 2 cores, with known
# failures); the book's chown of the fixed headers is moot (mlfs stages as
# root).

prepare() {
	gcc_prepare
}

configure() {
	local ml
	ml=$(gcc_mlist)
	mkdir -p build
	cd build || return
	../configure --prefix=/usr \
		LD=ld \
		--enable-languages=c,c++ \
		--enable-default-pie \
		--enable-default-ssp \
		--enable-multilib --with-multilib-list="$ml" \
		--disable-bootstrap \
		--with-system-zlib
}

build() {
	make -C build
}

install() {
	local d=${DESTDIR:?} triplet ver
	make -C build DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	triplet=$(build/gcc/xgcc -dumpmachine)
	ver=$(cat gcc/BASE-VER)
	# the book's links: cpp in /usr/lib, cc's manual page, the LTO plugin
	# for binutils
	ln -sfr "$d/usr/bin/cpp" "$d/usr/lib/cpp"
	ln -sf gcc.1 "$d/usr/share/man/man1/cc.1"
	mkdir -p "$d/usr/lib/bfd-plugins"
	ln -sf "../../libexec/gcc/$triplet/$ver/liblto_plugin.so" "$d/usr/lib/bfd-plugins/"
	# gdb's pretty printers are not libraries
	mkdir -p "$d/usr/share/gdb/auto-load/usr/lib"
	mv "$d"/usr/lib/*gdb.py "$d/usr/share/gdb/auto-load/usr/lib/"
}
