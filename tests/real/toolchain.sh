#!/usr/bin/env bash
# toolchain.sh (make check-toolchain): build the real `cross` stage (Chapter 5
# of the Multilib LFS book: binutils-pass1, gcc-pass1, linux-headers, glibc-cross for
# 64, 32 and x32, libstdcxx) and, when asked, the `temp` stage (Chapter 6: the
# tools, ncurses for every ABI, binutils-pass2, gcc-pass2) with mlfs into a
# temporary $LFS, from Debian's source packages (tests/real/toolchain-sources.sh),
# then run the book's sanity checks for each ABI and print the per-node times.
#
# The cross stage takes about an hour or more on 2 cores, the temp stage
# about as long again. Environment:
#   MLFS_TOOLCHAIN_DIR      work dir ($LFS, state, recipes); default a new
#                           temporary dir. Give an existing one to resume.
#   MLFS_TOOLCHAIN_SOURCES  where the sources are kept between runs
#                           (default build/toolchain-sources)
#   MLFS_TOOLCHAIN_STAGES   "cross" (default), "cross temp", "cross temp chroot" or
#                           "cross temp chroot system" (the whole book: make check-book)
#                           (Chapter 7 runs inside chroot $LFS)
#   MLFS_TOOLCHAIN_JOBS     -j for mlfs (default 2)
#   MLFS_TOOLCHAIN_KEEP     -k for mlfs: go on until this many failures (default 1)
#   MLFS_TOOLCHAIN_STRIP=1  --strip: the book's Stripping page on the system stage
#   MLFS_TOOLCHAIN_LAYOUT   the layout (abi-profiles/layouts/NAME.json): lfs
#                           (default, the book's), lib64 or multiarch; the
#                           checks look for every ABI's files in its libdirs
#   MLFS_TOOLCHAIN_INTERRUPT=SECS  interrupt the build once on purpose (SIGINT
#                           to mlfs) after gcc-pass1 has run for SECS seconds,
#                           build again, and check that binutils-pass1 was not
#                           redone
#
# mlfs runs in LFS mode (`--lfs $LFS`): the cross and temp stages build on the
# host with $LFS/tools/bin first in PATH and merge into $LFS.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
MLFS=$TOP/build/mlfs
JOBS=${MLFS_TOOLCHAIN_JOBS:-2}
SOURCES=${MLFS_TOOLCHAIN_SOURCES:-$TOP/build/toolchain-sources}
STAGES=${MLFS_TOOLCHAIN_STAGES:-cross}
LAYOUT=${MLFS_TOOLCHAIN_LAYOUT:-lfs}
T0=$(date +%s)

die() { echo "toolchain.sh: $*" >&2; exit 1; }
say() { echo "toolchain: $*"; }
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }

[ -x "$MLFS" ] || make -C "$TOP" build/mlfs >/dev/null
LJSON=$TOP/abi-profiles/layouts/$LAYOUT.json
[ -f "$LJSON" ] || die "no layout '$LAYOUT' ($LJSON)"

# the book's host requirements that Debian 12 lacks by default
need=()
command -v bison >/dev/null || need+=(bison)
command -v gawk >/dev/null || need+=(gawk)
command -v makeinfo >/dev/null || need+=(texinfo)
command -v m4 >/dev/null || need+=(m4)
command -v jq >/dev/null || need+=(jq)
[ -x /usr/bin/python3 ] || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
	say "installing the host requirements: ${need[*]}"
	[ "$(id -u)" -eq 0 ] || die "not root: install ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi

# every ABI's libdir in the layout
LIB64=$(jq -er '.libdirs["64"]' "$LJSON")
LIB32=$(jq -er '.libdirs["32"]' "$LJSON")
LIBX32=$(jq -er '.libdirs["x32"]' "$LJSON")

if [ -n "${MLFS_TOOLCHAIN_DIR:-}" ]; then
	WORK=$MLFS_TOOLCHAIN_DIR
	mkdir -p "$WORK"
	WORK=$(cd "$WORK" && pwd)
