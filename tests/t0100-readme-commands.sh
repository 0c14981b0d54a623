#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='the README command lines as written: host mode leaves out what only an LFS build uses, --abi without 64, the kept package list, counts in scope, options before or after the command'
. "$(dirname "$0")/lib.sh"

# the fixture set, a Chapter 5 recipe that needs $LFS (as binutils-pass1
# does), an lfs_only one, and a needs_run one (python's case: x32 programs do
# not run on most kernels)
cp -R "$TOP/tests/fixtures/recipes" recipes
mkdir -p recipes/cross/tool-pass1 recipes/hostlibc recipes/runsit
printf '{"name": "tool-pass1", "version": "1", "stage": "cross"}\n' >recipes/cross/tool-pass1/recipe.json
printf 'build() { : "${LFS:?}"; }\n' >recipes/cross/tool-pass1/build.sh
printf '{"name": "hostlibc", "version": "1", "stage": "system", "abis": "all", "lfs_only": "the host'"'"'s C library serves"}\n' \
	>recipes/hostlibc/recipe.json
printf 'build() { exit 1; }\n' >recipes/hostlibc/build.sh
printf '{"name": "runsit", "version": "1", "stage": "system", "abis": "all", "needs_run": true}\n' \
	>recipes/runsit/recipe.json
printf 'build() { :; }\n' >recipes/runsit/build.sh
# what the README writes, with this sandbox's recipe set
export MLFS_STATE=$TRASH/st
# x32 "runs" here when this kernel runs it (not through the QEMU guest, which
# t9500 covers): the counts below follow that
export MLFS_GUEST=off
ml() { "$MLFS" --recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" "$@"; }
printf 'int main(void) { return 0; }\n' >x.c && gcc -mx32 -o x32prog x.c
if ./x32prog 2>/dev/null; then x32runs=1; else x32runs=0; fi
export x32runs

test_expect_success 'mlfs build --abi 32,64,x32 --root DIR: host mode leaves out the LFS-only recipes, one line each, and builds the rest' '
	ml build --abi 32,64,x32 --root "$TRASH/root" -j 2 2>b1.err &&
	grep -qx "mlfs: .tool-pass1. left out in host mode: a Chapter 5 recipe: the cross toolchain of an LFS build" b1.err &&
	grep -qx "mlfs: .hostlibc. left out in host mode: the host.s C library serves" b1.err &&
	test "$(grep -c "left out in host mode" b1.err)" -eq 2 &&
	test -f root/usr/lib32/libdemo.so.1 && test -f root/usr/libx32/libdemo.so.1 && test -f root/usr/bin/demoprog
'

test_expect_success 'mlfs build, again: nothing to do, counting the nodes of the build' '
	ml build 2>b2.err &&
	want=$((6 + 2 + x32runs)) &&
	grep -qx "mlfs: nothing to do: all $want node(s) are built" b2.err
'

test_expect_success 'mlfs build PKG keeps the package list: a bare build resumes it, counts only its nodes' '
	rm -rf st2 root2 &&
	ml --state "$TRASH/st2" build libdemo --abi 32,64,x32 --root "$TRASH/root2" 2>b3.err &&
	grep -q "3 of 3 node(s) built" b3.err &&
	ml --state "$TRASH/st2" build 2>b4.err &&
	grep -qx "mlfs: the kept packages: libdemo (--all: every package)" b4.err &&
	grep -qx "mlfs: nothing to do: all 3 node(s) are built" b4.err &&
	! test -e root2/usr/bin/demoprog &&
	ml --state "$TRASH/st2" plan >p4 2>p4.err && ! test -s p4 &&
	grep -qx "mlfs: nothing to do: all 3 node(s) are built" p4.err &&
	ml --state "$TRASH/st2" status >s4 && grep -qx "3 done, 0 failed, 0 interrupted, 0 pending" s4 &&
	ml --state "$TRASH/st2" build --all 2>b5.err &&
	grep -q "$((3 + 2 + x32runs)) of $((3 + 2 + x32runs)) node(s) built" b5.err && test -f root2/usr/bin/demoprog &&
	ml --state "$TRASH/st2" build 2>b6.err && ! grep -q "kept packages" b6.err
'

test_expect_success '"left out" is said only of the packages asked for' '
	ml --state "$TRASH/st2" plan libdemo 2>p5.err &&
	! grep -q "left out" p5.err &&
	ml --state "$TRASH/st2" plan runsit 2>p6.err >p6 &&
	if [ "$x32runs" = 0 ]; then
		grep -q "^mlfs: .runsit:x32. left out: its build runs what it builds" p6.err
	fi &&
	! grep -q "tool-pass1\|hostlibc" p6.err &&
	grep -qx "mlfs: nothing to do: all $((2 + x32runs)) node(s) are built" p6.err &&
	ml --state "$TRASH/st2" plan hostlibc 2>p7.err &&
	grep -qx "mlfs: .hostlibc. left out in host mode: the host.s C library serves" p7.err
'

test_expect_success '--abi 32,x32 without 64: the first ABI is the primary one, in host mode' '
	rm -rf st3 root3 &&
	ml --state "$TRASH/st3" plan --abi 32,x32 --root "$TRASH/root3" libdemo >p7 2>p7.err &&
	printf "libdemo:32\nlibdemo:x32\n" >want7 && test_cmp want7 p7 &&
	! grep -q error p7.err &&
	ml --state "$TRASH/st3" build --abi 32,x32 --root "$TRASH/root3" 2>b7.err &&
	readelf -h root3/usr/bin/demoprog | grep -q "Class: *ELF32" &&
	readelf -h root3/usr/bin/demoprog | grep -q "80386" &&
	test -f root3/usr/lib32/libdemo.so.1 && test -f root3/usr/libx32/libdemo.so.1 &&
	! test -e root3/usr/lib/libdemo.so.1
'

test_expect_success 'an LFS build needs the primary ABI: a usage error saying so' '
	mkdir -p lfs &&
	test_expect_code 2 ml --state "$TRASH/st4" plan --abi 32,x32 --lfs "$TRASH/lfs" 2>e1 &&
	grep -q "an LFS build needs the primary ABI .64. of layout .lfs. in --abi" e1
'

test_expect_success 'options before or after the command' '
	"$MLFS" --state "$TRASH/st5" --recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" \
		--abi 32 --root "$TRASH/root5" plan libdemo >p8 &&
	"$MLFS" plan libdemo --state "$TRASH/st5" --recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" \
		--abi 32 --root "$TRASH/root5" >p9 &&
	printf "libdemo:32\n" >want8 && test_cmp want8 p8 && test_cmp want8 p9 &&
	"$MLFS" -j 2 --recipes="$TRASH/recipes" --profiles "$TOP/abi-profiles" --abi=32 --root "$TRASH/root5" plan libdemo >p10 &&
	test_cmp want8 p10 &&
	test_expect_code 2 "$MLFS" build -C "$TRASH" 2>e2 &&
	grep -qx "mlfs: option .-C. goes before the command (mlfs -C DIR COMMAND): the directory changes before the options and the state are read" e2 &&
	test_expect_code 2 "$MLFS" --frobnicate build 2>e3 &&
	grep -qx "mlfs: unknown option .--frobnicate." e3
'

test_done
