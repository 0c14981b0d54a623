#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='the cross toolchain recipes follow the layout: the t-linux64, glibc configure lines, ldd RTLDLIST and ld search dirs they generate (real include/ code and the glibc-cross and glibc build.sh, run by mlfs in an LFS build, on the upstream files)'
. "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/layout
mkdir -p recipes/include recipes/cross
cp "$TOP"/recipes/include/gcc.sh "$TOP"/recipes/include/layout.sh recipes/include/

# probe-gcc: gcc_prepare (include/gcc.sh) on gcc 12.2's t-linux64
d=recipes/cross/probe-gcc
mkdir -p $d/src/gcc/config/i386 $d/src/gcc/doc
cp "$F/t-linux64" $d/src/gcc/config/i386/
echo '#define STACK_REALIGN_DEFAULT 0' >$d/src/gcc/config/i386/i386.h
echo 'tm.texi.in' >$d/src/gcc/doc/tm.texi.in
printf '{"name": "probe-gcc", "version": "1", "stage": "cross", "order": 1, "include": ["layout.sh", "gcc.sh"], "sources": [{"path": "src"}]}\n' >$d/recipe.json
cat >$d/build.sh <<'EOF'
# shellcheck shell=bash
prepare() { gcc_prepare; }
install() { mkdir -p "$DESTDIR/probe"; cp gcc/config/i386/t-linux64 "$DESTDIR/probe/"; }
EOF

# probe-binutils: binutils_layout (include/layout.sh) on binutils 2.40's genscripts.sh
d=recipes/cross/probe-binutils
mkdir -p $d/src/ld
cp "$F/genscripts.sh.in" $d/src/ld/genscripts.sh
printf '{"name": "probe-binutils", "version": "1", "stage": "cross", "order": 2, "include": ["layout.sh"], "sources": [{"path": "src"}]}\n' >$d/recipe.json
cat >$d/build.sh <<'EOF'
# shellcheck shell=bash
prepare() { binutils_layout; }
install() { mkdir -p "$DESTDIR/probe"; cp ld/genscripts.sh "$DESTDIR/probe/"; }
EOF

# probe-glibc: the real glibc-cross build.sh, with a configure that records its
# arguments and a make install that writes ldd as glibc does (its x86_64
# ldd-rewrite.sed on the loader in the slibdir)
d=recipes/cross/probe-glibc
mkdir -p $d/src/scripts
cp "$TOP/recipes/cross/glibc-cross/build.sh" $d/src/real.sh
cp "$F/ldd-rewrite.sed" $d/src/
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"$(dirname "$0")/configure.args"\n' >$d/src/configure
printf '#!/bin/sh\necho x86_64-pc-linux-gnu\n' >$d/src/scripts/config.guess
chmod +x $d/src/configure $d/src/scripts/config.guess
printf '{"name": "probe-glibc", "version": "1", "stage": "cross", "order": 3, "abis": "all", "primary_first": true, "include": ["layout.sh"], "sources": [{"path": "src"}]}\n' >$d/recipe.json
cat >$d/build.sh <<'EOF'
# shellcheck shell=bash
configure() {
	# shellcheck source=/dev/null
	. ./real.sh
	if [ "$MLFS_ABI" = "$MLFS_PRIMARY_ABI" ]; then configure; else "configure_$MLFS_ABI"; fi
}
install() {
	local top=$PWD
	# shellcheck source=/dev/null
	. ./real.sh
	make() {
		local slibdir
		slibdir=$(sed -n 's/^libc_cv_slibdir=//p' "$top/configure.args")
		mkdir -p "$DESTDIR/usr/bin"
		echo "RTLDLIST=$slibdir/ld-linux-x86-64.so.2" >"$DESTDIR/usr/bin/ldd"
		sed -i -f "$top/ldd-rewrite.sed" "$DESTDIR/usr/bin/ldd"
	}
	install
	mkdir -p "$DESTDIR/probe"
	cp "$top/configure.args" "$DESTDIR/probe/glibc-$MLFS_ABI.args"
	if [ "$MLFS_ABI" = "$MLFS_PRIMARY_ABI" ]; then
		grep '^RTLDLIST=' "$DESTDIR/usr/bin/ldd" >"$DESTDIR/probe/rtldlist"
	fi
	rm -rf "$DESTDIR/usr"
}
EOF

