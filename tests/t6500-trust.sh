#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='failures are failures, and the root is written beneath itself only'
. "$(dirname "$0")/lib.sh"

# mkrecipe NAME STEP BODY [JSON-EXTRA]: a recipe without sources whose STEP runs BODY
mkrecipe() {
	mkdir -p "r/$1"
	printf '{"name": "%s", "version": "1", "stage": "system"%s}\n' "$1" "${4:-}" >"r/$1/recipe.json"
	printf '# shellcheck shell=bash\n%s() {\n%s\n}\n' "$2" "$3" >"r/$1/build.sh"
}
ml() { "$MLFS" --state="$TRASH/st-$1" "${@:2}" --recipes "$TRASH/r" --profiles "$TOP/abi-profiles" --abi 64 --root "$TRASH/root-$1" -j 2; }

test_expect_success 'a step killed by SIGKILL from inside is a failure naming the signal' '
	mkrecipe s build "kill -KILL \$\$" &&
	test_expect_code 1 ml a build 2>a.err &&
	grep -q "s:64. failed at step .build. (signal 9" a.err &&
	grep -q "last lines of" a.err &&
	grep -q "terminated by signal 9" st-a/logs/s/64.log &&
	! grep -q " interrupted" a.err
'

test_expect_success 'a step dying of SIGTERM or SIGSEGV is a failure too' '
	rm -rf r && mkrecipe t build "kill -TERM \$\$" &&
	mkrecipe v build "kill -SEGV \$\$" &&
	test_expect_code 1 ml b build -k 2 2>b.err &&
	grep -q "t:64. failed at step .build. (signal 15" b.err &&
	grep -q "v:64. failed at step .build. (signal 11" b.err &&
	"$MLFS" --state="$TRASH/st-b" status t v >b.st &&
	grep -q "^failed  *t:64" b.st && ! grep -q "^interrupted" b.st
'

test_expect_success 'the merge does not write through links out of the root' '
	rm -rf r && mkrecipe esc install "
	mkdir -p \"\$DESTDIR/usr/share/x\" \"\$DESTDIR/usr/share/y/dotdot\"
	echo pkg >\"\$DESTDIR/usr/share/x/f\"
	echo pkg >\"\$DESTDIR/usr/share/y/dotdot/g\"" &&
	mkdir -p outside root-c/usr/share &&
	ln -s "$TRASH/outside" root-c/usr/share/x &&
	ln -s ../../.. root-c/usr/share/y &&
	test_expect_code 1 ml c build 2>c.err &&
	grep -q "root-c/usr/share/x.*: a symbolic link" c.err &&
	test ! -e outside/f && test ! -e dotdot/g && test ! -e outside/.f.mlfs-new &&
	test -z "$(ls outside)"
'

test_expect_success 'the merge through a link made of ../../.. alone is refused too' '
	rm -rf r && mkrecipe esc2 install "
	mkdir -p \"\$DESTDIR/usr/share/y/dotdot\"
	echo pkg >\"\$DESTDIR/usr/share/y/dotdot/g\"" &&
	mkdir -p root-c2/usr/share && ln -s ../../.. root-c2/usr/share/y &&
	test_expect_code 1 ml c2 build 2>c2.err &&
	grep -q "root-c2/usr/share/y.: a symbolic link" c2.err &&
	test ! -e dotdot
'

test_expect_success 'uninstall does not delete through a link to a host directory' '
	rm -rf r && mkrecipe pd install "
	mkdir -p \"\$DESTDIR/usr/share/pd\"
	echo doc >\"\$DESTDIR/usr/share/pd/d\"
	echo doc >\"\$DESTDIR/usr/share/pd/same\"" &&
	ml d build 2>d.err &&
	mkdir host && echo hostfile >host/d && echo doc >host/same &&
	mv root-d/usr/share/pd root-d/pd.moved && ln -s "$TRASH/host" root-d/usr/share/pd &&
	ml d uninstall pd 2>d2.err &&
	grep -q "root-d/usr/share/pd/d. of .pd. is not removed: a symbolic link" d2.err &&
	test "$(cat host/d)" = hostfile && test "$(cat host/same)" = doc
