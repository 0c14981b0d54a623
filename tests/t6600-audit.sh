#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='the jobserver audit runs while nodes run: a token a killed make held comes back before the build ends'
. "$(dirname "$0")/lib.sh"

ml() { "$MLFS" --state="$TRASH/st-$1" "${@:2}" --recipes "$TRASH/r-$1" --profiles "$TOP/abi-profiles" --abi 64 --root "$TRASH/root-$1"; }

# max_overlap FILE: the most jobrec records that ran at once (as in t3100)
max_overlap() {
	awk '{ print $1, $3; print $2, -$3 }' "$1" | sort -k1,1n -k2,2n |
	awk '{ c += $2; if (c > m) m = c } END { print m + 0 }'
}

# recipe SET NAME BODY: a recipe without sources whose build step runs BODY
recipe() {
	mkdir -p "r-$1/$2"
	printf '{"name": "%s", "version": "1", "stage": "system"}\n' "$2" >"r-$1/$2/recipe.json"
	printf '# shellcheck shell=bash\nbuild() {\n%s\n}\n' "$3" >"r-$1/$2/build.sh"
}

# jobs: shell lines that write a Makefile of 12 jobrec runs of 500 ms into
# ./jobs, recording into $1, and run it with the pool of MAKEFLAGS
jobs() {
	printf '%s\n' \
		'mkdir -p jobs && { printf "all:"; for i in 0 1 2 3 4 5 6 7 8 9 10 11; do printf " t%d" $i; done; printf "\n"' \
		"  for i in 0 1 2 3 4 5 6 7 8 9 10 11; do printf 't%d:\n\t@%s %s 500\n' \$i '$HELPERS/jobrec' '$1'; done; } >jobs/Makefile" \
		'make -C jobs >jobs.out 2>&1'
}

mkdir -m 1777 q

# thief: a make running two jobs (so holding one token) is killed with
# SIGKILL, then its jobs; the step dies of it (status 137)
recipe a thief '
printf "all: a b\na b:\n\t@echo \$\$\$\$ >\$@.pid; exec sleep 600\n" >Makefile
make >make.out 2>&1 &
m=$!
while [ ! -s a.pid ] || [ ! -s b.pid ]; do sleep 0.1; done
kill -KILL "$m"
kill -KILL "$(cat a.pid)" "$(cat b.pid)"
wait "$m"'
# long: once thief ended, waits (a minute at most) for the warning on
# mlfs's stderr, notes what it saw, then runs 12 jobs with every slot it gets
recipe a long "
while ! grep -q 'step ended' '$TRASH/st-a/logs/thief/64.log' 2>/dev/null; do sleep 0.1; done
i=0
while ! grep -q 'leaked by' '$TRASH/a.err' && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done
grep 'leaked by' '$TRASH/a.err' >'$TRASH/q/a.seen' || :
$(jobs "$TRASH/q/a.rec")"

test_expect_success 'a token lost by a killed make is refilled while another node runs, and blamed on its node' '
	test_expect_code 1 ml a build -j 4 2>a.err &&
	grep -q "thief:64. failed at step .build. (status 137" a.err &&
	grep -q "jobserver: 1 tokens leaked by .thief:64., refilling" q/a.seen &&
	awk "/leaked by/ { l = NR } /long:64: merged/ { m = NR } END { exit !(l && m && l < m) }" a.err &&
	test "$(grep -c "leaked by" a.err)" = 1 &&
	! grep -q "extra tokens" a.err &&
	grep -q "\"long:64\".*\"merged\"\|\"merged\".*\"long:64\"" st-a/journal.jsonl &&
	test "$(wc -l <q/a.rec)" = 12 &&
	m=$(max_overlap q/a.rec) && echo "long ran $m jobs at once" &&
	test "$m" = 4
'

# busy: a make with three jobs (two tokens) that wait for quick to end and
# then run on for five seconds; quick ends while they hold the tokens
recipe b busy "
printf 'all: a b c\\na b c:\\n\\t@touch %s/q/b.\$@; while ! grep -q \"step ended\" %s 2>/dev/null; do sleep 0.1; done; sleep 5\\n' '$TRASH' '$TRASH/st-b/logs/quick/64.log' >Makefile
make"
recipe b quick "
while [ ! -e '$TRASH/q/b.a' ] || [ ! -e '$TRASH/q/b.b' ] || [ ! -e '$TRASH/q/b.c' ]; do sleep 0.1; done"

test_expect_success 'tokens a running make holds while another node ends are not taken for a leak' '
	ml b build -j 4 2>b.err &&
	! grep -q "leaked by" b.err &&
	! grep -q "extra tokens" b.err
'

test_done
