# shellcheck shell=bash
# Coreutils: LFS 6.5, cross-compiled into $LFS (include/temp-autotools.sh;
# include/coreutils.sh for the install):
# hostname is installed, kill and uptime are left to later packages, and
# chroot moves to /usr/sbin with its manual page in section 8, as the book
# does.

configure() {
	temp_configure --enable-install-program=hostname \
		--enable-no-install-program=kill,uptime \
		gl_cv_macro_MB_CUR_MAX_good=y
}
