# shellcheck shell=bash
# M4: LFS 6.2, cross-compiled into $LFS: the steps of
# include/temp-autotools.sh as they are.