# probe-sysglibc: the real system glibc build.sh's install, with a make install
# that writes ldd as each ABI's glibc does: the x86_64 rewrite of the loader
# list for 64, the one loader of its own for 32 and x32 (that ldd is not
# merged: the primary ABI's programs are)
d=recipes/cross/probe-sysglibc
mkdir -p $d/src
cp "$TOP/recipes/system/glibc/build.sh" $d/src/real.sh
cp "$F/ldd-rewrite.sed" $d/src/
printf '{"name": "probe-sysglibc", "version": "1", "stage": "cross", "order": 4, "abis": "all", "primary_first": true, "include": ["layout.sh"], "sources": [{"path": "src"}]}\n' >$d/recipe.json
cat >$d/build.sh <<'EOF'
# shellcheck shell=bash
install() {
	local top=$PWD
	# shellcheck source=/dev/null
	. ./real.sh
	make() {
		mkdir -p "$DESTDIR/usr/bin"
		if [ "$MLFS_ABI" = "$MLFS_PRIMARY_ABI" ]; then
			echo "RTLDLIST=$LIBDIR/ld-linux-x86-64.so.2" >"$DESTDIR/usr/bin/ldd"
			sed -i -f "$top/ldd-rewrite.sed" "$DESTDIR/usr/bin/ldd"
		else
			echo "RTLDLIST=$LIBDIR/ld-linux.so.2" >"$DESTDIR/usr/bin/ldd"
		fi
	}
	install
	mkdir -p "$DESTDIR/probe"
	grep '^RTLDLIST=' "$DESTDIR/usr/bin/ldd" >"$DESTDIR/probe/sys-rtldlist-$MLFS_ABI"
	rm -rf "$DESTDIR/usr"
}
EOF

build_layout() {
	mkdir -p "lfs-$1"
	if ! "$MLFS" --state="$TRASH/st-$1" build --lfs "$TRASH/lfs-$1" --layout "$1" --abi 32,64,x32 \
		--recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" >"b-$1.log" 2>&1; then
		cat "b-$1.log"
		return 1
	fi
}

test_expect_success 'lfs: the same t-linux64 as the book edit, the same glibc configure lines and ldd' '
	build_layout lfs &&
	cp "$F/t-linux64" book-t-linux64 &&
	sed -e "/m64=/s/lib64/lib/" \
		-e "/m32=/s/m32=.*/m32=..\/lib32\$(call if_multiarch,:i386-linux-gnu)/" -i book-t-linux64 &&
	test_cmp book-t-linux64 lfs-lfs/probe/t-linux64 &&
	grep -qx "libc_cv_slibdir=/usr/lib" lfs-lfs/probe/glibc-64.args &&
	! grep -q -- "--libdir" lfs-lfs/probe/glibc-64.args &&
	grep -qx -- "--libdir=/usr/lib32" lfs-lfs/probe/glibc-32.args &&
	grep -qx "libc_cv_slibdir=/usr/lib32" lfs-lfs/probe/glibc-32.args &&
	grep -qx "libc_cv_slibdir=/usr/libx32" lfs-lfs/probe/glibc-x32.args &&
	for a in 64 32 x32; do grep -qx -- --disable-crypt lfs-lfs/probe/glibc-$a.args || exit 1; done &&
	grep -qx "RTLDLIST=\"/lib/ld-linux.so.2 /lib64/ld-linux-x86-64.so.2 /libx32/ld-linux-x32.so.2\"" lfs-lfs/probe/rtldlist &&
	grep -qx "RTLDLIST=\"/lib/ld-linux.so.2 /lib64/ld-linux-x86-64.so.2 /libx32/ld-linux-x32.so.2\"" lfs-lfs/probe/sys-rtldlist-64 &&
	grep -qx "RTLDLIST=/usr/lib32/ld-linux.so.2" lfs-lfs/probe/sys-rtldlist-32 &&
	cmp "$F/genscripts.sh.in" lfs-lfs/probe/genscripts.sh
'

