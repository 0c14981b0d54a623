#!/usr/bin/env bash
# book.sh (make check-book): the whole Multilib LFS book, built through by mlfs
# for 64, 32 and x32 into a $LFS kept under /var/tmp: the cross toolchain
# (Chapter 5), the temporary tools (6), the chroot stage (7) and the final
# system (8), from this machine's Debian archive (tests/real/toolchain.sh does
# the build and the earlier chapters' checks). Then the book's own checks of
# Chapter 8 run inside the chroot for every ABI, and the time of every node
# and of every stage is printed.
#
# It takes many hours on 2 cores. Stop it whenever you like: running it again
# (or `build/mlfs --state DIR/state build`) resumes, and redoes nothing that
# was merged. Environment:
#   MLFS_BOOK_DIR     work dir ($LFS, state, recipes); default /var/tmp/mlfs-book/work
#   MLFS_BOOK_SOURCES where the sources are prepared; default /var/tmp/mlfs-book/sources
#   MLFS_BOOK_CHECKS_ONLY=1  only the checks and the times (no build)
# The checks end in a QEMU guest booted with $LFS as its root (mlfs guest
# --root): programs of 64, 32 and x32 and the suites of zlib and bzip2 run there.
# The system stage is stripped (--strip), as the book's Stripping page does.
#   MLFS_BOOK_KEEP    -k: go on past this many failed nodes (default 20)
# A page whose source this machine's archive cannot give (sysklogd: Debian no
# longer has it) is left out of the book, and named at the end.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${MLFS_BOOK_DIR:-/var/tmp/mlfs-book/work}
SOURCES=${MLFS_BOOK_SOURCES:-/var/tmp/mlfs-book/sources}
LFS=$WORK/lfs
STATE=$WORK/state
RECIPES=$WORK/recipes
MLFS=$TOP/build/mlfs
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
die() { echo "book.sh: $*" >&2; exit 1; }
say() { echo "book: $*"; }

# 1. the build, through toolchain.sh (it prepares the sources, copies the
# recipe set of every stage and runs the checks of Chapters 5 to 7)
if [ "${MLFS_BOOK_CHECKS_ONLY:-}" != 1 ]; then
	MLFS_TOOLCHAIN_DIR=$WORK MLFS_TOOLCHAIN_SOURCES=$SOURCES MLFS_TOOLCHAIN_KEEP=${MLFS_BOOK_KEEP:-20} \
		MLFS_TOOLCHAIN_STRIP=1 \
		MLFS_TOOLCHAIN_STAGES="cross temp chroot system" \
		bash "$TOP/tests/real/toolchain.sh" || fails=$((fails + 1))
fi
[ -d "$LFS/usr/lib32" ] || die "no \$LFS at $LFS: build it first"

