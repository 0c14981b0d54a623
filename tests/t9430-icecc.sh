#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
# mlfs-test-timeout: 900
test_description='--icecc: an icecream scheduler and two daemons in network namespaces of their own; compiles run remotely, the root equals a local build'
. "$(dirname "$0")/lib.sh"

# Network: a hub namespace with a bridge and one veth pair to each of the
# namespaces "sched", "r1", "r2" (the remote daemons) and "b" (the build and
# its local daemon), on a private /24 that exists inside these namespaces only.
# Each daemon runs in a mount namespace of its own with a private /run/icecc.
P=mlfsice$$
NET=10.213.$(($$ % 200 + 20))
why=
for tool in ip unshare icecc iceccd icecc-scheduler; do
	command -v "$tool" >/dev/null || why="no '$tool' (scripts/deps.sh installs icecc)"
done
[ -z "$why" ] && [ "$(id -u)" -ne 0 ] && why="not root: network namespaces need CAP_SYS_ADMIN"
if [ -z "$why" ] && ! ip netns add "$P-probe" 2>/dev/null; then
	why="network namespaces cannot be made here (ip netns add failed)"
fi
ip netns del "$P-probe" 2>/dev/null
if [ -n "$why" ]; then
	test_skip 'icecc cluster tests' "$why"
	test_done
	exit 0
fi

