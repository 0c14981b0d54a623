# shellcheck shell=bash
# Coreutils: LFS 6.5, cross-compiled into $LFS (include/temp-autotools.sh):
# hostname is installed, kill and uptime are left to later packages, and
# chroot moves to /usr/sbin with its manual page in section 8, as the book
# does.

configure() {
	temp_configure --enable-install-program=hostname \
		--enable-no-install-program=kill,uptime \
		gl_cv_macro_MB_CUR_MAX_good=y
}

install() {
	local d=${DESTDIR:?}
	make DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	mkdir -p "$d/usr/sbin" "$d/usr/share/man/man8"
	mv "$d/usr/bin/chroot" "$d/usr/sbin"
	mv "$d/usr/share/man/man1/chroot.1" "$d/usr/share/man/man8/chroot.8"
	sed -i 's/"1"/"8"/' "$d/usr/share/man/man8/chroot.8"
}