else
	WORK=$(mktemp -d /var/tmp/mlfs-toolchain.XXXXXX)
fi
LFS=$WORK/lfs
STATE=$WORK/state
RECIPES=$WORK/recipes
say "work dir $WORK (kept; remove it when done)"

# 1. the sources
# shellcheck disable=SC2086  # the stages are words
bash "$TOP/tests/real/toolchain-sources.sh" "$SOURCES" $STAGES
# shellcheck source=/dev/null
. "$SOURCES/sources.env"
read -r -a allsrc <<<"$MLFS_SOURCE_ARGS"

# 2. the recipe set: the stages asked for, linked from the project's
# recipes. gcc's in-tree gmp comes from Debian's dfsg orig (the upstream
# gmp-6.2.1.tar.xz is not in the archive), so the copies of gcc-pass1 and
# gcc-pass2 name that file and its sha256 (from the .dsc, checked by apt);
# include/gcc.sh handles the missing doc/.
# Copies, not links: the chroot stage sees the recipes through a bind mount
# of this directory, where a link to the project's tree would lead nowhere.
# A page whose source this machine cannot get (MLFS_MISSING: Debian no
# longer carries sysklogd) is left out, and said so: the pages after it then
# follow the one before it.
mkdir -p "$RECIPES"
rm -rf "$RECIPES/include"
cp -R "$TOP/recipes/include" "$RECIPES/include"
gmpname=${GMP_ORIG##*/}
[ "$GMP_ORIG" -ef "$SOURCES/mirror/$gmpname" ] || cp "$GMP_ORIG" "$SOURCES/mirror/$gmpname"
for st in $STAGES; do
	[ -d "$TOP/recipes/$st" ] || die "no stage directory recipes/$st"
	for d in "$TOP/recipes/$st"/*/; do
		r=$(basename "$d")
		if [[ " ${MLFS_MISSING:-} " == *" $r "* ]]; then
			say "$r: left out of the book: this machine has no source for it (see $SOURCES/mirror/sources.table)"
			rm -rf "${RECIPES:?}/$r"
			continue
		fi
		rm -rf "$RECIPES/$r.tmp"
		cp -R "$d" "$RECIPES/$r.tmp"
		case $r in
		gcc-pass1 | gcc-pass2)
			jq --arg url "file://$SOURCES/mirror/$gmpname" --arg sum "$GMP_SHA256" '
				.sources |= map(if (.url | test("/gmp-[0-9.]+\\.tar")) then {url: $url, sha256: $sum} else . end)
			' "$d/recipe.json" >"$RECIPES/$r.tmp/recipe.json"
			jq -e '.sources[2].sha256' "$RECIPES/$r.tmp/recipe.json" >/dev/null ;;
		esac
		rm -rf "${RECIPES:?}/$r"
		mv "$RECIPES/$r.tmp" "$RECIPES/$r"
	done
done

# 3. $LFS as chapter 4 makes it, with the layout's libdirs (the book's: lib32
# and libx32; the glue adds the layout's links, /lib, /lib32, /libx32 there)
mkdir -p "$LFS"/{etc,var,tools,lib64} "$LFS"/usr/{bin,lib,sbin} "$LFS$LIB64" "$LFS$LIB32" "$LFS$LIBX32"
for d in bin sbin; do
	[ -L "$LFS/$d" ] || ln -s "usr/$d" "$LFS/$d"
done

# only the --source overrides of recipes in the set (mlfs refuses one that
# names no recipe: the cross stage alone has no binutils-pass2)
srcargs=()
for ((i = 0; i < ${#allsrc[@]}; i += 2)); do
	[ "${allsrc[i]}" = --source ] || die "unexpected '${allsrc[i]}' in MLFS_SOURCE_ARGS"
	r=${allsrc[i + 1]%%=*}
	[ ! -d "$RECIPES/$r" ] || srcargs+=(--source "${allsrc[i + 1]}")
done

mlfs() { nice -n 5 "$MLFS" --state "$STATE" "$@"; }
# shellcheck disable=SC2054
buildargs=(build --lfs "$LFS" --layout "$LAYOUT" --abi 32,64,x32 -j "$JOBS" -k "${MLFS_TOOLCHAIN_KEEP:-1}"
	--recipes "$RECIPES" --profiles "$TOP/abi-profiles" --patches "$TOP/patches"
	--mirror "$MLFS_MIRROR" "${srcargs[@]}")
[ "${MLFS_TOOLCHAIN_STRIP:-}" != 1 ] || buildargs+=(--strip)

# 4. the build (once interrupted on purpose when asked)
if [ -n "${MLFS_TOOLCHAIN_INTERRUPT:-}" ]; then
	say "build, to be interrupted after ${MLFS_TOOLCHAIN_INTERRUPT}s of gcc-pass1"
	# nice execs mlfs: $! is mlfs itself, which gets the SIGINT (once it has
	# installed its handler: a background job inherits SIGINT ignored, so only
	# a start of gcc-pass1 journaled by this build counts)
	t1=$(date +%s)
	nice -n 5 "$MLFS" --state "$STATE" "${buildargs[@]}" &
	pid=$!
	started=""
	while kill -0 "$pid" 2>/dev/null; do
		sleep 10
		if [ -z "$started" ] && [ -f "$STATE/journal.jsonl" ]; then
			started=$(jq -r --argjson t1 "$t1" \
				'select(.node == "gcc-pass1:64" and .ev == "start" and .t >= $t1) | .t' \
				"$STATE/journal.jsonl" 2>/dev/null | tail -n 1)
		fi
		if [ -n "$started" ] && [ $(($(date +%s) - started)) -ge "$MLFS_TOOLCHAIN_INTERRUPT" ]; then
			say "SIGINT to mlfs (pid $pid) during gcc-pass1"
			kill -INT "$pid"
			break
		fi
	done
	rc=0
	wait "$pid" || rc=$?
	if [ "$rc" -eq 130 ]; then ok "interrupted mlfs exits 130"; else notok "interrupted mlfs exits $rc, not 130"; fi
	cut=$(date +%s)
	mlfs status || true
	say "build again (resume)"
	mlfs build || die "the resumed build failed; see $(mlfs status 2>&1 | tail -n 3)"
	again=$(jq -r --argjson cut "$cut" \
		'select(.node == "binutils-pass1:64" and (.ev == "start" or .ev == "step") and .t >= $cut) | .ev' \
		"$STATE/journal.jsonl" | wc -l)
	if [ "$again" -eq 0 ]; then
		ok "the resumed build did not redo binutils-pass1"
	else
		notok "binutils-pass1 ran again after the interrupt"
	fi
else
	say "build: mlfs ${buildargs[*]}"
	mlfs "${buildargs[@]}" || die "build failed (work dir $WORK; resume with: $MLFS --state $STATE build)"
fi

# 5. the book's sanity checks (chapter 5 glibc), for each ABI
CC=$LFS/tools/bin/x86_64-lfs-linux-gnu-gcc
[ -x "$CC" ] || die "no $CC"
cd "$WORK"
echo 'int main(){}' >dummy.c
for spec in "m64 /lib64/ld-linux-x86-64.so.2 $LIB64 ELF64" \
	"m32 /lib/ld-linux.so.2 $LIB32 ELF32" \
	"mx32 /libx32/ld-linux-x32.so.2 $LIBX32 ELF32"; do
	read -r m loader libdir class <<<"$spec"
	if ! "$CC" "-$m" dummy.c -v -Wl,--verbose -o "a-$m.out" >"link-$m.log" 2>&1; then
		notok "-$m: $CC cannot link a test program (see $WORK/link-$m.log)"
		continue
	fi
	interp=$(readelf -l "a-$m.out" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]/\1/p')
	if [ "$interp" = "$loader" ]; then
		ok "-$m: interpreter $interp"
	else
		notok "-$m: interpreter '$interp', not $loader"
	fi
	if readelf -h "a-$m.out" | grep -q "Class: *$class"; then
		ok "-$m: $class"
	else
		notok "-$m: not $class"
	fi
	# the files the link used (the book's checks): the start files and the
	# loader from the ABI's libdir in $LFS, the ABI's SEARCH_DIR in the sysroot
	for f in Scrt1.o crti.o crtn.o; do
		p=$(sed -n "s|^attempt to open \(.*/$f\) succeeded\$|\1|p" "link-$m.log" | head -n 1)
		if [ -n "$p" ] && [ "$(realpath "$p")" = "$(realpath "$LFS$libdir/$f")" ]; then
			ok "-$m: $f from $LFS$libdir ($p)"
		else
			notok "-$m: $f not from $LFS$libdir: '${p:-not found}'"
		fi
	done
	ldso=${loader##*/}
	p=$(sed -n "s|^found $ldso at \(.*\)\$|\1|p" "link-$m.log" | head -n 1)
	if [ -n "$p" ] && [ "$(realpath "$p")" = "$(realpath "$LFS$libdir/$ldso")" ]; then
		ok "-$m: ld found $ldso at $p"
	else
		notok "-$m: ld did not find $ldso in $LFS$libdir: '${p:-not found}'"
	fi
	if grep -q "SEARCH_DIR(\"=$libdir\")" "link-$m.log"; then
		ok "-$m: ld searches =$libdir"
	else
		notok "-$m: no SEARCH_DIR(\"=$libdir\")"
	fi
done
# the compiler's limits.h includes glibc's (MB_LEN_MAX 16, not gcc's own 1):
# without it the temp stage's gnulib stops at "Assumed value of MB_LEN_MAX
# wrong"
printf '#include <limits.h>\n#include <stdlib.h>\n#if MB_LEN_MAX != 16\n#error MB_LEN_MAX\n#endif\nint main(void){return 0;}\n' >limits.c
for m in m64 m32 mx32; do
	if "$CC" "-$m" -O2 -c limits.c -o "limits-$m.o" >"limits-$m.log" 2>&1; then
		ok "-$m: limits.h is glibc's (MB_LEN_MAX 16)"
	else
		notok "-$m: limits.h is not glibc's (see $WORK/limits-$m.log)"
	fi
done
# C++: libstdc++ for every ABI. After the temp stage, $LFS/usr/lib* hold gcc
# pass 2's libstdc++, built with the shared libgcc_s, which the pass-1 cross
# compiler (no shared libgcc) does not link by itself: name it, and run the
# program with $LFS's loader and libraries where this machine can
echo '#include <string>
int main(){ std::string s("x"); return s.size() - 1; }' >dummy.cc
cxxlibs=()
case " $STAGES " in *" temp "*) cxxlibs=(-lgcc_s) ;; esac
for spec in "m64 $LIB64 ld-linux-x86-64.so.2" "m32 $LIB32 ld-linux.so.2" "mx32 $LIBX32 -"; do
	read -r m libdir ldso <<<"$spec"
	if ! "$LFS/tools/bin/x86_64-lfs-linux-gnu-g++" "-$m" dummy.cc -o "cxx-$m.out" "${cxxlibs[@]}" \
		>"cxx-$m.log" 2>&1; then
		notok "-$m: C++ does not link (see $WORK/cxx-$m.log)"
		continue
	fi
	ok "-$m: C++ links against libstdc++${cxxlibs[*]:+ and libgcc_s}"
	if [ ${#cxxlibs[@]} -gt 0 ] && [ "$ldso" != - ]; then
		if "$LFS$libdir/$ldso" --library-path "$LFS$libdir" "./cxx-$m.out"; then
			ok "-$m: the C++ program runs with \$LFS's $libdir/libstdc++.so.6"
		else
			notok "-$m: the C++ program does not run with \$LFS's $libdir libraries"
		fi
	fi
done

# 6. the temp stage: every file where its ABI belongs, and the tools run
# through $LFS's own loader and libraries
# elfis FILE CLASS MACHINE: readelf's header of FILE has both
elfis() {
	readelf -h "$1" 2>/dev/null | grep -q "Class: *$2" &&
		readelf -h "$1" | grep -q "Machine:.*$3"
}
# abilibs LIB...: each LIB in every ABI's libdir of $LFS is of that ABI
abilibs() {
	local spec dir class mach lib
	for spec in "$LIB64 ELF64 X86-64" "$LIB32 ELF32 80386" "$LIBX32 ELF32 X86-64"; do
		read -r dir class mach <<<"$spec"
		for lib in "$@"; do
			if elfis "$LFS$dir/$lib" "$class" "$mach"; then
				ok "$dir/$lib: $class $mach"
			else
				notok "$dir/$lib: not $class $mach"
			fi
		done
	done
}
case " $STAGES " in
*" temp "*)
	abilibs libncursesw.so.6 libstdc++.so.6
	for p in bash gcc ld make; do
		if elfis "$LFS/usr/bin/$p" ELF64 X86-64 &&
			readelf -l "$LFS/usr/bin/$p" | grep -q 'interpreter: /lib64/ld-linux-x86-64.so.2'; then
			ok "/usr/bin/$p: ELF64, interpreter /lib64/ld-linux-x86-64.so.2"
		else
			notok "/usr/bin/$p: not an ELF64 program for /lib64/ld-linux-x86-64.so.2"
		fi
	done
	for l in sh:bash cc:gcc; do
		if [ "$(readlink "$LFS/usr/bin/${l%:*}")" = "${l#*:}" ]; then
			ok "/usr/bin/${l%:*} -> ${l#*:}"
		else
			notok "/usr/bin/${l%:*} is not a link to ${l#*:}"
		fi
	done
	# shellcheck disable=SC2016
	out=$("$LFS$LIB64/ld-linux-x86-64.so.2" --library-path "$LFS$LIB64" \
		"$LFS/usr/bin/bash" -c 'echo "$BASH_VERSION"' 2>&1) || true
	case $out in
	5.2.15*) ok "\$LFS's bash runs with \$LFS's loader and libc: $out" ;;
	*) notok "\$LFS's bash does not run: $out" ;;
	esac
	;;
