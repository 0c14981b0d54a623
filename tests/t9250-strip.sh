#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='--strip: the book'"'"'s Stripping page as a step after install, on each system-stage node'"'"'s staged files'
. "$(dirname "$0")/lib.sh"

cp -R "$TOP/tests/fixtures/recipes" recipes
cp "$TOP/recipes/include/strip.sh" recipes/include/
ml() { "$MLFS" --state="$TRASH/st" "$@"; }
OPTS=(--recipes "$TRASH/recipes" --profiles "$TOP/abi-profiles" --root "$TRASH/root" --abi "32,64")
# symtab FILE: 0 when the ELF file has a symbol table
symtab() { readelf -S "$1" | grep -q '\.symtab'; }

test_expect_success 'without --strip the programs and libraries keep their symbol tables' '
	ml build "${OPTS[@]}" 2>plain.err &&
	symtab root/usr/bin/demoprog &&
	symtab "$(readlink -f root/usr/lib/libdemo.so)" &&
	symtab "$(readlink -f root/usr/lib32/libdemo.so)" &&
	! grep -q "step .strip." st/logs/libdemo/64.log
'

test_expect_success '--strip rebuilds every node (a key of its own) and strips before the merge' '
	ml build --strip "${OPTS[@]}" 2>strip.err &&
	grep -q "4 of 4 node(s) built" strip.err &&
	grep -q "step .strip. of .libdemo:64." st/logs/libdemo/64.log &&
	grep -q "^strip: [1-9][0-9]* files stripped" st/logs/libdemo/32.log &&
	! symtab root/usr/bin/demoprog &&
	! symtab "$(readlink -f root/usr/lib/libdemo.so)" &&
	! symtab "$(readlink -f root/usr/lib32/libdemo.so)" &&
	LD_LIBRARY_PATH=$TRASH/root/usr/lib root/usr/bin/demoprog >/dev/null
'

test_expect_success 'the manifests hash the stripped files: verify finds nothing' '
	ml verify "${OPTS[@]}" >verify.out 2>&1
'

test_expect_success '--strip is kept: a bare build has nothing to do; --no-strip brings the symbols back' '
	ml build 2>again.err &&
	grep -q "nothing to do" again.err &&
	ml build --no-strip 2>back.err &&
	grep -q "4 of 4 node(s) built" back.err &&
	symtab root/usr/bin/demoprog
'

test_expect_success 'a recipe set without include/strip.sh: --strip is refused, naming the file' '
	rm recipes/include/strip.sh &&
	test_expect_code 1 ml build --strip "${OPTS[@]}" 2>nostrip.err &&
	grep -q "recipes/include/strip.sh" nostrip.err
'

test_done