# 2. Chapter 8's checks, inside the chroot: "adjusting the toolchain" for each
# ABI (interpreter, start files, search dirs, libc), ldd's loader, locales,
# the per-ABI pkg-config and *-config tools
CHK=$LFS/tmp/mlfs-book-check
rm -rf "$CHK"
mkdir -p "$CHK"
cat >"$CHK/check.sh" <<'EOF'
#!/bin/bash
# runs inside chroot $LFS: one line "ok - ..." or "not ok - ..." per check
cd /tmp/mlfs-book-check || exit 1
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
run_here() {  # run_here M: 1 when this kernel runs programs of -M
	case $1 in
	m64 | m32) return 0 ;;
	*) ./probe-"$1" >/dev/null 2>&1 ;;
	esac
}
cat >dummy.c <<'C'
#include <locale.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	if (argc > 1 && !setlocale(LC_ALL, argv[1]))
		return 2;
	printf("%zu\n", sizeof(void *));
	return 0;
}
C
for spec in "m64 /lib64/ld-linux-x86-64.so.2 /usr/lib x86_64-pc-linux-gnu 8" \
	"m32 /lib/ld-linux.so.2 /usr/lib32 i686-pc-linux-gnu 4" \
	"mx32 /libx32/ld-linux-x32.so.2 /usr/libx32 x86_64-pc-linux-gnux32 4"; do
	read -r m loader libdir host size <<<"$spec"
	if ! gcc "-$m" dummy.c -v -Wl,--verbose -o "a-$m" >"dummy-$m.log" 2>&1; then
		notok "-$m: gcc cannot link a program (see $PWD/dummy-$m.log)"
		continue
	fi
	cp "a-$m" "probe-$m"
	interp=$(readelf -l "a-$m" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]/\1/p')
	[ "$interp" = "$loader" ] && ok "-$m: interpreter $interp" || notok "-$m: interpreter '$interp', not $loader"
	for f in Scrt1.o crti.o crtn.o; do
		p=$(grep -o "[^ ]*/$f succeeded" "dummy-$m.log" | head -n 1 | cut -d' ' -f1)
		[ -n "$p" ] && [ "$(realpath "$p")" = "$libdir/$f" ] &&
			ok "-$m: $f from $libdir" || notok "-$m: $f from '${p:-nowhere}', not $libdir"
	done
	grep -q "SEARCH_DIR(\"$libdir\")" "dummy-$m.log" &&
		ok "-$m: ld searches $libdir" || notok "-$m: no SEARCH_DIR(\"$libdir\")"
	p=$(grep -o "[^ ]*/libc.so.6 succeeded" "dummy-$m.log" | head -n 1 | cut -d' ' -f1)
	[ -n "$p" ] && [ "$(realpath "$p")" = "$libdir/libc.so.6" ] &&
		ok "-$m: links $libdir/libc.so.6" || notok "-$m: links libc '${p:-none}', not $libdir/libc.so.6"
	p=$(grep -o "found ${loader##*/} at [^ ]*" "dummy-$m.log" | head -n 1 | awk '{print $4}')
	[ -n "$p" ] && [ "$(realpath "$p")" = "$(realpath "$libdir/${loader##*/}")" ] &&
		ok "-$m: found ${loader##*/} in $libdir" || notok "-$m: ${loader##*/} found at '${p:-nowhere}'"
	# pkg-config and the *-config tools of the ABI
	v=$("$host-pkg-config" --variable=libdir zlib 2>&1)
	[ "$v" = "$libdir" ] && ok "$host-pkg-config: zlib's libdir $v" || notok "$host-pkg-config: zlib's libdir '$v', not $libdir"
	v=$("$host-pkg-config" --libs-only-L --keep-system-libs openssl 2>&1) || true
	case " $v " in *"-L/usr/lib "* | *"-L/usr/lib32 "* | *"-L/usr/libx32 "*)
		case " $v " in *"-L$libdir "*) ok "$host-pkg-config: openssl's -L is $libdir" ;;
		*) notok "$host-pkg-config: openssl's -L '$v'" ;; esac ;;
	*) ok "$host-pkg-config: openssl needs no -L (the default libdir)" ;;
	esac
	# the loader cache, which each merge rebuilt with the system's ldconfig
	case $m in m64) tag=libc6,x86-64 ;; m32) tag=libc6 ;; *) tag=libc6,x32 ;; esac
	ldconfig -p | grep -q "libz.so.1 ($tag) => $libdir/libz.so.1$" &&
		ok "-$m: the loader cache has $libdir/libz.so.1" || notok "-$m: the loader cache lacks $libdir/libz.so.1 ($tag)"
	if [ "$m" != m64 ]; then
		v=$("$host-ncursesw6-config" --libdir 2>&1)
		[ "$v" = "$libdir" ] && ok "$host-ncursesw6-config --libdir: $v" || notok "$host-ncursesw6-config --libdir: '$v'"
	fi
	if ! run_here "$m"; then
		echo "ok - -$m: programs do not run on this kernel: ldd and locale checks in the guest # SKIP"
		continue
	fi
	out=$(./"a-$m") && [ "$out" = "$size" ] && ok "-$m: the program runs (pointer size $out)" ||
		notok "-$m: the program printed '$out'"
	out=$(ldd "./a-$m" 2>&1)
	case $out in *"$loader"*) ok "-$m: ldd names $loader" ;; *) notok "-$m: ldd: $out" ;; esac
	if ./"a-$m" en_US.UTF-8 >/dev/null; then
		ok "-$m: the locale en_US.UTF-8 is found"
	else
		notok "-$m: setlocale(en_US.UTF-8) failed"
	fi
