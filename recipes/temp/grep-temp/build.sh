# shellcheck shell=bash
# Grep: LFS 6.10, cross-compiled into $LFS: the steps of
# include/temp-autotools.sh as they are.
