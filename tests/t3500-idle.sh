#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='idle: while nodes run and no node waits for a slot, the event loop sleeps'
. "$(dirname "$0")/lib.sh"

# the loop thread's epoll_wait calls (strace without -f follows only it)
waits() { awk '$NF ~ /^epoll_p?wait$/ { n += $4 } END { print n + 0 }' "$1"; }

mkdir -p r/sleeper
printf '{"name": "sleeper", "version": "1", "stage": "system"}\n' >r/sleeper/recipe.json
printf '# shellcheck shell=bash\nbuild() {\n\tsleep 3\n}\ninstall() {\n\tmkdir -p "$DESTDIR/usr/share/sleeper"\n}\n' >r/sleeper/build.sh

if ! command -v strace >/dev/null; then
	test_skip 'one node sleeping 3 s at -j8: the loop wakes a handful of times' 'no strace'
else
	test_expect_success 'one node sleeping 3 s at -j8: the loop wakes a handful of times' '
		ASAN_OPTIONS=detect_leaks=0 strace -c -o trace -e trace=epoll_wait,epoll_pwait "$MLFS" --state="$TRASH/st" build -q \
			--recipes "$TRASH/r" --profiles "$TOP/abi-profiles" --abi 64 --root "$TRASH/root" -j 8 &&
		n=$(waits trace) &&
		echo "epoll waits: $n" &&
		test "$n" -lt 200
	'
fi

test_done
