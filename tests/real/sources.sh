#!/usr/bin/env bash
# sources.sh: prepare the sources of the book's recipes from this machine's
# Debian archive, for a build with no internet.
#
# Usage: tests/real/sources.sh [--all] [--refresh] DIR [RECIPE...]
#   --all      every recipe under recipes/cross, temp, chroot and system
#   --refresh  look again for the sources an earlier run found missing
#
# For each source of each recipe (recipe.json, read with jq) it finds the
# Debian source package carrying that upstream version (the machine's release,
# or the newer suites of APT_SUITES, default "trixie sid", through deb-src
# entries derived from the machine's own apt sources in a private apt
# configuration under DIR/.apt: the system's apt state is untouched) and
# fetches it with `apt-get source --download-only` into DIR/.apt/src. Then:
#   - an orig tarball byte-identical to the upstream file (its sha256 or md5
#     equals the recipe's) is copied to DIR/<upstream file name>, found by
#     `mlfs build --mirror file://DIR`;
#   - otherwise (dfsg repacks, other compression, git exports, tag archives,
#     another version) the orig alone (no debian/, no Debian patches) is
#     unpacked into DIR/trees/<orig name>, for `--source RECIPE=TREE`; a
#     tarball nested in the orig (gcc-12) is unpacked instead of the orig, the
#     package's own directory of a tag archive (expat/) is taken, and a tree
#     without configure but with configure.ac is turned into a release-like
#     tree (`autoreconf -fi`, else `NOCONFIGURE=1 ./autogen.sh`), and a link
#     it made to a file of this machine becomes a copy;
#   - a further source of a recipe (gcc's gmp) that is not byte-identical has
#     its Debian orig copied into DIR under its Debian name: the recipe needs a
#     copy naming that file and its sha256 (see tests/real/toolchain.sh);
#     MLFS_EXTRA_SOURCES in sources.env lists them.
# An exact upstream version is preferred from any suite; when none exists (or
# the archive lists it but no longer has its orig) the closest version is used
# and marked "tree-mismatch" (usable only if the recipe builds with it). A tree
# that autoreconf cannot prepare is kept, marked "-unprepared" (make-dfsg: the
# recipe's prepare edits configure.ac first). "missing" says why; such an
# entry is looked for again only with --refresh.
#
# The results merge into DIR/sources.db (one line per recipe source, kept for
# the recipes not named in this run; an earlier sources.env's overrides are
# taken in once); DIR/sources.env (shell syntax) gets MLFS_MIRROR,
# MLFS_SOURCE_ARGS (--source PKG=DIR ...) and MLFS_EXTRA_SOURCES from all of
# it, DIR/sources.table the table printed at the end. A second run does no
# network access: what is present (checksums checked) is kept.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
RECIPES=${MLFS_RECIPES:-$TOP/recipes}
# shellcheck source=tests/real/recipedir.sh
. "$TOP/tests/real/recipedir.sh"

die() { echo "sources.sh: $*" >&2; exit 1; }
say() { echo "sources: $*" >&3; }
exec 3>&1
usage() { die "usage: tests/real/sources.sh [--all] [--refresh] DIR [RECIPE...]"; }

