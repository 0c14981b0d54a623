# shellcheck shell=bash
# udev: the sysvinit book's "Udev from Systemd" page (LFS 12.0's udev.xml and
# the Multilib book's m32/mx32 sections), for systemd-252, the systemd of
# LFS 11.3. (The Multilib 11.3 sysvinit book itself built eudev-3.2.11; the
# udev-from-systemd page replaced it in 12.0.)
# - primary ABI: only the udev targets are built (udevadm, systemd-hwdb, the
#   src/libudev, src/udev, rules.d and hwdb.d targets, libudev.so) and
#   installed by hand as the book does; udev-hwdb then compiles
#   /etc/udev/hwdb.bin (the book's "Configuring Udev"), into the staged tree.
# - 32 and x32: only libudev (src/libudev, src/udev, libudev.so), its .so
#   files and libudev.pc into the ABI's libdir. CFLAGS carry -march=i686 for 32
#   and CFLAGS -Wno-error=shift-overflow for x32, as the book's sections.
#   meson is given --libdir, so libudev.pc names the ABI's libdir and the
#   book's sed of it is not needed. The book runs a native meson with
#   CC="gcc -m32"; here 32 and x32 use the cross file mlfs writes for each
#   ABI (meson/cross-ABI.ini in /usr/share/mlfs: gcc -m32, the ABI's pkg-config, the
#   profile's cpu), since meson's sanity check runs the compiled program and
#   x32 programs do not run on every kernel; systemd-252's meson runs no
#   other test program, so the library is the same. meson still reads CFLAGS
#   from the environment for the cross compiler.
# Not done (sources not in this recipe): the udev-lfs rules tarball
# (Makefile.lfs) and the pre-built systemd man pages tarball.
# Build tools: meson, ninja, gperf, python3 with jinja2 (in the book all
# earlier pages, of the primary ABI: so 32 and x32 wait for the primary node,
# "primary_first", as the page's m32 and mx32 sections follow its 64-bit
# build); libmount and libblkid are chapter 7's (util-linux-chroot:
# the page comes before util-linux), libcap, libxcrypt and libkmod (udev's
# kmod builtin loads modules) are Chapter 8's, for every ABI.
# meson is run in a UTF-8 locale: the book sets LANG=en_US.UTF-8, since
# systemd's generators read UTF-8 files.

udev_meson_opts=(
	--prefix=/usr --buildtype=release -Dmode=release -Ddev-kvm-mode=0660
	-Dlink-udev-shared=false -Dlogind=false -Dvconsole=false
)

prepare() {
	# the book: no render and sgx groups; no rule that needs systemd-sysctl
	sed -i -e 's/GROUP="render"/GROUP="video"/' \
		-e 's/GROUP="sgx", //' rules.d/50-udev-default.rules.in
	sed '/systemd-sysctl/s/^/#/' -i rules.d/99-systemd.rules.in
}

configure() {
	local cross=()
	# the other ABIs: the meson cross file mlfs writes into the root (it
	# names the ABI's pkg-config under both of meson's keys)
	if [ "${MLFS_ABI:?}" != "${MLFS_PRIMARY_ABI:?}" ]; then
		cross=(--cross-file="${MLFS_ROOT:-}/usr/share/mlfs/meson/cross-${MLFS_ABI:?}.ini")
	fi
	LC_ALL=C.UTF-8 meson setup "${cross[@]}" "${udev_meson_opts[@]}" \
		--libdir="${LIBDIR:?}" build
}

configure_32() {
	CFLAGS="${CFLAGS:+$CFLAGS }-march=${MLFS_MARCH:?}" configure
}

configure_x32() {
	CFLAGS="${CFLAGS:+$CFLAGS }-Wno-error=shift-overflow" configure
}

# udev_targets PATTERN: the ninja targets of build.ninja under PATTERN's dirs
udev_targets() {
	grep -o -E "^build ($1)[^:]*" build/build.ninja | awk '{ print $2 }'
}

# udev_libudev: the target of the shared libudev (libudev.so.1.7.5): the
# book's $(realpath libudev.so) names it once the link exists, not before
udev_libudev() {
	udev_targets 'libudev\.so\.[0-9.]+' | grep -E '^libudev\.so\.[0-9.]+$'
}

udev_ninja() {
	LC_ALL=C.UTF-8 ninja -C build -j "${NINJAJOBS:-1}" "$@"
}

build() {
	local t
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		mapfile -t t < <(udev_targets 'src/libudev|src/udev|rules.d|hwdb.d')
		udev_ninja udevadm systemd-hwdb "${t[@]}" "$(udev_libudev)"
	else
		mapfile -t t < <(udev_targets 'src/libudev|src/udev')
		udev_ninja "${t[@]}" "$(udev_libudev)"
	fi
}

install() {
	local d=${DESTDIR:?} lib=${DESTDIR:?}${LIBDIR:?}
	mkdir -p "$lib/pkgconfig"
	cp -a build/libudev.so build/libudev.so.*[0-9] "$lib/"
	command install -m644 build/src/libudev/libudev.pc "$lib/pkgconfig/"
	grep -q "^libdir=.*$LIBDIR\$" "$lib/pkgconfig/libudev.pc" ||
		{ echo "udev: libudev.pc does not name $LIBDIR" >&2; return 1; }
	[ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ] || return 0

	command install -m755 -d "$d"/{usr/lib,etc}/udev/{hwdb,rules}.d \
		"$d/usr/share/pkgconfig" "$d/usr/bin" "$d/usr/sbin" "$d/usr/include"
	command install -m755 build/udevadm "$d/usr/bin/"
	command install -m755 build/systemd-hwdb "$d/usr/bin/udev-hwdb"
	ln -sfn ../bin/udevadm "$d/usr/sbin/udevd"
	command install -m644 src/libudev/libudev.h "$d/usr/include/"
	command install -m644 build/src/udev/*.pc "$d/usr/share/pkgconfig/"
	command install -m644 src/udev/udev.conf "$d/etc/udev/"
	rm -f build/rules.d/90-vconsole.rules
	command install -m644 build/rules.d/* rules.d/*.rules rules.d/README \
		"$d/usr/lib/udev/rules.d/"
	command install -m644 build/hwdb.d/* hwdb.d/*.hwdb hwdb.d/README \
		"$d/usr/lib/udev/hwdb.d/"
	# the helper programs (ata_id, scsi_id, ...): files without a dot
	local f
	for f in build/src/udev/*; do
		if [ -f "$f" ] && [ -x "$f" ] && [[ ${f##*/} != *.* ]]; then
			command install -m755 "$f" "$d/usr/lib/udev/"
		fi
	done
	# Configuring Udev: the binary hardware database
	if [ "${MLFS_CAN_RUN:-}" = 1 ]; then
		"$d/usr/bin/udev-hwdb" update --root "$d"
		[ -s "$d/etc/udev/hwdb.bin" ]
	fi
}
