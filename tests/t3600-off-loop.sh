#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='off the loop: while one node unpacks, the others run, end and merge'
. "$(dirname "$0")/lib.sh"

# a cp that holds the copy of srcA until $TRASH/go exists (at most 30 s, then
# it notes the timeout): the unpack of node a lasts as long as the test wants
mkdir -p bin r/a/srcA r/b
cat >bin/cp <<-'SH'
	#!/bin/sh
	case "$*" in
	*srcA*)
		i=0
		while [ ! -e "$TRASH/go" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
		[ -e "$TRASH/go" ] || touch "$TRASH/timeout"
		;;
	esac
	exec /bin/cp "$@"
SH
chmod +x bin/cp
echo data >r/a/srcA/file
printf '{"name": "a", "version": "1", "stage": "system", "sources": [{"path": "srcA"}]}\n' >r/a/recipe.json
printf '# shellcheck shell=bash\ninstall() {\n\tmkdir -p "$DESTDIR/usr/share/a"\n\tcp file "$DESTDIR/usr/share/a/"\n}\n' >r/a/build.sh
printf '{"name": "b", "version": "1", "stage": "system"}\n' >r/b/recipe.json
printf '# shellcheck shell=bash\ninstall() {\n\tmkdir -p "$DESTDIR/usr/share/b"\n}\n' >r/b/build.sh

merged() { jq -r 'select(.ev == "merged") | .node' st/journal.jsonl 2>/dev/null | grep -qx "$1"; }

test_expect_success 'node b is built and merged while node a is still unpacking' '
	PATH="$TRASH/bin:$PATH" "$MLFS" --state="$TRASH/st" build -q --recipes "$TRASH/r" \
		--profiles "$TOP/abi-profiles" --abi 64 --root "$TRASH/root" -j 2 &
	pid=$! &&
	i=0 &&
	while ! merged b:64 && [ $i -lt 400 ]; do sleep 0.1; i=$((i + 1)); done &&
	touch go &&
	wait $pid &&
	test ! -e timeout &&
	merged a:64 &&
	test -f root/usr/share/a/file
'

test_done
