# shellcheck shell=bash
# coreutils: LFS 8.58 (include/autotools.sh for make, include/coreutils.sh
# for the install: chroot in /usr/sbin, its manual page in section 8).
# Built WITHOUT the book's coreutils-9.1-i18n-1.patch: that patch is LFS's own
# (Debian's coreutils does not carry it), so it cannot be obtained and
# verified here; without it no autoreconf is needed either. The programs then
# do not handle multibyte character boundaries as POSIX asks (cut, fold,
# join, pr, sort, uniq...).
# libacl, libattr, libcap and gmp are linked when present (the depends).
# No check step: the book runs the root tests with NON_ROOT_USERNAME=tester
# and the rest as the non-root user tester.

configure() {
	# FORCE_UNSAFE_CONFIGURE=1: configure may run as root; kill and uptime
	# come from procps-ng
	FORCE_UNSAFE_CONFIGURE=1 at_configure --enable-no-install-program=kill,uptime
}
