#!/usr/bin/env bash
# toolchain-sources.sh: the sources of the cross and temp stages (binutils,
# gcc, linux, glibc, with mpfr, gmp and mpc for gcc; the Chapter 6 tools
# through mirror.sh), taken from the Debian source packages
# of this machine's own apt archive, as tests/real/mirror.sh does for the
# libraries.
#
# Usage: tests/real/toolchain-sources.sh DIR
#
# The deb-src entries are derived from the machine's own apt sources into a
# private apt configuration under DIR/.apt (the system's apt state is
# untouched); the orig tarballs are fetched with `apt-get source
# --download-only` into DIR/.apt/src. Then:
#   - mpfr4 and mpclib3 are byte-identical to the upstream releases (the
#     recipes' sha256): copied to DIR/mirror/<upstream name> for
#     `--mirror file://DIR/mirror`;
#   - binutils (GFDL docs stripped), gcc-12 (a wrapper around the nested
#     gcc-12-12.2.0/gcc-12.2.0-dfsg.tar.xz), glibc (a git export) and linux (a
#     dfsg repack of a later 6.1.y) are not: each orig (no debian/, no Debian
#     patches) is unpacked into DIR/trees/<name> for `--source RECIPE=DIR`;
#   - gmp is a dfsg repack (doc/ removed) used as gcc's in-tree gmp: its path
#     and sha256 (as apt verified it against the .dsc) go to sources.env, and
#     the test points a copy of the gcc-pass1 recipe at it.
# It writes DIR/sources.env. A second run does no network access.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "toolchain-sources.sh: $*" >&2; exit 1; }
say() { echo "toolchain-sources: $*"; }

[ $# -eq 1 ] || die "usage: tests/real/toolchain-sources.sh DIR"
command -v apt-get >/dev/null || die "apt-get is needed (Debian or a derivative)"
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
APT=$DIR/.apt
SRC=$APT/src
sha256() { sha256sum "$1" | cut -d' ' -f1; }
# shellcheck source=tests/real/apt.sh
. "$TOP/tests/real/apt.sh"

# the orig tarball of source package $1 whose upstream version matches the
# glob $2 (the newest present), or nothing
find_orig() {
	local f best=""
	# $2 is a glob on purpose (6.1.*)
	# shellcheck disable=SC2231
	for f in "$SRC/$1_"$2.orig.tar.*; do
		case $f in *.asc) continue ;; esac
		[ -f "$f" ] || continue
		best=$f
	done
	[ -z "$best" ] || echo "$best"
}

# fetch source package $1 at an upstream version matching glob $2: the Debian
# versions are tried newest first (the archive may list a version whose files
# are gone, e.g. a linux security update); prints the orig's path
fetch_orig() {
	local pkg=$1 glob=$2 orig v up
	orig=$(find_orig "$pkg" "$glob")
	[ -z "$orig" ] || { echo "$orig"; return 0; }
	apt_prepare
	while read -r v; do
		up=${v#*:}
		up=${up%-*}
		# shellcheck disable=SC2254
		case $up in $glob) ;; *) continue ;; esac
		say "$pkg: apt-get source --download-only $pkg=$v" >&2
		(cd "$SRC" && apt-get "${aptopts[@]}" source --download-only "$pkg=$v") \
			>"$SRC/$pkg.log" 2>&1 || true
		orig=$(find_orig "$pkg" "$glob")
		[ -z "$orig" ] || { echo "$orig"; return 0; }
	done < <(apt-cache "${aptopts[@]}" showsrc "$pkg" 2>/dev/null |
		awk -v p="$pkg" '/^Package:/{ok = ($2 == p)} ok && /^Version:/{print $2}' |
		sort -u | sort -r -V)
	die "$pkg: no orig tarball of upstream version '$glob' could be fetched (see $SRC/$pkg.log)"
}

