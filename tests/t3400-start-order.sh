#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='start order: the longest chain first, guessed from the sources on a first build'
. "$(dirname "$0")/lib.sh"

# mkrecipe NAME BYTES: a recipe whose source tree holds BYTES bytes
mkrecipe() {
	mkdir -p "r/$1/src"
	head -c "$2" /dev/zero >"r/$1/src/data"
	printf '{"name": "%s", "version": "1", "stage": "system", "sources": [{"path": "src"}]}\n' "$1" >"r/$1/recipe.json"
	printf '# shellcheck shell=bash\ninstall() {\n\tmkdir -p "$DESTDIR/usr/share/%s"\n\tcp data "$DESTDIR/usr/share/%s/"\n}\n' "$1" "$1" >"r/$1/build.sh"
}
ml() { "$MLFS" --state="$TRASH/st" "$@" --recipes "$TRASH/r" --profiles "$TOP/abi-profiles" --abi 64 --root "$TRASH/root" -j 1; }
starts() { jq -r 'select(.ev == "start") | .node' st/journal.jsonl | tr '\n' ' '; }

test_expect_success 'with no history, the node with the most source bytes starts first' '
	mkrecipe a-small 1000 &&
	mkrecipe m-middle 400000 &&
	mkrecipe z-big 3000000 &&
	ml build -q &&
	test "$(starts)" = "z-big:64 m-middle:64 a-small:64 "
'

test_done
