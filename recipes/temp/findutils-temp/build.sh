# shellcheck shell=bash
# Findutils: LFS 6.8, cross-compiled into $LFS (include/temp-autotools.sh),
# with the locate database under /var/lib/locate.

configure() {
	temp_configure --localstatedir=/var/lib/locate
}
