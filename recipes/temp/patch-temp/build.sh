# shellcheck shell=bash
# Patch: LFS 6.13, cross-compiled into $LFS: the steps of
# include/temp-autotools.sh as they are.
