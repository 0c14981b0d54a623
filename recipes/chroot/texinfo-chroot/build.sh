# shellcheck shell=bash
# Texinfo: LFS 7.11, the steps of include/autotools.sh (it needs perl-chroot).
