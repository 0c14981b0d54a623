# shellcheck shell=bash
# psmisc: LFS 8.31, the steps of include/autotools.sh and the test suite
# (DejaGNU's runtest). pstree uses the terminal library of ncurses (the
# depends).

check() {
	# host mode: libncursesw/libtinfo is in the root, not on the loader path
	export LD_LIBRARY_PATH=${MLFS_ROOT:+$MLFS_ROOT${LIBDIR:?}}
	make check
}
