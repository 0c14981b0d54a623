# shellcheck shell=bash
# less: LFS 8.41. No check: the book's `make check` runs the lesstest suite of
# newer releases; in less-590 the check target is empty.

configure() {
	at_configure --sysconfdir=/etc
}