all=0 refresh=0
while [ $# -gt 0 ]; do
	case $1 in
	--all) all=1 ;;
	--refresh) refresh=1 ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 1 ] || usage
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
command -v apt-get >/dev/null || die "apt-get is needed (Debian or a derivative)"
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
shift
names=("$@")
if [ $all -eq 1 ]; then
	for st in cross temp chroot system; do
		for d in "$RECIPES/$st"/*/; do
			[ -f "$d/recipe.json" ] && names+=("$(basename "$d")")
		done
	done
fi
[ ${#names[@]} -gt 0 ] || usage

APT=$DIR/.apt
SRC=$APT/src
TREES=$DIR/trees
DB=$DIR/sources.db
APT_EXTRA_SUITES=${APT_SUITES-trixie sid}
# shellcheck source=tests/real/apt.sh
. "$TOP/tests/real/apt.sh"
mkdir -p "$SRC" "$TREES"

filesum() { # ALG FILE
	"${1}sum" "$2" | cut -d' ' -f1
}

# Debian's upstream version of a Debian version: no epoch, no revision
debian_upstream() {
	local v=${1#*:}
	echo "${v%-*}"
}

# the release a Debian upstream version repacks: 1.2.13.dfsg -> 1.2.13,
# 6.2.1+dfsg1 -> 6.2.1, 8.6.13+dfsg -> 8.6.13; a snapshot (30+20221128) stays
plain_version() {
	local v=$1
	v=${v%%[+~.]dfsg*}
	v=${v%%[+~]ds*}
	v=${v%%[+~]repack*}
	echo "${v%%~*}"
}

# the Debian source package of an upstream file's name stem at version $2
debian_source() {
	local mm
	mm=$(cut -d. -f1-2 <<<"$2")
	case $1 in
	gcc) echo "gcc-${2%%.*}" ;;
	Python | python) echo "python$mm" ;;
	tcl) echo "tcl$mm" ;;
	automake) echo "automake-$mm" ;;
	mpfr) echo mpfr4 ;;
	mpc) echo mpclib3 ;;
	make) echo make-dfsg ;;
	xz) echo xz-utils ;;
	zstd) echo libzstd ;;
	libcap) echo libcap2 ;;
	flit_core) echo flit ;;
	XML-Parser) echo libxml-parser-perl ;;
	procps-ng) echo procps ;;
	man-pages) echo manpages ;;
	ninja) echo ninja-build ;;
	packaging) echo python-packaging ;;
	grub) echo grub2 ;;
	*) tr '[:upper:]' '[:lower:]' <<<"$1" ;;
	esac
}

# "stem version" of an upstream file name (version $2 when known)
split_name() {
	local base=$1 want=${2:-}
	base=${base%.tar.*}
	base=${base%.tgz}
	base=${base%.zip}
	if [ -n "$want" ] && [[ $base == *"$want"* ]]; then
		base=${base%%"$want"*}
		echo "${base%[-_]} $want"
	elif [[ $base == *-[0-9]* ]]; then
		local stem=${base%%-[0-9]*}
		echo "$stem ${base#"$stem"-}"
	else
		echo "$base ?"
	fi
}

# the Debian versions of source package $1, one a line
debian_versions() {
	apt-cache "${aptopts[@]}" showsrc "$1" 2>/dev/null |
		awk -v p="$1" '/^Package:/{ok = ($2 == p)} ok && /^Version:/{print $2}' | sort -u
}

# how many leading version components $1 and $2 share (1.2.3, 1.2.9: 2)
common_prefix() {
	local -a a b
	local i=0
	IFS='.+~-' read -r -a a <<<"$1"
	IFS='.+~-' read -r -a b <<<"$2"
	while [ $i -lt ${#a[@]} ] && [ $i -lt ${#b[@]} ] && [ "${a[i]}" = "${b[i]}" ]; do
		i=$((i + 1))
	done
	echo $i
}

# the Debian versions of $1 to try for upstream version $2, best first, as
# "exact VERSION" or "other VERSION": those whose upstream release is $2
# (the plain upstream version before repacks, then newest first: the archive
# may list a version whose files are gone); then the others, closest to $2
# first (most leading components in common, then newest)
choose_versions() {
	local all v up
	all=$(debian_versions "$1")
	[ -n "$all" ] || return 0
	local exact=() repack=()
	while read -r v; do
		up=$(debian_upstream "$v")
		if [ "$up" = "$2" ]; then
			exact+=("$v")
		elif [ "$(plain_version "$up")" = "$2" ]; then
			repack+=("$v")
		fi
	done <<<"$all"
	{
		[ ${#exact[@]} -eq 0 ] || printf '%s\n' "${exact[@]}" | sort -r -V
		[ ${#repack[@]} -eq 0 ] || printf '%s\n' "${repack[@]}" | sort -r -V
	} | sed 's/^/exact /'
	# the others too: an exact version listed may have lost its files
	while read -r v; do
		up=$(debian_upstream "$v")
		[ "$(plain_version "$up")" != "$2" ] || continue
		echo "$(common_prefix "$up" "$2") $v"
	done <<<"$all" | sort -k1,1nr -k2,2Vr | sed 's/^[0-9]* /other /'
}

# is orig $1 whole? a .dsc naming it has its sha256 (an interrupted download)
orig_ok() {
	local dsc want
	for dsc in "$SRC/${2}"_*.dsc; do
		[ -f "$dsc" ] || continue
		want=$(awk -v f="${1##*/}" '/^Checksums-Sha256:/{on = 1; next} /^[^ ]/{on = 0} on && $3 == f {print $1}' "$dsc")
		[ -z "$want" ] || [ "$want" = "$(filesum sha256 "$1")" ] || return 1
	done
	return 0
}

