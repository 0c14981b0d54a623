# shellcheck shell=bash
# Bison: LFS 7.8, the steps of include/autotools.sh and include/bison.sh
# (Debian's manual-less tree).
