# shellcheck shell=bash
# patch: LFS 8.69, the steps of include/autotools.sh and the test suite.
# Extended attributes are copied with libattr when present (the depends).

check() {
	make check
}
