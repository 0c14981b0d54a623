#!/usr/bin/env bash
# mirror.sh: kept for old command lines; tests/real/sources.sh does the work
# (the recipes' sources from this machine's Debian archive, merged into DIR).
#
# Usage: tests/real/mirror.sh DIR [RECIPE...]
#        (default recipes: zlib bzip2 xz gmp ncurses libffi openssl)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: tests/real/mirror.sh DIR [RECIPE...]" >&2; exit 1; }
dir=$1
shift
[ $# -gt 0 ] || set -- zlib bzip2 xz gmp ncurses libffi openssl
exec "$(dirname "$0")/sources.sh" "$dir" "$@"
