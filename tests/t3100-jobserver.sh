#!/usr/bin/env bash
# shellcheck disable=SC2016  # test bodies are single-quoted on purpose
# shellcheck disable=SC2034  # read by the harness
test_description='jobserver protocol facts mlfs relies on, checked against the host make with the test helpers'
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# fresh NAME: work in a new directory of the sandbox
fresh() {
	mkdir "$1" && cd "$1"
}

# mkpool N: a pool of N slots at fds 3 and 4 (a fifo opened read-write, which
# make cannot tell from a pipe), holding N-1 tokens
mkpool() {
	rm -f pool && mkfifo pool && exec 3<>pool 4<>pool &&
	head -c "$(($1 - 1))" /dev/zero | tr '\0' + >&4
}

# tokens: drain the pool and print how many tokens it held
tokens() {
	dd if=pool iflag=nonblock bs=4096 count=1 2>/dev/null | wc -c
}

# mkjobs DIR N MS: a Makefile in DIR with N targets, each a jobrec run of MS ms
mkjobs() {
	mkdir -p "$1" && {
		printf 'all:'
		i=0; while [ $i -lt "$2" ]; do printf ' t%d' $i; i=$((i + 1)); done
		printf '\n'
		i=0; while [ $i -lt "$2" ]; do
			printf 't%d:\n\t@%s %s/rec %d\n' $i "$HELPERS/jobrec" "$PWD/$1" "$3"
			i=$((i + 1))
		done
	} >"$1/Makefile"
}

# max_overlap FILE...: the most weight that ran at once in jobrec records
max_overlap() {
	cat "$@" | awk '{ print $1, $3; print $2, -$3 }' | sort -k1,1n -k2,2n |
	awk '{ c += $2; if (c > m) m = c } END { print m + 0 }'
}

# newer_make: the host make is 4.4 or later (knows fifo:)
newer_make() {
	make --version | awk 'NR == 1 { split($3, v, "."); exit !(v[1] > 4 || (v[1] == 4 && v[2] >= 4)) }'
}

test_expect_success 'helpers are built' '
	fresh t1 &&
	test -x "$HELPERS/jobrec" && test -x "$HELPERS/tokthief"
'

test_expect_success 'jobrec records start < stop and weight 1 without a jobserver' '
	fresh t2 &&
	"$HELPERS/jobrec" rec 20 &&
	read -r a b w <rec &&
	[ "$a" -lt "$b" ] && [ "$w" = 1 ] &&
	[ $((b - a)) -ge 20000000 ]
'

test_expect_success 'jobrec takes extra tokens, counts them and gives them back' '
	fresh t3 &&
	mkpool 4 &&
	MAKEFLAGS=" -j4 --jobserver-auth=fifo:$PWD/pool" "$HELPERS/jobrec" rec 10 2 &&
	MAKEFLAGS=" -j4 --jobserver-fds=3,4 --jobserver-auth=3,4" "$HELPERS/jobrec" rec 10 9 &&
	awk "{ print \$3 }" rec >w &&
	printf "3\n4\n" >expect && test_cmp expect w &&
	[ "$(tokens)" = 3 ]
'

test_expect_success 'tokthief dies by SIGKILL holding a token' '
	fresh t4 &&
	mkpool 3 &&
	test_expect_code 137 env MAKEFLAGS=" -j3 --jobserver-auth=3,4" "$HELPERS/tokthief" took &&
	test -f took &&
	[ "$(tokens)" = 1 ]
'

test_expect_success 'make follows the pool, not -jN, with the pipe MAKEFLAGS mlfs emits' '
	fresh t5 &&
	mkpool 3 && mkjobs a 12 100 &&
	MAKEFLAGS=" -j3 --jobserver-fds=3,4 --jobserver-auth=3,4" make -C a >log 2>&1 &&
	[ "$(wc -l <a/rec)" = 12 ] &&
	m=$(max_overlap a/rec) && echo "max overlap $m" &&
	[ "$m" = 3 ] &&
	rm a/rec &&
	dd if=pool bs=1 count=1 2>/dev/null | wc -c | grep -qx 1 &&
	MAKEFLAGS=" -j3 --jobserver-fds=3,4 --jobserver-auth=3,4" make -C a >log 2>&1 &&
	m=$(max_overlap a/rec) && echo "one token taken: max overlap $m" &&
	[ "$m" = 2 ] &&
	[ "$(tokens)" = 1 ]
'

test_expect_success 'two makes sharing one pool of 4 stay within 4 together' '
	fresh t6 &&
	mkpool 4 && mkjobs a 10 100 && mkjobs b 10 100 &&
	dd if=pool bs=1 count=1 2>/dev/null | wc -c | grep -qx 1 &&
	{ MAKEFLAGS=" -j4 --jobserver-fds=3,4 --jobserver-auth=3,4" make -C a >loga 2>&1 & } &&
	pid=$! &&
	MAKEFLAGS=" -j4 --jobserver-fds=3,4 --jobserver-auth=3,4" make -C b >logb 2>&1 &&
	wait "$pid" &&
	printf + >&4 &&
	m=$(max_overlap a/rec b/rec) && echo "max overlap $m" &&
	[ "$m" = 4 ] &&
	[ "$(tokens)" = 3 ]
'

test_expect_success 'a child make told -2,-2 runs one job at a time' '
	fresh t7 &&
	mkpool 3 && mkjobs a 4 30 &&
	MAKEFLAGS=" -j3 --jobserver-auth=-2,-2" make -C a >log 2>&1 &&
	[ "$(max_overlap a/rec)" = 1 ] &&
	[ "$(tokens)" = 2 ]
'

if newer_make; then
	test_skip 'make 4.3 rejects the fifo form' "host make is 4.4 or later"
else
	test_expect_success 'make 4.3 rejects the fifo form (so chapters 5-6 need pipe mode)' '
	fresh t8 &&
		mkpool 3 && mkjobs a 2 10 &&
		test_must_fail env MAKEFLAGS=" -j3 --jobserver-auth=fifo:$PWD/pool" make -C a >log 2>&1 &&
		grep_q "invalid --jobserver-auth string" log
	'
fi

test_done
