#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='sources through mlfs: http fetch, cache, offline, checksums, mirrors, patches, --source, git'
. "$(dirname "$0")/lib.sh"

# a small source release, served by busybox httpd on 127.0.0.1
mkdir -p www/pub www/mirror srcs/hello-1.0
cat >srcs/hello-1.0/hello.c <<'C'
#include <stdio.h>
int main(void) { puts("hello, world"); return 0; }
C
printf 'all:\n\t$(CC) -o hello hello.c\n' >srcs/hello-1.0/Makefile
tar -C srcs -czf www/pub/hello-1.0.tar.gz hello-1.0
cp www/pub/hello-1.0.tar.gz www/mirror/
SUM=$(sha256sum www/pub/hello-1.0.tar.gz | cut -d" " -f1)
PORT=$((20000 + RANDOM % 20000))
busybox httpd -f -p "127.0.0.1:$PORT" -h "$TRASH/www" &
HTTPD=$!
trap 'kill $HTTPD 2>/dev/null; test_cleanup' EXIT
for i in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

# mkhello NAME URL SUM [EXTRA-JSON]
mkhello() {
	mkdir -p "r/$1"
	printf '{"name": "%s", "version": "1.0", "stage": "system", "abis": ["32", "64"],\n "sources": [{"url": "%s", "sha256": "%s"}]%s}\n' \
		"$1" "$2" "$3" "${4:-}" >"r/$1/recipe.json"
	cat >"r/$1/build.sh" <<-'SH'
	# shellcheck shell=bash
	build() { make CC="$CC"; }
	install() { mkdir -p "$DESTDIR$LIBDIR/hello"; cp hello "$DESTDIR$LIBDIR/hello/"; }
	SH
}
ml() { "$MLFS" --state="$TRASH/st" "$@" --recipes "$TRASH/r" --profiles "$TOP/abi-profiles" --abi 32,64 --root "$TRASH/root"; }

test_expect_success 'fetch downloads and verifies into the content-addressed cache' '
	mkhello hello "http://127.0.0.1:$PORT/pub/hello-1.0.tar.gz" "$SUM" &&
	ml fetch 2>f.err &&
	test -f "st/cache/sha256/$SUM" &&
	test "$(readlink -f st/cache/by-name/hello-1.0.tar.gz)" = "$(readlink -f "st/cache/sha256/$SUM")"
'

test_expect_success 'build unpacks the verified archive and builds it for 32 and 64' '
	ml build 2>b.err &&
	root/usr/lib32/hello/hello | grep -q "hello, world" &&
	readelf -h root/usr/lib32/hello/hello | grep -q "Intel 80386" &&
	readelf -h root/usr/lib/hello/hello | grep -q "X86-64"
'

test_expect_success 'offline, a source missing from the cache fails its nodes and is named' '
	rm -rf st root &&
	test_expect_code 1 ml build --offline 2>off.err &&
	grep -q "hello-1.0.tar.gz" off.err &&
	grep -q "could not be fetched" st/logs/hello/64.log &&
	! grep -q LeakSanitizer off.err &&
	test ! -e root/usr/lib/hello
'

test_expect_success 'a source that cannot be fetched fails its nodes only: the rest still builds' '
	rm -rf st root &&
	mkhello gone "http://127.0.0.1:$PORT/gone/gone-1.0.tar.gz" "$(printf %064d 1)" ", \"depends\": [\"hello\"]" &&
	test_expect_code 1 ml build -k 9 2>gone.err &&
	grep -q "gone-1.0.tar.gz" gone.err &&
	grep -q "will fail at their turn" gone.err &&
	root/usr/lib/hello/hello | grep -q "hello, world" &&
	root/usr/lib32/hello/hello | grep -q "hello, world" &&
	grep -q "source .gone-1.0.tar.gz. could not be fetched" st/logs/gone/64.log &&
	test ! -e root/usr/lib/gone &&
	rm -rf r/gone
'

test_expect_success 'a checksum mismatch names the url and both hashes; nothing is installed' '
	rm -rf st root r &&
	mkhello hello "http://127.0.0.1:$PORT/pub/hello-1.0.tar.gz" "$(printf %064d 0)" &&
	test_expect_code 1 ml build 2>sum.err &&
	grep -q "http://127.0.0.1:$PORT/pub/hello-1.0.tar.gz" sum.err &&
	grep -q "$SUM" sum.err &&
	grep -q "$(printf %064d 0)" sum.err &&
	test ! -e root/usr/lib/hello &&
	test -n "$(ls st/cache/quarantine)"
