# shellcheck shell=bash
# e2fsprogs: LFS 8.81, built in build/ as the package recommends. libblkid
# and libuuid are util-linux's (8.80, before this page in the book order), and
# so are fsck and uuidd: the depends, found with pkg-config.
# No check step: the book says the u_direct_io test fails on some systems.

configure() {
	mkdir -p build
	cd build || return 1
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	../configure --prefix=/usr --libdir="${LIBDIR:?}" --sysconfdir=/etc \
		--enable-elf-shlibs --disable-libblkid --disable-libuuid \
		--disable-uuidd --disable-fsck "${cross[@]}"
}

build() {
	make -C build
}

install() {
	local d=${DESTDIR:?} lib=${LIBDIR:?} info=/usr/share/info
	make -C build DESTDIR="$d" install
	# the book: no static libraries
	rm -f "$d$lib"/{libcom_err,libe2p,libext2fs,libss}.a
	# the info manual uncompressed; the book's install-info into
	# /usr/share/info/dir is left out (the file belongs to no package)
	gunzip -f "$d$info/libext2fs.info.gz"
	rm -f "$d$info/dir"
	# the book's optional com_err manual
	mkdir -p build/doc
	makeinfo -o build/doc/com_err.info lib/et/com_err.texinfo
	mkdir -p "$d$info"
	command install -m644 build/doc/com_err.info "$d$info"
}
