#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='fuzzing: the JSON loader and the journal under libFuzzer, a bounded run from the corpus in tests/fuzz'
. "$(dirname "$0")/lib.sh"

# each target runs from its corpus (read only: new inputs go to the sandbox)
# for a bounded number of inputs; a crash, a leak or a sanitizer report fails
fuzz() {
	mkdir -p "new-$1" || return 1
	if ! "$TOP/build/fuzz/fuzz-$1" -runs="$2" -max_total_time=60 -timeout=10 "new-$1" \
		"$TOP/tests/fuzz/corpus-$1" >"$1.out" 2>&1; then
		tail -n 40 "$1.out"
		return 1
	fi
	grep -q "^Done [0-9]* runs" "$1.out"
}

if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
	clang -fsanitize=fuzzer -x c -o /dev/null - 2>/dev/null; then
	test_skip 'the fuzz targets' 'clang with libFuzzer is missing (scripts/deps.sh installs it)'
	test_done
fi

test_expect_success 'the fuzz targets build' '
	make -C "$TOP" -s fuzz
'

test_expect_success 'the JSON loader survives 20000 inputs' '
	fuzz jdoc 20000
'

test_expect_success 'the journal survives 400 inputs' '
	fuzz journal 400
'

test_done
