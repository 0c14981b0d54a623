# shellcheck shell=bash
# util-linux.sh: what util-linux-chroot (LFS 7.12) and util-linux (LFS 8.80)
# share. The primary ABI builds everything the book builds; the 32 and x32
# nodes build only the libraries (libblkid, libmount, libuuid, libsmartcols,
# libfdisk) and stage only their libdir, as the multilib book copies only
# the libdir of their DESTDIR. Their configure is told not to look for
# ncurses: the book hides the 64-bit ncursesw6-config for the same reason.

# configure with the book's options and the caller's
ul_configure() {
	local libs=() owner=()
	# a contained step runs unprivileged (host mode): install cannot chgrp
	# wall and write to tty, which the merge would not keep either
	[ "$(id -u)" -eq 0 ] || owner=(--disable-makeinstall-chown)
	if [ "${MLFS_ABI:?}" != "${MLFS_PRIMARY_ABI:?}" ]; then
		libs=(--disable-all-programs --enable-libblkid --enable-libmount
			--enable-libuuid --enable-libsmartcols --enable-libfdisk
			--without-ncursesw --without-ncurses --without-tinfo)
	fi
	at_configure ADJTIME_PATH=/var/lib/hwclock/adjtime \
		--docdir=/usr/share/doc/util-linux-2.38.1 \
		--disable-chfn-chsh \
		--disable-login \
		--disable-nologin \
		--disable-su \
		--disable-setpriv \
		--disable-runuser \
		--disable-pylibmount \
		--disable-static \
		--without-python \
		runstatedir=/run \
		"${owner[@]}" "${libs[@]}" "$@"
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		mkdir -p "$DESTDIR/var/lib/hwclock"
	else
		ml_libonly
	fi
}