test_expect_success 'multiarch: gcc multilib dirs, glibc libdir and slibdir, ldd and ld search dirs under /usr/lib/<triplet>' '
	build_layout multiarch &&
	t=lfs-multiarch/probe/t-linux64 &&
	grep -q "^MULTILIB_OSDIRNAMES = m64=../lib/x86_64-linux-gnu\$(call if_multiarch,:x86_64-linux-gnu)$" $t &&
	grep -q "^MULTILIB_OSDIRNAMES+= m32=../lib/i386-linux-gnu\$(call if_multiarch,:i386-linux-gnu)$" $t &&
	grep -q "^MULTILIB_OSDIRNAMES+= mx32=../lib/x86_64-linux-gnux32\$(call if_multiarch,:x86_64-linux-gnux32)$" $t &&
	grep -qx -- "--libdir=/usr/lib/x86_64-linux-gnu" lfs-multiarch/probe/glibc-64.args &&
	grep -qx "libc_cv_slibdir=/usr/lib/x86_64-linux-gnu" lfs-multiarch/probe/glibc-64.args &&
	grep -qx "libc_cv_slibdir=/usr/lib/i386-linux-gnu" lfs-multiarch/probe/glibc-32.args &&
	grep -qx "libc_cv_slibdir=/usr/lib/x86_64-linux-gnux32" lfs-multiarch/probe/glibc-x32.args &&
	grep -qx "RTLDLIST=\"/lib64/ld-linux-x86-64.so.2 /lib/ld-linux.so.2 /libx32/ld-linux-x32.so.2\"" lfs-multiarch/probe/rtldlist &&
	grep -qx "RTLDLIST=\"/lib64/ld-linux-x86-64.so.2 /lib/ld-linux.so.2 /libx32/ld-linux-x32.so.2\"" lfs-multiarch/probe/sys-rtldlist-64 &&
	test -s lfs-multiarch/probe/sys-rtldlist-x32
'

test_expect_success 'multiarch: the edited genscripts.sh puts each emulation'"'"'s libdir first' '
	g=lfs-multiarch/probe/genscripts.sh &&
	for e in elf_x86_64:/usr/lib/x86_64-linux-gnu elf_i386:/usr/lib/i386-linux-gnu elf32_x86_64:/usr/lib/x86_64-linux-gnux32; do
		# run the edited search-path part of genscripts.sh for the emulation
		out=$(EMULATION_NAME=${e%%:*} bash -c "
			LIB_PATH=; use_sysroot=yes; NATIVE=; TOOL_LIB=; USE_LIBPATH=yes
			NATIVE_LIB_DIRS=\"/usr/local/lib /lib /usr/lib\"
			case \$EMULATION_NAME in elf_x86_64) LIBPATH_SUFFIX=64 ;; elf_i386) LIBPATH_SUFFIX=32 ;; *) LIBPATH_SUFFIX=x32 ;; esac
			$(sed -n "/^# Paths with LIBPATH_SUFFIX/,/^LIB_SEARCH_DIRS=/p" $g)
			echo \"\$LIB_PATH\"") &&
		case $out in "=${e#*:}:"*) ;; *) echo "${e%%:*}: $out"; exit 1 ;; esac
	done
'

test_expect_success 'lib64: m64 in ../lib64, m32 in ../lib; glibc 64 in /usr/lib64' '
	build_layout lib64 &&
	t=lfs-lib64/probe/t-linux64 &&
	grep -q "^MULTILIB_OSDIRNAMES = m64=../lib64\$(call if_multiarch,:x86_64-linux-gnu)$" $t &&
	grep -q "^MULTILIB_OSDIRNAMES+= m32=../lib\$(call if_multiarch,:i386-linux-gnu)$" $t &&
	grep -q "^MULTILIB_OSDIRNAMES+= mx32=../libx32\$(call if_multiarch,:x86_64-linux-gnux32)$" $t &&
	grep -qx -- "--libdir=/usr/lib64" lfs-lib64/probe/glibc-64.args &&
	grep -qx "libc_cv_slibdir=/usr/lib64" lfs-lib64/probe/glibc-64.args &&
	grep -qx "libc_cv_slibdir=/usr/lib" lfs-lib64/probe/glibc-32.args &&
	grep -qx "RTLDLIST=\"/lib64/ld-linux-x86-64.so.2 /lib/ld-linux.so.2 /libx32/ld-linux-x32.so.2\"" lfs-lib64/probe/rtldlist
'

test_done
