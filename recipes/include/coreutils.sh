# shellcheck shell=bash
# coreutils.sh: what coreutils-temp (LFS 6.5) and coreutils (LFS 8.58)
# share: after the install, chroot moves to /usr/sbin with its manual page
# in section 8, as the book does.

install() {
	local d=${DESTDIR:?}
	make DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	mkdir -p "$d/usr/sbin" "$d/usr/share/man/man8"
	mv "$d/usr/bin/chroot" "$d/usr/sbin"
	mv "$d/usr/share/man/man1/chroot.1" "$d/usr/share/man/man8/chroot.8"
	sed -i 's/"1"/"8"/' "$d/usr/share/man/man8/chroot.8"
}
