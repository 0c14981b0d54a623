#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='resume after failures, interruptions and kill -9; rebuilds'
. "$(dirname "$0")/lib.sh"
# x32 steps stay on the host here (checked by ELF headers, skipped checks):
# this test is not about them; t9000, t9100 and t8000 run them in the guest
export MLFS_GUEST=off

cp -R "$TOP/tests/fixtures/recipes" recipes
# a third package that takes a little while, so that kills land mid-step
mkdir -p recipes/slow/src
printf '{"name": "slow", "version": "1", "stage": "system", "abis": "all",\n "depends": ["libdemo"], "sources": [{"path": "src"}]}\n' >recipes/slow/recipe.json
printf 'slow data\n' >recipes/slow/src/data
cat >recipes/slow/build.sh <<'SH'
# shellcheck shell=bash
build() {
	for i in 1 2 3 4 5; do sleep 0.2; echo "$i" >>progress; done
}
check() {
	grep -q 5 progress
}
install() {
	mkdir -p "$DESTDIR/usr/share/slow" "$DESTDIR$LIBDIR/slow"
	cp data "$DESTDIR/usr/share/slow/"
	cp progress "$DESTDIR$LIBDIR/slow/"
}
SH
ml() { "$MLFS" --state="$TRASH/st" "$@"; }
OPTS=(--recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" --abi "32,64,x32")

treehash() {
	(cd "$1" && find . -printf '%p %M %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum
}

test_expect_success 'an uninterrupted build, for reference' '
	"$MLFS" --state="$TRASH/ref" build "${OPTS[@]}" --root "$TRASH/root" -q &&
	treehash root >ref.hash &&
	rm -rf root
'

test_expect_success '--from-step restarts a failed node in its kept tree' '
	cp recipes/slow/build.sh slow.good &&
	printf "check_64() {\n\techo check failed on purpose\n\texit 1\n}\n" >>recipes/slow/build.sh &&
	test_expect_code 1 ml build "${OPTS[@]}" --root "$TRASH/root" -q 2>/dev/null &&
	cp slow.good recipes/slow/build.sh &&
	ml build --from-step check 2>from.err &&
	grep -q "restarting at step .check." st/logs/slow/64.log &&
	test "$(grep -c "step .build. of .slow:64." st/logs/slow/64.log)" -eq 1 &&
	test "$(grep -c "step .check. of .slow:64." st/logs/slow/64.log)" -eq 2 &&
	test -f root/usr/lib/slow/progress
'

test_expect_success '--from-step names a step that does not exist' '
	test_expect_code 2 ml build --from-step compile 2>bad.err &&
	grep -q "from-step takes" bad.err
'

test_expect_success 'status during a build shows the running nodes; after kill -9, the killed ones' '
	cp recipes/slow/build.sh slow.good &&
	printf "build_64() {\n\tfor i in \$(seq 400); do [ -e %s/go ] && break; sleep 0.05; done\n\tbuild\n}\n" \
		"$TRASH" >>recipes/slow/build.sh &&
	{ "$MLFS" --state="$TRASH/st" build -j 3 2>run.err & } &&
	pid=$! &&
	for i in $(seq 200); do grep -q "slow:64: build" run.err 2>/dev/null && break; sleep 0.05; done &&
	ml status >running.out &&
	grep -q "^running  *slow:64 *$" running.out &&
	grep -q " running (mlfs pid $pid), " running.out &&
	kill -9 $pid && { wait $pid || true; } &&
	ml status >killed.out &&
	grep -q "^interrupted  *slow:64  *killed$" killed.out &&
	! grep -q "^running" killed.out &&
	cp slow.good recipes/slow/build.sh &&
	ml build -q &&
	ml status | grep -q "^9 done"
'

test_expect_success 'Ctrl-C stops every job, journals it and exits 130' '
	ml clean slow >/dev/null 2>&1 &&
	{ "$MLFS" --state="$TRASH/st" build --keep-build -j 3 2>int.err & } &&
	pid=$! &&
	for i in $(seq 100); do grep -q "slow:.*: build" int.err 2>/dev/null && break; sleep 0.05; done &&
	kill -INT $pid &&
	rc=0 && wait $pid || rc=$? &&
	test "$rc" -eq 130 &&
	grep -q "interrupted by signal 2" int.err &&
	grep -q "\"ev\":\"interrupted\"" st/journal.jsonl &&
	! (for p in /proc/[0-9]*; do readlink "$p/cwd"; done 2>/dev/null | grep -q "^$TRASH/st/") &&
	ml build -q &&
	ml status | grep -q "^9 done"
'

test_expect_success 'kill -9 at 20 random moments, each followed by build, ends as the uninterrupted build' '
	rm -rf st root &&
	for i in $(seq 20); do
		"$MLFS" --state="$TRASH/st" build "${OPTS[@]}" --root "$TRASH/root" -q 2>>kill.err &
		pid=$!
		sleep "$((RANDOM % 2)).$(printf "%03d" $((RANDOM % 1000)))"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		# start afresh now and then, so that kills also land early
		if [ $((i % 5)) -eq 0 ] && ml status >/dev/null 2>&1 && ml status | grep -q "^9 done"; then
			rm -rf st root
		fi
	done &&
	ml build "${OPTS[@]}" --root "$TRASH/root" -q &&
	ml status | grep -q "^9 done" &&
	treehash root >got.hash &&
	test_cmp ref.hash got.hash
'

test_expect_success 'a second mlfs on the same state dir is refused' '
	"$MLFS" --state="$TRASH/st" rebuild slow:64 -q &
	pid=$! &&
	sleep 0.3 &&
	test_expect_code 1 ml build 2>lock.err &&
	grep -q "another mlfs (pid $pid) is using state dir" lock.err &&
	wait $pid
'

test_expect_success 'a merged node leaves no tree; trees left in the trash by a killed build go' '
	mkdir -p st/trash/1.0/deep &&
	echo left >st/trash/1.0/deep/file &&
	ml rebuild slow:64 -q &&
	! test -e st/build/slow/64 && ! test -e st/stage/slow/64 &&
	for i in $(seq 100); do test -z "$(ls -A st/trash)" && break; sleep 0.05; done &&
	test -z "$(ls -A st/trash)"
'

test_expect_success 'rebuild PKG:ABI rebuilds exactly that node' '
	ml rebuild libdemo:32 2>rb.err &&
	grep -q "1 of 1 node(s) built" rb.err &&
	grep -q "libdemo:32: merged" rb.err
'

test_expect_success 'rebuild --dependents also rebuilds what depends on it' '
	ml rebuild libdemo:32 --dependents 2>rbd.err &&
	grep -q "3 of 3 node(s) built" rbd.err &&
	grep -q "demoprog:32: merged" rbd.err &&
	grep -q "slow:32: merged" rbd.err
'

test_expect_success 'editing one recipe rebuilds exactly it and its dependents' '
	echo "# a comment" >>recipes/demoprog/build.sh &&
	ml plan --explain >ex &&
	test "$(wc -l <ex)" -eq 3 &&
	grep -q "^demoprog:32 *recipe, profile or options changed" ex &&
	printf "more\n" >>recipes/libdemo/src/demo-common.h &&
	ml plan --explain >ex2 &&
	test "$(wc -l <ex2)" -eq 9 &&
	grep -q "^libdemo:x32 *recipe, profile or options changed" ex2 &&
	grep -q "^slow:x32 *dependency .libdemo:x32. will be rebuilt" ex2
'

test_expect_success 'editing an include rebuilds exactly the recipes that name it' '
	sed -i "\$d" recipes/libdemo/src/demo-common.h &&
	ml build -q &&
	echo "# a comment" >>recipes/include/demo.sh &&
	ml plan --explain >ex3 &&
	test "$(wc -l <ex3)" -eq 3 &&
	grep -q "^demoprog:x32 *recipe, profile or options changed" ex3 &&
	ml build -q &&
	printf "demo_cc() {\n\techo broken on purpose\n\texit 9\n}\n" >>recipes/include/demo.sh &&
	test_must_fail ml build -q 2>inc.err &&
	grep -q "broken on purpose" inc.err
'

test_done