# the teardown ends every process in the test's namespaces, then the namespaces
teardown() {
	local ns p
	for ns in hub sched r1 r2 b; do
		for p in $(ip netns pids "$P-$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
	done
	sleep 1
	for ns in hub sched r1 r2 b; do ip netns del "$P-$ns" 2>/dev/null; done
	test_cleanup
}
trap teardown EXIT

# inns NS CMD...: run CMD in namespace NS
inns() { local ns=$1; shift; ip netns exec "$P-$ns" "$@"; }

# iceccd reports the machine's load from /proc/stat and the scheduler gives no
# job to a host above 100%; this machine is shared and often loaded far beyond
# that by other builds, so each daemon's mount namespace sees the /proc/stat of
# an idle machine (the compiles themselves are real)
printf 'cpu  100 0 100 100000000 0 0 0 0 0 0\n' >"$TRASH/idlestat"

# daemon NS NAME MAX: an iceccd in NS with its own /run/icecc, in the background
daemon() {
	inns "$1" unshare -m sh -c 'mount --bind "$6" /proc/stat &&
		mkdir -p /run/icecc && mount -t tmpfs tmpfs /run/icecc &&
		exec iceccd -s "$0" -n "$1" -N "$2" -m "$3" -b "$4" -l "$5" -vvv' \
		"$NET.1" "$P" "$2" "$3" "$TRASH/ice/$2.env" "$TRASH/ice/$2.log" "$TRASH/idlestat" &
}

# the scheduler and daemons drop to user icecc: their logs and environments
# go to $TRASH/ice, which that user may write
chmod 755 "$TRASH"
mkdir -m 1777 "$TRASH/ice"
cp -R "$TOP/tests/fixtures/recipes" recipes
treehash() {
	(cd "$1" && find . -printf '%p %y %M %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum
}

# network: the namespaces, a bridge in the hub, a veth pair to each
network() {
	ip netns add "$P-hub" && inns hub ip link add br0 type bridge && inns hub ip link set br0 up &&
	i=1 &&
	for ns in sched r1 r2 b; do
		ip netns add "$P-$ns" &&
		inns hub ip link add "v$i" type veth peer name eth0 netns "$P-$ns" &&
		inns hub ip link set "v$i" master br0 && inns hub ip link set "v$i" up &&
		inns "$ns" ip addr add "$NET.$i/24" dev eth0 && inns "$ns" ip link set eth0 up &&
		inns "$ns" ip link set lo up && i=$((i + 1)) || return 1
	done
}

# the scheduler and the two remote daemons, in the background (outside the
# tests' subshells, so that the teardown ends them)
network >net.log 2>&1
netrc=$?
if [ $netrc -eq 0 ]; then
	inns sched icecc-scheduler -n "$P" -l "$TRASH/ice/sched.log" -vvv >/dev/null 2>&1 &
	daemon r1 remote1 2 >/dev/null 2>&1
	daemon r2 remote2 2 >/dev/null 2>&1
fi

test_expect_success 'namespaces, veth pairs and a bridge on a private network' '
	test $netrc -eq 0 || { cat net.log; exit 1; }
	inns b ip -4 addr show eth0 | grep -q "inet $NET.4/24" &&
	inns hub ip link show master br0 | grep -c "state UP" >up && test "$(cat up)" -eq 4
'

test_expect_success 'a scheduler and two remote daemons that joined it over the veth network' '
	for i in $(seq 100); do
		grep -q "remote1" ice/sched.log 2>/dev/null && grep -q "remote2" ice/sched.log && break
		sleep 0.2
	done &&
	grep -q remote1 ice/sched.log && grep -q remote2 ice/sched.log
'

# inbuild CMD: run CMD in namespace b beside a local daemon that takes no job itself
inbuild() {
	inns b unshare -m sh -c 'mount --bind "$5" /proc/stat &&
		mkdir -p /run/icecc && mount -t tmpfs tmpfs /run/icecc &&
		{ iceccd -s "$0" -n "$1" -N local -m 0 -b "$2" -l "$3" -vvv & } && d=$! &&
		for i in $(seq 50); do [ -S /run/icecc/iceccd.socket ] && break; sleep 0.1; done &&
		sleep 1; eval "$4"; rc=$?; kill $d; wait $d; exit $rc' \
		"$NET.1" "$P" "$TRASH/ice/local.env" "$TRASH/ice/local.log" "$1" "$TRASH/idlestat"
}

test_expect_success 'a local build of the fixture set, for comparison' '
	"$MLFS" --state="$TRASH/st-local" build --abi 32,64,x32 --recipes "$TRASH/recipes" \
		--profiles "$TOP/abi-profiles" --root "$TRASH/root" 2>local.err &&
	mv root root.local
'

test_expect_success 'mlfs build --icecc sends compiles to the remote daemons' '
	inbuild "\"$MLFS\" --state=\"$TRASH/st-ice\" build --icecc --icecc-slots 4 --abi 32,64,x32 \
		--recipes \"$TRASH/recipes\" --profiles \"$TOP/abi-profiles\" --root \"$TRASH/root\" \
		2>\"$TRASH/ice.err\"" &&
	grep_q "6 of 6 node(s) built" ice.err &&
	! grep -q "cannot be reached" ice.err &&
	test "$(jq .icecc st-ice/config.json)" = true &&
	n1=$(grep -c "END .* status=0 .* server=remote1" ice/sched.log || true) &&
	n2=$(grep -c "END .* status=0 .* server=remote2" ice/sched.log || true) &&
	echo "compile jobs done remotely: remote1 $n1, remote2 $n2" >remote.count &&
	test $((n1 + n2)) -ge 3 &&
	! grep -q "server=local" ice/sched.log
'

[ -f remote.count ] && echo "# $(cat remote.count)"
for f in local ice; do
	[ -f $f.err ] && echo "# makespan, $f: $(sed -n "s/.* node(s) built in \([0-9.]* s\).*/\1/p" $f.err)"
done

test_expect_success 'the root is the local build'"'"'s, file by file' '
	diff -r --no-dereference root.local root &&
	test "$(treehash root.local)" = "$(treehash root)"
'

test_expect_success 'a recipe with "distribute": false compiles locally' '
	mv root root.ice2 && cp -R recipes recipes-local &&
	jq ". + {distribute: false}" recipes/libdemo/recipe.json >recipes-local/libdemo/recipe.json &&
	before=$(grep -c "END .* status=0 .* server=remote" ice/sched.log) &&
	inbuild "\"$MLFS\" --state=\"$TRASH/st-nodist\" build --icecc --abi 64 \
		--recipes \"$TRASH/recipes-local\" --profiles \"$TOP/abi-profiles\" --root \"$TRASH/root\" \
		libdemo 2>\"$TRASH/nodist.err\"" &&
	grep_q "1 of 1 node(s) built" nodist.err &&
	test "$(grep -c "END .* status=0 .* server=remote" ice/sched.log)" -eq "$before" &&
	mv root root.nodist
'

# The stages of an LFS build. The cross compiler is the machine's gcc under
# the cross name in $LFS/tools/bin (the Chapter 5 one is built by the book);
# the chroot is t7000's Debian tree with its multilib compilers.
TGT=$(jq -r .cross "$TOP/abi-profiles/64.json")
BASE=${MLFS_CHROOT_DIR:-/var/tmp/mlfs-chroot}
# remotejobs KEY: compile jobs with the toolchain tarball KEY that ended well
# on a remote daemon
remotejobs() {
	awk -v k="versions=[$1(" '$4 == "NEW" && index($0, k) { id[$5] = 1 }
		$4 == "END" && ($5 in id) && / status=0 / && / server=remote/ { n++ }
		END { print n + 0 }' "$TRASH/ice/sched.log"
}
# tools DIR PROGRAM...: DIR/tools/bin/$TGT-PROGRAM for each, the machine's PROGRAM
tools() {
	local d=$1
	shift
	mkdir -p "$d/tools/bin" && for p in "$@"; do ln -s "$(command -v "$p")" "$d/tools/bin/$TGT-$p"; done
}
mkdir recipes-x && cp -R recipes/include recipes/libdemo recipes-x/ &&
	jq ". + {stage: \"cross\"}" recipes/libdemo/recipe.json >recipes-x/libdemo/recipe.json

test_expect_success 'the cross stage of an LFS build compiles remotely with a tarball of $LFS/tools/bin/$LFS_TGT-gcc' '
	tools lfsx-local gcc g++ && tools lfsx gcc g++ &&
	"$MLFS" --state="$TRASH/st-xlocal" build --lfs "$TRASH/lfsx-local" --abi 32,64,x32 \
		--recipes "$TRASH/recipes-x" --profiles "$TOP/abi-profiles" 2>xlocal.err &&
	inbuild "\"$MLFS\" --state=\"$TRASH/st-x\" build --icecc --icecc-slots 4 --lfs \"$TRASH/lfsx\" \
		--abi 32,64,x32 --recipes \"$TRASH/recipes-x\" --profiles \"$TOP/abi-profiles\" \
		2>\"$TRASH/x.err\"" &&
	grep_q "3 of 3 node(s) built" x.err &&
	! grep -q "warning" x.err &&
	ls st-x/icecc/env >tarballs && test "$(wc -l <tarballs)" -eq 1 &&
	key=$(sed -n "s/^\(cross-[0-9a-f]*\)\.tar\.gz$/\1/p" tarballs) && test -n "$key" &&
	cat st-x/logs/libdemo/*.log >x.logs &&
	grep_q "packed the toolchain of .$TRASH/lfsx/tools/bin/$TGT-gcc. into" x.logs &&
	grep_q "^icecc $TGT-gcc -mx32 -O2 -fPIC -c" x.logs &&
	grep -q "installed x86_64/$key " ice/remote1.log ice/remote2.log &&
	echo "cross stage: $(remotejobs "$key") compile jobs done remotely" >remote-x.count &&
	test "$(remotejobs "$key")" -ge 3 &&
	test "$(treehash lfsx-local/usr)" = "$(treehash lfsx/usr)"
'
[ -f remote-x.count ] && echo "# $(cat remote-x.count)"

test_expect_success 'a cross compiler that does not exist yet, or that icecc-create-env cannot pack: a warning, local compiles' '
	mkdir -p recipes-n/probe &&
	printf "{\"name\": \"probe\", \"version\": \"1\", \"stage\": \"cross\"}\n" >recipes-n/probe/recipe.json &&
	printf "install() { mkdir -p \"\$DESTDIR/usr/share\"; echo \"\$CC\" >\"\$DESTDIR/usr/share/probe-cc\"; }\n" \
		>recipes-n/probe/build.sh &&
	mkdir lfsn &&
	inbuild "\"$MLFS\" --state=\"$TRASH/st-n\" build --icecc --lfs \"$TRASH/lfsn\" --abi 64 \
		--recipes \"$TRASH/recipes-n\" --profiles \"$TOP/abi-profiles\" 2>\"$TRASH/n.err\"" &&
	grep_q "1 of 1 node(s) built" n.err &&
	grep_q "no compiler .$TRASH/lfsn/tools/bin/$TGT-gcc. yet: compiling locally until it is built" n.err &&
	test "$(cat lfsn/usr/share/probe-cc)" = "$TGT-gcc -m64" &&
	tools lfsg gcc &&
	before=$(grep -c "END .* status=0 .* server=remote" ice/sched.log) &&
	inbuild "\"$MLFS\" --state=\"$TRASH/st-g\" build --icecc --lfs \"$TRASH/lfsg\" --abi 32,64 \
		--recipes \"$TRASH/recipes-x\" --profiles \"$TOP/abi-profiles\" 2>\"$TRASH/g.err\"" &&
	grep_q "2 of 2 node(s) built" g.err &&
	grep_q "icecc-create-env cannot pack .$TRASH/lfsg/tools/bin/$TGT-gcc. (its output: .$TRASH/st-g/icecc/cross-[0-9a-f]*\.log.): compiles with it stay local" g.err &&
	test "$(grep -c "icecc-create-env cannot pack" g.err)" -eq 1 &&
	grep -q "g++.* is no executable" st-g/icecc/cross-*.log &&
	test "$(grep -c "END .* status=0 .* server=remote" ice/sched.log)" -eq "$before"
'

# the chroot stages: a copy of t7000's Debian tree, whose /etc/ld.so.conf
# gets a line that only a tarball packed inside the chroot holds
test_expect_success 'the chroot stages compile remotely with a tarball packed inside chroot $LFS' '
	"$TOP/tests/real/chroot.sh" "$BASE" && cp -a "$BASE" lfsc &&
	echo "# mlfs t9430: packed inside the chroot" >>lfsc/etc/ld.so.conf &&
	inbuild "\"$MLFS\" --state=\"$TRASH/st-c\" build --icecc --icecc-slots 4 --lfs \"$TRASH/lfsc\" \
		--abi 32,64,x32 --recipes \"$TRASH/recipes\" --profiles \"$TOP/abi-profiles\" libdemo \
		2>\"$TRASH/c.err\"" &&
	grep_q "3 of 3 node(s) built" c.err &&
	! grep -q "warning" c.err &&
	key=$(cd st-c/icecc/env && ls chroot-*.tar.gz | sed "s/\.tar\.gz$//") && test -n "$key" &&
	tar -xzOf "st-c/icecc/env/$key.tar.gz" etc/ld.so.conf | grep -q "packed inside the chroot" &&
	cat st-c/logs/libdemo/*.log >c.logs &&
	grep_q "^/run/mlfs/state/icecc/bin/icecc gcc -m32 -O2 -fPIC -c" c.logs &&
	echo "chroot stage: $(remotejobs "$key") compile jobs done remotely" >remote-c.count &&
	test "$(remotejobs "$key")" -ge 3 &&
	mkdir c.ice && for d in lib lib32 libx32; do
		cp "lfsc/usr/$d/libdemo.so.1" "c.ice/$d.so" && cp "lfsc/usr/$d/libdemo.a" "c.ice/$d.a" || exit 1
	done
'
[ -f remote-c.count ] && echo "# $(cat remote-c.count)"

test_expect_success 'the chroot build equals a local one; an unchanged toolchain is not packed again' '
	"$MLFS" --state="$TRASH/st-c" clean libdemo 2>/dev/null &&
	"$MLFS" --state="$TRASH/st-c" build --no-icecc 2>c2.err &&
	grep_q "3 of 3 node(s) built" c2.err &&
	for d in lib lib32 libx32; do
		cmp "c.ice/$d.so" "lfsc/usr/$d/libdemo.so.1" && cmp "c.ice/$d.a" "lfsc/usr/$d/libdemo.a" || exit 1
	done &&
	key=$(cd st-c/icecc/env && ls chroot-*.tar.gz | sed "s/\.tar\.gz$//") && n=$(remotejobs "$key") &&
	"$MLFS" --state="$TRASH/st-c" clean libdemo 2>/dev/null &&
	inbuild "\"$MLFS\" --state=\"$TRASH/st-c\" build --icecc 2>\"$TRASH/c3.err\"" &&
	grep_q "3 of 3 node(s) built" c3.err &&
	! grep -q "packed the toolchain" st-c/logs/libdemo/*.log &&
	test "$(ls st-c/icecc/env | wc -l)" -eq 1 &&
	test "$(remotejobs "$key")" -ge $((n + 3))
'

test_expect_success 'a rebuilt compiler gets a new tarball; the next build removes the old one' '
	old=$(cd st-c/icecc/env && ls chroot-*.tar.gz) && test -n "$old" &&
	gcc=$(chroot lfsc readlink -f /usr/bin/gcc) && touch "lfsc$gcc" &&
	"$MLFS" --state="$TRASH/st-c" clean libdemo 2>/dev/null &&
	inbuild "\"$MLFS\" --state=\"$TRASH/st-c\" build --icecc 2>\"$TRASH/c4.err\"" &&
	grep_q "3 of 3 node(s) built" c4.err &&
	grep_q "mlfs: icecc: removed 1 tarball(s) of toolchains that \$LFS no longer has" c4.err &&
	cat st-c/logs/libdemo/*.log >c4.logs && grep_q "packed the toolchain" c4.logs &&
	ls st-c/icecc/env >env.now && test "$(wc -l <env.now)" -eq 1 && ! grep -qx "$old" env.now
'

test_expect_success 'an unreachable daemon: a clear message, local compiles, no hang' '
	inns sched "$MLFS" --state="$TRASH/st-nod" build --icecc --abi 64 --recipes "$TRASH/recipes" \
		--profiles "$TOP/abi-profiles" --root "$TRASH/root" 2>nod.err &&
	grep_q "the local icecream daemon cannot be reached" nod.err &&
	grep_q "2 of 2 node(s) built" nod.err
'

test_done
