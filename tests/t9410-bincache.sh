#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='binary cache: built nodes restored into a fresh state and root, key changes miss, bad entries refused'
. "$(dirname "$0")/lib.sh"

cp -R "$TOP/tests/fixtures/recipes" recipes
BC=$TRASH/bc
# ml STATE ROOT ARGS...: build the fixture set for three ABIs with a fresh
# state STATE into a fresh root, always at $TRASH/root (the root's path is part
# of the node keys), then move the root to ROOT
ml() {
	local st=$1 root=$2 rc=0
	shift 2
	rm -rf "$TRASH/root"
	"$MLFS" --state="$TRASH/$st" build --abi 32,64,x32 --recipes "$TRASH/recipes" \
		--profiles "$TOP/abi-profiles" --root "$TRASH/root" "$@" || rc=$?
	mv "$TRASH/root" "$TRASH/$root"
	return $rc
}

# treehash DIR: paths, types, modes, link targets and contents of a tree
treehash() {
	(cd "$1" && find . -printf '%p %y %M %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum
}

# entry NODE: the key of NODE in the first build, its entry's name in the cache
entry() {
	jq -r "select(.node == \"$1\" and .key != null) | .key" "$TRASH/st1/journal.jsonl" | tail -n 1
}

# reindex KEY: make KEY's index match its (altered) archive, as a hostile cache would
reindex() {
	local sum size
	sum=$(sha256sum "$BC/$1.tar.zst" | cut -d" " -f1)
	size=$(stat -c %s "$BC/$1.tar.zst")
	jq --arg s "$sum" --argjson n "$size" '.sha256 = $s | .size = $n' "$BC/$1.json" >ix.tmp &&
	mv ix.tmp "$BC/$1.json"
}

test_expect_success 'a build with --cache stores every merged node' '
	ml st1 root1 --cache "$BC" -j 2 2>b1.err &&
	grep_q "6 of 6 node(s) built" b1.err &&
	test "$(ls "$BC"/*.json | wc -l)" -eq 6 &&
	test "$(ls "$BC"/*.tar.zst | wc -l)" -eq 6 &&
	! grep -q restored b1.err &&
	grep -q "\"cache\": \"$BC\"" st1/config.json
'

test_expect_success 'an entry holds the staging dir and a manifest naming node and key' '
	k=$(entry libdemo:32) &&
	zstd -dc "$BC/$k.tar.zst" | tar -tf - >members &&
	grep -qx "stage/usr/lib32/libdemo.so.1" members &&
	test "$(tail -n 1 members)" = MANIFEST.json &&
	zstd -dc "$BC/$k.tar.zst" | tar -xOf - MANIFEST.json >man.json &&
	test "$(jq -r .node man.json)" = libdemo:32 &&
	test "$(jq -r .key man.json)" = "$k" &&
	jq -e ".files | index(\"usr/lib32/libdemo.so.1\")" man.json >/dev/null
'

test_expect_success 'a fresh state and root restore every node: the root is the built one' '
	ml st2 root2 --cache "$BC" 2>b2.err &&
	test "$(grep -c ": restored (" b2.err)" -eq 6 &&
	grep_q "6 of 6 node(s) built in .* (6 restored from the cache)" b2.err &&
	test "$(treehash root1)" = "$(treehash root2)" &&
	diff -r --no-dereference root1 root2 &&
	"$MLFS" --state="$TRASH/st2" status >status.out &&
	test "$(grep -c "^restored " status.out)" -eq 6 &&
	grep_q "6 done (6 restored)" status.out &&
	grep_q "restored from the binary cache" st2/logs/libdemo/64.log &&
	LD_LIBRARY_PATH=root2/usr/lib32 root2/usr/lib32/demo/demoprog | grep -q "32-bit pointers"
'

test_expect_success 'a bare build after a restore has nothing to do' '
	mv root2 root && "$MLFS" --state="$TRASH/st2" build 2>b2b.err &&
	grep_q "nothing to do" b2b.err && mv root root2
'

test_expect_success 'a changed source misses the cache: the node and its users are built' '
	echo "/* changed */" >>recipes/libdemo/src/demo.c &&
	ml st3 root3 --cache "$BC" 2>b3.err &&
	grep_q "6 of 6 node(s) built" b3.err &&
	! grep -q restored b3.err &&
	test "$(ls "$BC"/*.json | wc -l)" -eq 12 &&
	cp "$TOP/tests/fixtures/recipes/libdemo/src/demo.c" recipes/libdemo/src/demo.c
'

test_expect_success 'with the old source again every node is restored' '
	ml st4 root4 --cache "$BC" 2>b4.err &&
	grep_q "(6 restored from the cache)" b4.err &&
	test "$(treehash root1)" = "$(treehash root4)"
'

test_expect_success 'a corrupt and a truncated entry are refused and built (and stored again); the rest restore' '
	k64=$(entry libdemo:64) && k32=$(entry demoprog:32) &&
	size=$(stat -c %s "$BC/$k64.tar.zst") &&
	printf "\377" | dd of="$BC/$k64.tar.zst" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	truncate -s $(($(stat -c %s "$BC/$k32.tar.zst") / 2)) "$BC/$k32.tar.zst" &&
	ml st5 root5 --cache "$BC" 2>b5.err &&
	grep_q "$k64.tar.zst. has sha256 .*corrupt, not used" b5.err &&
	grep_q "$k32.tar.zst. has .* bytes, its index says .*truncated" b5.err &&
	grep_q "libdemo:64.: its cache entry was refused; building it" b5.err &&
	grep_q "(4 restored from the cache)" b5.err &&
	grep_q "libdemo:64: merged" b5.err &&
	test "$(treehash root1)" = "$(treehash root5)" &&
	"$MLFS" --state="$TRASH/st5" status >status5 &&
	grep -q "^done  *libdemo:64" status5 &&
	grep -q "^restored  *libdemo:32" status5 &&
	ml st5b root5b --cache "$BC" 2>b5b.err &&
	grep_q "(6 restored from the cache)" b5b.err
'

# hostile NAME PYTHON: replace libdemo:64's archive by one that python writes
# into the tar file t (stage/ and a manifest are added), re-index it, build a
# fresh state and check that the entry was refused and nothing escaped
hostile() {
	k=$(entry libdemo:64)
	cp "$BC/$k.tar.zst" "good.$1" && cp "$BC/$k.json" "goodix.$1"
	python3 - "$k" <<-PY || return 1
	import io, sys, tarfile
	t = tarfile.open("t", "w", format=tarfile.PAX_FORMAT)
	def add(name, data=b"x", **kw):
	    i = tarfile.TarInfo(name)
	    for a, v in kw.items():
	        setattr(i, a, v)
	    i.size = len(data) if i.type == tarfile.REGTYPE else 0
	    t.addfile(i, io.BytesIO(data) if i.type == tarfile.REGTYPE else None)
	d = tarfile.TarInfo("stage"); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)
	$2
	add("MANIFEST.json", b'{"node": "libdemo:64", "key": "%s", "tree": "0"}' % sys.argv[1].encode())
	t.close()
	PY
	zstd -q -f t -o "$BC/$k.tar.zst" && reindex "$k" &&
	rm -rf "$TRASH/st-h" "$TRASH/root-h" &&
	ml st-h root-h --cache "$BC" 2>"h.$1.err"
	local rc=$?
	cp "good.$1" "$BC/$k.tar.zst" && cp "goodix.$1" "$BC/$k.json"
	[ $rc -eq 0 ] || { cat "h.$1.err"; return 1; }
	grep_q "libdemo:64.: its cache entry was refused" "h.$1.err" &&
	grep_q "(5 restored from the cache)" "h.$1.err" &&
	test "$(treehash root1)" = "$(treehash root-h)" &&
	test ! -e "$TRASH/evil" && test ! -e /tmp/mlfs-bincache-evil
}

test_expect_success 'a hostile entry with "..": refused, nothing written outside' '
	hostile dotdot "add(\"stage/../../../evil\")" &&
	grep_q "member .stage/../../../evil. refused" h.dotdot.err
'

test_expect_success 'a hostile entry with an absolute path: refused' '
	hostile abs "add(\"/tmp/mlfs-bincache-evil\")" &&
	grep_q "refused: absolute path" h.abs.err
'

test_expect_success 'a hostile entry writing through a symlink: refused' '
	hostile symlink "add(\"stage/usr\", type=tarfile.SYMTYPE, linkname=\"$TRASH\"); add(\"stage/usr/evil\")" &&
	grep_q "member .stage/usr/evil. refused: written through a symlink" h.symlink.err
'

test_expect_success 'a hostile entry with a device node or an outside hardlink: refused' '
	hostile dev "add(\"stage/null\", type=tarfile.CHRTYPE, devmajor=1, devminor=3)" &&
	grep_q "refused: a device" h.dev.err &&
	hostile hl "add(\"stage/passwd\", type=tarfile.LNKTYPE, linkname=\"/etc/passwd\")" &&
	grep_q "member .stage/passwd. refused" h.hl.err
'

test_expect_success 'an entry of another node under this key: refused' '
	k64=$(entry libdemo:64) && k32=$(entry libdemo:32) &&
	cp "$BC/$k64.tar.zst" good64 && cp "$BC/$k64.json" goodix64 &&
	cp "$BC/$k32.tar.zst" "$BC/$k64.tar.zst" &&
	jq --arg k "$k64" ".key = \$k | .node = \"libdemo:64\"" "$BC/$k32.json" >"$BC/$k64.json" &&
	ml st6 root6 --cache "$BC" 2>b6.err;
	rc=$?; cp good64 "$BC/$k64.tar.zst"; cp goodix64 "$BC/$k64.json"; test $rc -eq 0 &&
	grep_q "is of .libdemo:32., not .libdemo:64." b6.err &&
	test "$(treehash root1)" = "$(treehash root6)"
'

test_expect_success 'cache push copies this build'"'"'s entries, verified' '
	"$MLFS" --state="$TRASH/st1" cache push "$TRASH/bc2" 2>push.err &&
	grep_q "6 entries copied" push.err &&
	test "$(ls bc2/*.json | wc -l)" -eq 6 &&
	"$MLFS" --state="$TRASH/st1" cache push "$TRASH/bc2" 2>push2.err &&
	grep_q "0 entries copied" push2.err &&
	ml st7 root7 --cache "$TRASH/bc2" 2>b7.err &&
	grep_q "(6 restored from the cache)" b7.err
'

test_expect_success 'cache gc keeps the entries of this build and drops the others and broken ones' '
	k=$(entry libdemo:x32) &&
	echo junk >"$BC/.tmp-leftover" &&
	"$MLFS" --state="$TRASH/st1" cache gc 2>gc.err &&
	grep_q "13 file(s) removed" gc.err &&
	test "$(ls "$BC"/*.json | wc -l)" -eq 6 &&
	test -e "$BC/$k.json" && test ! -e "$BC/.tmp-leftover" &&
	truncate -s 10 "$BC/$k.tar.zst" &&
	"$MLFS" --state="$TRASH/st1" cache gc 2>gc2.err &&
	test "$(ls "$BC"/*.json | wc -l)" -eq 5
'

test_expect_success 'the cache is read over http' '
	python3 -u -m http.server --bind 127.0.0.1 0 --directory "$TRASH/bc2" >http.log 2>&1 &
	pid=$! &&
	for i in $(seq 50); do port=$(sed -n "s/.*port \([0-9]*\).*/\1/p" http.log); [ -n "$port" ] && break; sleep 0.1; done &&
	ml st8 root8 --cache "http://127.0.0.1:$port/" 2>b8.err; rc=$?
	kill $pid; test $rc -eq 0 &&
	grep_q "(6 restored from the cache)" b8.err &&
	test "$(treehash root1)" = "$(treehash root8)" &&
	test "$(ls st8/bincache/*.json | wc -l)" -eq 6
'

test_expect_success '--no-cache drops the kept cache' '
	mv root8 root && "$MLFS" --state="$TRASH/st8" build --no-cache 2>b9.err &&
	test "$(jq -r .cache st8/config.json)" = null
'

test_done
