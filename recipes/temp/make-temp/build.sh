# shellcheck shell=bash
# Make: LFS 6.12, cross-compiled into $LFS (include/temp-autotools.sh;
# include/make.sh makes Debian's make-dfsg tree buildable), without Guile.

configure() {
	temp_configure --without-guile
}
