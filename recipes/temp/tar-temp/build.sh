# shellcheck shell=bash
# Tar: LFS 6.15, cross-compiled into $LFS: the steps of
# include/temp-autotools.sh as they are.