# the orig tarball of source package $1 at upstream version $2 (empty when none)
find_orig() {
	local f
	for f in "$SRC/$1_$2".orig.tar.*; do
		case $f in *.asc) continue ;; esac
		[ -f "$f" ] || continue
		orig_ok "$f" "$1" || { rm -f "$f"; continue; }
		echo "$f"
		return 0
	done
	return 0
}

# download source package $1 at Debian version $2 into $SRC; print its orig
fetch_orig() {
	local src=$1 ver=$2 up orig
	up=$(debian_upstream "$ver")
	orig=$(find_orig "$src" "$up")
	if [ -z "$orig" ]; then
		apt_prepare
		say "$src: apt-get source --download-only $src=$ver"
		# the .dsc or the Debian patches may be missing from the archive while
		# the orig is there: only the orig matters, so a failure is judged here
		(cd "$SRC" && apt-get "${aptopts[@]}" source --download-only "$src=$ver") \
			>"$SRC/$src.log" 2>&1 || true
		orig=$(find_orig "$src" "$up")
	fi
	echo "$orig"
}

# unpack orig $1 into directory $2 (made; one leading directory stripped)
unpack() {
	local list top n
	list=$(tar -tf "$1")
	top=$(sed 's|^\./||; s|/.*||' <<<"$list" | sort -u | grep -v '^$' || true)
	n=$(wc -l <<<"$top")
	mkdir -p "$2"
	# (grep -c, not -q: no SIGPIPE for the writer under pipefail)
	if [ "$n" -eq 1 ] && [ "$(grep -c "^\(\./\)\?$top/" <<<"$list")" -gt 0 ]; then
		tar -xf "$1" -C "$2" --strip-components=1 --no-same-owner
	else
		tar -xf "$1" -C "$2" --no-same-owner
	fi
}

