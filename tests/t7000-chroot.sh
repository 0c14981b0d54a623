#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='the chroot and system stages run inside chroot $LFS in a private mount namespace'
. "$(dirname "$0")/lib.sh"

# the tree is kept between runs (debootstrap takes minutes); MLFS_CHROOT_DIR moves it
BASE=${MLFS_CHROOT_DIR:-/var/tmp/mlfs-chroot}
MIRROR=${MLFS_MIRROR_DIR:-$TOP/build/mirror}
LFS=$TRASH/lfs

if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
	test_skip "the chroot stage" "needs root and mount namespaces (unshare --mount)"
	test_done
	exit 0
fi

test_expect_success 'a Debian tree with the multilib compilers stands in for $LFS' '
	"$TOP/tests/real/chroot.sh" "$BASE" &&
	cp -a "$BASE" "$LFS" &&
	chroot "$LFS" gcc -m32 -x c -o /tmp/t - <<-C
	int main(void) { return 0; }
	C
'

test_expect_success 'zlib, bzip2 and a probe build for 32, 64 and x32 inside it' '
	"$TOP/tests/real/sources.sh" "$MIRROR" zlib bzip2 >mirror.out 2>&1 &&
	. "$MIRROR/sources.env" &&
	srcargs=() &&
	for o in ${MLFS_SOURCE_ARGS:-}; do
		case $o in zlib=* | bzip2=*) srcargs+=(--source "$o") ;; esac
	done &&
	mkdir -p r && cp -R "$TOP/recipes/system/zlib" "$TOP/recipes/system/bzip2" "$TOP/recipes/include" r/ &&
	mkdir -p r/probe &&
	printf "{\"name\": \"probe\", \"version\": \"1\", \"stage\": \"system\", \"abis\": \"all\"}\n" >r/probe/recipe.json &&
	cat >r/probe/build.sh <<-SH &&
	# shellcheck shell=bash
	install() {
		mkdir -p "\$DESTDIR\$LIBDIR/probe"
		{ test -d /run/mlfs/state && echo chrooted; test -r /proc/self/status && echo proc;
		  test -c /dev/null && echo dev; cat /etc/debian_version;
		  tr "\\0" "\\n" </proc/1/cmdline | grep -qx mlfs-step && echo own-pids; } >"\$DESTDIR\$LIBDIR/probe/where"
		setsid sleep 3517 </dev/null >/dev/null 2>&1 &
	}
	SH
	"$MLFS" --state="$TRASH/st" build --lfs "$LFS" --abi 32,64,x32 -j 2 --recipes "$TRASH/r" \
		--profiles "$TOP/abi-profiles" --mirror "$MLFS_MIRROR" "${srcargs[@]}" 2>build.err ||
	{ tail -n 40 build.err; exit 1; }
'

test_expect_success 'the steps ran chrooted, with /proc and /dev' '
	for d in lib lib32 libx32; do
		grep -q "^chrooted$" "$LFS/usr/$d/probe/where" &&
		grep -q "^proc$" "$LFS/usr/$d/probe/where" &&
		grep -q "^dev$" "$LFS/usr/$d/probe/where" &&
		grep -q "^12" "$LFS/usr/$d/probe/where" || exit 1
	done &&
	! test -e /run/mlfs/state
'

test_expect_success 'each step has its own PID namespace: /proc shows the step alone, its daemons end with it' '
	for d in lib lib32 libx32; do
		grep -q "^own-pids$" "$LFS/usr/$d/probe/where" || exit 1
	done &&
	if pgrep -f "^sleep 3517$" >/dev/null; then pkill -f "^sleep 3517$"; exit 1; fi
'

test_expect_success 'the libraries are in the libdirs of their ABIs' '
	readelf -h "$LFS/usr/lib32/libz.so.1" | grep -q "Intel 80386" &&
	readelf -h "$LFS/usr/libx32/libz.so.1" | grep -q "ELF32" &&
	readelf -h "$LFS/usr/libx32/libz.so.1" | grep -q "X86-64" &&
	readelf -h "$LFS/usr/lib/libz.so.1" | grep -q "ELF64" &&
	readelf -h "$LFS/usr/lib32/libbz2.so.1.0" | grep -q "Intel 80386" &&
	readelf -h "$LFS/usr/libx32/libbz2.so.1.0" | grep -q "X86-64"
'

