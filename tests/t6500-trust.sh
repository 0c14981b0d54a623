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

test_done
