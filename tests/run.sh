#!/usr/bin/env bash
# run.sh: run every unit test (cmocka, TAP) and every integration script
# (tests/t*.sh, TAP), each under a time limit (MLFS_TEST_TIMEOUT, 900 s, or the
# script's own "# mlfs-test-timeout: SECONDS"), and end with "N passed, N failed".
# Usage: tests/run.sh [PATTERN]   (only the tests whose file name contains PATTERN)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
pattern=${1:-}
limit=${MLFS_TEST_TIMEOUT:-900}
passed=0
failed=0
skipped=0
export CMOCKA_MESSAGE_OUTPUT=TAP

count() {  # count TAP lines in file $1
	local p f s
	p=$(grep -c '^ok ' "$1" || true)
	s=$(grep -c '^ok .*# *[Ss][Kk][Ii][Pp]' "$1" || true)
	f=$(grep -c '^not ok ' "$1" || true)
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	echo "# $2: $((p - s)) passed, $f failed, $s skipped"
}

runone() {  # runone NAME LIMIT CMD...
	local name=$1 lim=$2 out rc=0
	shift 2
	out=$(mktemp)
	echo "# --- $name"
	timeout "$lim" "$@" >"$out" 2>&1 || rc=$?
	cat "$out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$out"; then
		echo "not ok - $name exited with status $rc" | tee -a "$out"
	fi
	count "$out" "$name"
	rm -f "$out"
}

for t in build/san/tests/t-*; do
	[ -x "$t" ] || continue
	case $t in *"$pattern"*) ;; *) continue ;; esac
	runone "unit/${t##*/}" "$limit" "$t"
done
for t in tests/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	case $t in *"$pattern"*) ;; *) continue ;; esac
	# a script may ask for more time with a line "# mlfs-test-timeout: SECONDS"
	lim=$(sed -n 's/^# mlfs-test-timeout: *\([0-9]*\)$/\1/p' "$t" | head -n 1)
	runone "${t#tests/}" "${lim:-$limit}" bash "$t"
done

echo "# skipped: $skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
