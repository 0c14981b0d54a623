#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='--ccache: every compile through one ccache dir in the state; a rebuild after clean hits; keys and root unchanged'
. "$(dirname "$0")/lib.sh"

if ! command -v ccache >/dev/null; then
	test_skip 'ccache tests' 'no ccache (scripts/deps.sh installs it)'
	test_done
	exit 0
fi
cp -R "$TOP/tests/fixtures/recipes" recipes
# ml STATE ARGS...: the fixture set for three ABIs into $TRASH/root
ml() {
	local st=$1
	shift
	"$MLFS" --state="$TRASH/$st" build --abi 32,64,x32 --recipes "$TRASH/recipes" \
		--profiles "$TOP/abi-profiles" --root "$TRASH/root" "$@"
}
treehash() {
	(cd "$1" && find . -printf '%p %y %M %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum
}

test_expect_success 'a build without ccache, for comparison' '
	ml plain 2>plain.err && mv root root.plain &&
	! grep -q ccache plain.err
'

test_expect_success 'a --ccache build compiles through ccache into the state dir' '
	ml cc --ccache 2>cc1.err &&
	grep_q "ccache: 0 hit(s), [1-9][0-9]* miss(es)" cc1.err &&
	test "$(jq .ccache cc/config.json)" = true &&
	test -n "$(find cc/ccache/cache -type f -name "*R" | head -n 1)" &&
	test "$(treehash root.plain)" = "$(treehash root)"
'

test_expect_success 'after clean, the rebuild hits the cache for every compile' '
	"$MLFS" --state="$TRASH/cc" clean libdemo demoprog 2>/dev/null &&
	"$MLFS" --state="$TRASH/cc" build 2>cc2.err &&
	grep_q "6 of 6 node(s) built" cc2.err &&
	grep_q "ccache: [1-9][0-9]* hit(s), 0 miss(es), 100% hits" cc2.err &&
	test "$(treehash root.plain)" = "$(treehash root)" &&
	"$MLFS" --state="$TRASH/cc" report -o cc.html 2>/dev/null &&
	grep_q "[1-9][0-9]* hit(s), 0 miss(es): 100% of the compiles came from the cache" cc.html
'

test_expect_success '--ccache changes no node key: a built state has nothing to do' '
	mv root root.cc && mv root.plain root &&
	ml plain --ccache 2>cc3.err &&
	grep_q "nothing to do" cc3.err &&
	"$MLFS" --state="$TRASH/plain" plan --json >p1 &&
	"$MLFS" --state="$TRASH/plain" plan --json --no-ccache >p2 &&
	test_cmp p1 p2
'

test_expect_success 'for an LFS build, a copy of ccache that runs inside an empty chroot' '
	mkdir lfs &&
	"$MLFS" --state="$TRASH/lfsst" build --ccache --lfs "$TRASH/lfs" --abi 64 \
		--recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" >/dev/null 2>&1 || true
	test -x lfsst/ccache/bin/ccache && test -x lfsst/ccache/host/ld.so &&
	mkdir -p jail/run/mlfs/state jail/bin &&
	cp -a lfsst/ccache jail/run/mlfs/state/ &&
	chroot jail /run/mlfs/state/ccache/host/ld.so --library-path /run/mlfs/state/ccache/host \
		/run/mlfs/state/ccache/host/ccache --version >ver &&
	grep_q "ccache version" ver &&
	grep_q "^h=\${0%/bin/ccache}/host$" lfsst/ccache/bin/ccache
'

test_done
