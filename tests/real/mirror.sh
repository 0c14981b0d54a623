#!/usr/bin/env bash
# mirror.sh: make DIR a local mirror of the real upstream sources of some recipes,
# taken from the Debian source packages of this machine's own apt archive.
#
# Usage: tests/real/mirror.sh DIR [RECIPE...]
#        (default recipes: zlib bzip2 xz gmp ncurses libffi openssl)
#
# For each recipe it downloads the Debian source package's orig tarball
# (`apt-get source --download-only`, with deb-src entries derived from the
# machine's own apt sources, in a private apt configuration under DIR/.apt so
# the system's apt state is untouched), then:
#   - if the orig tarball is byte-identical to the upstream release (its sha256
#     equals the recipe's checksum), it is copied to DIR/<upstream file name>,
#     so `mlfs build --mirror file://DIR` finds it;
#   - otherwise (dfsg repacks such as zlib and gmp, or a newer Debian upstream
#     version than the recipe pins, e.g. after an openssl security update) the
#     orig tarball alone (no debian/ directory, no Debian patches) is unpacked
#     into DIR/trees/<recipe>/, to be passed as `--source <recipe>=DIR/trees/<recipe>`.
# It writes DIR/sources.env (shell syntax) with MLFS_MIRROR and the --source
# overrides needed (MLFS_SOURCE_ARGS). A second run does no network access when
# every recipe is already mirrored.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
RECIPES=${MLFS_RECIPES:-$TOP/recipes}
# shellcheck source=tests/real/recipedir.sh
. "$TOP/tests/real/recipedir.sh"

die() { echo "mirror.sh: $*" >&2; exit 1; }
say() { echo "mirror: $*" >&3; }
exec 3>&1

[ $# -ge 1 ] || die "usage: tests/real/mirror.sh DIR [RECIPE...]"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
command -v apt-get >/dev/null || die "apt-get is needed (Debian or a derivative)"
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
shift
if [ $# -gt 0 ]; then
	names=("$@")
else
	names=(zlib bzip2 xz gmp ncurses libffi openssl)
fi

# recipe name -> Debian source package name (extend here; default: the same name)
debian_source() {
	case $1 in
	*-temp | *-chroot) debian_source "${1%-*}" ;; # the earlier chapters' copies
	make) echo make-dfsg ;;
	xz) echo xz-utils ;;
	mpc) echo mpclib3 ;;
	mpfr) echo mpfr4 ;;
	pkgconf) echo pkgconf ;;
	zstd) echo libzstd ;;
	python) echo python3.11 ;;
	gcc) echo gcc-12 ;;
	*) echo "$1" ;;
	esac
}

