# shellcheck shell=bash
# Diffutils: LFS 6.6, cross-compiled into $LFS: the steps of
# include/temp-autotools.sh as they are.