test_expect_success 'the loader cache knows them: each merge ran the root'"'"'s ldconfig' '
	chroot "$LFS" /usr/sbin/ldconfig -p >cache.txt &&
	grep -q "libz.so.1 (libc6,x32) => /usr/libx32/libz.so.1$" cache.txt &&
	grep -q "libz.so.1 (libc6) => /usr/lib32/libz.so.1$" cache.txt &&
	grep -q "libbz2.so.1.0 (libc6,x86-64) => /usr/lib/libbz2.so.1.0$" cache.txt &&
	grep -qx /etc/ld.so.cache "$LFS/var/lib/mlfs/glue.list"
'

test_expect_success '--jobserver fifo: a chrooted step finds the fifo MAKEFLAGS names' '
	mkdir -p r/fifoprobe &&
	printf "{\"name\": \"fifoprobe\", \"version\": \"1\", \"stage\": \"system\"}\n" >r/fifoprobe/recipe.json &&
	cat >r/fifoprobe/build.sh <<-SH &&
	# shellcheck shell=bash
	install() {
		f=\${MAKEFLAGS##*fifo:}
		f=\${f%% *}
		mkdir -p "\$DESTDIR\$LIBDIR/fifoprobe"
		{ echo "\$f"; test -p "\$f" && echo fifo; exec 9<>"\$f" && echo opened; } >"\$DESTDIR\$LIBDIR/fifoprobe/where"
	}
	SH
	"$MLFS" --state="$TRASH/st" build --lfs "$LFS" --abi 64 --jobserver fifo -j 2 --recipes "$TRASH/r" \
		--profiles "$TOP/abi-profiles" fifoprobe 2>fifo.err ||
	{ tail -n 40 fifo.err; exit 1; }
	cat "$LFS/usr/lib/fifoprobe/where" &&
	grep -q "^/run/mlfs/state/" "$LFS/usr/lib/fifoprobe/where" &&
	grep -qx fifo "$LFS/usr/lib/fifoprobe/where" &&
	grep -qx opened "$LFS/usr/lib/fifoprobe/where"
'

test_expect_success 'contained: a chrooted step writes only its own trees, /tmp and /var/tmp' '
	mkdir -p r/escape &&
	printf "{\"name\": \"escape\", \"version\": \"1\", \"stage\": \"system\"}\n" >r/escape/recipe.json &&
	cat >r/escape/build.sh <<-SH &&
	# shellcheck shell=bash
	build() {
		echo ok >/tmp/escape-tmp
		echo ok >/var/tmp/escape-vartmp
		echo ok >"\$MLFS_SRC/built"
		touch /run/mlfs/state/escape-state || true
		touch /run/mlfs/recipes/escape/escape-recipe || true
		touch /etc/escape-etc || true
	}
	install() {
		mkdir -p "\$DESTDIR/usr/share/escape"
		echo staged >"\$DESTDIR/usr/share/escape/f"
		mkdir -p /usr/local/share/escape
		echo x >/usr/local/share/escape/f
	}
	SH
	test_expect_code 1 "$MLFS" --state="$TRASH/st" build --lfs "$LFS" --abi 64 -j 2 --recipes "$TRASH/r" \
		--profiles "$TOP/abi-profiles" escape 2>escape.err &&
	grep "Read-only file system" st/logs/escape/64.log &&
	grep -q "/usr/local/share/escape.*Read-only file system" st/logs/escape/64.log &&
	grep -q "/etc/escape-etc.*Read-only file system" st/logs/escape/64.log &&
	test ! -e "$LFS/usr/local/share/escape" &&
	test ! -e "$LFS/etc/escape-etc" &&
	test ! -e st/escape-state &&
	test ! -e r/escape/escape-recipe &&
	test -f "$LFS/tmp/escape-tmp" &&
	test -f "$LFS/var/tmp/escape-vartmp" &&
	test ! -e "$LFS/usr/share/escape"
'

test_expect_success '--contain off: the same step writes where it likes (what the protection stops)' '
	"$MLFS" --state="$TRASH/st" build --contain off escape 2>escape-off.err ||
	{ tail -n 20 escape-off.err; exit 1; }
	test -f "$LFS/usr/local/share/escape/f" &&
	test -f "$LFS/etc/escape-etc" &&
	test -e st/escape-state &&
	rm -rf "$LFS/usr/local/share/escape" "$LFS/etc/escape-etc"
'

# the guest's files (scripts/guest.sh), where x32 programs run
if command -v qemu-system-x86_64 >/dev/null && [ -s "${MLFS_GUEST_DIR:-/var/lib/mlfs/guest}/id" ]; then
test_expect_success 'a needs_run recipe: its x32 steps run in a guest booted on $LFS, as chrooted, contained' '
	mkdir -p r/runprobe &&
	printf "{\"name\": \"runprobe\", \"version\": \"1\", \"stage\": \"system\", \"abis\": \"all\",\n" >r/runprobe/recipe.json &&
	printf " \"needs_run\": true}\n" >>r/runprobe/recipe.json &&
	cat >r/runprobe/build.sh <<-SH &&
	# shellcheck shell=bash
	build() {
		cat >p.c <<-C
		#include <stdio.h>
		int main(void) { return puts(sizeof(void *) == 8 ? "8" : "4") < 0; }
		C
		\$CC -o p p.c
		./p >out
		test -d /run/mlfs/state && echo chrooted >>out
		cat <(echo procsub) >>out
		test -L /dev/stdin && test -L /dev/stderr && echo stdio >>out
		touch /etc/runprobe-escape 2>/dev/null || echo contained >>out
	}
	install() {
		mkdir -p "\$DESTDIR\$LIBDIR/runprobe"
		cp out "\$DESTDIR\$LIBDIR/runprobe/"
	}
	SH
	"$MLFS" --state="$TRASH/st" build --lfs "$LFS" --abi 32,64,x32 -j 2 --recipes "$TRASH/r" \
		--profiles "$TOP/abi-profiles" --contain require runprobe 2>runprobe.err ||
	{ tail -n 30 runprobe.err st/logs/runprobe/x32.log; exit 1; }
	printf "%s\n" 8 chrooted procsub stdio contained >want64 &&
	printf "%s\n" 4 chrooted procsub stdio contained >want32 &&
	test_cmp want64 "$LFS/usr/lib/runprobe/out" &&
	test_cmp want32 "$LFS/usr/lib32/runprobe/out" &&
	test_cmp want32 "$LFS/usr/libx32/runprobe/out" &&
	grep -q "step .build. runs in a QEMU guest (.*), booted on \$LFS" st/logs/runprobe/x32.log &&
	! grep -q "QEMU guest" st/logs/runprobe/32.log &&
	test ! -e "$LFS/etc/runprobe-escape"
'
else
	test_skip 'a needs_run recipe in the guest' "no qemu-system-x86_64 or no guest kernel (scripts/guest.sh)"
fi

test_expect_success '--cache: the chroot stage'"'"'s nodes restore into a fresh $LFS as they were built' '
	rm -rf r/escape r/fifoprobe r/runprobe &&
	. "$MIRROR/sources.env" &&
	srcargs=() &&
	for o in ${MLFS_SOURCE_ARGS:-}; do
		case $o in zlib=* | bzip2=*) srcargs+=(--source "$o") ;; esac
	done &&
	bc() { # STATE LFS: a build of the set into LFS with the binary cache
		"$MLFS" --state="$TRASH/$1" build --lfs "$TRASH/$2" --abi 32,64,x32 -j 2 \
			--recipes "$TRASH/r" --profiles "$TOP/abi-profiles" --mirror "$MLFS_MIRROR" \
			"${srcargs[@]}" --cache "$TRASH/bc"
	} &&
	cp -a "$BASE" lfs-c && { bc st-c1 lfs-c 2>c1.err || { tail -n 20 c1.err; exit 1; }; } &&
	! grep -q ": restored (" c1.err &&
	mv lfs-c/usr built-usr && rm -rf lfs-c &&
	cp -a "$BASE" lfs-c && { bc st-c2 lfs-c 2>c2.err || { tail -n 20 c2.err; exit 1; }; } &&
	n=$(grep -c ": restored (" c2.err) &&
	test "$n" -eq "$(grep -c ": merged (" c1.err)" &&
	test "$n" -ge 9 &&
	diff -r --no-dereference built-usr lfs-c/usr &&
	cp -a "$BASE" lfs-elsewhere && { bc st-c3 lfs-elsewhere 2>c3.err || { tail -n 20 c3.err; exit 1; }; } &&
	test "$(grep -c ": restored (" c3.err)" -eq "$n" &&
	diff -r --no-dereference built-usr lfs-elsewhere/usr &&
	rm -rf lfs-c lfs-elsewhere built-usr
'

test_expect_success 'nothing stays mounted' '
	! grep -q " $LFS/" /proc/mounts
'

test_done
