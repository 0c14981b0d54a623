#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='in every layout: the fixture set built in host mode for 32, 64 and x32, then used by real meson and CMake projects through the generated files'
. "$(dirname "$0")/lib.sh"

cp -R "$TOP/tests/fixtures/recipes" recipes

# elfabi FILE: the ABI an ELF file belongs to (32, 64, x32) from readelf -h
elfabi() {
	local class machine
	class=$(readelf -h "$1" | sed -n 's/^ *Class: *//p')
	machine=$(readelf -h "$1" | sed -n 's/^ *Machine: *//p')
	case "$class/$machine" in
	ELF32/*80386*) echo 32 ;;
	ELF64/*X86-64*) echo 64 ;;
	ELF32/*X86-64*) echo x32 ;;
	*) echo "unknown:$class/$machine" ;;
	esac
}

# a client project: meson and CMake both, linking libdemo found by pkg-config
mkdir -p client
cat >client/useme.c <<'EOF'
#include <stdio.h>
#include <demo.h>
int main(void) { printf("%s %d\n", demo_hello(), demo_ptrbits()); return 0; }
EOF
cat >client/meson.build <<'EOF'
project('useme', 'c')
demo = dependency('demo')
executable('useme', 'useme.c', dependencies: demo, install: true)
EOF
cat >client/CMakeLists.txt <<'EOF'
cmake_minimum_required(VERSION 3.13)
project(useme C)
find_package(PkgConfig REQUIRED)
pkg_check_modules(DEMO REQUIRED IMPORTED_TARGET demo)
add_executable(useme useme.c)
target_link_libraries(useme PkgConfig::DEMO)
EOF
# a decoy the caller's pkg-config variables point at: a client that picks it
# up fails to link
mkdir -p decoy
printf 'Name: demo\nDescription: decoy\nVersion: 9\nLibs: -lnosuchdecoy\nCflags: -I/nonexistent\n' >decoy/demo.pc
export PKG_CONFIG_PATH=$TRASH/decoy PKG_CONFIG_LIBDIR=$TRASH/decoy

# needed ELF: the libraries an ELF file names
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

test_expect_success 'meson is Debian 12 meson (1.0), CMake is there' '
	meson --version | grep -q "^1\." &&
	cmake --version >/dev/null
'

for layout in lfs lib64 multiarch; do
	case $layout in
	lfs) d64=usr/lib d32=usr/lib32 dx32=usr/libx32 ;;
	lib64) d64=usr/lib64 d32=usr/lib dx32=usr/libx32 ;;
	multiarch) d64=usr/lib/x86_64-linux-gnu d32=usr/lib/i386-linux-gnu dx32=usr/lib/x86_64-linux-gnux32 ;;
	esac
	R=$TRASH/root-$layout
	export R layout d64 d32 dx32

	test_expect_success "$layout: the fixture set builds for 32, 64 and x32, each library in its libdir" '
		"$MLFS" --state="$TRASH/st-$layout" build --abi 32,64,x32 --layout $layout \
			--recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" --root "$R" 2>build-$layout.err &&
		grep -q "6 of 6 node(s) built" build-$layout.err &&
		for d in $d64:64 $d32:32 $dx32:x32; do
			dir=$R/${d%%:*} want=${d#*:}
			for f in "$dir"/libdemo.so.1 "$dir"/libdemo.a "$dir"/demo/demoprog; do
				test -f "$f" || { echo "missing $f"; exit 1; }
				got=$(elfabi "$f")
				test "$got" = "$want" || { echo "$f is $got, want $want"; exit 1; }
			done
			grep -q "^libdir=/${d%%:*}$" "$dir"/pkgconfig/demo.pc || exit 1
		done &&
		test "$(elfabi "$R"/usr/bin/demoprog)" = 64
	'

	test_expect_success "$layout: the pkg-config wrappers answer for their ABI and root, not the caller's PKG_CONFIG_*" '
		"$R"/usr/bin/i686-pc-linux-gnu-pkg-config --libs demo | grep -qx -- "-L$R/$d32 -ldemo *" &&
		"$R"/usr/bin/x86_64-pc-linux-gnux32-pkg-config --libs demo | grep -qx -- "-L$R/$dx32 -ldemo *" &&
		PKG_CONFIG_SYSROOT_DIR=/nonexistent "$R"/usr/bin/x86_64-pc-linux-gnu-pkg-config --libs demo |
			grep -qx -- "-L$R/$d64 -ldemo *"
	'

	test_expect_success "$layout: meson 1.0, native file, 32: a 32-bit program linking the root's libdemo" '
		rm -rf m32 && meson setup m32 client --native-file "$R"/usr/share/mlfs/meson/native-32.ini >m32.log 2>&1 &&
		ninja -C m32 >>m32.log 2>&1 &&
		test "$(elfabi m32/useme)" = 32 && needed m32/useme | grep -qx libdemo.so.1 &&
		grep -q "$R/$d32" m32/build.ninja &&
		LD_LIBRARY_PATH=$R/$d32 ./m32/useme | grep -q " 32$" &&
		DESTDIR=$TRASH/inst-m32 meson install -C m32 >>m32.log 2>&1 &&
		test -f inst-m32/usr/bin/useme
	'

	test_expect_success "$layout: meson 1.0, native file, 64: the root's pkg-config, not the host's" '
		rm -rf m64 && meson setup m64 client --native-file "$R"/usr/share/mlfs/meson/native-64.ini >m64.log 2>&1 &&
		ninja -C m64 >>m64.log 2>&1 &&
		test "$(elfabi m64/useme)" = 64 && grep -q "$R/$d64" m64/build.ninja &&
		LD_LIBRARY_PATH=$R/$d64 ./m64/useme | grep -q " 64$"
	'

	test_expect_success "$layout: meson 1.0, cross files for 32 and x32" '
		for a in 32:$d32 x32:$dx32; do
			rm -rf mc && meson setup mc client --cross-file "$R"/usr/share/mlfs/meson/cross-${a%%:*}.ini >mc.log 2>&1 &&
			ninja -C mc >>mc.log 2>&1 &&
			test "$(elfabi mc/useme)" = "${a%%:*}" && needed mc/useme | grep -qx libdemo.so.1 &&
			grep -q "$R/${a#*:}" mc/build.ninja || { cat mc.log; exit 1; }
		done
	'

	test_expect_success "$layout: CMake toolchain files for 32 and x32: the ABI's program, the root's libdemo" '
		for a in 32:$d32 x32:$dx32; do
			rm -rf cm && cmake -S client -B cm -DCMAKE_TOOLCHAIN_FILE="$R"/usr/share/mlfs/cmake/${a%%:*}.cmake >cm.log 2>&1 &&
			cmake --build cm >>cm.log 2>&1 &&
			test "$(elfabi cm/useme)" = "${a%%:*}" && needed cm/useme | grep -qx libdemo.so.1 &&
			grep -rq -- "-L$R/${a#*:}\|$R/${a#*:}/libdemo.so" cm/CMakeFiles/useme.dir/link.txt || { cat cm.log; exit 1; }
		done
	'
done

test_done
