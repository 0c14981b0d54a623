#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='command line: usage, version, exit statuses'
. "$(dirname "$0")/lib.sh"

test_expect_success 'version and help' '
	"$MLFS" version | grep -q "^mlfs [0-9]" &&
	"$MLFS" --help | grep -q "^usage: mlfs"
'

test_expect_success 'no command, unknown command and unknown option are usage errors' '
	test_expect_code 2 "$MLFS" 2>err0 &&
	test_expect_code 2 "$MLFS" frobnicate 2>err1 &&
	grep -q "unknown command .frobnicate." err1 &&
	test_expect_code 2 "$MLFS" build --frobnicate 2>err2 &&
	test_expect_code 2 "$MLFS" build -j 0 2>err3 &&
	grep -q "option .-j. takes a number" err3
'

test_expect_success 'an LFS build uses the book graph, also with the same --root' '
	mkdir -p l &&
	"$MLFS" --state=st3 plan --json --lfs l --abi 64 --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" >p1 &&
	jq -e ".nodes[] | select(.name == \"m4-temp:64\") | .deps | index(\"libstdcxx:64\")" p1 &&
	"$MLFS" --state=st3 plan --json --lfs l --root l --abi 64 --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" >p2 &&
	jq -e ".nodes[] | select(.name == \"m4-temp:64\") | .deps | index(\"libstdcxx:64\")" p2 &&
	"$MLFS" --state=st3 plan --json --root l --abi 64 --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" >p3 &&
	jq -e "[.nodes[] | select(.name == \"m4-temp:64\")] == []" p3 &&
	jq -e ".nodes[] | select(.name == \"m4:64\") | .deps == []" p3 &&
	test_expect_code 2 "$MLFS" --state=st3 plan --lfs l --root r --abi 64 --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" 2>err &&
	grep -q "root .*/r. differs from --lfs .*/l.: an LFS build merges into" err
'

test_expect_success 'a needs_run recipe (Python) is planned only for the ABIs that run here' '
	printf "int main(void) { return 0; }\n" >x.c && gcc -mx32 -o x32prog x.c &&
	MLFS_GUEST=off "$MLFS" --state=st4 plan --lfs l --abi 32,64,x32 --recipes "$TOP/recipes" \
		--profiles "$TOP/abi-profiles" python >plan 2>err &&
	grep -qx "python:64" plan && grep -qx "python:32" plan &&
	if ./x32prog 2>/dev/null; then
		grep -qx "python:x32" plan && ! grep -q "left out" err
	else
		! grep -q "python:x32" plan &&
		grep -q "^mlfs: .python:x32. left out: its build runs what it builds, and ABI x32 programs cannot run here (exec failed" err
	fi
'

# where a QEMU guest runs x32 programs (scripts/guest.sh), python:x32 is planned
if command -v qemu-system-x86_64 >/dev/null && [ -s "${MLFS_GUEST_DIR:-/var/lib/mlfs/guest}/id" ]; then
	test_expect_success 'with a QEMU guest, python:x32 is planned' '
		"$MLFS" --state=st5 plan --lfs l --abi 32,64,x32 --recipes "$TOP/recipes" \
			--profiles "$TOP/abi-profiles" python >plan5 2>err5 &&
		grep -qx "python:x32" plan5 && ! grep -q "left out" err5
	'
else
	test_skip 'with a QEMU guest, python:x32 is planned' "no qemu-system-x86_64 or guest kernel"
fi

test_expect_success 'log of a node that never ran' '
	test_expect_code 1 "$MLFS" --state=st log zlib:32 2>err &&
	grep -q "no log for .zlib:32." err
'

test_expect_success 'the installed mlfs finds its recipes and profiles' '
	make -s -C "$TOP" install DESTDIR="$TRASH/inst" PREFIX=/opt/mlfs >/dev/null &&
	test -x inst/opt/mlfs/bin/mlfs &&
	test -f inst/opt/mlfs/share/mlfs/abi-profiles/x32.json &&
	inst/opt/mlfs/bin/mlfs --state=st2 plan --abi 64 >plan &&
	grep -q "^zlib:64$" plan
'

test_expect_success 'kept options are checked like a recipe: file, line and key' '
	mkdir -p st5 st6 &&
	printf "{\n  \"abis\": [\"64\"],\n  \"root\": 3\n}\n" >st5/config.json &&
	test_expect_code 1 "$MLFS" --state=st5 plan --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" 2>err5 &&
	grep -q "st5/config.json:3:.*root.* must be a string" err5 &&
	printf "{\"sources\": [\"zlib\"]}\n" >st6/config.json &&
	test_expect_code 1 "$MLFS" --state=st6 plan --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" 2>err6 &&
	grep -q "sources\[0\]. must be PKG=DIR, not .zlib." err6 &&
	printf "{\n  \"contain\": \"maybe\"\n}\n" >st6/config.json &&
	test_expect_code 1 "$MLFS" --state=st6 plan --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" 2>err6b &&
	grep -q "st6/config.json:2:.*contain.* must be require, try or off" err6b
'

test_expect_success 'plan and status read the journal without writing it' '
	mkdir -p st7 st8 &&
	printf "{\"mlfs_journal\":1}\n{\"ev\":\"start\",\"node\":\"zlib:64\"" >st7/journal.jsonl &&
	cp st7/journal.jsonl before7 &&
	"$MLFS" --state=st7 plan --abi 64 --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" >/dev/null &&
	"$MLFS" --state=st7 status --abi 64 --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" >/dev/null &&
	cmp before7 st7/journal.jsonl &&
	printf "{\"mlfs_journal\":99}\n" >st8/journal.jsonl &&
	test_expect_code 1 "$MLFS" --state=st8 status --abi 64 --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" >/dev/null 2>err8 &&
	grep -q "unknown version" err8 &&
	test -f st8/journal.jsonl && test ! -e st8/journal.jsonl.old
'

test_expect_success 'a second mlfs on a locked state dir: an error naming the holder, nothing leaked' '
	mkdir -p st9 &&
	flock st9/lock sh -c "touch st9/held; exec sleep 30" &
	holder=$! &&
	while [ ! -e st9/held ]; do sleep 0.1; done &&
	test_expect_code 1 "$MLFS" --state=st9 build --abi 64 --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" 2>err9 &&
	kill $holder &&
	grep -q "another mlfs .* is using state dir" err9 &&
	! grep -q LeakSanitizer err9
'

test_done