# make tree $1 of upstream stem $2 a release-like tree; prints what was done
prepare_tree() {
	local t=$1 stem=$2 f nested=() acl
	# an orig of tarballs, one of them the package (gcc-12: gcc-12.2.0-dfsg.tar.xz
	# beside gm2 and newlib)
	for f in "$t"/*; do
		case ${f##*/} in
		"$stem"-*.tar.* | "$stem"_*.tar.*) nested+=("$f") ;;
		*.tar.*) ;;
		*) nested=() && break ;;
		esac
	done
	if [ ${#nested[@]} -eq 1 ]; then
		f=${nested[0]}
		mv "$t" "$t.outer"
		unpack "$t.outer/${f##*/}" "$t"
		rm -rf "$t.outer"
		printf 'nested %s; ' "${f##*/}"
	fi
	# a tag archive with the package in its own directory (expat/), or a
	# project whose upstream file is one of its directories (flit's flit_core/)
	if { [ ! -f "$t/configure" ] && [ ! -f "$t/configure.ac" ] && [ -f "$t/$stem/configure.ac" ]; } ||
		{ [ "$stem" = flit_core ] && [ -f "$t/$stem/pyproject.toml" ]; }; then
		mv "$t" "$t.tag"
		mv "$t.tag/$stem" "$t"
		rm -rf "$t.tag"
		printf 'its %s/ directory; ' "$stem"
	fi
	[ ! -f "$t/configure" ] || return 0
	[ -f "$t/configure.ac" ] || [ -f "$t/configure.in" ] || return 0
	command -v autoreconf >/dev/null ||
		{ echo "autoreconf is needed (apt-get install autoconf automake libtool)" >&2; return 1; }
	# libxcrypt uses LT_SYS_SYMBOL_USCORE from ltdl.m4, which Debian ships in
	# libltdl-dev, not in libtool: take it from the libtool tree when there
	acl=${ACLOCAL_PATH:-}
	if [ ! -f /usr/share/aclocal/ltdl.m4 ]; then
		for f in "$TREES"/libtool_*/m4/ltdl.m4; do
			[ -f "$f" ] && acl=${f%/*}${acl:+:$acl}
		done
	fi
	if (cd "$t" && ACLOCAL_PATH=$acl autoreconf -fi) >"$t.prep.log" 2>&1; then
		printf 'autoreconf -fi; '
	elif [ -x "$t/autogen.sh" ] &&
		(cd "$t" && ACLOCAL_PATH=$acl NOCONFIGURE=1 ./autogen.sh) >>"$t.prep.log" 2>&1 &&
		[ -f "$t/configure" ]; then
		printf 'autogen.sh; '
	else
		echo "no configure: autoreconf -fi failed (see $t.prep.log)" >"$t.prep.err"
		return 1
	fi
	rm -rf "$t/autom4te.cache"
}

# replace each link in tree $1 that points out of it (kmod's autogen.sh runs
# `autoreconf --symlink`: build-aux/ltmain.sh -> /usr/share/...) with a copy
# of what it points to, found on this machine: inside chroot $LFS such a link
# leads nowhere
copy_outside_links() {
	local l to
	while IFS= read -r -d '' l; do
		to=$(readlink -f "$l")
		[ -f "$to" ] || continue
		cp --remove-destination "$to" "$l"
	done < <(find "$1" -type l -lname '/*' -print0)
}

# the tree of orig $1 (upstream stem $2), unpacked and prepared once; sets
# $tree and $treedone
make_tree() {
	local orig=$1 stem=$2 base id
	base=${orig##*/}
	base=${base%.orig.tar.*}
	tree=$TREES/$base
	id="${orig##*/} $(filesum sha256 "$orig")"
	if [ -d "$tree" ] && [ "$(head -n 1 "$tree.stamp" 2>/dev/null)" = "$id" ]; then
		treedone=$(sed -n 2p "$tree.stamp")
		copy_outside_links "$tree"
		return 0
	fi
	rm -rf "$tree" "$tree.tmp" "$tree.stamp"
	unpack "$orig" "$tree.tmp"
	mv "$tree.tmp" "$tree"
	# a tree that autoreconf cannot prepare is kept as it is: the recipe's
	# prepare may (make-dfsg's configure.ac needs an edit first)
	treedone=$(prepare_tree "$tree" "$stem") ||
		treedone="${treedone}UNPREPARED: $(tail -n 1 "$tree.prep.err"); "
	treedone=${treedone%; }
	copy_outside_links "$tree"
	printf '%s\n%s\n' "$id" "$treedone" >"$tree.stamp"
}

# --- when Debian has no source of a page: what stands in for it -----------
# Sets how, path, dver and detail like resolve, or returns 1.
#   iana-etc: Debian packages no iana-etc; netbase's services and protocols
#     (Debian's copy of the IANA lists) stand in. netbase is a native
#     package: its one tarball is the tree.
#   wheel: the archive lists wheel's source but no longer serves it; Debian's
#     built wheel of the same release (python3-wheel-whl, pure Python) is
#     what the book's first command would make, and the recipe installs it.
fallback() { # RECIPE WANT
	case $1 in
	iana-etc) fallback_netbase ;;
	wheel) fallback_whl python3-wheel-whl "$2" ;;
	*) return 1 ;;
	esac
}
fallback_netbase() {
	local tb v
	apt_prepare
	tb=$(find "$SRC" -maxdepth 1 -name 'netbase_*.tar.*' | sort -V | tail -n 1)
	# every version the index lists, newest first, until the archive gives one
	for v in $(debian_versions netbase | sort -rV); do
		[ -z "$tb" ] || break
		say "netbase: apt-get source --download-only netbase=$v (for iana-etc)"
		(cd "$SRC" && apt-get "${aptopts[@]}" source --download-only "netbase=$v") \
			>"$SRC/netbase.log" 2>&1 || true
		tb=$(find "$SRC" -maxdepth 1 -name 'netbase_*.tar.*' | sort -V | tail -n 1)
	done
	[ -n "$tb" ] || return 1
	v=${tb##*/netbase_}
	v=${v%.tar.*}
	tree=$TREES/netbase_$v
	rm -rf "$tree"
	unpack "$tb" "$tree"
	[ -s "$tree/etc/services" ] && [ -s "$tree/etc/protocols" ] || return 1
	how=tree-mismatch path=$tree dver=$v
	detail="no Debian iana-etc; netbase $v's etc/services and etc/protocols stand in"
}
fallback_whl() { # BINARY-PACKAGE VERSION
	local pkg=$1 want=$2 dv deb tmp whl
	dv=$(apt-cache madison "$pkg" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' |
		while read -r v; do [ "$(debian_upstream "$v")" = "$want" ] && echo "$v"; done | head -n 1)
	[ -n "$dv" ] || return 1
	tmp=$SRC/$pkg.unpacked
	rm -rf "$tmp"
	mkdir -p "$tmp"
	(cd "$SRC" && apt-get -q download "$pkg=$dv") >"$SRC/$pkg.log" 2>&1 || return 1
	deb=$(find "$SRC" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
	[ -n "$deb" ] && dpkg-deb -x "$deb" "$tmp" || return 1
	whl=$(find "$tmp" -name "*-$want-*.whl" | head -n 1)
	[ -n "$whl" ] || return 1
	tree=$TREES/${pkg}_$dv
	rm -rf "$tree"
	mkdir -p "$tree"
	cp "$whl" "$tree/"
	rm -rf "$tmp"
	how=tree-built path=$tree dver=$dv
	detail="no source in the archive; Debian's built wheel ${whl##*/} ($pkg $dv, pure Python) is installed"
}

# --- the record of what each recipe source got -----------------------------
# DB lines: recipe|idx|key|how|path|debver|detail; key is the
# recipe's checksum (or commit) of the source, so a new pin redoes it; how is
# mirror, tree, tree-mismatch, tree-built (a built package stands in: see
# fallback), orig (a further source's Debian orig), missing,
# none (no sources) or legacy (an override of an older script's sources.env)
declare -A rec=()
db_load() {
	local r i key how path dver detail
	if [ -f "$DB" ]; then
		while IFS='|' read -r r i key how path dver detail; do
			[ -n "$r" ] || continue
			rec["$r $i"]="$key"'|'"$how"'|'"$path"'|'"$dver"'|'"$detail"
		done <"$DB"
	elif [ -f "$DIR/sources.env" ]; then
		# the sources.env of mirror.sh, mirror-more.sh or an older run: keep
		# its overrides
		local args o
		# shellcheck source=/dev/null
		args=$(. "$DIR/sources.env" && echo "${MLFS_SOURCE_ARGS:-}")
		for o in $args; do
			[ "$o" != --source ] || continue
			rec["${o%%=*} 0"]="legacy"'|'"legacy"'|'"${o#*=}"'|'"?"'|'"from an earlier sources.env"
		done
	fi
}
db_save() {
	local k
	for k in "${!rec[@]}"; do
		printf '%s|%s|%s\n' "${k% *}" "${k##* }" "${rec[$k]}"
	done | sort -t'|' -k1,1 -k2,2n >"$DB.tmp"
	mv "$DB.tmp" "$DB"
}
db_set() { # RECIPE IDX KEY HOW PATH DVER DETAIL
	rec["$1 $2"]="$3"'|'"$4"'|'"$5"'|'"$6"'|'"$7"
}

# is the recorded result for "RECIPE IDX" with key $2 still good (file present,
# checksum right)? $3 $4: the checksum algorithm and value, $5 the file name
still_good() {
	local key how path
	[ -n "${rec[$1]:-}" ] || return 1
	IFS='|' read -r key how path _ <<<"${rec[$1]}"
	[ "$key" = "$2" ] || return 1
	case $how in
	mirror) [ -f "$DIR/$5" ] && [ "$(filesum "$3" "$DIR/$5")" = "$4" ] ;;
	tree*) [ -d "$path" ] ;;
	orig) [ -f "$path" ] ;;
	missing) [ $refresh -eq 0 ] ;;
	none) return 0 ;;
	*) return 1 ;;
	esac
}