'

test_expect_success 'uninstall leaves a file edited by hand, and says so' '
	rm -rf r && mkrecipe pe install "
	mkdir -p \"\$DESTDIR/usr/share/pe\"
	echo doc >\"\$DESTDIR/usr/share/pe/edited\"
	echo doc >\"\$DESTDIR/usr/share/pe/intact\"" &&
	ml e build 2>e.err &&
	echo mine >root-e/usr/share/pe/edited &&
	ml e uninstall pe 2>e2.err &&
	grep -q "root-e/usr/share/pe/edited. of .pe. is not removed: it differs from the manifest" e2.err &&
	test "$(cat root-e/usr/share/pe/edited)" = mine &&
	test ! -e root-e/usr/share/pe/intact
'

test_expect_success 'two state dirs on one root: the second mlfs is refused by the root lock' '
	rm -rf r && mkdir -m 1777 flags && mkrecipe slow build "
	touch \"$TRASH/flags/slow.started\"
	while [ ! -e \"$TRASH/flags/slow.go\" ]; do sleep 0.1; done" &&
	{ ml f build >/dev/null 2>f1.err & } &&
	while [ ! -e flags/slow.started ] && kill -0 $! 2>/dev/null; do sleep 0.1; done &&
	test -e flags/slow.started &&
	rc=0 &&
	{ "$MLFS" --state="$TRASH/st-f2" build --recipes "$TRASH/r" --profiles "$TOP/abi-profiles" --abi 64 --root "$TRASH/root-f" -j 2 2>f2.err || rc=$?; } &&
	touch flags/slow.go && wait &&
	test "$rc" = 1 &&
	grep -q "another mlfs is changing root .*root-f" f2.err &&
	test -e root-f/var/lib/mlfs/manifests/slow.json
'

test_expect_success 'verify finds each damage by hand, and a plain build repairs it' '
	rm -rf r && mkrecipe vp install "
	mkdir -p \"\$DESTDIR/usr/bin\" \"\$DESTDIR/usr/share/vp\"
	printf \"#!/bin/sh\necho vp\n\" >\"\$DESTDIR/usr/bin/vp\" && chmod 755 \"\$DESTDIR/usr/bin/vp\"
	echo doc >\"\$DESTDIR/usr/share/vp/doc\"
	ln -s vp \"\$DESTDIR/usr/bin/vpl\"" &&
	mkrecipe vq install "
	mkdir -p \"\$DESTDIR/usr/share/vq\" && echo q >\"\$DESTDIR/usr/share/vq/q\"" &&
	ml g build 2>g.err &&
	ml g verify >g0.out 2>g0.err && test ! -s g0.out &&
	echo edited >root-g/usr/share/vp/doc &&
	chmod 4755 root-g/usr/bin/vp &&
	ln -sf elsewhere root-g/usr/bin/vpl &&
	rm root-g/usr/share/vq/q &&
	echo stray >root-g/usr/bin/stray &&
	test_expect_code 1 ml g verify >g1.out 2>g1.err &&
	grep -q "^vp: ./usr/share/vp/doc.: content changed" g1.out &&
	grep -q "^vp: ./usr/bin/vp.: mode 4755, the manifest says 0755" g1.out &&
	grep -q "^vp: ./usr/bin/vpl.: links to .elsewhere., the manifest says .vp." g1.out &&
	grep -q "^vq: ./usr/share/vq/q.: missing" g1.out &&
	grep -q "^unowned: ./usr/bin/stray." g1.out &&
	ml g build 2>g2.err &&
	grep -q "the root.s copy of .vp. is damaged" g2.err &&
	grep -q "\"repair\"" st-g/journal.jsonl &&
	ml g verify >g3.out 2>g3.err && ! grep -v "^unowned" g3.out &&
	test "$(cat root-g/usr/share/vp/doc)" = doc && test -e root-g/usr/share/vq/q
'

test_expect_success 'a deleted manifest is found by verify and repaired by build' '
	rm root-g/var/lib/mlfs/manifests/vq.json &&
	test_expect_code 1 ml g verify >h1.out 2>h1.err &&
	grep -q "^vq: the manifest .*vq.json. is missing" h1.out &&
	ml g build 2>h2.err && ml g verify >h3.out 2>&1 &&
	test -e root-g/var/lib/mlfs/manifests/vq.json &&
	ml g uninstall vq 2>h4.err && test ! -e root-g/usr/share/vq/q
'

test_expect_success 'an archive refused at unpack: the reason in the log, the status says unpack' '
	rm -rf r && mkdir -p r/hostile &&
	python3 -c "import tarfile,io
t = tarfile.open(\"hostile.tar\", \"w\")
i = tarfile.TarInfo(\"../evil\"); i.size = 2
t.addfile(i, io.BytesIO(b\"x\n\")); t.close()" &&
	sum=$(sha256sum hostile.tar | cut -d" " -f1) &&
	printf "{\"name\": \"hostile\", \"version\": \"1\", \"stage\": \"system\", \"sources\": [{\"url\": \"file://%s/hostile.tar\", \"sha256\": \"%s\"}]}\n" "$TRASH" "$sum" >r/hostile/recipe.json &&
	printf "# shellcheck shell=bash\nbuild() { :; }\n" >r/hostile/build.sh &&
	test_expect_code 1 ml i build 2>i.err &&
	grep -q "hostile:64: FAILED at unpack" i.err &&
	! grep -q "FAILED at merge" i.err &&
	grep -q "refusing .\.\./evil." st-i/logs/hostile/64.log &&
	grep -q "failed at step .unpack." i.err &&
	test ! -e evil
'

test_expect_success 'setuid and setgid bits are dropped at the merge unless multilib.setuid keeps them' '
	rm -rf r && mkrecipe su install "
	mkdir -p \"\$DESTDIR/usr/bin\"
	printf \"#!/bin/sh\n\" >\"\$DESTDIR/usr/bin/open\" && chmod 4777 \"\$DESTDIR/usr/bin/open\"
	printf \"#!/bin/sh\n\" >\"\$DESTDIR/usr/bin/grp\" && chmod 2755 \"\$DESTDIR/usr/bin/grp\"
	printf \"#!/bin/sh\n\" >\"\$DESTDIR/usr/bin/kept\" && chmod 4755 \"\$DESTDIR/usr/bin/kept\"" \
	", \"multilib\": {\"setuid\": [\"/usr/bin/kept\"]}" &&
	ml j build 2>j.err &&
	test "$(stat -c %a root-j/usr/bin/open)" = 777 &&
	test "$(stat -c %a root-j/usr/bin/grp)" = 755 &&
	test "$(stat -c %a root-j/usr/bin/kept)" = 4755 &&
	grep -q "/usr/bin/open. of .su.: setuid/setgid bits dropped (mode 4777" st-j/logs/su/64.log
'

ESC=/usr/local/share/mlfs-escape-$$
test_expect_success 'contained: an install without DESTDIR fails with the path in its log, nothing on the host' '
	rm -rf r && mkrecipe nodest install "
	mkdir -p $ESC && echo escaped >$ESC/f" &&
	test_expect_code 1 ml k build 2>k.err &&
	grep -q "$ESC" st-k/logs/nodest/64.log &&
	grep -q "failed at step .install." k.err &&
	test ! -e $ESC
'

test_expect_success 'contained: the root outside the staging dir and the state dir are not writable' '
	rm -rf r && mkrecipe intoroot install "
	mkdir -p \"\$DESTDIR/usr/share\" && echo ok >\"\$DESTDIR/usr/share/ok\"
	echo evil >\"\$MLFS_ROOT/usr/share/evil\"" &&
	mkdir -p root-l/usr/share &&
	test_expect_code 1 ml l build 2>l.err &&
	grep -q "root-l/usr/share/evil" st-l/logs/intoroot/64.log &&
	test ! -e root-l/usr/share/evil &&
	rm -rf r && mkrecipe intostate install "echo evil >\"$TRASH/st-l2/journal.jsonl\"" &&
	test_expect_code 1 ml l2 build 2>l2.err &&
	grep -q "st-l2/journal.jsonl" st-l2/logs/intostate/64.log && ! grep -q evil st-l2/journal.jsonl
'

test_expect_success 'contained: the cross stage of an LFS build cannot write under /usr/local either' '
	rm -rf r && mkdir -p r/cross/xesc lfs &&
	printf "{\"name\": \"xesc\", \"version\": \"1\", \"stage\": \"cross\"}\n" >r/cross/xesc/recipe.json &&
	printf "# shellcheck shell=bash\ninstall() {\nmkdir -p %s && echo escaped >%s/f\n}\n" "$ESC" "$ESC" >r/cross/xesc/build.sh &&
	test_expect_code 1 "$MLFS" --state="$TRASH/st-m" build --recipes "$TRASH/r" --profiles "$TOP/abi-profiles" --abi 64 --lfs "$TRASH/lfs" -j 2 2>m.err &&
	grep -q "$ESC" st-m/logs/xesc/64.log &&
	test ! -e $ESC
'

test_expect_success '--contain=off runs a step uncontained (so the escape above is what containment stops)' '
	rm -rf r && mkrecipe free install "
	mkdir -p \"\$DESTDIR/usr/share\" && touch \"$TRASH/free.mark\"" &&
	ml n build --contain=off 2>n.err && test -e free.mark &&
	test_expect_code 2 ml n2 build --contain=maybe 2>n2.err && grep -q "require, try or off" n2.err &&
	test "$(jq -r .contain st-n/config.json)" = off
'

test_expect_success 'a recipe whose make -j8 ignores the pool is named, with the step; a forced -j1 is not' '
	rm -rf r && mkrecipe ownj build "
	printf \"all:\n\t@true\n\" >Makefile
	make -j8" &&
	ml o build -j 3 2>o.err &&
	grep -q "warning: .ownj:64.: a make in step .build. ran with a -j of its own" o.err &&
	grep -q "ignored the jobserver.s pool" st-o/logs/ownj/64.log &&
	rm -rf r && mkrecipe plainj build "
	printf \"all:\n\t@true\n\" >Makefile
	make" &&
	ml o2 build -j 3 2>o2.err && ! grep -q "a -j of its own" o2.err &&
	rm -rf r && mkrecipe serialj build "
	printf \"MAKEFLAGS += -j1\nall:\n\t@true\n\" >Makefile
	make" &&
	ml o3 build -j 3 2>o3.err && grep -q "j1 forced in makefile" st-o3/logs/serialj/64.log &&
	! grep -q "a -j of its own" o3.err
'

test_expect_success 'a token lost by a killed step is blamed on that node, not on the one that ended last' '
	rm -rf r && mkdir -p flags2 && chmod 1777 flags2 &&
	mkrecipe thief build "\"$HELPERS/tokthief\" \"$TRASH/flags2/took\"" &&
	mkrecipe late build "
	while ! grep -q \"step ended\" \"$TRASH/st-p/logs/thief/64.log\" 2>/dev/null; do sleep 0.1; done" &&
	test_expect_code 1 "$MLFS" --state="$TRASH/st-p" build --recipes "$TRASH/r" --profiles "$TOP/abi-profiles" \
		--abi 64 --root "$TRASH/root-p" -j 3 2>p.err &&
	test -e flags2/took &&
	grep -q "jobserver: 1 tokens leaked by .thief:64., refilling" p.err &&
	! grep -q "leaked by .late:64" p.err
'

test_done
