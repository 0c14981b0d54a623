#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='build the fixture set for 32, 64 and x32 in host mode, resume, fail, fix'
. "$(dirname "$0")/lib.sh"

cp -R "$TOP/tests/fixtures/recipes" recipes
ml() { "$MLFS" --state="$TRASH/st" "$@"; }
OPTS=(--recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" --root "$TRASH/root")

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

# treehash DIR: paths, modes and contents of a tree
treehash() {
	(cd "$1" && find . -printf '%p %M %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum
}

test_expect_success 'plan lists every node in dependency order' '
	ml plan --abi 32,64,x32 "${OPTS[@]}" >plan &&
	test "$(wc -l <plan)" -eq 6 &&
	test "$(grep -n "^libdemo:32$" plan | cut -d: -f1)" -lt "$(grep -n "^demoprog:32$" plan | cut -d: -f1)" &&
	ml plan --abi 32,64,x32 "${OPTS[@]}" --dot | grep -q "\"libdemo:x32\" -> \"demoprog:x32\"" &&
	ml plan --abi 32,64,x32 "${OPTS[@]}" --json >plan.json &&
	python3 -c "import json,sys; d=json.load(open(\"plan.json\")); assert len(d[\"nodes\"])==6; assert all(n[\"run\"] for n in d[\"nodes\"])"
'

test_expect_success 'build all three ABIs, several nodes at once' '
	ml build --abi 32,64,x32 "${OPTS[@]}" -j 4 2>build.err &&
	grep -q "6 of 6 node(s) built" build.err
'

test_expect_success 'every library is in the libdir of its ABI' '
	for d in lib:64 lib32:32 libx32:x32; do
		dir=root/usr/${d%%:*} want=${d#*:}
		for f in "$dir"/libdemo.so.1 "$dir"/libdemo.a "$dir"/demo/demoprog; do
			test -f "$f" || { echo "missing $f"; exit 1; }
			got=$(elfabi "$f")
			test "$got" = "$want" || { echo "$f is $got, want $want"; exit 1; }
		done
		grep -q "^libdir=/usr/${d%%:*}$" "$dir"/pkgconfig/demo.pc
	done &&
	test "$(elfabi root/usr/bin/demoprog)" = 64
'

test_expect_success '32- and 64-bit programs run and print their pointer size' '
	LD_LIBRARY_PATH=root/usr/lib32 root/usr/lib32/demo/demoprog >out32 &&
	grep -q "32-bit pointers, 32-bit long" out32 &&
	LD_LIBRARY_PATH=root/usr/lib root/usr/lib/demo/demoprog >out64 &&
	grep -q "64-bit pointers, 64-bit long" out64
'

test_expect_success 'the x32 program is an x32 executable' '
	readelf -l root/usr/libx32/demo/demoprog | grep -q "/libx32/ld-linux-x32.so.2"
'

# where the preflight found a QEMU guest for x32 (orchestrator/guest.h), the
# check step of the x32 nodes ran in it; elsewhere it was skipped with the reason
if grep -q "^mlfs: x32: runs in a QEMU guest" build.err; then
	test_expect_success 'x32: the check step ran in a QEMU guest and passed' '
		ml log libdemo:x32 >x32.log &&
		grep -q "step .check. runs in a QEMU guest" x32.log &&
		grep -q "t-demo: ok" x32.log &&
		! grep -q "check skipped" x32.log
	'
	test_expect_success 'x32: the x32 program runs in a guest (mlfs guest) with its environment' '
		ml guest --cwd "$TRASH" -- env LD_LIBRARY_PATH="$TRASH/root/usr/libx32" \
			root/usr/libx32/demo/demoprog >outx32 &&
		grep -q "32-bit pointers, 32-bit long" outx32
	'
else
	test_skip 'x32: the check step ran in a QEMU guest' "$(grep "abi x32" build.err)"
	test_expect_success 'x32: the check step was skipped with the reason' '
		ml log libdemo:x32 | grep -q "check skipped for ABI .x32.: "
	'
fi

test_expect_success 'the differing header compiles for every ABI and tells them apart' '
	printf "#include <demo.h>\nint main(void){return DEMO_LONG_BITS == sizeof(long)*8 ? 0 : 1;}\n" >h.c &&
	for m in -m32 -m64 -mx32; do gcc $m -Iroot/usr/include -c h.c -o h$m.o || exit 1; done &&
	gcc -m32 -Iroot/usr/include h.c -o h32 && ./h32 &&
	gcc -m64 -Iroot/usr/include h.c -o h64 && ./h64
'

test_expect_success 'the nodes of different ABIs built at the same time' '
	for a in 32 64 x32; do
		sed -n "s/^mlfs: --- step .build. of .libdemo:$a. started at //p" "st/logs/libdemo/$a.log"
		sed -n "/step .build. of/,/step ended/s/^mlfs: --- step ended at //p" "st/logs/libdemo/$a.log" | head -n 1
	done >times &&
	python3 - <<-PY
	t = [int(x) for x in open("times").read().split()]
	iv = [(t[i], t[i + 1]) for i in range(0, len(t), 2)]
	over = sum(1 for i in range(3) for j in range(i + 1, 3)
	           if iv[i][0] < iv[j][1] and iv[j][0] < iv[i][1])
	assert over >= 1, iv
	PY
'

test_expect_success 'a second build does nothing and says so' '
	treehash root >before &&
	ml build 2>again.err &&
	grep -q "nothing to do" again.err &&
	treehash root >after &&
	test_cmp before after
'

test_expect_success 'status and log' '
	ml status >status.out &&
	grep -q "^6 done, 0 failed, 0 interrupted, 0 pending" status.out &&
	ml log libdemo:32 | grep -q "step .install. of .libdemo:32."
'

test_expect_success 'a failing step stops the build and shows its log' '
	cp recipes/demoprog/build.sh good.sh &&
	printf "build_32() {\n\techo boom from the 32-bit build\n\texit 3\n}\n" >>recipes/demoprog/build.sh &&
	ml clean libdemo demoprog 2>/dev/null &&
	rm -rf root &&
	test_expect_code 1 ml build -j 1 2>fail.err &&
	grep -q "error: .demoprog:32. failed at step .build. (status 3)" fail.err &&
	grep -q "log: .*/logs/demoprog/32.log" fail.err &&
	grep -q "boom from the 32-bit build" fail.err &&
	test ! -e root/usr/lib32/demo/demoprog &&
	ml status >status.fail &&
	grep -q "^failed .*demoprog:32 .*at step .build." status.fail &&
	grep -q "^done .*libdemo:32" status.fail
'

test_expect_success 'after the fix, build finishes the rest without rebuilding what was done' '
	cp good.sh recipes/demoprog/build.sh &&
	ml plan --explain >explain &&
	grep -q "^demoprog:32 *failed at step .build.; recipe, profile or options changed" explain &&
	for n in $(grep "^done " status.fail | awk "{ print \$2 }"); do
		case $n in
		libdemo:*) ! grep -q "^$n " explain || { echo "$n would be rebuilt"; exit 1; } ;;
		demoprog:*) grep -q "^$n *recipe, profile or options changed" explain || exit 1 ;;
		esac
	done &&
	for n in $(grep "^pending .*libdemo" status.fail | awk "{ print \$2 }"); do
		grep -q "^$n *never built" explain || exit 1
	done &&
	ml build 2>fix.err &&
	LD_LIBRARY_PATH=root/usr/lib32 root/usr/lib32/demo/demoprog | grep -q "32-bit pointers" &&
	grep -q "$(wc -l <explain) of $(wc -l <explain) node(s) built" fix.err &&
	for n in $(grep "^done .*libdemo" status.fail | awk "{ print \$2 }"); do
		! grep -q "$n: " fix.err || { echo "$n rebuilt"; exit 1; }
	done
'

test_expect_success 'bad input: unknown ABI is a usage error' '
	test_expect_code 2 ml build --abi 32,x64 2>abi.err &&
	grep -q "unknown ABI .x64. (known: 32, 64, x32)" abi.err
'

test_expect_success 'bad input: malformed recipe names file and place, merges nothing' '
	treehash root >before &&
	printf "{\"name\": \"libdemo\",\n  \"version\" \"1\"}\n" >recipes/libdemo/recipe.json &&
	test_expect_code 1 ml build 2>bad.err &&
	grep -q "recipes/libdemo/recipe.json:2:" bad.err &&
	treehash root >after &&
	test_cmp before after
'

test_expect_success 'bad input: a missing build.sh is named' '
	cp -R "$TOP/tests/fixtures/recipes" r2 && rm r2/demoprog/build.sh &&
	test_expect_code 1 ml plan --recipes "$TRASH/r2" 2>nos.err &&
	grep -q "recipe .demoprog. has no build script" nos.err
'

test_expect_success 'DESTDIR reaches the install step only, not a build that installs into its own tree' '
	mkdir -p dr/probe/src &&
	echo "{ \"name\": \"probe\", \"version\": \"1\", \"stage\": \"system\", \"abis\": \"all\", \"sources\": [ { \"path\": \"src\" } ] }" >dr/probe/recipe.json &&
	echo probe >dr/probe/src/README &&
	cat >dr/probe/build.sh <<-\EOF &&
	# shellcheck shell=bash
	build() {
		# as gettext does: a make rule installs headers into the build tree
		sh -c "mkdir -p \"\${DESTDIR}\$PWD/inc\" && echo x >\"\${DESTDIR}\$PWD/inc/x.h\""
		test -f inc/x.h
	}
	install() {
		mkdir -p "$DESTDIR/usr/share/probe"
		sh -c "echo \"\${DESTDIR:-none}\"" >"$DESTDIR/usr/share/probe/seen"
	}
	EOF
	"$MLFS" --state="$TRASH/st-dr" build --abi 64 --recipes "$TRASH/dr" --profiles "$TOP/abi-profiles" \
		--root "$TRASH/root-dr" probe 2>dr.err &&
	case $(cat root-dr/usr/share/probe/seen) in
	*/stage/probe/64) ;;
	*) echo "install saw DESTDIR $(cat root-dr/usr/share/probe/seen)"; exit 1 ;;
	esac
'

test_expect_success 'steps run with umask 022 whatever the umask mlfs was started with' '
	mkdir -p um/probe/src &&
	echo "{ \"name\": \"probe\", \"version\": \"1\", \"stage\": \"system\", \"sources\": [ { \"path\": \"src\" } ] }" >um/probe/recipe.json &&
	echo probe >um/probe/src/README &&
	cat >um/probe/build.sh <<-\EOF &&
	# shellcheck shell=bash
	install() {
		mkdir -p "$DESTDIR/usr/share/probe/dir"
		echo x >"$DESTDIR/usr/share/probe/file"
		umask >"$DESTDIR/usr/share/probe/umask"
	}
	EOF
	(umask 000 && "$MLFS" --state="$TRASH/st-um" build --abi 64 --recipes "$TRASH/um" \
		--profiles "$TOP/abi-profiles" --root "$TRASH/root-um" probe 2>um.err) &&
	test "$(cat root-um/usr/share/probe/umask)" = 0022 &&
	test "$(stat -c %a root-um/usr/share/probe/file)" = 644 &&
	test "$(stat -c %a root-um/usr/share/probe/dir)" = 755
'

test_done
