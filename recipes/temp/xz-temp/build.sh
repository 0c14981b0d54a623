# shellcheck shell=bash
# XZ Utils: LFS 6.16, cross-compiled into $LFS (include/temp-autotools.sh),
# shared liblzma only.

configure() {
	temp_configure --disable-static --docdir=/usr/share/doc/xz-5.4.1
}
