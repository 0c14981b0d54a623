# shellcheck shell=bash
# Gzip: LFS 6.11, cross-compiled into $LFS: the steps of
# include/temp-autotools.sh as they are.