esac

# 7. the chroot stage: its tools run inside $LFS, util-linux's libraries sit
# in every ABI's libdir
case " $STAGES " in
*" chroot "*)
	inlfs() {  # inlfs CMD...: CMD in chroot $LFS, with /dev and /proc mounted
		# shellcheck disable=SC2016  # expanded by the inner shell
		unshare --mount --propagation private /bin/bash -c '
			set -e
			mount --rbind /dev "$1/dev"
			mount -t proc proc "$1/proc"
			chroot "$1" /usr/bin/env -i PATH=/usr/bin:/usr/sbin HOME=/root "${@:2}"' _ "$LFS" "$@" 2>&1
	}
	runs() {  # runs NAME CMD...: CMD, in the chroot, prints ok
		local out
		out=$(inlfs "${@:2}") || true
		if [ "$out" = ok ]; then ok "chroot: $1 runs"; else notok "chroot: $1: $out"; fi
	}
	runs perl /usr/bin/perl -e 'print("ok")'
	runs python3 /usr/bin/python3 -c 'print("ok")'
	for t in bison msgfmt makeinfo; do
		runs "$t" /usr/bin/sh -c "$t --version >/dev/null && echo ok"
	done
	abilibs libblkid.so.1 libmount.so.1 libuuid.so.1
	;;
esac

# 8. the times
echo "--- per node (mlfs status):"
mlfs status || true
echo "--- seconds per node (journal: steps summed):"
jq -rs 'map(select(.ev == "step" and .secs != null)) | group_by(.node)
	| map("\(.[0].node)\t\(map(.secs) | add | floor)s") | .[]' "$STATE/journal.jsonl"
echo "--- total wall time of this run: $(($(date +%s) - T0))s"
[ "$fails" -eq 0 ] || die "$fails check(s) failed (work dir $WORK)"
say "all checks passed (work dir $WORK)"