done
EOF
chmod +x "$CHK/check.sh"
in_chroot() {  # in_chroot SCRIPT [ARG...]: run SCRIPT (a path inside $LFS) in chroot $LFS
	# shellcheck disable=SC2016  # expanded by the inner shell
	unshare --mount --propagation private /bin/bash -c '
		set -e
		mount --rbind /dev "$1/dev"
		mount -t proc proc "$1/proc"
		chroot "$1" /usr/bin/env -i PATH=/usr/bin:/usr/sbin HOME=/root LC_ALL=POSIX \
			/bin/bash "${@:2}"' _ "$LFS" "$@" 2>&1
}
out=$(in_chroot /tmp/mlfs-book-check/check.sh) || true
echo "$out"
fails=$((fails + $(grep -c '^not ok' <<<"$out" || true)))
[ -n "$out" ] || notok "the checks inside the chroot printed nothing"

# 3. every ELF file in each libdir has that libdir's ABI
for spec in "/usr/lib ELF64 X86-64" "/usr/lib32 ELF32 80386" "/usr/libx32 ELF32 X86-64"; do
	read -r dir class mach <<<"$spec"
	n=0 bad=0
	while IFS= read -r -d '' f; do
		h=$(readelf -h "$f" 2>/dev/null) || continue
		# glibc's empty compatibility archives (libdl.a, librt.a, ...) have
		# no member, so no ELF header: nothing to check
		grep -q "Class:" <<<"$h" || continue
		n=$((n + 1))
		if ! grep -q "Class: *$class" <<<"$h" || ! grep -q "Machine:.*$mach" <<<"$h"; then
			bad=$((bad + 1))
			echo "# $f: not $class $mach"
		fi
	done < <(find "$LFS$dir" -maxdepth 1 -type f -print0)
	if [ "$bad" -eq 0 ] && [ "$n" -gt 0 ]; then
		ok "$dir: all $n ELF files are $class $mach"
	else
		notok "$dir: $bad of $n ELF files are not $class $mach"
	fi
done

# 3b. the programs that must stay setuid root (their recipes' multilib.setuid
# rules; the merge drops the bit everywhere else) and that nothing else is
for f in usr/bin/passwd usr/bin/su usr/bin/mount usr/bin/umount usr/bin/ping; do
	m=$(stat -c %a "$LFS/$f" 2>/dev/null || echo missing)
	if [ "$m" = 4755 ]; then ok "/$f is setuid root (mode $m)"; else notok "/$f: mode $m, not 4755"; fi
done
extra=$(find "$LFS/usr" -xdev -type f -perm /6000 -printf '/%P\n' 2>/dev/null |
	grep -v -x -e '/bin/\(chage\|chfn\|chsh\|expiry\|gpasswd\|newgrp\|passwd\|su\|newgidmap\|newuidmap\|mount\|umount\|wall\|write\|ping\|ping6\|traceroute\)' || true)
if [ -z "$extra" ]; then
	ok "no other setuid or setgid file under /usr"
else
	notok "setuid/setgid files no rule names: $extra"
fi