# resolve one upstream file (or a git source at version $want): sets how,
# path, dver, detail. Results are kept per file for the other recipes.
declare -A done_file=()
resolve() { # FNAME ALG SUM WANT FIRST(1|0)
	local fname=$1 alg=$2 sum=$3 want=$4 first=$5 stem ver src kind dv orig osum up
	local cache="$fname $sum $first"
	if [ -n "${done_file[$cache]:-}" ]; then
		IFS='|' read -r how path dver detail <<<"${done_file[$cache]}"
		return 0
	fi
	read -r stem ver < <(split_name "$fname" "$want")
	[ -n "$want" ] || want=$ver
	src=$(debian_source "$stem" "$want")
	how=missing path="" dver="" detail=""
	apt_prepare
	orig="" kind="" dv=""
	local k v lost=""
	while read -r k v; do
		[ -n "$v" ] || continue
		kind=$k dv=$v
		orig=$(fetch_orig "$src" "$dv")
		[ -z "$orig" ] || break
		lost="$lost $v"
	done < <(choose_versions "$src" "$want")
	[ -z "$lost" ] || lost="; the archive lists but could not give$lost"
	[ -n "$orig" ] || dv=${lost##* }
	if [ -z "$dv" ]; then
		detail="no Debian source package '$src' in the deb-src index"
	elif [ -z "$orig" ]; then
		detail="apt-get source failed (see $SRC/$src.log)$lost"
		dver=$dv
	else
		dver=$dv
		osum=$(filesum "$alg" "$orig")
		up=$(debian_upstream "$dv")
		if [ -n "$sum" ] && [ "$osum" = "$sum" ]; then
			cp "$orig" "$DIR/$fname.tmp"
			mv "$DIR/$fname.tmp" "$DIR/$fname"
			how=mirror path=$DIR/$fname detail="${orig##*/} is byte-identical"
		elif [ "$first" = 0 ] && [ "$kind" != exact ]; then
			detail="no Debian $src of $want (closest: $up)$lost"
		elif [ "$first" = 0 ]; then
			# a further source: the Debian orig under its own name
			cp "$orig" "$DIR/${orig##*/}.tmp"
			mv "$DIR/${orig##*/}.tmp" "$DIR/${orig##*/}"
			how=orig path=$DIR/${orig##*/}
			detail="not byte-identical: the recipe needs a copy naming ${orig##*/} sha256 $(filesum sha256 "$orig")"
		else
			make_tree "$orig" "$stem"
			path=$tree
			if [ "$kind" = exact ]; then
				how=tree detail="${orig##*/} (not the upstream file${treedone:+; $treedone})"
			else
				how="tree-mismatch"
				detail="no Debian $src of $want$lost; ${orig##*/} is upstream $up${treedone:+; $treedone}"
			fi
			case $treedone in *UNPREPARED*) how=$how-unprepared ;; esac
		fi
	fi
	done_file[$cache]="$how"'|'"$path"'|'"$dver"'|'"$detail"
}

# --- main ------------------------------------------------------------------
db_load
for name in "${names[@]}"; do
	rdir=$(recipedir "$RECIPES" "$name") || die "$name: no recipe under $RECIPES"
	json=$rdir/recipe.json
	version=$(jq -r '.version // ""' "$json")
	n=$(jq '.sources // [] | length' "$json")
	if [ "$n" -eq 0 ]; then
		db_set "$name" 0 none none "" "" "no sources"
		continue
	fi
	for ((i = 0; i < n; i++)); do
		read -r url git commit fname alg sum < <(jq -r --argjson i "$i" '.sources[$i] |
			[.url // "-", .git // "-", .commit // "-", .name // ((.url // .git // .path // "-") | split("/") | last),
			 (if .sha256 then "sha256" elif .md5 then "md5" else "-" end), (.sha256 // .md5 // "-")] | join(" ")' "$json")
		if [ "$url" = - ] && [ "$git" = - ]; then
			db_set "$name" "$i" path none "" "" "a file of the recipe"
			continue
		fi
		if [ "$url" != - ]; then
			key=$alg:$sum
		else
			key=git:$commit alg=sha256 sum="" fname=${fname%.git}
		fi
		if still_good "$name $i" "$key" "$alg" "$sum" "$fname"; then
			continue
		fi
		want=""
		[ "$i" -ne 0 ] || want=$version
		first=1
		[ "$i" -eq 0 ] || first=0
		resolve "$fname" "$alg" "$sum" "$want" "$first"
		if [ "$how" = missing ] && [ "$first" = 1 ]; then
			fallback "$name" "$version" || true
		fi
		db_set "$name" "$i" "$key" "$how" "$path" "$dver" "$detail"
		say "$name [$i] $fname: $how${dver:+ (Debian $dver)}${detail:+: $detail}"
	done
	db_save
done
db_save

# --- sources.env and the table ---------------------------------------------
args="" extra="" notes=()
while IFS='|' read -r r i key how path dver detail; do
	case $how in
	tree | legacy) [ "$i" != 0 ] || args="$args --source $r=$path" ;;
	tree-*)
		[ "$i" != 0 ] || args="$args --source $r=$path"
		notes+=("$r: $detail") ;;
	orig) extra="$extra $r:$i:$path:sha256:$(filesum sha256 "$path")" ;;
	missing) notes+=("$r [$i]: missing: $detail") ;;
	esac
