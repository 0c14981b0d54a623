#!/usr/bin/env bash
# toolchain-sources.sh: the sources of the cross, temp and chroot stages
# (binutils, gcc with mpfr, gmp and mpc, linux, glibc, the Chapter 6 and 7
# tools), prepared by tests/real/sources.sh from this machine's Debian archive
# into DIR/mirror (upstream-identical origs) and DIR/mirror/trees (the others,
# for --source).
#
# Usage: tests/real/toolchain-sources.sh DIR [STAGE...]
# (default stages: cross temp chroot; `system` adds Chapter 8, where a source
# that the archive cannot give is reported, not fatal: MLFS_MISSING in
# DIR/sources.env names those pages, and tests/real/toolchain.sh leaves them
# out of the book it builds)
#
# Debian's gmp is a dfsg repack (doc/ removed), gcc's in-tree gmp: its path
# (DIR/mirror/gmp_*.orig.tar.*) and sha256 (as apt verified it against the
# .dsc) go to DIR/sources.env as GMP_ORIG and GMP_SHA256, and
# tests/real/toolchain.sh points a copy of the gcc-pass1 and gcc-pass2
# recipes at it. A second run does no network access.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "toolchain-sources.sh: $*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: tests/real/toolchain-sources.sh DIR [STAGE...]"
mkdir -p "$1/mirror"
DIR=$(cd "$1" && pwd)

stages=("${@:2}")
[ ${#stages[@]} -gt 0 ] || stages=(cross temp chroot)
recipes=() needed=()
for st in "${stages[@]}"; do
	for d in "$TOP/recipes/$st"/*/; do
		[ -f "$d/recipe.json" ] || continue
		recipes+=("$(basename "$d")")
		[ "$st" = system ] || needed+=("$(basename "$d")")
	done
done
"$TOP/tests/real/sources.sh" "$DIR/mirror" "${recipes[@]}"

# shellcheck source=/dev/null
. "$DIR/mirror/sources.env"
gmp="" gmpsum=""
for e in ${MLFS_EXTRA_SOURCES:-}; do
	# RECIPE:INDEX:FILE:sha256:SUM
	IFS=: read -r r _ f _ s <<<"$e"
	if [ "$r" = gcc-pass1 ] && [[ ${f##*/} == gmp_* ]]; then
		gmp=$f gmpsum=$s
	fi
done
[ -n "$gmp" ] || die "no Debian gmp orig for gcc-pass1 (see $DIR/mirror/sources.table)"
# every recipe of the earlier stages must have its sources; Chapter 8's
# pages without one are named
missing=()
for r in "${recipes[@]}"; do
	grep -q "^$r|[0-9]*|[^|]*|missing|" "$DIR/mirror/sources.db" || continue
	[[ " ${needed[*]} " != *" $r "* ]] || die "$r: sources missing (see $DIR/mirror/sources.table)"
	missing+=("$r")
done
{
	echo "# written by tests/real/toolchain-sources.sh; source it from a shell"
	echo "MLFS_MIRROR='$MLFS_MIRROR'"
	echo "MLFS_SOURCE_ARGS='$MLFS_SOURCE_ARGS'"
	echo "GMP_ORIG='$gmp'"
	echo "GMP_SHA256='$gmpsum'"
	echo "MLFS_MISSING='${missing[*]}'"
} >"$DIR/sources.env.tmp"
mv "$DIR/sources.env.tmp" "$DIR/sources.env"
echo "toolchain-sources: wrote $DIR/sources.env"