# 5. the booted system: $LFS is the root of a QEMU guest (Debian's kernel,
# with x32 on; mlfs guest --root). There the checks of step 2 run again, now
# with x32's programs run too (ldd, locales), and so do the test suites of zlib
# and bzip2 for every ABI. The system's own gcc builds them in the chroot
# first: compiling in the emulated guest would take many times longer.
book_source() {  # book_source NAME DEST: NAME's source, unpacked at DEST
	local dir url
	dir=$(grep -o -- "--source $1=[^ ']*" "$SOURCES/sources.env" 2>/dev/null | head -n 1 | cut -d= -f2-) || true
	if [ -n "$dir" ]; then
		cp -a "$dir" "$2"
		return
	fi
	url=$(jq -r '.sources[0].url' "$RECIPES/$1/recipe.json")
	mkdir -p "$2.unpack"
	tar -xf "$STATE/cache/by-name/${url##*/}" -C "$2.unpack" &&
		mv "$2.unpack"/* "$2" && rmdir "$2.unpack"
}
GST=$LFS/tmp/mlfs-book-guest
rm -rf "$GST"
mkdir -p "$GST"
book_source zlib "$GST/zlib" || notok "no source of zlib for the suites in the guest"
book_source bzip2 "$GST/bzip2" || notok "no source of bzip2 for the suites in the guest"
cat >"$GST/suites.sh" <<'EOF'
#!/bin/bash
# suites.sh build (in chroot $LFS): build zlib and bzip2 and zlib's example
# against the installed libz, for each ABI; suites.sh test (in the booted
# $LFS): run them. One line "ok - ..." or "not ok - ..." per check.
cd /tmp/mlfs-book-guest || exit 1
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
build() {  # build M LIBDIR
	rm -rf "zlib-$1" "bzip2-$1"
	cp -a zlib "zlib-$1"
	cp -a bzip2 "bzip2-$1"
	(cd "zlib-$1" && CC="gcc -$1" ./configure --prefix=/usr --libdir="$2" && make) >"zlib-$1.log" 2>&1 ||
		notok "-$1: zlib does not build (see /tmp/mlfs-book-guest/zlib-$1.log)"
	gcc "-$1" zlib/test/example.c -o "example-$1" -lz >"example-$1.log" 2>&1 ||
		notok "-$1: zlib's example does not link with -lz (see example-$1.log)"
	make -C "bzip2-$1" CC="gcc -$1" libbz2.a bzip2 bzip2recover >"bzip2-$1.log" 2>&1 ||
		notok "-$1: bzip2 does not build (see /tmp/mlfs-book-guest/bzip2-$1.log)"
}
test_abi() {  # test_abi M LIBDIR
	if make -C "zlib-$1" test >>"zlib-$1.log" 2>&1 && grep -q 'zlib shared test OK' "zlib-$1.log"; then
		ok "-$1: zlib's suite passes ($(grep -c 'test OK' "zlib-$1.log") tests OK)"
	else
		notok "-$1: zlib's suite (see /tmp/mlfs-book-guest/zlib-$1.log)"
	fi
	if "./example-$1" >>"example-$1.log" 2>&1 && ldd "./example-$1" | grep -q " $2/libz.so.1 "; then
		ok "-$1: zlib's example runs against the installed $2/libz.so.1"
	else
		notok "-$1: zlib's example against the installed libz (see example-$1.log)"
	fi
	# bzip2's test target compresses and decompresses its samples and compares
	if make -C "bzip2-$1" test >>"bzip2-$1.log" 2>&1 && grep -q "like you're in business" "bzip2-$1.log"; then
		ok "-$1: bzip2's suite passes"
	else
		notok "-$1: bzip2's suite (see /tmp/mlfs-book-guest/bzip2-$1.log)"
	fi
}
[ "$1" = test ] && echo "# kernel $(uname -r); $(gcc --version | head -n 1)"
for spec in "m64 /usr/lib" "m32 /usr/lib32" "mx32 /usr/libx32"; do
	read -r m libdir <<<"$spec"
	case $1 in
	build) build "$m" "$libdir" ;;
	test) test_abi "$m" "$libdir" ;;
	esac
done
EOF
out=$(in_chroot /tmp/mlfs-book-guest/suites.sh build) || true
[ -z "$out" ] || echo "$out"
fails=$((fails + $(grep -c '^not ok' <<<"$out" || true)))
say "booting \$LFS in a QEMU guest: the checks and suites for 64, 32 and x32"
# shellcheck disable=SC2016  # expanded by the guest's shell
out=$("$MLFS" --state "$STATE" guest --root "$LFS" -j 2 --timeout 3600 --name book -- \
	/usr/bin/env -i PATH=/usr/bin:/usr/sbin HOME=/root LC_ALL=POSIX /bin/bash -c \
	'/bin/bash /tmp/mlfs-book-check/check.sh; /bin/bash /tmp/mlfs-book-guest/suites.sh test' 2>&1) ||
	notok "the guest booted from \$LFS failed (its output is below)"
echo "$out"
fails=$((fails + $(grep -c '^not ok' <<<"$out" || true)))
grep -q '^ok - -mx32: the program runs' <<<"$out" || notok "the guest ran no x32 program"

# 3c. nothing is world-writable but /tmp and /var/tmp, which are sticky (the
# book's modes: what a step creates follows umask 022)
for d in tmp var/tmp; do
	m=$(stat -c %a "$LFS/$d" 2>/dev/null || echo missing)
	if [ "$m" = 1777 ]; then ok "/$d has mode 1777"; else notok "/$d: mode $m, not 1777"; fi
done
ww=$(find "$LFS" -xdev \( -path "$LFS/tmp" -o -path "$LFS/var/tmp" \) -prune -o \
	! -type l -perm -0002 -printf '/%P\n' 2>/dev/null)
if [ -z "$ww" ]; then
	ok "no other file or directory is world-writable"
else
	notok "$(wc -l <<<"$ww") world-writable file(s) or dir(s), e.g. $(head -n 3 <<<"$ww" | tr '\n' ' ')"
fi

# 4. the times: every node (mlfs status), and every stage from its first
# start to its last merge
echo "--- per node:"
"$MLFS" --state "$STATE" status || true
echo "--- per stage (wall: first start to last end of its nodes in each build, summed over"
echo "    the builds; node time: what the merged nodes took, summed):"
for d in "$RECIPES"/*/recipe.json; do
	jq -r '"\(.name)\t\(.stage)"' "$d"
done >"$WORK/stages.tsv"
# the trace keeps every build's times (the journal's compaction does not)
"$MLFS" --state "$STATE" report --all --json -o "$WORK/report.json" >/dev/null
jq -r '.builds | to_entries[] | .key as $b | .value.nodes[]
	| select(.start != null and .end != null)
	| "\($b)\t\(.node)\t\(.status)\t\(.start)\t\(.end)\t\(.secs)"' "$WORK/report.json" |
	awk -F'\t' '
	FNR == NR { stage[$1] = $2; next }
	{ split($2, p, ":"); s = stage[p[1]]; if (s == "") next
	  k = s SUBSEP $1
	  if (!(k in lo) || $4 < lo[k]) lo[k] = $4
	  if (!(k in hi) || $5 > hi[k]) hi[k] = $5
	  seen[s] = 1
	  if ($3 == "merged") { sum[s] += $6; if (!(($2) in merged)) { merged[$2] = 1; n[s]++ } } }
	END { for (k in lo) { split(k, q, SUBSEP); wall[q[1]] += hi[k] - lo[k] }
		for (s in seen)
			printf "%-7s %4d nodes merged  %7.0f s wall (%.1f h)  %8.0f s node time\n", s, n[s],
				wall[s], wall[s] / 3600, sum[s] }' \
	"$WORK/stages.tsv" - | sort -k1,1

# shellcheck source=/dev/null
. "$SOURCES/sources.env"
[ -z "${MLFS_MISSING:-}" ] ||
	say "left out (no source on this machine, see $SOURCES/mirror/sources.table): $MLFS_MISSING"
[ "$fails" -eq 0 ] || die "$fails check(s) failed (work dir $WORK)"
say "all checks passed (work dir $WORK)"
