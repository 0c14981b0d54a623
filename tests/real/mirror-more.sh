#!/usr/bin/env bash
# mirror-more.sh: tests/real/mirror.sh for the recipes of issue 7, with the
# Debian source names mirror.sh does not know (libcap -> libcap2,
# libelf -> elfutils).
#
# Debian's expat and libxcrypt origs are GitHub tag archives without the
# generated build system that upstream's release tarballs carry: their trees
# are turned into release-like trees (expat: the expat/ subdirectory; both:
# `autoreconf -fi`, which needs Debian's autoconf, automake and libtool), so the
# recipes build them as they build the release tarballs.
#
# Usage: tests/real/mirror-more.sh DIR [RECIPE...]
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/real/recipedir.sh
. "$TOP/tests/real/recipedir.sh"
[ $# -ge 1 ] || { echo "usage: tests/real/mirror-more.sh DIR [RECIPE...]" >&2; exit 1; }
DIR=$1
shift
[ $# -gt 0 ] || set -- file attr acl zstd libcap expat readline libtool gdbm libxcrypt pkgconf libelf

# mirror.sh looks the Debian source name up in its own map; give it the name
# through a private recipes directory whose entries point at the real ones
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
for r in "$@"; do
	case $r in
	libcap) src=libcap2 ;;
	libelf) src=elfutils ;;
	*) src=$r ;;
	esac
	if [ "$src" = "$r" ]; then
		MLFS_RECIPES=$TOP/recipes "$TOP/tests/real/mirror.sh" "$DIR" "$r" || rc=1
	else
		mkdir -p "$tmp/$src"
		cp "$(recipedir "$TOP/recipes" "$r")/recipe.json" "$tmp/$src/recipe.json"
		MLFS_RECIPES=$tmp "$TOP/tests/real/mirror.sh" "$DIR" "$src" || rc=1
		# a tree (not an upstream file) is kept under the source name: rename it
		if [ -d "$DIR/trees/$src" ]; then
			rm -rf "$DIR/trees/$r" "$DIR/trees/.$r.orig"
			mv "$DIR/trees/$src" "$DIR/trees/$r"
			mv "$DIR/trees/.$src.orig" "$DIR/trees/.$r.orig"
		fi
	fi
done

# release-like trees from GitHub tag archives (once; .mlfs-prepared marks it)
prep() {
	local t=$DIR/trees/$1
	[ -d "$t" ] && [ ! -f "$t/.mlfs-prepared" ] || return 0
	command -v autoreconf >/dev/null ||
		{ echo "mirror-more: $1: autoreconf is needed (apt-get install autoconf automake libtool)" >&2; return 1; }
	if [ "$1" = expat ] && [ -d "$t/expat" ]; then
		mv "$t" "$t.tag"
		mv "$t.tag/expat" "$t"
		rm -rf "$t.tag"
	fi
	# libxcrypt uses LT_SYS_SYMBOL_USCORE from ltdl.m4, which Debian ships in
	# libltdl-dev, not in libtool: take it from the libtool tree when mirrored
	local acl=${ACLOCAL_PATH:-}
	if [ ! -f /usr/share/aclocal/ltdl.m4 ] && [ -f "$DIR/trees/libtool/m4/ltdl.m4" ]; then
		acl=$DIR/trees/libtool/m4${acl:+:$acl}
	fi
	echo "mirror: $1: autoreconf -fi in $t"
	(cd "$t" && ACLOCAL_PATH=$acl autoreconf -fi >"$t/.mlfs-autoreconf.log" 2>&1) ||
		{ cat "$t/.mlfs-autoreconf.log" >&2; return 1; }
	rm -rf "$t/autom4te.cache"
	: >"$t/.mlfs-prepared"
}
for r in "$@"; do
	case $r in
	expat | libxcrypt) prep "$r" || rc=1 ;;
	esac
done
exit $rc
