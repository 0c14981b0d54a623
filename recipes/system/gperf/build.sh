# shellcheck shell=bash
# gperf: LFS 8.38. Plain autotools (autotools.sh); the test suite is known to
# fail when run in parallel, so the book runs it with -j1.

configure() {
	at_configure --docdir=/usr/share/doc/gperf-3.1
}

check() {
	make -j1 check
}
