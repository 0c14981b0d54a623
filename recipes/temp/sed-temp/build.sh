# shellcheck shell=bash
# Sed: LFS 6.14, cross-compiled into $LFS: the steps of
# include/temp-autotools.sh as they are.