# unpack $2 (an archive, or "NESTED:archive:member") into DIR/trees/$1 once
tree() {
	local name=$1 orig=$2 t=$DIR/trees/$1 stamp=$DIR/trees/.$1.orig id
	id="${orig##*/} $(sha256 "$orig") ${3:-}"
	if [ -d "$t" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$id" ]; then
		say "$name: tree present: $t"
		return 0
	fi
	rm -rf "$t" "$t.tmp"
	mkdir -p "$t.tmp"
	if [ -n "${3:-}" ]; then
		# a tarball inside the orig (gcc-12: gcc-12-12.2.0/gcc-12.2.0-dfsg.tar.xz)
		tar -xf "$orig" -O "$3" | tar -xJ -C "$t.tmp" --strip-components=1 --no-same-owner
	else
		tar -xf "$orig" -C "$t.tmp" --strip-components=1 --no-same-owner
	fi
	mv "$t.tmp" "$t"
	echo "$id" >"$stamp"
	say "$name: unpacked ${orig##*/}${3:+ ($3)} into $t"
}

mkdir -p "$DIR/mirror" "$DIR/trees" "$SRC"

# byte-identical to upstream: into the mirror, checked against the recipe's sha256
identical() {
	local pkg=$1 glob=$2 fname=$3 sum=$4 orig
	if [ -f "$DIR/mirror/$fname" ] && [ "$(sha256 "$DIR/mirror/$fname")" = "$sum" ]; then
		say "$fname present (sha256 ok)"
		return 0
	fi
	orig=$(fetch_orig "$pkg" "$glob")
	[ "$(sha256 "$orig")" = "$sum" ] || die "${orig##*/} is not byte-identical to upstream $fname"
	cp "$orig" "$DIR/mirror/$fname"
	say "${orig##*/} is byte-identical to upstream $fname: copied"
}

identical mpfr4 4.2.0 mpfr-4.2.0.tar.xz 06a378df13501248c1b2db5aa977a2c8126ae849a9d9b7be2546fb4a9c26d993
identical mpclib3 1.3.1 mpc-1.3.1.tar.gz ab642492f5cf882b74aa0cb730cd410a81edcdbec895183ce930e706c1c759b8

tree binutils "$(fetch_orig binutils 2.40)"
tree gcc "$(fetch_orig gcc-12 12.2.0)" gcc-12-12.2.0/gcc-12.2.0-dfsg.tar.xz
tree glibc "$(fetch_orig glibc 2.36)"
tree linux "$(fetch_orig linux '6.1.*')"
gmp=$(fetch_orig gmp '6.2.1+dfsg*')

# the temp stage (Chapter 6) by recipe, through mirror.sh: the upstream-identical
# origs into DIR/mirror, the others (bash, gawk, make, tar, bison) as trees under
# DIR/mirror/trees; binutils-pass2 and gcc-pass2 use the trees above
TEMP=(m4-temp ncurses-temp bash-temp coreutils-temp diffutils-temp file-temp
	findutils-temp gawk-temp grep-temp gzip-temp make-temp patch-temp sed-temp
	tar-temp xz-temp)
# and the chroot stage (Chapter 7)
CHROOT=(gettext-chroot bison-chroot perl-chroot python-chroot texinfo-chroot util-linux-chroot)
MLFS_RECIPES=$TOP/recipes bash "$TOP/tests/real/mirror.sh" "$DIR/mirror" "${TEMP[@]}" "${CHROOT[@]}"
# shellcheck disable=SC1091
tempargs=$(. "$DIR/mirror/sources.env" && echo "$MLFS_SOURCE_ARGS")

{
	echo "# written by tests/real/toolchain-sources.sh; source it from a shell"
	echo "MLFS_MIRROR='file://$DIR/mirror'"
	echo "MLFS_SOURCE_ARGS='--source binutils-pass1=$DIR/trees/binutils --source gcc-pass1=$DIR/trees/gcc --source linux-headers=$DIR/trees/linux --source glibc-cross=$DIR/trees/glibc --source libstdcxx=$DIR/trees/gcc --source binutils-pass2=$DIR/trees/binutils --source gcc-pass2=$DIR/trees/gcc $tempargs'"
	echo "GMP_ORIG='$gmp'"
	echo "GMP_SHA256='$(sha256 "$gmp")'"
	echo "LINUX_ORIG='$(find_orig linux '6.1.*')'"
} >"$DIR/sources.env.tmp"
mv "$DIR/sources.env.tmp" "$DIR/sources.env"
say "wrote $DIR/sources.env"
