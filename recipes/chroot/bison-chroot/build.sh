# shellcheck shell=bash
# Bison: LFS 7.8, the steps of include/autotools.sh.

configure() {
	at_configure --docdir=/usr/share/doc/bison-3.8.2
}
