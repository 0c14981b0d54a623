#!/usr/bin/env bash
# lib.sh: the integration tests' harness (TAP output, one sandbox per script).
# A test script sets test_description, sources this file, runs test_expect_success
# blocks and ends with test_done. Each block runs in the script's sandbox $TRASH.
set -u
LC_ALL=C
export LC_ALL
unset MAKEFLAGS MAKELEVEL MFLAGS CFLAGS CXXFLAGS LDFLAGS CPPFLAGS
for v in $(env | sed -n 's/^\(MLFS_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TOP
: "${MLFS:=$TOP/build/san/mlfs}"
[ -x "$MLFS" ] || MLFS=$TOP/build/mlfs
export MLFS
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
HELPERS=$TOP/build/helpers
export HELPERS

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/mlfs-test.XXXXXX")
# steps run contained as an unprivileged user: it must reach the sandbox, and
# the tests' steps leave records and marks in it
chmod 1777 "$TRASH"
export TRASH
cd "$TRASH" || exit 1
test_count=0
test_fail=0
echo "# ${0##*/}: ${test_description:-}"
trap 'test_cleanup' EXIT

test_cleanup() {
	if [ "${clean:-true}" = true ] && [ "$test_fail" -eq 0 ]; then
		chmod -R u+w "$TRASH" 2>/dev/null
		rm -rf "$TRASH"
	else
		echo "# sandbox kept: $TRASH"
	fi
}

# test_expect_success TITLE BODY: run BODY in a subshell; ok when it exits 0
test_expect_success() {
	test_count=$((test_count + 1))
	local out
	out=$(cd "$TRASH" && set -e && eval "$2" 2>&1)
	local rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $test_count - $1"
	else
		test_fail=$((test_fail + 1))
		echo "not ok $test_count - $1"
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/#   /'
	fi
}

# test_skip TITLE REASON
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

# test_must_fail CMD...: CMD exits with 1..125 (not a crash, not a signal)
test_must_fail() {
	local rc=0
	"$@" || rc=$?
	if [ $rc -eq 0 ]; then
		echo "expected failure, got success: $*" >&2
		return 1
	fi
	if [ $rc -gt 125 ]; then
		echo "died with $rc: $*" >&2
		return 1
	fi
	return 0
}

# test_expect_code CODE CMD...
test_expect_code() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" -eq "$want" ] || { echo "expected exit $want, got $rc: $*" >&2; return 1; }
}

# test_cmp EXPECTED ACTUAL
test_cmp() {
	diff -u "$1" "$2"
}

# grep_q PATTERN FILE: like grep -q but shows the file when it fails
grep_q() {
	grep -q -e "$1" "$2" || { echo "no '$1' in $2:" >&2; cat "$2" >&2; return 1; }
}

test_done() {
	echo "1..$test_count"
	[ "$test_fail" -eq 0 ]
}
