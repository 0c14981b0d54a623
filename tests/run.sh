#!/usr/bin/env bash
# run.sh: run every unit test (cmocka, TAP) and every integration script
# (tests/t*.sh, TAP), each under a time limit, and end with "N passed, N failed".
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

runone() {  # runone NAME CMD...
	local name=$1 out rc=0
	shift
	out=$(mktemp)
	echo "# --- $name"
	timeout "$limit" "$@" >"$out" 2>&1 || rc=$?
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
	runone "unit/${t##*/}" "$t"
done
for t in tests/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	case $t in *"$pattern"*) ;; *) continue ;; esac
	runone "${t#tests/}" bash "$t"
done

echo "# skipped: $skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