'

test_expect_success 'a dead upstream url falls back to --mirror' '
	rm -rf st root r &&
	mkhello hello "http://127.0.0.1:$PORT/gone/hello-1.0.tar.gz" "$SUM" &&
	ml build --mirror "http://127.0.0.1:$PORT/mirror" 2>m.err &&
	root/usr/lib/hello/hello | grep -q "hello, world"
'

test_expect_success 'patches are applied in order before prepare' '
	rm -rf st root r &&
	mkdir -p patches/hello &&
	(cp -R srcs/hello-1.0 a && cp -R srcs/hello-1.0 b &&
	 sed -i "s/hello, world/hello, patched world/" b/hello.c &&
	 diff -u a/hello.c b/hello.c >patches/hello/greeting.patch; true) &&
	PSUM=$(sha256sum patches/hello/greeting.patch | cut -d" " -f1) &&
	mkhello hello "http://127.0.0.1:$PORT/pub/hello-1.0.tar.gz" "$SUM" \
		", \"patches\": [{\"file\": \"hello/greeting.patch\", \"sha256\": \"$PSUM\"}]" &&
	ml build --patches "$TRASH/patches" 2>p.err &&
	root/usr/lib/hello/hello | grep -q "hello, patched world"
'

test_expect_success 'a patch whose checksum differs is refused when the recipe loads' '
	echo "# changed" >>patches/hello/greeting.patch &&
	test_expect_code 1 ml plan --patches "$TRASH/patches" 2>pc.err &&
	grep -q "patch .hello/greeting.patch. has sha256" pc.err
'

test_expect_success 'a patch that does not apply stops the node and shows the rejected hunk' '
	rm -rf st root &&
	sed -i "s/hello, world/goodbye, world/" patches/hello/greeting.patch &&
	sed -i "/# changed/d" patches/hello/greeting.patch &&
	PSUM=$(sha256sum patches/hello/greeting.patch | cut -d" " -f1) &&
	mkhello hello "http://127.0.0.1:$PORT/pub/hello-1.0.tar.gz" "$SUM" \
		", \"patches\": [{\"file\": \"hello/greeting.patch\", \"sha256\": \"$PSUM\"}]" &&
	test_expect_code 1 ml build --patches "$TRASH/patches" 2>rej.err &&
	grep -q "failed at step .patch." rej.err &&
	grep -q "rejected hunks" rej.err &&
	grep -q "^-.*goodbye, world" rej.err
'

test_expect_success '--source builds from a local tree whose content is part of the key' '
	rm -rf st root r &&
	mkhello hello "http://127.0.0.1:$PORT/none/hello-1.0.tar.gz" "$SUM" &&
	cp -R srcs/hello-1.0 tree &&
	sed -i "s/hello, world/hello from a local tree/" tree/hello.c &&
	ml build --source hello="$TRASH/tree" 2>s.err &&
	root/usr/lib/hello/hello | grep -q "hello from a local tree" &&
	ml plan --explain >e1 && test ! -s e1 &&
	echo "/* touched */" >>tree/hello.c &&
	ml plan --explain >e2 &&
	grep -q "^hello:64 *recipe, profile or options changed" e2
'

test_expect_success 'a git source is checked out at its pinned commit' '
	rm -rf st root r &&
	git init -q gitsrc && cp srcs/hello-1.0/* gitsrc/ &&
	git -C gitsrc add . && git -C gitsrc -c user.name=t -c user.email=t@t commit -qm one &&
	C1=$(git -C gitsrc rev-parse HEAD) &&
	sed -i "s/hello, world/hello, later commit/" gitsrc/hello.c &&
	git -C gitsrc -c user.name=t -c user.email=t@t commit -qam two &&
	mkdir -p r/hello &&
	printf "{\"name\": \"hello\", \"version\": \"1.0\", \"stage\": \"system\",\n \"sources\": [{\"git\": \"%s\", \"commit\": \"%s\"}]}\n" "$TRASH/gitsrc" "$C1" >r/hello/recipe.json &&
	printf "build() { make CC=\"\$CC\"; }\ninstall() { mkdir -p \"\$DESTDIR/usr/bin\"; cp hello \"\$DESTDIR/usr/bin/\"; }\n" >r/hello/build.sh &&
	ml build 2>g.err &&
	root/usr/bin/hello | grep -q "^hello, world$"
'

test_done
