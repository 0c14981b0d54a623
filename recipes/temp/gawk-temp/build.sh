# shellcheck shell=bash
# Gawk: LFS 6.9, cross-compiled into $LFS (include/temp-autotools.sh;
# include/gawk.sh: no extras/, as the book does, and no doc/ in Debian's
# tree).
