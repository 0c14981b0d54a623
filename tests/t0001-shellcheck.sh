#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
test_description='every shell file of the project passes shellcheck'
. "$(dirname "$0")/lib.sh"

test_expect_success 'recipes pass shellcheck' '
	cd "$TOP" &&
	shellcheck -s bash recipes/*/*/build.sh recipes/include/*.sh tests/fixtures/recipes/*/build.sh tests/fixtures/recipes/include/*.sh
'

test_expect_success 'scripts and tests pass shellcheck' '
	cd "$TOP" &&
	shellcheck -e SC1091 scripts/*.sh bench/*.sh tests/*.sh tests/real/*.sh .ci/run
'

test_done
