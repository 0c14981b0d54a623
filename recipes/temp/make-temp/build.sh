# shellcheck shell=bash
# Make: LFS 6.12, cross-compiled into $LFS (include/temp-autotools.sh),
# without Guile.

configure() {
	temp_configure --without-guile
}