done <"$DB"
{
	echo "# written by tests/real/sources.sh; source it from a shell"
	echo "MLFS_MIRROR='file://$DIR'"
	echo "MLFS_SOURCE_ARGS='${args# }'"
	echo "# further sources not byte-identical: RECIPE:INDEX:FILE:sha256:SUM (a recipe copy must name them)"
	echo "MLFS_EXTRA_SOURCES='${extra# }'"
	for note in "${notes[@]}"; do
		echo "# note: $note"
	done
} >"$DIR/sources.env.tmp"
mv "$DIR/sources.env.tmp" "$DIR/sources.env"

{
	printf '%-20s %-3s %-10s %-24s %-26s %s\n' RECIPE SRC VERSION HOW DEBIAN DETAIL
	while IFS='|' read -r r i key how path dver detail; do
		[ "$how" != path ] || continue
		case $how in tree* | legacy) detail="$path: $detail" ;; esac
		rv=$(jq -r '.version // "?"' "$(recipedir "$RECIPES" "$r")/recipe.json" 2>/dev/null) || rv="?"
		printf '%-20s %-3s %-10s %-24s %-26s %s\n' "$r" "$i" "$rv" "$how" "${dver:--}" "$detail"
	done <"$DB"
} >"$DIR/sources.table"
cat "$DIR/sources.table"
say "wrote $DIR/sources.env (--mirror file://$DIR,$(wc -w <<<"$args" | awk '{print $1 / 2}') --source overrides)"