# the recipe's first source: "url sha256"
recipe_source() {
	local f
	f=$(recipedir "$RECIPES" "$1")/recipe.json || die "$1: no recipe"
	jq -r '.sources[0] | "\(.url) \(.sha256 // "")"' "$f"
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

APT=$DIR/.apt
# shellcheck source=tests/real/apt.sh
. "$TOP/tests/real/apt.sh"

# Debian's upstream version of a Debian version: no epoch, no revision
debian_upstream() {
	local v=${1#*:}
	echo "${v%-*}"
}

# the release a Debian upstream version repacks: 1.2.13.dfsg -> 1.2.13,
# 6.2.1+dfsg1 -> 6.2.1
plain_version() {
	local v=${1%%[+~]*}
	echo "${v%.dfsg*}"
}

# the Debian versions of source package $1 to try for recipe version $2,
# best first: those whose upstream release is $2, newest first (the archive
# may list a version whose files are gone), else the newest of all
choose_versions() {
	local all
	all=$(apt-cache "${aptopts[@]}" showsrc "$1" 2>/dev/null |
		awk -v p="$1" '/^Package:/{ok = ($2 == p)} ok && /^Version:/{print $2}' | sort -u)
	[ -n "$all" ] || return 0
	local v match=()
	while read -r v; do
		[ "$(plain_version "$(debian_upstream "$v")")" = "$2" ] && match+=("$v")
	done <<<"$all"
	if [ ${#match[@]} -gt 0 ]; then
		printf '%s\n' "${match[@]}" | sort -r -V
	else
		sort -r -V <<<"$all" | head -n 1
	fi
}

# the orig tarball of source package $1 at upstream version $2 (empty when none)
find_orig() {
	local f
	for f in "$APT/src/$1_$2".orig.tar.*; do
		case $f in *.asc) continue ;; esac
		[ -f "$f" ] && echo "$f" && return 0
	done
	return 0
}

# download the orig tarball of source package $1 (Debian version $2) into
# $APT/src; print its path (nothing when it could not be fetched)
fetch_orig() {
	local src=$1 ver=$2 up orig
	up=$(debian_upstream "$ver")
	mkdir -p "$APT/src"
	orig=$(find_orig "$src" "$up")
	if [ -z "$orig" ]; then
		say "$src: apt-get source --download-only $src=$ver"
		# the .dsc or the Debian patches may be missing from the archive while
		# the orig is there: only the orig matters, so a failure is judged below
		(cd "$APT/src" && apt-get "${aptopts[@]}" source --download-only "$src=$ver") \
			>"$APT/src/$src.log" 2>&1 || true
		orig=$(find_orig "$src" "$up")
	fi
	echo "$orig"
}

overrides=()
notes=()
for name in "${names[@]}"; do
	read -r url sum < <(recipe_source "$name")
	fname=${url##*/}
	version=$(jq -r .version "$(recipedir "$RECIPES" "$name")/recipe.json")
	tree=$DIR/trees/$name
	stamp=$DIR/trees/.$name.orig
	# already done?
	if [ -f "$DIR/$fname" ] && [ "$(sha256 "$DIR/$fname")" = "$sum" ]; then
		say "$name: $fname present (sha256 ok)"
		rm -rf "$tree" "$stamp"
		continue
	fi
	# a tree of a Debian repack of the recipe's version: done (a tree of another
	# version is checked again below: Debian may have the pinned one by now)
	if [ -d "$tree" ] && [ -f "$stamp" ] &&
		[ "$(plain_version "$(sed -n 2p "$stamp")")" = "$version" ]; then
		say "$name: tree present: $tree ($(head -n 1 "$stamp"))"
		overrides+=("$name=$tree")
		continue
	fi
	src=$(debian_source "$name")
	apt_prepare
	orig="" dver=""
	while read -r dver; do
		[ -n "$dver" ] || continue
		orig=$(fetch_orig "$src" "$dver")
		[ -z "$orig" ] || break
	done < <(choose_versions "$src" "$version")
	[ -n "$dver" ] || die "$name: no Debian source package '$src' in the deb-src index"
	[ -n "$orig" ] || { cat "$APT/src/$src.log" >&2; die "$src: apt-get source failed"; }
	osum=$(sha256 "$orig")
	oname=${orig##*/}
	over=$(debian_upstream "$dver")
	if [ "$osum" = "$sum" ]; then
		cp "$orig" "$DIR/$fname.tmp"
		mv "$DIR/$fname.tmp" "$DIR/$fname"
		rm -rf "$tree" "$stamp"
		say "$name: $oname is byte-identical to upstream $fname: copied"
		continue
	fi
	# not the upstream file: unpack the orig alone (no debian/, no patches)
	if [ -d "$tree" ] && [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$oname $osum" ]; then
		say "$name: tree present: $tree ($oname)"
		verb=kept
	else
		verb=unpacked
		rm -rf "$tree" "$tree.tmp"
		mkdir -p "$tree.tmp"
		tar -xf "$orig" -C "$tree.tmp" --strip-components=1 --no-same-owner
		mv "$tree.tmp" "$tree"
		printf '%s %s\n%s\n' "$oname" "$osum" "$over" >"$stamp"
	fi
	overrides+=("$name=$tree")
	upver=$(plain_version "$over")
	if [ "$upver" = "$version" ]; then
		say "$name: $oname differs from upstream $fname (Debian repack): $verb $tree"
	else
		say "$name: Debian has $over, the recipe pins $version: $verb $oname in $tree"
		notes+=("$name: the tree is Debian's upstream $over, the recipe pins $version")
	fi
done

# sources.env: what a test needs to build these recipes offline
args=""
for o in "${overrides[@]}"; do
	args="$args --source $o"
done
{
	echo "# written by tests/real/mirror.sh; source it from a shell"
	echo "MLFS_MIRROR='file://$DIR'"
	echo "MLFS_SOURCE_ARGS='${args# }'"
	for n in "${notes[@]}"; do
		echo "# note: $n"
	done
} >"$DIR/sources.env.tmp"
mv "$DIR/sources.env.tmp" "$DIR/sources.env"
for n in "${notes[@]}"; do
	say "note: $n"
done
say "wrote $DIR/sources.env: --mirror file://$DIR${args}"
