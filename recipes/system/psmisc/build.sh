# shellcheck shell=bash
# psmisc: LFS 8.31, the steps of include/autotools.sh and the test suite
# (DejaGNU's runtest). pstree uses the terminal library of ncurses (the
# depends).

check() {
	make check
}
